// Test entry for the extension host. Both runners load this file as `extensionTestsPath`:
// - offline: scripts/lib/vscodeHost.js runExtensionTests() (code-server in headless chromium)
// - online:  test/extension/runElectron.ts (@vscode/test-electron)
// It runs mocha (bdd: describe/it) over every *.test.js next to it (test/support/mochaSuite.ts).
// The spec reporter writes with console.log, which the extension host forwards to the runner;
// the last line is a summary:
//   EXTENSION_TESTS passed=N failed=M pending=P
// Environment: ZKE_TEST_GREP (mocha grep), ZKE_TEST_TIMEOUT_MS (per-test timeout, default 20 s).
import { runMochaSuite } from '../support/mochaSuite';

export const SUMMARY_PREFIX = 'EXTENSION_TESTS';

export function run(): Promise<void> {
  return runMochaSuite({
    dir: __dirname,
    prefix: SUMMARY_PREFIX,
    label: 'extension',
    timeoutMs: Number(process.env.ZKE_TEST_TIMEOUT_MS) || 20_000,
    grep: process.env.ZKE_TEST_GREP,
  });
}
