import * as assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { ZkClient } from '../../src/zk/client';
import { contextMenu, pick } from './support/prompts';
import { clickRow, expandPath, expandRow, row, setSection } from './support/tree';
import { openWorkbench, useDemoWorkbench, type Theme, type WorkbenchSession } from './support/workbench';

const TITLE = 'Get Started with ZooKeeper Explorer';
/** A node of this suite: realistic (its screenshots are the walkthrough's images), removed at the end. */
const NODE = '/config/checkout';
const NAME = 'checkout';
const CHECKOUT = (enabled: boolean): string => `{\n  "service": "checkout",\n  "currency": "EUR",\n  "retries": 3,\n  "fraudCheck": ${enabled}\n}\n`;
const THEIRS = `{\n  "service": "checkout",\n  "currency": "EUR",\n  "retries": 5,\n  "fraudCheck": false\n}\n`;

/** The walkthrough's step button (its id is "<extension>#<walkthrough>#<step>" or the bare step id). */
function step(wb: WorkbenchSession, id: string): Locator {
  return wb.page.locator(`button.getting-started-step[data-step-id="${id}"], button.getting-started-step[data-step-id$="#${id}"]`).first();
}

/** Opens the walkthrough from the command palette, as a person who wants it back does. */
async function openWalkthrough(wb: WorkbenchSession): Promise<void> {
  await wb.runCommand(`ZooKeeper: ${TITLE}`);
  await wb.page.locator('.gettingStartedContainer', { hasText: TITLE }).first().waitFor({ timeout: 30_000 });
}

/** Waits until the step shows as done (or not); the page is opened first, so the check is what a person sees. */
async function expectStep(wb: WorkbenchSession, id: string, done: boolean): Promise<void> {
  await openWalkthrough(wb);
  const target = step(wb, id);
  await target.waitFor({ timeout: 20_000 });
  try {
    await wb.page.locator(`button.getting-started-step[aria-checked="${done}"][data-step-id$="${id}"]`).first().waitFor({ timeout: 20_000 });
  } catch {
    assert.fail(`the step "${id}" shows aria-checked=${await target.getAttribute('aria-checked')}, expected ${done}`);
  }
}

describe('e2e: the Get Started walkthrough on a first run', function () {
  let wb: WorkbenchSession | undefined;

  before(async function () {
    this.timeout(180_000);
    // A first run: no connection, and the walkthrough allowed to open (the test windows turn it off).
    wb = await openWorkbench({ theme: 'light', settings: { 'zookeeper.walkthrough.openOnFirstRun': true } });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.captureFailure(this.currentTest.title);
  });
  after(async () => {
    await wb?.close();
  });

  it('opens by itself the first time the ZooKeeper view is shown, and the welcome view links to it', async function () {
    this.timeout(120_000);
    await wb!.openView('ZooKeeper');
    await wb!.page.locator('.gettingStartedContainer', { hasText: TITLE }).first().waitFor({ timeout: 60_000 });
    await step(wb!, 'connect').waitFor({ timeout: 20_000 });
    assert.equal(await step(wb!, 'connect').getAttribute('aria-checked'), 'false', 'no connection yet: the first step is not done');
    await wb!.screenshot('walkthrough-first-run');
    // Closed, it comes back from the welcome view's link.
    await wb!.runCommand('View: Close All Editors');
    await wb!.page.locator('.gettingStartedContainer').first().waitFor({ state: 'detached', timeout: 20_000 });
    await wb!.page.locator('.welcome-view-content').getByRole('button', { name: 'Get Started' }).first().click();
    await wb!.page.locator('.gettingStartedContainer', { hasText: TITLE }).first().waitFor({ timeout: 30_000 });
  });
});

