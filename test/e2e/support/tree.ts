import type { Locator } from 'playwright-core';
import type { WorkbenchSession } from './workbench';

/** A tree row whose accessible name starts with `name` (a row's name carries its description too). */
export function row(wb: WorkbenchSession, name: string | RegExp): Locator {
  return wb.treeItem(typeof name === 'string' ? new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(\\s|,|$)`) : name).first();
}

/** Clicks a tree row like a person who has moved the mouse there: no tooltip left over from the last click covers it. */
export async function clickRow(wb: WorkbenchSession, name: string): Promise<void> {
  const size = wb.page.viewportSize() ?? { width: 1400, height: 900 };
  await wb.page.mouse.move(size.width - 5, size.height - 5);
  await wb.page.keyboard.press('Escape');
  const target = row(wb, name);
  await target.waitFor({ timeout: 30_000 });
  await target.hover();
  await target.click();
}
