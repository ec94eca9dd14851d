// Shared assertions of the unit tests.
import * as assert from 'node:assert/strict';
import { ZkError } from '../../src/zk/errors';

/** Awaits `promise`, asserts it rejects with a ZkError of `code` (and a message matching `messagePart`), and returns that error. */
export async function rejectsWith(promise: Promise<unknown>, code: string, messagePart?: RegExp): Promise<ZkError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ZkError, `expected a ZkError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (messagePart) assert.match(error.message, messagePart);
    return error;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}
