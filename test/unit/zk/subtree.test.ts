import * as assert from 'node:assert/strict';
import { Perm, type ZkAcl } from '../../../src/zk/acl';
import { ZkClient } from '../../../src/zk/client';
import { parentPath } from '../../../src/zk/paths';
import { deleteTree, walkSubtree, type DeleteProgress } from '../../../src/zk/subtree';
import { rejectsWith } from '../../support/assertions';
import { startFaultProxy, type FaultProxy } from '../../support/faultProxy';
import { eventually } from '../../support/session';
import { sharedZooKeeper, type ZooKeeperServer } from '../../support/zookeeper';

const OPEN: ZkAcl[] = [{ perms: Perm.all, id: { scheme: 'world', id: 'anyone' } }];
/** create + read + admin: children can be listed and added, but not deleted; the ACL can be opened again. */
const NO_DELETE: ZkAcl[] = [{ perms: Perm.create | Perm.read | Perm.admin, id: { scheme: 'world', id: 'anyone' } }];
/** Everything but read: the children cannot be listed, the node itself can still be deleted (that needs delete on its parent). */
const NO_READ: ZkAcl[] = [{ perms: Perm.all & ~Perm.read, id: { scheme: 'world', id: 'anyone' } }];

/** Requests of one kind: how many were made, and the most in flight at once. */
interface Calls {
  made: number;
  current: number;
  peak: number;
  /** For 'delete': the nodes named by the requests (a multi names many), in order, each time it was named. */
  paths: string[];
  /** For 'delete': the number of deletes in each multi request. */
  batches: number[];
  /** For 'delete': the nodes of each multi request. */
  batchPaths: string[][];
}

/**
 * Replaces `client.getChildren` (or `delete` and `multi`, which deleteTree batches deletes in) by a
 * wrapper that counts requests in flight. `before` runs first for each node a request names, outside
 * the count, so a test can change the tree from another client at an exact moment.
 */
function instrument(client: ZkClient, method: 'getChildren' | 'delete', before?: (path: string) => Promise<void> | void): Calls {
  const calls: Calls = { made: 0, current: 0, peak: 0, paths: [], batches: [], batchPaths: [] };
  const counted = async <T>(paths: readonly string[], run: () => Promise<T>): Promise<T> => {
    if (before) for (const path of paths) await before(path);
    calls.made++;
    calls.current++;
    calls.peak = Math.max(calls.peak, calls.current);
    try {
      return await run();
    } finally {
      calls.current--;
    }
  };
  if (method === 'getChildren') {
    const original = client.getChildren.bind(client);
    client.getChildren = (path, watch) => counted([path], () => original(path, watch));
  } else {
    const original = client.delete.bind(client);
    client.delete = (path, version) => {
      calls.paths.push(path);
      return counted([path], () => original(path, version));
    };
    const originalMulti = client.multi.bind(client);
    client.multi = (ops) => {
      const paths = ops.map((op) => op.path);
      assert.ok(ops.every((op) => op.type === 'delete'), 'only deletes are batched');
      calls.paths.push(...paths);
      calls.batches.push(ops.length);
      calls.batchPaths.push(paths);
      return counted(paths, () => originalMulti(ops));
    };
  }
  return calls;
}

/** How many times each path was named by a delete request. */
function tries(calls: Calls): Map<string, number> {
  const counts = new Map<string, number>();
  for (const path of calls.paths) counts.set(path, (counts.get(path) ?? 0) + 1);
  return counts;
}

/** Creates `root` and below it `fanouts[0]` children, each with `fanouts[1]` children, ...; returns every path, parents first. */
async function createTree(client: ZkClient, root: string, fanouts: readonly number[]): Promise<string[]> {
  await client.create(root);
  const all = [root];
  let level = [root];
  for (const fanout of fanouts) {
    const next = level.flatMap((parent) => Array.from({ length: fanout }, (_, i) => `${parent}/n${i}`));
    await Promise.all(next.map((path) => client.create(path)));
    all.push(...next);
    level = next;
  }
  return all;
}

async function existing(client: ZkClient, paths: readonly string[]): Promise<string[]> {
  const stats = await Promise.all(paths.map((path) => client.exists(path)));
  return paths.filter((_, i) => stats[i] !== undefined);
}

