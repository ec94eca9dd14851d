#!/usr/bin/env node
// `npm test`: installs what is missing, builds, and runs every tier against real servers:
//   static     tsc --noEmit and eslint
//   unit       mocha, no VS Code, a real ZooKeeper (started once for the tier)
//   extension  the mocha suite inside a real VS Code (code-server's VS Code server + headless chromium)
//   package    `npm run package`, the .vsix's contents, code-server --install-extension, then a mocha
//              suite in VS Code against the INSTALLED extension
//   e2e        Playwright clicking the real workbench, on the demo world
// Usage: node scripts/test.js [static|unit|extension|package|e2e ...]. Ends with "N passed, N failed".
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const TIERS = ['static', 'unit', 'extension', 'package', 'e2e'];
const log = (message) => console.log(`[test] ${message}`);

function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let output = '';
    const forward = (stream, target) =>
      stream.on('data', (chunk) => {
        output += chunk.toString();
        target.write(chunk);
      });
    forward(child.stdout, process.stdout);
    forward(child.stderr, process.stderr);
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

/** Mocha's spec reporter summary: "N passing", "N failing", "N pending". */
function mochaCounts(output) {
  const count = (word) => Number((new RegExp(`(\\d+) ${word}`).exec(output) ?? [])[1] ?? 0);
  return { passed: count('passing'), failed: count('failing') };
}

/** The summary line our in-VS-Code and e2e runners print: PREFIX passed=N failed=M. */
function summaryCounts(output, prefix) {
  const match = new RegExp(`${prefix} passed=(\\d+) failed=(\\d+)`).exec(output);
  return match ? { passed: Number(match[1]), failed: Number(match[2]) } : undefined;
}

async function build() {
  log('building: tsc (tests) and esbuild (extension)…');
  const compiled = await run(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', 'tsconfig.test.json']);
  if (compiled.code !== 0) throw new Error('TypeScript compilation failed; see above.');
  const bundled = await run(process.execPath, ['scripts/build.mjs']);
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

async function tierUnit() {
  const mocha = require.resolve('mocha/bin/mocha.js', { paths: [root] });
  const { code, output } = await run(process.execPath, [mocha, '--timeout', '60000', '--require', 'out/test/support/zookeeper.js', '--recursive', 'out/test/unit/**/*.test.js'], {
    env: { ...process.env, ZK_TEST_INSTALL: '1' },
  });
  const counts = mochaCounts(output);
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
  return withZooKeeper(async (server) => {
    let output = '';
    const code = await runExtensionTests({
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(root, 'out', 'test', 'extension', 'index.js'),
      env: { ZK_TEST_CONNECT: server.connectString },
      settings: { 'zookeeper.connectTimeoutMs': 5000 },
      log,
      onLog: (type, text) => {
        output += text + '\n';
        (type === 'error' ? process.stderr : process.stdout).write(text.endsWith('\n') ? text : text + '\n');
      },
    });
    const counts = summaryCounts(output, 'EXTENSION_TESTS') ?? { passed: 0, failed: 1 };
    if (code !== 0 && counts.failed === 0) counts.failed = 1;
    return counts;
  });
}

async function tierPackage() {
  const { checkPackagedExtension } = require('./lib/packageCheck');
  return withZooKeeper(async (server) => {
    const { passed, failed, vsixBytes, files } = await checkPackagedExtension({ log, connectString: server.connectString });
    log(`package: ${(vsixBytes / 1024).toFixed(1)} KiB, ${files.length} entries`);
    return { passed, failed };
  });
}

async function tierE2E() {
  const { startDemoWorld } = require('./lib/demo');
  return withZooKeeper(async (server) => {
    const demo = await startDemoWorld({ connectString: server.connectString, log });
    try {
      const { code, output } = await run(process.execPath, ['out/test/e2e/run.js'], { env: { ...process.env, ZK_E2E_CONNECT: server.connectString } });
      const counts = summaryCounts(output, 'E2E_TESTS') ?? { passed: 0, failed: 1 };
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
  ensureNodeModules();
  await prepare(tiers);
  await build();
  const runners = { static: tierStatic, unit: tierUnit, extension: tierExtension, package: tierPackage, e2e: tierE2E };
  const totals = { passed: 0, failed: 0 };
  const lines = [];
  for (const tier of tiers) {
    const tierStart = Date.now();
    log(`── tier ${tier} ──`);
    let counts;
    try {
      counts = await runners[tier]();
    } catch (error) {
      console.error(`[test] tier ${tier} could not run: ${error instanceof Error ? error.stack : String(error)}`);
      counts = { passed: 0, failed: 1 };
    }
    totals.passed += counts.passed;
    totals.failed += counts.failed;
    lines.push(`${tier}: ${counts.passed} passed, ${counts.failed} failed (${((Date.now() - tierStart) / 1000).toFixed(1)} s)`);
  }
  for (const line of lines) log(line);
  log(`total time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
  process.exit(totals.failed > 0 ? 1 : 0);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  console.log('0 passed, 1 failed');
  process.exit(1);
});
