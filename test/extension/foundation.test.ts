import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ZooKeeperExplorerApi } from '../../src/extension/extension';
import { COMMANDS } from '../../src/extension/commandIds';
import type { ExplorerNode } from '../../src/tree/explorerItems';
import { ZkClient } from '../../src/zk/client';

const EXTENSION_ID = 'zookeeper-explorer.zookeeper-explorer';

interface Manifest {
  contributes: {
    commands: { command: string }[];
    views: Record<string, { id: string }[]>;
    menus: Record<string, { command: string; when?: string }[]>;
  };
}

function connectString(): string {
  const value = process.env.ZK_TEST_CONNECT;
  assert.ok(value, 'ZK_TEST_CONNECT must name the test ZooKeeper (the test runner sets it)');
  return value;
}

async function api(): Promise<ZooKeeperExplorerApi> {
  const extension = vscode.extensions.getExtension<ZooKeeperExplorerApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  return extension.activate();
}

function manifest(): Manifest {
  return vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as Manifest;
}

/** The `viewItem =~ /…/` regular expressions of a when-clause. */
function viewItemPatterns(when: string | undefined): RegExp[] {
  return [...(when ?? '').matchAll(/viewItem =~ \/(.+?)\/(?=\s|$|\))/g)].map((m) => new RegExp(m[1]));
}

// Each test that needs a connection adds its own and removes it, so any one runs alone
// (ZKE_TEST_GREP) and none depends on another's connection.
describe('foundation', function () {
  this.timeout(30000);
  const name = `test-${Date.now()}`;
  const remove = async (connection: string): Promise<void> => {
    await vscode.commands.executeCommand(COMMANDS.removeConnection, { connection }).then(undefined, () => undefined);
  };

  it('activates in a remote-style extension host', async () => {
    const exports = await api();
    assert.ok(exports.connections);
    console.log(`VS Code ${vscode.version}, remoteName=${vscode.env.remoteName ?? '(none)'}`);
  });

  it('registers exactly the commands package.json declares', async () => {
    await api();
    const declared = manifest().contributes.commands.map((c) => c.command).sort();
    const viewIds = Object.values(manifest().contributes.views).flat().map((v) => v.id);
    const registered = (await vscode.commands.getCommands(true))
      .filter((id) => id.startsWith('zookeeper.'))
      .filter((id) => !viewIds.some((view) => id.startsWith(`${view}.`))) // focus/resetViewLocation… made by VS Code for views
      .sort();
    assert.deepEqual(registered, declared);
    assert.deepEqual([...Object.values(COMMANDS)].sort(), declared);
  });

  it('menus only name declared commands', () => {
    const declared = new Set(manifest().contributes.commands.map((c) => c.command));
    for (const [menu, entries] of Object.entries(manifest().contributes.menus)) {
      for (const entry of entries) assert.ok(declared.has(entry.command), `${menu} names ${entry.command}`);
    }
  });

  it('connects to the test ZooKeeper through the commands and lists its root', async () => {
    const exports = await api();
    const added = await vscode.commands.executeCommand(COMMANDS.addConnection, { name, connectString: connectString() });
    assert.deepEqual(added, { connection: name });
    const result = await vscode.commands.executeCommand<{ state: string; sessionId: string }>(COMMANDS.connect, { connection: name });
    assert.equal(result.state, 'connected');
    assert.match(result.sessionId, /^0x[0-9a-f]{16}$/);

    const probe = await ZkClient.connect({ connectString: connectString() });
    try {
      const marker = `/ext-test-${Date.now()}`;
      await probe.create(marker, Buffer.from('hello'));
      const connectionNode = (await exports.explorer.getChildren()).find((n) => n.kind === 'connection' && n.connection.name === name)!;
      assert.ok(connectionNode, 'the connection is in the tree');
      const [root] = await exports.explorer.getChildren(connectionNode);
      assert.equal(root?.kind, 'znode');
      const children = await exports.explorer.getChildren(root);
      const labels = children.map((c) => {
        const label = exports.explorer.getTreeItem(c).label;
        return typeof label === 'string' ? label : (label?.label ?? '');
      });
      assert.ok(labels.includes(marker.slice(1)), `root children ${labels.join(', ')}`);
      assert.ok(labels.includes('zookeeper'));
      await probe.delete(marker);
    } finally {
      await probe.close();
      await remove(name);
    }
  });

  it('menus appear on the items they are meant for (context values match the when-clauses)', async () => {
    const exports = await api();
    const menusName = `${name}-menus`;
    await vscode.commands.executeCommand(COMMANDS.addConnection, { name: menusName, connectString: connectString() });
    try {
      await menusFor(exports, menusName);
    } finally {
      await remove(menusName);
    }
  });

  async function menusFor(exports: ZooKeeperExplorerApi, name: string): Promise<void> {
    await vscode.commands.executeCommand(COMMANDS.connect, { connection: name });
    const connectionNode = (await exports.explorer.getChildren()).find((n) => n.kind === 'connection' && n.connection.name === name)!;
    const [root] = await exports.explorer.getChildren(connectionNode);
    const items: [ExplorerNode, string][] = [
      [connectionNode, 'connected connection'],
      [root, 'znode'],
    ];
    const menus = manifest().contributes.menus['view/item/context'];
    const shown = (node: ExplorerNode): string[] => {
      const contextValue = exports.explorer.getTreeItem(node).contextValue ?? '';
      return menus.filter((m) => viewItemPatterns(m.when).every((re) => re.test(contextValue))).map((m) => m.command);
    };
    for (const [node, what] of items) assert.ok(shown(node).includes(COMMANDS.refresh), `Refresh on a ${what}`);
    assert.ok(shown(connectionNode).includes(COMMANDS.disconnect));
    assert.ok(!shown(connectionNode).includes(COMMANDS.connect));
    assert.ok(shown(root).includes(COMMANDS.copyPath));
    await vscode.commands.executeCommand(COMMANDS.disconnect, { connection: name });
    const after = (await exports.explorer.getChildren()).find((n) => n.kind === 'connection' && n.connection.name === name)!;
    assert.ok(shown(after).includes(COMMANDS.connect));
    assert.ok(!shown(after).includes(COMMANDS.disconnect));
  }

  it('an unreachable cluster gives a clear message, not a hang', async () => {
    const bad = `${name}-unreachable`;
    await vscode.commands.executeCommand(COMMANDS.addConnection, { name: bad, connectString: '127.0.0.1:1' });
    try {
      await assert.rejects(
        Promise.resolve(vscode.commands.executeCommand(COMMANDS.connect, { connection: bad })),
        /Could not connect to ZooKeeper at 127\.0\.0\.1:1: the connection was refused \(connect ECONNREFUSED 127\.0\.0\.1:1\)/,
      );
    } finally {
      await vscode.commands.executeCommand(COMMANDS.removeConnection, { connection: bad });
    }
  });

  it('refuses bad arguments with a sentence', async () => {
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand(COMMANDS.connect, { connection: 'no-such-connection' })), /There is no ZooKeeper connection named "no-such-connection"/);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand(COMMANDS.addConnection, { name: 'bad name', connectString: 'x:1' })), /Use letters, digits/);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand(COMMANDS.addConnection, { name: 'ok', connectString: 'host:99999' })), /must be a number from 1 to 65535/);
  });
});
