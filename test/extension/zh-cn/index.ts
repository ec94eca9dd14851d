// Test entry for the extension host of the Chinese (Simplified) pass of the extension tier: the
// same real VS Code, started with `--locale zh-cn` and a stand-in language pack installed (see
// scripts/lib/languagePack.js: without a language pack VS Code keeps English whatever the locale).
// Runs the *.test.js of this folder only; the English pass (test/extension/index.ts) does not list
// sub-folders, so these tests never run in English and the English tests never run here.
// Environment: ZKE_TEST_GREP (mocha grep), ZKE_TEST_TIMEOUT_MS (per-test timeout, default 20 s).
import { runMochaSuite } from '../../support/mochaSuite';

export const SUMMARY_PREFIX = 'EXTENSION_TESTS';

export function run(): Promise<void> {
  return runMochaSuite({
    dir: __dirname,
    prefix: SUMMARY_PREFIX,
    label: 'extension (zh-cn)',
    timeoutMs: Number(process.env.ZKE_TEST_TIMEOUT_MS) || 20_000,
    grep: process.env.ZKE_TEST_GREP,
  });
}
