// Test entry for the package tier (scripts/lib/packageCheck.js): loaded as `extensionTestsPath`
// next to the empty host extension test/package/host, while the extension under test is the
// .vsix that packageCheck installed into the server's extensions folder.
// It runs mocha (bdd) over every *.test.js next to it (test/support/mochaSuite.ts); the last
// line is a summary:
//   PACKAGE_TESTS passed=N failed=M pending=P
// Environment: ZKE_PACKAGE_GREP (mocha grep), ZKE_TEST_TIMEOUT_MS (per-test timeout, default 20 s).
import { runMochaSuite } from '../support/mochaSuite';

export const SUMMARY_PREFIX = 'PACKAGE_TESTS';

export function run(): Promise<void> {
  return runMochaSuite({
    dir: __dirname,
    prefix: SUMMARY_PREFIX,
    label: 'package',
    timeoutMs: Number(process.env.ZKE_TEST_TIMEOUT_MS) || 20_000,
    grep: process.env.ZKE_PACKAGE_GREP,
  });
}
