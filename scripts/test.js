#!/usr/bin/env node
// `npm test`: installs what is missing, builds, and runs every tier against real servers:
//   static     tsc --noEmit and eslint
//   unit       mocha, no VS Code, a real ZooKeeper (started once for the tier)
//   kerberos   mocha, no VS Code, a real MIT KDC (throwaway realm EXAMPLE.TEST on loopback) and
//              Kerberized ZooKeepers: logins, each Kerberos failure made on purpose, reconnects
//   extension  the mocha suite inside a real VS Code (code-server's VS Code server + headless chromium)
//   package    `npm run package`, the .vsix's contents, code-server --install-extension, then a mocha
//              suite in VS Code against the INSTALLED extension
//   e2e        Playwright clicking the real workbench, on the demo world
// Usage: node scripts/test.js [static|unit|kerberos|extension|package|e2e ...]. Ends with "N passed, N failed".
//
// A green run must mean the suite ran. So a tier fails when it ran no test, or fewer tests (passed +
// failed) than its floor in scripts/test-floors.json (a test file that stops loading or a describe
// that stops registering would otherwise vanish quietly); every tier forbids `.only`; pending
// (skipped) tests are listed by name at the end. A tier can be narrowed with its grep variable
// (GREP_VARS below); any ZKE_*GREP in the environment is announced at the top and at the bottom,
// and a narrowed tier is not held to its floor (which is said too).
'use strict';
const { AsyncLocalStorage } = require('node:async_hooks');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const TIERS = ['static', 'unit', 'kerberos', 'extension', 'package', 'e2e'];
/**
 * Where a tier's output goes: the terminal, or, for a tier run beside another (BESIDE), a buffer
 * printed in one piece when it is done, so that no two tiers' lines interleave.
 */
const sinks = new AsyncLocalStorage();
const out = (stream) => sinks.getStore()?.[stream] ?? process[stream];
const log = (message) => out('stdout').write(`[test] ${message}\n`);

/**
 * Tiers that run at the same time as another one when both are asked for: `npm test` would
 * otherwise wait for each in turn. The unit tier spends most of its time waiting (sessions
 * expiring, servers stopping and starting), which leaves room for the type check and lint
 * (static), the Kerberos tier (its own KDC and servers) and the extension tier (its own ZooKeeper,
 * VS Code server and browser). Every server is on ports of its own. Each tier keeps its own counts, floor
 * and verdict; only the clock is shared. ZKE_TIERS_ONE_BY_ONE=1 runs them one after the other.
 */
const BESIDE = process.env.ZKE_TIERS_ONE_BY_ONE === '1' ? {} : { unit: ['static', 'kerberos', 'extension'] };

/** The environment variable that narrows each tier to the tests whose full title matches it (mocha grep). */
const GREP_VARS = { unit: 'ZKE_UNIT_GREP', kerberos: 'ZKE_KERBEROS_GREP', extension: 'ZKE_TEST_GREP', package: 'ZKE_PACKAGE_GREP', e2e: 'ZKE_E2E_GREP' };
/** The summary line prefix each tier's runner prints (see summaryCounts). */
const PREFIXES = { unit: 'UNIT_TESTS', kerberos: 'KERBEROS_TESTS', extension: 'EXTENSION_TESTS', package: 'PACKAGE_TESTS', e2e: 'E2E_TESTS' };

/** Every ZKE_*GREP set in the environment, known to a tier or not (a misspelt one narrows nothing but is still shown). */
function grepsInEnvironment() {
  return Object.entries(process.env)
    .filter(([name, value]) => /^ZKE_\w*GREP$/.test(name) && value !== undefined && value !== '')
    .map(([name, value]) => ({ name, value: String(value), tier: Object.keys(GREP_VARS).find((t) => GREP_VARS[t] === name) }));
}

