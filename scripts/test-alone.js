#!/usr/bin/env node
// Runs every test of some extension-tier files ALONE: one fresh VS Code (and extension host) per
// test, narrowed to that one test with ZKE_TEST_GREP, against one real ZooKeeper. A test that
// passes in the suite but fails here leans on another test's nodes, connections or state.
//   npx tsc -p tsconfig.test.json && node scripts/build.mjs
//   node scripts/test-alone.js test/extension/watches.test.ts [more files…]
// Prints one line per test and ends with "alone: N passed, M failed"; exits 1 when one failed.
// Slow by nature (a VS Code start per test): for checking isolation, not part of `npm test`.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const log = (message) => console.log(`[alone] ${message}`);

/** The `it(...)` titles of a test file, as written (quotes of any kind, escapes undone). */
function titlesOf(file) {
  const source = fs.readFileSync(file, 'utf8');
  const titles = [];
  for (const m of source.matchAll(/\bit\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|`((?:[^`\\$]|\\.)*)`)/g)) {
    titles.push((m[1] ?? m[2] ?? m[3]).replace(/\\(.)/g, '$1'));
  }
  return titles;
}

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function main() {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('Usage: node scripts/test-alone.js test/extension/<file>.test.ts …');
    process.exit(2);
  }
  const { startZooKeeper } = require('./lib/zookeeper');
  const { runExtensionTests } = require('./lib/vscodeHost');
  const server = await startZooKeeper({ install: true, log });
  const results = [];
  try {
    for (const file of files) {
      for (const title of titlesOf(path.resolve(root, file))) {
        let output = '';
        const started = Date.now();
        const code = await runExtensionTests({
          extensionDevelopmentPath: root,
          extensionTestsPath: path.join(root, 'out', 'test', 'extension', 'index.js'),
          // The title's end anchors the grep: a title that is a prefix of another's runs alone too.
          env: { ZK_TEST_CONNECT: server.connectString, ZKE_TEST_GREP: `${escapeRegExp(title)}$` },
          settings: { 'zookeeper.connectTimeoutMs': 5000 },
          log: () => {},
          onLog: (_type, text) => (output += `${text}\n`),
        }).catch((error) => {
          output += String(error);
          return 1;
        });
        const match = /EXTENSION_TESTS passed=(\d+) failed=(\d+)/.exec(output);
        const ok = code === 0 && match !== null && match[1] === '1' && match[2] === '0';
        results.push({ file, title, ok });
        log(`${ok ? 'PASS' : 'FAIL'} ${path.basename(file)}: ${title} (${((Date.now() - started) / 1000).toFixed(0)} s${match ? `, passed=${match[1]} failed=${match[2]}` : ', no summary'})`);
        if (!ok) console.log(output.split('\n').filter((l) => /Error|assert|expected|failing|\d\) /.test(l)).slice(0, 30).join('\n'));
      }
    }
  } finally {
    await server.stop();
  }
  const failed = results.filter((r) => !r.ok);
  console.log(`alone: ${results.length - failed.length} passed, ${failed.length} failed`);
  process.exit(failed.length > 0 ? 1 : 0);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
