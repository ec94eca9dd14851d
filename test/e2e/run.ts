// Runs the end-to-end tests (out/test/e2e/*.e2e.test.js) with mocha in this Node process; each test
// file opens its own VS Code workbench through test/e2e/support/workbench.ts.
//   npx tsc -p tsconfig.test.json && npm run build && node out/test/e2e/run.js [grep]
// Prints `E2E_TESTS_PENDING: <full title>` per pending test, then a final line
// `E2E_TESTS passed=N failed=M pending=P`, and exits 1 when a test failed. `.only` is forbidden
// (forbidOnly); scripts/test.js judges whether enough tests ran (scripts/test-floors.json).
// Environment: ZKE_E2E_GREP (mocha grep), ZKE_E2E_TIMEOUT_MS (per test, default 120 s).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export const SUMMARY_PREFIX = 'E2E_TESTS';

export async function runE2E(grep?: string): Promise<number> {
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    timeout: Number(process.env.ZKE_E2E_TIMEOUT_MS) || 120_000,
    slow: 10_000,
    forbidOnly: true,
  });
  const pattern = grep ?? process.env.ZKE_E2E_GREP;
  if (pattern) mocha.grep(pattern);
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.e2e.test.js'))
    .sort();
  if (files.length === 0) {
    console.log(`${SUMMARY_PREFIX} passed=0 failed=1 pending=0 (no *.e2e.test.js files in ${__dirname})`);
    return 1;
  }
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  let passed = 0;
  let failed = 0;
  const pending: string[] = [];
  try {
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', () => passed++);
      runner.on('fail', () => failed++);
      runner.on('pending', (test) => pending.push(test.fullTitle()));
    });
  } catch (err) {
    // a test file that throws while loading, or a forbidden `.only`
    console.error(err);
    failed++;
  }
  for (const title of pending) console.log(`${SUMMARY_PREFIX}_PENDING: ${title}`);
  console.log(`${SUMMARY_PREFIX} passed=${passed} failed=${failed} pending=${pending.length}`);
  return failed > 0 ? 1 : 0;
}

if (require.main === module) {
  runE2E(process.argv[2]).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