/** Loud enough to be seen in a scrolled CI log, at the top and the bottom of the run. */
function announceGreps(greps, where) {
  if (greps.length === 0) return;
  const bar = '!'.repeat(100);
  console.log(bar);
  console.log(`!!! ${where}: the suite is NARROWED by a grep in the environment; this is NOT a full run:`);
  for (const g of greps) {
    console.log(`!!!   ${g.name}=${JSON.stringify(g.value)}  ${g.tier ? `(narrows the ${g.tier} tier; its floor is not applied)` : '(no tier reads this variable: misspelt?)'}`);
  }
  console.log('!!! Unset it for a full run.');
  console.log(bar);
}

/** scripts/test-floors.json: the fewest tests each tier must run. */
function readFloors() {
  const file = path.join(__dirname, 'test-floors.json');
  const floors = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const tier of Object.keys(GREP_VARS)) {
    if (!Number.isInteger(floors[tier]) || floors[tier] < 1) throw new Error(`${file}: "${tier}" must be a whole number of tests above 0`);
  }
  return floors;
}

/**
 * The tier's verdict on its counts: no test run, or fewer than the floor, adds a failure (with a
 * reason printed at the end); a tier narrowed by its grep only has to run at least one test.
 * @returns {{ failed: number, notes: string[] }}
 */
function judgeCounts(tier, counts, floors) {
  if (!(tier in GREP_VARS)) return { failed: 0, notes: [] };
  const ran = counts.passed + counts.failed;
  const grep = process.env[GREP_VARS[tier]];
  if (ran === 0) return { failed: 1, notes: [`${tier}: ran NO test${grep ? ` (${GREP_VARS[tier]}=${JSON.stringify(grep)} matched nothing?)` : ''}: failed`] };
  if (grep) return { failed: 0, notes: [`${tier}: narrowed by ${GREP_VARS[tier]}=${JSON.stringify(grep)}; its floor (${floors[tier]}) was NOT applied (${ran} ran)`] };
  if (ran < floors[tier]) {
    return { failed: 1, notes: [`${tier}: ran ${ran} tests, fewer than its floor of ${floors[tier]} (scripts/test-floors.json): a test file did not load or a suite vanished: failed`] };
  }
  return { failed: 0, notes: [] };
}

function run(command, args, options = {}) {
  const stdout = out('stdout');
  const stderr = out('stderr');
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let output = '';
    const forward = (stream, target) =>
      stream.on('data', (chunk) => {
        output += chunk.toString();
        target.write(chunk);
      });
    forward(child.stdout, stdout);
    forward(child.stderr, stderr);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

function ensureNodeModules() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  log('installing npm dependencies (npm ci)…');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm ci failed; see above.');
}

/**
 * The lines every runner prints (scripts/lib/mochaSummaryReporter.js, test/support/mochaSuite.ts,
 * test/e2e/run.ts): `PREFIX_PENDING: <title>` per pending test, `PREFIX_FAILED: <title> :: <why>` per
 * failure, then `PREFIX passed=N failed=M`.
 * Undefined when the summary is missing (the runner crashed before its end).
 */
function summaryCounts(output, prefix) {
  const match = new RegExp(`${prefix} passed=(\\d+) failed=(\\d+)`).exec(output);
  const pending = [...output.matchAll(new RegExp(`${prefix}_PENDING: (.*)$`, 'gm'))].map((m) => m[1].trim());
  const failures = [...output.matchAll(new RegExp(`${prefix}_FAILED: (.*)$`, 'gm'))].map((m) => m[1].trim());
  return match ? { passed: Number(match[1]), failed: Number(match[2]), pending, failures } : undefined;
}

