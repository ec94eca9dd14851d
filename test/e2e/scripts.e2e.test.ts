import * as fs from 'node:fs';
import * as path from 'node:path';
import { useDemoWorkbench, type Theme, type WorkbenchSession } from './support/workbench';

const SCRIPT = ['# connection: demo', '# Feature flags for the orders service', 'get -s /config/app', 'ls /services/', 'crate /config/typo "x"', ''].join('\n');
const ZOO_CFG = ['tickTime=2000', 'dataDir=/var/lib/zookeeper', 'clientPort=2181', 'initLimt=10', 'syncLimit=5', 'server.1=zk1:2888:3888', 'server.2=zk2:2888', ''].join('\n');

describe('e2e: a ZooKeeper script and a zoo.cfg in the editor', function () {
  let wb: WorkbenchSession | undefined;
  useDemoWorkbench((session) => (wb = session));

  before(() => {
    fs.writeFileSync(path.join(wb!.folder, 'flags.zk'), SCRIPT);
    fs.writeFileSync(path.join(wb!.folder, 'zoo.cfg'), ZOO_CFG);
  });

  async function openFile(name: string): Promise<void> {
    const page = wb!.page;
    await wb!.runCommand('Go to File...');
    const input = page.locator('.quick-input-widget input.input');
    await input.fill(name);
    const item = page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first();
    await item.waitFor({ timeout: 20_000 });
    await item.click();
    await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 20_000 });
  }

  it('completes the live children of /services and underlines the unknown command', async function () {
    this.timeout(120_000);
    const page = wb!.page;
    // Scripts complete against open connections only (typing never connects by itself).
    await wb!.runCommand('ZooKeeper: Connect');
    await page.locator('.statusbar-item', { hasText: 'ZooKeeper: demo (connected)' }).first().waitFor({ timeout: 30_000 });
    await openFile('flags.zk');
    // The unknown command gets a squiggle (the language server's diagnostic).
    await page.locator('.view-overlays .squiggly-error').first().waitFor({ timeout: 30_000 });
    // Put the cursor after "ls /services/" (line 4) and ask for completion.
    await page.locator('.view-lines .view-line', { hasText: 'ls /services/' }).click();
    await page.keyboard.press('End');
    await wb!.runCommand('Trigger Suggest');
    const suggest = page.locator('.editor-widget.suggest-widget');
    await suggest.locator('.monaco-list-row', { hasText: 'orders' }).first().waitFor({ timeout: 30_000 });
    await suggest.locator('.monaco-list-row', { hasText: 'payments' }).first().waitFor({ timeout: 10_000 });
    await wb!.screenshot('script-completion');
    await page.keyboard.press('Escape');
    // Hover the typo: the diagnostic with its "did you mean".
    await page.locator('.view-lines .view-line', { hasText: 'crate' }).click();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await wb!.runCommand('Show or Focus Hover');
    await page.locator('.monaco-hover', { hasText: 'create' }).first().waitFor({ timeout: 20_000 });
    await wb!.screenshot('script-diagnostic');
  });

  it('checks a zoo.cfg: a typo with a quick fix and a malformed server line', async function () {
    this.timeout(120_000);
    const page = wb!.page;
    await page.mouse.move(5, 5);
    await openFile('zoo.cfg');
    await page.locator('.view-overlays .squiggly-error, .view-overlays .squiggly-warning').first().waitFor({ timeout: 30_000 });
    await wb!.runCommand('View: Toggle Problems');
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'initLimit' }).first().waitFor({ timeout: 20_000 });
    await wb!.screenshot('zoo-cfg-problems');
  });

  for (const theme of ['dark'] as Theme[]) {
    it(`the script in the ${theme} theme (screenshot)`, async function () {
      this.timeout(60_000);
      await wb!.setTheme(theme);
      await openFile('flags.zk');
      await wb!.page.locator('.view-overlays .squiggly-error').first().waitFor({ timeout: 30_000 });
      await wb!.screenshot('script-diagnostic');
    });
  }
});
