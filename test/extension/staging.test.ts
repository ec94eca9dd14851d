import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CommitCommandResult } from '../../src/extension/staging';
import { ZkClient } from '../../src/zk/client';

const text = (s: string): Buffer => Buffer.from(s, 'utf8');
const run = <T>(command: string, args: Record<string, unknown>): Promise<T> => Promise.resolve(vscode.commands.executeCommand<T>(command, args));
interface Listed {
  connection: string;
  path: string;
  kind: string;
  staged: boolean;
}

/** Staged editing: saves, creates and deletes stage; Commit is one transaction. Through the public commands and real documents. */
describe('staged changes (zookeeper.stagedEditing, zookeeper.commitStaged)', function () {
  this.timeout(60000);
  const stamp = Date.now();
  const name = `staging-${stamp}`;
  const base = `/ext-staging-${stamp}`;
  const connectString = process.env.ZK_TEST_CONNECT!;
  let probe: ZkClient;
  const settings = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('zookeeper');

  before(async () => {
    await vscode.extensions.getExtension('zookeeper-explorer.zookeeper-explorer')!.activate();
    await run('zookeeper.addConnection', { name, connectString });
    probe = await ZkClient.connect({ connectString });
    await probe.create(base);
    for (const node of ['a', 'b', 'old']) await probe.create(`${base}/${node}`, text(`${node}=1`));
    await settings().update('stagedEditing', true, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await settings().update('stagedEditing', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await run('zookeeper.removeConnection', { connection: name });
    await probe.close();
  });

  async function saveAs(path: string, value: string): Promise<vscode.TextDocument> {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'zk', authority: name, path, query: 'view=text' }));
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), value);
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.equal(await document.save(), true);
    return document;
  }
  const listed = (): Promise<Listed[]> => run<Listed[]>('zookeeper.listStaged', { connection: name });

  it('stages three edits (a save, a create, a delete) without writing, then commits them as one transaction', async () => {
    const document = await saveAs(`${base}/a`, 'a=2');
    assert.deepEqual((await probe.get(`${base}/a`)).data, text('a=1'), 'the save did not write');
    assert.equal(document.getText(), 'a=2', 'the editor keeps the staged text');
    await run('zookeeper.createNode', { connection: name, path: `${base}/new`, data: 'fresh' });
    await run('zookeeper.deleteNode', { connection: name, path: `${base}/old` });
    assert.equal(await probe.exists(`${base}/new`), undefined);
    assert.ok(await probe.exists(`${base}/old`));
    assert.deepEqual(
      (await listed()).map((e) => [e.path, e.kind, e.staged]),
      [
        [`${base}/a`, 'set', true],
        [`${base}/new`, 'create', true],
        [`${base}/old`, 'delete', true],
      ],
    );
    // Reopened, the document shows the staged data, not the server's.
    const reread = new TextDecoder().decode(await vscode.workspace.fs.readFile(document.uri));
    assert.equal(reread, 'a=2');

    const result = await run<CommitCommandResult>('zookeeper.commitStaged', { connection: name });
    assert.equal(result.applied, true);
    assert.deepEqual(result.results.map((r) => r.type), ['create', 'set', 'delete']);
    assert.deepEqual((await probe.get(`${base}/a`)).data, text('a=2'));
    assert.deepEqual((await probe.get(`${base}/new`)).data, text('fresh'));
    assert.equal(await probe.exists(`${base}/old`), undefined);
    assert.deepEqual(await listed(), []);
  });

  it('a node changed on the server since it was staged fails the whole commit, named; refreshed, it commits', async () => {
    await saveAs(`${base}/a`, 'a=3');
    await saveAs(`${base}/b`, 'b=3');
    await probe.set(`${base}/b`, text('b=theirs'));
    const refused = await run<CommitCommandResult>('zookeeper.commitStaged', { connection: name });
    assert.equal(refused.applied, false);
    assert.deepEqual(refused.conflict, { path: `${base}/b`, code: 'BADVERSION' });
    assert.deepEqual((await probe.get(`${base}/a`)).data, text('a=2'), 'nothing was applied');
    await run('zookeeper.refreshStagedChange', { connection: name, path: `${base}/b` });
    const committed = await run<CommitCommandResult>('zookeeper.commitStaged', { connection: name });
    assert.equal(committed.applied, true);
    assert.deepEqual((await probe.get(`${base}/b`)).data, text('b=3'));
    assert.deepEqual((await probe.get(`${base}/a`)).data, text('a=3'));
  });

  it('held back changes stay out of the commit; discarded ones are gone and the editor shows the server again', async () => {
    const a = await saveAs(`${base}/a`, 'a=held');
    await saveAs(`${base}/b`, 'b=discarded');
    await run('zookeeper.unstageChange', { connection: name, path: `${base}/a` });
    await run('zookeeper.discardChange', { connection: name, path: `${base}/b` });
    assert.deepEqual((await listed()).map((e) => [e.path, e.staged]), [[`${base}/a`, false]]);
    const result = await run<CommitCommandResult>('zookeeper.commitStaged', { connection: name });
    assert.deepEqual([result.applied, result.results], [true, []]);
    assert.deepEqual((await probe.get(`${base}/a`)).data, text('a=3'), 'held back: not written');
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.from({ scheme: 'zk', authority: name, path: `${base}/b`, query: 'view=text' }))), 'b=3');
    await run('zookeeper.discardChange', { connection: name, path: `${base}/a` });
    assert.equal(a.isDirty, false);
  });
  it('Move or Rename… and Copy To… refuse while a staged change waits under the source or at the target, and work once it is discarded', async () => {
    await probe.create(`${base}/tree`);
    await probe.create(`${base}/tree/conf`, text('conf=1'));
    await saveAs(`${base}/tree/conf`, 'conf=staged');
    await assert.rejects(run('zookeeper.moveNode', { connection: name, path: `${base}/tree`, to: `${base}/moved` }), /"[^"]*\/tree" was not moved: staged changes wait at [^ ]*\/tree\/conf\. Commit or discard them first/);
    await assert.rejects(run('zookeeper.copyNode', { connection: name, path: `${base}/tree`, to: `${base}/copy` }), /was not copied: staged changes wait at [^ ]*\/tree\/conf\./);
    assert.equal(await probe.exists(`${base}/moved`), undefined, 'nothing moved');
    assert.equal(await probe.exists(`${base}/copy`), undefined, 'nothing copied');
    await run('zookeeper.discardChange', { connection: name, path: `${base}/tree/conf` });

    // A staged creation at the target: the move would collide with it at commit.
    await run('zookeeper.createNode', { connection: name, path: `${base}/target`, data: 'x' });
    await assert.rejects(run('zookeeper.moveNode', { connection: name, path: `${base}/tree`, to: `${base}/target` }), /was not moved: staged changes wait at [^ ]*\/target\./);
    await run('zookeeper.discardChange', { connection: name, path: `${base}/target` });

    // Nothing staged any more: the move goes to the server at once, data and all.
    await run('zookeeper.moveNode', { connection: name, path: `${base}/tree`, to: `${base}/moved` });
    assert.deepEqual((await probe.get(`${base}/moved/conf`)).data, text('conf=1'));
    assert.equal(await probe.exists(`${base}/tree`), undefined);
  });
});
