import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { goTo as goToPosition, openFile as openEditorFile } from './support/editor';
import { useDemoWorkbench, type Theme, type WorkbenchSession } from './support/workbench';

const SCRIPT = ['# connection: demo', '# Feature flags for the orders service', 'get -s /config/app', 'ls /services/', 'crate /config/typo "x"', ''].join('\n');
/** A valid zoo.cfg, for its colours: nothing in it is an error. */
const ZOO_SAMPLE = ['# A valid three-server ensemble', 'tickTime=2000', 'initLimit=10', 'syncLimit=5', 'dataDir=/var/lib/zookeeper', 'clientPort=2181', 'server.1=zk1.example.com:2888:3888', 'server.2=zk2.example.com:2888:3888', 'server.3=zk3.example.com:2888:3888', ''].join('\n');
/** Values being typed, with words in the file that word-based suggestions would offer. */
const ZOO_VALUES = ['# zookeeper example words', 'dataDir=/var/lib/zookeeper', 'snapCount=', 'forceSync=', ''].join('\n');
const ZOO_CFG = ['tickTime=2000', 'dataDir=/var/lib/zookeeper', 'clientPort=2181', 'initLimt=10', 'syncLimit=5', 'server.1=zk1:2888:3888', 'server.2=zk2:2888', ''].join('\n');

describe('e2e: a ZooKeeper script and a zoo.cfg in the editor', function () {
  let wb: WorkbenchSession | undefined;
  useDemoWorkbench((session) => (wb = session));

  before(() => {
    fs.writeFileSync(path.join(wb!.folder, 'flags.zk'), SCRIPT);
    fs.writeFileSync(path.join(wb!.folder, 'zoo.cfg'), ZOO_CFG);
    fs.writeFileSync(path.join(wb!.folder, 'zoo-sample.cfg'), ZOO_SAMPLE);
    fs.writeFileSync(path.join(wb!.folder, 'zoo-values.cfg'), ZOO_VALUES);
  });

  const openFile = (name: string): Promise<void> => openEditorFile(wb!, name);
  const goTo = (line: number, column: number): Promise<void> => goToPosition(wb!, line, column);

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
    await goTo(4, 1);
    await page.keyboard.press('End');
    await wb!.runCommand('Trigger Suggest');
    const suggest = page.locator('.editor-widget.suggest-widget');
    await suggest.locator('.monaco-list-row', { hasText: 'orders' }).first().waitFor({ timeout: 30_000 });
    await suggest.locator('.monaco-list-row', { hasText: 'payments' }).first().waitFor({ timeout: 10_000 });
    await wb!.screenshot('script-completion');
    await page.keyboard.press('Escape');
    // Hover the typo: the diagnostic with its "did you mean".
    await goTo(5, 2);
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

  /** The colour the editor paints the first token whose text is `text`, once the grammar has coloured it (not the default foreground). */
  async function tokenColour(text: string): Promise<string> {
    const page = wb!.page;
    const script = `(() => {
      const spans = [...document.querySelectorAll('.monaco-editor .view-lines span span')].filter((s) => s.textContent === ${JSON.stringify(text)});
      return spans.length ? spans[0].className + ' ' + getComputedStyle(spans[0]).color : '';
    })()`;
    let found = '';
    for (const deadline = Date.now() + 30_000; !/^mtk(?!1\b)\d+/.test(found); await page.waitForTimeout(100)) {
      assert.ok(Date.now() < deadline, `"${text}" is not coloured by the grammar: ${JSON.stringify(found)}`);
      found = await page.evaluate<string>(script);
    }
    return found.slice(found.indexOf(' ') + 1);
  }

  /** Puts the cursor at the end of the line that starts with `start` and asks for completion. */
  async function suggestAtEndOf(start: string): Promise<void> {
    const page = wb!.page;
    await page.keyboard.press('Escape');
    await page.locator('.view-lines .view-line', { hasText: start }).first().click();
    await page.keyboard.press('End');
    await wb!.runCommand('Trigger Suggest');
  }

  it('colours a valid zoo.cfg as keys and values, not as errors, and completes only the values a key takes', async function () {
    this.timeout(120_000);
    const page = wb!.page;
    await page.mouse.move(5, 5);
    await openFile('zoo-sample.cfg');
    // Light+ paints support.type.property-name #e50000 and string #a31515: keys and values that look like errors.
    const red = ['rgb(229, 0, 0)', 'rgb(163, 21, 21)'];
    const key = await tokenColour('tickTime');
    const number = await tokenColour('2000');
    assert.ok(!red.includes(key), `the key is painted ${key}`);
    assert.ok(!red.includes(number), `the number is painted ${number}`);
    assert.notEqual(key, number, 'keys and values look different');
    await wb!.screenshot('zoo-cfg-colours');
    await openFile('zoo-values.cfg');
    // A value the server has nothing to offer for: no words from the file (word-based suggestions are off).
    await suggestAtEndOf('snapCount=');
    const suggest = page.locator('.editor-widget.suggest-widget');
    await suggest.locator('.message', { hasText: 'No suggestions.' }).waitFor({ timeout: 30_000 });
    // A yes/no key: exactly yes and no.
    await suggestAtEndOf('forceSync=');
    await suggest.locator('.monaco-list-row', { hasText: 'yes' }).first().waitFor({ timeout: 30_000 });
    const offered = (await suggest.locator('.monaco-list-row .label-name').allInnerTexts()).map((t) => t.trim());
    assert.deepEqual([...offered].sort(), ['no', 'yes'], `offered: ${JSON.stringify(offered)}`);
    await wb!.screenshot('zoo-cfg-value-completion');
    await page.keyboard.press('Escape');
  });

  for (const theme of ['dark'] as Theme[]) {
    it(`the script in the ${theme} theme (screenshot)`, async function () {
      this.timeout(60_000);
      await wb!.setTheme(theme);
      await openFile('flags.zk');
      await wb!.page.locator('.view-overlays .squiggly-error').first().waitFor({ timeout: 30_000 });
      await wb!.screenshot('script-diagnostic');
      await openFile('zoo-sample.cfg');
      const key = await tokenColour('tickTime');
      assert.notEqual(key, await tokenColour('2000'), 'keys and values look different');
      await wb!.screenshot('zoo-cfg-colours');
    });
  }
});
