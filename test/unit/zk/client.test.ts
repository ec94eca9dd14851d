import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { digestId, Perm } from '../../../src/zk/acl';
import { ZkClient, type WatchEvent } from '../../../src/zk/client';
import { ZkError } from '../../../src/zk/errors';
import { isEphemeral } from '../../../src/zk/stat';
import { rejectsWith } from '../../support/assertions';
import { startFaultProxy, type FaultProxy } from '../../support/faultProxy';
import { eventually, expireSession } from '../../support/session';
import { sharedZooKeeper, zookeeper, type ZooKeeperServer } from '../../support/zookeeper';

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('ZkClient against a real ZooKeeper', function () {
  this.timeout(60000);
  let server: ZooKeeperServer;
  let client: ZkClient;
  let base: string;
  const others: ZkClient[] = [];

  const another = async (options: Partial<Parameters<typeof ZkClient.connect>[0]> = {}): Promise<ZkClient> => {
    const c = await ZkClient.connect({ connectString: server.connectString, ...options });
    others.push(c);
    return c;
  };

  before(async () => {
    server = await sharedZooKeeper();
    client = await ZkClient.connect({ connectString: server.connectString, sessionTimeoutMs: 10000 });
  });

  beforeEach(async function () {
    base = `/t-${this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}-${Date.now()}`;
    await client.create(base);
  });

  afterEach(async () => {
    await Promise.all(others.splice(0).map((c) => c.close()));
  });

  after(async () => {
    await client.close();
  });

  describe('connect', () => {
    it('reports connected with a session id', () => {
      assert.equal(client.state, 'connected');
      assert.notEqual(client.sessionId, 0n);
    });

    it('fails with a sentence when no server answers', async () => {
      const port = await zookeeper.freePort();
      // The connect timeout is far longer than the test's: only giving up on the refusals can end it
      // (the message names the refusal, not the timeout).
      const error = await rejectsWith(ZkClient.connect({ connectString: `127.0.0.1:${port}`, connectTimeoutMs: 600000 }), 'CONNECTFAILED', /Could not connect to ZooKeeper at 127\.0\.0\.1:\d+: the connection was refused \(connect ECONNREFUSED/);
      assert.match(error.message, /Nothing listens on that port/);
    });

    it('gives up after the connect timeout when a server accepts but never answers', async () => {
      const silent = net.createServer((socket) => socket.on('error', () => undefined));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const { port } = silent.address() as net.AddressInfo;
      try {
        await rejectsWith(ZkClient.connect({ connectString: `127.0.0.1:${port}`, connectTimeoutMs: 1500 }), 'CONNECTFAILED', /within 2 s: no server answered\. Check that the hosts and ports are right/);
      } finally {
        silent.close();
      }
    });

    it('rejects a malformed connect string before connecting', () => {
      assert.throws(() => new ZkClient({ connectString: 'zk1:99999' }), /port in "zk1:99999" must be a number from 1 to 65535/);
      assert.throws(() => new ZkClient({ connectString: 'zk1:2181,,zk2' }), /empty host entry/);
      assert.throws(() => new ZkClient({ connectString: 'zk1:2181/app/' }), /chroot/);
    });

    it('uses the next host of a multi-host connect string when one is down', async () => {
      const dead = await zookeeper.freePort();
      const c = await another({ connectString: `127.0.0.1:${dead},${server.connectString}`, connectTimeoutMs: 20000, spinDelayMs: 50 });
      assert.equal(c.state, 'connected');
      assert.ok((await c.exists(base)) !== undefined);
    });

    it('confines every operation to the chroot of the connect string', async () => {
      const chrooted = await another({ connectString: `${server.connectString}${base}` });
      const created = await chrooted.create('/inside', text('x'));
      assert.equal(created.path, '/inside');
      assert.ok(await client.exists(`${base}/inside`));
      assert.deepEqual((await chrooted.getChildren('/')).children, ['inside']);
      const seq = await chrooted.create('/e-', null, { mode: 'ephemeralSequential' });
      assert.match(seq.path, /^\/e-\d{10}$/);
      assert.deepEqual(await chrooted.getEphemerals('/'), [seq.path]);
      const events: WatchEvent[] = [];
      await chrooted.addWatch('/inside', 'persistent', (e) => events.push(e));
      await client.set(`${base}/inside`, text('y'));
      await eventually(() => events.length === 1, 5000, 'the watch event');
      assert.deepEqual(events[0], { type: 'dataChanged', path: '/inside' });
    });

    it('close() ends the session, releases the socket, and later calls fail with CLOSED', async () => {
      const c = await ZkClient.connect({ connectString: server.connectString });
      const eph = await c.create(`${base}/eph`, null, { mode: 'ephemeral' });
      await c.close();
      assert.equal(c.state, 'closed');
      assert.equal(await client.exists(eph.path), undefined, 'closing the session removes its ephemeral nodes at once');
      await rejectsWith(c.get(base), 'CLOSED', /connection is closed/);
    });

    it('close() while no server answers ends the retrying and fails what was waiting', async () => {
      const proxy = await startFaultProxy(server.connectString);
      try {
        proxy.refuse();
        const c = new ZkClient({ connectString: proxy.connectString, spinDelayMs: 20 });
        const pending = c.get('/').catch((e: unknown) => e);
        void c.start(600000).catch(() => undefined);
        // It is retrying: the proxy has turned several attempts away.
        await eventually(() => proxy.accepted >= 3, 30000, 'connection attempts');
        await c.close();
        const error = await pending;
        assert.ok(error instanceof ZkError && (error.code === 'CONNECTIONLOSS' || error.code === 'CLOSED'), String(error));
        assert.equal(c.state, 'closed');
      } finally {
        await proxy.close();
      }
    });
  });

  describe('reads and writes', () => {
    it('get returns data and stat; set with the read version bumps it', async () => {
      const { path, stat } = await client.create(`${base}/cfg`, text('{"a":1}'));
      assert.equal(stat.version, 0);
      const read = await client.get(path);
      assert.equal(read.data.toString(), '{"a":1}');
      assert.equal(read.stat.dataLength, 7);
      const after = await client.set(path, text('{"a":2}'), read.stat.version);
      assert.equal(after.version, 1);
      assert.ok(after.mzxid > read.stat.mzxid);
    });

    it('set with a stale version fails with BADVERSION and changes nothing', async () => {
      const { path } = await client.create(`${base}/cfg`, text('one'));
      await client.set(path, text('two'), 0);
      await rejectsWith(client.set(path, text('three'), 0), 'BADVERSION', /changed by another client since it was read \(expected version 0\)/);
      assert.equal((await client.get(path)).data.toString(), 'two');
    });

    it('an empty node reads as zero bytes and binary data round-trips byte for byte', async () => {
      const { path } = await client.create(`${base}/empty`);
      assert.equal((await client.get(path)).data.length, 0);
      const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      await client.set(path, all);
      assert.deepEqual((await client.get(path)).data, all);
    });

    it('exists returns undefined for a missing node and the stat otherwise', async () => {
      assert.equal(await client.exists(`${base}/nope`), undefined);
      const stat = await client.exists(base);
      assert.ok(stat);
      assert.equal(stat.ephemeralOwner, 0n);
    });

    it('errors name the operation, the path and what to do', async () => {
      await rejectsWith(client.get(`${base}/missing`), 'NONODE', /Could not read ".*\/missing": the node does not exist/);
      await rejectsWith(client.create(`${base}/a/b`), 'NONODE', /its parent does not exist/);
      await client.create(`${base}/dup`);
      await rejectsWith(client.create(`${base}/dup`), 'NODEEXISTS', /already exists/);
      await client.create(`${base}/dup/child`);
      await rejectsWith(client.delete(`${base}/dup`), 'NOTEMPTY', /still has children/);
      await rejectsWith(client.delete(`${base}/dup/child`, 5), 'BADVERSION');
      const eph = await client.create(`${base}/eph`, null, { mode: 'ephemeral' });
      await rejectsWith(client.create(`${eph.path}/child`), 'NOCHILDRENFOREPHEMERALS', /ephemeral nodes cannot have children/);
    });

    it('invalid paths are refused before anything is sent', async () => {
      await rejectsWith(client.get('relative'), 'INVALIDPATH');
      await rejectsWith(client.create(`${base}//x`), 'INVALIDPATH');
      await rejectsWith(client.create(`${base}/x/`), 'INVALIDPATH');
      await rejectsWith(client.set(`${base}/./x`, text('')), 'INVALIDPATH');
      await rejectsWith(client.delete(`${base}/a\u0000b`), 'INVALIDPATH');
    });

    it('delete honours the version', async () => {
      const { path } = await client.create(`${base}/v`, text('x'));
      await client.set(path, text('y'));
      await rejectsWith(client.delete(path, 0), 'BADVERSION');
      await client.delete(path, 1);
      assert.equal(await client.exists(path), undefined);
    });

    it('getChildren returns the names and the parent stat', async () => {
      await Promise.all(['b', 'a', 'c'].map((n) => client.create(`${base}/${n}`)));
      const { children, stat } = await client.getChildren(base);
      assert.deepEqual([...children].sort(), ['a', 'b', 'c']);
      assert.equal(stat.numChildren, 3);
      assert.equal(stat.cversion, 3);
    });

    it('refuses data over jute.maxbuffer before sending it, naming the limit, and accepts data at the limit', async () => {
      const { path } = await client.create(`${base}/big`);
      const error = await rejectsWith(client.set(path, Buffer.alloc(1024 * 1024 + 10)), 'DATATOOLARGE', /jute\.maxbuffer/);
      const limit = Number(error.details.limit);
      assert.match(error.message, /1\.00 MiB \(1048586 bytes\), over the server's limit of/);
      assert.equal(client.state, 'connected');
      await client.set(path, Buffer.alloc(limit, 7));
      assert.equal((await client.exists(path))!.dataLength, limit);
      await rejectsWith(client.set(path, Buffer.alloc(limit + 1, 7)), 'DATATOOLARGE');
      assert.equal(client.state, 'connected', 'the connection survives');
    });
  });

  describe('create modes', () => {
    it('persistent and persistent sequential', async () => {
      const p = await client.create(`${base}/p`, text('d'), { mode: 'persistent' });
      assert.equal(p.path, `${base}/p`);
      assert.equal(p.stat.ephemeralOwner, 0n);
      const s1 = await client.create(`${base}/q-`, null, { mode: 'persistentSequential' });
      const s2 = await client.create(`${base}/q-`, null, { mode: 'persistentSequential' });
      assert.match(s1.path, /\/q-\d{10}$/);
      assert.ok(s2.path > s1.path);
    });

    it('ephemeral and ephemeral sequential belong to the session', async () => {
      const e = await client.create(`${base}/e`, null, { mode: 'ephemeral' });
      assert.ok(isEphemeral(e.stat));
      assert.equal(e.stat.ephemeralOwner, client.sessionId);
      const es = await client.create(`${base}/lock-`, text('me'), { mode: 'ephemeralSequential' });
      assert.match(es.path, /\/lock-\d{10}$/);
      assert.equal(es.stat.ephemeralOwner, client.sessionId);
      const c = await another();
      const theirs = await c.create(`${base}/theirs`, null, { mode: 'ephemeral' });
      await c.close();
      assert.equal(await client.exists(theirs.path), undefined);
      assert.ok(await client.exists(e.path));
    });

    it('container: really a container (reaped once its last child goes), never a plain persistent node', async () => {
      const container = await client.create(`${base}/container`, null, { mode: 'container' });
      const plain = await client.create(`${base}/plain`);
      await client.create(`${container.path}/child`);
      await client.create(`${plain.path}/child`);
      await client.delete(`${container.path}/child`);
      await client.delete(`${plain.path}/child`);
      await eventually(async () => (await client.exists(container.path)) === undefined, 20000, 'the container to be reaped');
      assert.ok(await client.exists(plain.path), 'a persistent node is not reaped');
    });

    it('TTL and TTL sequential nodes', async () => {
      const ttl = await client.create(`${base}/ttl`, text('x'), { mode: 'ttl', ttlMs: 60000 });
      assert.equal(ttl.path, `${base}/ttl`);
      assert.equal(ttl.stat.ephemeralOwner, 0n, 'TTL nodes report no ephemeral owner');
      const seq = await client.create(`${base}/ttl-`, null, { mode: 'ttlSequential', ttlMs: 60000 });
      assert.match(seq.path, /\/ttl-\d{10}$/);
      const short = await client.create(`${base}/short`, null, { mode: 'ttl', ttlMs: 1 });
      await eventually(async () => (await client.exists(short.path)) === undefined, 20000, 'the TTL node to expire');
    });

    it('TTL without a valid time is refused locally', async () => {
      await rejectsWith(client.create(`${base}/t`, null, { mode: 'ttl' }), 'INVALIDARGUMENT', /time to live/);
      await rejectsWith(client.create(`${base}/t`, null, { mode: 'ttl', ttlMs: 0 }), 'INVALIDARGUMENT');
      await rejectsWith(client.create(`${base}/t`, null, { mode: 'persistent', ttlMs: 10 }), 'INVALIDARGUMENT', /only to the TTL modes/);
    });

    it('TTL on a server without extendedTypesEnabled says how to enable it', async () => {
      const plainServer = await zookeeper.startZooKeeper({ extendedTypes: false, install: true });
      try {
        const c = await ZkClient.connect({ connectString: plainServer.connectString });
        try {
          await rejectsWith(c.create('/ttl', null, { mode: 'ttl', ttlMs: 1000 }), 'UNIMPLEMENTED', /does not support TTL nodes\. Enable them with extendedTypesEnabled=true in zoo\.cfg/);
          const container = await c.create('/container', null, { mode: 'container' });
          assert.equal(container.path, '/container', 'containers need no flag');
        } finally {
          await c.close();
        }
      } finally {
        await plainServer.stop();
      }
    });
  });

  describe('ACLs and auth', () => {
    it('getACL/setACL with digest auth; others get NOAUTH with advice', async () => {
      const { path } = await client.create(`${base}/guarded`, text('s3cret'));
      const before = await client.getACL(path);
      assert.deepEqual(before.acl, [{ perms: Perm.all, id: { scheme: 'world', id: 'anyone' } }]);
      const stat = await client.setACL(path, [{ perms: Perm.all, id: { scheme: 'digest', id: digestId('alice', 'secret') } }], before.stat.aversion);
      assert.equal(stat.aversion, 1);
      await rejectsWith(client.get(path), 'NOAUTH', /Add credentials that the ACL grants/);
      const alice = await another({ digest: [{ user: 'alice', password: 'secret' }] });
      assert.equal((await alice.get(path)).data.toString(), 's3cret');
      const mallory = await another({ digest: [{ user: 'alice', password: 'wrong' }] });
      const error = await rejectsWith(mallory.get(path), 'NOAUTH');
      assert.doesNotMatch(error.message, /wrong|secret/, 'credentials never appear in messages');
      client.addDigest('alice', 'secret');
      assert.equal((await client.get(path)).data.toString(), 's3cret');
    });

    it('setACL with a stale version fails and an empty ACL is refused', async () => {
      const { path } = await client.create(`${base}/acl`);
      await rejectsWith(client.setACL(path, [{ perms: Perm.read, id: { scheme: 'world', id: 'anyone' } }], 3), 'BADVERSION');
      await rejectsWith(client.setACL(path, []), 'INVALIDACL');
    });

    it('whoAmI names the session identities', async () => {
      const alice = await another({ digest: [{ user: 'alice', password: 'secret' }] });
      const ids = await alice.whoAmI();
      assert.ok(ids.some((id) => id.scheme === 'ip' && id.user === '127.0.0.1'), JSON.stringify(ids));
      assert.ok(ids.some((id) => id.scheme === 'digest' && id.user === 'alice'), JSON.stringify(ids));
    });
  });

  describe('multi, sync, getEphemerals, getAllChildrenNumber', () => {
    it('multi applies all operations atomically and returns their results', async () => {
      const { path } = await client.create(`${base}/m`, text('0'));
      const results = await client.multi([
        { type: 'check', path, version: 0 },
        { type: 'set', path, data: text('1'), version: 0 },
        { type: 'create', path: `${path}/seq-`, data: text('x'), mode: 'persistentSequential' },
        { type: 'create', path: `${path}/c`, mode: 'container' },
        { type: 'create', path: `${path}/ttl`, mode: 'ttl', ttlMs: 60000 },
      ]);
      assert.equal(results.length, 5);
      assert.equal(results[1].stat!.version, 1);
      assert.match(results[2].path!, /\/seq-\d{10}$/);
      assert.equal(results[3].path, `${path}/c`);
      assert.equal((await client.get(path)).data.toString(), '1');
    });

    it('a failing check with version 0 rolls everything back (version 0 is not "any")', async () => {
      const { path } = await client.create(`${base}/m`, text('0'));
      await client.set(path, text('1'));
      const error = await rejectsWith(
        client.multi([
          { type: 'create', path: `${path}/new` },
          { type: 'check', path, version: 0 },
          { type: 'delete', path },
        ]),
        'BADVERSION',
        /nothing was applied, because operation 2 \(check\)/,
      );
      const results = error.details.results as { error?: string }[];
      assert.deepEqual(
        results.map((r) => r.error),
        ['RUNTIMEINCONSISTENCY', 'BADVERSION', 'RUNTIMEINCONSISTENCY'],
      );
      assert.equal(await client.exists(`${path}/new`), undefined);
      assert.ok(await client.exists(path));
    });

    it('sync succeeds on an existing path', async () => {
      await client.sync(base);
      await client.sync('/');
    });

    it('getEphemerals lists only this session\'s ephemeral nodes under the prefix', async () => {
      const mine = await client.create(`${base}/mine`, null, { mode: 'ephemeral' });
      const c = await another();
      await c.create(`${base}/theirs`, null, { mode: 'ephemeral' });
      const list = await client.getEphemerals(base);
      assert.deepEqual(list, [mine.path]);
      assert.deepEqual(await c.getEphemerals(base), [`${base}/theirs`]);
    });

    it('getAllChildrenNumber counts every descendant', async () => {
      await client.create(`${base}/a`);
      await client.create(`${base}/a/b`);
      await client.create(`${base}/a/b/c`);
      await client.create(`${base}/d`);
      assert.equal(await client.getAllChildrenNumber(base), 4);
      await rejectsWith(client.getAllChildrenNumber(`${base}/none`), 'NONODE');
    });
  });

  describe('watches', () => {
    it('one-shot data and child watches fire once', async () => {
      const { path } = await client.create(`${base}/w`, text('a'));
      const events: WatchEvent[] = [];
      await client.get(path, (e) => events.push(e));
      await client.getChildren(path, (e) => events.push(e));
      const other = await another();
      await other.set(path, text('b'));
      await other.create(`${path}/kid`);
      await other.set(path, text('c'));
      await eventually(() => events.length >= 2, 5000, 'two events');
      assert.deepEqual(events, [
        { type: 'dataChanged', path },
        { type: 'childrenChanged', path },
      ]);
    });

    it('exists on a missing node watches for its creation', async () => {
      const path = `${base}/later`;
      const events: WatchEvent[] = [];
      assert.equal(await client.exists(path, (e) => events.push(e)), undefined);
      await (await another()).create(path);
      await eventually(() => events.length === 1, 5000, 'the created event');
      assert.deepEqual(events[0], { type: 'created', path });
    });

    it('a persistent watch keeps firing; a recursive one sees descendants; remove() stops both', async () => {
      const { path } = await client.create(`${base}/pw`, text('0'));
      const flat: WatchEvent[] = [];
      const deep: WatchEvent[] = [];
      const w1 = await client.addWatch(path, 'persistent', (e) => flat.push(e));
      const w2 = await client.addWatch(path, 'persistentRecursive', (e) => deep.push(e));
      const other = await another();
      await other.set(path, text('1'));
      await other.set(path, text('2'));
      await other.create(`${path}/a`);
      await other.create(`${path}/a/b`, text('x'));
      await other.set(`${path}/a/b`, text('y'));
      await other.delete(`${path}/a/b`);
      await eventually(() => deep.length >= 6 && flat.length >= 3, 5000, 'watch events');
      assert.deepEqual(flat, [
        { type: 'dataChanged', path },
        { type: 'dataChanged', path },
        { type: 'childrenChanged', path },
      ]);
      assert.deepEqual(deep, [
        { type: 'dataChanged', path },
        { type: 'dataChanged', path },
        { type: 'created', path: `${path}/a` },
        { type: 'created', path: `${path}/a/b` },
        { type: 'dataChanged', path: `${path}/a/b` },
        { type: 'deleted', path: `${path}/a/b` },
      ]);
      await w1.remove();
      await w2.remove();
      assert.deepEqual(client.listPersistentWatches(), []);
      await other.set(path, text('3'));
      await other.sync(path);
      await client.sync(path);
      await client.get(path);
      assert.equal(flat.length, 3);
      assert.equal(deep.length, 6);
    });

    it('a one-shot children watch taken over by a recursive watch, or removed with it, is released so its owner lists again', async () => {
      // ZooKeeper 3.6–3.8 keep one mode per path and session: addWatch(recursive) turns the path's
      // one-shot children watch into a recursive one (which never sends childrenChanged), and
      // removeWatches("any") removes it. Both would leave a live listing (the explorer's) deaf.
      const { path } = await client.create(`${base}/live`);
      const other = await another();
      const fired: string[] = [];
      const listener = (tag: string) => (e: WatchEvent) => fired.push(`${tag} ${e.type} ${e.path}`);
      await client.getChildren(path, listener('before'));
      const recursive = await client.addWatch(path, 'persistentRecursive', () => undefined);
      // Released the moment addWatch answered (before its promise resolved), not later.
      assert.deepEqual(fired, [`before childrenChanged ${path}`]);
      await client.getChildren(path, listener('relisted'));
      await other.create(`${path}/a`);
      await eventually(() => fired.includes(`relisted childrenChanged ${path}`), 10000, 'the relisted watch to fire under the recursive watch');
      await client.getChildren(path, listener('armed'));
      await recursive.remove();
      assert.ok(fired.includes(`armed childrenChanged ${path}`), `released on remove: ${fired.join(', ')}`);
      await client.getChildren(path, listener('after'));
      await other.create(`${path}/b`);
      await eventually(() => fired.includes(`after childrenChanged ${path}`), 10000, 'a children watch set after the removal to fire');
    });

    it('removeWatches of a kind that is not set says so', async () => {
      await rejectsWith(client.removeWatches(base, 'data'), 'NOWATCHER', /no such watch/);
    });
  });

  describe('faults: session expiry, half-open connections, a slow or restarting server', () => {
    let proxy: FaultProxy;

    /** A client that talks to the shared server through the fault proxy. */
    const proxied = (options: Partial<Parameters<typeof ZkClient.connect>[0]> = {}): Promise<ZkClient> =>
      another({ connectString: proxy.connectString, sessionTimeoutMs: 4000, spinDelayMs: 50, ...options });

    beforeEach(async () => {
      proxy = await startFaultProxy(server.connectString);
    });

    afterEach(async () => {
      await proxy.close();
    });

    it('after a forced expiry it builds a new session, tells listeners, and re-adds persistent watches', async () => {
      const c = await proxied();
      const eph = await c.create(`${base}/eph`, null, { mode: 'ephemeral' });
      const states: string[] = [];
      c.onStateChange(({ state }) => states.push(state));
      const renewed = new Promise<{ previousSessionId: bigint; sessionId: bigint }>((resolve) => c.onSessionRenewed(resolve));
      const events: WatchEvent[] = [];
      await c.addWatch(base, 'persistentRecursive', (e) => events.push(e));
      const oldSession = c.sessionId;
      await expireSession(c, proxy, server.connectString, { under: base });
      const renewal = await renewed;
      assert.equal(renewal.previousSessionId, oldSession);
      assert.notEqual(renewal.sessionId, oldSession);
      assert.equal(c.sessionId, renewal.sessionId);
      assert.equal(c.state, 'connected');
      assert.ok(states.includes('expired'), states.join(','));
      assert.equal(await c.exists(eph.path), undefined, 'the old session\'s ephemeral node is gone');
      await client.create(`${base}/after`);
      await eventually(() => events.some((e) => e.path === `${base}/after`), 10000, 'an event on the new session');
    });

    it('a half-open connection shorter than the session timeout: detected, dropped, and the same session resumed', async () => {
      // A long session timeout, so that the client's read timeout (2/3 of it) leaves ample time to
      // reconnect before the server would expire the session, even on a busy machine.
      const c = await proxied({ sessionTimeoutMs: 20000, operationTimeoutMs: 120000 });
      const { path } = await c.create(`${base}/n`, text('before'));
      const eph = await c.create(`${base}/eph`, null, { mode: 'ephemeral' });
      const session = c.sessionId;
      const states: string[] = [];
      c.onStateChange(({ state }) => states.push(state));
      proxy.blackHole();
      // Sent into the black hole: the request never reaches the server and its reply never comes back.
      const lost = c.set(path, text('into the black hole')).catch((e: unknown) => e);
      await eventually(() => proxy.clientBytes().includes('into the black hole'), 10000, 'the write to reach the proxy');
      proxy.pass();
      // The connection lost bytes: it stays silent for good, like a real half-open one. Only the
      // client's own read timeout can notice.
      await c.waitFor((s) => s === 'suspended', 60000);
      const error = await lost;
      assert.ok(error instanceof ZkError && error.code === 'CONNECTIONLOSS', String(error));
      assert.match(error.message, /connection/i);
      await c.waitFor((s) => s === 'connected', 60000);
      assert.equal(c.sessionId, session, 'the same session');
      assert.deepEqual(states, ['suspended', 'connected']);
      assert.ok(await client.exists(eph.path), 'the session kept its ephemeral node');
      assert.equal((await client.get(path)).data.toString(), 'before', 'the write in the black hole was not applied');
      await c.set(path, text('after'));
      assert.equal((await client.get(path)).data.toString(), 'after');
    });

    it('a half-open connection longer than the session timeout: detected, then "expired" and a new session', async () => {
      const c = await proxied();
      const states: string[] = [];
      c.onStateChange(({ state }) => states.push(state));
      const eph = await c.create(`${base}/eph`, null, { mode: 'ephemeral' });
      const session = c.sessionId;
      proxy.blackHole();
      // The client notices the silence by itself, before the server gives up on the session.
      await c.waitFor((s) => s === 'suspended', 60000);
      await eventually(async () => (await client.exists(eph.path)) === undefined, 60000, 'the server to expire the session');
      assert.equal(c.state, 'suspended', 'it cannot reach the server through the black hole');
      proxy.pass();
      await eventually(() => c.state === 'connected' && c.sessionId !== session, 60000, 'a new session');
      assert.deepEqual(states.slice(0, 2), ['suspended', 'expired']);
      assert.equal(states.at(-1), 'connected');
      assert.ok(await c.exists(base));
    });

    it('a slow server (250 ms each way) still works, and its slowness is not taken for a dead connection', async () => {
      const c = await proxied();
      const states: string[] = [];
      c.onStateChange(({ state }) => states.push(state));
      const session = c.sessionId;
      proxy.delay(250);
      // Sequential round trips of at least 500 ms each: together longer than the session timeout, so
      // several pings are answered late and the read timeout is tested against a live, slow server.
      for (let i = 0; i < 10; i++) await c.create(`${base}/slow-${i}`, text(String(i)));
      const results = await c.multi([
        { type: 'check', path: base, version: 0 },
        { type: 'set', path: `${base}/slow-0`, data: text('multi'), version: 0 },
      ]);
      assert.equal(results.length, 2);
      assert.equal((await c.getChildren(base)).children.length, 10);
      assert.equal((await c.get(`${base}/slow-0`)).data.toString(), 'multi');
      assert.equal(c.sessionId, session);
      assert.deepEqual(states, [], 'the connection never dropped');
    });

    it('a restarting server (refusing, then taking connections again) keeps the session and runs what was queued', async () => {
      const c = await proxied({ sessionTimeoutMs: 20000 });
      const session = c.sessionId;
      const eph = await c.create(`${base}/held`, null, { mode: 'ephemeral' });
      proxy.refuse();
      await c.waitFor((s) => s === 'suspended', 30000);
      const queued = c.create(`${base}/queued-while-down`);
      await eventually(() => proxy.accepted >= 3, 30000, 'refused reconnect attempts');
      proxy.pass();
      await queued;
      assert.equal(c.sessionId, session);
      assert.ok(await client.exists(eph.path));
      assert.ok(await client.exists(`${base}/queued-while-down`));
    });

    it('connection attempts reset before the handshake do not make the server replay watch events more than once', async () => {
      const c = await proxied({ sessionTimeoutMs: 20000 });
      const { path } = await c.create(`${base}/w`, text('0'));
      const fired: WatchEvent[] = [];
      await c.get(path, () => undefined);
      c.onAnyWatchEvent((e) => fired.push(e));
      // The server behind the proxy is gone: each attempt connects to the proxy (so the client queues
      // its handshake) and is reset once the proxy finds nothing behind it, as with a dead ensemble member.
      proxy.retarget(`127.0.0.1:${await zookeeper.freePort()}`);
      proxy.reset();
      await c.waitFor((s) => s === 'suspended', 30000);
      const accepted = proxy.accepted;
      await eventually(() => proxy.accepted >= accepted + 3, 30000, 'reset attempts');
      await client.set(path, text('1'));
      proxy.retarget(server.connectString);
      await c.waitFor((s) => s === 'connected', 30000);
      await eventually(() => fired.length >= 1, 10000, 'the event the server replays on reconnect');
      // Any second replay would be answered before this later request.
      await c.get(path);
      assert.deepEqual(fired, [{ type: 'dataChanged', path }]);
    });

    it('a reset connection (RST) is re-made on the same session', async () => {
      const c = await proxied({ sessionTimeoutMs: 20000 });
      const session = c.sessionId;
      const suspended = c.waitFor((s) => s === 'suspended', 30000);
      proxy.reset();
      await suspended;
      await c.waitFor((s) => s === 'connected', 30000);
      assert.equal(c.sessionId, session);
      assert.ok(await c.exists(base));
    });

    it('operations time out with a clear message when the server does not answer', async () => {
      const c = await proxied({ operationTimeoutMs: 800 });
      proxy.refuse();
      await c.waitFor((s) => s === 'suspended', 30000);
      await rejectsWith(c.get('/'), 'OPERATIONTIMEOUT', /no answer from ZooKeeper within 800 ms \(connection suspended\)/);
    });

    it('an operation timeout given as a function is read at each request: a change applies to the next one, on the same connection', async () => {
      let timeoutMs = 600;
      const c = await proxied({ operationTimeoutMs: () => timeoutMs, sessionTimeoutMs: 20000 });
      const accepted = proxy.accepted;
      proxy.blackHole();
      await rejectsWith(c.get('/'), 'OPERATIONTIMEOUT', /no answer from ZooKeeper within 600 ms/);
      timeoutMs = 900;
      assert.equal(c.operationTimeoutMs, 900);
      await rejectsWith(c.get('/'), 'OPERATIONTIMEOUT', /no answer from ZooKeeper within 900 ms/);
      proxy.pass();
      assert.equal(proxy.accepted, accepted, 'one connection throughout');
    });

    it('keeps its session across a real server restart within the session timeout', async () => {
      const lone = await zookeeper.startZooKeeper({ install: true });
      const c = await ZkClient.connect({ connectString: lone.connectString, sessionTimeoutMs: 20000, spinDelayMs: 100 });
      try {
        const eph = await c.create('/held', null, { mode: 'ephemeral' });
        const session = c.sessionId;
        const queued = (async () => {
          await c.waitFor((s) => s === 'suspended', 10000);
          return c.create('/queued-while-down');
        })();
        await lone.restart();
        await queued;
        await c.waitFor((s) => s === 'connected', 20000);
        assert.equal(c.sessionId, session);
        assert.ok(await c.exists(eph.path));
        assert.ok(await c.exists('/queued-while-down'));
      } finally {
        await c.close();
        await lone.stop();
      }
    });
  });
});
