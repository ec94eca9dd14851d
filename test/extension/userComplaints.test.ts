import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { ZooKeeperExplorerApi } from '../../src/extension/extension';
import { COMMANDS } from '../../src/extension/commandIds';
import type { OpenNodeResult } from '../../src/extension/commands/dataCommands';
import type { ExplorerNode } from '../../src/tree/explorerItems';
import { Perm } from '../../src/zk/acl';
import { ZkClient } from '../../src/zk/client';
import { deleteTree } from '../../src/zk/subtree';
import { startFaultProxy } from '../support/faultProxy';
import { vscodeLogFiles } from './support/connections';
import { eventually, expireSession } from '../support/session';

// Complaints users have about other ZooKeeper tools (shared/notes/what-users-ask.md), tried on this
// extension where no other test already proves that they do not apply. Another client (a separate
// ZkClient) plays "someone else" and reads what really reached the server.

const EXTENSION_ID = 'zookeeper-explorer.zookeeper-explorer';

function connectString(): string {
  const value = process.env.ZK_TEST_CONNECT;
  assert.ok(value, 'ZK_TEST_CONNECT must name the test ZooKeeper (the test runner sets it)');
  return value;
}

function run<T>(command: string, args: Record<string, unknown>): Promise<T> {
  return Promise.resolve(vscode.commands.executeCommand<T>(command, args));
}

