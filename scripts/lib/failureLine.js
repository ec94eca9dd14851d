'use strict';
// One failed test as one line of the summaries every runner prints (`<PREFIX>_FAILED: <line>`):
// scripts/test.js repeats these lines at the very end, so a CI log that shows only its tail still
// names what failed and why. Shared by the unit reporter (mochaSummaryReporter.js) and, through
// test/support/failureLine.ts, the in-VS-Code suites and the e2e runner.

/**
 * `<full title> :: <first line of the error>`, on one line and at most 400 characters.
 * @param {string} title @param {unknown} error @returns {string}
 */
function failureLine(title, error) {
  // Mocha's parallel mode hands over a plain object with the error's fields, not an Error.
  const message =
    error instanceof Error ? error.message : typeof error === 'object' && error !== null && typeof (/** @type {{ message?: unknown }} */ (error).message) === 'string' ? String(/** @type {{ message: string }} */ (error).message) : String(error);
  const first = message.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
  const line = `${title.replace(/\s+/g, ' ')} :: ${first}`;
  return line.length > 400 ? `${line.slice(0, 399)}…` : line;
}

module.exports = { failureLine };