describe('zk/subtree against a real ZooKeeper', function () {
  this.timeout(60000);
  let server: ZooKeeperServer;
  /** Builds fixtures and checks results; never instrumented. */
  let admin: ZkClient;
  /** The client under test, fresh for each test so its methods can be instrumented. */
  let client: ZkClient;
  let base: string;
  const others: ZkClient[] = [];

  before(async () => {
    server = await sharedZooKeeper();
    admin = await ZkClient.connect({ connectString: server.connectString });
  });

  beforeEach(async function () {
    base = `/subtree-${this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}-${Date.now()}`;
    await admin.create(base);
    client = await ZkClient.connect({ connectString: server.connectString });
  });

  afterEach(async () => {
    await Promise.all([client.close(), ...others.splice(0).map((c) => c.close())]);
  });

  after(async () => {
    await admin.close();
  });

  const another = async (): Promise<ZkClient> => {
    const c = await ZkClient.connect({ connectString: server.connectString });
    others.push(c);
    return c;
  };

  describe('walkSubtree', () => {
    it('lists a 3-level tree, parents before children, with depths', async () => {
      const root = `${base}/r`;
      const tree = [root, `${root}/a`, `${root}/b`, `${root}/a/a1`, `${root}/a/a2`, `${root}/b/b1`, `${root}/a/a1/x`, `${root}/b/b1/y`, `${root}/b/b1/z`];
      for (const path of tree) await admin.create(path);
      const depths = new Map<string, number>();
      const { paths, failures } = await walkSubtree(client, root, { onNode: (path, depth) => depths.set(path, depth) });
      assert.deepEqual(failures, []);
      assert.deepEqual([...paths].sort(), [...tree].sort());
      assert.equal(paths[0], root);
      for (const path of paths.slice(1)) {
        assert.ok(paths.indexOf(parentPath(path)!) < paths.indexOf(path), `${path} comes after its parent in ${paths.join(' ')}`);
      }
      assert.deepEqual([...depths.keys()], paths, 'onNode sees the same order');
      for (const path of tree) assert.equal(depths.get(path), path.split('/').length - root.split('/').length, path);
    });

    it('respects maxDepth', async () => {
      const all = await createTree(admin, `${base}/r`, [2, 2, 2]);
      const depthOf = (path: string): number => path.split('/').length - 3;
      for (const maxDepth of [0, 1, 2, 3, 10]) {
        const { paths } = await walkSubtree(client, `${base}/r`, { maxDepth });
        assert.deepEqual([...paths].sort(), all.filter((p) => depthOf(p) <= maxDepth).sort(), `maxDepth ${maxDepth}`);
      }
      const listed = instrument(client, 'getChildren');
      await walkSubtree(client, `${base}/r`, { maxDepth: 1 });
      assert.equal(listed.made, 1, 'the children of the nodes at maxDepth are not even listed');
    });

    it('is pipelined: with concurrency 32 many getChildren are in flight at once, with 1 only one', async () => {
      const all = await createTree(admin, `${base}/r`, [20, 100]);
      assert.equal(all.length, 2021);
      const serial = instrument(client, 'getChildren');
      const one = await walkSubtree(client, `${base}/r`, { concurrency: 1 });
      const wide = await another();
      const pipelined = instrument(wide, 'getChildren');
      const many = await walkSubtree(wide, `${base}/r`, { concurrency: 32 });
      assert.deepEqual([...one.paths].sort(), [...all].sort());
      assert.deepEqual([...many.paths].sort(), [...all].sort());
      assert.equal(serial.made, all.length);
      assert.equal(pipelined.made, all.length);
      assert.equal(serial.peak, 1);
      assert.ok(pipelined.peak > 1, `peak in flight ${pipelined.peak}`);
      assert.ok(pipelined.peak <= 32, `peak in flight ${pipelined.peak}`);
    });

    it('a concurrency that is not a number still walks everything', async () => {
      const all = await createTree(admin, `${base}/r`, [3, 3]);
      const { paths } = await walkSubtree(client, `${base}/r`, { concurrency: Number.NaN });
      assert.deepEqual([...paths].sort(), [...all].sort());
    });

    it('skips a node deleted during the walk instead of failing', async () => {
      const root = `${base}/r`;
      const all = await createTree(admin, root, [3, 3, 2]);
      const doomed = `${root}/n1`;
      instrument(client, 'getChildren', async (path) => {
        if (path !== doomed) return;
        // Found by listing its parent, deleted by someone else before its own children are listed.
        await deleteTree(admin, doomed);
      });
      const { paths, failures } = await walkSubtree(client, root);
      assert.deepEqual(failures, []);
      assert.ok(paths.includes(doomed), 'it was found while it existed');
      assert.deepEqual(paths.filter((p) => p.startsWith(`${doomed}/`)), [], 'nothing below it is listed');
      assert.deepEqual([...paths].sort(), all.filter((p) => !p.startsWith(`${doomed}/`)).sort());
    });

    it('reports a node whose children it may not list, and lists the rest', async () => {
      const root = `${base}/r`;
      await createTree(admin, root, [2, 2]);
      await admin.create(`${root}/n0/n0/hidden`);
      await admin.setACL(`${root}/n0/n0`, NO_READ);
      const { paths, failures } = await walkSubtree(client, root);
      assert.equal(paths.length, 7);
      assert.deepEqual(
        failures.map((f) => [f.path, f.error.code]),
        [[`${root}/n0/n0`, 'NOAUTH']],
      );
      assert.match(failures[0].error.message, /^Could not list the children of ".*\/n0\/n0": not authorized/);
      await admin.setACL(`${root}/n0/n0`, OPEN);
    });

    it('a root that does not exist fails with NONODE; an invalid one with INVALIDPATH', async () => {
      await rejectsWith(walkSubtree(client, `${base}/missing`), 'NONODE', /does not exist/);
      await rejectsWith(walkSubtree(client, `${base}/bad/`), 'INVALIDPATH');
    });

    it('stops with a CANCELLED error when aborted, starting no request afterwards', async () => {
      const root = `${base}/r`;
      await createTree(admin, root, [10, 30]);
      const listed = instrument(client, 'getChildren');
      const controller = new AbortController();
      let madeAtAbort = -1;
      let seen = 0;
      const error = await rejectsWith(
        walkSubtree(client, root, {
          concurrency: 4,
          onNode: () => {
            if (++seen === 50) {
              controller.abort();
              madeAtAbort = listed.made;
            }
          },
          signal: controller.signal,
        }),
        'CANCELLED',
      );
      assert.equal(error.message, `Could not list the subtree of "${root}": cancelled.`);
      assert.ok(madeAtAbort > 0);
      assert.equal(listed.made, madeAtAbort, 'no getChildren after the abort');
      assert.equal(listed.current, 0, 'the ones in flight were awaited');
      assert.ok(listed.made < 311);
    });

    it('an already aborted signal lists nothing', async () => {
      await createTree(admin, `${base}/r`, [2]);
      const listed = instrument(client, 'getChildren');
      const controller = new AbortController();
      controller.abort();
      await rejectsWith(walkSubtree(client, `${base}/r`, { signal: controller.signal }), 'CANCELLED');
      assert.equal(listed.made, 0);
    });
  });

  describe('deleteTree', () => {
    it('deletes ~1500 nodes over 4 levels bottom-up, in multi batches, with a bounded number of listings in flight, reporting progress', async () => {
      const root = `${base}/r`;
      const all = await createTree(admin, root, [4, 8, 6, 7]);
      assert.equal(all.length, 1573);
      const children = new Map<string, string[]>();
      for (const path of all.slice(1)) children.set(parentPath(path)!, [...(children.get(parentPath(path)!) ?? []), path]);
      const gone = new Set<string>();
      const early: string[] = [];
      const deletes = instrument(client, 'delete', (path) => {
        if ((children.get(path) ?? []).some((child) => !gone.has(child))) early.push(path);
      });
      const listed = instrument(client, 'getChildren');
      const original = client.multi.bind(client);
      client.multi = async (ops) => {
        const results = await original(ops);
        for (const op of ops) gone.add(op.path);
        return results;
      };
      const originalDelete = client.delete.bind(client);
      client.delete = async (path, version) => {
        await originalDelete(path, version);
        gone.add(path);
      };
      const progress: DeleteProgress[] = [];
      const report = await deleteTree(client, root, { concurrency: 8, onProgress: (p) => progress.push({ ...p }) });

      assert.deepEqual(report, { deleted: 1573, total: 1573, cancelled: false, failed: [] });
      assert.equal(await admin.exists(root), undefined);
      assert.deepEqual(await existing(admin, all), []);
      assert.deepEqual(early, [], 'no node was deleted before all its children');
      // Every node named once: no batch failed, none was redone.
      assert.equal(deletes.paths.length, 1573);
      assert.equal(new Set(deletes.paths).size, 1573);
      assert.ok(deletes.batches.length > 0 && deletes.made < 1573, `${deletes.made} delete requests for 1,573 nodes (batches ${deletes.batches.join(',')})`);
      assert.ok(listed.peak > 1 && listed.peak <= 8, `peak getChildren in flight ${listed.peak}`);
      assert.equal(listed.made, 1573, 'every node listed once');

      assert.deepEqual(progress.at(-1), { deleted: 1573, total: 1573 });
      for (let i = 1; i < progress.length; i++) {
        assert.ok(progress[i].deleted > progress[i - 1].deleted, `progress ${i}`);
        assert.ok(progress[i].total >= progress[i - 1].total && progress[i].total >= progress[i].deleted, `progress ${i}`);
      }
    });

    it('starts deleting leaves while the walk is still listing other branches', async () => {
      const root = `${base}/r`;
      await createTree(admin, root, [2, 30]);
      // The second branch is listed only once the first branch's leaves are gone (another client checks):
      // a deletion that waited for the whole walk would never get there.
      let firstGoneBeforeSecondListed: boolean | undefined;
      instrument(client, 'getChildren', async (path) => {
        if (path === `${root}/n1`) {
          await eventually(async () => (await admin.exists(`${root}/n0/n0`)) === undefined, 30000, 'a leaf of the first branch to be deleted');
          firstGoneBeforeSecondListed = true;
        }
      });
      const report = await deleteTree(client, root, { concurrency: 4 });
      assert.equal(firstGoneBeforeSecondListed, true);
      assert.deepEqual(report, { deleted: 63, total: 63, cancelled: false, failed: [] });
    });

    it("keeps each batch under the server's jute.maxbuffer (the client's limit) and within batchOps", async () => {
      const root = `${base}/r`;
      const long = 'x'.repeat(200);
      await admin.create(root);
      const names = Array.from({ length: 120 }, (_, i) => `${long}-${i}`);
      await admin.multi(names.map((name) => ({ type: 'create' as const, path: `${root}/${name}` })));
      const small = await ZkClient.connect({ connectString: server.connectString, maxPacketBytes: 8 * 1024 });
      try {
        const deletes = instrument(small, 'delete');
        const report = await deleteTree(small, root);
        assert.deepEqual(report, { deleted: 121, total: 121, cancelled: false, failed: [] });
        // ~270 bytes per delete of these paths: 8 KiB holds about 26 (less the request's own reserve).
        assert.equal(deletes.paths.length, 121, 'no batch was refused and redone');
        assert.ok(deletes.batches.length >= 5, `batches ${deletes.batches.join(',')}`);
        for (const size of deletes.batches) assert.ok(size * (root.length + long.length + 6 + 17) <= 8 * 1024, `a batch of ${size}`);
      } finally {
        await small.close();
      }
      await createTree(admin, root, [50]);
      const limited = instrument(client, 'delete');
      assert.deepEqual(await deleteTree(client, root, { batchOps: 7 }), { deleted: 51, total: 51, cancelled: false, failed: [] });
      assert.ok(limited.batches.length > 0 && limited.batches.every((size) => size <= 7), `batches ${limited.batches.join(',')}`);
    });

    it('cancelled midway: stops, reports cancelled, and leaves a consistent partial tree', async () => {
      const root = `${base}/r`;
      const all = await createTree(admin, root, [5, 10, 10]);
      const deletes = instrument(client, 'delete');
      const controller = new AbortController();
      let madeAtAbort = -1;
      const report = await deleteTree(client, root, {
        concurrency: 16,
        batchOps: 20,
        signal: controller.signal,
        onProgress: ({ deleted }) => {
          if (deleted >= 300 && !controller.signal.aborted) {
            controller.abort();
            madeAtAbort = deletes.made;
          }
        },
      });
      assert.equal(report.cancelled, true);
      assert.deepEqual(report.failed, []);
      assert.equal(report.total, all.length);
      assert.ok(report.deleted >= 300 && report.deleted < all.length, `deleted ${report.deleted}`);
      assert.equal(deletes.made, madeAtAbort, 'no delete after the abort');
      assert.equal(deletes.current, 0);
      const left = await existing(admin, all);
      assert.equal(left.length, all.length - report.deleted);
      const leftSet = new Set(left);
      for (const path of left) {
        if (path !== root) assert.ok(leftSet.has(parentPath(path)!), `${path} is left but its parent is not`);
      }
      assert.ok(leftSet.has(root));
    });

    it('an abort that comes only after the last node was deleted is not reported as cancelled', async () => {
      const all = await createTree(admin, `${base}/r`, [3, 3]);
      const controller = new AbortController();
      const report = await deleteTree(client, `${base}/r`, {
        signal: controller.signal,
        onProgress: ({ deleted, total }) => {
          if (deleted === total) controller.abort();
        },
      });
      assert.deepEqual(report, { deleted: all.length, total: all.length, cancelled: false, failed: [] });
    });

    it('an already aborted signal deletes nothing', async () => {
      const all = await createTree(admin, `${base}/r`, [3, 3]);
      const controller = new AbortController();
      controller.abort();
      const report = await deleteTree(client, `${base}/r`, { signal: controller.signal });
      assert.equal(report.cancelled, true);
      assert.equal(report.deleted, 0);
      assert.deepEqual(await existing(admin, all), all);
    });

    it('a node it may not delete is reported with NOAUTH, its ancestors as kept, and the rest is deleted', async () => {
      const root = `${base}/r`;
      for (const path of ['', '/a', '/a/p', '/a/p/c1', '/a/p/c2', '/a/s', '/a/s/t', '/b', '/b/x', '/b/y', '/b/y/z']) await admin.create(root + path);
      await admin.setACL(`${root}/a/p`, NO_DELETE);
      const report = await deleteTree(client, root);
      assert.equal(report.cancelled, false);
      assert.equal(report.total, 11);
      assert.equal(report.deleted, 6);
      const failed = new Map(report.failed.map((f) => [f.path, f]));
      assert.deepEqual([...failed.keys()].sort(), [root, `${root}/a`, `${root}/a/p`, `${root}/a/p/c1`, `${root}/a/p/c2`].sort());
      assert.equal(report.failed.length, 5, 'each path once');
      for (const child of ['c1', 'c2']) {
        const f = failed.get(`${root}/a/p/${child}`)!;
        assert.equal(f.code, 'NOAUTH');
        assert.match(f.message, /^Could not delete ".*\/a\/p\/c\d": not authorized by the node's ACL/);
      }
      for (const kept of [`${root}/a/p`, `${root}/a`, root]) {
        assert.equal(failed.get(kept)!.code, 'NOTEMPTY');
        assert.equal(failed.get(kept)!.message, `Kept "${kept}" because a node below it could not be deleted.`);
      }
      const everything = ['', '/a', '/a/p', '/a/p/c1', '/a/p/c2', '/a/s', '/a/s/t', '/b', '/b/x', '/b/y', '/b/y/z'].map((p) => root + p);
      assert.deepEqual(await existing(admin, everything), [root, `${root}/a`, `${root}/a/p`, `${root}/a/p/c1`, `${root}/a/p/c2`]);

      await admin.setACL(`${root}/a/p`, OPEN);
      assert.deepEqual(await deleteTree(client, root), { deleted: 5, total: 5, cancelled: false, failed: [] });
    });

    it('a node whose children it may not list is still deleted when it has none, else reported with the reason', async () => {
      const root = `${base}/r`;
      for (const path of ['', '/empty', '/full', '/full/k', '/other']) await admin.create(root + path);
      await admin.setACL(`${root}/empty`, NO_READ);
      await admin.setACL(`${root}/full`, NO_READ);
      const report = await deleteTree(client, root);
      assert.deepEqual(
        report.failed.map((f) => [f.path, f.code]),
        [
          [`${root}/full`, 'NOAUTH'],
          [root, 'NOTEMPTY'],
        ],
      );
      assert.match(report.failed[0].message, /^Could not list the children of ".*\/full": not authorized/);
      assert.equal(report.deleted, 2);
      assert.equal(await admin.exists(`${root}/empty`), undefined);
      assert.equal(await admin.exists(`${root}/other`), undefined);
      await admin.setACL(`${root}/full`, OPEN);
      assert.equal((await deleteTree(client, root)).deleted, 3);
    });

    it('removes a child another client created after the walk (the NOTEMPTY retry)', async () => {
      const root = `${base}/r`;
      const all = await createTree(admin, root, [3, 4, 5]);
      const other = await another();
      let registered = false;
      // Once n1 was listed (its children are being deleted), another client adds a child under it.
      const deletes = instrument(client, 'delete', async (path) => {
        if (!registered && path.startsWith(`${root}/n1/`)) {
          registered = true;
          await other.create(`${root}/n1/late`, null, { mode: 'ephemeral' });
        }
      });
      const progress: DeleteProgress[] = [];
      const report = await deleteTree(client, root, { onProgress: (p) => progress.push({ ...p }) });
      assert.ok(registered);
      assert.deepEqual(report, { deleted: all.length + 1, total: all.length + 1, cancelled: false, failed: [] });
      assert.equal(await admin.exists(root), undefined);
      assert.equal(tries(deletes).get(`${root}/n1`), 2, `${root}/n1 was tried twice`);
      assert.equal(tries(deletes).get(`${root}/n1/late`), 1);
      assert.deepEqual(progress.at(-1), { deleted: all.length + 1, total: all.length + 1 });
      for (let i = 1; i < progress.length; i++) assert.ok(progress[i].deleted >= progress[i - 1].deleted);
      assert.equal(other.state, 'connected');
    });

    it('a batch the server refuses as a whole loses nothing: the node it names is settled by its error, the rest deleted one by one', async () => {
      const root = `${base}/r`;
      for (const path of ['', '/p', '/p/a', '/p/b', '/p/c', '/p/d', '/q']) await admin.create(root + path);
      await admin.setACL(`${root}/p`, NO_DELETE);
      // The answers to listing a..d are handed over in one turn of the event loop, as when they come
      // in one socket read (on a busy machine they may not): a..d are then ready together, one batch
      // (q's answer may come in the same turn and join it: cc23b, "batches 5").
      const kids = ['a', 'b', 'c', 'd'].map((k) => `${root}/p/${k}`);
      const replies = new Map<string, Promise<unknown>>();
      let allAsked!: () => void;
      const asked = new Promise<void>((resolve) => (allAsked = resolve));
      const list = client.getChildren.bind(client);
      client.getChildren = async (path, watch) => {
        const reply = list(path, watch);
        if (!kids.includes(path)) return reply;
        replies.set(path, reply);
        if (replies.size === kids.length) allAsked();
        await asked;
        await Promise.allSettled([...replies.values()]);
        return reply;
      };
      const deletes = instrument(client, 'delete');
      const report = await deleteTree(client, root);
      // a..d are one batch: refused for the first of them; every one is tried again alone and
      // reported with its own reason, none skipped.
      assert.ok(
        deletes.batchPaths.some((batch) => kids.every((kid) => batch.includes(kid))),
        `one batch holds a..d: ${JSON.stringify(deletes.batchPaths.map((b) => b.map((p) => p.slice(root.length))))}`,
      );
      assert.deepEqual(
        report.failed.map((f) => [f.path, f.code]).sort(),
        [
          [root, 'NOTEMPTY'],
          [`${root}/p`, 'NOTEMPTY'],
          [`${root}/p/a`, 'NOAUTH'],
          [`${root}/p/b`, 'NOAUTH'],
          [`${root}/p/c`, 'NOAUTH'],
          [`${root}/p/d`, 'NOAUTH'],
        ].sort(),
      );
      for (const f of report.failed.filter((f) => f.code === 'NOAUTH')) assert.match(f.message, /^Could not delete ".*": not authorized by the node's ACL/);
      assert.equal(report.deleted, 1);
      assert.equal(await admin.exists(`${root}/q`), undefined);
      // The one the server named is settled by its answer; the three rolled back are tried alone.
      assert.deepEqual(kids.map((kid) => tries(deletes).get(kid)).sort(), [1, 2, 2, 2]);
    });

    it('deletes a node whose data changed since it was listed (no version is held against it)', async () => {
      const root = `${base}/r`;
      const all = await createTree(admin, root, [2, 3]);
      instrument(client, 'delete', async (path) => {
        if (path === `${root}/n0/n1`) await admin.set(path, Buffer.from('changed meanwhile'));
      });
      assert.deepEqual(await deleteTree(client, root), { deleted: all.length, total: all.length, cancelled: false, failed: [] });
      assert.equal(await admin.exists(root), undefined);
    });

    it('reports a parent that keeps gaining children, and keeps its ancestors', async () => {
      const root = `${base}/r`;
      const all = await createTree(admin, root, [2, 2]);
      const parent = `${root}/n1`;
      const other = await another();
      let added = 0;
      instrument(client, 'delete', async (path) => {
        if (path !== parent) return;
        await other.create(`${parent}/again-`, null, { mode: 'ephemeralSequential' });
        added++;
      });
      const report = await deleteTree(client, root);
      assert.equal(added, 2, 'tried, emptied once, tried again');
      assert.deepEqual(
        report.failed.map((f) => [f.path, f.code]),
        [
          [parent, 'NOTEMPTY'],
          [root, 'NOTEMPTY'],
        ],
      );
      assert.match(report.failed[0].message, /^Could not delete ".*\/n1": it still has children/);
      assert.match(report.failed[1].message, /^Kept /);
      assert.equal(report.total, all.length + 1);
      assert.equal(report.deleted, all.length + 1 - 2);
      const left = (await admin.getChildren(parent)).children;
      assert.equal(left.length, 1);
      assert.match(left[0], /^again-\d{10}$/);
    });

    it('counts a node someone else deleted meanwhile as done', async () => {
      const root = `${base}/r`;
      const all = await createTree(admin, root, [3, 3]);
      instrument(client, 'delete', async (path) => {
        if (path === `${root}/n2/n0`) await admin.delete(path);
      });
      assert.deepEqual(await deleteTree(client, root), { deleted: all.length, total: all.length, cancelled: false, failed: [] });
    });

    it('a node that gained a child and then vanished before the retry counts as done', async () => {
      const root = `${base}/r`;
      const all = await createTree(admin, root, [2, 2]);
      const parent = `${root}/n0`;
      const other = await another();
      instrument(client, 'delete', async (path) => {
        if (path === parent && !(await admin.exists(`${parent}/late`))) await other.create(`${parent}/late`);
      });
      instrument(client, 'getChildren', async (path) => {
        if (path === parent && (await admin.exists(`${parent}/late`))) {
          await admin.delete(`${parent}/late`);
          await admin.delete(parent);
        }
      });
      assert.deepEqual(await deleteTree(client, root), { deleted: all.length, total: all.length, cancelled: false, failed: [] });
      assert.equal(await admin.exists(root), undefined);
    });

    it('a root that does not exist: nothing deleted, one NONODE failure that says so', async () => {
      const progress: DeleteProgress[] = [];
      const report = await deleteTree(client, `${base}/missing`, { onProgress: (p) => progress.push(p) });
      assert.deepEqual(report, {
        deleted: 0,
        total: 0,
        cancelled: false,
        failed: [
          {
            path: `${base}/missing`,
            code: 'NONODE',
            message: `Could not delete "${base}/missing": the node does not exist (it may have been deleted by another client). Refresh the tree.`,
          },
        ],
      });
      assert.deepEqual(progress, []);
    });

    it('an invalid root path throws INVALIDPATH', async () => {
      await rejectsWith(deleteTree(client, 'relative'), 'INVALIDPATH', /must start with "\/"/);
      await rejectsWith(deleteTree(client, `${base}//x`), 'INVALIDPATH');
    });

    it('an onProgress that throws ends the deletion with that error (no hang), starting nothing more', async () => {
      const all = await createTree(admin, `${base}/r`, [3, 10]);
      const deletes = instrument(client, 'delete');
      let madeAtThrow = -1;
      await assert.rejects(
        deleteTree(client, `${base}/r`, {
          onProgress: () => {
            madeAtThrow = deletes.made;
            throw new Error('progress went wrong');
          },
        }),
        /progress went wrong/,
      );
      assert.equal(deletes.made, madeAtThrow, 'no delete request after the throw');
      assert.ok((await existing(admin, all)).includes(`${base}/r`));
    });

    it('deletes a single leaf', async () => {
      await admin.create(`${base}/leaf`);
      assert.deepEqual(await deleteTree(client, `${base}/leaf`), { deleted: 1, total: 1, cancelled: false, failed: [] });
      assert.ok(await admin.exists(base));
    });
  });
});

describe('zk/subtree: deleteTree across network faults (a fault proxy in front of a real ZooKeeper)', function () {
  this.timeout(180000);
  let server: ZooKeeperServer;
  let direct: ZkClient;
  let proxy: FaultProxy;
  let base: string;
  const cleanup: (() => Promise<unknown>)[] = [];

  before(async () => {
    server = await sharedZooKeeper();
    direct = await ZkClient.connect({ connectString: server.connectString });
  });

  beforeEach(async function () {
    proxy = await startFaultProxy(server.connectString);
    cleanup.push(() => proxy.close());
    base = `/faults-${this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 30)}-${Date.now()}`;
  });

  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
    await deleteTree(direct, base);
  });

  after(async () => {
    await direct.close();
  });

  const proxied = async (options: Partial<Parameters<typeof ZkClient.connect>[0]>): Promise<ZkClient> => {
    const client = await ZkClient.connect({ connectString: proxy.connectString, spinDelayMs: 50, ...options });
    cleanup.push(() => client.close());
    return client;
  };

  /** Black-holes the proxy the moment the deletion has deleted `after` nodes. */
  const partitionAfter = (after: number): ((progress: DeleteProgress) => void) => {
    let done = false;
    return ({ deleted }) => {
      if (!done && deleted >= after) {
        done = true;
        proxy.blackHole();
      }
    };
  };

  it('a partition shorter than the session timeout: the lost requests are made again on the same session and the report is complete', async () => {
    const all = await createTree(direct, base, [5, 20]);
    const c = await proxied({ sessionTimeoutMs: 20000, operationTimeoutMs: 120000 });
    const session = c.sessionId;
    const states: string[] = [];
    c.onStateChange(({ state }) => {
      states.push(state);
      // The client has noticed the dead connection: the network comes back.
      if (state === 'suspended') proxy.pass();
    });
    const report = await deleteTree(c, base, { concurrency: 8, onProgress: partitionAfter(30) });
    assert.deepEqual(report, { deleted: all.length, total: all.length, cancelled: false, failed: [] });
    assert.deepEqual(states, ['suspended', 'connected'], 'the partition really hit the deletion');
    assert.equal(c.sessionId, session);
    assert.equal(await direct.exists(base), undefined);
  });

  it('a partition longer than the session timeout: the deletion goes on on the new session and the report is complete', async () => {
    const all = await createTree(direct, base, [5, 20]);
    const c = await proxied({ sessionTimeoutMs: 4000, operationTimeoutMs: 120000 });
    const marker = await c.create(`${base}-eph`, null, { mode: 'ephemeral' });
    const session = c.sessionId;
    const states: string[] = [];
    c.onStateChange(({ state }) => states.push(state));
    const deletion = deleteTree(c, base, { concurrency: 8, onProgress: partitionAfter(30) });
    await eventually(() => proxy.mode === 'blackhole', 60000, 'the partition');
    await eventually(async () => (await direct.exists(marker.path)) === undefined, 60000, 'the server to expire the session');
    proxy.pass();
    const report = await deletion;
    assert.deepEqual(report, { deleted: all.length, total: all.length, cancelled: false, failed: [] });
    assert.ok(states.includes('expired'), states.join(','));
    assert.notEqual(c.sessionId, session);
    assert.equal(await direct.exists(base), undefined);
  });

  it('a connection lost for longer than the operation timeout: the deletion stops, and the report names every node left', async () => {
    const all = await createTree(direct, base, [5, 20]);
    const c = await proxied({ sessionTimeoutMs: 20000, operationTimeoutMs: 3000 });
    const report = await deleteTree(c, base, { concurrency: 8, onProgress: partitionAfter(30) });
    // Nothing more can reach the server: the client is closed (its queue dropped) before the network comes back.
    await c.close();
    proxy.pass();
    const left = (await Promise.all(all.map(async (p) => ((await direct.exists(p)) ? p : undefined)))).filter((p) => p !== undefined);
    assert.equal(report.total, all.length);
    assert.equal(report.cancelled, false);
    assert.equal(report.stopped?.code, 'OPERATIONTIMEOUT', JSON.stringify(report.stopped));
    assert.match(report.stopped.message, /no answer from ZooKeeper within 3000 ms/);
    assert.ok(report.deleted >= 30 && report.deleted < all.length, `${report.deleted} deleted`);
    // Nothing half-done unreported: what the report counts as deleted is gone, and every node left is
    // named. A delete whose answer was lost may have been applied: it is reported as failed with a
    // message that says so, and it is the only kind of failed node that may be gone.
    const failedPaths = new Set(report.failed.map((f) => f.path));
    assert.equal(failedPaths.size, report.failed.length, 'each node named once');
    for (const path of left) assert.ok(failedPaths.has(path), `${path} is left and named`);
    const goneButFailed = report.failed.filter((f) => !left.includes(f.path));
    for (const failure of goneButFailed) assert.match(failure.message, /the request may still be applied|check whether the change was applied/, failure.message);
    assert.equal(report.deleted + goneButFailed.length, all.length - left.length);
    for (const failure of report.failed) {
      assert.match(failure.message, /no answer from ZooKeeper within 3000 ms|Did not try to delete .*: the deletion stopped when the connection to ZooKeeper was lost|Kept ".*" because a node below it could not be deleted/, failure.message);
    }
    assert.ok(report.failed.some((f) => f.path === base), 'the root is among the nodes left');
  });
});
