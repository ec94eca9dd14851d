import * as assert from 'node:assert/strict';
import { sessionOf, sessions, useRecipeFixture } from '../../../support/recipes/recipeFixture';
import { eventually } from '../../../support/session';

describe('recipe recognition: Apache Curator (real Curator participants)', function () {
  this.timeout(120000);
  const { participant: curator, analyze } = useRecipeFixture('curator', 'recipes-curator');

  it('InterProcessMutex: holder and waiters by sequence (not by the UUID-prefixed name); release hands over', async () => {
    const a1 = await curator('mutex', '/locks/orders', 'A');
    await a1.waitFor('acquired');
    const b = await curator('mutex', '/locks/orders', 'B');
    const c = await curator('mutex', '/locks/orders', 'C');
    let a = await analyze('/locks/orders');
    assert.equal(a.kind, 'lock');
    assert.equal(a.library, 'curator');
    assert.equal(a.recipe, 'Curator InterProcessMutex');
    assert.deepEqual(sessions(a.holders), [sessionOf(a1)]);
    assert.deepEqual(sessions(a.participants), [a1, b, c].map(sessionOf));
    assert.deepEqual(
      a.waiters.map((w) => [w.participant.sessionId, w.waitsOn?.sessionId]),
      [
        [sessionOf(b), sessionOf(a1)],
        [sessionOf(c), sessionOf(b)],
      ],
    );
    assert.deepEqual(a.participants.map((p) => p.sequence), [...a.participants.map((p) => p.sequence)].sort((x, y) => (x ?? 0) - (y ?? 0)));
    assert.match(a.summary, /^lock: held by .+, 2 waiting$/);

    await a1.stop();
    await b.waitFor('acquired');
    a = await analyze('/locks/orders');
    assert.deepEqual(sessions(a.holders), [sessionOf(b)]);
    assert.deepEqual(
      a.waiters.map((w) => [w.participant.sessionId, w.waitsOn?.sessionId]),
      [[sessionOf(c), sessionOf(b)]],
    );
  });

  it('LeaderLatch: the leader is the lowest sequence; its ids are the data', async () => {
    const l1 = await curator('latch', '/leader/billing', 'billing-1');
    await l1.waitFor('leader');
    await curator('latch', '/leader/billing', 'billing-2');
    const a = await analyze('/leader/billing');
    assert.equal(a.kind, 'leaderLatch');
    assert.equal(a.library, 'curator');
    assert.equal(a.summary, 'leader: billing-1 (2 candidates)');
    assert.equal(a.leader?.sessionId, sessionOf(l1));
    assert.deepEqual(
      a.waiters.map((w) => [w.participant.data, w.waitsOn?.data]),
      [['billing-2', 'billing-1']],
    );
  });

  it('LeaderSelector: the leader; a killed leader vanishes with its session and the next one leads', async () => {
    const s1 = await curator('selector', '/select/scheduler', 'scheduler-a');
    await s1.waitFor('leader');
    const s2 = await curator('selector', '/select/scheduler', 'scheduler-b');
    let a = await analyze('/select/scheduler');
    assert.equal(a.kind, 'leaderElection');
    assert.equal(a.recipe, 'Curator LeaderSelector');
    assert.equal(a.summary, 'leader: scheduler-a (2 candidates)');

    await s1.kill();
    await s2.waitFor('leader', 30000);
    await eventually(async () => (a = await analyze('/select/scheduler')).participants.length === 1, 30000, 'the dead leader to vanish');
    assert.equal(a.summary, 'leader: scheduler-b (1 candidate)');
    assert.equal(a.leader?.sessionId, sessionOf(s2));
  });

  it('InterProcessReadWriteLock: the reader holds, the writer waits on it, a later reader waits on the writer', async () => {
    const r1 = await curator('read', '/rw', 'reader-1');
    await r1.waitFor('acquired');
    await curator('write', '/rw', 'writer-1');
    await curator('read', '/rw', 'reader-2');
    const a = await analyze('/rw');
    assert.equal(a.kind, 'readWriteLock');
    assert.equal(a.library, 'curator');
    assert.deepEqual(a.holders.map((p) => p.data), ['reader-1']);
    assert.deepEqual(
      a.waiters.map((w) => [w.participant.data, w.waitsOn?.data]),
      [
        ['writer-1', 'reader-1'],
        ['reader-2', 'writer-1'],
      ],
    );
  });

  it('InterProcessSemaphoreV2: the lease holders (from the node or its leases child)', async () => {
    const p1 = await curator('semaphore', '/sem', 'x', ['--max-leases', '3']);
    const p2 = await curator('semaphore', '/sem', 'y', ['--max-leases', '3']);
    for (const path of ['/sem/leases', '/sem']) {
      const a = await analyze(path);
      assert.equal(a.kind, 'semaphore', path);
      assert.equal(a.library, 'curator');
      assert.equal(a.summary, 'semaphore: 2 leases');
      assert.deepEqual(new Set(sessions(a.holders)), new Set([p1, p2].map(sessionOf)));
    }
  });

  it('DistributedQueue (queue-N): the items in sequence order, library left open', async () => {
    await curator('queue', '/queue', undefined, ['--item', 'a', '--item', 'b', '--item', 'c']);
    const a = await analyze('/queue');
    assert.equal(a.kind, 'queue');
    assert.equal(a.library, undefined, "ZooKeeper's queue recipe makes the same nodes");
    assert.equal(a.summary, 'queue: 3 items');
    const sequences = a.participants.map((p) => p.sequence ?? NaN);
    assert.deepEqual([...sequences].sort((x, y) => x - y), sequences);
  });
});
