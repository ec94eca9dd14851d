// src/zk/concurrency.ts KeyedQueue: read-modify-write steps of one key run one at a time, in the order
// asked; steps of other keys run beside them; a failed step does not stop the ones after it. Each step
// here is held open by the test until released, so an overlap is seen, not raced.
import * as assert from 'node:assert/strict';
import { KeyedQueue } from '../../../src/zk/concurrency';

/** A step that records when it starts and ends, and finishes only when the test releases it. */
function heldStep(log: string[], name: string, fail = false) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const step = async (): Promise<string> => {
    log.push(`${name} start`);
    await released;
    log.push(`${name} end`);
    if (fail) throw new Error(`${name} failed`);
    return name;
  };
  return { step, release };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('zk/concurrency KeyedQueue', () => {
  it('runs the steps of one key one at a time, in order; another key runs beside them', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const a1 = heldStep(log, 'a1');
    const a2 = heldStep(log, 'a2');
    const b1 = heldStep(log, 'b1');
    const results = [queue.run(['a'], a1.step), queue.run(['a'], a2.step), queue.run(['b'], b1.step)];
    await settle();
    assert.deepEqual(log, ['a1 start', 'b1 start'], 'a2 waits for a1; b1 does not');
    a2.release(); // released early: it still starts only after a1
    await settle();
    assert.deepEqual(log, ['a1 start', 'b1 start']);
    a1.release();
    b1.release();
    assert.deepEqual(await Promise.all(results), ['a1', 'a2', 'b1']);
    assert.deepEqual(log.filter((l) => l.startsWith('a')), ['a1 start', 'a1 end', 'a2 start', 'a2 end']);
    assert.equal(queue.size, 0, 'no key is kept once its steps are done');
  });

  it('a step on two keys waits for both; a failed step rejects its own caller only', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const a = heldStep(log, 'a', true);
    const b = heldStep(log, 'b');
    const both = heldStep(log, 'both');
    const failed = queue.run(['a'], a.step);
    const ok = queue.run(['b'], b.step);
    const joined = queue.run(['a', 'b'], both.step);
    await settle();
    b.release();
    assert.equal(await ok, 'b');
    await settle();
    assert.equal(log.includes('both start'), false, 'still waits for a');
    a.release();
    await assert.rejects(failed, /a failed/);
    await settle();
    assert.ok(log.includes('both start'), 'starts after a failed');
    both.release();
    assert.equal(await joined, 'both');
  });
});
