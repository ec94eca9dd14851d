// scripts/lib/failureLine.js: what the end of a test run says of each failed test. A CI log that shows
// only its tail must still name the test and why, on one line each.
import * as assert from 'node:assert/strict';
import { failureLine } from '../../support/failureLine';

describe('failureLine (the end-of-run list of failed tests)', () => {
  it('names the test and the first non-empty line of its error, on one line', () => {
    const error = new Error('\n  expected 0 to equal 1\n    at Context.<anonymous> (x.js:1:1)');
    assert.equal(failureLine('suite  name\n test', error), 'suite name test :: expected 0 to equal 1');
  });

  it('takes what was thrown when it is not an Error, and an empty message', () => {
    assert.equal(failureLine('t', 'Timeout of 2000ms exceeded'), 't :: Timeout of 2000ms exceeded');
    assert.equal(failureLine('t', new Error('')), 't :: ');
    // mocha --parallel hands the reporter a plain object with the error's fields
    assert.equal(failureLine('t', { message: 'batches 5\n+ expected', name: 'AssertionError' }), 't :: batches 5');
  });

  it('cuts a long line at 400 characters, marking the cut', () => {
    const line = failureLine('t', new Error('x'.repeat(1000)));
    assert.equal(line.length, 400);
    assert.ok(line.endsWith('…'));
  });
});
