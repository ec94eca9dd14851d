import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ZkClient } from '../../src/zk/client';
import { contextMenu } from './support/prompts';
import { expandPath, row } from './support/tree';
import { useDemoWorkbench, type Theme, type WorkbenchSession } from './support/workbench';

/**
 * Complaints users have about other ZooKeeper tools (shared/notes/what-users-ask.md) that need a
 * person's clicks to try: copy and rename of subtrees from the explorer's menu (ZooNavigator 21, 32).
 */
describe('e2e: what users of other ZooKeeper tools ask for, clicked', function () {
  let wb: WorkbenchSession | undefined;
  const connectString = useDemoWorkbench((session) => (wb = session));
  let probe: ZkClient | undefined;
  // A fresh node per run: the demo server may be reused, and its other nodes belong to other tests.
  const top = `e2e-relocate-${Date.now().toString(36)}`;
  before(async () => {
    probe = await ZkClient.connect({ connectString });
    // One source per test, so each runs alone too.
    for (const source of [`/${top}`, `/${top}-c`]) {
      await probe.create(source, Buffer.from('{"service":"orders"}'));
      await probe.create(`${source}/db`, Buffer.from('url=jdbc:x'));
    }
  });
  after(async () => {
    for (const node of [`/${top}-renamed`, `/${top}-c-copy`, `/${top}-c`, `/${top}`]) {
      await probe?.delete(`${node}/db`).catch(() => undefined);
      await probe?.delete(node).catch(() => undefined);
    }
    await probe?.close();
  });

  const quickInput = (page: Page) => page.locator('.quick-input-widget');

  async function showExplorer(): Promise<void> {
    await wb!.openView('ZooKeeper');
    await wb!.widenSidebar(480);
    await expandPath(wb!, ['demo', '/']);
    await row(wb!, 'config').waitFor({ timeout: 30_000 });
  }

  for (const theme of ['dark', 'light'] as Theme[]) {
    it(`${theme === 'dark' ? 'Move or Rename… renames a subtree' : 'Copy To… copies it'} from the context menu, and the tree shows it selected (${theme}, screenshot)`, async function () {
      this.timeout(120_000);
      const page = wb!.page;
      await wb!.setTheme(theme);
      await showExplorer();
      const [from, to, entry, title] =
        theme === 'dark'
          ? [`/${top}`, `/${top}-renamed`, 'Move or Rename…', `Move or Rename /${top} on demo`]
          : [`/${top}-c`, `/${top}-c-copy`, 'Copy To…', `Copy /${top}-c on demo To`];
      await row(wb!, from.slice(1)).waitFor({ timeout: 30_000 });
      await contextMenu(wb!, from.slice(1), entry);
      await quickInput(page).locator('.quick-input-title', { hasText: title }).waitFor({ timeout: 30_000 });
      const input = quickInput(page).locator('input.input');
      // The path comes filled in (with the name selected, so typing renames).
      assert.equal(await input.inputValue(), theme === 'dark' ? from : `${from}-copy`);
      if (theme === 'dark') {
        // Into itself is refused as it is typed.
        await input.fill(`${from}/inside`);
        await quickInput(page).locator('.quick-input-message', { hasText: 'cannot go inside itself' }).waitFor({ timeout: 30_000 });
      }
      await input.fill(to);
      await wb!.screenshot(theme === 'dark' ? 'move-node-input' : 'copy-node-input');
      await page.keyboard.press('Enter');
      await row(wb!, to.slice(1)).and(page.locator('[aria-selected="true"]')).waitFor({ timeout: 30_000 });
      await wb!.screenshot(theme === 'dark' ? 'move-node-done' : 'copy-node-done');
      assert.equal((await probe!.get(to)).data.toString(), '{"service":"orders"}');
      assert.equal((await probe!.get(`${to}/db`)).data.toString(), 'url=jdbc:x', 'the subtree came along');
      if (theme === 'dark') assert.equal(await probe!.exists(from), undefined, 'moved: the old path is gone');
      else assert.ok(await probe!.exists(from), 'copied: the original stays');
    });
  }
});
