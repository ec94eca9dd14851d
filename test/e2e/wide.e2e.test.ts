import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ZkClient } from '../../src/zk/client';
import type { MultiOp } from '../../src/zk/multi';
import { deleteTree } from '../../src/zk/subtree';
import { answer, contextMenu } from './support/prompts';
import { expandPath, expanded, row } from './support/tree';
import { goTo, openFile } from './support/editor';
import { useDemoWorkbench, type Theme, type WorkbenchSession } from './support/workbench';

/** A node with 10,000 children in the real workbench (issue 14): ranges, the keyboard, the filter, Go to Path. */
describe('e2e: a node with 10,000 children', function () {
  let wb: WorkbenchSession | undefined;
  // A script's path completion offers this many children, then "… N more" (default 100: the
  // suggest widget shows about 12 rows, so with 10 the whole list, its last row too, is in view).
  const COMPLETION_LIMIT = 10;
  const connectString = useDemoWorkbench((session) => (wb = session), { settings: { 'zookeeper.scripts.completionLimit': COMPLETION_LIMIT } });
  let probe: ZkClient | undefined;
  // "zzz…" sorts after /zookeeper: the last top-level node, so End in the tree lands inside it.
  const wide = `zzz-wide-${Date.now().toString(36)}`;
  const child = (i: number): string => `item-${String(i).padStart(5, '0')}`;

  before(async function () {
    this.timeout(120_000);
    probe = await ZkClient.connect({ connectString });
    await probe.create(`/${wide}`);
    for (let start = 0; start < 10_000; start += 1000) {
      const ops: MultiOp[] = [];
      for (let i = start; i < start + 1000; i++) ops.push({ type: 'create', path: `/${wide}/${child(i)}`, data: Buffer.from(`value ${i}`) });
      await probe.multi(ops);
    }
  });
  after(async function () {
    this.timeout(120_000);
    if (probe) await deleteTree(probe, `/${wide}`).catch(() => undefined);
    await probe?.close();
  });

  const page = (): WorkbenchSession['page'] => wb!.page;
  const rangeLabel = (first: number, last: number): RegExp => new RegExp(`^${child(first)} … ${child(last)}`);

  async function showWide(): Promise<void> {
    await wb!.openView('ZooKeeper');
    await wb!.widenSidebar(480);
    await expandPath(wb!, ['demo', '/', wide]);
  }

  /** Each test starts from the node unfiltered, whatever an earlier one (failed or not) left. */
  async function clearFilter(): Promise<void> {
    const filterRow = row(wb!, /^Filter "/);
    if ((await filterRow.count()) === 0) return;
    await filterRow.first().click();
    await filterRow.first().waitFor({ state: 'detached', timeout: 30_000 });
  }

  async function filter(glob: string, shown: RegExp): Promise<void> {
    await contextMenu(wb!, wide, 'Filter Children…');
    await answer(page(), `Filter the children of /${wide}`, glob);
    await row(wb!, shown).waitFor({ timeout: 30_000 });
  }

  it('shows 20 ranges at once; the last one opens by keyboard to the 10,000th child', async function () {
    this.timeout(120_000);
    await showWide();
    await row(wb!, rangeLabel(0, 499)).waitFor({ timeout: 30_000 });
    const last = rangeLabel(9500, 9999);
    // The keyboard alone: End lands on the last range (the last row of the tree), → opens it, End
    // again. (The last range is far below the fold: the tree renders only the rows in view.)
    await row(wb!, wide).focus();
    await page().keyboard.press('End');
    const focused = wb!.treeItem(/^item-09/).and(page().locator('.focused'));
    await focused.waitFor({ timeout: 30_000 });
    if (await row(wb!, last).and(page().locator('.focused[aria-expanded="false"]')).count()) {
      await page().keyboard.press('ArrowRight');
      await expanded(wb!, last).waitFor({ timeout: 30_000 });
    }
    // The range's rows arrive a moment after it shows as expanded, out of view: End until the focus is on the last one.
    const tenThousandth = row(wb!, child(9999)).and(page().locator('.focused'));
    for (const deadline = Date.now() + 30_000; ; await page().waitForTimeout(200)) {
      await page().keyboard.press('End');
      if (await tenThousandth.isVisible()) break;
      assert.ok(Date.now() < deadline, 'End reached the 10,000th child within 30 s (hang guard)');
    }
    assert.match((await tenThousandth.getAttribute('aria-label')) ?? '', /^item-09999 10 B/);
    // demo (1), / (2), the wide node (3), its range (4), the child (5).
    assert.equal(await row(wb!, child(9999)).getAttribute('aria-level'), '5');
    await wb!.screenshot('wide-node-last-range');
  });

  it('the filter shows its matches directly, or in ranges of the matches when there are many', async function () {
    this.timeout(120_000);
    await showWide();
    await clearFilter();
    await filter('item-099*', /^Filter "item-099\*": 100 of 10,000 children/);
    await row(wb!, child(9900)).waitFor({ timeout: 30_000 });
    assert.equal(await row(wb!, rangeLabel(0, 499)).count(), 0, 'the ranges of the whole node went with the filter');
    await filter('item-00*', /^Filter "item-00\*": 1,000 of 10,000 children/);
    await row(wb!, rangeLabel(500, 999)).waitFor({ timeout: 30_000 });
    await wb!.screenshot('wide-node-filtered-ranges');
    await row(wb!, /^Filter "item-00\*"/).click();
    // Cleared: a range of the whole node that the filter had hidden.
    await row(wb!, rangeLabel(1000, 1499)).waitFor({ timeout: 30_000 });
  });

  /** ZooKeeper: Go to Path… to the i-th child, as a user types it; returns once the picker has closed. */
  async function goToChild(i: number): Promise<void> {
    await wb!.runCommand('ZooKeeper: Go to Path…');
    const quick = page().locator('.quick-input-widget');
    await quick.locator('.quick-input-title', { hasText: 'Go to a znode on demo' }).waitFor({ timeout: 30_000 });
    await quick.locator('input.input').fill(`/${wide}/${child(i)}`);
    await quick.locator('.monaco-list-row', { hasText: child(i) }).first().waitFor({ timeout: 30_000 });
    await page().keyboard.press('Enter');
    await quick.waitFor({ state: 'hidden', timeout: 30_000 });
  }

  it('Go to Path into it opens the range that holds the node and selects it', async function () {
    this.timeout(120_000);
    await showWide();
    await clearFilter();
    await goToChild(7777);
    await expanded(wb!, rangeLabel(7500, 7999)).waitFor({ timeout: 30_000 });
    await row(wb!, child(7777)).and(page().locator('[aria-selected="true"]')).waitFor({ timeout: 30_000 });
    await wb!.screenshot('wide-node-go-to-path');
  });

  it('Go to Path to a child the filter hides shows it after the matches, selected, the filter kept', async function () {
    this.timeout(120_000);
    await showWide();
    await clearFilter();
    await filter('item-00*', /^Filter "item-00\*": 1,000 of 10,000 children/);
    await goToChild(7777);
    // A direct child of the wide node (level 4: demo, /, the node, the child), not inside a range of the matches.
    const target = row(wb!, child(7777)).and(page().locator('[aria-selected="true"]'));
    await target.waitFor({ timeout: 30_000 });
    assert.equal(await target.getAttribute('aria-level'), '4');
    assert.equal(await row(wb!, /^Filter "item-00\*": 1,000 of 10,000 children/).count(), 1, 'the filter stays');
    await wb!.screenshot('wide-node-go-to-path-filtered');
    await clearFilter();
  });

  /**
   * The suggest widget's rows as drawn, top to bottom: each one's label and whether it lies inside
   * the list's visible box. Read in one go in the page: the list redraws its rows as answers come.
   */
  async function suggestRows(): Promise<{ label: string; inView: boolean }[]> {
    interface Box {
      top: number;
      bottom: number;
    }
    interface Row {
      getAttribute(name: string): string | null;
      querySelector(selector: string): { textContent: string | null } | null;
      getBoundingClientRect(): Box;
      closest(selector: string): { getBoundingClientRect(): Box } | null;
    }
    const rows = await page()
      .locator('.editor-widget.suggest-widget .monaco-list-row')
      .evaluateAll((elements) =>
        (elements as unknown as Row[]).map((row) => {
          const box = row.getBoundingClientRect();
          const list = row.closest('.monaco-list')?.getBoundingClientRect();
          return {
            index: Number(row.getAttribute('data-index')),
            label: (row.querySelector('.label-name')?.textContent ?? '').trim(),
            inView: !!list && box.top >= list.top - 1 && box.bottom <= list.bottom + 1,
          };
        }),
      );
    return rows.sort((a, b) => a.index - b.index).map(({ label, inView }) => ({ label, inView }));
  }

  /** Waits (hang guard 30 s) until the suggest widget shows exactly `labels`, every one in view. */
  async function suggestShows(labels: string[]): Promise<void> {
    const wanted = labels.map((label) => ({ label, inView: true }));
    let shown: { label: string; inView: boolean }[] = [];
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 200))) {
      shown = await suggestRows();
      if (JSON.stringify(shown) === JSON.stringify(wanted)) return;
    }
    assert.deepEqual(shown, wanted, 'the suggest widget shows these rows, in this order, all in view');
  }

  const more = (n: number): string => `… ${n.toLocaleString('en-US')} more: type to narrow the list`;
  const children = (first: number, count: number): string[] => Array.from({ length: count }, (_, i) => child(first + i));

  const scriptOf = (theme: Theme): string => `wide-${theme}.zk`;
  // Both scripts before the first Go to File: a file written after it is found only once the
  // workbench's file watcher has told its file search (seen on a busy machine: "No matching results").
  before(() => {
    for (const theme of ['light', 'dark'] as Theme[]) fs.writeFileSync(path.join(wb!.folder, scriptOf(theme)), ['# connection: demo', `ls /${wide}/`, ''].join('\n'));
  });

  for (const theme of ['light', 'dark'] as Theme[]) {
    it(`a script completes a path under it: the first ${COMPLETION_LIMIT} names and "… N more" last, in view; typing narrows the list (${theme}, screenshots)`, async function () {
      this.timeout(120_000);
      await wb!.setTheme(theme);
      const script = scriptOf(theme);
      // Scripts complete against open connections only (typing never connects by itself).
      const connected = page().locator('.statusbar-item', { hasText: 'ZooKeeper: demo (connected)' }).first();
      if (!(await connected.isVisible())) await wb!.runCommand('ZooKeeper: Connect');
      await connected.waitFor({ timeout: 30_000 });
      await openFile(wb!, script);
      await goTo(wb!, 2, 1);
      await page().keyboard.press('End');
      await wb!.runCommand('Trigger Suggest');
      await page().locator('.editor-widget.suggest-widget .monaco-list-row', { hasText: more(10_000 - COMPLETION_LIMIT) }).first().waitFor({ timeout: 30_000 });
      await suggestShows([...children(0, COMPLETION_LIMIT), more(10_000 - COMPLETION_LIMIT)]);
      await wb!.screenshot('script-completion-wide');
      // Each keystroke asks again (the list was cut): "item-09" matches 1,000 children…
      await page().keyboard.type('item-09');
      await suggestShows([...children(9000, COMPLETION_LIMIT), more(1000 - COMPLETION_LIMIT)]);
      // …"item-0999" exactly the limit: the list is whole, with no "more" row.
      await page().keyboard.type('99');
      await suggestShows(children(9990, COMPLETION_LIMIT));
      await wb!.screenshot('script-completion-wide-narrowed');
      await page().keyboard.press('Escape');
    });
  }
});
