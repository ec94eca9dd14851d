// Helpers for end-to-end tests that drive a real VS Code workbench like a person: code-server's
// VS Code server + headless Debian chromium via playwright-core (scripts/lib/vscodeHost.js).
//
//   const wb = await openWorkbench({ theme: 'light', settings: { 'zookeeper.connections': [...] } });
//   await wb.openView('ZooKeeper');
//   await wb.treeItem('localhost:2181').click();
//   await wb.runCommand('ZooKeeper: Refresh');
//   await wb.screenshot('tree');                  // .test-output/screenshots/light/tree.png
//   await wb.setTheme('dark');
//   await wb.close();
//
// Environment: ZKE_E2E_EXTENSION_PATH loads another extension instead of the project (runner
// development); ZKE_KEEP_TEMP=1 keeps the server's temp folder.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type { Browser, Locator, Page } from 'playwright-core';
import type * as VSCodeHost from '../../../scripts/lib/vscodeHost';
import type * as LanguagePack from '../../../scripts/lib/languagePack';

export type Theme = VSCodeHost.Theme;

/** The project root: the folder of the package.json named "zookeeper-explorer" above this file. */
export const PROJECT_ROOT: string = (() => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'zookeeper-explorer') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no zookeeper-explorer package.json above ${__dirname}`);
  }
})();

/** scripts/lib/vscodeHost.js, loaded from the project (tsc does not copy it into out/). */
export const host = createRequire(__filename)(path.join(PROJECT_ROOT, 'scripts', 'lib', 'vscodeHost.js')) as typeof VSCodeHost;

/** scripts/lib/languagePack.js: VS Code in another display language (a stand-in language pack). */
const languagePack = createRequire(__filename)(path.join(PROJECT_ROOT, 'scripts', 'lib', 'languagePack.js')) as typeof LanguagePack;

export const SCREENSHOT_ROOT = path.join(PROJECT_ROOT, '.test-output', 'screenshots');

export interface OpenOptions {
  /** Default: the project root (or ZKE_E2E_EXTENSION_PATH). */
  extensionDevelopmentPath?: string;
  /** Workspace folder; default: a fresh empty temp folder (removed on close). */
  folder?: string;
  /** User settings over vscodeHost's defaults (e.g. zookeeper.connections). */
  settings?: Record<string, unknown>;
  /** Environment for the extension host. */
  env?: Record<string, string>;
  /** Default 'light'. */
  theme?: Theme;
  viewport?: { width: number; height: number };
  log?: (message: string) => void;
  /**
   * Default true. false: no --enable-smoke-test-driver, under which VS Code never shows notification
   * toasts; a test of how long a toast stays needs them.
   */
  smokeTestDriver?: boolean;
  /** The server's extensions folder (default: an empty temp folder), e.g. one holding a link to the project. */
  extensionsDir?: string;
  /**
   * VS Code's display language; default English. 'zh-cn': the server starts with --locale zh-cn and
   * a stand-in language pack (scripts/lib/languagePack.js), so the extension's strings are Chinese
   * while VS Code's own stay English (the real language pack is not available offline).
   */
  locale?: 'zh-cn';
}

export interface WorkbenchSession {
  page: Page;
  server: VSCodeHost.VSCodeServer;
  readonly theme: Theme;
  folder: string;
  /** Waits until the workbench shows its activity bar and status bar and the extension host runs. */
  waitUntilReady(timeoutMs?: number): Promise<void>;
  /**
   * F1, types the command's title, picks the entry with exactly that title; finding it is tried up to
   * three times on a loaded machine. `optional`: a command the palette lists only in some states
   * ("Revert and Close Editor" with an editor open): one try of 30 s, and a command not listed is no error.
   */
  runCommand(title: string, options?: { optional?: boolean }): Promise<void>;
  /** "View: Close All Editors" when an editor is open (the palette lists it only then). */
  closeAllEditors(): Promise<void>;
  /** Clicks the activity-bar item whose aria-label starts with title (no-op when already open). */
  openView(title: string): Promise<void>;
  /** Drags the sash right of the sidebar until the sidebar is about `width` pixels wide. */
  widenSidebar(width: number): Promise<void>;
  /** aria-labels of the activity-bar items. */
  activityBarLabels(): Promise<string[]>;
  /** A tree row (any tree: explorer or an extension's view) by its accessible name. */
  treeItem(label: string | RegExp, opts?: { exact?: boolean }): Locator;
  /**
   * Saves .test-output/screenshots/<theme>/<name>.png; returns the path. The mouse is parked where it
   * raises no tooltip first, unless keepMouse (a screenshot of a tooltip).
   */
  screenshot(name: string, opts?: { fullPage?: boolean; locator?: Locator; keepMouse?: boolean }): Promise<string>;
  /**
   * Switches to "Light Modern" / "Dark Modern" through the colour-theme picker, which writes
   * workbench.colorTheme into the user settings.json (checked); waits until the workbench shows it.
   */
  setTheme(theme: Theme): Promise<void>;
  /**
   * target 'user' (default): merges into the user settings.json on the server and reloads the
   * window (outside edits of that file are not picked up live). target 'workspace': merges into
   * <folder>/.vscode/settings.json, applied live without a reload (window/resource-scoped settings).
   */
  updateSettings(patch: Record<string, unknown>, opts?: { target?: 'user' | 'workspace' }): Promise<void>;
  /** Reloads the page (the extension host restarts) and waits until ready. */
  reload(): Promise<void>;
  /** How many times a tooltip was sent away before an action (see keepTargetsClear). */
  tooltipsSentAway(): number;
  /** Opens the notification centre and returns the messages (toasts don't pop up under the smoke-test driver). */
  notifications(): Promise<string[]>;
  /** Prints the tail of the server's, the extension host's and the extension's own logs (for a failed test). */
  dumpLogs(lines?: number): void;
  /** What a person would see right now, as text: the open quick input, context menu, dialogs and tree rows. */
  describeScreen(): Promise<string>;
  /** For a failed test: a screenshot (failed-<title>.png), what describeScreen() says, and the logs. */
  captureFailure(title: string): Promise<void>;
  /**
   * Closes the window and stops its server. With useSharedBrowser() the server stops in the
   * background once the window is closed (the next window need not wait for it);
   * settleClosedWindows() waits for every such stop.
   */
  close(): Promise<void>;
}

const THEME_CLASS: Record<Theme, string> = { light: 'vs', dark: 'vs-dark' };

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** An attribute of every element a locator matches (no DOM types needed: lib is ES2022 only). */
async function attributes(locator: Locator, name: string): Promise<string[]> {
  const values: string[] = [];
  for (const element of await locator.all()) values.push((await element.getAttribute(name)) ?? '');
  return values;
}

function cssString(s: string): string {
  return JSON.stringify(s);
}

/** Titles of the activity-bar view containers an extension's package.json contributes (%nls% keys looked up in package.nls[.<locale>].json). */
export function contributedContainers(extensionPath: string, locale?: string): string[] {
  const nls = (file: string): Record<string, string> => {
    try {
      return JSON.parse(fs.readFileSync(path.join(extensionPath, file), 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  };
  const messages = { ...nls('package.nls.json'), ...(locale ? nls(`package.nls.${locale}.json`) : {}) };
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8')) as {
      contributes?: { viewsContainers?: { activitybar?: { title?: string }[] } };
    };
    return (pkg.contributes?.viewsContainers?.activitybar ?? [])
      .map((c) => c.title ?? '')
      .map((t) => t.replace(/^%(.+)%$/, (key, name: string) => (typeof messages[name] === 'string' ? messages[name] : key)))
      .filter((t) => t && !/^%.*%$/.test(t));
  } catch {
    return [];
  }
}

/**
 * Settings of every e2e workbench. Hovers: none rises under a parked mouse in an editor. The editor's
 * mouse hover is off (a test that wants one asks for it with "Show or Focus Hover", which still
 * works); the workbench's tooltips (tree rows, activity bar, status bar) stay as a user has them,
 * 500 ms after the mouse stops: keepTargetsClear() moves them out of the way instead, and
 * test/e2e/hover.e2e.test.ts proves that a tooltip over a row does not stop a click on it.
 */
export const QUIET_SETTINGS: Readonly<Record<string, unknown>> = Object.freeze({
  'editor.hover.enabled': 'off',
  // The browser VS Code saves 1 s after typing by default: a test saves when it means to (Ctrl+S),
  // so that an edit and another client's write happen in the order the test says.
  'files.autoSave': 'off',
  // The ZooKeeper and helper ports the tests open are not for forwarding (a "Ports" badge and a
  // notification otherwise).
  'remote.autoForwardPorts': false,
});

/**
 * The workbench's tooltips, which can lie over a click target: a tree row's data preview, an
 * activity-bar item's title (they live in a .context-view). An editor's hover is not among them:
 * with the editor's mouse hover off (QUIET_SETTINGS) it shows only when a test asks for it.
 */
export const HOVER_SELECTOR = '.workbench-hover-container';

/**
 * Notification toasts pop up over the lower right corner (the panel's rows, the editor's last
 * lines) whenever the extension reports something. Tests read notifications, and click their
 * buttons, in the notification centre (WorkbenchSession.notifications), where every toast is
 * listed too; so the toasts themselves are never shown.
 */
const NO_TOASTS_CSS = '.monaco-workbench .notifications-toasts { display: none !important; }';

/**
 * The one place where every e2e workbench is kept from covering what a test clicks: before each
 * Playwright action (click, hover, fill…) or auto-waiting check (locator.waitFor), and each retry
 * of one, a visible tooltip is sent away by moving the mouse to a spot that raises none, and
 * Playwright waits until it is gone; notification toasts never show (see NO_TOASTS_CSS). A test
 * that wants to see a tooltip polls with isVisible(), which does not run the handler.
 */
async function keepTargetsClear(page: Page, onSentAway: () => void): Promise<void> {
  // On every load (reload() and a restarted window) and on the page already open.
  // (A script as text: this project compiles without DOM types.)
  await page.addInitScript({
    content: `(() => {
      const add = () => { const style = document.createElement('style'); style.textContent = ${JSON.stringify(NO_TOASTS_CSS)}; document.head.appendChild(style); };
      if (document.head) add(); else document.addEventListener('DOMContentLoaded', add, { once: true });
    })();`,
  });
  await page.addStyleTag({ content: NO_TOASTS_CSS });
  const hover = page.locator(HOVER_SELECTOR).filter({ visible: true }).first();
  await page.addLocatorHandler(hover, async () => {
    const boxes = (await page.locator(HOVER_SELECTOR).filter({ visible: true }).all()).map((h) => h.boundingBox().catch(() => null));
    const covered = (await Promise.all(boxes)).filter((b): b is NonNullable<typeof b> => b !== null);
    const inside = (x: number, y: number): boolean => covered.some((b) => x >= b.x && x <= b.x + b.width && y >= b.y && y <= b.y + b.height);
    await page.mouse.move(...(await restingPoint(page, inside)));
    onSentAway();
    // Some tooltips do not go with the mouse: an activity-bar item's, raised by the focus a click
    // left on it, stays until a key is pressed. Escape hides it, unless a quick input or a menu is
    // open (Escape would close that instead; a tooltip does not show over those).
    const tooltip = page.locator(HOVER_SELECTOR).filter({ visible: true }).first();
    for (let i = 0; i < 10 && (await tooltip.isVisible()); i++) await page.waitForTimeout(100);
    const busy = page.locator('.quick-input-widget, .context-view .monaco-menu').filter({ visible: true });
    if (!(await tooltip.isVisible())) return;
    if ((await busy.count()) === 0) await page.keyboard.press('Escape');
    // Over an open quick input or menu (seen once on a loaded machine: a hover that stayed over the
    // palette's rows whatever the mouse did, for 30 s), Escape would close what the test is using:
    // the hover is hidden instead, as a person would look past it. It is chrome, never what a test checks.
    else await tooltip.evaluate((element) => ((element as unknown as { style: { display: string } }).style.display = 'none')).catch(() => undefined);
  });
}

/**
 * Where the mouse can rest without raising a tooltip: inside the editor area (its mouse hover is
 * off, see QUIET_SETTINGS; with no editor open it shows only the watermark), away from the hovers
 * being sent away (a mouse over a sticky hover keeps it). The right edge of the window otherwise.
 */
async function restingPoint(page: Page, covered: (x: number, y: number) => boolean): Promise<[number, number]> {
  const size = page.viewportSize() ?? { width: 1400, height: 900 };
  const editor = await page.locator('.part.editor').first().boundingBox().catch(() => null);
  const candidates: [number, number][] = editor
    ? [
        [editor.x + editor.width / 2, editor.y + editor.height / 2],
        [editor.x + editor.width - 30, editor.y + editor.height - 30],
        [editor.x + 30, editor.y + editor.height - 30],
        [editor.x + editor.width - 30, editor.y + 60],
      ]
    : [];
  candidates.push([size.width - 3, Math.round(size.height / 2)]);
  return candidates.find(([x, y]) => !covered(x, y)) ?? candidates[candidates.length - 1];
}

/**
 * One chromium for every window of this process once useSharedBrowser() was called (test/e2e/run.ts
 * does): a launch takes seconds on a busy machine, and the tier opens some thirty windows. Each
 * window still gets a fresh browser context (storage, cookies and cache of its own, as a new
 * profile would give), so what one test file leaves in its browser another never sees. A browser
 * that went away (a crash) is replaced at the next open. A closed window's server stops in the
 * background (settleClosedWindows() waits for them): each window has a server of its own, on a port
 * of its own, so the next one need not wait.
 */
let sharing = false;
let sharedBrowser: Promise<Browser> | undefined;

export function useSharedBrowser(): void {
  sharing = true;
}

async function browserForWindow(log: (message: string) => void): Promise<Browser | undefined> {
  if (!sharing) return undefined;
  const current = await sharedBrowser?.catch(() => undefined);
  if (current?.isConnected()) return current;
  sharedBrowser = host.launchBrowser({ log });
  return sharedBrowser;
}

/** Servers of windows closed with useSharedBrowser() on that are still stopping (see WorkbenchSession.close). */
const closing = new Set<Promise<void>>();

/** Waits until every server of a closed window has stopped (its processes gone, its folders removed). */
export async function settleClosedWindows(): Promise<void> {
  while (closing.size > 0) await Promise.allSettled([...closing]);
}

/** Closes the browser of useSharedBrowser() (the process would otherwise stay alive for it). */
export async function closeSharedBrowser(): Promise<void> {
  const browser = await sharedBrowser?.catch(() => undefined);
  sharedBrowser = undefined;
  await browser?.close().catch(() => undefined);
}

export async function openWorkbench(opts: OpenOptions = {}): Promise<WorkbenchSession> {
  const log = opts.log ?? ((m: string) => process.stderr.write(`[e2e] ${m}\n`));
  let theme: Theme = opts.theme ?? 'light';
  const extensionDevelopmentPath = opts.extensionDevelopmentPath ?? process.env.ZKE_E2E_EXTENSION_PATH ?? PROJECT_ROOT;
  const ownFolder = !opts.folder;
  const folder = opts.folder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'zke-e2e-ws-'));
  if (ownFolder) {
    // Present from the start so that the server watches it (a missing one is only polled).
    fs.mkdirSync(path.join(folder, '.vscode'));
    fs.writeFileSync(path.join(folder, '.vscode', 'settings.json'), '{}\n');
  }
  if (opts.locale) await languagePack.ensureCjkFont({ log });
  const packDir = opts.locale ? fs.mkdtempSync(path.join(os.tmpdir(), 'zke-e2e-language-pack-')) : undefined;
  const server = await host.startVSCodeServer({
    log,
    env: opts.env,
    ...(packDir ? { extraArgs: languagePack.localeServerArgs(languagePack.buildZhCnLanguagePack({ dir: packDir, log }), opts.locale) } : {}),
    ...(opts.smokeTestDriver === false ? { smokeTestDriver: false } : {}),
    ...(opts.extensionsDir ? { extensionsDir: opts.extensionsDir } : {}),
    settings: {
      'files.exclude': { '**/.vscode': true }, // the helper's own workspace settings file, see updateSettings
      ...QUIET_SETTINGS,
      ...opts.settings,
      'workbench.colorTheme': host.THEMES[theme],
    },
  });
  let wb: VSCodeHost.Workbench;
  try {
    if (opts.locale) await languagePack.waitForLanguagePack(server.userDataDir, opts.locale);
    const browser = await browserForWindow(log);
    wb = await host.openWorkbench({ server, folder, extensionDevelopmentPath, env: opts.env, log, viewport: opts.viewport, ...(browser ? { browser } : {}) });
  } catch (err) {
    await server.stop();
    if (packDir) fs.rmSync(packDir, { recursive: true, force: true });
    if (ownFolder) fs.rmSync(folder, { recursive: true, force: true });
    throw err;
  }
  const page = wb.page;
  let tooltipsSentAway = 0;
  try {
    await keepTargetsClear(page, () => tooltipsSentAway++);
  } catch (err) {
    await wb.close();
    await server.stop();
    if (ownFolder) fs.rmSync(folder, { recursive: true, force: true });
    throw err;
  }

  const activityBar = page.locator('.part.activitybar');
  const activityItem = (title: string): Locator =>
    activityBar.locator('li.action-item', { has: page.locator(`a.action-label[aria-label^=${cssString(title)}]`) });

  /** Opens the command palette, types `>title` and waits for the command's own row (`timeoutMs` each step). */
  const findCommandRow = async (title: string, timeoutMs: number): Promise<Locator> => {
    const widget = page.locator('.quick-input-widget');
    await page.keyboard.press('Escape');
    // Right after a reload the workbench shows before its keybindings listen, and an F1 pressed
    // then is lost: press it again until the palette shows (hang guard).
    for (const deadline = Date.now() + timeoutMs; ; ) {
      await page.keyboard.press('F1');
      if (await widget.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false)) break;
      if (Date.now() > deadline) throw new Error(`the command palette did not open for "${title}" (F1) within ${timeoutMs / 1000} s`);
    }
    await widget.locator('input.input').fill(`>${title}`, { timeout: timeoutMs });
    const row = widget
      .locator('.monaco-list-row[role="option"]')
      .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) })
      .first();
    try {
      // A hang guard, not a limit: on a busy machine the palette lists a command after seconds.
      await row.waitFor({ state: 'visible', timeout: timeoutMs });
    } catch {
      const shown = await attributes(widget.locator('.monaco-list-row[role="option"]'), 'aria-label');
      throw new Error(`command "${title}" not found in the command palette; it shows: ${JSON.stringify(shown)}`);
    }
    return row;
  };

  const session: WorkbenchSession = {
    page,
    server,
    folder,
    get theme() {
      return theme;
    },

    async waitUntilReady(timeoutMs = 60_000) {
      await activityBar.locator('li.action-item').first().waitFor({ timeout: timeoutMs });
      await page.locator('.part.statusbar').waitFor({ state: 'attached', timeout: timeoutMs });
      // Either one shown: the first of both in the page is the sidebar, which a restored window may keep hidden
      // (bench/ui's third reload on a busy machine waited 60 s on it, beside a shown editor).
      await page.locator('.part.sidebar:visible, .part.editor:visible').first().waitFor({ timeout: timeoutMs });
      theme = (await page.locator('.monaco-workbench.vs-dark').count()) > 0 ? 'dark' : 'light';
      // Extension contributions are registered a moment after the workbench shows: wait for the
      // activity-bar containers the extension under development contributes.
      for (const title of contributedContainers(extensionDevelopmentPath, opts.locale)) {
        await activityItem(title)
          .waitFor({ state: 'visible', timeout: timeoutMs })
          .catch(() => {
            throw new Error(`the activity bar shows no "${title}" (contributed by ${extensionDevelopmentPath}) within ${timeoutMs} ms`);
          });
      }
    },

    async runCommand(title: string, options: { optional?: boolean } = {}) {
      if (options.optional) {
        const listed = await findCommandRow(title, 30_000).catch(() => undefined);
        if (!listed) {
          await page.keyboard.press('Escape');
          return;
        }
        await listed.click();
        return;
      }
      // Up to three tries of finding the command, each from a closed palette: on a loaded machine the
      // palette has opened and closed again under a second F1, or listed the command only after the
      // wait (cc23b: "Notifications: Show Notifications" listed, yet not found; a fill that timed out).
      // Only the finding is tried again, never the click: no command runs twice.
      let row: Locator | undefined;
      for (let attempt = 1; !row; attempt++) {
        try {
          row = await findCommandRow(title, attempt < 3 ? 15_000 : 30_000);
        } catch (error) {
          await page.keyboard.press('Escape');
          if (attempt === 3) throw error;
          log(`command palette, try ${attempt} for "${title}": ${error instanceof Error ? error.message.split('\n')[0] : String(error)}; trying again`);
        }
      }
      await row.click();
      // Not waiting for the palette to close: some commands open a picker of their own.
    },

    async closeAllEditors() {
      if ((await page.locator('.tabs-container .tab').count()) === 0) return;
      await session.runCommand('View: Close All Editors');
    },

    async openView(title: string) {
      const item = activityItem(title);
      await item.waitFor({ state: 'visible', timeout: 30_000 });
      if ((await item.getAttribute('aria-selected')) !== 'true') await item.locator('a.action-label').click();
      await activityBar
        .locator('li.action-item[aria-selected="true"]', { has: page.locator(`a.action-label[aria-label^=${cssString(title)}]`) })
        .waitFor({ timeout: 10_000 });
      await page.locator('.part.sidebar').waitFor({ state: 'visible', timeout: 10_000 });
    },

    async widenSidebar(width: number) {
      const sidebar = await page.locator('.part.sidebar').boundingBox();
      if (!sidebar || sidebar.width >= width) return;
      const edge = sidebar.x + sidebar.width;
      const y = sidebar.y + sidebar.height / 2;
      await page.mouse.move(edge, y);
      await page.mouse.down();
      await page.mouse.move(edge + (width - sidebar.width) / 2, y, { steps: 5 });
      await page.mouse.move(sidebar.x + width, y, { steps: 5 });
      await page.mouse.up();
      const after = await page.locator('.part.sidebar').boundingBox();
      if (!after || after.width < width - 40) throw new Error(`the sidebar is ${after?.width ?? '?'} px wide after dragging its sash to ${width} px`);
    },

    async activityBarLabels() {
      return attributes(activityBar.locator('li.action-item a.action-label'), 'aria-label');
    },

    treeItem(label: string | RegExp, o: { exact?: boolean } = {}) {
      return page.getByRole('treeitem', { name: label, exact: o.exact ?? false });
    },

    async screenshot(name: string, o: { fullPage?: boolean; locator?: Locator; keepMouse?: boolean } = {}) {
      const file = path.join(SCREENSHOT_ROOT, theme, `${name.replace(/[^\w.-]+/g, '-')}.png`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      if (!o.keepMouse) {
        // Park the mouse where it raises no hover (a clicked activity-bar item keeps its tooltip),
        // and let a tooltip that was showing fade (waitFor runs the guard of keepTargetsClear).
        await page.mouse.move(...(await restingPoint(page, () => false)));
        await page.locator(HOVER_SELECTOR).filter({ visible: true }).first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
        await page.waitForTimeout(200);
      }
      if (o.locator) await o.locator.screenshot({ path: file, animations: 'disabled' });
      else await page.screenshot({ path: file, fullPage: o.fullPage ?? false, animations: 'disabled' });
      return file;
    },

    async setTheme(next: Theme) {
      // Through the colour-theme picker, like a user: the workbench writes workbench.colorTheme
      // into the user settings.json itself and applies it at once. (Editing that file from
      // outside is only read at window load with code-server 4.139.1, see updateSettings.)
      const label = host.themeSetting(next);
      if (!(await page.locator(`.monaco-workbench.${THEME_CLASS[next]}`).count())) {
        const widget = page.locator('.quick-input-widget');
        const row = widget.locator(`.monaco-list-row[role="option"][aria-label=${cssString(label)}]`).first();
        // The picker lists only the themes registered when it opens (none in the first seconds
        // after load): reopen it until the theme shows up.
        for (let attempt = 0; ; attempt++) {
          await session.runCommand('Preferences: Color Theme');
          await widget.locator('input.input[placeholder^="Select Color Theme"]').waitFor({ timeout: 10_000 });
          // No typing: filtering this picker by name shows only "Browse Additional Color Themes...".
          if (await row.waitFor({ state: 'visible', timeout: 2_000 }).then(() => true, () => false)) break;
          await page.keyboard.press('Escape');
          if (attempt >= 15) throw new Error(`theme "${label}" is not offered by "Preferences: Color Theme"`);
          await page.waitForTimeout(1_000);
        }
        await row.click();
        await page.locator(`.monaco-workbench.${THEME_CLASS[next]}`).waitFor({ timeout: 15_000 });
        const deadline = Date.now() + 10_000;
        while (server.readSettings()['workbench.colorTheme'] !== label) {
          if (Date.now() > deadline) throw new Error(`the workbench shows ${next}, but ${server.settingsPath} has no workbench.colorTheme "${label}"`);
          await page.waitForTimeout(100);
        }
      }
      theme = next;
      await page.waitForTimeout(300); // let the repaint settle before a screenshot
    },

    async updateSettings(patch: Record<string, unknown>, o: { target?: 'user' | 'workspace' } = {}) {
      if (o.target === 'workspace') {
        // <folder>/.vscode/settings.json is watched and applied live (~0.3 s); window- and
        // resource-scoped settings only.
        const file = path.join(folder, '.vscode', 'settings.json');
        const current = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, JSON.stringify({ ...current, ...patch }, null, 2) + '\n');
        return;
      }
      // User settings: the file is on the server, but with code-server 4.139.1 the workbench
      // ignores outside edits to it after load, so reload the window to apply them.
      await server.updateSettings(patch);
      await session.reload();
    },

    async reload() {
      await page.reload({ waitUntil: 'domcontentloaded' });
      await session.waitUntilReady();
    },

    tooltipsSentAway() {
      return tooltipsSentAway;
    },

    async notifications() {
      await session.runCommand('Notifications: Show Notifications');
      const toasts = page.locator('.notifications-center .notification-list-item-message');
      await page.locator('.notifications-center').waitFor({ state: 'visible', timeout: 5_000 }).catch(() => undefined);
      return toasts.allInnerTexts();
    },

    dumpLogs(lines = 40) {
      const files: string[] = [server.logFile];
      const walk = (dir: string): void => {
        for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
          const full = path.join(dir, entry.name);
          if (entry.isDirectory()) walk(full);
          else if (/exthost|ZooKeeper|remoteagent/i.test(full) && entry.name.endsWith('.log')) files.push(full);
        }
      };
      walk(path.join(server.tempRoot, 'logs'));
      walk(path.join(server.userDataDir, 'logs'));
      for (const file of files) {
        const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '(missing)';
        process.stderr.write(`[e2e] ── ${file} ──\n${text}\n`);
      }
    },

    async describeScreen() {
      const texts = async (selector: string): Promise<string[]> =>
        (await page.locator(selector).allInnerTexts().catch(() => [] as string[])).map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean);
      const quickInput = page.locator('.quick-input-widget');
      const lines: string[] = [];
      if (await quickInput.isVisible().catch(() => false)) {
        const placeholder = await quickInput.locator('input.input').getAttribute('placeholder').catch(() => '');
        lines.push(`quick input: title ${JSON.stringify(await texts('.quick-input-widget .quick-input-title'))}, placeholder ${JSON.stringify(placeholder)}, rows ${JSON.stringify(await attributes(quickInput.locator('.monaco-list-row'), 'aria-label'))}`);
      } else lines.push('quick input: hidden');
      lines.push(`context menu: ${JSON.stringify(await texts('.context-view .action-item .action-label'))}`);
      lines.push(`dialogs: ${JSON.stringify(await texts('.monaco-dialog-box'))}`);
      lines.push(`tree rows: ${JSON.stringify(await attributes(page.getByRole('treeitem'), 'aria-label'))}`);
      lines.push(`notifications: ${JSON.stringify(await texts('.notification-list-item-message'))}`);
      return lines.join('\n');
    },

    async captureFailure(title: string) {
      const shot = await session.screenshot(`failed-${title.slice(0, 50)}`).catch((err: unknown) => `(no screenshot: ${String(err)})`);
      const screen = await session.describeScreen().catch((err: unknown) => `(could not read the screen: ${String(err)})`);
      process.stderr.write(`[e2e] failed: ${title}\n[e2e] screenshot ${shot}\n${screen.replace(/^/gm, '[e2e]   ')}\n`);
      session.dumpLogs();
    },

    async close() {
      await wb.close();
      const stopped = server.stop().finally(() => {
        if (ownFolder) fs.rmSync(folder, { recursive: true, force: true });
        if (packDir) fs.rmSync(packDir, { recursive: true, force: true });
      });
      if (!sharing) return stopped;
      closing.add(stopped);
      void stopped.catch(() => undefined).finally(() => closing.delete(stopped));
    },
  };

  try {
    await session.waitUntilReady();
  } catch (err) {
    await session.close();
    throw err;
  }
  return session;
}

/**
 * Mocha hooks of a suite on the demo world (ZK_E2E_CONNECT, started by npm test): a light workbench
 * with the connection "demo" (and options.settings) handed to `use` before the tests, a screenshot, the screen as text and
 * the logs after a failed test, and the workbench closed at the end. Returns the connect string.
 */
export function useDemoWorkbench(use: (session: WorkbenchSession) => void, options: { settings?: Record<string, unknown> } = {}): string {
  const connectString = process.env.ZK_E2E_CONNECT ?? '';
  let session: WorkbenchSession | undefined;
  before(async function () {
    this.timeout(180_000);
    if (!connectString) throw new Error('ZK_E2E_CONNECT names the demo ZooKeeper (npm test sets it)');
    // options.settings: more user settings from the start (a window opened with them, not reloaded into them).
    session = await openWorkbench({ theme: 'light', settings: { ...options.settings, 'zookeeper.connections': [{ name: 'demo', connectString }] } });
    use(session);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.captureFailure(this.currentTest.title);
  });
  after(async () => {
    await session?.close();
  });
  return connectString;
}

/**
 * The extension's own log (its "ZooKeeper" output channel) of every window of this session's server
 * so far, as written to disk: the server keeps an extension host's logs under its temp root, and a
 * window's under the user data folder, so both are walked.
 */
export function extensionLog(wb: WorkbenchSession): string {
  const texts: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/(^|[-.\d])ZooKeeper\.log$/.test(entry.name)) texts.push(fs.readFileSync(full, 'utf8'));
    }
  };
  walk(path.join(wb.server.tempRoot, 'logs'));
  walk(path.join(wb.server.userDataDir, 'logs'));
  return texts.join('\n');
}
