import * as assert from 'node:assert/strict';
import { ZkClient, type WatchEvent, type ZkClientOptions } from '../../../../src/zk/client';
import { ZkError } from '../../../../src/zk/errors';
import { EventLog } from '../../../../src/zk/watch/eventLog';
import type { WatchEventRecord, WatchEventType, WatchManagerOptions, WatchNotice } from '../../../../src/zk/watch/types';
import { WatchManager } from '../../../../src/zk/watch/watchManager';
import { startFaultProxy, type FaultProxy } from '../../../support/faultProxy';
import { eventually, expireSession } from '../../../support/session';
import { sharedZooKeeper, zookeeper, type Ensemble, type EnsembleServer, type ZooKeeperServer } from '../../../support/zookeeper';

const text = (s: string): Buffer => Buffer.from(s, 'utf8');
const str = (data: Uint8Array | undefined): string | undefined => (data === undefined ? undefined : Buffer.from(data).toString('utf8'));

/** Everything a manager tells: records (with data captured later applied to them) and notices. */
class Recorder {
  readonly records: WatchEventRecord[] = [];
  readonly notices: WatchNotice[] = [];
  private readonly bySeq = new Map<number, WatchEventRecord>();

  constructor(readonly manager: WatchManager) {
    manager.onEvent((record) => {
      const copy = { ...record };
      this.records.push(copy);
      this.bySeq.set(copy.seq, copy);
    });
    manager.onDidCapture((capture) => {
      const record = this.bySeq.get(capture.seq);
      assert.ok(record, `a capture for an unknown record ${capture.seq}`);
      assert.equal(record.path, capture.path);
      record.after = capture.after;
    });
    manager.onNotice((notice) => this.notices.push(notice));
  }

  of(path: string, ...types: WatchEventType[]): WatchEventRecord[] {
    return this.records.filter((r) => r.path === path && (types.length === 0 || types.includes(r.type)));
  }

  describe(): string {
    return this.records
      .map((r) => `${r.seq} ${r.type} ${r.path} ${r.before?.version ?? '-'}→${r.after?.version ?? '-'} ${r.detectedBy}${r.added ? ` +[${r.added.join()}]` : ''}${r.removed ? ` -[${r.removed.join()}]` : ''}`)
      .join('\n');
  }

  /** dataChanged records of a path form one unbroken chain of versions ending at `version`, the last with `data`. */
  assertChain(path: string, version: number, data?: string): void {
    const changes = this.of(path, 'dataChanged');
    assert.ok(changes.length > 0, `no dataChanged for ${path}:\n${this.describe()}`);
    for (let i = 1; i < changes.length; i++) {
      assert.equal(changes[i].before?.version, changes[i - 1].after?.version, `a hole in the versions of ${path}:\n${this.describe()}`);
    }
    for (const change of changes) assert.ok(change.after !== undefined && change.before !== undefined, `unknown versions:\n${this.describe()}`);
    const last = changes.at(-1)!;
    assert.equal(last.after?.version, version, this.describe());
    if (data !== undefined) assert.equal(str(last.after?.data), data);
  }
}

/** One fault proxy in front of each member of an ensemble: clients connect through them. */
interface ProxiedEnsemble {
  connectString: string;
  proxies: FaultProxy[];
  /** The member `client` is talking to (through its proxy). */
  memberOf(client: ZkClient): EnsembleServer;
  close(): Promise<void>;
}

async function proxyEnsemble(ensemble: Ensemble): Promise<ProxiedEnsemble> {
  const proxies = await Promise.all(ensemble.servers.map((s) => startFaultProxy(`127.0.0.1:${s.port}`)));
  return {
    connectString: proxies.map((p) => p.connectString).join(','),
    proxies,
    memberOf(client) {
      const port = Number(/:(\d+)$/.exec(client.serverAddress ?? '')?.[1]);
      const index = proxies.findIndex((p) => p.port === port);
      assert.ok(index >= 0, `${client.serverAddress ?? 'no address'} is not one of the proxies`);
      return ensemble.servers[index];
    },
    close: async () => {
      await Promise.all(proxies.map((p) => p.close()));
    },
  };
}

