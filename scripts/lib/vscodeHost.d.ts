// Types for scripts/lib/vscodeHost.js (plain CommonJS).
import type { Browser, BrowserContext, Page } from 'playwright-core';

export type Log = (message: string) => void;
export type Settings = Record<string, unknown>;
export type Theme = 'light' | 'dark';

export declare const NODE_VERSION: string;
export declare const CODE_SERVER_VERSION: string;
/** Seeded into every server's user settings (callers' settings win). */
export declare const DEFAULT_SETTINGS: Readonly<Settings>;
/**
 * light: "Light Modern", dark: "Dark Modern" — VS Code 1.139's ids of the themes formerly called
 * "Default Light Modern" / "Default Dark Modern" (the workbench migrates the old ids by rewriting
 * settings.json, which races with later edits; the helpers here translate old ids on write).
 */
export declare const THEMES: Readonly<Record<Theme, string>>;
/** 'light' | 'dark' | any theme id (old ids translated) -> the workbench.colorTheme value to write. */
export declare function themeSetting(theme: Theme | string): string;

/** `${ZKE_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/zookeeper-explorer}` */
export declare function cacheDir(): string;

export interface CodeServerInstall {
  /** Node 24 binary that runs the server. */
  node: string;
  /** `<codeServerDir>/lib/vscode/out/server-main.js` */
  serverMain: string;
  codeServerDir: string;
}

/** Installs Node 24 + code-server into the cache folder when missing; fast when already there. */
export declare function ensureCodeServer(opts?: { log?: Log }): Promise<CodeServerInstall>;

/** Path of chromium: CHROMIUM_PATH, /usr/bin/chromium (apt-get installs it when root on Debian). */
export declare function ensureChromium(opts?: { log?: Log }): Promise<string>;

export interface StartServerOptions {
  log?: Log;
  /** Server user data; user settings are `<userDataDir>/User/settings.json`. Default: a temp folder. */
  userDataDir?: string;
  /** Default: a temp folder (empty: only built-in extensions + the one under development). */
  extensionsDir?: string;
  /** Merged over DEFAULT_SETTINGS into User/settings.json before start. `null`: leave the file alone. */
  settings?: Settings | null;
  /** Extra environment for the server process, inherited by every extension host it spawns. */
  env?: Record<string, string>;
  /** Default 0: a free port chosen by the server. */
  port?: number;
  /** Keep the temp folder (also: ZKE_KEEP_TEMP=1). */
  keepTemp?: boolean;
  /** Echo the server's own output through log. */
  verbose?: boolean;
  extraArgs?: string[];
  /**
   * Default true: --enable-smoke-test-driver, needed for extensionDevelopmentPath/extensionTestsPath
   * payloads; it also hides notification toasts. false: a plain workbench (installed extensions only).
   */
  smokeTestDriver?: boolean;
}

export interface VSCodeServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  pid: number;
  userDataDir: string;
  extensionsDir: string;
  /**
   * `<userDataDir>/User/settings.json`: the user settings of every window of this server. Read when
   * a window loads; outside edits are not applied to windows already open (reload them).
   */
  settingsPath: string;
  logFile: string;
  tempRoot: string;
  readSettings(): Settings;
  /** Merges into settings.json; an `undefined` value removes the key. Open windows see it after a reload. */
  updateSettings(patch: Settings): Promise<void>;
  /** Kills the server's process group by PID (extension hosts included) and removes temp folders. */
  stop(): Promise<void>;
}

export declare function startVSCodeServer(opts?: StartServerOptions): Promise<VSCodeServer>;

export interface OpenWorkbenchOptions {
  /** Either serverUrl or server (server is needed for `theme`). */
  serverUrl?: string;
  server?: VSCodeServer;
  /** Absolute folder opened as the workspace. */
  folder?: string;
  /** Extension(s) to load as under development (payload extensionDevelopmentPath). */
  extensionDevelopmentPath?: string | string[];
  /** Compiled test index exporting run(); the window exits when it settles (see exitCode). */
  extensionTestsPath?: string;
  /** Environment for this window's extension host (payload extensionEnvironment; wins over the server's env). */
  env?: Record<string, string>;
  /** Writes workbench.colorTheme ('light' | 'dark' | a theme id) into the server's user settings before opening (needs `server`). */
  theme?: Theme | string;
  log?: Log;
  /** Receives the extension host's console output (codeAutomationLog). Default: stdout / stderr. */
  onLog?: (type: string, text: string) => void;
  viewport?: { width: number; height: number };
  headless?: boolean;
  chromiumArgs?: string[];
  /**
   * A browser from launchBrowser to open this window in (a context of its own); close() then closes
   * only the context. Default: a browser launched for this window and closed with it.
   */
  browser?: Browser;
  /** Default true: wait until the activity bar shows its items. */
  waitForReady?: boolean;
  readyTimeoutMs?: number;
  /** Default true: report browser console errors / warnings (known noise filtered) through log. */
  browserConsole?: boolean;
  verbose?: boolean;
}

export interface Workbench {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  url: string;
  /** Resolves with the extension host's exit code (codeAutomationExit), i.e. when a test run ends. */
  exitCode: Promise<number>;
  close(): Promise<void>;
}

export declare function openWorkbench(opts: OpenWorkbenchOptions): Promise<Workbench>;

/** Headless chromium as openWorkbench launches it, to open several windows in (OpenWorkbenchOptions.browser). */
export declare function launchBrowser(opts?: { log?: Log; headless?: boolean; chromiumArgs?: string[] }): Promise<Browser>;

export interface RunExtensionTestsOptions {
  extensionDevelopmentPath: string | string[];
  /** Compiled test index (e.g. out/test/extension/index.js). */
  extensionTestsPath: string;
  /** Default: an empty temp folder. */
  workspaceFolder?: string;
  /** Reaches the extension host (server env + payload). */
  env?: Record<string, string>;
  /** User settings (over DEFAULT_SETTINGS). */
  settings?: Settings;
  log?: Log;
  onLog?: (type: string, text: string) => void;
  /** Default 10 min (or ZKE_EXTENSION_TEST_TIMEOUT_MS); then rejects with a clear message. */
  timeoutMs?: number;
  verbose?: boolean;
  /** More arguments for the VS Code server (e.g. a locale: scripts/lib/languagePack.js). */
  extraArgs?: string[];
  /** Runs once the server is up, before the window opens (e.g. waitForLanguagePack). */
  afterStart?: (server: VSCodeServer) => Promise<void>;
}

/** Server + workbench + test run; streams the mocha output; resolves with the exit code; always cleans up. */
export declare function runExtensionTests(opts: RunExtensionTestsOptions): Promise<number>;

export declare function workbenchUrl(opts: {
  serverUrl: string;
  folder?: string;
  extensionDevelopmentPath?: string | string[];
  extensionTestsPath?: string;
  env?: Record<string, string>;
}): string;

/** True for known harmless log lines (open-vsx.org, api.github.com, telemetry, offline 404s, …). */
export declare function isNoise(text: string): boolean;

/** The environment for the VS Code server and code-server's CLI: temp/XDG folders under tempRoot, nothing from an enclosing VS Code or npm. */
export declare function serverEnv(tempRoot: string, extra?: Record<string, string>): Record<string, string>;
