import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExportCommandResult } from '../../src/extension/transfer';
import { ZkClient } from '../../src/zk/client';
import type { ExportedNode } from '../../src/zk/transfer/exportFormat';

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
