// Test entry for the package tier (scripts/lib/packageCheck.js): loaded as `extensionTestsPath`
// next to the empty host extension test/package/host, while the extension under test is the
// .vsix that packageCheck installed into the server's extensions folder.
// It runs mocha (bdd) over every *.test.js next to it; the last line is a summary:
//   PACKAGE_TESTS passed=N failed=M pending=P
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export const SUMMARY_PREFIX = 'PACKAGE_TESTS';

export async function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: Number(process.env.ZKE_TEST_TIMEOUT_MS) || 20_000,
  });

  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  if (files.length === 0) {
    console.log(`${SUMMARY_PREFIX} passed=0 failed=1 pending=0 (no *.test.js files in ${__dirname})`);
    throw new Error(`no *.test.js files in ${__dirname}`);
  }
  for (const f of files) mocha.addFile(path.join(__dirname, f));

  let passed = 0;
  let failed = 0;
  let pending = 0;
  await new Promise<void>((resolve, reject) => {
    try {
      const runner = mocha.run(() => resolve());
      runner.on('pass', () => passed++);
      runner.on('fail', () => failed++);
      runner.on('pending', () => pending++);
    } catch (err) {
      // a test file that throws while loading
      failed++;
      console.error(err);
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  }).finally(() => {
    console.log(`${SUMMARY_PREFIX} passed=${passed} failed=${failed} pending=${pending}`);
  });
  if (failed > 0) throw new Error(`${failed} package test(s) failed`);
}
