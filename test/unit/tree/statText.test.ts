import * as assert from 'node:assert/strict';
import { ZkClient } from '../../../src/zk/client';
import { deleteTree } from '../../../src/zk/subtree';
import { describeStatBriefly, znodeKind } from '../../../src/tree/statText';
import { sharedZooKeeper } from '../../support/zookeeper';

describe('tree/statText against a real ZooKeeper', function () {
  this.timeout(60000);
  let client: ZkClient;
  const base = `/t-statText-${Date.now()}`;

  before(async () => {
    const server = await sharedZooKeeper();
    client = await ZkClient.connect({ connectString: server.connectString });
    await client.create(base);
  });

  after(async () => {
    await deleteTree(client, base);
    await client.close();
  });

  it('container and TTL nodes come back with ephemeralOwner 0, so their kind is not claimed to be "persistent" alone', async () => {
    const container = await client.create(`${base}/container`, null, { mode: 'container' });
    await client.create(`${base}/container/keep`); // an empty container may be reaped meanwhile
    const ttl = await client.create(`${base}/ttl`, null, { mode: 'ttl', ttlMs: 600000 });
    const persistent = await client.create(`${base}/plain`);
    const ephemeral = await client.create(`${base}/eph`, null, { mode: 'ephemeral' });
    const sequential = await client.create(`${base}/job-`, null, { mode: 'ephemeralSequential' });
    const stat = async (path: string) => (await client.exists(path))!;
    // The premise, checked against the server: nothing in the stat tells these three apart.
    for (const path of [container.path, ttl.path, persistent.path]) assert.equal((await stat(path)).ephemeralOwner, 0n, path);
    for (const path of [container.path, ttl.path, persistent.path]) {
      assert.equal(znodeKind(path.split('/').pop()!, await stat(path)), 'persistent (or container/TTL: the server reports those alike)');
    }
    assert.equal(znodeKind('eph', await stat(ephemeral.path)), 'ephemeral');
    assert.equal(znodeKind(sequential.path.split('/').pop()!, await stat(sequential.path)), 'ephemeral sequential');
  });

  it('a row tooltip\'s stat is two short lines (three for an ephemeral node: its owner session)', async () => {
    const { path } = await client.create(`${base}/sized`, Buffer.from('0123456789'));
    await client.create(`${path}/a`);
    const lines = describeStatBriefly((await client.exists(path))!);
    assert.equal(lines.length, 2);
    assert.equal(lines[0], 'v0 · 10 B · 1 child');
    assert.match(lines[1], /^modified \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    const eph = await client.create(`${base}/owned`, null, { mode: 'ephemeral' });
    const owned = describeStatBriefly((await client.exists(eph.path))!);
    assert.equal(owned.length, 3);
    assert.equal(owned[2], `owner session 0x${client.sessionId.toString(16).padStart(16, '0')}`);
    const root = describeStatBriefly((await client.exists('/'))!);
    assert.match(root[1], /^modified never$/);
  });
});
