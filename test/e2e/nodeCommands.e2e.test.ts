import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ZkClient } from '../../src/zk/client';
import { contextMenu, pick } from './support/prompts';
import { expandPath, row } from './support/tree';
import { useDemoWorkbench, type Theme, type WorkbenchSession } from './support/workbench';

/** Go to Path… and Create Node… as a person types them (issue 16, items 8 and 9). */
describe('e2e: Go to Path and Create Node on the demo world', function () {
  let wb: WorkbenchSession | undefined;
  const connectString = useDemoWorkbench((session) => (wb = session));
  let probe: ZkClient | undefined;
  before(async () => {
    probe = await ZkClient.connect({ connectString });
  });
  after(async () => {
    await probe?.close();
  });
  // A fresh parent per run: the demo server may be reused, and its other nodes belong to other tests.
  const freeName = `e2e-create-${Date.now().toString(36)}`;

  const quickInput = (page: Page) => page.locator('.quick-input-widget');
  const quickRow = (page: Page, text: string | RegExp) => quickInput(page).locator('.monaco-list-row', { hasText: text }).first();

  async function showExplorer(): Promise<void> {
    await wb!.openView('ZooKeeper');
    await wb!.widenSidebar(480);
    await expandPath(wb!, ['demo', '/']);
    await row(wb!, 'config').waitFor({ timeout: 30_000 });
  }

  /** Opens Go to Path… and types `text` (the picker starts at "/"). */
  async function goToPathTyping(text: string): Promise<void> {
    const page = wb!.page;
    await wb!.runCommand('ZooKeeper: Go to Path…');
    await quickInput(page).locator('.quick-input-title', { hasText: 'Go to a znode on demo' }).waitFor({ timeout: 30_000 });
    const input = quickInput(page).locator('input.input');
    await input.fill(text);
  }

  it('Go to Path: Enter on "/con" goes to the match /config, not to a path that does not exist', async function () {
    this.timeout(120_000);
    const page = wb!.page;
    await showExplorer();
    await goToPathTyping('/con');
    // The matches are the only rows, and the first one is the active one.
    await quickRow(page, '/config').waitFor({ timeout: 30_000 });
    // The rows of "/" are replaced by those of "/con" (a hang guard, not a limit).
    let rows: string[] = [];
    for (const deadline = Date.now() + 30_000; ; await page.waitForTimeout(100)) {
      rows = await quickInput(page).locator('.monaco-list-row').allInnerTexts();
      if (rows.length > 0 && rows.every((text) => text.includes('/config'))) break;
      assert.ok(Date.now() < deadline, `only matches are listed for "/con": ${JSON.stringify(rows)}`);
    }
    await wb!.screenshot('go-to-path-matches');
    await page.keyboard.press('Enter');
    await quickInput(page).waitFor({ state: 'hidden', timeout: 30_000 });
    // Revealed and selected in the explorer.
    await row(wb!, 'config').and(page.locator('[aria-selected="true"]')).waitFor({ timeout: 30_000 });
  });

  it('Go to Path: a path that matches nothing is marked not found, and Enter keeps the picker open with the typed text and a sentence', async function () {
    this.timeout(120_000);
    const page = wb!.page;
    await showExplorer();
    await goToPathTyping('/config/nothing-here');
    await quickRow(page, 'not found among the children of /config').waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
    await quickInput(page).locator('.quick-input-title', { hasText: 'There is no node /config/nothing-here on demo. Pick a suggestion or type another path.' }).waitFor({ timeout: 30_000 });
    assert.equal(await quickInput(page).locator('input.input').inputValue(), '/config/nothing-here');
    await wb!.screenshot('go-to-path-not-found');
    await page.keyboard.press('Escape');
  });

  // Ephemeral nodes: they go with this workbench's session, and leave the demo world as it was for the other files.
  it('Create Node: a name that exists is refused at the name step, before any data is asked for', async function () {
    this.timeout(120_000);
    const page = wb!.page;
    await showExplorer();
    await contextMenu(wb!, '/', 'Create Node…');
    await pick(page, 'Create a child of demo:/ (1/3)', 'Ephemeral');
    await quickInput(page).locator('.quick-input-title', { hasText: 'Create an ephemeral node under demo:/ (2/3)' }).waitFor({ timeout: 30_000 });
    const input = quickInput(page).locator('input.input');
    await input.fill('config');
    const message = quickInput(page).locator('.quick-input-message', { hasText: '/config already exists on demo. Choose another name.' });
    await message.waitFor({ timeout: 30_000 });
    await wb!.screenshot('create-node-name-taken');
    // Enter does not get past the name step.
    await page.keyboard.press('Enter');
    await message.waitFor({ timeout: 10_000 });
    await quickInput(page).locator('.quick-input-title', { hasText: '(2/3)' }).waitFor({ timeout: 10_000 });
    // A free name is accepted: the data step follows.
    await input.fill(freeName);
    await message.waitFor({ state: 'hidden', timeout: 30_000 });
    await page.keyboard.press('Enter');
    await quickInput(page).locator('.quick-input-title', { hasText: `Initial data of /${freeName} (3/3)` }).waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
    await row(wb!, freeName).and(page.locator('[aria-selected="true"]')).waitFor({ timeout: 30_000 });
  });

  it('Create Node: a sequential node is announced and revealed with the name ZooKeeper gave it', async function () {
    this.timeout(120_000);
    const page = wb!.page;
    await showExplorer();
    await contextMenu(wb!, '/', 'Create Node…');
    await pick(page, 'Create a child of demo:/ (1/3)', 'Ephemeral sequential');
    const input = quickInput(page).locator('input.input');
    await quickInput(page).locator('.quick-input-title', { hasText: 'Create an ephemeral sequential node under demo:/ (2/3)' }).waitFor({ timeout: 30_000 });
    await input.fill(`${freeName}-seq-`);
    await page.keyboard.press('Enter');
    await quickInput(page).locator('.quick-input-title', { hasText: `Initial data of /${freeName}-seq-<counter> (3/3)` }).waitFor({ timeout: 30_000 });
    await input.fill('{"step": 1}');
    await page.keyboard.press('Enter');
    // The explorer reveals and selects the new node (before the notification: the reveal moves the focus,
    // which would close a command palette opened meanwhile)…
    const selected = wb!.treeItem(new RegExp(`^${freeName}-seq-\\d{10}`)).and(page.locator('[aria-selected="true"]')).first();
    await selected.waitFor({ timeout: 30_000 });
    const selectedLabel = (await selected.getAttribute('aria-label')) ?? '';
    await wb!.screenshot('create-node-sequential');
    // …and a notification names it with the counter the server appended (a hang guard, not a limit)…
    const announced = new RegExp(`Created /(${freeName}-seq-\\d{10}) \\(ZooKeeper appended the counter to "${freeName}-seq-"\\)\\. It is ephemeral`);
    const notification = page.locator('.notifications-center .notification-list-item-message', { hasText: announced }).first();
    let shown: string[] = [];
    for (const deadline = Date.now() + 30_000; !(await notification.isVisible()); ) {
      assert.ok(Date.now() < deadline, `no notification names the created node; the centre shows: ${JSON.stringify(shown)}`);
      shown = await wb!.notifications();
      await page.waitForTimeout(250);
    }
    const name = announced.exec(await notification.innerText())?.[1];
    assert.ok(name);
    // …the very node the explorer selected.
    assert.match(selectedLabel, new RegExp(`^${name}(\\s|,|$)`));
    await wb!.screenshot('create-node-sequential-notification');
    await page.keyboard.press('Escape');
  });

  it('Create Node: data of several lines, through the data step\'s editor button', async function () {
    this.timeout(120_000);
    const page = wb!.page;
    const name = `${freeName}-lines`;
    await showExplorer();
    await contextMenu(wb!, '/', 'Create Node…');
    await pick(page, 'Create a child of demo:/ (1/3)', 'Ephemeral');
    await quickInput(page).locator('.quick-input-title', { hasText: 'Create an ephemeral node under demo:/ (2/3)' }).waitFor({ timeout: 30_000 });
    await quickInput(page).locator('input.input').fill(name);
    await page.keyboard.press('Enter');
    await quickInput(page).locator('.quick-input-title', { hasText: `Initial data of /${name} (3/3)` }).waitFor({ timeout: 30_000 });
    await wb!.screenshot('create-node-data-step');
    await quickInput(page).locator('.quick-input-titlebar .action-label').first().click();
    // The new node opens in an editor, where Enter is a new line.
    await page.locator('.tab.active', { hasText: name }).first().waitFor({ timeout: 30_000 });
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.type('line one');
    await page.keyboard.press('Enter');
    await page.keyboard.type('line two');
    await page.locator('.tab.active.dirty', { hasText: name }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Control+S');
    await page.locator('.tab.active:not(.dirty)', { hasText: name }).first().waitFor({ timeout: 30_000 });
    assert.equal((await probe!.get(`/${name}`)).data.toString(), 'line one\nline two');
    await wb!.runCommand('View: Close All Editors');
  });

  for (const theme of ['dark'] as Theme[]) {
    it(`Go to Path and the name step in the ${theme} theme (screenshots)`, async function () {
      this.timeout(120_000);
      const page = wb!.page;
      await wb!.setTheme(theme);
      await showExplorer();
      await goToPathTyping('/config/nothing-here');
      await quickRow(page, 'not found among the children of /config').waitFor({ timeout: 30_000 });
      await page.keyboard.press('Enter');
      await quickInput(page).locator('.quick-input-title', { hasText: 'There is no node /config/nothing-here on demo.' }).waitFor({ timeout: 30_000 });
      await wb!.screenshot('go-to-path-not-found');
      await page.keyboard.press('Escape');
      await contextMenu(wb!, '/', 'Create Node…');
      await pick(page, 'Create a child of demo:/ (1/3)', 'Ephemeral');
      await quickInput(page).locator('input.input').fill('config');
      await quickInput(page).locator('.quick-input-message', { hasText: 'already exists' }).waitFor({ timeout: 30_000 });
      await wb!.screenshot('create-node-name-taken');
      await page.keyboard.press('Escape');
    });
  }
});
