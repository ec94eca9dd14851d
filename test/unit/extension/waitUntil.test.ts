import * as assert from 'node:assert/strict';
import { waitUntil } from '../../../src/extension/waitUntil';

describe('waitUntil', () => {
  it('polls until the predicate holds, sync or async, and says true', async () => {
    let calls = 0;
    assert.equal(await waitUntil(() => ++calls === 3, 60_000, 1), true);
    assert.equal(calls, 3, 'stops polling once it holds');
    let asyncCalls = 0;
    assert.equal(await waitUntil(() => Promise.resolve(++asyncCalls >= 2), 60_000, 1), true);
    assert.equal(asyncCalls, 2);
  });

  it('says false once the time is up, having asked at least once more after the deadline', async () => {
    let calls = 0;
    assert.equal(
      await waitUntil(() => {
        calls++;
        return false;
      }, 30, 5),
      false,
    );
    assert.ok(calls >= 2, `asked ${calls} times`);
  });

  it("ends with the predicate's error", async () => {
    await assert.rejects(
      waitUntil(() => {
        throw new Error('start failed');
      }, 60_000),
      /start failed/,
    );
  });
});
