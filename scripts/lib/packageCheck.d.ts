// Types for scripts/lib/packageCheck.js (plain CommonJS): the package tier of `npm test`.

export type Log = (message: string) => void;

export declare const SUMMARY_PREFIX: 'PACKAGE_TESTS';

export interface PackageCheckOptions {
  /** A running ZooKeeper, e.g. startZooKeeper().connectString ("127.0.0.1:PORT"). */
  connectString: string;
  /** Progress, the .vsix listing and failures. Default: stderr with a [package] prefix. */
  log?: Log;
  /** The extension host's console output (the mocha spec reporter). Default: stdout / stderr. */
  onLog?: (type: string, text: string) => void;
  /** Project folder. Default: the one this file is in. */
  root?: string;
  /**
   * Always run scripts/package.mjs, even when the .vsix is newer than every package input
   * (package.json, package-lock.json, README.md, LICENSE, CHANGELOG.md, .vscodeignore, tsconfig.json,
   * scripts/build.mjs, scripts/package.mjs, src/, media/). Default: ZKE_PACKAGE_REBUILD=1.
   */
  rebuild?: boolean;
  /**
   * package.mjs leaves the production bundle (no source maps) in dist/. Default true: when dist/ held a
   * development build before, run scripts/build.mjs again afterwards.
   */
  restoreDevBuild?: boolean;
  /** Name of the connection written into the user setting zookeeper.connections. Default 'pkg'. */
  connectionName?: string;
  /** A Kerberized ZooKeeper and a keytab login: the suite also gets a connection `<connectionName>-kerberos` (ZKE_PACKAGE_KERBEROS_CONNECTION). */
  kerberos?: { connectString: string; principal: string; keytab: string; krb5Conf: string };
  /** For the in-VS-Code suite, counted from when the workbench page is open (server start and page load have their own 60 s limits). Default: ZKE_PACKAGE_TEST_TIMEOUT_MS or 5 minutes. */
  timeoutMs?: number;
  /** Keep the temp folder (extensions dir, CLI data). Also: ZKE_KEEP_TEMP=1. */
  keepTemp?: boolean;
  /** Echo the VS Code server's own output. */
  verbose?: boolean;
}

export interface PackageCheckResult {
  /**
   * Checks that passed: the .vsix contents (1), the install with code-server's CLI (1), and each test
   * of the in-VS-Code suite test/package (PACKAGE_TESTS passed=N).
   */
  passed: number;
  failed: number;
  /** Full titles of the in-VS-Code suite's pending (skipped) tests. */
  pending: string[];
  /** One line per failure (`<title> :: <why>`, scripts/lib/failureLine.js), the suite's and the checks' own. */
  failures: string[];
  /** Size of the .vsix file. */
  vsixBytes: number;
  /** Entry names in the .vsix, e.g. "extension/dist/extension.js". */
  files: string[];
  /** Absolute path of the .vsix. */
  vsix: string;
  /** True when an up-to-date .vsix was reused instead of packaging again. */
  reused: boolean;
  /** Milliseconds per step: package, list, install, compile (tsc, only when out/test/package is stale), vscode (server + workbench + suite), total. */
  timings: Record<string, number>;
}

/**
 * Packages (or reuses a fresh .vsix), checks what it holds, installs it with code-server's CLI into a
 * fresh extensions folder, starts the VS Code server on it and runs test/package against the
 * INSTALLED extension. Throws only when packaging itself fails; every later failure is counted.
 */
export declare function checkPackagedExtension(opts: PackageCheckOptions): Promise<PackageCheckResult>;

export interface ZipEntry {
  name: string;
  /** Uncompressed size in bytes. */
  size: number;
}

/** Entries of a zip: `unzip -l` when on PATH ('auto'), else (or with 'node') read by Node itself. */
export declare function listZip(file: string, opts?: { method?: 'auto' | 'unzip' | 'node' }): ZipEntry[];

/** Problems with a .vsix's entry names (disallowed files, missing main/package.json/icons); empty when fine. */
export declare function checkVsixEntries(names: string[], manifest: Record<string, unknown>): string[];

/** Installs a .vsix with code-server's CLI into extensionsDir; resolves with the installed folder. */
export declare function installVsix(opts: { vsix: string; extensionsDir: string; tempRoot: string; manifest: { publisher: string; name: string }; log?: Log }): Promise<string>;
