import * as assert from 'node:assert/strict';
import { Perm, type ZkAcl } from '../../../../src/zk/acl';
import { ZkClient } from '../../../../src/zk/client';
import { walkSubtree } from '../../../../src/zk/subtree';
import { relocateSubtree } from '../../../../src/zk/transfer/relocate';
import { rejectsWith } from '../../../support/assertions';
import { sharedZooKeeper, type ZooKeeperServer } from '../../../support/zookeeper';

const READ_WRITE: ZkAcl[] = [{ perms: Perm.read | Perm.write | Perm.create | Perm.delete, id: { scheme: 'world', id: 'anyone' } }];

describe('zk/transfer/relocate (copy and move as one multi) against a real ZooKeeper', function () {
  this.timeout(60000);
  let server: ZooKeeperServer;
  let admin: ZkClient;
  let client: ZkClient;
  let base: string;

  before(async () => {
    server = await sharedZooKeeper();
    admin = await ZkClient.connect({ connectString: server.connectString });
  });

  beforeEach(async function () {
    base = `/relocate-${this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}-${Date.now()}`;
    await admin.create(base);
    client = await ZkClient.connect({ connectString: server.connectString });
  });

  afterEach(async () => {
    await client.close();
  });

  after(async () => {
    await admin.close();
  });

  /** Every node under `root` with its data, relative to root. */
  async function snapshot(root: string): Promise<Record<string, string>> {
    const { paths } = await walkSubtree(admin, root);
    const out: Record<string, string> = {};
    for (const path of paths) out[path.slice(root.length) || '.'] = (await admin.get(path)).data.toString('hex');
    return out;
  }

  async function tree(root: string): Promise<void> {
    await admin.create(root, Buffer.from('root'));
    await admin.create(`${root}/a`, Buffer.from([0, 255, 1]));
    await admin.create(`${root}/a/deep`, Buffer.from('deep'));
    await admin.create(`${root}/b`, null, { acl: READ_WRITE });
  }

  it('moves a subtree: data, ACLs and shape at the target, nothing left at the source', async () => {
    await tree(`${base}/src`);
    const before = await snapshot(`${base}/src`);
    const { nodes } = await relocateSubtree(client, `${base}/src`, `${base}/dst`, { move: true });
    assert.equal(nodes, 4);
    assert.equal(await admin.exists(`${base}/src`), undefined);
    assert.deepEqual(await snapshot(`${base}/dst`), before);
    assert.deepEqual((await admin.getACL(`${base}/dst/b`)).acl, READ_WRITE);
  });

  it('copies a subtree and leaves the source as it was', async () => {
    await tree(`${base}/src`);
    const before = await snapshot(`${base}/src`);
    await relocateSubtree(client, `${base}/src`, `${base}/copy`, { move: false });
    assert.deepEqual(await snapshot(`${base}/src`), before);
    assert.deepEqual(await snapshot(`${base}/copy`), before);
  });

  it('a change by another client between the read and the write fails the whole batch: nothing applied', async () => {
    for (const move of [true, false]) {
      const source = `${base}/src-${move}`;
      await tree(source);
      // The batch is sent only after the read; another client changes a node at exactly that moment.
      const original = client.multi.bind(client);
      client.multi = async (ops) => {
        await admin.set(`${source}/a/deep`, Buffer.from('changed meanwhile'));
        return original(ops);
      };
      try {
        await rejectsWith(relocateSubtree(client, source, `${base}/dst-${move}`, { move }), 'BADVERSION', /changed by another client meanwhile\. ZooKeeper applied nothing/);
      } finally {
        client.multi = original;
      }
      assert.equal(await admin.exists(`${base}/dst-${move}`), undefined, 'no node created at the target');
      assert.equal((await admin.get(`${source}/a/deep`)).data.toString(), 'changed meanwhile', 'the source kept everything');
    }
  });

  it('a child added to the source meanwhile fails a move: nothing applied', async () => {
    const source = `${base}/src`;
    await tree(source);
    const original = client.multi.bind(client);
    client.multi = async (ops) => {
      await admin.create(`${source}/a/late`);
      return original(ops);
    };
    await rejectsWith(relocateSubtree(client, source, `${base}/dst`, { move: true }), 'NOTEMPTY', /added a child/);
    assert.equal(await admin.exists(`${base}/dst`), undefined);
    assert.ok(await admin.exists(`${source}/a/late`));
  });

  it('refuses ephemerals, sequential children, too many nodes, an oversize batch, itself and /zookeeper; changes nothing', async () => {
    const source = `${base}/src`;
    await tree(source);
    const owner = await ZkClient.connect({ connectString: server.connectString });
    try {
      await owner.create(`${source}/a/lock`, null, { mode: 'ephemeral' });
      await rejectsWith(relocateSubtree(client, source, `${base}/x`, { move: true }), 'INVALIDARGUMENT', /ephemeral node, owned by the session/);
    } finally {
      await owner.close();
    }
    await admin.create(`${source}/q`);
    await admin.create(`${source}/q/item-`, null, { mode: 'persistentSequential' });
    await rejectsWith(relocateSubtree(client, source, `${base}/x`, { move: true }), 'INVALIDARGUMENT', /sequence suffix/);
    await rejectsWith(relocateSubtree(client, `${source}/a`, `${base}/x`, { move: true, maxNodes: 1 }), 'INVALIDARGUMENT', /2 nodes, more than the 1/);
    await rejectsWith(relocateSubtree(client, `${source}/a`, `${base}/x`, { move: true, maxRequestBytes: 100 }), 'DATATOOLARGE', /jute\.maxbuffer/);
    await rejectsWith(relocateSubtree(client, source, `${source}/a/inside`, { move: true }), 'INVALIDARGUMENT', /inside it/);
    await rejectsWith(relocateSubtree(client, '/zookeeper', `${base}/zk`, { move: false }), 'INVALIDARGUMENT', /belongs to the server/);
    await rejectsWith(relocateSubtree(client, `${source}/a`, `${base}/missing/parent/x`, { move: true }), 'NONODE', /parent of .* does not exist/);
    await rejectsWith(relocateSubtree(client, `${source}/a`, `${source}/b`, { move: true }), 'NODEEXISTS', /already exists/);
    assert.equal(await admin.exists(`${base}/x`), undefined);
    assert.ok(await admin.exists(`${source}/a/deep`), 'the source is untouched');
  });
});
