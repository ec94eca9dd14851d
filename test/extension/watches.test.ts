import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ZooKeeperExplorerApi } from '../../src/extension/extension';
import { COMMANDS } from '../../src/extension/commandIds';
import type { ExplorerNode } from '../../src/tree/explorerItems';
import { ZkClient } from '../../src/zk/client';
import { deleteTree } from '../../src/zk/subtree';
import { eventually } from '../support/session';

const EXTENSION_ID = 'zookeeper-explorer.zookeeper-explorer';

function run<T>(command: string, args: Record<string, unknown>): Promise<T> {
  return Promise.resolve(vscode.commands.executeCommand<T>(command, args));
}

// Each test makes its own nodes under its own folder of `base` and removes its own watches, so any
// one of them runs alone (ZKE_TEST_GREP) and leaves the connection as it found it. The connection
// and `base` are made once in before() and removed in after().
describe('watches and the ZooKeeper Watches panel', function () {
  this.timeout(60000);
  const stamp = Date.now();
  const name = `watch-${stamp}`;
  const base = `/ext-watch-${stamp}`;
  const connectString = process.env.ZK_TEST_CONNECT!;
  let api: ZooKeeperExplorerApi;
  let other: ZkClient;

  const events = () => api.watches.service.log.entries().filter((e) => e.connection === name);
  const label = (node: ExplorerNode): string => {
    const value = api.explorer.getTreeItem(node).label;
    return typeof value === 'string' ? value : (value?.label ?? '');
  };
  async function explorerChildren(nodePath: string): Promise<ExplorerNode[]> {
    const connectionNode = (await api.explorer.getChildren()).find((n) => n.kind === 'connection' && n.connection.name === name)!;
    let [node] = await api.explorer.getChildren(connectionNode);
    for (const segment of nodePath.split('/').filter(Boolean)) {
      const next = (await api.explorer.getChildren(node)).find((c) => c.kind === 'znode' && label(c) === segment);
      assert.ok(next, `${segment} is shown`);
      node = next;
    }
    return api.explorer.getChildren(node);
  }

  /** A fresh folder for one test under `base`, and its watches to remove afterwards. */
  let folder: string;
  let watched: string[];
  async function watch(path: string, kind: 'data' | 'children' | 'subtree'): Promise<{ mode: string }> {
    watched.push(path);
    return run<{ mode: string }>(COMMANDS.watch, { connection: name, path, kind });
  }

  before(async () => {
    api = await vscode.extensions.getExtension<ZooKeeperExplorerApi>(EXTENSION_ID)!.activate();
    await run(COMMANDS.addConnection, { name, connectString });
    await run(COMMANDS.connect, { connection: name });
    other = await ZkClient.connect({ connectString });
    await other.create(base);
  });

  beforeEach(async function () {
    folder = `${base}/${this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 30)}`;
    watched = [];
    await other.create(folder);
  });

  afterEach(async () => {
    for (const path of watched) await run(COMMANDS.unwatch, { connection: name, path }).then(undefined, () => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    for (const watch of api.watches.service.list().filter((w) => w.connection === name)) {
      await run(COMMANDS.unwatch, { connection: name, path: watch.spec.path });
    }
    await run(COMMANDS.removeConnection, { connection: name });
    await deleteTree(other, base);
    await other.close();
  });

  it('a data watch logs a change by another client with both versions, and Compare opens the diff', async () => {
    const node = `${folder}/config`;
    await other.create(node, Buffer.from('{"v":1}'));
    const result = await watch(node, 'data');
    assert.equal(result.mode, 'persistent');
    await other.set(node, Buffer.from('{"v":2}'));
    await eventually(() => events().some((e) => e.path === node && e.type === 'dataChanged' && e.after?.data !== undefined), 10000, 'the data change in the log, with its data');
    const event = events().find((e) => e.path === node && e.type === 'dataChanged')!;
    assert.equal(event.before?.version, 0);
    assert.equal(event.after?.version, 1);
    assert.equal(Buffer.from(event.before.data!).toString(), '{"v":1}');
    assert.equal(Buffer.from(event.after.data!).toString(), '{"v":2}');

    const groups = api.watches.panel.getChildren();
    const shown = api.watches.panel.getChildren(groups[1]);
    const item = shown.find((n) => n.kind === 'event' && n.event.seq === event.seq)!;
    const treeItem = api.watches.panel.getTreeItem(item);
    assert.equal(treeItem.contextValue, 'watchEvent.compare');
    assert.match(treeItem.label as string, /^\d\d:\d\d:\d\d\.\d{3} {2}data changed \(v0 → v1\)$/);
    await vscode.commands.executeCommand(COMMANDS.compareWatchEvent, item);
    await eventually(() => vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputTextDiff, 5000, 'a diff editor');
    const diff = vscode.window.tabGroups.activeTabGroup.activeTab!.input as vscode.TabInputTextDiff;
    const original = await vscode.workspace.openTextDocument(diff.original);
    const modified = await vscode.workspace.openTextDocument(diff.modified);
    assert.equal(original.getText(), '{"v":1}');
    assert.equal(modified.getText(), '{"v":2}');
    // Not Plain Text: the node's language, as its own editor has it.
    assert.equal(original.languageId, 'json');
    assert.equal(modified.languageId, 'json');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('a children watch logs the names added and removed; the explorer marks watched nodes', async () => {
    const registry = `${folder}/services`;
    await other.create(registry);
    await watch(registry, 'children');
    const instance = await other.create(`${registry}/instance-`, Buffer.from('10.0.0.1:8080'), { mode: 'ephemeralSequential' });
    await eventually(() => events().some((e) => e.path === registry && e.added?.includes(instance.path.split('/').pop()!)), 10000, 'the added child');
    await other.delete(instance.path);
    await eventually(() => events().some((e) => e.path === registry && e.removed?.includes(instance.path.split('/').pop()!)), 10000, 'the removed child');

    const shown = await explorerChildren(folder);
    const services = shown.find((n) => label(n) === 'services')!;
    const treeItem = api.explorer.getTreeItem(services);
    assert.match(String(treeItem.description), /watching children/);
    assert.match(treeItem.contextValue ?? '', /\.watched/);
  });

  it('a subtree watch reports changes deep below, and unwatch stops them', async () => {
    const root = `${folder}/tree`;
    const sentinel = `${folder}/sentinel`;
    await other.create(root);
    await other.create(sentinel);
    await watch(root, 'subtree');
    await watch(sentinel, 'subtree');
    await other.create(`${root}/a`);
    await other.create(`${root}/a/b`, Buffer.from('x'));
    await other.set(`${root}/a/b`, Buffer.from('y'));
    await eventually(() => events().some((e) => e.path === `${root}/a/b` && e.type === 'dataChanged'), 10000, 'the deep change');
    assert.ok(events().some((e) => e.path === `${root}/a/b` && e.type === 'created'));
    const removed = await run<{ removed: string[] }>(COMMANDS.unwatch, { connection: name, path: root });
    assert.deepEqual(removed.removed, ['subtree']);
    // The log lists the newest first: what came after this point is what has a higher seq.
    const seen = Math.max(0, ...events().map((e) => e.seq));
    const since = () => events().filter((e) => e.seq > seen);
    await other.set(`${root}/a/b`, Buffer.from('z'));
    // Absence proven against a sentinel, not a sleep: a change made after the one that must not be
    // reported, under a subtree watch of the same kind on the same session. ZooKeeper delivers one
    // session's events in order, so once the sentinel's event is logged, an event for a/b would be.
    await other.set(sentinel, Buffer.from('sentinel'));
    await eventually(() => since().some((e) => e.path === sentinel), 30000, "the sentinel's event");
    assert.deepEqual(
      since().map((e) => [e.path, e.type]),
      [[sentinel, 'dataChanged']],
      'no events after unwatch',
    );
  });

  it('watches are kept (workspace state) across a disconnect and set again when the connection comes back', async () => {
    const node = `${folder}/config`;
    await other.create(node, Buffer.from('{"v":1}'));
    await watch(node, 'data');
    await eventually(() => api.watches.service.list().some((w) => w.connection === name && w.spec.path === node && w.connected), 30000, 'the watch set');
    await run(COMMANDS.disconnect, { connection: name });
    const listed = api.watches.service.list().find((w) => w.connection === name && w.spec.path === node);
    assert.ok(listed, 'still listed while disconnected');
    assert.equal(listed.connected, false);
    await other.set(node, Buffer.from('{"v":3}'));
    await run(COMMANDS.connect, { connection: name });
    await eventually(() => api.watches.service.list().some((w) => w.connection === name && w.spec.path === node && w.connected), 10000, 'the watch set again');
    const version = (await other.set(node, Buffer.from('{"v":4}'))).version;
    await eventually(() => events().some((e) => e.path === node && e.after?.version === version && e.detectedBy === 'event'), 10000, 'a live event after reconnecting');
  });

  it('the live tree shows a child another client created, without a manual refresh', async () => {
    const parent = `${folder}/live`;
    await other.create(parent);
    await run(COMMANDS.refresh, { connection: name, path: folder });
    assert.deepEqual((await explorerChildren(parent)).map(label), []);
    await other.create(`${parent}/new-child`);
    await eventually(async () => (await explorerChildren(parent)).map(label).includes('new-child'), 10000, 'the new child in the tree');
  });

  it('an open editor of a watched node shows the server\'s new data', async () => {
    const node = `${folder}/config`;
    await other.create(node, Buffer.from('{"v":4}'));
    await watch(node, 'data');
    const document = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'zk', authority: name, path: node, query: 'view=text' }));
    await vscode.window.showTextDocument(document);
    assert.equal(document.getText(), (await other.get(node)).data.toString());
    await other.set(node, Buffer.from('{"v":5}'));
    await eventually(() => document.getText() === '{"v":5}', 10000, 'the editor to show the new data');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('filter, export and clear the log', async () => {
    // Its own events first: a children watch that sees one child come and go (two events), and a
    // data change the filter must leave out.
    const registry = `${folder}/services`;
    await other.create(registry, Buffer.from('v0'));
    await watch(registry, 'children');
    await watch(folder, 'data');
    const instance = await other.create(`${registry}/instance-`, null, { mode: 'ephemeralSequential' });
    const child = instance.path.split('/').pop()!;
    await eventually(() => events().some((e) => e.path === registry && e.added?.includes(child)), 30000, 'the added child logged');
    await other.delete(instance.path);
    await eventually(() => events().some((e) => e.path === registry && e.removed?.includes(child)), 30000, 'the removed child logged');
    await other.set(folder, Buffer.from('changed'));
    await eventually(() => events().some((e) => e.path === folder && e.type === 'dataChanged'), 30000, 'the data change logged');
    const filtered = await run<{ shown: number }>(COMMANDS.filterWatchEvents, { path: registry, types: ['childrenChanged'] });
    assert.ok(filtered.shown >= 2);
    assert.ok(api.watches.panel.shownEvents().every((e) => e.path.includes(registry) && e.type === 'childrenChanged'));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zke-export-')), 'events.json');
    const exported = await run<{ count: number }>(COMMANDS.exportWatchEvents, { uri: vscode.Uri.file(file).toString() });
    const body = JSON.parse(fs.readFileSync(file, 'utf8')) as { events: { type: string; added?: string[] }[] };
    assert.equal(body.events.length, exported.count);
    assert.ok(body.events.every((e) => e.type === 'childrenChanged'));
    await run(COMMANDS.filterWatchEvents, {});
    const cleared = await run<{ cleared: number }>(COMMANDS.clearWatchEvents, {});
    assert.ok(cleared.cleared > 0);
    assert.equal(api.watches.service.log.entries().length, 0);
  });

  it('an emptied panel has no rows, so VS Code shows its welcome text on how to add a watch', async () => {
    for (const watch of api.watches.service.list()) await run(COMMANDS.unwatch, { connection: watch.connection, path: watch.spec.path });
    await run(COMMANDS.clearWatchEvents, {});
    assert.deepEqual(api.watches.panel.getChildren(), []);
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { viewsWelcome: { view: string; contents: string; when?: string }[] } };
    const welcome = manifest.contributes.viewsWelcome.find((w) => w.view === 'zookeeper.watches');
    assert.ok(welcome && welcome.when === undefined, 'a welcome shown whenever the panel is empty');
    assert.match(welcome.contents, /Watch…/);
    assert.match(welcome.contents, /command:zookeeper\.watch\b/);
    await watch(folder, 'data');
    assert.deepEqual(api.watches.panel.getChildren().map((g) => g.kind), ['group', 'group']);
  });
});

