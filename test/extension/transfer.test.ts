import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExportCommandResult } from '../../src/extension/transfer';
import { ZkClient } from '../../src/zk/client';
import type { ExportedNode } from '../../src/zk/transfer/exportFormat';
import { eventually } from '../support/session';

/** Through the public contract only: the command id as a string and an argument object, as a task would call it. */
describe('export (zookeeper.exportSubtree)', function () {
  this.timeout(60000);
  const stamp = Date.now();
  const name = `export-${stamp}`;
  const base = `/ext-export-${stamp}`;
  const connectString = process.env.ZK_TEST_CONNECT!;
  let probe: ZkClient;
  let dir: string;

  before(async () => {
    await vscode.extensions.getExtension('zookeeper-explorer.zookeeper-explorer')!.activate();
    await vscode.commands.executeCommand('zookeeper.addConnection', { name, connectString });
    probe = await ZkClient.connect({ connectString });
    await probe.create(base, Buffer.from('root'));
    await probe.create(`${base}/app.json`, Buffer.from('{"db":"postgres://db1"}'));
    await probe.create(`${base}/blob`, Buffer.from([0, 1, 2, 255]));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zke-export-'));
  });
  after(async () => {
    await vscode.commands.executeCommand('zookeeper.removeConnection', { connection: name });
    await probe.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes the JSON file and returns the report', async () => {
    const file = path.join(dir, 'config.json');
    const result = await vscode.commands.executeCommand<ExportCommandResult>('zookeeper.exportSubtree', { connection: name, path: base, uri: vscode.Uri.file(file).toString() });
    assert.equal(result.exported, 3);
    assert.equal(result.format, 'json');
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { source: { connection: string; path: string }; nodes: ExportedNode[] };
    assert.deepEqual(parsed.source.connection, name);
    assert.deepEqual(
      parsed.nodes.map((n) => [n.path, n.data ?? n.dataBase64]),
      [
        ['', 'root'],
        ['app.json', '{"db":"postgres://db1"}'],
        ['blob', 'AAEC/w=='],
      ],
    );
    assert.deepEqual(fs.readdirSync(dir), ['config.json'], 'no partial file is left beside it');
  });

  it('writes a .zk script', async () => {
    const file = path.join(dir, 'config.zk');
    const result = await vscode.commands.executeCommand<ExportCommandResult>('zookeeper.exportSubtree', { connection: name, path: base, uri: vscode.Uri.file(file).toString(), format: 'zk' });
    assert.equal(result.binaryWithoutData, 1);
    const script = fs.readFileSync(file, 'utf8');
    assert.match(script, new RegExp(`^create ${base}/app.json "\\{\\\\"db\\\\":\\\\"postgres://db1\\\\"\\}"$`, 'm'));
  });

  it('a failed export leaves an earlier file of that name as it was; bad arguments are sentences', async () => {
    const file = path.join(dir, 'kept.json');
    fs.writeFileSync(file, 'an earlier export');
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('zookeeper.exportSubtree', { connection: name, path: `${base}/nope`, uri: vscode.Uri.file(file).toString() })), /does not exist/);
    assert.equal(fs.readFileSync(file, 'utf8'), 'an earlier export');
    assert.ok(!fs.existsSync(`${file}.part`));
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('zookeeper.exportSubtree', { connection: name, path: base, uri: vscode.Uri.file(file).toString(), format: 'xml' })), /"format" is "json" or "zk"/);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('zookeeper.exportSubtree', { connection: name, path: base })), /Pass where to write/);
  });
});

