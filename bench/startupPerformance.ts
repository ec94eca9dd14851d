// "Developer: Startup Performance", read in the real workbench: our row of its "Extension Activation
// Stats" and the extension host's raw performance marks, for bench/ui and bench/activation.
//
// Why the marks: VS Code's activation figure (Running Extensions; Load Code + Call Activate here) is
// not only ours. Its "Load Code" clock starts before an `await` in the extension host
// (`_doLoadModule`: codeLoadingStart(), then `await initializeLocalizedMessages`, then require), and
// every extension whose activation started in the same tick is required in between, in the order the
// activation events came. A window that starts with our view open activates us beside
// github-authentication and emmet, and their require() (10-45 ms on this machine) lands in our "Load
// Code" when they are queued first (measured: our own require is 1 ms; VS Code's own table shows the
// same for its extensions, e.g. emmet "Load Code" 830 ms around a 14 ms require). The host's marks
// `code/extHost/willLoadExtensionCode/<id>` and `didLoadExtensionCode/<id>` bracket each require()
// alone, so our own share is our require (between our two marks) plus Call Activate, and the rest of
// "Load Code" is named by the other extensions' marks that fall inside it.
//
// The text is read through the clipboard (Select All, Copy in its editor): the editor shows only the
// lines on screen. The page needs clipboard permissions (grantPermissions, done here).
import type { WorkbenchSession } from '../test/e2e/support/workbench';

export const OUR_ID = 'zookeeper-explorer.zookeeper-explorer';

export interface StartupFigures {
  /** VS Code's "Load Code" for us: from before the await to the end of our require(). */
  loadCode: number;
  /** activate()'s synchronous body (the loader reading the core, evaluating it, the core's activate). */
  callActivate: number;
  finishActivate: number;
  /** What activated us (onView:…, onLanguage:…). */
  event: string;
  /**
   * Our require() alone: didLoadExtensionCode - willLoadExtensionCode (the marks have whole milliseconds).
   * Undefined when the host never sent our marks: it sends its marks once, when startup finishes, so an
   * activation after that (a .zk file opened, a view opened later in a new window) has none.
   */
  ownLoad: number | undefined;
  /** Other extensions required inside our "Load Code" clock, with their require() times (empty without marks). */
  loadedInside: { id: string; ms: number }[];
}

/** VS Code's figure (what Running Extensions shows) and ours, from the figures above. */
export const vscodeFigure = (f: StartupFigures): number => f.loadCode + f.callActivate;
export const ownFigure = (f: StartupFigures): number | undefined => (f.ownLoad === undefined ? undefined : f.ownLoad + f.callActivate);

/**
 * Parses the text of the Startup Performance document: undefined until our row is in it; without
 * `ownLoad` while our marks are not (yet, or ever: see StartupFigures.ownLoad).
 */
export function parseStartupPerformance(text: string): StartupFigures | undefined {
  const lines = text.split('\n');
  const row = lines.find((l) => l.startsWith('|') && l.split('|')[1]?.trim() === OUR_ID);
  if (!row) return undefined;
  // | Extension | Eager | Load Code | Call Activate | Finish Activate | Event | By |
  const cells = row.split('|').map((c) => c.trim());
  const [loadCode, callActivate, finishActivate] = [cells[3], cells[4], cells[5]].map(Number);
  // The extension host's marks ("Raw Perf Marks: remoteExtHost", or "localExtHost" on the desktop):
  // name<TAB>timestamp<TAB>delta<TAB>total.
  const marks = new Map<string, number>();
  const loads: { id: string; will: number; did?: number }[] = [];
  for (const line of lines) {
    const m = /^code\/extHost\/(will|did)LoadExtensionCode\/(\S+)\t(\d+(?:\.\d+)?)\t/.exec(line);
    if (!m) continue;
    const [, kind, id, at] = m;
    marks.set(`${kind}/${id}`, Number(at));
    if (kind === 'will') loads.push({ id, will: Number(at) });
    else {
      const open = loads.find((l) => l.id === id && l.did === undefined);
      if (open) open.did = Number(at);
    }
  }
  const will = marks.get(`will/${OUR_ID}`);
  const did = marks.get(`did/${OUR_ID}`);
  if ([loadCode, callActivate].some(Number.isNaN)) return undefined;
  const event = cells[6] ?? '';
  if (will === undefined || did === undefined) return { loadCode, callActivate, finishActivate, event, ownLoad: undefined, loadedInside: [] };
  // Our clock started (at the latest) loadCode ms before our require ended: whatever was required in
  // between was queued before us. The marks are whole milliseconds: a millisecond of slack each side.
  const clockStart = did - loadCode - 1;
  const loadedInside = loads
    .filter((l) => l.id !== OUR_ID && l.did !== undefined && l.will >= clockStart && l.did <= will + 1)
    .map((l) => ({ id: l.id, ms: l.did! - l.will }));
  return { loadCode, callActivate, finishActivate, event, ownLoad: did - will, loadedInside };
}

/**
 * Opens Developer: Startup Performance, reads it until our row is there and, for up to `marksWaitMs`,
 * our extension-host marks (for an activation during startup they come when startup finishes; for a
 * later one never), and closes it.
 */
export async function readStartupPerformance(wb: WorkbenchSession, marksWaitMs = 20_000): Promise<StartupFigures> {
  const page = wb.page;
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  const started = Date.now();
  let last = '';
  let best: StartupFigures | undefined;
  // The document is opened again while what it lacks may still come (a hang guard far above an honest run).
  for (;;) {
    await wb.runCommand('Developer: Startup Performance');
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.view-line', { hasText: 'System Info' }).first().waitFor({ timeout: 60_000 });
    for (let attempt = 0; attempt < 4; attempt++) {
      await editor.locator('.view-lines').first().click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Control+C');
      last = await page.evaluate<string>('navigator.clipboard.readText()');
      best = parseStartupPerformance(last) ?? best;
      if (best?.ownLoad !== undefined || (best && Date.now() - started > marksWaitMs)) {
        await wb.runCommand('View: Close All Editors');
        return best;
      }
      await page.waitForTimeout(500);
    }
    await wb.runCommand('View: Close All Editors');
    if (Date.now() - started > 60_000 + marksWaitMs) {
      const row = last.split('\n').find((l) => l.includes(OUR_ID)) ?? '(no row of ours)';
      throw new Error(`Developer: Startup Performance has no activation figures of ours within ${((60_000 + marksWaitMs) / 1000).toFixed(0)} s: ${row}`);
    }
  }
}

/** "github-authentication 21 ms, emmet 11 ms" */
export const describeLoadedInside = (f: StartupFigures): string =>
  f.loadedInside.length ? f.loadedInside.map((l) => `${l.id.replace(/^vscode\./, '')} ${l.ms} ms`).join(', ') : 'none';
