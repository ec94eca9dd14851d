// Digest credentials: bound to a connection's name AND server address, so that a workspace cannot
// redefine a user's connection to harvest its password; and their lifecycle (add, rename, edit,
// revoke, remove) as SecretStorage sees it. The attack runs against a SECOND real ZooKeeper behind a
// recording TCP proxy (test/support/faultProxy.ts): every byte the extension sends there is kept.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ZooKeeperExplorerApi } from '../../src/extension/extension';
import type { ScriptRunResult } from '../../src/extension/scripts/runScript';
import { COMMANDS } from '../../src/extension/commandIds';
import type { ExplorerNode } from '../../src/tree/explorerItems';
import { digestId, Perm } from '../../src/zk/acl';
import { ZkClient } from '../../src/zk/client';
import { normalizeConnectString } from '../../src/zk/connectString';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';
import { eventually } from '../support/session';
import { zookeeper, type ZooKeeperServer } from '../support/zookeeper';
import { activateExtension, run, suiteConnections, unique, vscodeLogFiles } from './support/connections';

describe('credentials', function () {
  this.timeout(120000);
  const connectString = process.env.ZK_TEST_CONNECT!;
  let api: ZooKeeperExplorerApi;
  let second: ZooKeeperServer;
  let proxy: FaultProxy;
  const connections = suiteConnections(() => api);

  const treeItem = async (name: string): Promise<vscode.TreeItem> => {
    const node = (await api.explorer.getChildren()).find((n: ExplorerNode) => n.kind === 'connection' && n.connection.name === name);
    assert.ok(node, `the tree shows ${name}`);
    return api.explorer.getTreeItem(node);
  };
  const tooltipText = (item: vscode.TreeItem): string => (typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? ''));

  /** Adds a user-level connection; removed in after() if a test did not remove it. */
  const addConnection = connections.add;

  const workspaceConnections = async (value: unknown): Promise<void> => {
    await vscode.workspace.getConfiguration('zookeeper').update('connections', value, vscode.ConfigurationTarget.Workspace);
  };

  before(async () => {
    api = await activateExtension();
    // Connections added by this suite must land in user settings: the attack starts from there.
    assert.equal(vscode.workspace.getConfiguration('zookeeper').inspect('connections')?.workspaceValue, undefined, 'no workspace-level connections before the suite');
    second = await zookeeper.startZooKeeper({ install: true });
    proxy = await startFaultProxy(second.connectString);
  });

  after(async () => {
    await workspaceConnections(undefined);
    await connections.removeAll();
    await proxy?.close();
    await second?.stop();
  });

  it("a workspace's definition of a user connection's name never receives its stored password; the user is told the address changed", async () => {
    const name = unique('victim');
    const user = unique('user');
    const password = unique('pw');
    await addConnection({ name, connectString, digest: { user, password } });
    const connected = await run<{ state: string }>(COMMANDS.connect, { connection: name });
    assert.equal(connected.state, 'connected');

    // A cloned repository's .vscode/settings.json: the same name, another server (the recording proxy).
    await workspaceConnections([{ name, connectString: proxy.connectString }]);
    await eventually(() => api.connections.get(name)?.config.connectString === proxy.connectString, 10000, 'the workspace definition in effect');
    // The open connection moves to the new address by itself; then the user connects explicitly.
    const outcome = await run<{ state: string }>(COMMANDS.connect, { connection: name }).then(
      (result) => ({ result, error: undefined }),
      (error: unknown) => ({ result: undefined, error: error instanceof Error ? error.message : String(error) }),
    );

    // Proving absence needs a later positive signal: the user now says "connect without credentials"
    // for this address, and a whole session runs through the proxy. Every byte sent to the proxy
    // before this (the automatic reconnect, the explicit connect) is recorded ahead of it.
    await run(COMMANDS.setCredentials, { connection: name, digest: null });
    const without = await run<{ state: string }>(COMMANDS.connect, { connection: name });
    assert.equal(without.state, 'connected');
    const client = api.connections.get(name)!.activeClient!;
    assert.deepEqual(
      (await client.whoAmI()).filter((id) => id.scheme === 'digest'),
      [],
      'the session on the workspace server is not authenticated',
    );
    await run(COMMANDS.disconnect, { connection: name });
    const sent = proxy.clientBytes();
    assert.ok(proxy.accepted >= 1 && sent.length > 0, 'the proxy recorded the session');
    assert.equal(sent.includes(Buffer.from(password)), false, "the password reached the workspace's server");
    assert.equal(sent.includes(Buffer.from(user)), false, "the user name reached the workspace's server");

    // The user was told, with both addresses.
    assert.ok(outcome.error, `connecting to the workspace's address must be refused, got ${JSON.stringify(outcome.result)}`);
    const from = normalizeConnectString(connectString)!;
    const to = normalizeConnectString(proxy.connectString)!;
    assert.match(outcome.error, new RegExp(`changed from ${from.replace(/\./g, '\\.')} to ${to.replace(/\./g, '\\.')}`));
    assert.match(outcome.error, /are not sent/);

    // The tree and its tooltip say where the definition comes from.
    const item = await treeItem(name);
    assert.match(String(item.description), /workspace settings/);
    assert.match(tooltipText(item), /Defined in workspace settings/);

    // Without the workspace's definition, the user's own connection still has its credentials.
    await workspaceConnections(undefined);
    await eventually(() => api.connections.get(name)?.config.connectString === connectString, 10000, 'the user definition back in effect');
    await run(COMMANDS.connect, { connection: name });
    const own = await api.connections.get(name)!.activeClient!.whoAmI();
    assert.ok(own.some((id) => id.scheme === 'digest' && id.user === user), `authenticated as ${user} on the user's server: ${JSON.stringify(own)}`);
    assert.doesNotMatch(String((await treeItem(name)).description), /workspace settings/);
  });

  it('a user-level connection with stored credentials still connects without asking', async () => {
    const name = unique('own');
    const user = unique('user');
    const password = unique('pw');
    await addConnection({ name, connectString, digest: { user, password } });
    // An automation call cannot answer a question: had the connect needed one, it would reject.
    const result = await run<{ state: string }>(COMMANDS.connect, { connection: name });
    assert.equal(result.state, 'connected');
    const ids = await api.connections.get(name)!.activeClient!.whoAmI();
    assert.ok(ids.some((id) => id.scheme === 'digest' && id.user === user), JSON.stringify(ids));
    assert.equal(api.connections.get(name)!.origin, 'user');
    assert.doesNotMatch(String((await treeItem(name)).description), /settings/);
  });

  it('zookeeper.scripts.sandboxConnections counts only in user settings, never from the workspace', async () => {
    const name = await addConnection({ name: unique('sandbox'), connectString });
    const probe = await ZkClient.connect({ connectString });
    const node = `/ext-sandbox-${Date.now()}`;
    const scripts = vscode.workspace.getConfiguration('zookeeper.scripts');
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'zke-creds-'));
    try {
      await probe.create(node);
      await probe.create(`${node}/child`);
      const file = path.join(folder, 'wipe.zk');
      fs.writeFileSync(file, [`# connection: ${name}`, `deleteall ${node}`].join('\n'));
      const uri = vscode.Uri.file(file).toString();

      // A workspace that lists the connection does not waive the question (automation: no confirmDestructive → refused).
      await scripts.update('sandboxConnections', [name], vscode.ConfigurationTarget.Workspace);
      await eventually(() => JSON.stringify(vscode.workspace.getConfiguration('zookeeper.scripts').get('sandboxConnections')) === JSON.stringify([name]), 10000, 'the workspace value in effect');
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand(COMMANDS.runScript, { uri })), /confirmDestructive/);
      assert.ok(await probe.exists(`${node}/child`), 'nothing was deleted');

      // The user's own settings do.
      await scripts.update('sandboxConnections', [name], vscode.ConfigurationTarget.Global);
      await eventually(() => JSON.stringify(vscode.workspace.getConfiguration('zookeeper.scripts').inspect('sandboxConnections')?.globalValue) === JSON.stringify([name]), 10000, 'the user value in effect');
      const result = await vscode.commands.executeCommand<ScriptRunResult>(COMMANDS.runScript, { uri });
      assert.ok(result.results.every((r) => r.ok), JSON.stringify(result.results));
      assert.equal(await probe.exists(node), undefined, 'deleted without a question');
    } finally {
      await scripts.update('sandboxConnections', undefined, vscode.ConfigurationTarget.Workspace);
      await scripts.update('sandboxConnections', undefined, vscode.ConfigurationTarget.Global);
      await probe.delete(`${node}/child`).catch(() => undefined);
      await probe.delete(node).catch(() => undefined);
      await probe.close();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  describe('lifecycle', () => {
    let probe: ZkClient;
    const guarded = `/ext-creds-${Date.now()}`;
    const user = unique('ops');
    const password = unique('pw');

    /** Lists the guarded node's children through the extension's own session for `name`. */
    const readGuarded = async (name: string): Promise<string[]> => (await api.connections.get(name)!.activeClient!.getChildren(guarded)).children;

    before(async () => {
      probe = await ZkClient.connect({ connectString });
      await probe.create(guarded);
      await probe.create(`${guarded}/inside`);
      await probe.setACL(guarded, [{ perms: Perm.all, id: { scheme: 'digest', id: digestId(user, password) } }]);
    });

    after(async () => {
      probe.addDigest(user, password);
      await probe.delete(`${guarded}/inside`).catch(() => undefined);
      await probe.delete(guarded).catch(() => undefined);
      await probe.close();
    });

    it('add with digest credentials, rename moves them, remove deletes them from SecretStorage', async () => {
      const name = unique('life');
      const renamed = `${name}-renamed`;
      await addConnection({ name, connectString, digest: { user, password } });
      assert.deepEqual(await api.connections.credentials.describe(name), [{ address: normalizeConnectString(connectString), user }]);
      await run(COMMANDS.connect, { connection: name });
      assert.deepEqual(await readGuarded(name), ['inside']);

      connections.track(renamed);
      await run(COMMANDS.editConnection, { connection: name, name: renamed });
      assert.deepEqual(await api.connections.credentials.describe(name), [], 'nothing left under the old name');
      assert.deepEqual(await api.connections.credentials.describe(renamed), [{ address: normalizeConnectString(connectString), user }]);
      await run(COMMANDS.connect, { connection: renamed });
      assert.deepEqual(await readGuarded(renamed), ['inside']);

      const removed = await run<{ removed: boolean }>(COMMANDS.removeConnection, { connection: renamed });
      assert.equal(removed.removed, true);
      assert.deepEqual(await api.connections.credentials.describe(renamed), [], 'deleted from SecretStorage');
      // Adding the name again (same address) does not bring them back.
      await addConnection({ name: renamed, connectString });
      await run(COMMANDS.connect, { connection: renamed });
      await assert.rejects(readGuarded(renamed), /not authorized|NoAuth/i);
    });

    it('Set Digest Credentials on an open session adds the identity there (addauth): same session, its ephemeral node kept, the guarded node readable, the user in the tooltip', async () => {
      const name = unique('addauth');
      await addConnection({ name, connectString });
      await run(COMMANDS.connect, { connection: name });
      const connection = api.connections.get(name)!;
      const sessionId = connection.activeClient!.sessionId;
      const ephemeral = `${guarded}-${name}`;
      await run(COMMANDS.createNode, { connection: name, path: ephemeral, mode: 'ephemeral' });
      await assert.rejects(readGuarded(name), /not authorized|NoAuth/i);
      // A session with no identity has nothing to drop: "connect without" needs no new session.
      const without = await run<{ applied: string }>(COMMANDS.setCredentials, { connection: name, digest: null });
      assert.equal(without.applied, 'stored');
      assert.equal(connection.activeClient!.sessionId, sessionId);

      const result = await run<{ user: string; applied: string }>(COMMANDS.setCredentials, { connection: name, digest: { user, password } });
      assert.equal(result.applied, 'session');
      assert.equal(connection.activeClient!.sessionId, sessionId, 'the same session');
      assert.deepEqual(await readGuarded(name), ['inside'], 'the new identity is in effect');
      assert.ok((await probe.exists(ephemeral)) !== undefined, 'the ephemeral node of the session is still there');
      const identities = await connection.activeClient!.whoAmI();
      assert.ok(identities.some((id) => id.scheme === 'digest' && id.user === user), JSON.stringify(identities));
      // Markdown escapes (a "-" becomes "\\-") are not what the user reads.
      const tooltip = tooltipText(await treeItem(name)).replace(/\\(.)/g, '$1');
      assert.match(tooltip, new RegExp(`Digest user: ${user}`));
      assert.equal(tooltip.includes(password), false, 'never the password');

      // Replacing credentials needs a new session: automation may choose the next connect instead.
      const other = unique('other');
      const later = await run<{ applied: string }>(COMMANDS.setCredentials, { connection: name, digest: { user: other, password: 'x' }, reconnect: false });
      assert.equal(later.applied, 'nextConnect');
      assert.equal(connection.activeClient!.sessionId, sessionId, 'still the same session');
      assert.deepEqual(await api.connections.credentials.describe(name), [{ address: normalizeConnectString(connectString), user: other }]);
      await run(COMMANDS.disconnect, { connection: name });
      assert.equal(await probe.exists(ephemeral), undefined, 'gone with its session');
    });

    it('setCredentials with digest: null revokes access', async () => {
      const name = unique('revoke');
      await addConnection({ name, connectString, digest: { user, password } });
      await run(COMMANDS.connect, { connection: name });
      assert.deepEqual(await readGuarded(name), ['inside']);
      const result = await run<{ user: string | null }>(COMMANDS.setCredentials, { connection: name, digest: null });
      assert.equal(result.user, null);
      // The open session was replaced by one without credentials.
      await assert.rejects(readGuarded(name), /not authorized|NoAuth/i);
      assert.deepEqual(await api.connections.credentials.describe(name), []);
    });

    it('a new connectString gets no stored credentials unless carried over; another spelling of the same address keeps them', async () => {
      const name = unique('moved');
      const port = connectString.split(':').pop()!;
      await addConnection({ name, connectString, digest: { user, password } });
      // The same server under another name is still another address: only the user can vouch for it.
      await run(COMMANDS.editConnection, { connection: name, connectString: `localhost:${port}` });
      await assert.rejects(run(COMMANDS.connect, { connection: name }), new RegExp(`changed from ${normalizeConnectString(connectString)!.replace(/\./g, '\\.')} to localhost:${port}`));
      assert.equal(api.connections.get(name)!.isOpen, false);

      // Back to the original address spelt differently (default port of a duplicate host, trailing slash): the same address.
      await run(COMMANDS.editConnection, { connection: name, connectString: `${connectString},${connectString}/` });
      await run(COMMANDS.connect, { connection: name });
      assert.deepEqual(await readGuarded(name), ['inside']);

      // Carried over on purpose.
      await run(COMMANDS.editConnection, { connection: name, connectString: `localhost:${port}`, carryCredentials: true });
      await run(COMMANDS.connect, { connection: name });
      assert.deepEqual(await readGuarded(name), ['inside']);
      assert.deepEqual(await api.connections.credentials.describe(name), [{ address: `localhost:${port}`, user }]);
    });

    it('a connect asked for while an edit moves the address (as the tree asks, at the disconnect) opens at the new address with the carried credentials', async () => {
      const name = unique('edited');
      const port = connectString.split(':').pop()!;
      await addConnection({ name, connectString, digest: { user, password } });
      await run(COMMANDS.connect, { connection: name });
      const connection = api.connections.get(name)!;
      // The tree's getChildren connects (not explicitly) when the connection's status changes; this asks
      // at the same moment, on purpose: the edit's disconnect, before the credentials move.
      let during: Promise<ZkClient> | undefined;
      const subscription = connection.onDidChange((c) => {
        if (c.status === 'disconnected' && !during) during = c.connect();
      });
      try {
        await run(COMMANDS.editConnection, { connection: name, connectString: `localhost:${port}`, carryCredentials: true });
      } finally {
        subscription.dispose();
      }
      assert.ok(during, 'the edit disconnected the open session');
      const client = await during;
      assert.equal(connection.config.connectString, `localhost:${port}`);
      await run(COMMANDS.connect, { connection: name });
      assert.ok(connection.activeClient === client, 'the session opened during the edit is the one kept: it was opened with the new address');
      assert.deepEqual(await readGuarded(name), ['inside']);
      assert.deepEqual(await api.connections.credentials.describe(name), [{ address: `localhost:${port}`, user }]);
    });

    it('a connect asked for while a rename is under way opens no session under the old name: it says so, and the new name connects', async () => {
      const name = unique('renaming');
      const renamed = `${name}-new`;
      await addConnection({ name, connectString, digest: { user, password } });
      await run(COMMANDS.connect, { connection: name });
      const old = api.connections.get(name)!;
      let during: Promise<ZkClient> | undefined;
      const subscription = old.onDidChange((c) => {
        if (c.status === 'disconnected' && !during) during = c.connect();
      });
      connections.track(renamed);
      try {
        await run(COMMANDS.editConnection, { connection: name, name: renamed });
      } finally {
        subscription.dispose();
      }
      assert.ok(during, 'the rename disconnected the open session');
      await assert.rejects(during, new RegExp(`"${name}" was renamed or removed meanwhile`));
      assert.equal(old.activeClient, undefined, 'no session left open under the old name');
      await run(COMMANDS.connect, { connection: renamed });
      assert.deepEqual(await readGuarded(renamed), ['inside']);
    });

    it('the password never appears in any log file', async () => {
      const name = unique('logged');
      const newPassword = unique('pw2');
      await addConnection({ name, connectString, digest: { user, password } });
      await run(COMMANDS.connect, { connection: name });
      await run(COMMANDS.setCredentials, { connection: name, digest: { user, password: newPassword } });
      await run(COMMANDS.disconnect, { connection: name });
      await run(COMMANDS.connect, { connection: name });
      await run(COMMANDS.setCredentials, { connection: name, digest: null });
      // The last line logged about these credentials must be on disk before absence means anything.
      const marker = `${name}: digest credentials removed`;
      await eventually(() => vscodeLogFiles().some((file) => fs.readFileSync(file, 'utf8').includes(marker)), 20000, `"${marker}" in a log file`);
      const files = vscodeLogFiles();
      assert.ok(files.some((file) => fs.readFileSync(file, 'utf8').includes(`digest credentials set for user ${user}`)), 'the logs mention the user, so they were read');
      for (const file of files) {
        const text = fs.readFileSync(file, 'utf8');
        assert.equal(text.includes(password), false, `the password is in ${file}`);
        assert.equal(text.includes(newPassword), false, `the new password is in ${file}`);
      }
    });
  });
});
