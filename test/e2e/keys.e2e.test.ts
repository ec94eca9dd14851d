import * as assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { ZkClient } from '../../src/zk/client';
import { deleteTree } from '../../src/zk/subtree';
import { clickRow, expandPath, row } from './support/tree';
import { HOVER_SELECTOR, useDemoWorkbench, type Theme, type WorkbenchSession } from './support/workbench';

// Focus and keys in the explorer, as a person uses them: a click previews a node and leaves the
// keyboard in the tree; arrow keys move there; Delete, F5, Ctrl+C act on the selected row; a
// double-click pins the tab and moves to the editor.
describe('e2e: clicks, focus and keys in the explorer', function () {
  let wb: WorkbenchSession | undefined;
  const connectString = useDemoWorkbench((session) => (wb = session));
  const folder = `keys-${Date.now()}`;
  let probe: ZkClient | undefined;

  before(async () => {
    probe = await ZkClient.connect({ connectString });
    await probe.create(`/${folder}`);
    for (const name of ['alpha', 'bravo', 'charlie']) await probe.create(`/${folder}/${name}`, Buffer.from(`value of ${name}\n`));
  });

  after(async () => {
    if (probe) await deleteTree(probe, `/${folder}`).catch(() => undefined);
    await probe?.close();
  });

  const page = () => wb!.page;
  /** The tab of a node; `.italic` marks VS Code's preview tab. */
  const tab = (name: string): Locator => page().locator('.tabs-container .tab', { hasText: name }).first();
  const selected = (name: string): Locator => row(wb!, name).and(page().locator('[aria-selected="true"]'));
  /** Where the keyboard is: 'tree', 'editor' or something else. */
  const focusIn = (): Promise<string> =>
    page().evaluate(`(() => {
      const active = document.activeElement;
      if (!active) return 'nothing';
      if (active.closest('.monaco-editor')) return 'editor';
      if (active.closest('[role="tree"]')) return 'tree';
      return active.className || active.tagName;
    })()`);

  async function showFolder(): Promise<void> {
    await wb!.openView('ZooKeeper');
    await expandPath(wb!, ['demo', '/', folder]);
    await row(wb!, 'charlie').waitFor({ timeout: 30_000 });
  }

  it('a click previews the node and keeps the keyboard in the tree; Down moves there, Enter previews that row, Delete asks about it', async function () {
    this.timeout(120_000);
    await showFolder();
    await clickRow(wb!, 'alpha');
    const editorLine = page().locator('.monaco-editor .view-line', { hasText: 'value of alpha' }).filter({ visible: true }).first();
    await editorLine.waitFor({ timeout: 30_000 });
    await tab('alpha').locator('.italic').first().waitFor({ timeout: 10_000 }); // a preview tab
    await selected('alpha').waitFor({ timeout: 10_000 });
    assert.equal(await focusIn(), 'tree');
    await page().keyboard.press('ArrowDown');
    await row(wb!, 'bravo').and(page().locator('.focused')).waitFor({ timeout: 10_000 });
    assert.equal(await focusIn(), 'tree');
    // The key went to the tree, not into the document.
    assert.equal((await editorLine.innerText()).replace(/\u00a0/g, ' ').trim(), 'value of alpha');
    assert.equal(await page().locator('.tab.dirty').count(), 0, 'no document was changed');
    await wb!.screenshot('explorer-click-preview');
    // Enter (VS Code's own key in a tree) selects the focused row and opens it, again as a preview.
    await page().keyboard.press('Enter');
    await selected('bravo').waitFor({ timeout: 10_000 });
    await page().locator('.monaco-editor .view-line', { hasText: 'value of bravo' }).filter({ visible: true }).first().waitFor({ timeout: 30_000 });
    await tab('bravo').locator('.italic').first().waitFor({ timeout: 10_000 });
    assert.equal(await focusIn(), 'tree');
    await page().keyboard.press('Delete');
    const dialog = page().locator('.monaco-dialog-box').first();
    await dialog.waitFor({ timeout: 20_000 });
    assert.match(await dialog.innerText(), new RegExp(`/${folder}/bravo`));
    await wb!.screenshot('explorer-delete-key');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    assert.ok(await probe!.exists(`/${folder}/bravo`), 'still there after Cancel');
  });

  it('F5 on the selected row reads its figures again; Ctrl+C copies its path', async function () {
    this.timeout(120_000);
    await showFolder();
    await row(wb!, /^charlie 17 B/).waitFor({ timeout: 10_000 });
    await probe!.set(`/${folder}/charlie`, Buffer.from('a value that is now 34 bytes long\n'));
    await clickRow(wb!, 'charlie');
    await selected('charlie').waitFor({ timeout: 10_000 });
    await page().keyboard.press('F5');
    await row(wb!, /^charlie 34 B/).waitFor({ timeout: 20_000 });
    await page().keyboard.press('Control+C');
    await page().locator('.statusbar-item', { hasText: `Copied /${folder}/charlie` }).first().waitFor({ timeout: 10_000 });
  });

  it('a double-click pins the tab and moves the keyboard to the editor', async function () {
    this.timeout(120_000);
    await showFolder();
    const size = page().viewportSize() ?? { width: 1400, height: 900 };
    await page().mouse.move(size.width - 5, size.height - 5);
    await row(wb!, 'bravo').dblclick();
    await page().locator('.monaco-editor .view-line', { hasText: 'value of bravo' }).filter({ visible: true }).first().waitFor({ timeout: 30_000 });
    const bravo = tab('bravo');
    await bravo.waitFor({ timeout: 10_000 });
    for (const deadline = Date.now() + 10_000; (await focusIn()) !== 'editor'; await page().waitForTimeout(100)) {
      assert.ok(Date.now() < deadline, `the keyboard is in ${await focusIn()}, not the editor`);
    }
    assert.equal(await bravo.locator('.italic').count(), 0, 'a pinned tab, not a preview');
  });

  for (const theme of ['light', 'dark'] as Theme[]) {
    it(`a row's compact tooltip in the ${theme} theme (screenshot)`, async function () {
      this.timeout(120_000);
      await wb!.setTheme(theme);
      await showFolder();
      const size = page().viewportSize() ?? { width: 1400, height: 900 };
      await page().mouse.move(size.width - 5, size.height - 5);
      await page().keyboard.press('Escape');
      await row(wb!, 'alpha').hover();
      // Polled in the page: a waitFor() would run the workbench's guard, which sends tooltips away.
      let text = '';
      for (const deadline = Date.now() + 20_000; !text.includes(`/${folder}/alpha`); await page().waitForTimeout(100)) {
        assert.ok(Date.now() < deadline, `no tooltip for alpha within 20 s (shown: ${JSON.stringify(text)})`);
        text = await page().evaluate(`document.querySelector(${JSON.stringify(HOVER_SELECTOR)})?.innerText ?? ''`);
      }
      assert.match(text, /persistent \(or container\/TTL/);
      assert.ok(text.trim().split('\n').length <= 5, text);
      await wb!.screenshot('explorer-tooltip', { keepMouse: true });
    });
  }

  for (const theme of ['light', 'dark'] as Theme[]) {
    it(`the Delete key's confirmation and the empty Watches panel's hint in the ${theme} theme (screenshots)`, async function () {
      this.timeout(120_000);
      await wb!.setTheme(theme);
      await showFolder();
      await clickRow(wb!, 'charlie');
      await selected('charlie').waitFor({ timeout: 10_000 });
      await page().keyboard.press('Delete');
      const dialog = page().locator('.monaco-dialog-box').first();
      await dialog.waitFor({ timeout: 20_000 });
      await wb!.screenshot('explorer-delete-key');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
      // No watch and no event in this workbench: the panel shows how to add one.
      await wb!.runCommand('ZooKeeper: Focus on ZooKeeper Watches View');
      const welcome = page().locator('.welcome-view-content', { hasText: 'No watches yet' }).first();
      await welcome.waitFor({ timeout: 20_000 });
      await welcome.getByRole('button', { name: 'Watch a Node…' }).waitFor({ timeout: 10_000 });
      await wb!.screenshot('watches-empty');
    });
  }
});

