import * as assert from 'node:assert/strict';
import { ZkClient } from '../../src/zk/client';
import { answer, pick } from './support/prompts';
import { clickRow, row } from './support/tree';
import { openWorkbench, type Theme, type WorkbenchSession } from './support/workbench';

describe('e2e: add a connection, edit a node, meet a conflict', function () {
  let wb: WorkbenchSession | undefined;
  let probe: ZkClient;
  const connectString = process.env.ZK_E2E_CONNECT;
  const path = `/config/e2e-${Date.now()}`;
  const original = '{\n  "feature": "checkout",\n  "enabled": false\n}\n';

  before(async function () {
    this.timeout(180_000);
    assert.ok(connectString, 'ZK_E2E_CONNECT names the demo ZooKeeper (npm test sets it)');
    probe = await ZkClient.connect({ connectString });
    await probe.create(path, Buffer.from(original));
    wb = await openWorkbench({ theme: 'light' });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.captureFailure(this.currentTest.title);
  });

  after(async () => {
    await wb?.close();
    await probe.delete(path).catch(() => undefined);
    await probe.close();
  });

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
  });

  it('expands the tree and opens a node in a JSON editor', async function () {
    this.timeout(90_000);
    const page = wb!.page;
    await clickRow(wb!, 'e2e');
    await clickRow(wb!, '/');
    await clickRow(wb!, 'config');
    await clickRow(wb!, path.split('/').pop()!);
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.waitFor({ timeout: 30_000 });
    await page.locator('.statusbar-item', { hasText: /^JSON$/ }).first().waitFor({ timeout: 15_000 });
    await page.locator('.monaco-editor .view-line', { hasText: '"feature": "checkout"' }).first().waitFor({ timeout: 15_000 });
  });

  it('edits and saves: the server has exactly what was typed', async function () {
    this.timeout(60_000);
    const page = wb!.page;
    await page.locator('.monaco-editor .view-line', { hasText: '"enabled": false' }).first().click();
    await page.keyboard.press('End');
    for (let i = 0; i < 'false'.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type('true');
    await page.keyboard.press('Control+S');
    const expected = original.replace('false', 'true');
    const deadline = Date.now() + 15_000;
    while ((await probe.get(path)).data.toString() !== expected) {
      assert.ok(Date.now() < deadline, `the server did not get the edit: ${(await probe.get(path)).data.toString()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal((await probe.get(path)).stat.version, 1);
  });

  it('after another client changed the node, saving offers compare, overwrite or discard', async function () {
    this.timeout(60_000);
    const page = wb!.page;
    await probe.set(path, Buffer.from('{\n  "feature": "checkout",\n  "enabled": "changed by another client"\n}\n'));
    await page.locator('.monaco-editor .view-line', { hasText: '"feature"' }).first().click();
    await page.keyboard.press('End');
    await page.keyboard.type(' ');
    await page.keyboard.press('Control+S');
    const messages = async (): Promise<string[]> => wb!.notifications();
    let shown: string[] = [];
    const deadline = Date.now() + 20_000;
    while (!shown.some((m) => /changed on the server/i.test(m))) {
      assert.ok(Date.now() < deadline, `no conflict notification; shown: ${JSON.stringify(shown)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      shown = await messages();
    }
    const center = page.locator('.notifications-center');
    for (const choice of ['Compare', 'Overwrite', 'Discard My Changes']) {
      await center.getByRole('button', { name: choice }).first().waitFor({ timeout: 10_000 });
    }
    assert.match((await probe.get(path)).data.toString(), /changed by another client/, 'nothing was overwritten');
    await wb!.screenshot('save-conflict');
    await center.getByRole('button', { name: 'Compare' }).first().click();
    await page.locator('.monaco-diff-editor').first().waitFor({ timeout: 15_000 });
    await wb!.screenshot('save-conflict-compare');
  });

  for (const theme of ['dark'] as Theme[]) {
    it(`the editor and the compare view in the ${theme} theme (screenshot)`, async function () {
      this.timeout(60_000);
      await wb!.setTheme(theme);
      await wb!.page.locator('.monaco-diff-editor').first().waitFor({ timeout: 15_000 });
      await wb!.screenshot('save-conflict-compare');
    });
  }
});
