import * as assert from 'node:assert/strict';
import { CaptureBudget, type DeferredCapture } from '../../../../src/zk/watch/captureBudget';

/** A deferred capture whose state the test sets, and a promise for its read. */
function entry(state: 'ready' | 'wait' | 'drop'): DeferredCapture & { state: () => 'ready' | 'wait' | 'drop'; set(s: 'ready' | 'wait' | 'drop'): void; reads: number; read(): void; done: Promise<void> } {
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  let current = state;
  const e = {
    reads: 0,
    done,
    state: () => current,
    set(s: 'ready' | 'wait' | 'drop') {
      current = s;
    },
    read() {
      e.reads++;
      resolve();
    },
  };
  return e;
}

describe('CaptureBudget', () => {
  it('admits at most `concurrency` reads in flight', () => {
    const budget = new CaptureBudget<string>(2, 1000);
    assert.equal(budget.admits(), true);
    budget.begin();
    assert.equal(budget.admits(), true);
    budget.begin();
    assert.equal(budget.admits(), false, 'a third read while two are in flight');
    budget.end();
    assert.equal(budget.admits(), true, 'room again after one ended');
    assert.equal(budget.peak, 2);
    budget.dispose();
  });

  it('spends a bucket of twice the rate a second, then refuses until it refills', () => {
    const budget = new CaptureBudget<string>(1000, 5); // a burst of max(1000, 10) = 1000
    let admitted = 0;
    while (budget.admits() && admitted < 5000) admitted++;
    assert.ok(admitted >= 1000 && admitted < 1010, `the burst: ${admitted}`);
    budget.dispose();
  });

  it('reads put-off captures as the bucket refills: in order, dropping the unwanted, keeping those with a read in flight', async () => {
    const budget = new CaptureBudget<string>(1000, 100); // burst 1000, one token every 10 ms
    while (budget.admits()); // empty the bucket
    const dropped = entry('drop');
    const waiting = entry('wait');
    const ready = entry('ready');
    budget.defer('a', dropped);
    budget.defer('b', waiting);
    budget.defer('c', ready);
    budget.defer('c', entry('ready')); // a key already waiting keeps its first entry
    await ready.done;
    assert.equal(ready.reads, 1);
    assert.equal(dropped.reads, 0, 'an entry no longer wanted is not read (it came before the one read)');
    assert.equal(waiting.reads, 0, 'an entry with a read in flight waits');
    waiting.set('ready');
    await waiting.done;
    assert.equal(waiting.reads, 1);
    // The dropped entry left the queue: a new entry under its key is taken (were the key still queued, the new one would be ignored).
    const again = entry('ready');
    budget.defer('a', again);
    await again.done;
    assert.equal(again.reads, 1);
    assert.equal(dropped.reads, 0);
    budget.dispose();
  });
});
