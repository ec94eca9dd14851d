'use strict';
// The package tier: "the .vsix installs into code-server and activates".
//
// 1. Packages the extension with scripts/package.mjs (`npm run package`), or reuses the .vsix in the
//    project folder when it is newer than every input of the package (sources, manifest, media, …).
// 2. Lists the .vsix (a zip: `unzip -l`, else a small reader here) and fails when it holds anything
//    but package.json, readme/license/changelog, dist/*.js, media/*.svg|png (the icon, the README's images),
//    media/walkthrough/{light,dark}/*.png and syntaxes/*.json (plus vsce's own
//    extension.vsixmanifest and [Content_Types].xml): no sources, tests, source maps or node_modules.
// 3. Installs it with code-server's CLI (`entry.js --install-extension x.vsix --extensions-dir E`)
//    into a fresh extensions folder.
// 4. Starts the VS Code server on that folder and runs test/package (compiled to out/test/package)
//    in it, next to an empty host extension (test/package/host): the suite checks that the
//    INSTALLED copy is the one that runs, activates, registers its commands and connects to a real
//    ZooKeeper named in the user setting zookeeper.connections.
// Types in packageCheck.d.ts. Node built-ins only (plus scripts/lib/vscodeHost.js).

const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const cp = require('node:child_process');
const { TextDecoder } = require('node:util');

const ROOT = path.resolve(__dirname, '..', '..');
const SUMMARY_PREFIX = 'PACKAGE_TESTS';

/** Files vsce writes next to the extension folder inside every .vsix. */
const VSIX_METADATA = new Set(['extension.vsixmanifest', '[Content_Types].xml']);
/** What may be under extension/ in the .vsix. */
const ALLOWED = [
  /^extension\/package\.json$/,
  // The manifest's translations (package.nls.<locale>.json) and the vscode.l10n bundles.
  /^extension\/package\.nls(\.[a-z-]+)?\.json$/,
  /^extension\/l10n\/bundle\.l10n\.[a-z-]+\.json$/,
  // Which bundle keys each consumer outside the extension host (webviews, the language server) is sent: read at run time beside the bundle.
  /^extension\/l10n\/consumers\.json$/,
  /^extension\/(readme|license|changelog)(\.md|\.txt)?$/i,
  /^extension\/dist\/[^/]+\.js$/,
  /^extension\/media\/[^/]+\.(svg|png)$/,
  /^extension\/media\/walkthrough\/(light|dark)\/[^/]+\.png$/,
  // The ACL editor's webview: its script and style sheet (loaded under a CSP from media/acl only).
  /^extension\/media\/acl\/editor\.(js|css)$/,
  /^extension\/syntaxes\/[^/]+\.json$/,
];
/** Directory entries (vsce writes none, other zip tools do) that are harmless on their own. */
const ALLOWED_DIRS = new Set(['extension/', 'extension/dist/', 'extension/media/', 'extension/media/walkthrough/', 'extension/media/walkthrough/light/', 'extension/media/walkthrough/dark/', 'extension/media/acl/', 'extension/syntaxes/', 'extension/l10n/']);

/** What the .vsix is made of: when one of these is newer than the .vsix, it is packaged again. */
const PACKAGE_INPUTS = ['package.json', 'package.nls.json', 'package.nls.zh-cn.json', 'l10n', 'package-lock.json', 'README.md', 'LICENSE', 'CHANGELOG.md', '.vscodeignore', 'tsconfig.json', 'scripts/build.mjs', 'scripts/package.mjs', 'src', 'media', 'syntaxes'];

