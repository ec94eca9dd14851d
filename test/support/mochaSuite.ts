// Shared mocha runner of the in-VS-Code suites (test/extension/index.ts, test/package/index.ts).
// Runs mocha (bdd, spec reporter, no colour) over every file in `dir` matching `pattern`, counts the
// results and prints, as its last lines, what the runner scripts parse (scripts/lib/vscodeHost.js,
// scripts/lib/packageCheck.js and scripts/test.js; the unit tier's scripts/lib/mochaSummaryReporter.js
// prints the same):
//   <prefix>_PENDING: <full title>        one per pending (skipped) test
//   <prefix>_FAILED: <title> :: <why>     one per failure (scripts/lib/failureLine.js)
//   <prefix> passed=N failed=M pending=P
// `.only` is forbidden (forbidOnly): a focused test left in a file would silently skip the rest.
// Whether a tier ran enough tests is for scripts/test.js to judge (scripts/test-floors.json).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { failureLine } from './failureLine';

export interface MochaSuiteOptions {
  /** Folder holding the compiled test files. */
  dir: string;
  /** Summary line prefix, e.g. `EXTENSION_TESTS`. */
  prefix: string;
  /** Which files in `dir` to run; default `*.test.js`. */
  pattern?: RegExp;
  /** Per-test timeout in ms. */
  timeoutMs: number;
  /** Mocha grep, when set. */
  grep?: string;
  /** Names the tests in the failure message: `${n} ${label} test(s) failed`. */
  label: string;
}

export async function runMochaSuite(options: MochaSuiteOptions): Promise<void> {
  const { dir, prefix, pattern = /\.test\.js$/, timeoutMs, grep, label } = options;
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: timeoutMs,
    forbidOnly: true,
  });
  if (grep) mocha.grep(grep);

  const files = fs
    .readdirSync(dir)
    .filter((f) => pattern.test(f))
    .sort();
  if (files.length === 0) {
    console.log(`${prefix} passed=0 failed=1 pending=0 (no *.test.js files in ${dir})`);
    throw new Error(`no *.test.js files in ${dir}`);
  }
  for (const f of files) mocha.addFile(path.join(dir, f));

  let passed = 0;
  let failed = 0;
  const pending: string[] = [];
  const failures: string[] = [];
  await new Promise<void>((resolve, reject) => {
    try {
      const runner = mocha.run(() => resolve());
      runner.on('pass', () => passed++);
      runner.on('fail', (test, error) => {
        failed++;
        failures.push(failureLine(test.fullTitle(), error));
      });
      runner.on('pending', (test) => pending.push(test.fullTitle()));
    } catch (err) {
      // a test file that throws while loading
      failed++;
      console.error(err);
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  }).finally(() => {
    for (const title of pending) console.log(`${prefix}_PENDING: ${title}`);
  for (const line of failures) console.log(`${prefix}_FAILED: ${line}`);
    console.log(`${prefix} passed=${passed} failed=${failed} pending=${pending.length}`);
  });
  if (failed > 0) throw new Error(`${failed} ${label} test(s) failed`);
}
