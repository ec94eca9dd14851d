// Answering VS Code's prompts like a person. Every helper first waits for the prompt's own title:
// the quick-input widget is reused from one prompt to the next, so the previous prompt (or nothing
// at all, when a click went astray) can be what is on screen for a moment.
import type { Page } from 'playwright-core';
import { row } from './tree';
import type { WorkbenchSession } from './workbench';

async function waitForTitle(page: Page, title: string): Promise<void> {
  const heading = page.locator('.quick-input-widget .quick-input-title', { hasText: title }).first();
  try {
    await heading.waitFor({ state: 'visible', timeout: 30_000 });
  } catch {
    const shown = await page.locator('.quick-input-widget .quick-input-title').allInnerTexts().catch(() => []);
    throw new Error(`no prompt titled "${title}" within 30 s; the quick input shows ${JSON.stringify(shown)}`);
  }
}

/** Types into the input box whose title contains `title` and accepts. */
export async function answer(page: Page, title: string, text: string): Promise<void> {
  await waitForTitle(page, title);
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(text);
  await page.keyboard.press('Enter');
}

/** Clicks the item labelled `label` in the quick pick whose title contains `title` (Enter before the list renders accepts nothing). */
export async function pick(page: Page, title: string, label: string): Promise<void> {
  await waitForTitle(page, title);
  const item = page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first();
  await item.waitFor({ timeout: 30_000 });
  await item.click();
}

/** Right-clicks a tree row and clicks a context-menu entry; checks the menu belonged to that row. */
export async function contextMenu(wb: WorkbenchSession, name: string, entry: string): Promise<void> {
  const page = wb.page;
  await page.keyboard.press('Escape');
  const target = row(wb, name);
  await target.hover();
  await target.click({ button: 'right' });
  const item = page.locator('.context-view .action-item .action-label', { hasText: entry }).first();
  await item.waitFor({ timeout: 10_000 });
  await item.hover();
  await item.click();
  // A menu that was still settling (seen right after a theme change re-rendered the workbench) can
  // swallow the click and stay open: the click has landed only once the menu is gone. On a busy
  // machine a menu whose click DID land can take seconds to go (seen: the Import dialog already open,
  // the menu hidden a moment later): click again only while the entry is still on screen.
  const menu = page.locator('.context-view .monaco-menu').first();
  if (!(await menu.waitFor({ state: 'hidden', timeout: 10_000 }).then(() => true, () => false))) {
    await item.click({ timeout: 5_000 }).catch(async (err: unknown) => {
      if (await menu.isVisible()) throw err;
    });
    await menu.waitFor({ state: 'hidden', timeout: 10_000 });
  }
}
