import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as vscode from 'vscode';
import type { CopyCommandResult } from '../../src/extension/transfer/copyCommand';
import type { ImportCommandResult } from '../../src/extension/transfer/importCommand';
import { Perm } from '../../src/zk/acl';
import { ZkClient } from '../../src/zk/client';
import { zookeeper, type ZooKeeperServer } from '../support/zookeeper';
import type { ZooKeeperExplorerApi } from '../../src/extension/extension';

const text = (s: string): Buffer => Buffer.from(s, 'utf8');
const run = <T>(command: string, args: Record<string, unknown>): Promise<T> => Promise.resolve(vscode.commands.executeCommand<T>(command, args));

/** Import and copy through the public contract: command ids as strings and argument objects. */
describe('import (zookeeper.importSubtree)', function () {
  this.timeout(90000);
  const stamp = Date.now();
  const name = `import-${stamp}`;
  const readOnly = `import-ro-${stamp}`;
  const base = `/ext-import-${stamp}`;
  const connectString = process.env.ZK_TEST_CONNECT!;
  let probe: ZkClient;
  let dir: string;

  before(async () => {
    await vscode.extensions.getExtension('zookeeper-explorer.zookeeper-explorer')!.activate();
    await run('zookeeper.addConnection', { name, connectString });
    await run('zookeeper.addConnection', { name: readOnly, connectString, readOnly: true });
    probe = await ZkClient.connect({ connectString });
    await probe.create(base);
    await probe.create(`${base}/config`, text('root'));
    await probe.create(`${base}/config/app.json`, text('{"db":"postgres://db1"}'));
    await probe.create(`${base}/config/blob`, Buffer.from([0, 1, 2, 255]));
    await probe.create(`${base}/config/empty`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zke-import-'));
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const connection of [name, readOnly]) await run('zookeeper.removeConnection', { connection });
    await probe.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('plans (dryRun: nothing written), then applies the same file into a new place; a second run is all unchanged', async () => {
    const file = vscode.Uri.file(path.join(dir, 'config.json')).toString();
    await run('zookeeper.exportSubtree', { connection: name, path: `${base}/config`, uri: file });
    const dry = await run<ImportCommandResult>('zookeeper.importSubtree', { connection: name, path: `${base}/config-copy`, uri: file, dryRun: true });
    assert.deepEqual(dry.plan.counts, { create: 4, update: 0, unchanged: 0, delete: 0 });
    assert.equal(dry.report, undefined);
    assert.equal(await probe.exists(`${base}/config-copy`), undefined, 'a dry run writes nothing');

    const applied = await run<ImportCommandResult>('zookeeper.importSubtree', { connection: name, path: `${base}/config-copy`, uri: file });
    assert.equal(applied.report!.created, 4);
    assert.deepEqual((await probe.get(`${base}/config-copy/blob`)).data, Buffer.from([0, 1, 2, 255]));
    const compared = await run<{ added: string[]; removed: string[]; changed: unknown[]; same: number }>('zookeeper.compare', {
      connection: name,
      path: `${base}/config`,
      otherConnection: name,
      otherPath: `${base}/config-copy`,
      ignore: { acl: false },
    });
    assert.deepEqual([compared.added, compared.removed, compared.changed, compared.same], [[], [], [], 4]);

    await probe.set(`${base}/config-copy/app.json`, text('{"db":"edited"}'));
    await probe.create(`${base}/config-copy/extra`);
    const again = await run<ImportCommandResult>('zookeeper.importSubtree', { connection: name, path: `${base}/config-copy`, uri: file, deleteExtra: true, dryRun: true });
    assert.deepEqual(again.plan.update, [{ path: `${base}/config-copy/app.json`, changes: ['data'] }]);
    assert.deepEqual(again.plan.delete, [`${base}/config-copy/extra`]);
    assert.equal(again.plan.unchanged, 3);
  });

  it('imports a ZooNavigator export', async () => {
    const file = path.join(dir, 'zoonavigator.txt');
    const trees = [{ h: { path: '/legacy', data: 'v1', acl: [{ scheme: 'world', id: 'anyone', permissions: ['READ', 'ADMIN'] }] }, t: [{ h: { path: '/legacy/child', data: 'c', acl: [] }, t: [] }] }];
    fs.writeFileSync(file, gzipSync(Buffer.from(JSON.stringify(trees))).toString('base64'));
    const result = await run<ImportCommandResult>('zookeeper.importSubtree', { connection: name, path: `${base}/legacy`, uri: vscode.Uri.file(file).toString() });
    assert.equal(result.plan.format, 'zoonavigator');
    assert.equal(result.report!.created, 2);
    assert.deepEqual((await probe.get(`${base}/legacy/child`)).data, text('c'));
    assert.equal((await probe.getACL(`${base}/legacy`)).acl[0].perms, Perm.read | Perm.admin);
  });

  it('refuses a read-only connection, a missing file and a file that is not an export, in sentences', async () => {
    const file = vscode.Uri.file(path.join(dir, 'config.json')).toString();
    await assert.rejects(run('zookeeper.importSubtree', { connection: readOnly, path: `${base}/ro`, uri: file }), /read-only/);
    assert.equal(await probe.exists(`${base}/ro`), undefined);
    await assert.rejects(run('zookeeper.importSubtree', { connection: name, path: `${base}/x`, uri: vscode.Uri.file(path.join(dir, 'nope.json')).toString() }), /does not exist/);
    fs.writeFileSync(path.join(dir, 'other.json'), '{"something": "else"}\n');
    await assert.rejects(run('zookeeper.importSubtree', { connection: name, path: `${base}/x`, uri: vscode.Uri.file(path.join(dir, 'other.json')).toString() }), /cannot be imported/);
    await assert.rejects(run('zookeeper.importSubtree', { connection: name, path: `${base}/x` }), /Pass the file to import/);
  });
});

/** Copy to the other side, across two real ZooKeepers (staging and production). */
describe('copy to the other side (zookeeper.copyToOtherSide) between two ZooKeepers', function () {
  this.timeout(120000);
  const stamp = Date.now();
  const staging = `staging-${stamp}`;
  const production = `production-${stamp}`;
  const base = `/ext-copy-${stamp}`;
  let second: ZooKeeperServer;
  let left: ZkClient;
  let right: ZkClient;

  before(async () => {
    await vscode.extensions.getExtension('zookeeper-explorer.zookeeper-explorer')!.activate();
    second = await zookeeper.startZooKeeper({ install: true });
    await run('zookeeper.addConnection', { name: staging, connectString: process.env.ZK_TEST_CONNECT! });
    await run('zookeeper.addConnection', { name: production, connectString: second.connectString });
    left = await ZkClient.connect({ connectString: process.env.ZK_TEST_CONNECT! });
    right = await ZkClient.connect({ connectString: second.connectString });
    for (const client of [left, right]) {
      await client.create(base);
      await client.create(`${base}/app.json`, text(client === left ? '{"db":"stage"}' : '{"db":"prod"}'));
    }
    await left.create(`${base}/features`, text('beta=on'));
    await left.create(`${base}/features/flags`, text('a,b'));
    await left.create(`${base}/features/secret`, text('hidden'), { acl: [{ perms: Perm.all & ~Perm.read, id: { scheme: 'world', id: 'anyone' } }] });
  });
  after(async () => {
    for (const connection of [staging, production]) await run('zookeeper.removeConnection', { connection });
    await Promise.all([left.close(), right.close()]);
    await second.stop();
  });

  const compare = (): Promise<{ added: string[]; removed: string[]; changed: { path: string; what: string[] }[] }> =>
    run('zookeeper.compare', { connection: staging, path: base, otherConnection: production, otherPath: base });
  const sides = { left: { connection: staging, path: base }, right: { connection: production, path: base } };

  it('copies a subtree only one side has, reporting the source node it may not read; then a changed node', async () => {
    const before = await compare();
    assert.deepEqual(before.removed, ['features', 'features/flags'], 'the unreadable node is not even listed');
    assert.deepEqual(before.changed, [{ path: 'app.json', what: ['data'] }]);

    const dry = await run<CopyCommandResult>('zookeeper.copyToOtherSide', { kind: 'removed', path: 'features', ...sides, dryRun: true });
    assert.deepEqual(dry.plan.create, [`${base}/features`, `${base}/features/flags`]);
    assert.deepEqual(dry.plan.skipped.map((s) => s.path), [`${base}/features/secret`]);
    assert.match(dry.plan.skipped[0].reason, /not readable on staging/);
    assert.equal(await right.exists(`${base}/features`), undefined);

    const copied = await run<CopyCommandResult>('zookeeper.copyToOtherSide', { kind: 'removed', path: 'features', ...sides });
    assert.equal(copied.report!.created, 2);
    // The Compare view showing these two sides ran its comparison again: the copied subtree is no longer a difference.
    const shown = (vscode.extensions.getExtension<ZooKeeperExplorerApi>('zookeeper-explorer.zookeeper-explorer')!.exports.compare.run)!;
    assert.deepEqual([shown.outcome.removed, shown.outcome.changed.map((c) => c.path)], [[], ['app.json']], 'the view after the copy');
    const node = await run<CopyCommandResult>('zookeeper.copyNodeToOtherSide', { kind: 'changed', path: 'app.json', ...sides });
    assert.equal(node.report!.updated, 1);
    const after = await compare();
    assert.deepEqual([after.added, after.removed, after.changed], [[], [], []]);
    assert.deepEqual((await right.get(`${base}/features/flags`)).data, text('a,b'));
  });
});
