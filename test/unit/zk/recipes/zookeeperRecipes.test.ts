import * as assert from 'node:assert/strict';
import { sessionOf, sessions, useRecipeFixture } from '../../../support/recipes/recipeFixture';
import { eventually } from '../../../support/session';

describe("recipe recognition: ZooKeeper's shipped recipes (real zookeeper-recipes-*.jar participants)", function () {
  this.timeout(120000);
  const { participant: zk, analyze } = useRecipeFixture('curator', 'recipes-zk');

  it('WriteLock (x-<session>-N): holder and waiters; release hands over; a killed holder vanishes', async () => {
    const a1 = await zk('zk-writelock', '/lock', 'a');
    await a1.waitFor('acquired');
    const b = await zk('zk-writelock', '/lock', 'b');
    const c = await zk('zk-writelock', '/lock', 'c');
    let a = await analyze('/lock');
    assert.equal(a.kind, 'lock');
    assert.equal(a.library, 'zookeeper');
    assert.equal(a.recipe, 'ZooKeeper WriteLock');
    assert.deepEqual(sessions(a.participants), [a1, b, c].map(sessionOf));
    assert.deepEqual(sessions(a.holders), [sessionOf(a1)]);
    assert.deepEqual(
      a.waiters.map((w) => [w.participant.sessionId, w.waitsOn?.sessionId]),
      [
        [sessionOf(b), sessionOf(a1)],
        [sessionOf(c), sessionOf(b)],
      ],
    );

    await a1.stop();
    await b.waitFor('acquired');
    a = await analyze('/lock');
    assert.deepEqual(sessions(a.holders), [sessionOf(b)]);

    await b.kill();
    await c.waitFor('acquired', 30000);
    await eventually(async () => (a = await analyze('/lock')).participants.length === 1, 30000, 'the killed holder to vanish');
    assert.deepEqual(sessions(a.holders), [sessionOf(c)]);
    assert.equal(a.waiters.length, 0);
  });

  it('LeaderElectionSupport (n_N, data = host name): the leader', async () => {
    const h1 = await zk('zk-election', '/election', 'host-1');
    await h1.waitFor('leader');
    await zk('zk-election', '/election', 'host-2');
    const a = await analyze('/election');
    assert.equal(a.kind, 'leaderElection');
    assert.equal(a.library, 'zookeeper');
    assert.equal(a.recipe, 'ZooKeeper LeaderElectionSupport');
    assert.equal(a.summary, 'leader: host-1 (2 candidates)');
  });

  it('DistributedQueue (qn-N): the items in sequence order', async () => {
    await zk('zk-queue', '/queue', undefined, ['--item', 'first', '--item', 'second', '--item', 'third']);
    const a = await analyze('/queue');
    assert.equal(a.kind, 'queue');
    assert.equal(a.library, undefined, "Curator's SimpleDistributedQueue makes the same nodes");
    assert.equal(a.summary, 'queue: 3 items');
    assert.deepEqual(
      a.participants.map((p) => p.data),
      ['first', 'second', 'third'],
    );
  });
});
