import * as assert from 'node:assert/strict';
import { ChildrenCache } from '../../../../src/extension/language/childrenCache';
import { ZkClient } from '../../../../src/zk/client';
import { sortChildren } from '../../../../src/zk/paths';
import { rejectsWith } from '../../../support/assertions';
import { eventually } from '../../../support/session';
import { sharedZooKeeper, type ZooKeeperServer } from '../../../support/zookeeper';

/** Counts a client's getChildren calls (the cache's only request) by wrapping the method of that one object. */
function countGetChildren(client: ZkClient): { paths: string[]; watched: boolean[]; restore(): void } {
  const original = client.getChildren.bind(client);
  const spy = {
    paths: [] as string[],
    /** Per call: whether it set a children watch. */
    watched: [] as boolean[],
    restore: (): void => {
      client.getChildren = original;
    },
  };
  client.getChildren = (path, watch) => {
    spy.paths.push(path);
    spy.watched.push(watch !== undefined);
    return original(path, watch);
  };
  return spy;
}

describe('extension/language/ChildrenCache against a real ZooKeeper', function () {
  this.timeout(60000);
  let server: ZooKeeperServer;
  let client: ZkClient;
  let other: ZkClient;
  let base: string;
  let invalidated: [string, string][];
  let cache: ChildrenCache;
  let spy: ReturnType<typeof countGetChildren>;
  const extra: ZkClient[] = [];

  before(async () => {
    server = await sharedZooKeeper();
    client = await ZkClient.connect({ connectString: server.connectString });
    other = await ZkClient.connect({ connectString: server.connectString });
  });

  beforeEach(async function () {
    base = `/cc-${this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}-${Date.now()}`;
    await client.create(base);
    invalidated = [];
    cache = new ChildrenCache((connection, path) => invalidated.push([connection, path]));
    spy = countGetChildren(client);
  });

  afterEach(async () => {
    spy.restore();
    await Promise.all(extra.splice(0).map((c) => c.close()));
    const { children } = await client.getChildren(base);
    for (const child of children) await client.delete(`${base}/${child}`).catch(() => undefined);
    await client.delete(base).catch(() => undefined);
  });

  after(async () => {
    await other.close();
    await client.close();
  });

  it('lists once, sorted with sequential names first in sequence order, then serves the cache', async () => {
    for (const name of ['zeta', 'alpha']) await client.create(`${base}/${name}`);
    const seq = [];
    for (let i = 0; i < 3; i++) seq.push((await client.create(`${base}/job-`, null, { mode: 'persistentSequential' })).path.slice(base.length + 1));
    await client.create(`${base}/Beta`);
    const first = await cache.children('prod', client, base);
    assert.deepEqual(first, [...seq, 'Beta', 'alpha', 'zeta']);
    assert.deepEqual(spy.paths, [base]);
    const second = await cache.children('prod', client, base);
    assert.deepEqual(second, first);
    assert.deepEqual(spy.paths, [base], 'the second call asks the server nothing');
    assert.equal(cache.size, 1);
    assert.deepEqual(invalidated, []);
  });

  it('concurrent calls for the same node share one request', async () => {
    await client.create(`${base}/a`);
    const answers = await Promise.all([cache.children('prod', client, base), cache.children('prod', client, base), cache.children('prod', client, base)]);
    assert.deepEqual(answers, [['a'], ['a'], ['a']]);
    assert.equal(spy.paths.length, 1);
  });

  it('a child created by another client fires the watch: onInvalidate(connection, path), then a fresh listing', async () => {
    await client.create(`${base}/a`);
    assert.deepEqual(await cache.children('prod', client, base), ['a']);
    await other.create(`${base}/b`);
    await eventually(() => invalidated.length > 0, 10000, 'the children watch to fire');
    assert.deepEqual(invalidated, [['prod', base]]);
    assert.equal(cache.size, 0);
    assert.deepEqual(await cache.children('prod', client, base), ['a', 'b']);
    assert.equal(spy.paths.length, 2);
    // The new listing set a new watch: a second change is seen too.
    await other.delete(`${base}/a`);
    await eventually(() => invalidated.length > 1, 10000, 'the second children watch to fire');
    assert.deepEqual(invalidated, [
      ['prod', base],
      ['prod', base],
    ]);
    assert.deepEqual(await cache.children('prod', client, base), ['b']);
    assert.equal(spy.paths.length, 3);
  });

  it('a data change does not invalidate the children (a children watch only)', async () => {
    await client.create(`${base}/a`);
    await cache.children('prod', client, base);
    await other.set(base, Buffer.from('new data'));
    await other.set(`${base}/a`, Buffer.from('new data'));
    // A children change afterwards is the first event the cache sees.
    await other.create(`${base}/b`);
    await eventually(() => invalidated.length > 0, 10000, 'the children watch to fire');
    assert.deepEqual(invalidated, [['prod', base]]);
  });

  it('the node deleted by another client invalidates, and then the node is undefined', async () => {
    await client.create(`${base}/gone`);
    assert.deepEqual(await cache.children('prod', client, `${base}/gone`), []);
    await other.delete(`${base}/gone`);
    await eventually(() => invalidated.length > 0, 10000, 'the watch to fire for the deletion');
    assert.deepEqual(invalidated, [['prod', `${base}/gone`]]);
    assert.equal(await cache.children('prod', client, `${base}/gone`), undefined);
  });

  it('NONODE: undefined, and not cached (the next call asks again)', async () => {
    assert.equal(await cache.children('prod', client, `${base}/missing`), undefined);
    assert.equal(cache.size, 0);
    assert.equal(await cache.children('prod', client, `${base}/missing`), undefined);
    assert.equal(spy.paths.length, 2);
    // Once it exists it is listed (no stale "undefined").
    await other.create(`${base}/missing`);
    await other.create(`${base}/missing/child`);
    assert.deepEqual(await cache.children('prod', client, `${base}/missing`), ['child']);
    assert.equal(cache.size, 1);
    await other.delete(`${base}/missing/child`);
    await eventually(() => invalidated.length > 0, 10000, 'the watch to fire');
    await other.delete(`${base}/missing`);
  });

  it('other errors reject and are not cached either', async () => {
    await client.create(`${base}/secret`, null, { acl: [{ id: { scheme: 'world', id: 'anyone' }, perms: 31 & ~1 }] }); // no read
    await rejectsWith(cache.children('prod', client, `${base}/secret`), 'NOAUTH');
    assert.equal(cache.size, 0);
    await rejectsWith(cache.children('prod', client, `${base}/secret`), 'NOAUTH');
    assert.equal(spy.paths.length, 2);
    await rejectsWith(cache.children('prod', client, 'no-slash'), 'INVALIDPATH');
    assert.equal(cache.size, 0);
  });

  it('LRU bound: the least recently used entry is evicted and reported with onInvalidate', async () => {
    const small = new ChildrenCache((connection, path) => invalidated.push([connection, path]), 2);
    for (const name of ['a', 'b', 'c']) await client.create(`${base}/${name}`);
    await small.children('prod', client, `${base}/a`);
    await small.children('prod', client, `${base}/b`);
    await small.children('prod', client, `${base}/a`); // a is now the most recently used
    assert.equal(spy.paths.length, 2);
    await small.children('prod', client, `${base}/c`);
    assert.equal(small.size, 2);
    assert.deepEqual(invalidated, [['prod', `${base}/b`]], 'b, not a, was the oldest');
    await small.children('prod', client, `${base}/a`);
    await small.children('prod', client, `${base}/c`);
    assert.equal(spy.paths.length, 3, 'a and c are still cached');
    await small.children('prod', client, `${base}/b`);
    assert.equal(spy.paths.length, 4, 'b was evicted and is listed again');
    assert.deepEqual(invalidated, [
      ['prod', `${base}/b`],
      ['prod', `${base}/a`],
    ]);
    // The evicted entry's watch may still fire later: it reports nothing more. Proven against a
    // sentinel, not a sleep: c is still cached with its watch set on the same session, and
    // ZooKeeper delivers one session's watch events in order, so once c's invalidation (made
    // after a's change) is seen, a's late watch has fired too.
    invalidated.length = 0;
    await other.create(`${base}/a/x`);
    await other.create(`${base}/c/sentinel`);
    await eventually(() => invalidated.length > 0, 30000, "the sentinel: c's watch to fire");
    assert.deepEqual(invalidated, [['prod', `${base}/c`]], 'a was evicted already; its late watch is no news');
    await other.delete(`${base}/a/x`);
    await other.delete(`${base}/c/sentinel`);
  });

  it('an evicted entry read again sets no second watch, and the first watch still invalidates it', async () => {
    const small = new ChildrenCache((connection, path) => invalidated.push([connection, path]), 1);
    for (const name of ['a', 'b']) await client.create(`${base}/${name}`);
    assert.deepEqual(await small.children('prod', client, `${base}/a`), []);
    await small.children('prod', client, `${base}/b`); // evicts a; a's watch stays set on the server
    assert.deepEqual(invalidated, [['prod', `${base}/a`]]);
    invalidated.length = 0;
    assert.deepEqual(await small.children('prod', client, `${base}/a`), []); // evicts b
    assert.deepEqual(spy.watched, [true, true, false], 'the re-read of a relies on the watch already set');
    await other.create(`${base}/a/new`);
    await eventually(() => invalidated.some(([, p]) => p === `${base}/a`), 10000, 'the first watch of a to fire');
    assert.deepEqual(invalidated, [
      ['prod', `${base}/b`],
      ['prod', `${base}/a`],
    ]);
    assert.deepEqual(await small.children('prod', client, `${base}/a`), ['new'], 'the re-read entry was dropped: no stale answer');
    assert.deepEqual(spy.watched, [true, true, false, true], 'the watch fired, so the next read sets a new one');
    await other.delete(`${base}/a/new`);
    await eventually(() => invalidated.filter(([, p]) => p === `${base}/a`).length === 2, 10000, 'the new watch of a to fire');
  });

  it('a read that fails leaves no watch behind to rely on', async () => {
    assert.equal(await cache.children('prod', client, `${base}/later`), undefined);
    await other.create(`${base}/later`);
    assert.deepEqual(await cache.children('prod', client, `${base}/later`), []);
    assert.deepEqual(spy.watched, [true, true], 'the NONODE read set no watch (ZooKeeper sets none), so the next read sets one');
    await other.create(`${base}/later/x`);
    await eventually(() => invalidated.length > 0, 10000, 'the watch to fire');
    await other.delete(`${base}/later/x`);
  });

  it('clear() forgets the watches too: the next read sets its own', async () => {
    await cache.children('prod', client, base);
    cache.clear('prod');
    await cache.children('prod', client, base);
    assert.deepEqual(spy.watched, [true, true]);
  });

  it('an entry from another session is not served: the new session lists again', async () => {
    await client.create(`${base}/a`);
    assert.deepEqual(await cache.children('prod', client, base), ['a']);
    const renewed = await ZkClient.connect({ connectString: server.connectString });
    extra.push(renewed);
    assert.notEqual(renewed.sessionId, client.sessionId);
    const renewedSpy = countGetChildren(renewed);
    await client.create(`${base}/b`); // also fires the first session's watch
    await eventually(() => invalidated.length > 0, 10000, 'the watch to fire');
    assert.deepEqual(await cache.children('prod', renewed, base), ['a', 'b']);
    assert.equal(renewedSpy.paths.length, 1);
    assert.deepEqual(await cache.children('prod', renewed, base), ['a', 'b']);
    assert.equal(renewedSpy.paths.length, 1, 'then cached for that session');
    renewedSpy.restore();
  });

  it('an entry of the old session is replaced even while its watch never fired', async () => {
    await client.create(`${base}/a`);
    await cache.children('prod', client, base);
    const renewed = await ZkClient.connect({ connectString: server.connectString });
    extra.push(renewed);
    const renewedSpy = countGetChildren(renewed);
    assert.deepEqual(await cache.children('prod', renewed, base), ['a']);
    assert.equal(renewedSpy.paths.length, 1, 'not served from the entry of the other session');
    assert.equal(cache.size, 1, 'one entry per connection and path');
    renewedSpy.restore();
  });

  it('connections are kept apart; invalidate() and clear()', async () => {
    await client.create(`${base}/a`);
    await cache.children('prod', client, base);
    await cache.children('test', client, base);
    await cache.children('test', client, `${base}/a`);
    assert.equal(spy.paths.length, 3, 'the same path under another connection name is another entry');
    cache.invalidate('prod', base);
    assert.deepEqual(invalidated, [['prod', base]]);
    cache.invalidate('prod', base);
    cache.invalidate('prod', '/never-listed');
    assert.deepEqual(invalidated, [['prod', base]], 'nothing to forget: nothing reported');
    assert.equal(cache.size, 2);
    cache.clear('test');
    assert.equal(cache.size, 0);
    await cache.children('prod', client, base);
    await cache.children('test', client, base);
    cache.clear();
    assert.equal(cache.size, 0);
    assert.deepEqual(invalidated, [['prod', base]], 'clear() reports nothing');
  });
});

