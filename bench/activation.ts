// Benchmark: the extension's activation in the REAL workbench (issue 14), and the first .zk file.
//
//   npm run bench:activation     (builds, then: node out/bench/activation.js [--runs 5] [--extension PATH]...)
//
// Opens the browser VS Code as the e2e tier does (test/e2e/support/workbench.ts) on a folder holding a
// `.zk` script with an unknown command, with one connection setting (never connected: the first
// view lists connections without a session). Every measurement is a new window (new server, new
// profile). --extension (repeatable; default: this project) names builds to compare (a folder with
// package.json and dist/), measured in turn with the order alternating run by run.
//
//   view first:  the ZooKeeper view opened in the new window activates the extension (onView);
//                VS Code's own figures are read afterwards:
//                  - "Developer: Show Running Extensions": code loading + activate call, the figure
//                    the goal (≤ 40 ms) is about;
//                  - "Developer: Startup Performance", its "Extension Activation Stats" row: Load Code
//                    (require of dist/extension.js, the loader: a few lines), Call Activate (activate():
//                    the loader compiling dist/core.js and evaluating it, then the core's activate()'s
//                    synchronous body) and Finish Activate (until its returned promise settles).
//                A new profile has no code cache (src/extension/loader.ts): the core is compiled from source.
//   reloaded:    the same window reloaded once the first left its code cache (for a build with the
//                loader: its file in the profile's global storage is awaited), the view restored:
//                the figures of a window that is not the first of its build, as most are.
//   .zk first:   a new window on the file explorer with no editor; Quick Open picks the script;
//                times from that Enter (keydown, in the page) to the language server's first
//                diagnostic squiggle in the DOM; the activation event is checked to be the .zk open.
//
// The Startup Performance text is read through the clipboard (Select All, Copy in its editor): the
// editor shows only the lines on screen. Medians of --runs runs. Never fails on a time.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openWorkbench, type WorkbenchSession } from '../test/e2e/support/workbench';
import { ownFigure, readStartupPerformance } from './startupPerformance';
import { median, parseBuildFlags, printTable, runBench } from './support';

const started = Date.now();
const step = (message: string): void => void process.stderr.write(`[bench:activation ${((Date.now() - started) / 1000).toFixed(0)}s] ${message}\n`);

/** Under development the Running Extensions row shows the extension's id, installed its name. */
const OUR_ROW = /zookeeper-explorer\.zookeeper-explorer|ZooKeeper Explorer/;

interface Activation {
  /** Running Extensions: code loading + activate call. */
  total: number;
  /** Its hover: what activated the extension. */
  reason: string;
  loadCode?: number;
  callActivate?: number;
  finishActivate?: number;
  event?: string;
  /** Our require() alone + Call Activate (bench/startupPerformance.ts: VS Code's Load Code also counts others). */
  own?: number;
}

async function runningExtensions(wb: WorkbenchSession): Promise<{ total: number; reason: string }> {
  const page = wb.page;
  await wb.runCommand('Developer: Show Running Extensions');
  const ourRow = page.locator('.monaco-list-row', { hasText: OUR_ROW }).first();
  const time = ourRow.locator('.activation-time').first();
  await time.waitFor({ timeout: 60_000 });
  const text = await time.innerText();
  const ms = /([\d.]+)\s*ms/.exec(text);
  if (!ms) throw new Error(`Running Extensions shows "${text}" for ZooKeeper Explorer`);
  const reason = (await ourRow.locator('.activation-time').first().getAttribute('title').catch(() => null)) ?? (await ourRow.getAttribute('aria-label')) ?? '';
  await wb.runCommand('View: Close All Editors');
  return { total: Number(ms[1]), reason };
}

/** The row of "Extension Activation Stats" in Developer: Startup Performance, with our own share. */
async function startupPerformance(wb: WorkbenchSession): Promise<Pick<Activation, 'loadCode' | 'callActivate' | 'finishActivate' | 'event' | 'own'>> {
  const f = await readStartupPerformance(wb);
  return { loadCode: f.loadCode, callActivate: f.callActivate, finishActivate: f.finishActivate, event: f.event, own: ownFigure(f) };
}

