// The editor as a person drives it: opening a file of the workspace and putting the cursor somewhere.
import type { WorkbenchSession } from './workbench';

/** Opens a file of the workspace folder through Go to File and waits for its tab. */
export async function openFile(wb: WorkbenchSession, name: string): Promise<void> {
  const page = wb.page;
  await wb.runCommand('Go to File...');
  const input = page.locator('.quick-input-widget input.input');
  await input.fill(name);
  const item = page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first();
  await item.waitFor({ timeout: 20_000 });
  await item.click();
  await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 20_000 });
}

/**
 * Puts the cursor at line:column through VS Code's Go to Line. A click on a line can land on
 * another one: a script's CodeLenses ("Run") are laid out after the text and push the lines down.
 */
export async function goTo(wb: WorkbenchSession, line: number, column: number): Promise<void> {
  const page = wb.page;
  await page.keyboard.press('Escape');
  await wb.runCommand('Go to Line/Column...');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ timeout: 20_000 });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.statusbar-item', { hasText: `Ln ${line}, Col ${column}` }).first().waitFor({ timeout: 20_000 });
}