describe('extension/language/ChildrenCache.matching (what a path completion gets) on 10,000 children of a real ZooKeeper', function () {
  this.timeout(120000);
  const LIMIT = 100;
  const plain = Array.from({ length: 10000 - 4 }, (_, i) => `child-${String(i).padStart(5, '0')}`);
  const unusual = ['节点-数据', 'Zoë', 'zoo', 'ｚ-最后'];
  let server: ZooKeeperServer;
  let client: ZkClient;
  let other: ZkClient;
  let base: string;
  let invalidated: [string, string][];
  let cache: ChildrenCache;
  let spy: ReturnType<typeof countGetChildren>;

  before(async () => {
    server = await sharedZooKeeper();
    client = await ZkClient.connect({ connectString: server.connectString });
    other = await ZkClient.connect({ connectString: server.connectString });
    base = `/cc-matching-${Date.now()}`;
    await client.create(base);
    const names = [...plain, ...unusual];
    for (let at = 0; at < names.length; at += 1000) await client.multi(names.slice(at, at + 1000).map((n) => ({ type: 'create', path: `${base}/${n}` })));
  });

  beforeEach(() => {
    // Each cache reports into its own list: the watches of the earlier tests' caches fire too.
    const mine: [string, string][] = [];
    invalidated = mine;
    cache = new ChildrenCache((connection, path) => mine.push([connection, path]));
    spy = countGetChildren(client);
  });

  afterEach(() => spy.restore());

  after(async () => {
    const { children } = await client.getChildren(base);
    for (let at = 0; at < children.length; at += 1000) await client.multi(children.slice(at, at + 1000).map((n) => ({ type: 'delete', path: `${base}/${n}` })));
    await client.delete(base);
    await other.close();
    await client.close();
  });

  it('nothing typed: the first 100 in the tree order and how many there are; typing narrows to the exact child, the last one included, from one listing', async () => {
    const all = sortChildren([...plain, ...unusual]);
    assert.deepEqual(await cache.matching('prod', client, base, '', LIMIT), { names: all.slice(0, LIMIT), total: 10000 });
    const typed = await cache.matching('prod', client, base, 'child-01', LIMIT);
    assert.deepEqual(typed, { names: plain.slice(1000, 1000 + LIMIT), total: 1000 });
    assert.deepEqual(await cache.matching('prod', client, base, 'child-0999', LIMIT), { names: plain.slice(9990, 9996), total: 6 }, 'under the limit: every match');
    assert.deepEqual(await cache.matching('prod', client, base, 'CHILD-09995', LIMIT), { names: ['child-09995'], total: 1 }, 'ignoring case');
    const last = all[all.length - 1];
    assert.equal(last, 'ｚ-最后', 'the 10,000th in the order (U+FF5A, after every other name)');
    assert.deepEqual(await cache.matching('prod', client, base, 'Ｚ', LIMIT), { names: [last], total: 1 });
    assert.deepEqual(spy.paths, [base], 'one getChildren for all of it');
  });

  it('non-ASCII names come through the decoder intact and match by their own prefix, ignoring case', async () => {
    assert.deepEqual(await cache.matching('prod', client, base, '节点', LIMIT), { names: ['节点-数据'], total: 1 });
    assert.deepEqual(await cache.matching('prod', client, base, 'zo', LIMIT), { names: ['Zoë', 'zoo'], total: 2 });
    assert.deepEqual(await cache.matching('prod', client, base, 'ZOË', LIMIT), { names: ['Zoë'], total: 1 });
  });

  it('a child created on the server by another client: the cache is invalidated and the next completion offers it', async () => {
    assert.deepEqual(await cache.matching('prod', client, base, 'new-', LIMIT), { names: [], total: 0 });
    await other.create(`${base}/new-child`);
    await eventually(() => invalidated.length > 0, 10000, 'the children watch to fire');
    assert.deepEqual(invalidated, [['prod', base]]);
    try {
      assert.deepEqual(await cache.matching('prod', client, base, 'new-', LIMIT), { names: ['new-child'], total: 1 });
      assert.equal((await cache.matching('prod', client, base, '', LIMIT))!.total, 10001);
      assert.equal(spy.paths.length, 2);
    } finally {
      await other.delete(`${base}/new-child`);
    }
  });

  it('a node that does not exist: undefined', async () => {
    assert.equal(await cache.matching('prod', client, `${base}-missing`, '', LIMIT), undefined);
  });
});