async function build() {
  log('building: tsc (tests) and esbuild (extension), side by side…');
  // Independent: tsc writes out/ from the TypeScript, esbuild bundles src/ into dist/ (it reads no out/).
  const [compiled, bundled] = await Promise.all([
    run(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', 'tsconfig.test.json']),
    run(process.execPath, ['scripts/build.mjs']),
  ]);
  if (compiled.code !== 0) throw new Error('TypeScript compilation failed; see above.');
  if (bundled.code !== 0) throw new Error('esbuild failed; see above.');
}

async function tierStatic() {
  const results = { passed: 0, failed: 0 };
  for (const [name, args] of [
    ['typecheck', [require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', '.', '--noEmit']],
    ['lint', [path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.']],
  ]) {
    log(`static: ${name}`);
    const { code } = await run(process.execPath, args);
    if (code === 0) results.passed++;
    else results.failed++;
  }
  return results;
}

/** Every *.test.js below `dir` (relative to the root), sorted. */
function testFiles(dir) {
  const found = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.test.js')) found.push(path.relative(root, full));
    }
  };
  walk(path.join(root, dir));
  return found.sort();
}

/**
 * How many mocha processes run the unit tier's files side by side (ZKE_UNIT_JOBS, default 3; 1: one
 * process, as before). Most of the tier's time is waiting (for a session to expire, a server to stop
 * or start, a participant to appear), not computing: three processes keep a 2-core machine busy
 * without starving it. Each process has its own shared ZooKeeper (test/support/zookeeper.ts), so
 * the files of one process see the server as they did in one process; no two files run at once
 * in the same process.
 */
function unitJobs() {
  const jobs = Number(process.env.ZKE_UNIT_JOBS ?? 3);
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`ZKE_UNIT_JOBS must be a whole number above 0, not ${JSON.stringify(process.env.ZKE_UNIT_JOBS)}`);
  return jobs;
}

/** Where the last full unit run left each file's time ({ "<file relative to the root>": ms }), outside the repository. */
function unitDurationsFile() {
  return path.join(require('./lib/vscodeHost').cacheDir(), 'unit-durations.json');
}

/**
 * The files in the order they are handed out: the slowest of the last full run first (a long file
 * handed out last would run alone at the end), files it did not see before them (unknown: maybe
 * slow), then by name. Only the order changes, never which files run.
 */
function orderBySlowest(files, durations) {
  const known = (f) => (typeof durations[f] === 'number' ? durations[f] : Infinity);
  return [...files].sort((a, b) => known(b) - known(a) || a.localeCompare(b));
}

function readJsonOr(file, fallback) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return fallback;
  }
}

