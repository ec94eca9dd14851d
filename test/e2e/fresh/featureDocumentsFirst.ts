// Runs as the extensionTestsPath of a window of its own (test/e2e/lazyLoading.e2e.test.ts): its first
// use of ZooKeeper Explorer is a document of each lazily loaded feature's scheme, opened as another
// extension, a link or an editor VS Code brings back would open it. The extension must not be active
// before; each document activates it (onFileSystem:<scheme>), loads its feature through the stand-in
// provider, and shows the feature's own answer: the recipe's detail read from the server, or, for what
// lived only in a window's memory, the sentence that says so and what to do.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ZooKeeperExplorerApi } from '../../../src/extension/extension';

const EXTENSION_ID = 'zookeeper-explorer.zookeeper-explorer';

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension<ZooKeeperExplorerApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  assert.equal(extension.isActive, false, 'nothing has activated the extension yet');
  const text = async (uri: vscode.Uri): Promise<string> => (await vscode.workspace.openTextDocument(uri)).getText();
  // The first one activates the extension: no command, view or zk:// address did.
  assert.equal(await text(vscode.Uri.from({ scheme: 'zookeeper-cluster', authority: 'demo', path: '/srvr 1.txt' })), 'This result is no longer kept: run the command again.');
  assert.equal(extension.isActive, true, 'the zookeeper-cluster document activated it');
  const features = extension.exports.features;
  assert.deepEqual(features.loaded(), ['cluster'], 'the document loaded its feature, and only it');
  // Rebuilt from the server: the demo world's inventory lock.
  const detail = await text(vscode.Uri.from({ scheme: 'zk-coordination', authority: 'demo', path: '/locks/inventory (Coordination)' }));
  assert.match(detail, /\/locks\/inventory/);
  assert.doesNotMatch(detail, /could not load/);
  assert.match(await text(vscode.Uri.from({ scheme: 'zk-watch', path: '/demo/1/before/config/app', query: 'version=0' })), /^This watch event is no longer in the log: /);
  assert.match(await text(vscode.Uri.from({ scheme: 'zookeeper-staged', authority: 'demo', path: '/config/app' })), /^Nothing is staged for \/config\/app on demo: /);
  assert.equal(await text(vscode.Uri.from({ scheme: 'zookeeper-plan', path: '/Import plan config' })), 'This plan is no longer available: make a new one.');
  assert.deepEqual([...features.loaded()].sort(), ['cluster', 'coordination', 'staging', 'transfer', 'watches']);
  console.log(`FEATURE_DOCUMENTS_FIRST ok: ${features.loaded().join(', ')}`);
}