describe('e2e: the Get Started walkthrough on the demo world', function () {
  let wb: WorkbenchSession | undefined;
  let probe: ZkClient | undefined;
  const connectString = useDemoWorkbench((session) => (wb = session));

  before(async () => {
    probe = await ZkClient.connect({ connectString });
    await probe.delete(NODE).catch(() => undefined);
    await probe.create(NODE, Buffer.from(CHECKOUT(false)));
  });

  after(async () => {
    await probe?.delete(NODE).catch(() => undefined);
    await probe?.close();
  });

  /** A line of the visible editor. */
  function line(text: string): Locator {
    return wb!.page.locator('.monaco-editor .view-line', { hasText: text }).filter({ visible: true }).first();
  }

  async function openCheckout(): Promise<void> {
    await wb!.openView('ZooKeeper');
    await setSection(wb!, 'Explorer', true);
    await expandPath(wb!, ['demo', '/', 'config']);
    await clickRow(wb!, NAME);
    await wb!.page.locator('.tab.active', { hasText: NAME }).first().waitFor({ timeout: 30_000 });
    await line('"service": "checkout"').waitFor({ timeout: 15_000 });
  }

  /** "fraudCheck": false → true (dirty afterwards). */
  async function typeTrue(): Promise<void> {
    const page = wb!.page;
    await line('"fraudCheck": false').click();
    await page.keyboard.press('End');
    for (let i = 0; i < 'false'.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type('true');
    await page.locator('.tab.active.dirty', { hasText: NAME }).first().waitFor({ timeout: 10_000 });
  }

  /**
   * Hides the panel when it shows. "View: Hide Panel" is in the palette only while the panel is
   * visible: run blindly on a hidden panel it sat out runCommand's 30 s hang guard.
   */
  async function hidePanel(): Promise<void> {
    if (await wb!.page.locator('.part.panel').isVisible()) await wb!.runCommand('View: Hide Panel');
    await wb!.page.locator('.part.panel').waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /** Closes every editor; an unsaved sample script is not saved ("Don't Save" in VS Code's question). */
  async function closeEditors(): Promise<void> {
    const page = wb!.page;
    await wb!.closeAllEditors();
    const dontSave = page.locator('.monaco-dialog-box').getByRole('button', { name: "Don't Save" });
    for (const deadline = Date.now() + 20_000; (await page.locator('.tabs-container .tab').count()) > 0; ) {
      assert.ok(Date.now() < deadline, 'the editors did not close');
      if (await dontSave.isVisible()) await dontSave.click();
      await page.waitForTimeout(100);
    }
  }

  it('its steps complete by themselves as the user connects, opens, saves, watches, looks at locks and runs a script', async function () {
    this.timeout(300_000);
    const page = wb!.page;
    await openWalkthrough(wb!);
    // Nothing done yet: the demo connection is configured but not connected.
    for (const id of ['connect', 'browse', 'save', 'watch', 'script']) assert.equal(await step(wb!, id).getAttribute('aria-checked'), 'false', `${id} is not done yet`);
    await wb!.openView('ZooKeeper');
    await expandRow(wb!, 'demo');
    await row(wb!, /^demo connected/).waitFor({ timeout: 30_000 });
    await expectStep(wb!, 'connect', true);

    await openCheckout();
    await expectStep(wb!, 'browse', true);

    // The walkthrough took the preview tab's place: open the node again.
    await openCheckout();
    await typeTrue();
    await page.keyboard.press('Control+S');
    await page.locator('.tab.active:not(.dirty)', { hasText: NAME }).first().waitFor({ timeout: 20_000 });
    assert.equal((await probe!.get(NODE)).data.toString(), CHECKOUT(true), 'the save reached the server');
    await expectStep(wb!, 'save', true);

    await wb!.openView('ZooKeeper');
    await contextMenu(wb!, NAME, 'Watch…');
    await pick(page, `Watch ${NODE} on demo`, 'Data');
    await row(wb!, new RegExp(`^${NAME} .*watching data`)).waitFor({ timeout: 15_000 });
    await expectStep(wb!, 'watch', true);

    await wb!.openView('ZooKeeper');
    await setSection(wb!, 'Coordination', true);
    await expectStep(wb!, 'coordination', true);

    // The step's own button opens a sample script; running it completes the step.
    await step(wb!, 'script').click();
    await page.locator('.gettingStartedContainer').getByRole('button', { name: 'New ZooKeeper Script' }).first().click();
    await line('# connection: demo').waitFor({ timeout: 20_000 });
    await wb!.runCommand('ZooKeeper: Run ZooKeeper Script');
    await expectStep(wb!, 'script', true);
    await wb!.screenshot('walkthrough-done');
    await closeEditors();
  });

  for (const theme of ['light', 'dark'] as Theme[]) {
    it(`the walkthrough and the images of its steps, from the real UI (${theme}, screenshots)`, async function () {
      this.timeout(300_000);
      const page = wb!.page;
      await wb!.setTheme(theme);
      await closeEditors();
      await hidePanel();
      await wb!.runCommand('Notifications: Clear All Notifications');
      await probe!.set(NODE, Buffer.from(CHECKOUT(false)));

      // connect / browse: the demo world in the explorer, a JSON node open beside it.
      await wb!.openView('ZooKeeper');
      await setSection(wb!, 'Coordination', false);
      await setSection(wb!, 'Explorer', true);
      await expandPath(wb!, ['demo', '/', 'config']);
      await wb!.screenshot('walkthrough-connect');
      await clickRow(wb!, 'app');
      await page.locator('.tab.active', { hasText: 'app' }).first().waitFor({ timeout: 30_000 });
      await line('{').waitFor({ timeout: 20_000 });
      await wb!.screenshot('walkthrough-browse');

      // Not watched while the conflict is pictured (the watch would tell of the other program's change too).
      await wb!.openView('ZooKeeper');
      if (await row(wb!, new RegExp(`^${NAME} .*watching data`)).isVisible()) {
        await contextMenu(wb!, NAME, 'Stop Watching');
        await row(wb!, new RegExp(`^${NAME} \\d+ B(,|$)`)).waitFor({ timeout: 15_000 });
      }

      // save: another program changes the node while it is edited here.
      await openCheckout();
      await typeTrue();
      await probe!.set(NODE, Buffer.from(THEIRS));
      await page.keyboard.press('Control+S');
      const conflict = page.locator('.notifications-center .notification-list-item', { hasText: 'changed on the server' }).first();
      for (const deadline = Date.now() + 30_000; !(await conflict.isVisible()); ) {
        assert.ok(Date.now() < deadline, 'no conflict notification');
        await wb!.notifications();
        await page.waitForTimeout(250);
      }
      await wb!.screenshot('walkthrough-save');
      await conflict.getByRole('button', { name: 'Discard My Changes' }).click();
      await page.locator('.tab.active:not(.dirty)', { hasText: NAME }).first().waitFor({ timeout: 20_000 });
      await wb!.runCommand('Notifications: Clear All Notifications');

      // watch: the node watched (again), a change shows in the panel.
      await wb!.openView('ZooKeeper');
      if (!(await row(wb!, new RegExp(`^${NAME} .*watching data`)).isVisible())) {
        await contextMenu(wb!, NAME, 'Watch…');
        await pick(page, `Watch ${NODE} on demo`, 'Data');
        await row(wb!, new RegExp(`^${NAME} .*watching data`)).waitFor({ timeout: 15_000 });
      }

      const version = (await probe!.set(NODE, Buffer.from(CHECKOUT(true)))).version;
      await wb!.runCommand('ZooKeeper: Focus on ZooKeeper Watches View');
      await wb!.treeItem(new RegExp(`data changed \\(v${version - 1} → v${version}\\).*${NODE} · demo`)).first().waitFor({ timeout: 30_000 });
      await wb!.screenshot('walkthrough-watch');
      await hidePanel();

      // coordination: the kazoo lock's detail.
      await closeEditors();
      await wb!.openView('ZooKeeper');
      await setSection(wb!, 'Explorer', false);
      await setSection(wb!, 'Coordination', true);
      await expandRow(wb!, 'demo');
      await row(wb!, /^\/locks\/inventory /).click();
      const preview = page.frameLocator('iframe.webview').first().frameLocator('iframe#active-frame');
      await preview.locator('h2', { hasText: 'Wait chain' }).waitFor({ timeout: 30_000 });
      await wb!.screenshot('walkthrough-coordination');

      // script: a new script, completing the children of /services.
      await closeEditors();
      await setSection(wb!, 'Coordination', false);
      await setSection(wb!, 'Explorer', true);
      await wb!.runCommand('ZooKeeper: New ZooKeeper Script');
      await line('# connection: demo').waitFor({ timeout: 20_000 });
      await page.keyboard.press('Control+End');
      await page.keyboard.type('ls /services/');
      await wb!.runCommand('Trigger Suggest');
      await page.locator('.editor-widget.suggest-widget .monaco-list-row', { hasText: 'orders' }).first().waitFor({ timeout: 30_000 });
      await wb!.screenshot('walkthrough-script');
      await page.keyboard.press('Escape');

      // The walkthrough itself, every step done.
      await closeEditors();
      await openWalkthrough(wb!);
      await wb!.screenshot('walkthrough');
    });
  }
});
