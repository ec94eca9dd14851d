import * as assert from 'node:assert/strict';
import { HOVER_SELECTOR } from './support/workbench';
import { expandPath, row } from './support/tree';
import { useDemoWorkbench, type WorkbenchSession } from './support/workbench';

/** A tree row, and a point in it (relative to the row), where a click would land on a visible tooltip instead. */
interface CoveredPoint {
  name: string;
  x: number;
  y: number;
}

/** The points of tree rows that lie under a visible tooltip, at most one per row, sampled every 8 px along each row's middle. */
async function rowsUnderTooltip(wb: WorkbenchSession): Promise<CoveredPoint[]> {
  // A function as text: this project compiles without DOM types.
  return wb.page.evaluate(`(() => {
    const covered = [];
    for (const item of document.querySelectorAll('[role="treeitem"]')) {
      const box = item.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      for (let x = 4; x < box.width - 4; x += 8) {
        const hit = document.elementFromPoint(box.x + x, box.y + box.height / 2);
        if (hit && hit.closest(${JSON.stringify(HOVER_SELECTOR)})) {
          covered.push({ name: item.getAttribute('aria-label') || '', x, y: box.height / 2 });
          break;
        }
      }
    }
    return covered;
  })()`);
}

describe('e2e: hovers and tooltips never stand between a test and what it clicks', function () {
  let wb: WorkbenchSession | undefined;
  useDemoWorkbench((session) => (wb = session));

  it('a row under the tooltip of another row is clicked like any other', async function () {
    this.timeout(120_000);
    const page = wb!.page;
    await wb!.openView('ZooKeeper');
    await expandPath(wb!, ['demo', '/', 'config']);
    // Rest the mouse on /config/app, as a person reading it would, until its tooltip (the node's
    // data preview) shows: after workbench.hover.delay, a user's setting the tests leave alone.
    const hovered = row(wb!, 'app');
    await hovered.hover();
    // Polled in the page: a waitFor() would run the guard, which sends the tooltip away. Until the
    // tooltip has faded in it lets clicks through; the proof needs a row it really covers: a point
    // of it where a click would land on the tooltip.
    let covered: CoveredPoint[] = [];
    for (const deadline = Date.now() + 20_000; covered.length === 0; await page.waitForTimeout(100)) {
      covered = (await rowsUnderTooltip(wb!)).filter((point) => !/^app(\s|,|$)/.test(point.name));
      if (covered.length > 0) break;
      if (Date.now() > deadline) {
        const where = await page.evaluate(`JSON.stringify(document.querySelector(${JSON.stringify(HOVER_SELECTOR)})?.getBoundingClientRect() ?? 'none')`);
        assert.fail(`no tooltip of /config/app covered a tree row within 20 s of resting the mouse on it (tooltip at ${String(where)})`);
      }
    }
    await wb!.screenshot('tooltip-over-rows', { keepMouse: true });
    const { name, x, y } = covered[0];
    const target = name.split(/[\s,]/)[0];
    // A plain Playwright click, as any test makes, on that very point: the workbench's guard
    // (keepTargetsClear) sends the tooltip away first. Without it, this click waits until it times out.
    const sentAway = wb!.tooltipsSentAway();
    await row(wb!, target).click({ position: { x, y }, timeout: 30_000 });
    // The guard cleared the way (not Playwright's retries, which scroll and may get a tooltip
    // to hide by luck): it ran for this click.
    assert.ok(wb!.tooltipsSentAway() > sentAway, 'the click went through without the guard sending the tooltip away');
    await row(wb!, target).and(page.locator('[aria-selected="true"]')).waitFor({ timeout: 10_000 });
  });
});