/** A fresh window (new server, new profile) on `folder` with the extension at `extension`. */
async function freshWindow(folder: string, extension: string): Promise<WorkbenchSession> {
  const session = await openWorkbench({
    folder,
    extensionDevelopmentPath: extension,
    viewport: { width: 1400, height: 1000 },
    // A connection the view lists; nothing connects it (127.0.0.1:9 is never dialled).
    settings: { 'zookeeper.connections': [{ name: 'bench', connectString: '127.0.0.1:9' }], 'workbench.startupEditor': 'none', 'zookeeper.walkthrough.openOnFirstRun': false },
    log: process.env.ZKE_BENCH_VERBOSE ? step : () => undefined,
  });
  await session.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  return session;
}

/** View first: the ZooKeeper view opened in a window where nothing has activated the extension. */
async function viewFirst(wb: WorkbenchSession): Promise<Activation> {
  await wb.openView('ZooKeeper');
  await wb.page.locator('.monaco-list-row[role="treeitem"][aria-label^="bench"]').first().waitFor({ timeout: 60_000 });
  const a: Activation = { ...(await runningExtensions(wb)), ...(await startupPerformance(wb)) };
  if (a.event !== undefined && !/^onView:/.test(a.event)) throw new Error(`view first: the extension was activated by ${a.event}`);
  return a;
}

