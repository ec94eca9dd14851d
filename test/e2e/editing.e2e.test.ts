import * as assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { ZkClient } from '../../src/zk/client';
import { answer, pick } from './support/prompts';
import { clickRow, expandPath, row } from './support/tree';
import { openWorkbench, type Theme, type WorkbenchSession } from './support/workbench';

const connectString = process.env.ZK_E2E_CONNECT;

/** Mocha hooks: a light workbench opened by `open` before the tests, the failure report after a failed one, closed at the end. */
function useWorkbench(open: () => Promise<WorkbenchSession>, use: (session: WorkbenchSession) => void): void {
  let session: WorkbenchSession | undefined;
  before(async function () {
    this.timeout(180_000);
    assert.ok(connectString, 'ZK_E2E_CONNECT names the demo ZooKeeper (npm test sets it)');
    session = await open();
    use(session);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.captureFailure(this.currentTest.title);
  });
  after(async () => {
    await session?.close();
  });
}

describe('e2e: add a connection through the welcome view', function () {
  let wb: WorkbenchSession | undefined;
  useWorkbench(() => openWorkbench({ theme: 'light' }), (session) => (wb = session));

  it('adds a connection through the welcome view and its prompts', async function () {
    this.timeout(90_000);
    const page = wb!.page;
    await wb!.openView('ZooKeeper');
    // The welcome view's own button (the title bar has an "Add Connection…" action too); it shows once
    // the extension is active and knows there are no connections.
    const add = page.locator('.welcome-view-content').getByRole('button', { name: 'Add Connection' });
    await add.first().waitFor({ timeout: 60_000 });
    await wb!.screenshot('welcome');
    await add.first().click();
    await answer(page, '(1/3)', 'e2e');
    await answer(page, '(2/3)', connectString!);
    await pick(page, '(3/3)', 'Read and write');
    await row(wb!, 'e2e').waitFor({ timeout: 30_000 });
    // It connects and browses like one from the settings.
    await expandPath(wb!, ['e2e', '/']);
    await row(wb!, 'config').waitFor({ timeout: 30_000 });
  });
});