async function tierUnit() {
  const mocha = require.resolve('mocha/bin/mocha.js', { paths: [root] });
  const grep = process.env[GREP_VARS.unit];
  const jobs = unitJobs();
  const durationsOut = path.join(fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'zke-unit-')), 'durations.json');
  const args = [mocha, '--forbid-only', '--timeout', '60000', '--require', 'out/test/support/zookeeper.js'];
  args.push('--reporter', path.join(__dirname, 'lib', 'mochaSummaryReporter.js'), '--reporter-option', `prefix=${PREFIXES.unit}`);
  args.push('--reporter-option', `durations=${durationsOut}`);
  if (grep) args.push('--grep', grep);
  if (jobs > 1) args.push('--parallel', '--jobs', String(jobs));
  const cache = unitDurationsFile();
  const files = orderBySlowest(testFiles('out/test/unit'), readJsonOr(cache, {}));
  log(`unit: ${files.length} files${jobs > 1 ? `, ${jobs} at a time (ZKE_UNIT_JOBS)` : ''}`);
  args.push(...files);
  const { code, output } = await run(process.execPath, args, { env: { ...process.env, ZK_TEST_INSTALL: '1' } });
  const counts = summaryCounts(output, PREFIXES.unit) ?? { passed: 0, failed: 1, pending: [] };
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  // A narrowed or failed run did not time every file: the last full run's figures stay.
  const measured = readJsonOr(durationsOut, undefined);
  fs.rmSync(path.dirname(durationsOut), { recursive: true, force: true });
  if (measured && !grep && counts.failed === 0) {
    const relative = Object.fromEntries(Object.entries(measured).map(([file, ms]) => [path.relative(root, file), ms]));
    try {
      fs.mkdirSync(path.dirname(cache), { recursive: true });
      fs.writeFileSync(cache, JSON.stringify(relative, null, 1) + '\n');
    } catch (error) {
      log(`unit: could not keep the files' durations in ${cache}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return counts;
}

async function tierKerberos() {
  const mocha = require.resolve('mocha/bin/mocha.js', { paths: [root] });
  const grep = process.env[GREP_VARS.kerberos];
  // The support files are root hook plugins: the shared KDC and servers are stopped after the run.
  const args = [mocha, '--forbid-only', '--timeout', '120000', '--require', 'out/test/support/zookeeper.js', '--require', 'out/test/support/kerberos.js'];
  args.push('--reporter', path.join(__dirname, 'lib', 'mochaSummaryReporter.js'), '--reporter-option', `prefix=${PREFIXES.kerberos}`);
  if (grep) args.push('--grep', grep);
  args.push('--recursive', 'out/test/kerberos/**/*.test.js');
  const { code, output } = await run(process.execPath, args, { env: { ...process.env, ZK_TEST_INSTALL: '1' } });
  const counts = summaryCounts(output, PREFIXES.kerberos) ?? { passed: 0, failed: 1, pending: [] };
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  return counts;
}

async function withZooKeeper(fn) {
  const { startZooKeeper } = require('./lib/zookeeper');
  const server = await startZooKeeper({ install: true, log });
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

async function tierExtension() {
  const { runExtensionTests } = require('./lib/vscodeHost');
  const { buildZhCnLanguagePack, localeServerArgs, waitForLanguagePack } = require('./lib/languagePack');
  return withZooKeeper(async (server) => {
    // Two passes: English (test/extension) and VS Code in Chinese (test/extension/zh-cn: --locale zh-cn
    // with a stand-in language pack, see scripts/lib/languagePack.js). Their counts add up. They run at
    // the same time, each in its own VS Code server and window, on their own nodes of the one server
    // (each suite works under a base path of its own): the zh-cn pass is mostly start-up, which would
    // otherwise be waited for after the English pass. Its output is printed once it is done.
    const passes = [
      { label: 'English', tests: path.join(root, 'out', 'test', 'extension', 'index.js'), extraArgs: [], afterStart: undefined },
      { label: 'zh-cn', tests: path.join(root, 'out', 'test', 'extension', 'zh-cn', 'index.js'), extraArgs: null, afterStart: (vscode) => waitForLanguagePack(vscode.userDataDir, 'zh-cn') },
    ];
    const total = { passed: 0, failed: 0, pending: [], failures: [] };
    const packDir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'zke-language-pack-'));
    const runPass = async (pass) => {
      if (pass.extraArgs === null) pass.extraArgs = localeServerArgs(buildZhCnLanguagePack({ dir: packDir, log }));
      log(`extension: the ${pass.label} pass`);
      let output = '';
      const code = await runExtensionTests({
        extensionDevelopmentPath: root,
        extensionTestsPath: pass.tests,
        env: { ZK_TEST_CONNECT: server.connectString },
        // files.autoSave off, as in the e2e tier: the browser VS Code's default (afterDelay, 1 s) raced the
        // tests that edit a document and then save it (cc22e, on a loaded machine: the auto save came
        // first and was refused by the zk:// auto-save guard, so the test's own save returned false).
        settings: { 'zookeeper.connectTimeoutMs': 5000, 'files.autoSave': 'off' },
        extraArgs: pass.extraArgs,
        afterStart: pass.afterStart,
        log,
        onLog: (type, text) => {
          output += text + '\n';
          out(type === 'error' ? 'stderr' : 'stdout').write(text.endsWith('\n') ? text : text + '\n');
        },
      });
      const counts = summaryCounts(output, PREFIXES.extension) ?? { passed: 0, failed: 1, pending: [] };
      if (code !== 0 && counts.failed === 0) counts.failed = 1;
      return counts;
    };
    try {
      const [first, ...others] = passes;
      const beside = others.map((pass) => {
        const chunks = [];
        const buffer = { write: (chunk) => chunks.push(chunk) };
        // A pass that throws counts as one failure (its reason printed with its output), like a crashed one.
        const counts = sinks.run({ stdout: buffer, stderr: buffer }, () =>
          runPass(pass).catch((error) => {
            buffer.write(`[test] extension: the ${pass.label} pass could not run: ${error instanceof Error ? error.stack : String(error)}\n`);
            return { passed: 0, failed: 1, pending: [] };
          }),
        );
        return { counts, print: () => out('stdout').write(chunks.join('')) };
      });
      const firstCounts = await runPass(first).catch((error) => {
        out('stderr').write(`[test] extension: the ${first.label} pass could not run: ${error instanceof Error ? error.stack : String(error)}\n`);
        return { passed: 0, failed: 1, pending: [] };
      });
      const all = [firstCounts];
      for (const b of beside) {
        all.push(await b.counts);
        b.print();
      }
      for (const counts of all) {
        total.passed += counts.passed;
        total.failed += counts.failed;
        total.pending.push(...counts.pending);
        total.failures.push(...(counts.failures ?? []));
      }
    } finally {
      fs.rmSync(packDir, { recursive: true, force: true });
    }
    return total;
  });
}

async function tierPackage() {
  const { checkPackagedExtension } = require('./lib/packageCheck');
  const { startZooKeeper } = require('./lib/zookeeper');
  const { startKdc, zooKeeperKerberos } = require('./lib/kerberos');
  return withZooKeeper(async (server) => {
    // The installed .vsix also connects over Kerberos: a throwaway KDC and a Kerberized server.
    const kdc = await startKdc({ install: true, log });
    let kerberized;
    try {
      kerberized = await startZooKeeper({ install: true, log, kerberos: zooKeeperKerberos(kdc) });
      const alice = kdc.principals.alice;
      const kerberos = { connectString: kerberized.connectString, principal: alice.principal, keytab: alice.keytab, krb5Conf: kdc.krb5Conf };
      const { passed, failed, pending, failures, vsixBytes, files } = await checkPackagedExtension({ log, connectString: server.connectString, kerberos });
      log(`package: ${(vsixBytes / 1024).toFixed(1)} KiB, ${files.length} entries`);
      return { passed, failed, pending, failures };
    } finally {
      await kerberized?.stop();
      await kdc.dispose();
    }
  });
}

async function tierE2E() {
  const { startDemoWorld } = require('./lib/demo');
  return withZooKeeper(async (server) => {
    const demo = await startDemoWorld({ connectString: server.connectString, log });
    try {
      const { code, output } = await run(process.execPath, ['out/test/e2e/run.js'], { env: { ...process.env, ZK_E2E_CONNECT: server.connectString } });
      const counts = summaryCounts(output, PREFIXES.e2e) ?? { passed: 0, failed: 1, pending: [] };
      if (code !== 0 && counts.failed === 0) counts.failed = 1;
      return counts;
    } finally {
      await demo.stop();
    }
  });
}

async function prepare(tiers) {
  const { findZooKeeper } = require('./lib/zookeeper');
  await findZooKeeper({ install: true, log });
  if (['kerberos', 'extension', 'package', 'e2e'].some((t) => tiers.includes(t))) {
    const { findKerberos } = require('./lib/kerberos');
    await findKerberos({ install: true, log });
  }
  if (tiers.includes('extension') || tiers.includes('package') || tiers.includes('e2e')) {
    const { ensureCodeServer, ensureChromium } = require('./lib/vscodeHost');
    await ensureChromium({ log });
    await ensureCodeServer({ log });
  }
}

async function main() {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((t) => !TIERS.includes(t));
  if (unknown.length) {
    console.error(`Unknown tier(s): ${unknown.join(', ')}. Tiers: ${TIERS.join(', ')}.`);
    process.exit(2);
  }
  const tiers = requested.length ? requested : TIERS;
  const started = Date.now();
  const greps = grepsInEnvironment();
  const floors = readFloors();
  announceGreps(greps, 'START');
  ensureNodeModules();
  await prepare(tiers);
  await build();
  const runners = { static: tierStatic, unit: tierUnit, kerberos: tierKerberos, extension: tierExtension, package: tierPackage, e2e: tierE2E };
  const totals = { passed: 0, failed: 0 };
  const lines = [];
  const notes = [];
  const pending = [];
  const failures = [];
  /** Runs one tier; its verdict is recorded by `record`, in the order of `tiers`. */
  const runTier = async (tier) => {
    const tierStart = Date.now();
    log(`── tier ${tier} ──`);
    let counts;
    try {
      counts = await runners[tier]();
    } catch (error) {
      out('stderr').write(`[test] tier ${tier} could not run: ${error instanceof Error ? error.stack : String(error)}\n`);
      counts = { passed: 0, failed: 1 };
    }
    const verdict = judgeCounts(tier, counts, floors);
    for (const note of verdict.notes) log(note);
    return { tier, counts, verdict, seconds: (Date.now() - tierStart) / 1000 };
  };
  /** A tier run beside another: its output is kept and printed in one piece once it is done. */
  const runBeside = (tier) => {
    const chunks = [];
    const buffer = { write: (chunk) => chunks.push(chunk) };
    const result = sinks.run({ stdout: buffer, stderr: buffer }, () => runTier(tier));
    return { tier, result, print: () => process.stdout.write(chunks.join('')) };
  };
  const results = new Map();
  const companionOf = (tier) => Object.keys(BESIDE).find((main) => main !== tier && BESIDE[main].includes(tier) && tiers.includes(main));
  for (const tier of tiers) {
    if (results.has(tier) || companionOf(tier)) continue; // started with its main tier
    const beside = (BESIDE[tier] ?? []).filter((t) => tiers.includes(t) && !results.has(t)).map(runBeside);
    if (beside.length) log(`running ${beside.map((b) => b.tier).join(' and ')} beside ${tier} (their output follows ${tier}'s)`);
    for (const b of beside) results.set(b.tier, b.result);
    results.set(tier, runTier(tier));
    await results.get(tier);
    for (const b of beside) {
      await b.result;
      b.print();
    }
  }
  for (const tier of tiers) {
    const { counts, verdict, seconds } = await results.get(tier);
    notes.push(...verdict.notes);
    for (const title of counts.pending ?? []) pending.push(`${tier}: ${title}`);
    for (const line of counts.failures ?? []) failures.push(`${tier}: ${line}`);
    totals.passed += counts.passed;
    totals.failed += counts.failed + verdict.failed;
    const pendingText = counts.pending?.length ? `, ${counts.pending.length} pending` : '';
    const main = companionOf(tier);
    lines.push(`${tier}: ${counts.passed} passed, ${counts.failed + verdict.failed} failed${pendingText} (${seconds.toFixed(1)} s${main ? `, beside ${main}` : ''})`);
  }
  for (const line of lines) log(line);
  for (const note of notes) log(note);
  if (pending.length > 0) {
    log(`${pending.length} pending (skipped) test(s), not run:`);
    for (const title of pending) log(`  - ${title}`);
  }
  // Last but one, so the tail of a CI log names what failed (each tier's own output has the details).
  if (failures.length > 0) {
    log(`${failures.length} failed test(s):`);
    for (const line of failures) log(`  ✗ ${line}`);
  }
  log(`total time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  announceGreps(greps, 'END');
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
  process.exit(totals.failed > 0 ? 1 : 0);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  announceGreps(grepsInEnvironment(), 'END');
  console.log('0 passed, 1 failed');
  process.exit(1);
});