function defaultLog(message) {
  process.stderr.write(`[package] ${message}\n`);
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Runs a command, collecting its output; resolves with { code, output }. */
function runCollect(command, args, { cwd, env, timeoutMs = 5 * 60 * 1000 } = {}) {
  return new Promise((resolve) => {
    const child = cp.spawn(command, args, { cwd, env: env || process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk) => (output += chunk.toString());
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      output += `\n(killed after ${seconds(timeoutMs)})`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: 1, output: `${output}\n${err.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 1 : 0), output });
    });
  });
}

/** Newest modification time (ms) of a file or of any file under a folder; 0 when missing. */
function newestMtime(target) {
  let stat;
  try {
    stat = fs.statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted file shows as a newer folder
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

function readManifest(root) {
  return JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
}

/**
 * The project's .vsix: reused when newer than every package input, else built with scripts/package.mjs.
 * package.mjs replaces dist/ with the production bundle; when dist/ held a development build
 * (it has source maps) that build is made again afterwards, so later tiers see what they saw before.
 */
async function ensureVsix({ root, log, rebuild, restoreDevBuild }) {
  const manifest = readManifest(root);
  const vsix = path.join(root, `${manifest.name}-${manifest.version}.vsix`);
  if (!rebuild && fs.existsSync(vsix)) {
    const newestInput = Math.max(...PACKAGE_INPUTS.map((p) => newestMtime(path.join(root, p))));
    if (fs.statSync(vsix).mtimeMs >= newestInput) {
      log(`reusing ${path.basename(vsix)}: newer than every package input (set ZKE_PACKAGE_REBUILD=1 to package again)`);
      return { vsix, reused: true };
    }
  }
  const hadDevBuild = fs.existsSync(path.join(root, 'dist', 'extension.js.map'));
  log('packaging: node scripts/package.mjs');
  const packaged = await runCollect(process.execPath, ['scripts/package.mjs'], { cwd: root });
  if (packaged.code !== 0 || !fs.existsSync(vsix)) {
    throw new Error(`node scripts/package.mjs failed (exit code ${packaged.code}):\n${packaged.output.trim()}`);
  }
  if (hadDevBuild && restoreDevBuild) {
    const rebuilt = await runCollect(process.execPath, ['scripts/build.mjs'], { cwd: root });
    if (rebuilt.code !== 0) throw new Error(`restoring the development build (node scripts/build.mjs) failed:\n${rebuilt.output.trim()}`);
    log('restored the development build in dist/ (package.mjs leaves the production bundle there)');
  }
  return { vsix, reused: false };
}

// ---------------------------------------------------------------------------------------------
// Listing the zip

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Entry names are UTF-8 when flagged, and in practice also when they merely decode as UTF-8 (Info-ZIP). */
function decodeName(bytes, flaggedUtf8) {
  if (flaggedUtf8) return bytes.toString('utf8');
  try {
    return utf8.decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

/** Entries of a zip read from its central directory (no ZIP64: a .vsix of this size never needs it). */
function listZipWithNode(file) {
  const buf = fs.readFileSync(file);
  const EOCD = 0x06054b50;
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file (no end of central directory record)`);
  const count = buf.readUInt16LE(eocd + 10);
  let offset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || offset === 0xffffffff) throw new Error(`${file} is a ZIP64 archive, which this reader does not handle`);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(offset) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${i}`);
    const flags = buf.readUInt16LE(offset + 8);
    const size = buf.readUInt32LE(offset + 24);
    const nameLength = buf.readUInt16LE(offset + 28);
    const extraLength = buf.readUInt16LE(offset + 30);
    const commentLength = buf.readUInt16LE(offset + 32);
    const name = decodeName(buf.subarray(offset + 46, offset + 46 + nameLength), (flags & 0x800) !== 0);
    entries.push({ name, size });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** `unzip -l` output: "  Length  Date  Time  Name" rows between two dashed lines. */
function parseUnzipList(output) {
  const lines = output.split('\n');
  const dashes = lines.map((l, i) => (/^-{4,}/.test(l.trim()) ? i : -1)).filter((i) => i >= 0);
  if (dashes.length < 2) throw new Error(`unexpected unzip -l output:\n${output}`);
  const entries = [];
  for (const line of lines.slice(dashes[0] + 1, dashes[1])) {
    const m = /^\s*(\d+)\s+\S+\s+\S+\s+(.+)$/.exec(line);
    if (!m) throw new Error(`unexpected unzip -l line: ${line}`);
    entries.push({ name: m[2], size: Number(m[1]) });
  }
  return entries;
}

function hasUnzip() {
  const r = cp.spawnSync('unzip', ['-v'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/**
 * The entries of a zip: `unzip -l` when it is on PATH, else read with Node.
 * @param {string} file
 * @param {{ method?: 'auto' | 'unzip' | 'node' }} [opts]
 */
function listZip(file, opts = {}) {
  const method = opts.method || 'auto';
  if (method === 'unzip' || (method === 'auto' && hasUnzip())) {
    const r = cp.spawnSync('unzip', ['-l', file], { encoding: 'utf8' });
    if (r.error || r.status !== 0) throw new Error(`unzip -l ${file} failed: ${r.error ? r.error.message : r.stderr}`);
    return parseUnzipList(r.stdout);
  }
  return listZipWithNode(file);
}

/**
 * What is wrong with a .vsix's entries: files that must not be there, files that must.
 * @param {string[]} names entry names as in the zip (extension/…)
 * @param {Record<string, unknown>} manifest the package.json the .vsix was made from
 * @returns {string[]} problems, empty when fine
 */
function checkVsixEntries(names, manifest) {
  const problems = [];
  const present = new Set(names);
  for (const name of names) {
    if (VSIX_METADATA.has(name) || ALLOWED_DIRS.has(name)) continue;
    if (!ALLOWED.some((re) => re.test(name))) problems.push(`must not be packaged: ${name}`);
  }
  const required = new Set(['extension.vsixmanifest', 'extension/package.json']);
  // %key% strings in the manifest need package.nls.json, or VS Code shows the keys themselves
  if (/"%[^%\s"]+%"/.test(JSON.stringify(manifest))) required.add('extension/package.nls.json');
  if (typeof manifest.main === 'string') required.add(`extension/${path.posix.normalize(manifest.main)}`);
  // the language server's bundle, started by the extension from dist/server.js
  required.add('extension/dist/server.js');
  // every image and syntaxes/*.json the manifest points at (icons, the walkthrough's images, grammars, language configurations)
  const walk = (value) => {
    if (typeof value === 'string') {
      if (/^(\.\/)?(media\/[\w./-]+\.(svg|png)|syntaxes\/[^/]+\.json)$/.test(value)) required.add(`extension/${path.posix.normalize(value)}`);
    } else if (value && typeof value === 'object') {
      for (const v of Object.values(value)) walk(v);
    }
  };
  walk(manifest.contributes);
  walk(manifest.icon);
  for (const name of required) if (!present.has(name)) problems.push(`missing from the package: ${name}`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Installing with code-server's CLI


/**
 * `node24 <code-server>/out/node/entry.js --extensions-dir E --user-data-dir U --install-extension x.vsix`
 * @returns {Promise<string>} the folder the extension was installed into
 */
async function installVsix({ vsix, extensionsDir, tempRoot, manifest, log }) {
  const { ensureCodeServer, serverEnv } = require('./vscodeHost');
  const { node, codeServerDir } = await ensureCodeServer({ log });
  const entry = path.join(codeServerDir, 'out', 'node', 'entry.js');
  for (const d of ['tmp', 'xdg-config', 'xdg-data', 'xdg-cache', 'xdg-runtime']) await fsp.mkdir(path.join(tempRoot, d), { recursive: true });
  const args = [entry, '--extensions-dir', extensionsDir, '--user-data-dir', path.join(tempRoot, 'cli-user-data'), '--install-extension', vsix];
  const r = await runCollect(node, args, { cwd: tempRoot, env: serverEnv(tempRoot), timeoutMs: 120000 });
  const prefix = `${manifest.publisher}.${manifest.name}-`.toLowerCase();
  const folders = fs.existsSync(extensionsDir) ? fs.readdirSync(extensionsDir).filter((f) => f.toLowerCase().startsWith(prefix)) : [];
  if (r.code !== 0 || folders.length !== 1) {
    throw new Error(`code-server --install-extension ${path.basename(vsix)} failed (exit code ${r.code}; folders in ${extensionsDir}: ${folders.join(', ') || 'none'}):\n${r.output.trim()}`);
  }
  const installed = path.join(extensionsDir, folders[0]);
  const registry = path.join(extensionsDir, 'extensions.json');
  const listed = fs.existsSync(registry) && JSON.parse(fs.readFileSync(registry, 'utf8')).some((e) => e && e.identifier && String(e.identifier.id).toLowerCase() === `${manifest.publisher}.${manifest.name}`.toLowerCase());
  if (!listed) throw new Error(`code-server installed ${folders[0]} but did not list it in ${registry}:\n${r.output.trim()}`);
  return installed;
}

// ---------------------------------------------------------------------------------------------
// The in-VS-Code suite

/** Compiles the tests (tsc -p tsconfig.test.json) when out/test/package is missing or older than test/package. */
async function ensureCompiledSuite(root, log) {
  const index = path.join(root, 'out', 'test', 'package', 'index.js');
  const sources = path.join(root, 'test', 'package');
  const stale = fs.readdirSync(sources).filter((f) => f.endsWith('.ts')).some((f) => {
    const compiled = path.join(root, 'out', 'test', 'package', f.replace(/\.ts$/, '.js'));
    return !fs.existsSync(compiled) || fs.statSync(compiled).mtimeMs < fs.statSync(path.join(sources, f)).mtimeMs;
  });
  if (stale) {
    log('compiling the tests: tsc -p tsconfig.test.json');
    const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
    const r = await runCollect(process.execPath, [tsc, '-p', 'tsconfig.test.json'], { cwd: root });
    if (r.code !== 0) throw new Error(`tsc -p tsconfig.test.json failed:\n${r.output.trim()}`);
  }
  return index;
}

/** The suite's last line (PACKAGE_TESTS passed=N failed=M) and the titles of its pending tests. */
function summaryCounts(output) {
  const m = new RegExp(`${SUMMARY_PREFIX} passed=(\\d+) failed=(\\d+)`).exec(output);
  const pending = [...output.matchAll(new RegExp(`${SUMMARY_PREFIX}_PENDING: (.*)$`, 'gm'))].map((p) => p[1].trim());
  const failures = [...output.matchAll(new RegExp(`${SUMMARY_PREFIX}_FAILED: (.*)$`, 'gm'))].map((p) => p[1].trim());
  return m ? { passed: Number(m[1]), failed: Number(m[2]), pending, failures } : undefined;
}

async function runInstalledSuite({ root, extensionsDir, extensionTestsPath, tempRoot, manifest, connectString, connectionName, kerberos, log, onLog, timeoutMs, verbose }) {
  const { startVSCodeServer, openWorkbench } = require('./vscodeHost');
  const host = path.join(root, 'test', 'package', 'host');
  const env = {
    ZKE_PACKAGE_EXTENSIONS_DIR: extensionsDir,
    ZKE_PACKAGE_VERSION: String(manifest.version),
    ZKE_PACKAGE_CONNECTION: connectionName,
    ZKE_PACKAGE_PROJECT_ROOT: root,
    ...(kerberos ? { ZKE_PACKAGE_KERBEROS_CONNECTION: `${connectionName}-kerberos` } : {}),
  };
  const settings = {
    'zookeeper.connections': [
      { name: connectionName, connectString },
      // The installed bundle logging in with Kerberos (pure TypeScript: the .vsix has no native module).
      ...(kerberos ? [{ name: `${connectionName}-kerberos`, connectString: kerberos.connectString, sasl: { mechanism: 'GSSAPI', principal: kerberos.principal, keytab: kerberos.keytab, krb5Conf: kerberos.krb5Conf } }] : []),
    ],
    'zookeeper.connectTimeoutMs': 5000,
  };
  const folder = path.join(tempRoot, 'workspace');
  await fsp.mkdir(folder, { recursive: true });
  let output = '';
  const echo = onLog || ((type, text) => (type === 'error' ? process.stderr : process.stdout).write(text.endsWith('\n') ? text : `${text}\n`));
  let server;
  let wb;
  let timer;
  try {
    server = await startVSCodeServer({ log, extensionsDir, settings, env, verbose });
    wb = await openWorkbench({
      server,
      folder,
      extensionDevelopmentPath: host,
      extensionTestsPath,
      env,
      log,
      waitForReady: false,
      verbose,
      onLog: (type, text) => {
        output += `${text}\n`;
        echo(type, text);
      },
    });
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the package tests did not finish within ${seconds(timeoutMs)} (ZKE_PACKAGE_TEST_TIMEOUT_MS)`)), timeoutMs);
    });
    const code = await Promise.race([wb.exitCode, timeout]);
    const counts = summaryCounts(output) || { passed: 0, failed: 1, pending: [] };
    if (code !== 0 && counts.failed === 0) counts.failed = 1;
    return counts;
  } finally {
    clearTimeout(timer);
    if (wb) await wb.close();
    if (server) await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * @param {import('./packageCheck').PackageCheckOptions} opts
 * @returns {Promise<import('./packageCheck').PackageCheckResult>}
 */
async function checkPackagedExtension(opts) {
  if (!opts || !opts.connectString) throw new Error('checkPackagedExtension needs connectString (a running ZooKeeper, e.g. from startZooKeeper)');
  const log = opts.log || defaultLog;
  const root = path.resolve(opts.root || ROOT);
  const rebuild = opts.rebuild ?? process.env.ZKE_PACKAGE_REBUILD === '1';
  const timeoutMs = opts.timeoutMs || Number(process.env.ZKE_PACKAGE_TEST_TIMEOUT_MS) || 5 * 60 * 1000;
  const keepTemp = opts.keepTemp || process.env.ZKE_KEEP_TEMP === '1';
  const timings = {};
  const counts = { passed: 0, failed: 0 };
  /** @type {string[]} titles of the in-VS-Code suite's pending tests */
  let pending = [];
  /** @type {string[]} one line per failure, for the end of scripts/test.js's summary */
  const failures = [];
  const t0 = Date.now();
  const step = async (name, fn) => {
    const started = Date.now();
    try {
      return await fn();
    } finally {
      timings[name] = Date.now() - started;
    }
  };

  const { vsix, reused } = await step('package', () => ensureVsix({ root, log, rebuild, restoreDevBuild: opts.restoreDevBuild !== false }));
  const manifest = readManifest(root);
  const vsixBytes = fs.statSync(vsix).size;

  const entries = await step('list', () => listZip(vsix));
  const files = entries.map((e) => e.name);
  log(`${path.basename(vsix)}: ${vsixBytes} bytes (${(vsixBytes / 1024).toFixed(1)} KiB), ${files.length} entries`);
  for (const e of entries) log(`  ${String(e.size).padStart(8)}  ${e.name}`);
  const problems = checkVsixEntries(files, manifest);
  if (problems.length === 0) {
    counts.passed++;
    log('contents: ok (package.json, readme/license/changelog, dist/*.js, media images, syntaxes/*.json only)');
  } else {
    counts.failed++;
    for (const p of problems) log(`contents: FAIL ${p}`);
    failures.push(`the .vsix's contents :: ${problems.join('; ')}`);
  }

  const tempRoot = await fsp.mkdtemp(path.join(os.tmpdir(), 'zke-package-'));
  const extensionsDir = path.join(tempRoot, 'extensions');
  await fsp.mkdir(extensionsDir, { recursive: true });
  try {
    let installedAt;
    try {
      installedAt = await step('install', () => installVsix({ vsix, extensionsDir, tempRoot, manifest, log }));
      counts.passed++;
      log(`installed with code-server's CLI into ${installedAt} in ${timings.install} ms`);
    } catch (err) {
      counts.failed++;
      log(`install: FAIL ${err instanceof Error ? err.message : String(err)}`);
      failures.push(`install with code-server's CLI :: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (installedAt) {
      try {
        const extensionTestsPath = await step('compile', () => ensureCompiledSuite(root, log));
        const suite = await step('vscode', () =>
          runInstalledSuite({ root, extensionsDir, extensionTestsPath, tempRoot, manifest, connectString: opts.connectString, connectionName: opts.connectionName || 'pkg', kerberos: opts.kerberos, log, onLog: opts.onLog, timeoutMs, verbose: opts.verbose }),
        );
        counts.passed += suite.passed;
        counts.failed += suite.failed;
        pending = suite.pending;
        failures.push(...(suite.failures ?? []));
      } catch (err) {
        counts.failed++;
        log(`in-VS-Code suite: FAIL ${err instanceof Error ? err.message : String(err)}`);
        failures.push(`in-VS-Code suite :: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  } finally {
    if (keepTemp) log(`kept ${tempRoot}`);
    else await fsp.rm(tempRoot, { recursive: true, force: true, maxRetries: 3 });
  }
  timings.total = Date.now() - t0;
  log(`package check: ${counts.passed} passed, ${counts.failed} failed; ${Object.entries(timings).map(([k, v]) => `${k} ${seconds(v)}`).join(', ')}${reused ? ' (reused .vsix)' : ''}`);
  return { ...counts, pending, failures, vsixBytes, files, vsix, reused, timings };
}

module.exports = { checkPackagedExtension, listZip, checkVsixEntries, installVsix, SUMMARY_PREFIX };