describe('e2e: edit a node, meet a conflict', function () {
  let wb: WorkbenchSession | undefined;
  let probe: ZkClient | undefined;
  const created: string[] = [];
  const stamp = Date.now();
  useWorkbench(
    () => openWorkbench({ theme: 'light', settings: { 'zookeeper.connections': [{ name: 'e2e', connectString }] } }),
    (session) => (wb = session),
  );

  before(async () => {
    probe = await ZkClient.connect({ connectString: connectString! });
  });

  after(async () => {
    for (const path of created) await probe?.delete(path).catch(() => undefined);
    await probe?.close();
  });

  /** What each test's own node holds at first: its label makes its lines unique among open editors. */
  const original = (label: string): string => `{\n  "feature": "${label}",\n  "enabled": false\n}\n`;
  /** What another client writes over it. */
  const theirs = (label: string): string => `{\n  "feature": "${label}",\n  "enabled": "changed by another client"\n}\n`;
  /** What the test types: "enabled": false → true. */
  const mine = (label: string): string => original(label).replace('false', 'true');

  /** A node of this test alone, /config/e2e-<label>-<stamp>, holding original(label). */
  async function freshNode(label: string): Promise<{ path: string; name: string }> {
    const path = `/config/e2e-${label}-${stamp}`;
    await probe!.create(path, Buffer.from(original(label)));
    created.push(path);
    return { path, name: path.split('/').pop()! };
  }

  /** A line of the visible editor (editors of other tests may be open behind it). */
  function line(text: string): Locator {
    return wb!.page.locator('.monaco-editor .view-line', { hasText: text }).filter({ visible: true }).first();
  }

  /** The tab of a node, once it is the active one and has no unsaved changes. */
  function cleanTab(name: string): Locator {
    return wb!.page.locator('.tab.active:not(.dirty)', { hasText: name }).first();
  }

  /** Opens a node's data by a click on its row in the explorer, as a person does. */
  async function openNode(label: string, name: string): Promise<void> {
    await wb!.openView('ZooKeeper');
    await expandPath(wb!, ['e2e', '/', 'config']);
    await clickRow(wb!, name);
    await wb!.page.locator('.tab.active', { hasText: name }).first().waitFor({ timeout: 30_000 });
    await line(`"feature": "${label}"`).waitFor({ timeout: 15_000 });
  }

  /** Types over "enabled": false → true (the document is dirty afterwards). */
  async function typeTrue(name: string): Promise<void> {
    const page = wb!.page;
    await line('"enabled": false').click();
    await page.keyboard.press('End');
    for (let i = 0; i < 'false'.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type('true');
    await page.locator('.tab.active.dirty', { hasText: name }).first().waitFor({ timeout: 10_000 });
    await line(`"enabled": true`).waitFor({ timeout: 10_000 });
  }

  /**
   * Opens a fresh node, edits it, lets another client change it, saves: returns the conflict's
   * notification in the notification centre (found by its own buttons and the node's name).
   */
  async function meetConflict(label: string): Promise<{ path: string; name: string; notification: Locator }> {
    const page = wb!.page;
    const node = await freshNode(label);
    await openNode(label, node.name);
    // Edited before the other client writes: a document with unsaved changes is never reloaded
    // under the user, so the save below is the one that meets the conflict.
    await typeTrue(node.name);
    await probe!.set(node.path, Buffer.from(theirs(label)));
    await page.keyboard.press('Control+S');
    const notification = page
      .locator('.notifications-center .notification-list-item', { hasText: node.name })
      .filter({ has: page.getByRole('button', { name: 'Discard My Changes' }) })
      .first();
    let shown: string[] = [];
    for (const deadline = Date.now() + 30_000; !(await notification.isVisible()); ) {
      assert.ok(Date.now() < deadline, `no conflict notification for ${node.name}; the centre shows: ${JSON.stringify(shown)}`);
      shown = await wb!.notifications();
      await page.waitForTimeout(250);
    }
    assert.equal((await probe!.get(node.path)).data.toString(), theirs(label), 'nothing was overwritten before a choice');
    return { ...node, notification };
  }

  it('opens a node in a JSON editor from the explorer', async function () {
    this.timeout(90_000);
    const { name } = await freshNode('open');
    await openNode('open', name);
    await wb!.page.locator('.statusbar-item', { hasText: /^JSON$/ }).first().waitFor({ timeout: 15_000 });
    await cleanTab(name).waitFor({ timeout: 5_000 });
  });

  it('edits and saves: the server has exactly what was typed', async function () {
    this.timeout(90_000);
    const { path, name } = await freshNode('save');
    await openNode('save', name);
    await typeTrue(name);
    await wb!.page.keyboard.press('Control+S');
    await cleanTab(name).waitFor({ timeout: 20_000 });
    const node = await probe!.get(path);
    assert.equal(node.data.toString(), mine('save'));
    assert.equal(node.stat.version, 1);
  });

  it('after another client changed the node, saving offers Compare, Overwrite or Discard My Changes; Compare shows both', async function () {
    this.timeout(90_000);
    const page = wb!.page;
    const { notification } = await meetConflict('compare');
    for (const choice of ['Compare', 'Overwrite', 'Discard My Changes']) {
      await notification.getByRole('button', { name: choice }).waitFor({ timeout: 10_000 });
    }
    await wb!.screenshot('save-conflict');
    await notification.getByRole('button', { name: 'Compare' }).click();
    const diff = page.locator('.monaco-diff-editor').filter({ visible: true }).first();
    await diff.waitFor({ timeout: 15_000 });
    await diff.locator('.view-line', { hasText: 'changed by another client' }).first().waitFor({ timeout: 15_000 });
    await diff.locator('.view-line', { hasText: '"enabled": true' }).first().waitFor({ timeout: 15_000 });
    await wb!.screenshot('save-conflict-compare');
  });

  it('Overwrite in the conflict notification: the server has what was typed, the editor is saved', async function () {
    this.timeout(90_000);
    const { path, name, notification } = await meetConflict('overwrite');
    await notification.getByRole('button', { name: 'Overwrite' }).click();
    // The tab turns clean only when the overwrite was written (a failed save keeps it dirty).
    await cleanTab(name).waitFor({ timeout: 20_000 });
    const node = await probe!.get(path);
    assert.equal(node.data.toString(), mine('overwrite'));
    assert.equal(node.stat.version, 2, 'written once over the other client\'s version 1');
  });

  it('Discard My Changes in the conflict notification: the editor shows the server\'s data and is not dirty', async function () {
    this.timeout(90_000);
    const { path, name, notification } = await meetConflict('discard');
    await notification.getByRole('button', { name: 'Discard My Changes' }).click();
    await cleanTab(name).waitFor({ timeout: 20_000 });
    await line('"enabled": "changed by another client"').waitFor({ timeout: 15_000 });
    assert.equal(await line('"enabled": true').count(), 0, 'the typed line is gone from the editor');
    const node = await probe!.get(path);
    assert.equal(node.data.toString(), theirs('discard'), 'the server keeps the other client\'s data');
    assert.equal(node.stat.version, 1);
  });

  for (const theme of ['dark'] as Theme[]) {
    it(`the conflict and its compare view in the ${theme} theme (screenshot)`, async function () {
      this.timeout(90_000);
      await wb!.setTheme(theme);
      const { notification } = await meetConflict(`compare-${theme}`);
      await wb!.screenshot('save-conflict');
      await notification.getByRole('button', { name: 'Compare' }).click();
      await wb!.page.locator('.monaco-diff-editor').filter({ visible: true }).first().waitFor({ timeout: 15_000 });
      await wb!.screenshot('save-conflict-compare');
    });
  }
});