/** The window reloaded once the code cache of its first activation is there (a build with the loader). */
async function reloaded(wb: WorkbenchSession, extension: string): Promise<Activation> {
  if (fs.existsSync(path.join(extension, 'dist', 'core.js'))) {
    const storage = path.join(wb.server.userDataDir, 'User', 'globalStorage', 'zookeeper-explorer.zookeeper-explorer', 'code-cache');
    // Made 10 s after activation; a hang guard far above that.
    for (const deadline = Date.now() + 120_000; !(fs.existsSync(storage) && fs.readdirSync(storage).some((f) => f.endsWith('.v8'))); ) {
      if (Date.now() > deadline) throw new Error(`no code cache in ${storage} within 120 s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  await wb.reload();
  await wb.openView('ZooKeeper').catch(() => wb.openView('ZooKeeper'));
  await wb.page.locator('.monaco-list-row[role="treeitem"][aria-label^="bench"]').first().waitFor({ timeout: 60_000 });
  const a: Activation = { ...(await runningExtensions(wb)), ...(await startupPerformance(wb)) };
  if (a.event !== undefined && !/^onView:/.test(a.event)) throw new Error(`reloaded: the extension was activated by ${a.event}`);
  return a;
}

/** .zk first: Quick Open picks the script; Enter -> the first diagnostic squiggle. */
async function zkFirst(wb: WorkbenchSession): Promise<Activation & { diagnostics: number }> {
  const page = wb.page;
  await wb.openView('Explorer').catch(() => wb.openView('Explorer'));
  await page.locator('.monaco-list-row[role="treeitem"][aria-label^="first.zk"]').first().waitFor({ timeout: 60_000 });
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ timeout: 30_000 });
  await input.fill('first.zk');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'first.zk' }).first().waitFor({ timeout: 30_000 });
  await page.evaluate(`void (window.__zkeFirstZk = new Promise((resolve) => {
    let t0;
    const check = () => { if (t0 !== undefined && document.querySelector('.view-overlays .squiggly-error')) { observer.disconnect(); resolve(performance.now() - t0); } };
    const observer = new MutationObserver(check);
    observer.observe(document.body, { subtree: true, childList: true, attributes: true });
    document.addEventListener('keydown', (e) => { if (e.key === 'Enter' && t0 === undefined) t0 = performance.now(); }, { capture: true });
  }))`);
  await page.keyboard.press('Enter');
  // A hang guard, far above an honest run.
  const diagnostics = await page.evaluate<number>(`Promise.race([window.__zkeFirstZk, new Promise((_, reject) => setTimeout(() => reject(new Error('no squiggle within 120 s')), 120000))])`);
  const a = { ...(await runningExtensions(wb)), ...(await startupPerformance(wb)), diagnostics };
  if (a.event !== undefined && !/onLanguage/.test(a.event)) throw new Error(`.zk first: the extension was activated by ${a.event}, not by the .zk file`);
  return a;
}

async function main(): Promise<void> {
  // Several builds (e.g. main's and this branch's copies of package.json + dist/): measured in turn,
  // the order alternating run by run, so that a busy moment of the machine is shared out.
  const { runs, extensions } = parseBuildFlags(process.argv.slice(2), 'node out/bench/activation.js [--runs N] [--extension PATH]...', 5);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'zke-bench-activation-'));
  fs.mkdirSync(path.join(folder, '.vscode'));
  fs.writeFileSync(path.join(folder, '.vscode', 'settings.json'), '{}\n');
  fs.writeFileSync(path.join(folder, 'first.zk'), '# opened first\nls /\nfrobnicate /config\n');
  const results = new Map(extensions.map((e) => [e, { view: [] as Activation[], reloaded: [] as Activation[], zk: [] as (Activation & { diagnostics: number })[] }]));
  let wb: WorkbenchSession | undefined;
  try {
    console.log(`${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    for (let i = 0; i < runs; i++) {
      const order = i % 2 === 0 ? extensions : [...extensions].reverse();
      for (const extension of order) {
        const mine = results.get(extension)!;
        step(`run ${i + 1}, ${extension}: view first`);
        wb = await freshWindow(folder, extension);
        const v = await viewFirst(wb);
        step(`run ${i + 1}, ${extension}: reloaded`);
        const r = await reloaded(wb, extension);
        mine.reloaded.push(r);
        await wb.close();
        wb = undefined;
        mine.view.push(v);
        step(`run ${i + 1}, ${extension}: .zk first`);
        wb = await freshWindow(folder, extension);
        const z = await zkFirst(wb);
        await wb.close();
        wb = undefined;
        mine.zk.push(z);
        process.stdout.write(
          `${path.basename(extension)} run ${i + 1}: view first ${v.total} ms (load code ${v.loadCode ?? '?'}, call activate ${v.callActivate ?? '?'}); ` +
            `reloaded ${r.total} ms (load code ${r.loadCode ?? '?'}, call activate ${r.callActivate ?? '?'}); ` +
            `.zk first ${z.total} ms (load code ${z.loadCode ?? '?'}, call activate ${z.callActivate ?? '?'}), diagnostics after ${z.diagnostics.toFixed(0)} ms\n`,
        );
      }
    }

    const m = (values: (number | undefined)[]): string => {
      const known = values.filter((v): v is number => v !== undefined && !Number.isNaN(v));
      return known.length ? `${median(known).toFixed(0)} ms` : '—';
    };
    const range = (values: number[]): string => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;
    console.log('');
    const rows: string[][] = [];
    for (const [extension, r] of results) {
      const name = path.basename(extension);
      rows.push([name, 'view first', m(r.view.map((a) => a.total)), range(r.view.map((a) => a.total)), `${(median(r.view.map((a) => a.total)) / 40).toFixed(2)}x`, m(r.view.map((a) => a.own)), m(r.view.map((a) => a.loadCode)), m(r.view.map((a) => a.callActivate)), m(r.view.map((a) => a.finishActivate)), '—']);
      rows.push([name, 'reloaded', m(r.reloaded.map((a) => a.total)), range(r.reloaded.map((a) => a.total)), `${(median(r.reloaded.map((a) => a.total)) / 40).toFixed(2)}x`, m(r.reloaded.map((a) => a.own)), m(r.reloaded.map((a) => a.loadCode)), m(r.reloaded.map((a) => a.callActivate)), m(r.reloaded.map((a) => a.finishActivate)), '—']);
      rows.push([name, '.zk first', m(r.zk.map((a) => a.total)), range(r.zk.map((a) => a.total)), `${(median(r.zk.map((a) => a.total)) / 40).toFixed(2)}x`, m(r.zk.map((a) => a.own)), m(r.zk.map((a) => a.loadCode)), m(r.zk.map((a) => a.callActivate)), m(r.zk.map((a) => a.finishActivate)), `${m(r.zk.map((a) => a.diagnostics))} (${range(r.zk.map((a) => a.diagnostics))})`]);
    }
    printTable(['build', 'case', 'activation (Running Ext.)', 'range', 'ratio to 40 ms', 'ours: require + call activate', 'load code', 'call activate', 'finish activate', '.zk: Enter -> squiggle'], rows);
  } catch (error) {
    if (wb) {
      const shot = await wb.screenshot('bench-activation-failed').catch(() => '(none)');
      step(`failed; screenshot ${shot}\n${await wb.describeScreen().catch(() => '')}`);
    }
    throw error;
  } finally {
    await wb?.close().catch(() => undefined);
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

runBench(main);
