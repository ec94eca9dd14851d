// Edge cases of the pure recognition on hand-written children. The recipes themselves are tested
// with state made by the real libraries (kazoo.test.ts, curator.test.ts, zookeeperRecipes.test.ts).
import * as assert from 'node:assert/strict';
import { analyzeChildren, type ChildNode } from '../../../../src/zk/recipes/analyze';
import type { ZnodeStat } from '../../../../src/zk/stat';

const NOW = 1_800_000_000_000;

function child(name: string, data: string | Uint8Array | undefined, owner = 0x100n, ctime = NOW - 1000): ChildNode {
  const stat: ZnodeStat = { czxid: 1n, mzxid: 1n, pzxid: 1n, ctime, mtime: ctime, version: 0, cversion: 0, aversion: 0, ephemeralOwner: owner, dataLength: 0, numChildren: 0 };
  return { name, stat, data: typeof data === 'string' ? Buffer.from(data) : data };
}

const uuidHex = (c: string): string => c.repeat(32);
const curatorName = (c: string, rest: string): string => `_c_${c.repeat(8)}-${c.repeat(4)}-${c.repeat(4)}-${c.repeat(4)}-${c.repeat(12)}-${rest}`;

describe('analyzeChildren (hand-written edge cases)', () => {
  it('orders by the numeric sequence, not the name, also after the counter overflowed to negative', () => {
    const a = analyzeChildren(
      '/locks/x',
      [
        child(`${uuidHex('0')}__lock__2147483647`, 'old', 1n),
        child(`${uuidHex('f')}__lock__-2147483648`, 'wrapped-1', 2n),
        child(`${uuidHex('a')}__lock__-000000001`, 'wrapped-2', 3n),
        child(`${uuidHex('1')}__lock__0000000005`, 'five', 4n),
      ],
      { now: NOW },
    );
    assert.equal(a.kind, 'lock');
    assert.equal(a.library, 'kazoo');
    assert.deepEqual(
      a.participants.map((p) => p.sequence),
      [-2147483648, -1, 5, 2147483647],
    );
    assert.equal(a.holders[0].data, 'wrapped-1');
    assert.deepEqual(
      a.waiters.map((w) => w.waitsOn?.data),
      ['wrapped-1', 'wrapped-2', 'five'],
    );
    assert.equal(a.participants[0].path, `/locks/x/${uuidHex('f')}__lock__-2147483648`);
    assert.equal(a.participants[0].ageMs, 1000);
    assert.equal(a.participants[0].sessionId, 2n);
  });

  it('a recipe pattern mixed with a foreign child is unknown, never guessed', () => {
    const a = analyzeChildren('/x', [child(`${uuidHex('0')}__lock__0000000001`, 'w'), child('config', 'hello', 0n)], { now: NOW });
    assert.equal(a.kind, 'unknown');
    assert.equal(a.library, undefined);
    assert.equal(a.holders.length, 0);
    assert.equal(a.participants.length, 2);
    assert.equal(a.summary, 'unknown pattern (2 children)');
  });

  it('persistent plain children and no children are unknown', () => {
    assert.equal(analyzeChildren('/x', [child('a', '1', 0n), child('b', '2', 0n)]).kind, 'unknown');
    const empty = analyzeChildren('/x', []);
    assert.equal(empty.kind, 'unknown');
    assert.equal(empty.summary, 'no children');
  });

  it("ZooKeeper's recipes page: guid-lock-, read-/write-, guid-n_", () => {
    const lock = analyzeChildren('/_locknode_', [child('g2-lock-0000000002', undefined, 2n), child('g1-lock-0000000001', undefined, 1n)]);
    assert.equal(lock.kind, 'lock');
    assert.equal(lock.library, 'zookeeper');
    assert.equal(lock.holders[0].sessionId, 1n);
    assert.equal(lock.summary, 'lock: held by g1-lock-0000000001, 1 waiting');

    const rw = analyzeChildren('/rw', [child('read-0000000001', 'r1'), child('write-0000000002', 'w1'), child('read-0000000003', 'r2'), child('read-0000000000', 'r0')]);
    assert.equal(rw.kind, 'readWriteLock');
    assert.deepEqual(
      rw.holders.map((p) => p.data),
      ['r0', 'r1'],
    );
    assert.deepEqual(
      rw.waiters.map((w) => [w.participant.data, w.waitsOn?.data]),
      [
        ['w1', 'r1'],
        ['r2', 'w1'],
      ],
    );

    const election = analyzeChildren('/ELECTION', [child('guid-n_0000000007', 'b'), child('guid-n_0000000003', 'a')]);
    assert.equal(election.kind, 'leaderElection');
    assert.equal(election.recipe, 'ZooKeeper election recipe');
    assert.equal(election.summary, 'leader: a (2 candidates)');
  });

  it('Curator lock- nodes: the default address data is a mutex, a participant id a LeaderSelector', () => {
    const mutex = analyzeChildren('/m', [child(curatorName('b', 'lock-0000000001'), '127.0.0.1'), child(curatorName('a', 'lock-0000000000'), '127.0.0.1')]);
    assert.equal(mutex.kind, 'lock');
    assert.equal(mutex.recipe, 'Curator InterProcessMutex');
    assert.equal(mutex.holders[0].sequence, 0);
    const selector = analyzeChildren('/m', [child(curatorName('b', 'lock-0000000001'), 'node-b'), child(curatorName('a', 'lock-0000000000'), 'node-a')]);
    assert.equal(selector.kind, 'leaderElection');
    assert.equal(selector.summary, 'leader: node-a (2 candidates)');
  });

  it('kazoo Semaphore reads the max leases from the parent data; a counter is its data', () => {
    const sem = analyzeChildren('/sem', [child(uuidHex('1'), 'a'), child(uuidHex('2'), 'b')], { parentData: Buffer.from('3') });
    assert.equal(sem.summary, 'semaphore: 2/3 leases');
    const counter = analyzeChildren('/c', [], { parentData: Buffer.from('1.5') });
    assert.equal(counter.kind, 'counter');
    assert.equal(counter.summary, 'counter: 1.5');
  });

  it('service registry: addresses as host:port, URL or JSON; other ephemeral data is unknown', () => {
    const a = analyzeChildren('/services/x', [
      child('my_service0000000001', '{"name":"x","id":"1","address":"10.0.0.2","port":9000}', 2n),
      child('my_service0000000000', '192.168.1.100:8000', 1n),
      child('my_service0000000002', 'http://10.0.0.3:80/api', 3n),
    ]);
    assert.equal(a.kind, 'serviceRegistry');
    assert.equal(a.summary, '3 instances');
    assert.deepEqual(
      a.participants.map((p) => p.address),
      ['192.168.1.100:8000', '10.0.0.2:9000', 'http://10.0.0.3:80/api'],
    );
    assert.equal(analyzeChildren('/x', [child('a', 'just some text', 1n)]).kind, 'unknown');
    assert.equal(analyzeChildren('/x', [child('a', '10.0.0.1:80', 0n)]).kind, 'unknown', 'a persistent node is no registration');
  });

  it('binary data is not shown as text, and a child whose data was not read has none', () => {
    const a = analyzeChildren('/l', [child('x-72057594037927936-0000000000', Uint8Array.from([0x12, 0x34]), 7n), child('x-72057594037927937-0000000001', undefined, 8n)]);
    assert.equal(a.recipe, 'ZooKeeper WriteLock');
    assert.deepEqual(
      a.participants.map((p) => p.data),
      [undefined, undefined],
    );
  });
});