describe('what users of other ZooKeeper tools complain about', function () {
  this.timeout(60000);
  const stamp = Date.now();
  const name = `complaints-${stamp}`;
  const base = `/ext-complaints-${stamp}`;
  let api: ZooKeeperExplorerApi;
  let other: ZkClient;

  const label = (node: ExplorerNode): string => {
    const value = api.explorer.getTreeItem(node).label;
    return typeof value === 'string' ? value : (value?.label ?? '');
  };

  /** The explorer's element of a path, reached like a user expanding every ancestor. */
  async function nodeShown(path: string): Promise<ExplorerNode> {
    const connectionNode = (await api.explorer.getChildren()).find((n) => n.kind === 'connection' && n.connection.name === name)!;
    let [node] = await api.explorer.getChildren(connectionNode);
    for (const segment of path.split('/').filter(Boolean)) {
      const next = (await api.explorer.getChildren(node)).find((c) => c.kind === 'znode' && label(c) === segment);
      assert.ok(next, `${segment} is shown under its parent`);
      node = next;
    }
    return node;
  }

  async function replaceAll(document: vscode.TextDocument, text: string): Promise<void> {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), text);
    assert.ok(await vscode.workspace.applyEdit(edit), 'edit applied');
  }

  before(async () => {
    api = await vscode.extensions.getExtension<ZooKeeperExplorerApi>(EXTENSION_ID)!.activate();
    await run(COMMANDS.addConnection, { name, connectString: connectString() });
    await run(COMMANDS.connect, { connection: name });
    other = await ZkClient.connect({ connectString: connectString() });
    await other.create(base);
  });

  afterEach(async () => {
    // Leave no unsaved editors behind (closing them would ask), then close everything.
    for (const document of vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'zk' && d.isDirty)) {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.files.revert').then(undefined, () => undefined);
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    await run(COMMANDS.removeConnection, { connection: name }).catch(() => undefined);
    if (other) await deleteTree(other, base).catch(() => undefined);
    await other?.close();
  });

  it('"invalid JSON was saved without a word": a JSON document that no longer parses is refused with where and why; as Plain Text it saves', async () => {
    const path = `${base}/app.json`;
    await other.create(path, Buffer.from('{"a":1}'));
    const opened = await run<OpenNodeResult>(COMMANDS.openNode, { connection: name, path });
    let document = await vscode.workspace.openTextDocument(vscode.Uri.parse(opened.uri));
    assert.equal(document.languageId, 'json', 'the node opens as JSON');

    // Valid JSON saves as before.
    await replaceAll(document, '{"a":2}');
    assert.equal(await document.save(), true, 'valid JSON saves');
    assert.equal((await other.get(path)).data.toString(), '{"a":2}');

    // Broken JSON: the editor's save fails, the server keeps its data and version, the edit stays.
    await replaceAll(document, '{\n  "a": 3,\n}');
    assert.equal(await document.save(), false, 'the save of broken JSON fails');
    assert.ok(document.isDirty, 'the edit stays unsaved');
    const server = await other.get(path);
    assert.equal(server.data.toString(), '{"a":2}', 'nothing was written');
    assert.equal(server.stat.version, 1);
    // What the refusal says (VS Code's notification shows it; the log keeps it): where and why, and never
    // the data around the mistake, here an unquoted password (V8's own message quotes it).
    await replaceAll(document, '{\n  "user": "app",\n  "password": s3cr3t-pw\n}');
    assert.equal(await document.save(), false, 'the save of an unquoted value fails');
    const logged = `save of ${name}:${path} refused: open as JSON and not valid JSON (a value was expected`;
    await eventually(() => vscodeLogFiles().some((file) => fs.readFileSync(file, 'utf8').includes(logged)), 20000, `"${logged}" in a log file`);
    const line = vscodeLogFiles()
      .flatMap((file) => fs.readFileSync(file, 'utf8').split('\n'))
      .find((l) => l.includes(logged))!;
    assert.match(line, /line 3, column 15\); nothing written/);
    assert.equal(/s3cr3t/.test(line), false, line);
    assert.equal((await other.get(path)).stat.version, 1, 'nothing was written');
    // Cleared data is deliberate, not broken JSON: it saves.
    await replaceAll(document, '');
    assert.equal(await document.save(), true, 'empty data saves');
    assert.equal((await other.get(path)).data.length, 0);

    // The way out: the same text in the Plain Text language mode is saved as it is.
    await replaceAll(document, '{"a": 3,}');
    document = await vscode.languages.setTextDocumentLanguage(document, 'plaintext');
    assert.equal(await document.save(), true, 'as Plain Text it saves');
    assert.equal((await other.get(path)).data.toString(), '{"a": 3,}');
  });

  it('"saving unchanged compact JSON re-indented it and bumped the version": Save on an unedited node writes nothing', async () => {
    const path = `${base}/compact`;
    const compact = '{"a":[1,2,{"b":null}],"c":"\u00e9"}';
    await other.create(path, Buffer.from(compact));
    const opened = await run<OpenNodeResult>(COMMANDS.openNode, { connection: name, path });
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(opened.uri));
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, 'json');
    assert.equal(document.getText(), compact, 'shown exactly as stored, not re-indented');
    // Save (Ctrl+S) in the editor: its promise settles once VS Code is done with the save.
    await vscode.commands.executeCommand('workbench.action.files.save');
    const server = await other.get(path);
    assert.equal(server.data.toString(), compact, 'every byte as it was');
    assert.equal(server.stat.version, 0, 'no write: the version did not move');
  });

  it('"every node marked ephemeral" (ephemeralOwner compared as a string): only the ephemeral rows are marked', async () => {
    const dir = `${base}/kinds`;
    await other.create(dir);
    await other.create(`${dir}/persistent`);
    await other.create(`${dir}/container`, null, { mode: 'container' });
    await other.create(`${dir}/container/keep`);
    await other.create(`${dir}/session`, null, { mode: 'ephemeral' });
    await other.create(`${dir}/lease-`, null, { mode: 'ephemeralSequential' });
    await run(COMMANDS.refresh, { connection: name, path: base });
    const rows = new Map((await api.explorer.getChildren(await nodeShown(dir))).map((n) => [label(n), api.explorer.getTreeItem(n)]));
    const marked = [...rows].filter(([, item]) => (item.contextValue ?? '').split('.').includes('ephemeral')).map(([rowName]) => rowName);
    assert.deepEqual(marked.sort(), ['lease-0000000003', 'session'], 'the ephemeral nodes, and no other');
    for (const [rowName, item] of rows) {
      const description = typeof item.description === 'string' ? item.description : '';
      assert.equal(/\bephemeral\b/.test(description), marked.includes(rowName), `${rowName}: "${description}"`);
    }
  });

  it('Move or Rename… refuses while an editor holds unsaved changes under the node (they could be saved nowhere), and moves once they are reverted', async () => {
    const dir = `${base}/dirty`;
    await other.create(dir);
    await other.create(`${dir}/app`);
    await other.create(`${dir}/app/conf`, Buffer.from('a=1'));
    const opened = await run<OpenNodeResult>(COMMANDS.openNode, { connection: name, path: `${dir}/app/conf` });
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(opened.uri));
    await vscode.window.showTextDocument(document);
    await replaceAll(document, 'a=2');
    assert.ok(document.isDirty);
    await assert.rejects(run(COMMANDS.moveNode, { connection: name, path: `${dir}/app`, to: `${dir}/app-v2` }), /"[^"]*\/app" was not moved: [^ ]*\/app\/conf has unsaved changes in an editor\. Save or revert them first\./);
    assert.ok(await other.exists(`${dir}/app/conf`), 'nothing moved');
    assert.equal(document.getText(), 'a=2', 'the edit is still there');
    // A copy leaves the source where it is: the unsaved edit is not at stake, and the copy takes the server's data.
    await run(COMMANDS.copyNode, { connection: name, path: `${dir}/app`, to: `${dir}/app-copy` });
    assert.equal((await other.get(`${dir}/app-copy/conf`)).data.toString(), 'a=1');
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(document.isDirty, false);
    await run(COMMANDS.moveNode, { connection: name, path: `${dir}/app`, to: `${dir}/app-v2` });
    assert.equal((await other.get(`${dir}/app-v2/conf`)).data.toString(), 'a=1');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('"copy/rename of subtrees": Move or Rename… and Copy To… carry a subtree with its data and ACLs, in the tree too; the menu offers them', async () => {
    const dir = `${base}/relocate`;
    await other.create(dir);
    await other.create(`${dir}/app`, Buffer.from('{"port":1}'));
    await other.create(`${dir}/app/db`, Buffer.from('url=x'), { acl: [{ id: { scheme: 'world', id: 'anyone' }, perms: Perm.read | Perm.write | Perm.create | Perm.delete }] });
    await other.create(`${dir}/app/db/pool`, Buffer.from([0, 1, 2, 0xff]));
    await run(COMMANDS.refresh, { connection: name, path: base });
    const before = await nodeShown(`${dir}/app`);
    // The explorer's menu names both commands on an ordinary node, and neither on an ephemeral one.
    const menus = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { menus: Record<string, { command: string; when?: string }[]> } }).contributes.menus['view/item/context'];
    for (const command of [COMMANDS.moveNode, COMMANDS.copyNode]) {
      const entry = menus.find((m) => m.command === command);
      assert.ok(entry?.when?.includes('viewItem =~ /^znode/') && /readOnly\|serverOwned\|ephemeral/.test(entry.when), `${command} on the node menu: ${entry?.when}`);
    }
    assert.equal(api.explorer.getTreeItem(before).contextValue, 'znode', 'the menu shows on this row');

    const copied = await run<{ to: string }>(COMMANDS.copyNode, { connection: name, path: `${dir}/app`, to: `${dir}/app-copy` });
    assert.equal(copied.to, `${dir}/app-copy`);
    const moved = await run<{ to: string }>(COMMANDS.moveNode, { connection: name, path: `${dir}/app`, to: `${dir}/moved/app-v2` });
    assert.equal(moved.to, `${dir}/moved/app-v2`);
    for (const top of [`${dir}/app-copy`, `${dir}/moved/app-v2`]) {
      assert.equal((await other.get(top)).data.toString(), '{"port":1}', top);
      assert.equal((await other.get(`${top}/db`)).data.toString(), 'url=x');
      assert.deepEqual((await other.getACL(`${top}/db`)).acl.map((a) => `${a.id.scheme}:${a.id.id}:${a.perms}`), [`world:anyone:${Perm.read | Perm.write | Perm.create | Perm.delete}`], 'the ACL came along');
      assert.deepEqual((await other.get(`${top}/db/pool`)).data, Buffer.from([0, 1, 2, 0xff]), 'binary data byte for byte');
    }
    assert.equal(await other.exists(`${dir}/app`), undefined, 'moved, not copied');
    // The tree shows the result without a manual refresh.
    const shown = (await api.explorer.getChildren(await nodeShown(dir))).map(label).sort();
    assert.deepEqual(shown, ['app-copy', 'moved']);

    // What cannot be done is a sentence, and nothing changes.
    await other.create(`${dir}/holder`);
    await other.create(`${dir}/holder/lease`, null, { mode: 'ephemeral' });
    const refusals = [
      [COMMANDS.moveNode, { path: `${dir}/app-copy`, to: `${dir}/moved/app-v2` }, /already exists/],
      [COMMANDS.moveNode, { path: `${dir}/app-copy`, to: `${dir}/app-copy/inner` }, /cannot go inside itself/],
      [COMMANDS.moveNode, { path: `${dir}/app-copy`, to: `${dir}/app-copy` }, /already/],
      [COMMANDS.copyNode, { path: '/zookeeper', to: `${dir}/zk` }, /belongs to the server/],
      [COMMANDS.moveNode, { path: `${dir}/holder`, to: `${dir}/holder-2` }, /ephemeral/i],
    ] as const;
    for (const [command, args, reason] of refusals) {
      await assert.rejects(run(command, { connection: name, ...args }), reason, `${command} ${JSON.stringify(args)}`);
    }
    assert.ok(await other.exists(`${dir}/holder/lease`), 'the ephemeral node stays where it was');
    assert.equal(await other.exists(`${dir}/holder-2`), undefined);
  });

  it('"we run dozens of clusters": several connections at once, each row with its name and full connect string (several hosts, a chroot) that confines it', async () => {
    const chroot = `${base}/tenant`;
    await other.create(chroot);
    await other.create(`${chroot}/only-in-tenant`);
    const [host, port] = connectString().split(',')[0].split(':');
    const multi = `${host}:${port},localhost:${port}${chroot}`;
    const second = `${name}-tenant`;
    await run(COMMANDS.addConnection, { name: second, connectString: multi });
    try {
      await run(COMMANDS.connect, { connection: second });
      const rows = (await api.explorer.getChildren()).filter((n) => n.kind === 'connection' && [name, second].includes(n.connection.name));
      assert.equal(rows.length, 2, 'both connections are listed');
      for (const node of rows) {
        const item = api.explorer.getTreeItem(node);
        const expected = node.kind === 'connection' && node.connection.name === second ? multi : connectString();
        assert.equal(label(node), node.kind === 'connection' ? node.connection.name : '', 'the row is named after the connection');
        assert.ok(String(item.description).includes(expected), `the row shows "${expected}": ${String(item.description)}`);
        assert.match(String(item.description), /connected/);
      }
      // Both sessions are open at once, and the chroot confines the second one.
      assert.ok(api.connections.get(name)!.activeClient && api.connections.get(second)!.activeClient);
      const tenantRow = rows.find((n) => n.kind === 'connection' && n.connection.name === second)!;
      const [root] = await api.explorer.getChildren(tenantRow);
      assert.deepEqual((await api.explorer.getChildren(root)).map(label), ['only-in-tenant']);
    } finally {
      await run(COMMANDS.removeConnection, { connection: second });
    }
  });

  it('"two Session lost dialogs", "freezing after session expired": an expiry with a watch in place is ONE warning, and the tree and the watch work on the new session', async () => {
    // Its own connection, through a fault proxy: the expiry is made by black-holing it, not raced.
    const proxy = await startFaultProxy(connectString());
    const expiring = `${name}-expiry`;
    const watched = `${base}/watched-through-expiry`;
    await other.create(watched, Buffer.from('v0'));
    // The extension shares this API object (same extension): its warnings pass through here.
    const warnings: string[] = [];
    const window = vscode.window as { showWarningMessage: (...args: unknown[]) => unknown };
    const original = window.showWarningMessage;
    window.showWarningMessage = (...args: unknown[]) => {
      warnings.push(String(args[0]));
      return Promise.resolve(undefined);
    };
    try {
      await run(COMMANDS.addConnection, { name: expiring, connectString: proxy.connectString, sessionTimeoutMs: 4000 });
      await run(COMMANDS.connect, { connection: expiring });
      await run(COMMANDS.watch, { connection: expiring, path: watched, kind: 'data' });
      const connection = api.connections.get(expiring)!;
      const client = connection.activeClient!;
      const before = client.sessionId;
      // The last word about an expiry: the watches' summary once they are set again on the new session.
      const resynced = new Promise<void>((resolve) => {
        const sub = api.watches.service.onDidReceiveNotice((notice) => {
          if (notice.connection === expiring && /new ZooKeeper session/.test(notice.message)) {
            sub.dispose();
            resolve();
          }
        });
      });
      await expireSession(client, proxy, connectString());
      await resynced;
      assert.notEqual(client.sessionId, before, 'a new session');
      // Everything said about this expiry has been said by now (the summary is the last of it).
      assert.equal(warnings.length, 1, `one warning, not one per part of the extension:\n${warnings.join('\n')}`);
      assert.match(warnings[0], /session with .* expired .* A new session has started/);
      // Not frozen: the tree lists, and the watch reports a change made on the new session.
      const connectionNode = (await api.explorer.getChildren()).find((n) => n.kind === 'connection' && n.connection === connection)!;
      const [root] = await api.explorer.getChildren(connectionNode);
      assert.equal(root?.kind, 'znode', 'the tree works on the new session');
      const seen = new Promise<void>((resolve) => {
        const sub = api.watches.service.onDidReceiveEvent((event) => {
          if (event.connection === expiring && event.path === watched && event.type === 'dataChanged') {
            sub.dispose();
            resolve();
          }
        });
      });
      await other.set(watched, Buffer.from('v1'));
      await seen;
    } finally {
      window.showWarningMessage = original;
      await run(COMMANDS.unwatch, { connection: expiring, path: watched }).catch(() => undefined);
      await run(COMMANDS.removeConnection, { connection: expiring }).catch(() => undefined);
      await proxy.close();
    }
  });

  it('"failed to view the node that has more than 300k children": a huge node warns before it is listed; listed anyway, a reply over 1 MB arrives in ranges', async function () {
    // Hang guard only: creating and deleting 100,001 nodes on a busy 2-core machine.
    this.timeout(600000);
    const huge = `${base}/huge`;
    await other.create(huge);
    // 100,001 children, just over the explorer's threshold; names long enough that the one
    // getChildren reply (about 2.4 MB) is over the servers' default jute.maxbuffer (1 MB), the
    // size that drops Java clients (zkui, ZooInspector) with ConnectionLoss.
    const count = 100_001;
    const childName = (i: number): string => `member-${String(i).padStart(10, '0')}`;
    for (let i = 0; i < count; i += 1000) {
      const ops = [];
      for (let j = i; j < Math.min(count, i + 1000); j++) ops.push({ type: 'create' as const, path: `${huge}/${childName(j)}` });
      await other.multi(ops);
    }
    assert.equal((await other.exists(huge))?.numChildren, count);

    await run(COMMANDS.refresh, { connection: name, path: base });
    const hugeNode = await nodeShown(huge);
    const client = api.connections.get(name)!.activeClient!;
    const originalGetChildren = client.getChildren.bind(client);
    const listed: string[] = [];
    client.getChildren = async (...args: Parameters<ZkClient['getChildren']>) => {
      listed.push(args[0]);
      return originalGetChildren(...args);
    };
    try {
      // Expanded, it says how many children there are and offers to list them: nothing was listed.
      const warning = await api.explorer.getChildren(hugeNode);
      assert.equal(warning.length, 1);
      assert.equal(warning[0].kind, 'message');
      const message = warning[0];
      assert.match(message.text, /^100,001 children: .*click to list/);
      assert.deepEqual(listed.filter((p) => p === huge), [], 'the huge node is not listed before the user asks');

      // The message's own command lists it anyway: ranges of 500, the last holding the 100,001st child.
      assert.ok(message.command, 'the warning row is clickable');
      await vscode.commands.executeCommand(message.command.command, ...((message.command.arguments ?? []) as unknown[]));
      const ranges = await api.explorer.getChildren(await nodeShown(huge));
      assert.deepEqual(listed.filter((p) => p === huge).length, 1, 'one getChildren, now that the user asked');
      assert.equal(ranges.length, Math.ceil(count / 500));
      assert.ok(ranges.every((r) => r.kind === 'range'));
      assert.equal(label(ranges[0]), `${childName(0)} … ${childName(499)}`);
      const last = await api.explorer.getChildren(ranges[ranges.length - 1]);
      assert.deepEqual(last.map(label), [childName(count - 1)]);
      // The session survived the 2.4 MB reply: still the same connection, answering.
      assert.equal(api.connections.get(name)!.activeClient, client, 'the same session');
      assert.equal((await client.exists(huge))?.numChildren, count);
    } finally {
      client.getChildren = originalGetChildren;
    }
    await deleteTree(other, huge);
  });
});
