// Runs the end-to-end tests (out/test/e2e/*.e2e.test.js) with mocha in this Node process; each test
// file opens its own VS Code workbench through test/e2e/support/workbench.ts (all of them in one
// chromium, each window in a fresh context of its own: useSharedBrowser).
//   npx tsc -p tsconfig.test.json && npm run build && node out/test/e2e/run.js [grep]
// Prints `E2E_TESTS_PENDING: <full title>` per pending test, then a final line
// `E2E_TESTS passed=N failed=M pending=P`, and exits 1 when a test failed. `.only` is forbidden
// (forbidOnly); scripts/test.js judges whether enough tests ran (scripts/test-floors.json).
// Environment: ZKE_E2E_GREP (mocha grep), ZKE_E2E_TIMEOUT_MS (per test, default 120 s).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { closeSharedBrowser, settleClosedWindows, useSharedBrowser } from './support/workbench';
import { failureLine } from '../support/failureLine';

export const SUMMARY_PREFIX = 'E2E_TESTS';

/**
 * Where the tier's time goes, printed after the run: each file's wall time (its hooks included:
 * opening and closing workbenches, which the spec reporter's per-test figures leave out) and the
 * slowest tests. For keeping the suite fast (the developers' guide), not a verdict on anything.
 */
class Timing {
  private readonly files = new Map<string, { start: number; end: number; tests: number; inTests: number }>();
  private readonly tests: { ms: number; title: string }[] = [];

  listen(runner: Mocha.Runner): void {
    const fileOf = (suite: Mocha.Suite): string => path.basename(suite.file ?? '(no file)');
    runner.on('suite', (suite) => {
      if (!suite.file) return;
      const entry = this.files.get(fileOf(suite));
      if (entry) entry.end = Date.now();
      else this.files.set(fileOf(suite), { start: Date.now(), end: Date.now(), tests: 0, inTests: 0 });
    });
    runner.on('suite end', (suite) => {
      const entry = suite.file ? this.files.get(fileOf(suite)) : undefined;
      if (entry) entry.end = Date.now();
    });
    runner.on('test end', (test) => {
      const ms = test.duration ?? 0;
      const entry = this.files.get(path.basename(test.file ?? '(no file)'));
      if (entry) {
        entry.tests++;
        entry.inTests += ms;
      }
      this.tests.push({ ms, title: test.fullTitle() });
    });
  }

  print(): void {
    const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`.padStart(8);
    const files = [...this.files.entries()].map(([file, t]) => ({ file, wall: t.end - t.start, ...t })).sort((a, b) => b.wall - a.wall);
    const wall = files.reduce((sum, f) => sum + f.wall, 0);
    const inTests = files.reduce((sum, f) => sum + f.inTests, 0);
    console.log(`\nE2E timing: ${s(wall).trim()} in files, ${s(inTests).trim()} of it in tests, ${s(wall - inTests).trim()} in hooks (workbenches opened and closed)`);
    for (const f of files) console.log(`  ${s(f.wall)}  ${f.file} (${f.tests} tests ${s(f.inTests).trim()}, hooks ${s(f.wall - f.inTests).trim()})`);
    console.log('  slowest tests:');
    for (const t of [...this.tests].sort((a, b) => b.ms - a.ms).slice(0, 10)) console.log(`  ${s(t.ms)}  ${t.title}`);
  }
}

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
  // Every window in one chromium, each in a context of its own, and a closed window's server
  // stopping while the next window opens (see useSharedBrowser).
  useSharedBrowser();
  let passed = 0;
  let failed = 0;
  const pending: string[] = [];
  const failures: string[] = [];
  const timing = new Timing();
  try {
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', () => passed++);
      runner.on('fail', (test, error) => {
        failed++;
        failures.push(failureLine(test.fullTitle(), error));
      });
      runner.on('pending', (test) => pending.push(test.fullTitle()));
      timing.listen(runner);
    });
  } catch (err) {
    // a test file that throws while loading, or a forbidden `.only`
    console.error(err);
    failed++;
  }
  await settleClosedWindows();
  await closeSharedBrowser();
  timing.print();
  for (const title of pending) console.log(`${SUMMARY_PREFIX}_PENDING: ${title}`);
  for (const line of failures) console.log(`${SUMMARY_PREFIX}_FAILED: ${line}`);
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
