import type { Locator } from 'playwright-core';
import type { WorkbenchSession } from './workbench';

/** A tree row whose accessible name starts with `name` (a row's name carries its description too). */
export function row(wb: WorkbenchSession, name: string | RegExp): Locator {
  return wb.treeItem(typeof name === 'string' ? new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(\\s|,|$)`) : name).first();
}

/** Clicks a tree row like a person who has moved the mouse there: no tooltip left over from the last click covers it. */
export async function clickRow(wb: WorkbenchSession, name: string | RegExp): Promise<void> {
  const size = wb.page.viewportSize() ?? { width: 1400, height: 900 };
  await wb.page.mouse.move(size.width - 5, size.height - 5);
  await wb.page.keyboard.press('Escape');
  const target = row(wb, name);
  await target.waitFor({ timeout: 30_000 });
  await target.hover();
  await target.click();
}

/**
 * Expands a row if it is collapsed, by its twistie (a click on the row itself may also open the
 * node's data), and waits until it shows as expanded. Idempotent: a test calls it for the state it
 * needs, whatever an earlier test left.
 */
export async function expandRow(wb: WorkbenchSession, name: string | RegExp): Promise<void> {
  const target = row(wb, name);
  await target.waitFor({ timeout: 30_000 });
  if ((await target.getAttribute('aria-expanded')) !== 'true') await target.locator('.monaco-tl-twistie').click();
  await expanded(wb, name).waitFor({ timeout: 30_000 });
}

/** The row `name` once it shows as expanded. */
export function expanded(wb: WorkbenchSession, name: string | RegExp): Locator {
  return row(wb, name).and(wb.page.locator('[aria-expanded="true"]'));
}

/** Expands the rows one below the other: `expandPath(wb, ['demo', '/', 'config'])`. */
export async function expandPath(wb: WorkbenchSession, names: (string | RegExp)[]): Promise<void> {
  for (const name of names) await expandRow(wb, name);
}

/**
 * Opens or closes a section of the ZooKeeper view (Explorer, Coordination, …) by its header, whatever
 * state it is in. A click that did not take (on a loaded machine a tooltip handler can move the mouse
 * between playwright's aim and the click) is made again, after reading the state, so it never toggles twice.
 */
export async function setSection(wb: WorkbenchSession, section: string, open: boolean): Promise<void> {
  const page = wb.page;
  const header = page.locator('.pane-header', { hasText: new RegExp(`^${section}`) }).first();
  const done = page.locator(`.pane-header[aria-expanded="${open}"]`, { hasText: new RegExp(`^${section}`) }).first();
  for (let attempt = 0; attempt < 3; attempt++) {
    await header.waitFor({ timeout: 30_000 });
    if (((await header.getAttribute('aria-expanded')) === 'true') === open) return;
    await header.click();
    if (await done.waitFor({ timeout: 5_000 }).then(() => true, () => false)) return;
  }
  await done.waitFor({ timeout: 10_000 });
}
