import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ZooKeeperExplorerApi } from '../../src/extension/extension';
import { COMMANDS } from '../../src/extension/commandIds';
import type { ExplorerNode } from '../../src/tree/explorerItems';
import { digestId, Perm } from '../../src/zk/acl';
import { ZkClient } from '../../src/zk/client';
import { startFaultProxy } from '../support/faultProxy';
import { eventually, expireSession } from '../support/session';

const EXTENSION_ID = 'zookeeper-explorer.zookeeper-explorer';

function run<T>(command: string, args: Record<string, unknown>): Promise<T> {
  return Promise.resolve(vscode.commands.executeCommand<T>(command, args));
}

describe('connections', function () {
  this.timeout(60000);
  const name = `conn-${Date.now()}`;
  const connectString = process.env.ZK_TEST_CONNECT!;
  let api: ZooKeeperExplorerApi;

  const label = (node: ExplorerNode): string => {
    const value = api.explorer.getTreeItem(node).label;
    return typeof value === 'string' ? value : (value?.label ?? '');
  };

  before(async () => {
    api = await vscode.extensions.getExtension<ZooKeeperExplorerApi>(EXTENSION_ID)!.activate();
    await run(COMMANDS.addConnection, { name, connectString, sessionTimeoutMs: 4000 });
  });

  after(async () => {
    await run(COMMANDS.removeConnection, { connection: name });
  });

  it('recovers from a session expiry by itself and says so', async () => {
    // Its own connection, through a fault proxy: the expiry is made by black-holing it, not raced.
    const proxy = await startFaultProxy(connectString);
    const expiring = `${name}-expiry`;
    try {
      await run(COMMANDS.addConnection, { name: expiring, connectString: proxy.connectString, sessionTimeoutMs: 4000 });
      await run(COMMANDS.connect, { connection: expiring });
      const connection = api.connections.get(expiring)!;
      const client = connection.activeClient!;
      const before = client.sessionId;
      const renewed = new Promise<void>((resolve) => api.connections.onDidRenewSession((c) => c === connection && resolve()));
      await expireSession(client, proxy, connectString);
      await renewed;
      await eventually(() => connection.status === 'connected', 20000, 'connected again');
      assert.notEqual(client.sessionId, before);
      assert.ok(connection.recoveredAt !== undefined);
      const connectionNode = (await api.explorer.getChildren()).find((n) => n.kind === 'connection' && n.connection === connection)!;
      const [root] = await api.explorer.getChildren(connectionNode);
      assert.equal(root?.kind, 'znode', 'the tree works on the new session');
    } finally {
      await run(COMMANDS.removeConnection, { connection: expiring });
      await proxy.close();
    }
  });

  it('a node its ACL hides says so in the tree, and digest credentials from SecretStorage open it', async () => {
    const probe = await ZkClient.connect({ connectString });
    const guarded = `/ext-guarded-${Date.now()}`;
    try {
      await probe.create(guarded, Buffer.from('x'));
      await probe.create(`${guarded}/inside`);
      await probe.setACL(guarded, [{ perms: Perm.all, id: { scheme: 'digest', id: digestId('ops', 's3cret') } }]);
      await run(COMMANDS.refresh, { connection: name });
      const connectionNode = (await api.explorer.getChildren()).find((n) => n.kind === 'connection' && n.connection.name === name)!;
      const [root] = await api.explorer.getChildren(connectionNode);
      const node = (await api.explorer.getChildren(root)).find((n) => label(n) === guarded.slice(1))!;
      const denied = await api.explorer.getChildren(node);
      assert.equal(denied[0]?.kind, 'message');
      assert.match(label(denied[0]), /Not authorized to list the children: set digest credentials/);
      assert.equal(api.explorer.getTreeItem(denied[0]).command?.command, COMMANDS.setCredentials);

      const result = await run<{ user: string }>(COMMANDS.setCredentials, { connection: name, digest: { user: 'ops', password: 's3cret' } });
      assert.equal(result.user, 'ops');
      const allowed = await api.explorer.getChildren(node);
      assert.deepEqual(allowed.map(label), ['inside']);
      const settings = JSON.stringify(vscode.workspace.getConfiguration('zookeeper').get('connections'));
      assert.doesNotMatch(settings, /s3cret/, 'the password is not in settings');
      await run(COMMANDS.setCredentials, { connection: name, digest: null });
    } finally {
      probe.addDigest('ops', 's3cret');
      await probe.delete(`${guarded}/inside`).catch(() => undefined);
      await probe.delete(guarded).catch(() => undefined);
      await probe.close();
    }
  });

  it('editing a connection in settings reconnects to the new address; removing it disconnects', async () => {
    const other = `${name}-edit`;
    await run(COMMANDS.addConnection, { name: other, connectString: '127.0.0.1:1' });
    await run(COMMANDS.editConnection, { connection: other, connectString });
    const connected = await run<{ state: string }>(COMMANDS.connect, { connection: other });
    assert.equal(connected.state, 'connected');
    const connection = api.connections.get(other)!;
    await run(COMMANDS.removeConnection, { connection: other });
    assert.equal(api.connections.get(other), undefined);
    assert.equal(connection.isOpen, false);
  });
});
