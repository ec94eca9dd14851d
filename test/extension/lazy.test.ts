import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/extension/commandIds';
import type { ZooKeeperExplorerApi } from '../../src/extension/extension';
import type { FeatureName } from '../../src/extension/lazy';
import { parseEntries } from '../../src/zk/acl/model';

const EXTENSION_ID = 'zookeeper-explorer.zookeeper-explorer';

interface Manifest {
  contributes: { commands: { command: string }[]; views: Record<string, { id: string }[]> };
}

async function api(): Promise<ZooKeeperExplorerApi> {
  const extension = vscode.extensions.getExtension<ZooKeeperExplorerApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  return extension.activate();
}

/** The modules Node has loaded from the extension's dist/ folder (the bundles), by file name. */
function loadedBundles(): string[] {
  const dist = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist') + path.sep;
  return Object.keys(require.cache)
    .filter((file) => file.startsWith(dist))
    .map((file) => path.basename(file));
}

/** The rejection's message of a command run as automation (the command wrapper rethrows its sentence). */
async function rejection(command: string, args: unknown): Promise<string> {
  try {
    await vscode.commands.executeCommand(command, args);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  assert.fail(`${command} did not fail`);
}

// Which features have loaded depends on the tests that ran before (one window for the whole tier):
// these tests hold whichever it is. "Nothing loads at activation" and "first use from each entry
// point" need a fresh window each: test/e2e/lazyLoading.e2e.test.ts.
describe('lazily loaded features (src/extension/lazy.ts, one bundle each)', function () {
  this.timeout(60_000);
  const name = `lazy-${Date.now()}`;

  before(async () => {
    await api();
    const connectString = process.env.ZK_TEST_CONNECT;
    assert.ok(connectString, 'ZK_TEST_CONNECT names the test ZooKeeper');
    await vscode.commands.executeCommand(COMMANDS.addConnection, { name, connectString });
  });

  after(async () => {
    await vscode.commands.executeCommand(COMMANDS.removeConnection, { connection: name }).then(undefined, () => undefined);
  });

  it('an error thrown in a lazily loaded feature is still the one sentence, whichever bundle made it', async () => {
    // Made in the ACL feature's bundle (UserError from requestFromArgs), caught by the command wrapper:
    // with a second copy of UserError in that bundle, the wrapper's instanceof would fail and the user
    // would read "Unexpected error: …".
    const expected = parseEntries('nonsense');
    assert.equal(typeof expected, 'string');
    assert.equal(await rejection(COMMANDS.setAcl, { connection: name, path: '/', acl: 'nonsense' }), expected);
    // Made in the core (the ZooKeeper client's NoNode, translated there), thrown through the feature's code.
    const missing = `/zke-lazy-missing-${Date.now()}`;
    const message = await rejection(COMMANDS.setAcl, { connection: name, path: missing, acl: [{ scheme: 'world', id: 'anyone', perms: 'cdrwa' }] });
    assert.doesNotMatch(message, /Unexpected error|Unknown error/);
    assert.match(message, /the node does not exist/);
    assert.ok(loadedBundles().includes('feature-acl.js'), `the ACL feature came from its own bundle; loaded: ${loadedBundles().join(', ')}`);
    assert.ok(loadedBundles().includes('extension.js'));
  });

  it('every feature loads from its own bundle, and then the commands are still exactly those package.json declares', async () => {
    const exports = await api();
    // Reading a feature of the API loads it, as its first use would.
    void [exports.watches, exports.coordination, exports.cluster, exports.search, exports.compare, exports.aclEditors];
    // Staged editing: a command of its own, whose first call (a stand-in's, unless an earlier test ran
    // one) hands back the real command's answer: an empty list for a connection with nothing staged.
    assert.deepEqual(await vscode.commands.executeCommand(COMMANDS.listStaged, { connection: name }), []);
    // The script runner: the first script opened.
    await vscode.workspace.openTextDocument({ language: 'zookeeper-script', content: 'ls /\n' });
    for (const deadline = Date.now() + 30_000; !exports.features.loaded().includes('scripts'); ) {
      if (Date.now() > deadline) assert.fail(`opening a script did not load the script runner; loaded: ${exports.features.loaded().join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const all: FeatureName[] = ['acl', 'cluster', 'coordination', 'scripts', 'search', 'staging', 'transfer', 'watches'];
    assert.deepEqual([...exports.features.loaded()].sort(), all);
    for (const feature of all) assert.ok(loadedBundles().includes(`feature-${feature}.js`), `feature-${feature}.js loaded: ${loadedBundles().join(', ')}`);
    // A stand-in left behind, or a command a feature registers that had none, shows here.
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as Manifest;
    const declared = manifest.contributes.commands.map((c) => c.command).sort();
    const viewIds = Object.values(manifest.contributes.views).flat().map((v) => v.id);
    const registered = (await vscode.commands.getCommands(true))
      .filter((id) => id.startsWith('zookeeper.'))
      .filter((id) => !viewIds.some((view) => id.startsWith(`${view}.`)))
      .sort();
    assert.deepEqual(registered, declared);
  });
});
