import * as assert from 'node:assert/strict';
import { ids, sessionOf, useRecipeFixture } from '../../../support/recipes/recipeFixture';
import { eventually } from '../../../support/session';

describe('recipe recognition: kazoo (real python3-kazoo participants)', function () {
  this.timeout(90000);
  const { participant: kazoo, analyze } = useRecipeFixture('kazoo', 'recipes-kazoo');

  it('Lock: the holder and the waiters in sequence order, each waiting on its predecessor; release hands over', async () => {
    const testStarted = Date.now();
    const w1 = await kazoo('lock', '/locks/inventory', 'inventory-worker-1');
    await w1.waitFor('acquired');
    const w2 = await kazoo('lock', '/locks/inventory', 'inventory-worker-2');
    const w3 = await kazoo('lock', '/locks/inventory', 'inventory-worker-3');

    let a = await analyze('/locks/inventory');
    assert.equal(a.kind, 'lock');
    assert.equal(a.library, 'kazoo');
    assert.equal(a.summary, 'lock: held by inventory-worker-1, 2 waiting');
    assert.deepEqual(ids(a.holders), ['inventory-worker-1']);
    assert.deepEqual(ids(a.participants), ['inventory-worker-1', 'inventory-worker-2', 'inventory-worker-3']);
    assert.deepEqual(a.participants.map((p) => p.sessionId), [w1, w2, w3].map(sessionOf));
    assert.deepEqual(a.participants.map((p) => p.path), [w1.node, w2.node, w3.node]);
    assert.deepEqual(
      a.waiters.map((w) => [w.participant.data, w.waitsOn?.data]),
      [
        ['inventory-worker-2', 'inventory-worker-1'],
        ['inventory-worker-3', 'inventory-worker-2'],
      ],
    );
    const sequences = a.participants.map((p) => p.sequence ?? NaN);
    assert.deepEqual([...sequences].sort((x, y) => x - y), sequences);
    // Each age is bounded by this test's own run (the nodes were made inside it), not by a fixed
    // wall-clock limit a busy machine could exceed; 1 s allows for the clock read being rounded.
    const bound = Date.now() - testStarted + 1000;
    assert.ok(a.participants.every((p) => p.ageMs >= 0 && p.ageMs <= bound), `ages ${a.participants.map((p) => p.ageMs).join(', ')} ms within ${bound} ms`);

    await w1.stop();
    await w2.waitFor('acquired');
    a = await analyze('/locks/inventory');
    assert.equal(a.summary, 'lock: held by inventory-worker-2, 1 waiting');
    assert.deepEqual(ids(a.participants), ['inventory-worker-2', 'inventory-worker-3']);
    assert.equal(a.waiters[0].waitsOn?.data, 'inventory-worker-2');
  });

  it('Lock: a killed holder (kill -9) vanishes with its session and the next waiter holds', async () => {
    const w1 = await kazoo('lock', '/locks/killed', 'killed-1');
    await w1.waitFor('acquired');
    const w2 = await kazoo('lock', '/locks/killed', 'killed-2');
    assert.deepEqual(ids((await analyze('/locks/killed')).holders), ['killed-1']);

    await w1.kill();
    await w2.waitFor('acquired', 30000);
    let a = await analyze('/locks/killed');
    await eventually(async () => {
      a = await analyze('/locks/killed');
      return a.participants.length === 1;
    }, 30000, 'the killed participant to vanish');
    assert.equal(a.summary, 'lock: held by killed-2, 0 waiting');
    assert.ok(!a.participants.some((p) => p.sessionId === sessionOf(w1)));
  });

  it('Election: the leader and the candidates (named by the path)', async () => {
    const a1 = await kazoo('election', '/election/scheduler', 'scheduler-a');
    await a1.waitFor('leader');
    const b = await kazoo('election', '/election/scheduler', 'scheduler-b');
    let a = await analyze('/election/scheduler');
    assert.equal(a.kind, 'leaderElection');
    assert.equal(a.library, 'kazoo');
    assert.equal(a.summary, 'leader: scheduler-a (2 candidates)');
    assert.equal(a.leader?.sessionId, sessionOf(a1));
    assert.equal(a.waiters[0].participant.data, 'scheduler-b');

    await a1.kill();
    await b.waitFor('leader', 30000);
    await eventually(async () => (a = await analyze('/election/scheduler')).participants.length === 1, 30000, 'the dead leader to vanish');
    assert.equal(a.summary, 'leader: scheduler-b (1 candidate)');
  });

  it('ReadLock/WriteLock: readers share until a writer queues; later readers wait behind the writer', async () => {
    const r1 = await kazoo('readlock', '/rw', 'reader-1');
    await r1.waitFor('acquired');
    const r2 = await kazoo('readlock', '/rw', 'reader-2');
    await r2.waitFor('acquired');
    const w = await kazoo('writelock', '/rw', 'writer-1');
    await kazoo('readlock', '/rw', 'reader-3');
    const a = await analyze('/rw');
    assert.equal(a.kind, 'readWriteLock');
    assert.equal(a.library, 'kazoo');
    assert.deepEqual(ids(a.holders), ['reader-1', 'reader-2']);
    assert.deepEqual(
      a.waiters.map((x) => [x.participant.data, x.waitsOn?.data]),
      [
        ['writer-1', 'reader-2'],
        ['reader-3', 'writer-1'],
      ],
    );
    assert.equal(a.summary, 'read/write lock: read-held by 2 readers, 2 waiting');
    assert.equal(w.has('acquired'), false);
  });

  it('Semaphore: every lease holder, against the max leases in the parent', async () => {
    await kazoo('semaphore', '/sem', 'lease-a', ['--max-leases', '3']);
    await kazoo('semaphore', '/sem', 'lease-b', ['--max-leases', '3']);
    const a = await analyze('/sem');
    assert.equal(a.kind, 'semaphore');
    assert.equal(a.library, 'kazoo');
    assert.equal(a.summary, 'semaphore: 2/3 leases');
    assert.deepEqual(ids(a.holders).sort(), ['lease-a', 'lease-b']);
  });

  it('Party and ShallowParty: every member', async () => {
    await kazoo('party', '/party', 'member-1');
    await kazoo('party', '/party', 'member-2');
    await kazoo('shallowparty', '/shallow', 'member-x');
    const party = await analyze('/party');
    assert.equal(party.kind, 'party');
    assert.equal(party.recipe, 'kazoo Party');
    assert.equal(party.summary, 'party: 2 members');
    const shallow = await analyze('/shallow');
    assert.equal(shallow.kind, 'party');
    assert.equal(shallow.recipe, 'kazoo ShallowParty');
  });

  it('Queue: items ordered by priority, then sequence', async () => {
    await kazoo('queue', '/queue', undefined, ['--item', 'low-1', '--priority', '200']);
    await kazoo('queue', '/queue', undefined, ['--item', 'urgent', '--priority', '10']);
    await kazoo('queue', '/queue', undefined, ['--item', 'normal-1', '--item', 'normal-2', '--priority', '100']);
    const a = await analyze('/queue');
    assert.equal(a.kind, 'queue');
    assert.equal(a.library, 'kazoo');
    assert.equal(a.summary, 'queue: 4 items');
    assert.deepEqual(ids(a.participants), ['urgent', 'normal-1', 'normal-2', 'low-1']);
  });

  it('LockingQueue: the entries by priority, the taken one with its consumer; a dead consumer gives it back', async () => {
    await kazoo('lockingqueue', '/lq', undefined, ['--item', 'job-2', '--priority', '100']);
    await kazoo('lockingqueue', '/lq', undefined, ['--item', 'job-1', '--priority', '50']);
    const consumer = await kazoo('lockingqueue', '/lq', undefined, ['--take']);
    let a = await analyze('/lq');
    assert.equal(a.kind, 'queue');
    assert.equal(a.recipe, 'kazoo LockingQueue');
    assert.equal(a.summary, 'queue: 2 items, 1 taken');
    assert.deepEqual(ids(a.participants), ['job-1', 'job-2']);
    assert.deepEqual(ids(a.holders), ['job-1']);
    assert.equal(a.holders[0].takenBy?.sessionId, sessionOf(consumer));

    await consumer.kill();
    await eventually(async () => (a = await analyze('/lq')).holders.length === 0, 30000, 'the dead consumer to give the entry back');
    assert.equal(a.summary, 'queue: 2 items, 0 taken');
  });

  it('Counter: the value in the node', async () => {
    await kazoo('counter', '/counter', undefined, ['--add', '42']);
    const a = await analyze('/counter');
    assert.equal(a.kind, 'counter');
    assert.equal(a.summary, 'counter: 42');
  });

  it('service registry: ephemeral registrations with addresses; a dead instance vanishes', async () => {
    const i1 = await kazoo('service', '/services/orders', 'orders', ['--data', '10.0.1.11:8080']);
    const i2 = await kazoo('service', '/services/orders', 'orders', ['--data', '{"host":"10.0.1.12","port":8080}']);
    let a = await analyze('/services/orders');
    assert.equal(a.kind, 'serviceRegistry');
    assert.equal(a.library, 'plain');
    assert.equal(a.summary, '2 instances');
    assert.deepEqual(
      a.participants.map((p) => p.address),
      ['10.0.1.11:8080', '10.0.1.12:8080'],
    );
    assert.deepEqual(a.participants.map((p) => p.sessionId), [sessionOf(i1), sessionOf(i2)]);
    await i1.kill();
    await eventually(async () => (a = await analyze('/services/orders')).participants.length === 1, 30000, 'the dead instance to vanish');
    assert.equal(a.summary, '1 instance');
  });
});
