import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ZooKeeperExplorerApi } from '../../src/extension/extension';
import { COMMANDS } from '../../src/extension/commandIds';
import type { ExplorerNode } from '../../src/tree/explorerItems';
import { Perm } from '../../src/zk/acl';
import { ZkClient } from '../../src/zk/client';
import { deleteTree } from '../../src/zk/subtree';

const EXTENSION_ID = 'zookeeper-explorer.zookeeper-explorer';

function run<T>(command: string, args: Record<string, unknown>): Promise<T> {
  return Promise.resolve(vscode.commands.executeCommand<T>(command, args));
}

function label(api: ZooKeeperExplorerApi, node: ExplorerNode): string {
  const value = api.explorer.getTreeItem(node).label;
  return typeof value === 'string' ? value : (value?.label ?? '');
}

// Each test works in its own folder of `base` (beforeEach) and makes every node it needs there, so
// any one of them runs alone (ZKE_TEST_GREP); the connections and `base` are made in before() and
// removed, with everything under `base`, in after().
describe('node commands', function () {
  this.timeout(60000);
  const name = `nodes-${Date.now()}`;
  const readOnlyName = `${name}-ro`;
  const base = `/ext-nodes-${Date.now()}`;
  let api: ZooKeeperExplorerApi;
  let probe: ZkClient;
  /** This test's own folder under `base`. */
  let dir: string;

  /** `${parent}/big` with 1203 children n-00000…n-01202, and the tree told to read `parent` again. */
  async function makeBig(parent: string): Promise<string> {
    const big = `${parent}/big`;
    await probe.create(big);
    const names = Array.from({ length: 1203 }, (_, i) => `n-${String(i).padStart(5, '0')}`);
    for (let i = 0; i < names.length; i += 200) await probe.multi(names.slice(i, i + 200).map((n) => ({ type: 'create' as const, path: `${big}/${n}` })));
    await run(COMMANDS.refresh, { connection: name, path: parent });
    return big;
  }

  /** The explorer's children of a path, walking down from the connection like a user expanding nodes. */
  async function childrenShown(path: string): Promise<ExplorerNode[]> {
    return api.explorer.getChildren(await nodeShown(path));
  }

  /** The explorer's element of a path, walking down from the connection like a user expanding nodes. */
  async function nodeShown(path: string): Promise<ExplorerNode> {
    const connectionNode = (await api.explorer.getChildren()).find((n) => n.kind === 'connection' && n.connection.name === name)!;
    let [node] = await api.explorer.getChildren(connectionNode);
    for (const segment of path.split('/').filter(Boolean)) {
      const children = await api.explorer.getChildren(node);
      const next = children.find((c) => c.kind === 'znode' && label(api, c) === segment);
      assert.ok(next, `${segment} is shown under its parent`);
      node = next;
    }
    return node;
  }

  before(async () => {
    api = await vscode.extensions.getExtension<ZooKeeperExplorerApi>(EXTENSION_ID)!.activate();
    await run(COMMANDS.addConnection, { name, connectString: process.env.ZK_TEST_CONNECT });
    await run(COMMANDS.addConnection, { name: readOnlyName, connectString: process.env.ZK_TEST_CONNECT, readOnly: true });
    await run(COMMANDS.connect, { connection: name });
    probe = await ZkClient.connect({ connectString: process.env.ZK_TEST_CONNECT! });
    await probe.create(base);
  });

  beforeEach(async function () {
    dir = `${base}/${this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 30)}`;
    await probe.create(dir);
    // The tree may have read `base` before this folder existed.
    await run(COMMANDS.refresh, { connection: name, path: base });
  });

  after(async () => {
    await run(COMMANDS.removeConnection, { connection: name });
    await run(COMMANDS.removeConnection, { connection: readOnlyName });
    await deleteTree(probe, base);
    await probe.close();
  });

  it('createNode makes every kind of node and returns its path and stat', async () => {
    const persistent = await run<{ path: string; stat: { version: number; ephemeralOwner: string } }>(COMMANDS.createNode, { connection: name, path: `${dir}/cfg`, data: '{"a":1}' });
    assert.equal(persistent.path, `${dir}/cfg`);
    assert.equal(persistent.stat.version, 0);
    assert.equal((await probe.get(`${dir}/cfg`)).data.toString(), '{"a":1}');
    const seq = await run<{ path: string }>(COMMANDS.createNode, { connection: name, path: `${dir}/job-`, mode: 'persistentSequential' });
    assert.match(seq.path, /\/job-\d{10}$/);
    const eph = await run<{ path: string; stat: { ephemeralOwner: string } }>(COMMANDS.createNode, { connection: name, path: `${dir}/me`, mode: 'ephemeral' });
    assert.notEqual(eph.stat.ephemeralOwner, '0x0000000000000000');
    const ephSeq = await run<{ path: string }>(COMMANDS.createNode, { connection: name, path: `${dir}/lock-`, mode: 'ephemeralSequential' });
    assert.match(ephSeq.path, /\/lock-\d{10}$/);
    const container = await run<{ path: string }>(COMMANDS.createNode, { connection: name, path: `${dir}/box`, mode: 'container' });
    assert.equal(container.path, `${dir}/box`);
    const ttl = await run<{ path: string }>(COMMANDS.createNode, { connection: name, path: `${dir}/ttl`, mode: 'ttl', ttlMs: 600000 });
    assert.equal(ttl.path, `${dir}/ttl`);
    const bin = await run<{ stat: { dataLength: number } }>(COMMANDS.createNode, { connection: name, path: `${dir}/bin`, dataBase64: Buffer.from([0, 255, 128]).toString('base64') });
    assert.equal(bin.stat.dataLength, 3);
    assert.deepEqual([...(await probe.get(`${dir}/bin`)).data], [0, 255, 128]);
  });

  it('createNode refuses bad input and read-only connections with sentences', async () => {
    await assert.rejects(run(COMMANDS.createNode, { connection: name, path: `${dir}/a//b` }), /empty segment/);
    await assert.rejects(run(COMMANDS.createNode, { connection: name, path: `${dir}/t`, mode: 'ttl' }), /time to live/);
    await assert.rejects(run(COMMANDS.createNode, { connection: name, path: `${dir}/x`, mode: 'weird' }), /not a create mode/);
    await probe.create(`${dir}/dup`);
    await assert.rejects(run(COMMANDS.createNode, { connection: name, path: `${dir}/dup` }), /already exists/);
    await assert.rejects(run(COMMANDS.createNode, { connection: readOnlyName, path: `${dir}/ro` }), /read-only/);
    assert.equal(await probe.exists(`${dir}/ro`), undefined);
  });

  it('a wide node shows index ranges at once (no stat read), and a range its children with their stats', async () => {
    const bigNode = await nodeShown(await makeBig(dir));
    const client = api.connections.get(name)!.activeClient!;
    const originalExists = client.exists.bind(client);
    let statCalls = 0;
    let inFlight = 0;
    let peak = 0;
    client.exists = async (...args: Parameters<ZkClient['exists']>) => {
      statCalls++;
      peak = Math.max(peak, ++inFlight);
      try {
        return await originalExists(...args);
      } finally {
        inFlight--;
      }
    };
    try {
      const ranges = await api.explorer.getChildren(bigNode);
      assert.deepEqual(
        ranges.map((n) => `${n.kind} ${label(api, n)}`),
        ['range n-00000 … n-00499', 'range n-00500 … n-00999', 'range n-01000 … n-01202'],
      );
      assert.equal(statCalls, 0, 'the ranges need no stat');
      const last = await api.explorer.getChildren(ranges[2]);
      assert.deepEqual(
        last.map((n) => label(api, n)),
        Array.from({ length: 203 }, (_, i) => `n-${String(1000 + i).padStart(5, '0')}`),
      );
      assert.equal(statCalls, 203, "only the opened range's stats were read");
      assert.ok(peak > 1, `stats are pipelined (peak ${peak} in flight)`);
      assert.ok(last.every((n) => n.kind === 'znode' && n.stat !== undefined));
      // Every child's parent is its range (reveal walks up through it), and the range's parent the node.
      assert.equal(await api.explorer.getParent(last[202]), ranges[2]);
      assert.equal(await api.explorer.getParent(ranges[2]), bigNode);
      // Expanding it again reads nothing.
      await api.explorer.getChildren(ranges[2]);
      assert.equal(statCalls, 203, 'the stats are kept');
    } finally {
      client.exists = originalExists;
    }
  });

  it('filterChildren narrows a node by glob or substring, and clearFilter restores it', async () => {
    const big = await makeBig(dir);
    const result = await run<{ matched: number; total: number }>(COMMANDS.filterChildren, { connection: name, path: big, filter: 'n-0001?' });
    assert.deepEqual({ matched: result.matched, total: result.total }, { matched: 10, total: 1203 });
    const shown = await childrenShown(big);
    assert.equal(shown[0].kind, 'message');
    assert.match(label(api, shown[0]), /Filter "n-0001\?": 10 of 1,203 children/);
    assert.deepEqual(
      shown.filter((n) => n.kind === 'znode').map((n) => label(api, n)),
      Array.from({ length: 10 }, (_, i) => `n-0001${i}`),
    );
    const sub = await run<{ matched: number }>(COMMANDS.filterChildren, { connection: name, path: big, filter: '120' });
    assert.equal(sub.matched, 5); // n-00120, n-01120, n-01200, n-01201, n-01202
    // A filter matching more than a range shows ranges of the matches only.
    await run(COMMANDS.filterChildren, { connection: name, path: big, filter: 'n-00*' });
    const ranged = await childrenShown(big);
    assert.match(label(api, ranged[0]), /1,000 of 1,203 children/);
    assert.deepEqual(ranged.slice(1).map((n) => label(api, n)), ['n-00000 … n-00499', 'n-00500 … n-00999']);
    await run(COMMANDS.clearFilter, { connection: name, path: big });
    const cleared = await childrenShown(big);
    assert.equal(cleared.length, 3, 'back to the three ranges');
    assert.equal(label(api, cleared.at(-1)!), 'n-01000 … n-01202');
  });

  it('sequential siblings are shown in sequence order', async () => {
    const q = `${dir}/q`;
    await probe.create(q);
    for (const prefix of ['b-', 'a-', 'c-', 'a-']) await probe.create(`${q}/${prefix}`, null, { mode: 'persistentSequential' });
    await run(COMMANDS.refresh, { connection: name, path: dir });
    const shown = (await childrenShown(q)).map((n) => label(api, n));
    assert.deepEqual(shown, ['b-0000000000', 'a-0000000001', 'c-0000000002', 'a-0000000003']);
  });

  it('goToPath reveals an existing path and refuses a missing one', async () => {
    await makeBig(dir);
    const result = await run<{ path: string }>(COMMANDS.goToPath, { connection: name, path: `${dir}/big/n-01100` });
    assert.equal(result.path, `${dir}/big/n-01100`);
    const shown = await childrenShown(`${dir}/big`);
    const range = shown.find((n) => label(api, n) === 'n-01000 … n-01202');
    assert.ok(range, 'the child is in the last range');
    const revealed = (await api.explorer.getChildren(range)).find((n) => label(api, n) === 'n-01100');
    assert.ok(revealed, 'the revealed child is in its range');
    assert.equal(await api.explorer.getParent(revealed), range, 'reveal walks up through the range');
    await assert.rejects(run(COMMANDS.goToPath, { connection: name, path: `${dir}/nope` }), (error: Error) => /^There is no node .*\/nope on /.test(error.message) && !/another client/.test(error.message));
  });

  it('copyPath copies the path or the zk:// address', async () => {
    await probe.create(`${dir}/cfg`);
    const plain = await run<{ copied: string }>(COMMANDS.copyPath, { connection: name, path: `${dir}/cfg` });
    assert.equal(plain.copied, `${dir}/cfg`);
    assert.equal(await vscode.env.clipboard.readText(), `${dir}/cfg`);
    const uri = await run<{ copied: string }>(COMMANDS.copyPath, { connection: name, path: `${dir}/cfg`, asUri: true });
    assert.equal(uri.copied, `zk://${name}${dir}/cfg`);
  });

  it('deleteNode deletes a leaf, refuses a parent without recursive, and deletes a subtree with recursive', async () => {
    await probe.create(`${dir}/cfg`);
    await makeBig(dir);
    const leaf = await run<{ deleted: number }>(COMMANDS.deleteNode, { connection: name, path: `${dir}/cfg` });
    assert.equal(leaf.deleted, 1);
    assert.equal(await probe.exists(`${dir}/cfg`), undefined);
    await assert.rejects(run(COMMANDS.deleteNode, { connection: name, path: `${dir}/big` }), /still has children/);
    await assert.rejects(run(COMMANDS.deleteNode, { connection: readOnlyName, path: `${dir}/big`, recursive: true }), /read-only/);
    await assert.rejects(run(COMMANDS.deleteNode, { connection: name, path: '/zookeeper', recursive: true }), /belongs to ZooKeeper itself/);
    const tree = await run<{ deleted: number; total: number; failed: unknown[] }>(COMMANDS.deleteNode, { connection: name, path: `${dir}/big`, recursive: true });
    assert.deepEqual(tree, { deleted: 1204, total: 1204, cancelled: false, failed: [] });
    assert.equal(await probe.exists(`${dir}/big`), undefined);
  });

  it('deleteNode recursive names every node it could not delete with the reason (a node guarded by its ACL, its ancestors kept) and deletes all the rest', async () => {
    // 1 + 300 leaves + a guarded branch: the leaves go in batches; the guarded node's children cannot
    // go (no delete permission on it), so one batch is refused as a whole and redone node by node.
    const root = `${dir}/t`;
    await probe.create(root);
    const leaves = Array.from({ length: 300 }, (_, i) => `${root}/leaf-${String(i).padStart(3, '0')}`);
    await probe.multi(leaves.map((path) => ({ type: 'create' as const, path })));
    const guarded = `${root}/guarded`;
    await probe.create(guarded);
    const kids = ['k1', 'k2', 'k3'].map((k) => `${guarded}/${k}`);
    for (const kid of kids) await probe.create(kid);
    await probe.setACL(guarded, [{ perms: Perm.read | Perm.create | Perm.admin, id: { scheme: 'world', id: 'anyone' } }]);
    const result = await run<{ deleted: number; total: number; cancelled: boolean; failed: { path: string; code: string; message: string }[] }>(COMMANDS.deleteNode, { connection: name, path: root, recursive: true });
    assert.equal(result.total, 1 + 300 + 1 + 3);
    assert.equal(result.deleted, 300);
    assert.equal(result.cancelled, false);
    const reasons = new Map(result.failed.map((f) => [f.path, f]));
    assert.equal(reasons.size, result.failed.length, 'each node named once');
    assert.deepEqual([...reasons.keys()].sort(), [root, guarded, ...kids].sort());
    for (const kid of kids) {
      assert.equal(reasons.get(kid)!.code, 'NOAUTH');
      assert.match(reasons.get(kid)!.message, /^Could not delete ".*\/k\d": not authorized by the node's ACL/);
    }
    for (const kept of [guarded, root]) assert.equal(reasons.get(kept)!.message, `Kept "${kept}" because a node below it could not be deleted.`);
    for (const leaf of leaves) assert.equal(await probe.exists(leaf), undefined, leaf);
    for (const kid of kids) assert.ok(await probe.exists(kid), kid);
    await probe.setACL(guarded, [{ perms: Perm.all, id: { scheme: 'world', id: 'anyone' } }]);
    assert.deepEqual(await run(COMMANDS.deleteNode, { connection: name, path: root, recursive: true }), { deleted: 5, total: 5, cancelled: false, failed: [] });
    assert.equal(await probe.exists(root), undefined);
  });
});
