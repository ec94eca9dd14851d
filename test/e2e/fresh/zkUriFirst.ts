// Runs as the extensionTestsPath of a window of its own (test/e2e/lazyLoading.e2e.test.ts): its first
// and only use of ZooKeeper Explorer is a zk:// address, read through vscode.workspace.fs and then
// opened with openTextDocument, as another extension or a task would. The extension must not be
// active before (the address activates it: onFileSystem:zk) and must answer with the node's data.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ZkClient } from '../../../src/zk/client';

const EXTENSION_ID = 'zookeeper-explorer.zookeeper-explorer';

export async function run(): Promise<void> {
  const connectString = process.env.ZK_E2E_CONNECT;
  assert.ok(connectString, 'ZK_E2E_CONNECT names the demo ZooKeeper');
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  assert.equal(extension.isActive, false, 'nothing has activated the extension yet');
  const raw = await ZkClient.connect({ connectString });
  try {
    const { data } = await raw.get('/config/app');
    // The data's document address (a file only): before the extension is active, VS Code answers this
    // read through its main process, which refuses to read what a stat calls a directory too (every
    // bare znode address is both).
    const uri = vscode.Uri.parse('zk://demo/config/app?view=text');
    const read = await vscode.workspace.fs.readFile(uri);
    assert.equal(Buffer.from(read).toString('utf8'), data.toString('utf8'));
    assert.equal(extension.isActive, true, 'the zk:// address activated it');
    const document = await vscode.workspace.openTextDocument(uri);
    assert.equal(document.getText(), data.toString('utf8'));
    // Now the provider answers in this extension host: the bare znode address reads too.
    assert.equal(Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.parse('zk://demo/config/app'))).toString('utf8'), data.toString('utf8'));
    const children = await vscode.workspace.fs.readDirectory(vscode.Uri.parse('zk://demo/config'));
    assert.ok(children.some(([name]) => name === 'app'), `zk://demo/config lists app: ${JSON.stringify(children)}`);
    console.log(`ZK_URI_FIRST ok: ${read.byteLength} bytes, ${children.length} children of /config`);
  } finally {
    await raw.close();
  }
}
