import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ZooKeeperExplorerApi } from '../../src/extension/extension';
import { COMMANDS } from '../../src/extension/commandIds';
import type { ExplorerNode } from '../../src/tree/explorerItems';
import type { ZkConnection } from '../../src/extension/connections/zkConnection';
import { digestId, Perm } from '../../src/zk/acl';
import { ZkClient } from '../../src/zk/client';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';
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

  it('edits of the connection list made at once (automation with Promise.all) all land: adds, edits and removes, none lost; one name added twice is refused once', async () => {
    const names = [1, 2, 3, 4].map((i) => `${name}-many-${i}`);
    const inSettings = (): { name: string; sessionTimeoutMs?: number }[] => vscode.workspace.getConfiguration('zookeeper').get<{ name: string; sessionTimeoutMs?: number }[]>('connections') ?? [];
    try {
      await Promise.all(names.map((n) => run(COMMANDS.addConnection, { name: n, connectString })));
      for (const n of names) {
        assert.ok(api.connections.get(n), `${n} is a connection`);
        assert.ok(inSettings().some((c) => c.name === n), `${n} is in the settings`);
      }
      await Promise.all([
        run(COMMANDS.editConnection, { connection: names[0], sessionTimeoutMs: 7000 }),
        run(COMMANDS.editConnection, { connection: names[1], sessionTimeoutMs: 8000 }),
        run(COMMANDS.removeConnection, { connection: names[2] }),
        run(COMMANDS.editConnection, { connection: names[3], name: `${names[3]}-renamed` }),
      ]);
      const listed = new Map(inSettings().map((c) => [c.name, c]));
      assert.equal(listed.get(names[0])?.sessionTimeoutMs, 7000);
      assert.equal(listed.get(names[1])?.sessionTimeoutMs, 8000);
      assert.equal(listed.has(names[2]), false, 'removed');
      assert.equal(listed.has(names[3]), false, 'renamed away');
      assert.ok(listed.has(`${names[3]}-renamed`), 'renamed');
      assert.equal(api.connections.get(names[0])?.config.sessionTimeoutMs, 7000);

      const twice = `${name}-twice`;
      names.push(twice);
      const outcomes = await Promise.allSettled([run(COMMANDS.addConnection, { name: twice, connectString }), run(COMMANDS.addConnection, { name: twice, connectString })]);
      assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
      const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!;
      assert.match(String(refused.reason), new RegExp(`A connection named "${twice}" already exists`));
      assert.equal(inSettings().filter((c) => c.name === twice).length, 1, 'one definition of the name');
    } finally {
      for (const n of [...names, `${names[3]}-renamed`]) if (api.connections.get(n)) await run(COMMANDS.removeConnection, { connection: n });
    }
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

  // e2e flake (cc21a): Connect reveals the connection in the tree; the reveal used to select its row,
  // and the selection, which arrives from the workbench later (seconds on a busy machine), made that
  // connection the active one again after the user had switched to another in the status bar menu.
  it('a Connect shows its connection in the tree without taking the status bar back from one switched to since', async () => {
    const revealed = `${name}-revealed`;
    const switched = `${name}-switched`;
    const explorer = api.explorer;
    const listChildren = explorer.getChildren.bind(explorer);
    // The positive signal: the tree lists the revealed connection's children, the reveal's last step
    // (the workbench selects the row, when it does, before it expands it; messages arrive in order).
    let expanded!: () => void;
    const listed = new Promise<void>((resolve) => (expanded = resolve));
    // A reveal reaches only rows the workbench holds, and a hidden view fetches none: an earlier test
    // may have left the sidebar closed (cc22d: the reveal did nothing, and this waited 30 s). The view
    // is shown first, then the connections are added, and the Connect waits until the view has listed them.
    let rootListed!: () => void;
    const rootHasIt = new Promise<void>((resolve) => (rootListed = resolve));
    explorer.getChildren = async (element?: ExplorerNode) => {
      if (element?.kind === 'connection' && element.connection.name === revealed) expanded();
      const children = await listChildren(element);
      if (!element && children.some((c) => c.kind === 'connection' && c.connection.name === revealed)) rootListed();
      return children;
    };
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('zookeeper.explorer.focus');
    try {
      // Added while the view shows: the root's new listing (with the patch above in place) is the signal.
      await run(COMMANDS.addConnection, { name: revealed, connectString });
      await run(COMMANDS.addConnection, { name: switched, connectString });
      await Promise.race([rootHasIt, new Promise((_, reject) => setTimeout(() => reject(new Error('the shown view never listed the new connection')), 30_000))]);
      await run(COMMANDS.connect, { connection: revealed });
      assert.equal(api.connections.active?.name, revealed, 'a Connect that worked makes the connection active');
      // The user switches at once (the status bar menu's "Switch to"), before the workbench has revealed anything.
      await run(COMMANDS.switchConnection, { connection: switched });
      await Promise.race([listed, new Promise((_, reject) => setTimeout(() => reject(new Error('the tree never expanded the connected connection')), 30_000))]);
      assert.equal(api.connections.active?.name, switched, 'the switch holds after the reveal');
      assert.match(api.statusBar.shown.text, new RegExp(`ZooKeeper: ${switched} \\(`));
    } finally {
      Reflect.deleteProperty(explorer, 'getChildren'); // the class's own method again
      await run(COMMANDS.removeConnection, { connection: revealed }).catch(() => undefined);
      await run(COMMANDS.removeConnection, { connection: switched }).catch(() => undefined);
    }
  });

  describe('Disconnect holds until the user connects', () => {
    /** A connection through its own fault proxy: the proxy counts every TCP connection (a new session needs one). */
    const setUp = async (suffix: string): Promise<{ proxy: FaultProxy; connectionName: string; connection: ZkConnection; cleanUp: () => Promise<void> }> => {
      const proxy = await startFaultProxy(connectString);
      const connectionName = `${name}-${suffix}`;
      await run(COMMANDS.addConnection, { name: connectionName, connectString: proxy.connectString });
      await run(COMMANDS.connect, { connection: connectionName });
      const connection = api.connections.get(connectionName)!;
      return {
        proxy,
        connectionName,
        connection,
        cleanUp: async () => {
          await run(COMMANDS.removeConnection, { connection: connectionName }).catch(() => undefined);
          await proxy.close();
        },
      };
    };

    it('with the tree expanded and an editor open, nothing opens a new session; a save fails with a sentence, keeps the edits, and works after Connect', async () => {
      const probe = await ZkClient.connect({ connectString });
      const path = `/ext-held-${Date.now()}`;
      await probe.create(path, Buffer.from('v1'));
      const { proxy, connectionName, connection, cleanUp } = await setUp('held');
      try {
        // The tree as a user has it: the connection, / and the node expanded.
        const connectionNode = (await api.explorer.getChildren()).find((n) => n.kind === 'connection' && n.connection === connection)!;
        const [root] = await api.explorer.getChildren(connectionNode);
        const nodeItem = (await api.explorer.getChildren(root)).find((n) => label(n) === path.slice(1))!;
        assert.ok(nodeItem, 'the node is in the tree');
        await api.explorer.getChildren(nodeItem);
        // An editor with unsaved changes, and an ephemeral node of the session.
        const opened = await run<{ uri: string }>(COMMANDS.openNode, { connection: connectionName, path });
        const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(opened.uri));
        const edit = new vscode.WorkspaceEdit();
        edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), 'v2');
        assert.ok(await vscode.workspace.applyEdit(edit));
        assert.equal(document.isDirty, true);
        await run(COMMANDS.createNode, { connection: connectionName, path: `${path}/mine`, mode: 'ephemeral' });
        const connectionsBefore = proxy.accepted;

        // Disconnect; the tree refreshes the connection (the event VS Code redraws on).
        const refreshed = new Promise<void>((resolve) => {
          const sub = api.explorer.onDidChangeTreeData((e) => {
            if (e?.kind === 'connection' && e.connection === connection && !connection.isOpen) {
              sub.dispose();
              resolve();
            }
          });
        });
        await run(COMMANDS.disconnect, { connection: connectionName });
        await refreshed;
        assert.equal(await probe.exists(`${path}/mine`), undefined, 'the ephemeral node went with the closed session');

        // What VS Code asks when it redraws the expanded tree: the connection says it is disconnected and offers Connect.
        const shown = await api.explorer.getChildren(connectionNode);
        assert.deepEqual(shown.map(label), ['Disconnected — Connect']);
        assert.equal(api.explorer.getTreeItem(shown[0]).command?.command, COMMANDS.connect);
        await api.explorer.getChildren(root);
        await api.explorer.getChildren(nodeItem);

        // The editor: reading and saving fail with a sentence saying how to connect; the edits stay.
        await assert.rejects(Promise.resolve(vscode.workspace.fs.readFile(document.uri)), /is disconnected: connect it \(ZooKeeper: Connect\)/);
        assert.equal(await document.save(), false, 'the save fails');
        assert.equal(document.isDirty, true, 'the edits are kept');
        assert.equal(document.getText(), 'v2');
        await assert.rejects(
          Promise.resolve(vscode.workspace.fs.writeFile(document.uri, Buffer.from('v3'))),
          (error: Error) => error.message.includes(`${connectionName} is disconnected: connect it (ZooKeeper: Connect) and save again — your changes are kept`),
        );
        // Other implicit users: a script's completion has no session, a watch and a scan are refused.
        await assert.rejects(run(COMMANDS.watch, { connection: connectionName, path, kind: 'data' }), /is disconnected: connect it/);
        assert.equal((await probe.get(path)).data.toString(), 'v1', 'nothing was written');
        assert.equal(connection.status, 'disconnected');
        assert.equal(connection.isOpen, false);
        assert.equal(proxy.accepted, connectionsBefore, 'no new connection (so no new session) was opened');

        // The user connects: exactly one new connection (the count above was live), and the save goes through.
        const connected = await run<{ state: string }>(COMMANDS.connect, { connection: connectionName });
        assert.equal(connected.state, 'connected');
        assert.equal(proxy.accepted, connectionsBefore + 1);
        assert.equal(await document.save(), true, 'saved after Connect');
        assert.equal((await probe.get(path)).data.toString(), 'v2');
        assert.deepEqual((await api.explorer.getChildren(connectionNode)).map(label), ['/']);
        await run(COMMANDS.unwatch, { connection: connectionName, path }).catch(() => undefined);
      } finally {
        await cleanUp();
        await probe.delete(`${path}/mine`).catch(() => undefined);
        await probe.delete(path).catch(() => undefined);
        await probe.close();
      }
    });

    it('a connection never connected in this window connects on first use; after Disconnect only Connect opens it', async () => {
      const { proxy, connectionName, connection, cleanUp } = await setUp('first');
      try {
        await run(COMMANDS.disconnect, { connection: connectionName });
        assert.equal(connection.disconnectedByUser, true);
        // A connection that was never connected (a fresh one) is opened by its first use (expanding it).
        const fresh = `${connectionName}-fresh`;
        await run(COMMANDS.addConnection, { name: fresh, connectString });
        try {
          const freshNode = (await api.explorer.getChildren()).find((n) => n.kind === 'connection' && n.connection.name === fresh)!;
          assert.deepEqual((await api.explorer.getChildren(freshNode)).map(label), ['/']);
          assert.equal(api.connections.get(fresh)!.isOpen, true);
        } finally {
          await run(COMMANDS.removeConnection, { connection: fresh });
        }
        const before = proxy.accepted;
        const node = (await api.explorer.getChildren()).find((n) => n.kind === 'connection' && n.connection === connection)!;
        const [connectItem] = await api.explorer.getChildren(node);
        // Clicking the "Disconnected — Connect" item runs its command with its arguments, as VS Code does.
        const command = api.explorer.getTreeItem(connectItem).command!;
        await vscode.commands.executeCommand(command.command, ...((command.arguments ?? []) as unknown[]));
        assert.equal(connection.status, 'connected');
        assert.equal(proxy.accepted, before + 1);
        assert.equal(connection.disconnectedByUser, false);
      } finally {
        await cleanUp();
      }
    });

    it('the status bar stays visible when disconnected, shows the active connection (not one that failed), and switches', async () => {
      const { connectionName, cleanUp } = await setUp('bar');
      const failing = `${connectionName}-failing`;
      try {
        await eventually(() => api.statusBar.shown.text.includes(`ZooKeeper: ${connectionName} (connected)`), 10000, 'the status bar shows the connection');
        // Another connection fails to connect (credentials stored for another address: refused at once).
        await run(COMMANDS.addConnection, { name: failing, connectString, digest: { user: 'u', password: 'p' } });
        await run(COMMANDS.editConnection, { connection: failing, connectString: `localhost:${connectString.split(':').pop()!}` });
        await assert.rejects(run(COMMANDS.connect, { connection: failing }), /changed from/);
        assert.equal(api.connections.get(failing)!.status, 'failed');
        assert.match(api.statusBar.shown.text, new RegExp(`ZooKeeper: ${connectionName} \\(connected\\)`), 'a failed connect does not take the status bar');

        await run(COMMANDS.disconnect, { connection: connectionName });
        assert.equal(api.statusBar.shown.visible, true, 'visible while disconnected');
        assert.equal(api.statusBar.shown.text, `$(debug-disconnect) ZooKeeper: ${connectionName} (disconnected)`);

        const switched = await run<{ active: string }>(COMMANDS.switchConnection, { connection: failing });
        assert.equal(switched.active, failing);
        assert.equal(api.connections.active?.name, failing);
        assert.equal(api.statusBar.shown.text, `$(error) ZooKeeper: ${failing} (unreachable)`);
      } finally {
        await run(COMMANDS.removeConnection, { connection: failing }).catch(() => undefined);
        await cleanUp();
      }
    });
  });
});