describe('WatchManager against a real ZooKeeper', function () {
  this.timeout(60000);
  let server: ZooKeeperServer;
  let writer: ZkClient;
  let base: string;
  const cleanup: (() => Promise<unknown>)[] = [];

  const connect = async (options: Partial<ZkClientOptions> = {}): Promise<ZkClient> => {
    const client = await ZkClient.connect({ connectString: server.connectString, sessionTimeoutMs: 10000, ...options });
    cleanup.push(() => client.close());
    return client;
  };
  const manage = (client: ZkClient, options: WatchManagerOptions = {}): { manager: WatchManager; rec: Recorder } => {
    const manager = new WatchManager(client, options);
    cleanup.push(() => manager.dispose());
    return { manager, rec: new Recorder(manager) };
  };

  before(async () => {
    server = await sharedZooKeeper();
    writer = await ZkClient.connect({ connectString: server.connectString });
  });

  beforeEach(async function () {
    base = `/watch-${this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}-${Date.now()}`;
    await writer.create(base);
  });

  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  });

  after(async () => {
    await writer.close();
  });

  it('detects persistent watches on ZooKeeper 3.6+ and says nothing about a fallback', async () => {
    const { manager, rec } = manage(await connect());
    assert.equal(manager.mode, 'unknown');
    await manager.add({ path: base, kind: 'data' });
    assert.equal(manager.mode, 'persistent');
    assert.deepEqual(manager.list(), [{ path: base, kind: 'data' }]);
    assert.deepEqual(rec.notices, []);
  });

  it('falls back to one-shot watches when the server answers addWatch with UNIMPLEMENTED, and says so', async () => {
    const real = await connect();
    const old = new Proxy(real, {
      get(target, property) {
        if (property === 'addWatch') return () => Promise.reject(new ZkError('UNIMPLEMENTED', 'watch', undefined, undefined, { feature: 'persistent watches' }));
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const { manager, rec } = manage(old);
    await writer.create(`${base}/n`, text('0'));
    await Promise.all([manager.add({ path: `${base}/n`, kind: 'data' }), manager.add({ path: base, kind: 'children' })]);
    assert.equal(manager.mode, 'one-shot');
    assert.equal(rec.notices.filter((n) => n.level === 'warning' && /does not support persistent watches/.test(n.message)).length, 1, JSON.stringify(rec.notices));
    await writer.set(`${base}/n`, text('1'));
    await writer.create(`${base}/m`);
    await eventually(() => rec.of(`${base}/n`, 'dataChanged').length === 1 && rec.of(base, 'childrenChanged').length === 1, 10000, 'events through one-shot watches');
    assert.deepEqual(rec.of(base, 'childrenChanged')[0].added, ['m']);
  });

  for (const mode of ['persistent', 'one-shot'] as const) {
    describe(`${mode} mode`, () => {
      const options: WatchManagerOptions = { persistent: mode === 'persistent' };

      it('data: a change reports the versions and the data before and after', async () => {
        const path = `${base}/config`;
        await writer.create(path, text('a'));
        const { manager, rec } = manage(await connect(), options);
        await manager.add({ path, kind: 'data' });
        assert.equal(manager.mode, mode);
        await writer.set(path, text('b'));
        await eventually(() => rec.of(path)[0]?.after?.data !== undefined, 10000, 'the change with its data');
        const [change] = rec.records;
        assert.equal(change.type, 'dataChanged');
        assert.equal(change.detectedBy, 'event');
        assert.deepEqual(change.watch, { path, kind: 'data' });
        assert.equal(change.before?.version, 0);
        assert.equal(str(change.before?.data), 'a');
        assert.equal(change.after?.version, 1);
        assert.equal(str(change.after?.data), 'b');
        assert.ok(Math.abs(change.time - Date.now()) < 60000, 'the time is ms since the epoch');
        await writer.set(path, text('c'));
        await eventually(() => rec.records.length === 2 && rec.records[1].after?.data !== undefined, 10000, 'the second change');
        assert.equal(str(rec.records[1].before?.data), 'b', 'the data captured for v1 is the before of v2');
        assert.equal(str(rec.records[1].after?.data), 'c');
        assert.ok(rec.records[1].seq > rec.records[0].seq);
      });

      it('data: deletion and re-creation are reported, and the re-created node stays watched', async () => {
        const path = `${base}/lock`;
        await writer.create(path, text('x'));
        const { manager, rec } = manage(await connect(), options);
        await manager.add({ path, kind: 'data' });
        await writer.delete(path);
        await eventually(() => rec.of(path, 'deleted').length === 1, 10000, 'deleted');
        assert.equal(rec.of(path, 'deleted')[0].before?.version, 0);
        await writer.create(path, text('y'));
        await eventually(() => rec.of(path, 'created')[0]?.after?.data !== undefined, 10000, 'created with its data');
        assert.equal(str(rec.of(path, 'created')[0].after?.data), 'y');
        await writer.set(path, text('z'));
        await eventually(() => rec.of(path, 'dataChanged').length === 1, 10000, 'a change of the new node');
        const change = rec.of(path, 'dataChanged')[0];
        assert.equal(change.before?.version, 0);
        assert.equal(change.after?.version, 1);
        // In one-shot mode the node may be created again before the watch is re-armed: then re-reading finds it.
        const creation = mode === 'one-shot' && rec.records[1].detectedBy === 'gap' ? 'gap' : 'event';
        assert.deepEqual(
          rec.records.map((r) => `${r.type}/${r.detectedBy}`),
          ['deleted/event', `created/${creation}`, 'dataChanged/event'],
        );
      });

      it('data: a node that does not exist yet is reported when it is created', async () => {
        const path = `${base}/later`;
        const { manager, rec } = manage(await connect(), options);
        await manager.add({ path, kind: 'data' });
        await writer.create(path, text('born'));
        await eventually(() => rec.of(path, 'created')[0]?.after?.data !== undefined, 10000, 'created');
        assert.equal(rec.records.length, 1, rec.describe());
        assert.equal(rec.records[0].before, undefined);
      });

      it('children: names added and removed; the node deleted and re-created', async () => {
        const path = `${base}/services`;
        await writer.create(path);
        await writer.create(`${path}/old`);
        const { manager, rec } = manage(await connect(), options);
        await manager.add({ path, kind: 'children' });
        await writer.create(`${path}/a`);
        await eventually(() => rec.records.length === 1, 10000, 'the first children change');
        assert.deepEqual(rec.records[0], { ...rec.records[0], type: 'childrenChanged', added: ['a'], removed: [], detectedBy: 'event' });
        await writer.delete(`${path}/old`);
        await eventually(() => rec.records.length === 2, 10000, 'the second children change');
        assert.deepEqual([rec.records[1].added, rec.records[1].removed], [[], ['old']]);
        await writer.delete(`${path}/a`);
        await writer.delete(path);
        await eventually(() => rec.of(path, 'deleted').length === 1, 10000, 'deleted');
        await writer.create(path);
        await writer.create(`${path}/b`);
        await eventually(() => rec.of(path, 'created').length === 1 && rec.records.at(-1)?.added?.includes('b') === true, 10000, 'created and b');
        // Whatever was coalesced, replaying the records gives the server's children.
        const names = new Set(['old']);
        for (const r of rec.records) {
          if (r.type === 'deleted') names.clear();
          for (const n of r.added ?? []) names.add(n);
          for (const n of r.removed ?? []) names.delete(n);
        }
        assert.deepEqual([...names], ['b'], rec.describe());
      });

      it('subtree: creations, changes and deletions deep down', async () => {
        const root = `${base}/tree`;
        await writer.create(root);
        await writer.create(`${root}/x`, text('x0'));
        const { manager, rec } = manage(await connect(), options);
        await manager.add({ path: root, kind: 'subtree' });
        await writer.create(`${root}/a`);
        await writer.create(`${root}/a/b`);
        await writer.create(`${root}/a/b/c`, text('c0'));
        await eventually(() => rec.of(`${root}/a/b/c`, 'created').length === 1, 10000, 'c created');
        await writer.set(`${root}/a/b/c`, text('c1'));
        await writer.set(`${root}/x`, text('x1'));
        await eventually(() => rec.of(`${root}/a/b/c`, 'dataChanged')[0]?.after?.data !== undefined && rec.of(`${root}/x`, 'dataChanged')[0]?.after?.data !== undefined, 10000, 'changes');
        const c = rec.of(`${root}/a/b/c`, 'dataChanged')[0];
        assert.deepEqual([c.before?.version, c.after?.version, str(c.after?.data)], [0, 1, 'c1']);
        const x = rec.of(`${root}/x`, 'dataChanged')[0];
        assert.deepEqual([x.before?.version, str(x.before?.data), x.after?.version, str(x.after?.data)], [0, 'x0', 1, 'x1'], 'the data of loaded nodes is known before their first change');
        await writer.delete(`${root}/a/b/c`);
        await writer.delete(`${root}/a/b`);
        await eventually(() => rec.of(`${root}/a/b`, 'deleted').length === 1 && rec.of(`${root}/a/b/c`, 'deleted').length === 1, 10000, 'deletions');
        for (const r of rec.records) assert.equal(r.watch.kind, 'subtree');
        const created = rec.records.filter((r) => r.type === 'created').map((r) => r.path);
        assert.deepEqual(created, [`${root}/a`, `${root}/a/b`, `${root}/a/b/c`], rec.describe());
        assert.ok(rec.records.every((r) => r.detectedBy === 'event' || (mode === 'one-shot' && r.detectedBy === 'gap')), rec.describe());
        if (mode === 'one-shot') assert.ok(rec.notices.some((n) => /one-shot watches on each of its 2 nodes/.test(n.message)), JSON.stringify(rec.notices));
        // Nodes created under a new node are watched too.
        await writer.create(`${root}/a/b`);
        await writer.create(`${root}/a/b/d`, text('d0'));
        await eventually(() => rec.of(`${root}/a/b/d`, 'created').length === 1, 10000, 'd created');
        await writer.set(`${root}/a/b/d`, text('d1'));
        await eventually(() => rec.of(`${root}/a/b/d`, 'dataChanged').length === 1, 10000, 'd changed');
      });

      it('subtree: the root deleted and re-created keeps being watched', async () => {
        const root = `${base}/tree`;
        await writer.create(root);
        const { manager, rec } = manage(await connect(), options);
        await manager.add({ path: root, kind: 'subtree' });
        await writer.delete(root);
        await eventually(() => rec.of(root, 'deleted').length === 1, 10000, 'root deleted');
        await writer.create(root, text('again'));
        await writer.create(`${root}/kid`, text('k'));
        await eventually(() => rec.of(root, 'created').length === 1 && rec.of(`${root}/kid`, 'created').length === 1, 10000, 'root and kid created');
        await writer.set(`${root}/kid`, text('k2'));
        await eventually(() => rec.of(`${root}/kid`, 'dataChanged').length === 1, 10000, 'kid changed');
      });

      it('rapid changes: every version accounted for, and the last state always reported with its data', async () => {
        const path = `${base}/hot`;
        await writer.create(path, text('v0'));
        const { manager, rec } = manage(await connect(), options);
        await manager.add({ path, kind: 'data' });
        const readsBefore = manager.stats.reads;
        // 200 changes in one transaction: the server sends 200 notifications back to back.
        await writer.multi(Array.from({ length: 200 }, (_, i) => ({ type: 'set' as const, path, data: text(`v${i + 1}`) })));
        await eventually(() => rec.of(path).at(-1)?.after?.version === 200 && rec.of(path).at(-1)?.after?.data !== undefined, 10000, 'version 200 with its data');
        rec.assertChain(path, 200, 'v200');
        if (mode === 'persistent') {
          assert.equal(rec.records.length, 200, 'one record per notification');
          assert.ok(manager.stats.reads - readsBefore <= 3, `the reads were coalesced: ${manager.stats.reads - readsBefore}`);
          assert.equal(rec.records.filter((r) => r.after?.data !== undefined).length, 1, 'only the version that was read has data');
        } else {
          assert.ok(rec.records.some((r) => r.detectedBy === 'gap'), 'the one-shot watch fired once; the rest was found by re-reading');
        }
        // Then 300 separate writes, pipelined.
        await Promise.all(Array.from({ length: 300 }, (_, i) => writer.set(path, text(`w${i + 1}`))));
        await eventually(() => rec.of(path).at(-1)?.after?.version === 500 && rec.of(path).at(-1)?.after?.data !== undefined, 10000, 'version 500 with its data');
        rec.assertChain(path, 500, 'w300');
      });

      it('children: a burst of creations is coalesced into fewer records, and every name arrives', async () => {
        const path = `${base}/burst`;
        await writer.create(path);
        const { manager, rec } = manage(await connect(), options);
        await manager.add({ path, kind: 'children' });
        await writer.multi(Array.from({ length: 100 }, (_, i) => ({ type: 'create' as const, path: `${path}/n${i}` })));
        await eventually(() => rec.records.flatMap((r) => r.added ?? []).length === 100, 10000, 'all 100 names');
        assert.ok(rec.records.length < 100, `${rec.records.length} records`);
        assert.equal(new Set(rec.records.flatMap((r) => r.added ?? [])).size, 100);
      });

      if (mode === 'one-shot') {
        it('re-arm: a change made between the event and the re-arm is reported as found after re-arming', async () => {
          const path = `${base}/gap`;
          await writer.create(path, text('0'));
          let hooked = 0;
          const { manager, rec } = manage(await connect(), {
            ...options,
            hooks: {
              beforeRearm: async (p, aspect) => {
                if (p === path && aspect === 'data' && hooked++ === 0) await writer.set(path, text('in the gap'));
              },
            },
          });
          await manager.add({ path, kind: 'data' });
          await writer.set(path, text('1'));
          await eventually(() => rec.records.length === 2 && rec.records[1].after?.data !== undefined, 10000, 'the event and the gap');
          const [event, gap] = rec.records;
          assert.deepEqual([event.type, event.detectedBy, event.before?.version, event.after?.version], ['dataChanged', 'event', 0, 1]);
          assert.equal(event.after?.data, undefined, 'version 1 was never read');
          assert.deepEqual([gap.type, gap.detectedBy, gap.before?.version, gap.after?.version, str(gap.after?.data)], ['dataChanged', 'gap', 1, 2, 'in the gap']);
          // And it is re-armed: the next change is an event again.
          await writer.set(path, text('3'));
          await eventually(() => rec.records.length === 3, 10000, 'the next event');
          assert.deepEqual([rec.records[2].detectedBy, rec.records[2].after?.version], ['event', 3]);
        });

        it('re-arm: children created and a node deleted in the gap of a subtree are found', async () => {
          const root = `${base}/tree`;
          await writer.create(root);
          await writer.create(`${root}/a`);
          let hooked = 0;
          const { manager, rec } = manage(await connect(), {
            ...options,
            hooks: {
              beforeRearm: async (p, aspect) => {
                if (p === root && aspect === 'children' && hooked++ === 0) {
                  await writer.create(`${root}/b`);
                  await writer.delete(`${root}/a`);
                }
              },
            },
          });
          await manager.add({ path: root, kind: 'subtree' });
          await writer.create(`${root}/first`);
          await eventually(() => rec.of(`${root}/b`, 'created').length === 1 && rec.of(`${root}/a`, 'deleted').length === 1, 10000, 'b and a');
          assert.equal(rec.of(`${root}/first`, 'created').length, 1, rec.describe());
        });
      } else {
        it('survives a one-shot watch set by the same client on a watched path (ZOOKEEPER-4466 on 3.6–3.8)', async () => {
          const path = `${base}/shared`;
          await writer.create(path);
          await writer.create(`${path}/sub`);
          const client = await connect();
          const { manager, rec } = manage(client, options);
          await manager.add({ path, kind: 'children' });
          await manager.add({ path: `${path}/sub`, kind: 'subtree' });
          // What the explorer does when it lists a node: a one-shot children watch, and a data watch for an open document.
          const oneShots: WatchEvent[] = [];
          await client.getChildren(path, (e) => oneShots.push(e));
          await client.get(`${path}/sub`, (e) => oneShots.push(e));
          for (let i = 0; i < 3; i++) await writer.create(`${path}/c${i}`);
          await writer.set(`${path}/sub`, text('1'));
          await writer.create(`${path}/sub/deep`);
          await writer.set(`${path}/sub/deep`, text('2'));
          await eventually(() => rec.records.flatMap((r) => r.added ?? []).length === 3 && rec.of(`${path}/sub/deep`, 'dataChanged').length === 1, 10000, 'every change');
          assert.deepEqual(
            oneShots.map((e) => e.type),
            ['childrenChanged', 'dataChanged'],
            'the one-shot listeners fired once each',
          );
          assert.equal(rec.of(`${path}/sub`, 'dataChanged').length, 1);
        });
      }
    });
  }

  it('client: a notification right behind the reply that set a watch reaches the new listener', async () => {
    const client = await connect();
    const path = `${base}/race`;
    await client.create(path);
    let oneShot = 0;
    let persistent = 0;
    for (let i = 0; i < 50; i++) {
      // Pipelined: the server answers the watch request and sends the notification of the write right behind it.
      const got = client.get(path, () => oneShot++);
      await Promise.all([got, client.set(path, text(`${i}`))]);
      const added = client.addWatch(path, 'persistent', () => persistent++);
      const [watch] = await Promise.all([added, client.set(path, text(`p${i}`))]);
      await client.sync(path);
      await client.get(path);
      await watch.remove();
    }
    await eventually(() => oneShot === 50 && persistent === 50, 5000, `all 50 of each (one-shot ${oneShot}, persistent ${persistent})`);
  });

  it('storm safety: capture reads stay within their bounds, and every node still gets the data of its newest version', async () => {
    const root = `${base}/storm`;
    await writer.create(root);
    const leaves = Array.from({ length: 60 }, (_, i) => `${root}/n${i}`);
    await writer.multi(leaves.map((p) => ({ type: 'create' as const, path: p, data: text('0') })));
    const { manager, rec } = manage(await connect(), { captureConcurrency: 4, maxCapturesPerSecond: 50, subtreePreloadNodes: 0 });
    await manager.add({ path: root, kind: 'subtree' });
    for (let round = 1; round <= 3; round++) await writer.multi(leaves.map((p) => ({ type: 'set' as const, path: p, data: text(`${round}`) })));
    // Every notification is a record at once, data or not.
    await eventually(() => rec.records.length === 180, 10000, '180 records');
    await eventually(() => leaves.every((p) => str(rec.of(p).at(-1)?.after?.data) === '3'), 20000, 'the newest data of every node');
    assert.ok(manager.stats.capturePeak <= 4, `at most 4 capture reads at once, saw ${manager.stats.capturePeak}`);
    assert.ok(manager.stats.capturesSkipped > 0, 'some captures were put off');
    assert.ok(manager.stats.captures < 180, `not every record got data: ${manager.stats.captures}`);
    for (const p of leaves) rec.assertChain(p, 3, '3');
  });

  it('feeds an EventLog: entries newest first, with the data captured after the event', async () => {
    const path = `${base}/logged`;
    await writer.create(path, text('one'));
    const manager = new WatchManager(await connect());
    cleanup.push(() => manager.dispose());
    const log = new EventLog(10);
    cleanup.push(() => Promise.resolve(log.dispose()));
    log.attach(manager, 'local');
    await manager.add({ path, kind: 'data' });
    await writer.set(path, text('two'));
    await writer.set(path, text('three'));
    await eventually(() => log.entries()[0]?.after?.data !== undefined && log.size === 2, 10000, 'two entries with data');
    const [newest, older] = log.entries();
    assert.equal(newest.connection, 'local');
    assert.deepEqual([older.after?.version, newest.after?.version], [1, 2]);
    assert.equal(str(newest.after?.data), 'three');
  });

  it('removing a watch stops its events; dispose removes the persistent watches from the client', async () => {
    const path = `${base}/rm`;
    await writer.create(path);
    const client = await connect();
    const { manager, rec } = manage(client);
    await manager.add({ path, kind: 'data' });
    await manager.add({ path, kind: 'children' });
    await manager.remove({ path, kind: 'data' });
    assert.deepEqual(manager.list(), [{ path, kind: 'children' }]);
    await writer.set(path, text('1'));
    await writer.create(`${path}/k`);
    // ZooKeeper sends notifications in the order of the changes: once the children change (made
    // second) is here, a data change event, had the removed watch still been set, would be here too.
    await eventually(() => rec.of(path, 'childrenChanged').length === 1, 10000, 'the children change');
    assert.deepEqual(rec.of(path, 'dataChanged'), [], rec.describe());
    assert.equal(rec.records.length, 1, rec.describe());
    await manager.dispose();
    assert.deepEqual(client.listPersistentWatches(), []);
  });

  for (const mode of ['persistent', 'one-shot'] as const) {
    it(`${mode}: a manager given an earlier manager's baseline reports what changed in between as changed while disconnected`, async () => {
      const root = `${base}/tree`;
      await writer.create(`${base}/config`, text('before'));
      await writer.create(`${base}/list`);
      await writer.create(root);
      await writer.create(`${root}/x`, text('x0'));
      const specs = [
        { path: `${base}/config`, kind: 'data' as const },
        { path: `${base}/list`, kind: 'children' as const },
        { path: root, kind: 'subtree' as const },
      ];
      const first = manage(await connect(), { persistent: mode === 'persistent' });
      for (const spec of specs) await first.manager.add(spec);
      const baseline = first.manager.baseline();
      await first.manager.dispose();
      // Changed while no manager watched.
      await writer.set(`${base}/config`, text('after'));
      await writer.create(`${base}/list/k`);
      await writer.set(`${root}/x`, text('x1'));
      await writer.create(`${root}/y`);
      const second = manage(await connect(), { persistent: mode === 'persistent', baseline });
      for (const spec of specs) await second.manager.add(spec);
      const { rec } = second;
      await eventually(() => rec.of(`${base}/config`, 'dataChanged').length === 1 && rec.of(`${base}/list`, 'childrenChanged').length === 1, 10000, 'the changes');
      const config = rec.of(`${base}/config`, 'dataChanged')[0];
      assert.deepEqual([config.detectedBy, config.before?.version, str(config.before?.data), config.after?.version, str(config.after?.data)], ['reconnect', 0, 'before', 1, 'after']);
      const list = rec.of(`${base}/list`, 'childrenChanged')[0];
      assert.deepEqual([list.detectedBy, list.added, list.removed], ['reconnect', ['k'], []]);
      if (mode === 'persistent') {
        await eventually(() => rec.of(`${root}/x`, 'dataChanged').length === 1 && rec.of(`${root}/y`, 'created').length === 1, 10000, 'the subtree changes');
        assert.deepEqual([rec.of(`${root}/x`, 'dataChanged')[0].detectedBy, rec.of(`${root}/y`, 'created')[0].detectedBy], ['reconnect', 'reconnect']);
      }
      // Then live: a change made now is an event again; with nothing changed, nothing else was reported.
      await writer.set(`${base}/config`, text('live'));
      await eventually(() => rec.of(`${base}/config`, 'dataChanged').length === 2, 10000, 'the live change');
      assert.equal(rec.of(`${base}/config`, 'dataChanged')[1].detectedBy, 'event');
      assert.equal(rec.of(`${root}`).length, 0, rec.describe());
    });
  }

  describe('session expiry', () => {
    for (const mode of ['persistent', 'one-shot'] as const) {
      it(`${mode}: changes made while the session was gone are reported as such, and the watches work on the new session`, async () => {
        const proxy = await startFaultProxy(server.connectString);
        cleanup.push(() => proxy.close());
        const client = await connect({ connectString: proxy.connectString, sessionTimeoutMs: 4000, spinDelayMs: 50 });
        const { manager, rec } = manage(client, { persistent: mode === 'persistent' });
        const root = `${base}/tree`;
        await writer.create(`${base}/config`, text('before'));
        await writer.create(root);
        await writer.create(`${root}/stays`, text('s'));
        await writer.create(`${root}/goes`);
        await writer.create(`${base}/list`);
        await manager.add({ path: `${base}/config`, kind: 'data' });
        await manager.add({ path: root, kind: 'subtree' });
        await manager.add({ path: `${base}/list`, kind: 'children' });
        const oldSession = client.sessionId;
        // The changes are made after the server dropped the session and before the client hears of it.
        await expireSession(client, proxy, server.connectString, {
          under: base,
          whileExpired: async () => {
            await writer.set(`${base}/config`, text('while gone'));
            await writer.create(`${root}/new`);
            await writer.delete(`${root}/goes`);
            await writer.set(`${root}/stays`, text('s2'));
            await writer.create(`${base}/list/k`);
          },
        });
        await eventually(() => rec.notices.some((n) => /session expired/.test(n.message)), 20000, 'the notice about the expiry');
        await eventually(() => rec.notices.some((n) => /new ZooKeeper session/.test(n.message)), 20000, 'the notice about the new session');
        assert.notEqual(client.sessionId, oldSession);
        const notice = rec.notices.find((n) => /new ZooKeeper session/.test(n.message))!;
        assert.equal(notice.level, 'warning');
        assert.match(notice.message, /5 of \d+ watched nodes changed while the session was gone/);
        const expect = (path: string, type: WatchEventType): WatchEventRecord => {
          const found = rec.of(path, type);
          assert.equal(found.length, 1, `${type} ${path}:\n${rec.describe()}`);
          assert.equal(found[0].detectedBy, 'session', rec.describe());
          return found[0];
        };
        const config = expect(`${base}/config`, 'dataChanged');
        assert.deepEqual([config.before?.version, str(config.before?.data), config.after?.version, str(config.after?.data)], [0, 'before', 1, 'while gone']);
        expect(`${root}/new`, 'created');
        expect(`${root}/goes`, 'deleted');
        expect(`${root}/stays`, 'dataChanged');
        assert.deepEqual(expect(`${base}/list`, 'childrenChanged').added, ['k']);
        // The watches are set on the new session.
        const count = rec.records.length;
        await writer.set(`${base}/config`, text('after'));
        await writer.set(`${root}/new`, text('n1'));
        await eventually(() => rec.records.length >= count + 2, 10000, 'events on the new session');
        assert.ok(rec.records.slice(count).every((r) => r.detectedBy === 'event'), rec.describe());
      });
    }
  });
});

describe('WatchManager against a 3-server ensemble', function () {
  this.timeout(240000);
  let ensemble: Ensemble;
  let writer: ZkClient;
  const cleanup: (() => Promise<unknown>)[] = [];

  before(async () => {
    ensemble = await zookeeper.startEnsemble({ install: true });
  });

  beforeEach(async () => {
    // Every member running again, whatever the previous test killed.
    for (const member of ensemble.servers) if (!zookeeper.isAlive(member.pid)) await member.start();
    await ensemble.leader();
    writer = await ZkClient.connect({ connectString: ensemble.connectString, connectTimeoutMs: 20000 });
    cleanup.push(() => writer.close());
  });

  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  });

  after(async () => {
    await ensemble?.stop();
  });

  for (const mode of ['persistent', 'one-shot'] as const) {
    it(`${mode}: the server it is connected to dies and a change made meanwhile through another server is not lost`, async () => {
      const base = `/failover-${mode}`;
      await writer.create(base);
      await writer.create(`${base}/n`, text('0'));
      await writer.create(`${base}/tree`);
      await writer.create(`${base}/tree/x`, text('x0'));
      const proxied = await proxyEnsemble(ensemble);
      cleanup.push(() => proxied.close());
      // On a follower, so that the other two keep serving (losing the leader is the next test).
      const leader = await ensemble.leader();
      const options = { connectString: proxied.connectString, sessionTimeoutMs: 10000, spinDelayMs: 50, connectTimeoutMs: 20000 };
      let client = await ZkClient.connect(options);
      for (let attempt = 0; attempt < 20 && proxied.memberOf(client) === leader; attempt++) {
        await client.close();
        client = await ZkClient.connect(options);
      }
      const connected = client;
      cleanup.push(() => connected.close());
      const manager = new WatchManager(client, { persistent: mode === 'persistent' });
      cleanup.push(() => manager.dispose());
      const rec = new Recorder(manager);
      await manager.add({ path: `${base}/n`, kind: 'data' });
      await manager.add({ path: `${base}/tree`, kind: 'subtree' });
      const session = client.sessionId;
      const victim = proxied.memberOf(client);
      const other = ensemble.servers.find((s) => s !== victim)!;
      const direct = await ZkClient.connect({ connectString: `127.0.0.1:${other.port}`, connectTimeoutMs: 20000 });
      cleanup.push(() => direct.close());
      // Cut off from every member the moment it notices, until the changes are made.
      client.onStateChange(({ state }) => {
        if (state === 'suspended') for (const proxy of proxied.proxies) proxy.refuse();
      });
      await victim.kill('SIGKILL');
      await client.waitFor((s) => s === 'suspended', 20000);
      await direct.set(`${base}/n`, text('1'));
      await direct.create(`${base}/tree/y`);
      await direct.set(`${base}/tree/x`, text('x1'));
      for (const proxy of proxied.proxies) proxy.pass();
      await client.waitFor((s) => s === 'connected', 30000);
      await eventually(() => rec.notices.some((n) => /^Reconnected/.test(n.message)), 20000, 'the reconnect notice');
      await eventually(() => rec.of(`${base}/n`).at(-1)?.after?.version === 1 && rec.of(`${base}/tree/x`).at(-1)?.after?.version === 1, 10000, 'the changes');
      const n = rec.of(`${base}/n`, 'dataChanged');
      assert.equal(n.length, 1, rec.describe());
      assert.ok(['reconnect', 'event'].includes(n[0].detectedBy), rec.describe());
      assert.deepEqual([n[0].before?.version, n[0].after?.version], [0, 1]);
      assert.equal(rec.of(`${base}/tree/y`, 'created').length, 1, rec.describe());
      if (mode === 'persistent') {
        // Persistent watches are added anew on the new server: only re-reading finds what changed.
        assert.ok(rec.records.every((r) => r.detectedBy === 'reconnect'), rec.describe());
        assert.match(rec.notices.find((m) => /^Reconnected/.test(m.message))!.message, /3 of \d+ watched nodes changed while the connection was down/);
      }
      assert.equal(client.sessionId, session, 'the same session');
      // And still watching.
      const count = rec.records.length;
      await direct.set(`${base}/n`, text('2'));
      await eventually(() => rec.records.length > count, 10000, 'an event after the reconnect');
      assert.deepEqual([rec.records.at(-1)?.detectedBy, rec.records.at(-1)?.after?.version], ['event', 2]);
    });

    it(`${mode}: the ensemble loses its leader while changes keep coming; every change is reported`, async () => {
      const base = `/leaderless-${mode}`;
      await writer.create(base);
      await writer.create(`${base}/n`, text('0'));
      const client = await ZkClient.connect({ connectString: ensemble.connectString, sessionTimeoutMs: 10000, spinDelayMs: 50, connectTimeoutMs: 20000 });
      cleanup.push(() => client.close());
      const manager = new WatchManager(client, { persistent: mode === 'persistent' });
      cleanup.push(() => manager.dispose());
      const rec = new Recorder(manager);
      await manager.add({ path: `${base}/n`, kind: 'data' });
      await manager.add({ path: base, kind: 'children' });
      const leader = await ensemble.leader();
      const follower = ensemble.servers.find((s) => s !== leader)!;
      const changer = await ZkClient.connect({ connectString: `127.0.0.1:${follower.port}`, sessionTimeoutMs: 10000, connectTimeoutMs: 20000 });
      cleanup.push(() => changer.close());
      for (let i = 1; i <= 20; i++) await changer.set(`${base}/n`, text(`before ${i}`));
      await leader.kill('SIGKILL');
      // Issued while the ensemble elects a new leader: queued and applied, or lost with the connection.
      const writes: Promise<unknown>[] = [];
      for (let i = 21; i <= 60; i++) writes.push(changer.set(`${base}/n`, text(`during ${i}`)));
      await Promise.allSettled(writes);
      const newLeader = await ensemble.leader();
      assert.notEqual(newLeader.id, leader.id);
      await changer.create(`${base}/k`);
      await writer.sync(`${base}/n`);
      const final = await writer.get(`${base}/n`);
      assert.ok(final.stat.version >= 20);
      await eventually(
        () => rec.of(`${base}/n`).at(-1)?.after?.version === final.stat.version && rec.of(`${base}/n`).at(-1)?.after?.data !== undefined,
        30000,
        `version ${final.stat.version}`,
      );
      rec.assertChain(`${base}/n`, final.stat.version, final.data.toString());
      await eventually(() => rec.of(base).some((r) => r.added?.includes('k')), 10000, 'k added');
    });
  }
});
