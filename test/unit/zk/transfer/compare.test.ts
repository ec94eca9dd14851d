import * as assert from 'node:assert/strict';
import { Perm } from '../../../../src/zk/acl';
import { ZkClient } from '../../../../src/zk/client';
import { compareTrees } from '../../../../src/zk/transfer/compare';
import { rejectsWith } from '../../../support/assertions';
import { sharedZooKeeper, withZooKeeper, type ZooKeeperServer } from '../../../support/zookeeper';

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

/** The same small configuration tree under `root`; `edit` changes it afterwards. */
async function plant(client: ZkClient, root: string): Promise<void> {
  await client.create(root, text('env'));
  await client.create(`${root}/app.json`, text('{"db":"db1"}'));
  await client.create(`${root}/flags`, text('dark=on'));
  await client.create(`${root}/flags/beta`, text('off'));
  await client.create(`${root}/blob`, Buffer.from([0, 1, 2, 3]));
  await client.create(`${root}/locks`);
}

describe('zk/transfer/compare against real ZooKeepers', function () {
  this.timeout(60000);
  let server: ZooKeeperServer;
  let client: ZkClient;
  let base: string;

  before(async () => {
    server = await sharedZooKeeper();
    client = await ZkClient.connect({ connectString: server.connectString });
  });
  beforeEach(async function () {
    base = `/compare-${this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}-${Date.now()}`;
    await client.create(base);
    await plant(client, `${base}/staging`);
    await plant(client, `${base}/prod`);
  });
  after(async () => {
    await client.close();
  });

  const staging = (): { client: ZkClient; path: string } => ({ client, path: `${base}/staging` });
  const prod = (): { client: ZkClient; path: string } => ({ client, path: `${base}/prod` });

  it('two equal subtrees are the same', async () => {
    const outcome = await compareTrees(staging(), prod());
    assert.deepEqual(outcome, { added: [], removed: [], changed: [], same: 6, unreadable: [], truncated: false, cancelled: false });
  });

  it('added, removed and changed data, also of equal length (read byte for byte) and binary', async () => {
    await client.create(`${base}/prod/new-service`, text('x'));
    await client.create(`${base}/prod/flags/gamma`, text('on'));
    await client.delete(`${base}/prod/flags/beta`);
    await client.set(`${base}/prod/app.json`, text('{"db":"db2"}'), -1); // same length
    await client.set(`${base}/prod/flags`, text('dark=off'), -1); // other length
    await client.set(`${base}/prod/blob`, Buffer.from([0, 1, 2, 4]), -1);
    const outcome = await compareTrees(staging(), prod());
    assert.deepEqual(outcome.added, ['flags/gamma', 'new-service']);
    assert.deepEqual(outcome.removed, ['flags/beta']);
    assert.deepEqual(outcome.changed, [
      { path: 'app.json', what: ['data'] },
      { path: 'blob', what: ['data'] },
      { path: 'flags', what: ['data'] },
    ]);
    assert.equal(outcome.same, 2);
  });

  it('mode and, on request, ACL; ephemerals ignored unless asked; ignore globs leave subtrees out', async () => {
    const owner = await ZkClient.connect({ connectString: server.connectString });
    try {
      await owner.create(`${base}/prod/locks/lock-1`, text('worker'), { mode: 'ephemeral' });
      await client.delete(`${base}/prod/flags/beta`);
      await owner.create(`${base}/prod/flags/beta`, text('off'), { mode: 'ephemeral' });
      await client.setACL(`${base}/prod/app.json`, [{ perms: Perm.read, id: { scheme: 'world', id: 'anyone' } }]);
      const plain = await compareTrees(staging(), prod());
      assert.deepEqual(plain.added, [], 'the lock holder is a session, not configuration');
      assert.deepEqual(plain.removed, ['flags/beta'], 'an ephemeral node is left out on its side');
      assert.deepEqual(plain.changed, [], 'ACLs are not compared unless asked');
      const everything = await compareTrees(staging(), prod(), { ignoreEphemeral: false, compareAcl: true });
      assert.deepEqual(everything.added, ['locks/lock-1']);
      assert.deepEqual(everything.changed, [
        { path: 'app.json', what: ['acl'] },
        { path: 'flags/beta', what: ['mode'] },
      ]);
      const ignoring = await compareTrees(staging(), prod(), { ignoreEphemeral: false, compareAcl: true, ignorePaths: ['locks', 'flags/**', '*.json'] });
      assert.deepEqual([ignoring.added, ignoring.removed, ignoring.changed], [[], [], []]);
      assert.equal(ignoring.same, 3, 'the root, blob and flags itself');
    } finally {
      await owner.close();
    }
  });

  it('compares across two servers (staging and production clusters)', async () => {
    await withZooKeeper(async (other) => {
      const remote = await ZkClient.connect({ connectString: other.connectString });
      try {
        await plant(remote, '/env');
        await remote.set('/env/flags/beta', text('on!'), -1);
        const outcome = await compareTrees(staging(), { client: remote, path: '/env' });
        assert.deepEqual(outcome.changed, [{ path: 'flags/beta', what: ['data'] }]);
        assert.equal(outcome.same, 5);
      } finally {
        await remote.close();
      }
    });
  });

  it('nodes one side may not read are reported, a missing side is a sentence', async () => {
    await client.create(`${base}/prod/secret`, text('x'), { acl: [{ perms: Perm.all & ~Perm.read, id: { scheme: 'world', id: 'anyone' } }] });
    const outcome = await compareTrees(staging(), prod());
    assert.deepEqual(outcome.unreadable, [{ side: 'other', path: 'secret' }]);
    assert.deepEqual(outcome.added, []);
    await rejectsWith(compareTrees(staging(), { client, path: `${base}/nope` }), 'NONODE', /does not exist/);
  });
});
