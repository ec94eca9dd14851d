'use strict';
// Mocha's spec reporter plus the machine-readable lines scripts/test.js reads, for the unit tier
// (mocha's CLI: `--reporter scripts/lib/mochaSummaryReporter.js`). The in-VS-Code suites
// (test/support/mochaSuite.ts) and the e2e runner (test/e2e/run.ts) print the same lines:
//   <PREFIX>_PENDING: <full title>          one per pending (skipped) test
//   <PREFIX>_FAILED: <full title> :: <why>  one per failure (the error's first line), so the end of
//                                           a long CI log names what failed
//   <PREFIX> passed=N failed=M pending=P    last
// PREFIX comes from `--reporter-option prefix=UNIT_TESTS` (default MOCHA_TESTS).
// `--reporter-option durations=<file.json>` also writes, at the end, how long each test file's tests
// took ({ "<file>": ms }): scripts/test.js hands the slowest files out first in parallel mode.
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');
const { failureLine } = require('./failureLine');

const { EVENT_RUN_END, EVENT_TEST_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  /** @param {import('mocha').Runner} runner @param {{ reporterOptions?: { prefix?: string } }} options */
  constructor(runner, options = {}) {
    super(runner, options);
    const prefix = options.reporterOptions?.prefix || 'MOCHA_TESTS';
    let passed = 0;
    let failed = 0;
    /** @type {string[]} */
    const pending = [];
    /** @type {string[]} */
    const failures = [];
    runner.on(EVENT_TEST_PASS, () => passed++);
    // Hook failures and a forbidden `.only` arrive here too: each one fails the tier.
    runner.on(EVENT_TEST_FAIL, (test, error) => {
      failed++;
      failures.push(failureLine(test.fullTitle(), error));
    });
    runner.on(EVENT_TEST_PENDING, (test) => pending.push(test.fullTitle()));
    /** @type {Record<string, number>} */
    const durations = {};
    const durationsFile = options.reporterOptions?.durations;
    runner.on(EVENT_TEST_END, (test) => {
      if (test.file) durations[test.file] = (durations[test.file] ?? 0) + (test.duration ?? 0);
    });
    // After the spec reporter's own epilogue, which it registers (once) on the same event.
    runner.once(EVENT_RUN_END, () => {
      for (const title of pending) console.log(`${prefix}_PENDING: ${title}`);
      for (const line of failures) console.log(`${prefix}_FAILED: ${line}`);
      console.log(`${prefix} passed=${passed} failed=${failed} pending=${pending.length}`);
      if (durationsFile) {
        try {
          fs.mkdirSync(path.dirname(durationsFile), { recursive: true });
          fs.writeFileSync(durationsFile, JSON.stringify(durations, null, 1) + '\n');
        } catch (error) {
          console.error(`could not write ${durationsFile}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    });
  }
}

module.exports = SummaryReporter;