/** Compare through the public contract: two subtrees (staging and prod) and the Compare view. */
describe('compare (zookeeper.compare and the Compare view)', function () {
  this.timeout(60000);
  const stamp = Date.now();
  const name = `compare-${stamp}`;
  const base = `/ext-compare-${stamp}`;
  const connectString = process.env.ZK_TEST_CONNECT!;
  let api: { compare: { getChildren(): vscode.TreeItem[] } };
  let probe: ZkClient;

  before(async () => {
    api = await vscode.extensions.getExtension<{ compare: { getChildren(): vscode.TreeItem[] } }>('zookeeper-explorer.zookeeper-explorer')!.activate();
    await vscode.commands.executeCommand('zookeeper.addConnection', { name, connectString });
    probe = await ZkClient.connect({ connectString });
    await probe.create(base);
    for (const env of ['staging', 'prod']) {
      await probe.create(`${base}/${env}`);
      await probe.create(`${base}/${env}/app.json`, Buffer.from(env === 'prod' ? '{"db":"prod-db"}' : '{"db":"stage-db"}'));
      await probe.create(`${base}/${env}/flags`, Buffer.from('dark=on'));
    }
    await probe.create(`${base}/prod/only-prod`, Buffer.from('x'));
    await probe.create(`${base}/staging/only-staging`, Buffer.from('y'));
  });
  after(async () => {
    await vscode.commands.executeCommand('zookeeper.clearCompare');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('zookeeper.removeConnection', { connection: name });
    await probe.close();
  });

  it('returns added, removed and changed (relative paths) and lists them in the view; a changed node opens a diff of the two nodes', async () => {
    const result = await vscode.commands.executeCommand<{ added: string[]; removed: string[]; changed: { path: string; what: string[] }[]; same: number }>('zookeeper.compare', {
      connection: name,
      path: `${base}/staging`,
      otherConnection: name,
      otherPath: `${base}/prod`,
    });
    assert.deepEqual(result.added, ['only-prod']);
    assert.deepEqual(result.removed, ['only-staging']);
    assert.deepEqual(result.changed, [{ path: 'app.json', what: ['data'] }]);
    assert.equal(result.same, 2);
    const rows = api.compare.getChildren().map((item) => `${typeof item.label === "string" ? item.label : ""} ${typeof item.description === "string" ? item.description : ""}`);
    assert.deepEqual(rows, ['app.json data differ', `only-staging only in ${base}/staging`, `only-prod only in ${base}/prod`]);
    const changed = api.compare.getChildren()[0];
    await vscode.commands.executeCommand(changed.command!.command, ...(changed.command!.arguments as unknown[]));
    await eventually(() => vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputTextDiff, 10000, 'the diff editor');
    const input = vscode.window.tabGroups.activeTabGroup.activeTab!.input as vscode.TabInputTextDiff;
    assert.equal(input.original.path, `${base}/staging/app.json`);
    assert.equal(input.modified.path, `${base}/prod/app.json`);
    assert.equal((await vscode.workspace.openTextDocument(input.modified)).getText(), '{"db":"prod-db"}');
  });

  it('ignore rules: path globs, and ACLs only on request', async () => {
    await probe.setACL(`${base}/prod/flags`, [{ perms: 1, id: { scheme: 'world', id: 'anyone' } }]);
    const ignoring = await vscode.commands.executeCommand<{ added: string[]; removed: string[]; changed: unknown[] }>('zookeeper.compare', {
      connection: name,
      path: `${base}/staging`,
      otherConnection: name,
      otherPath: `${base}/prod`,
      ignore: { paths: ['only-*', '*.json'] },
    });
    assert.deepEqual([ignoring.added, ignoring.removed, ignoring.changed], [[], [], []]);
    const withAcl = await vscode.commands.executeCommand<{ changed: { path: string; what: string[] }[] }>('zookeeper.compare', {
      connection: name,
      path: `${base}/staging`,
      otherConnection: name,
      otherPath: `${base}/prod`,
      ignore: { paths: ['only-*', '*.json'], acl: false },
    });
    assert.deepEqual(withAcl.changed, [{ path: 'flags', what: ['acl'] }]);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('zookeeper.compare', { connection: name, path: base })), /Pass the other side/);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('zookeeper.compare', { connection: name, path: base, otherPath: `${base}/nope` })), /does not exist/);
  });
});
