import * as assert from 'node:assert/strict';
import { ZkClient } from '../../../../src/zk/client';
import { commitChanges, commitOps, type StagedChange } from '../../../../src/zk/transfer/staged';
import { sharedZooKeeper } from '../../../support/zookeeper';

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('zk/transfer/staged: one multi for every staged change, against a real ZooKeeper', function () {
  this.timeout(60000);
  let client: ZkClient;
  let base: string;

  before(async () => {
    client = await ZkClient.connect({ connectString: (await sharedZooKeeper()).connectString });
  });
  beforeEach(async function () {
    base = `/staged-${this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}-${Date.now()}`;
    await client.create(base);
    for (const name of ['a', 'b', 'gone', 'gone/child']) await client.create(`${base}/${name}`, text(`old ${name}`));
  });
  after(async () => {
    await client.close();
  });

  const changes = async (): Promise<StagedChange[]> => {
    const a = await client.get(`${base}/a`);
    const b = await client.get(`${base}/b`);
    return [
      { kind: 'delete', path: `${base}/gone`, nodes: [{ path: `${base}/gone/child`, version: 0 }, { path: `${base}/gone`, version: 0 }], baseData: text('old gone') },
      { kind: 'set', path: `${base}/a`, data: text('new a'), baseVersion: a.stat.version, baseData: a.data },
      { kind: 'create', path: `${base}/new/leaf`, data: text('leaf'), mode: 'persistent' },
      { kind: 'create', path: `${base}/new`, data: text('parent'), mode: 'persistent' },
      { kind: 'set', path: `${base}/b`, data: text('new b'), baseVersion: b.stat.version, baseData: b.data },
    ];
  };

  it('orders the ops so ZooKeeper accepts them: creates parents first, sets, deletes children first', async () => {
    const { ops } = commitOps(await changes());
    assert.deepEqual(
      ops.map((op) => `${op.type} ${op.path.slice(base.length)}`),
      ['create /new', 'create /new/leaf', 'set /a', 'set /b', 'delete /gone/child', 'delete /gone'],
    );
  });

  it('applies all of them in one transaction', async () => {
    const outcome = await commitChanges(client, await changes());
    assert.equal(outcome.applied, true);
    assert.equal(outcome.results.length, 6);
    assert.deepEqual((await client.get(`${base}/a`)).data, text('new a'));
    assert.deepEqual((await client.get(`${base}/b`)).data, text('new b'));
    assert.deepEqual((await client.get(`${base}/new/leaf`)).data, text('leaf'));
    assert.equal(await client.exists(`${base}/gone`), undefined);
  });

  it('applies none of them when one node changed since it was staged, and names that node', async () => {
    const staged = await changes();
    await client.set(`${base}/b`, text('theirs'));
    const outcome = await commitChanges(client, staged);
    assert.equal(outcome.applied, false);
    assert.deepEqual({ path: outcome.conflict!.path, code: outcome.conflict!.code, kind: outcome.conflict!.change.kind }, { path: `${base}/b`, code: 'BADVERSION', kind: 'set' });
    assert.deepEqual(outcome.results.find((r) => r.path === `${base}/b`)?.error, 'BADVERSION');
    assert.deepEqual((await client.get(`${base}/a`)).data, text('old a'), 'the set before it was rolled back');
    assert.equal(await client.exists(`${base}/new`), undefined);
    assert.ok(await client.exists(`${base}/gone/child`));
  });
});
