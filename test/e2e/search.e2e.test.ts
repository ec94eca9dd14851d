import * as assert from 'node:assert/strict';
import { answer, contextMenu } from './support/prompts';
import { clickRow, expandPath, row } from './support/tree';
import { useDemoWorkbench, type Theme, type WorkbenchSession } from './support/workbench';

describe('e2e: Search on the demo world', function () {
  let wb: WorkbenchSession | undefined;
  useDemoWorkbench((session) => (wb = session));

  /** Searches /config for "5432" from the explorer's context menu, as a person would; idempotent. */
  async function searchConfig(): Promise<void> {
    const page = wb!.page;
    await wb!.openView('ZooKeeper');
    await wb!.widenSidebar(560);
    await expandPath(wb!, ['demo', '/']);
    await contextMenu(wb!, 'config', 'Search…');
    await answer(page, 'Search /config on demo (1/2)', '5432');
    await answer(page, 'Search /config on demo (2/2)', '');
    // The view streams in; its message says what was searched and what was found.
    await page.locator('.pane-header', { hasText: /^Search Results/ }).first().waitFor({ timeout: 30_000 });
    await row(wb!, /^db \/config · v\d+ · 3 matches/).waitFor({ timeout: 30_000 });
    await row(wb!, /^port: 5432,? line 6, col 9/).waitFor({ timeout: 30_000 });
    await page.locator('.pane-body .message', { hasText: /3 matches in 1 node for "5432" in \/config on demo · \d+ znodes searched/ }).first().waitFor({ timeout: 30_000 });
  }

  it('finds a value under /config and opens the node with the match selected', async function () {
    this.timeout(120_000);
    assert.ok(wb);
    await searchConfig();
    await clickRow(wb, /^port: 5432,? line 6, col 9/);
    await wb.page.locator('.tab.active', { hasText: 'db' }).first().waitFor({ timeout: 30_000 });
    // The status bar shows the cursor at the match's end with the 4 matched characters selected.
    await wb.page.locator('.statusbar-item', { hasText: /Ln 6, Col 13 \(4 selected\)/ }).first().waitFor({ timeout: 30_000 });
  });

  for (const theme of ['light', 'dark'] as Theme[]) {
    it(`the Search Results view in the ${theme} theme (screenshot)`, async function () {
      this.timeout(120_000);
      assert.ok(wb);
      await wb.setTheme(theme);
      await searchConfig();
      await wb.screenshot('search-results');
    });
  }
});
