import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ZooKeeperExplorerApi } from '../../src/extension/extension';
import { COMMANDS } from '../../src/extension/commandIds';
import type { ExplorerNode, ZnodeItem } from '../../src/tree/explorerItems';
import { ZkClient } from '../../src/zk/client';
import { deleteTree } from '../../src/zk/subtree';
import { eventually } from '../support/session';

const EXTENSION_ID = 'zookeeper-explorer.zookeeper-explorer';

interface MenuEntry {
  command: string;
  when?: string;
}

/** Evaluates a menu's when-clause (the view/viewItem subset package.json uses) for one row of the explorer. */
function menuShown(when: string | undefined, contextValue: string): boolean {
  const expression = (when ?? 'true')
    .replace(/view == ([\w.]+)/g, (_m, view: string) => String(view === 'zookeeper.explorer'))
    .replace(/view =~ \/(.+?)\/(?=\s|$|\))/g, (_m, re: string) => String(new RegExp(re).test('zookeeper.explorer')))
    .replace(/viewItem =~ \/(.+?)\/(?=\s|$|\))/g, (_m, re: string) => String(new RegExp(re).test(contextValue)))
    .replace(/viewItem == ([\w.]+)/g, (_m, value: string) => String(value === contextValue));
  const tokens = expression.match(/true|false|&&|\|\||!|\(|\)/g) ?? [];
  assert.equal(tokens.join(''), expression.replace(/\s+/g, ''), `a when-clause this test can read: ${when}`);
  let at = 0;
  // or := and ('||' and)*; and := not ('&&' not)*; not := '!' not | '(' or ')' | true | false
  const not = (): boolean => {
    const token = tokens[at++];
    if (token === '!') return !not();
    if (token === '(') {
      const value = or();
      at++; // ')'
      return value;
    }
    return token === 'true';
  };
  const and = (): boolean => {
    let value = not();
    while (tokens[at] === '&&') {
      at++;
      value = not() && value;
    }
    return value;
  };
  const or = (): boolean => {
    let value = and();
    while (tokens[at] === '||') {
      at++;
      value = and() || value;
    }
    return value;
  };
  return or();
}

function run<T>(command: string, args: Record<string, unknown>): Promise<T> {
  return Promise.resolve(vscode.commands.executeCommand<T>(command, args));
}

// The explorer as a user sees it: rows whose names and figures follow the server. Another client
// (a separate ZkClient) plays "someone else"; each test works in its own folder of `base`.
describe('explorer: a live tree whose figures follow the server', function () {
  this.timeout(60000);
  const stamp = Date.now();
  const name = `explorer-${stamp}`;
  const base = `/ext-explorer-${stamp}`;
  const connectString = process.env.ZK_TEST_CONNECT!;
  let api: ZooKeeperExplorerApi;
  let other: ZkClient;
  let folder: string;

  const label = (node: ExplorerNode): string => {
    const value = api.explorer.getTreeItem(node).label;
    return typeof value === 'string' ? value : (value?.label ?? '');
  };
  /** The element of a node, reached the way VS Code reaches it: expanding every ancestor. */
  async function element(nodePath: string): Promise<ZnodeItem> {
    const connectionNode = (await api.explorer.getChildren()).find((n) => n.kind === 'connection' && n.connection.name === name)!;
    let [node] = await api.explorer.getChildren(connectionNode);
    for (const segment of nodePath.split('/').filter(Boolean)) {
      let next: ExplorerNode | undefined;
      // A node made a moment ago shows once the live tree has listed its parent again.
      await eventually(async () => {
        next = (await api.explorer.getChildren(node)).find((c) => c.kind === 'znode' && label(c) === segment);
        return next !== undefined;
      }, 20000, `${segment} shown under ${node.kind === 'znode' ? node.path : name}`);
      node = next!;
    }
    assert.equal(node.kind, 'znode');
    return node;
  }
  async function childNames(nodePath: string): Promise<string[]> {
    return (await api.explorer.getChildren(await element(nodePath))).map(label);
  }
  const row = (item: ZnodeItem): vscode.TreeItem => api.explorer.getTreeItem(item);

  before(async () => {
    api = await vscode.extensions.getExtension<ZooKeeperExplorerApi>(EXTENSION_ID)!.activate();
    await run(COMMANDS.addConnection, { name, connectString });
    await run(COMMANDS.connect, { connection: name });
    other = await ZkClient.connect({ connectString });
    await other.create(base);
  });

  beforeEach(async function () {
    folder = `${base}/${this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 30)}`;
    await other.create(folder);
  });

  afterEach(async () => {
    for (const watch of api.watches.service.list().filter((w) => w.connection === name)) {
      await run(COMMANDS.unwatch, { connection: name, path: watch.spec.path });
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    await run(COMMANDS.removeConnection, { connection: name });
    await deleteTree(other, base);
    await other.close();
  });

  it('children another client creates appear without a watch, with a subtree watch, and after Stop Watching', async () => {
    const app = `${folder}/app`;
    await other.create(app);
    await other.create(`${app}/first`);
    assert.deepEqual(await childNames(app), ['first']);

    await other.create(`${app}/plain`);
    await eventually(async () => (await childNames(app)).includes('plain'), 20000, 'a child made with no watch on the node');

    // The subtree watch is set while the explorer's listing of the node is live (the order a user takes).
    await run(COMMANDS.watch, { connection: name, path: app, kind: 'subtree' });
    await other.create(`${app}/watched`);
    await eventually(async () => (await childNames(app)).includes('watched'), 20000, 'a child made under a subtree watch');
    // The Watches panel saw it too (the explorer is not the only listener).
    await eventually(() => api.watches.service.log.entries().some((e) => e.connection === name && e.path === `${app}/watched`), 20000, 'the event in the log');

    await run(COMMANDS.unwatch, { connection: name, path: app });
    assert.deepEqual(api.watches.service.kindsOf(name, app), []);
    await other.create(`${app}/after-unwatch`);
    await eventually(async () => (await childNames(app)).includes('after-unwatch'), 20000, 'a child made after Stop Watching');
    assert.deepEqual(await childNames(app), ['after-unwatch', 'first', 'plain', 'watched']);
  });

  it('a row\'s child count follows children made and removed by another client', async () => {
    const config = `${folder}/config`;
    await other.create(config);
    for (const key of ['a', 'b', 'c']) await other.create(`${config}/${key}`);
    const item = await element(config);
    assert.match(String(row(item).description), /^3 children/);
    await api.explorer.getChildren(item); // expanded: its listing is live
    await other.create(`${config}/d`);
    await eventually(async () => {
      await api.explorer.getChildren(await element(config));
      return /^4 children/.test(String(row(item).description));
    }, 20000, '"4 children" on the row');
    await other.delete(`${config}/a`);
    await other.delete(`${config}/b`);
    await eventually(async () => {
      await api.explorer.getChildren(await element(config));
      return /^2 children/.test(String(row(item).description));
    }, 20000, '"2 children" on the row');
    assert.equal(await element(config), item, 'the same element: VS Code knows the row by it');
  });

  it('expanding a node whose row is out of date updates its figures without a redraw; a live change redraws it once, with its new figures', async () => {
    const wide = `${folder}/wide`;
    await other.create(wide);
    for (const key of ['a', 'b', 'c']) await other.create(`${wide}/${key}`);
    const item = await element(wide);
    assert.match(String(row(item).description), /^3 children/);
    // Changed before the node is ever expanded: the row's stat (from its parent's listing) is out of date.
    await other.create(`${wide}/d`);
    const changes: ExplorerNode[] = [];
    const sub = api.explorer.onDidChangeTreeData((changed) => {
      if (changed === item) changes.push(changed);
    });
    try {
      // VS Code expands it: the names are current, and the element knows the new count for its next drawing.
      assert.deepEqual((await api.explorer.getChildren(item)).map(label), ['a', 'b', 'c', 'd']);
      assert.match(String(row(item).description), /^4 children/);
      // A live change (another child) must redraw the row, with its new figures already in the element
      // when VS Code asks (the stat is read before the redraw, so no second redraw follows).
      await other.create(`${wide}/e`);
      await eventually(() => changes.length > 0, 20000, 'the redraw of the row after a live change');
      assert.match(String(row(item).description), /^5 children/, 'the figures are current when VS Code draws the row');
      assert.deepEqual((await api.explorer.getChildren(item)).map(label), ['a', 'b', 'c', 'd', 'e']);
      // The live change's redraw was the first and only one so far: the expansion itself fired none (a redraw
      // of an expanded node makes VS Code drop and ask again for all its children, ranges included).
      assert.equal(changes.length, 1);
    } finally {
      sub.dispose();
    }
  });

  it('Refresh of a leaf that got a child shows its expand arrow and child count', async () => {
    const leaf = `${folder}/leaf`;
    await other.create(leaf, Buffer.from('v'));
    const item = await element(leaf);
    assert.equal(row(item).collapsibleState, vscode.TreeItemCollapsibleState.None);
    await other.create(`${leaf}/child`);
    const redrawn = new Promise<void>((resolve) => {
      const sub = api.explorer.onDidChangeTreeData((changed) => {
        if (changed === item) {
          sub.dispose();
          resolve();
        }
      });
    });
    await run(COMMANDS.refresh, { connection: name, path: leaf });
    await redrawn;
    assert.equal(row(item).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.match(String(row(item).description), /^1 child\b/);
    assert.deepEqual((await api.explorer.getChildren(item)).map(label), ['child']);
  });

  it('Create Node under a leaf gives the leaf its expand arrow', async () => {
    const leaf = `${folder}/leaf`;
    await other.create(leaf);
    const item = await element(leaf);
    assert.equal(row(item).collapsibleState, vscode.TreeItemCollapsibleState.None);
    await run(COMMANDS.createNode, { connection: name, path: `${leaf}/made-here`, data: 'x' });
    await eventually(() => row(item).collapsibleState === vscode.TreeItemCollapsibleState.Collapsed, 20000, 'the expand arrow');
    assert.match(String(row(item).description), /^1 child\b/);
  });

  it('a save through an editor updates the row\'s data size', async () => {
    const app = `${folder}/app`;
    await other.create(app, Buffer.from('0123456789'));
    const item = await element(app);
    assert.match(String(row(item).description), /^10 B/);
    const result = await run<{ uri: string }>(COMMANDS.openNode, { connection: name, path: app });
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(result.uri));
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), 'a longer value of 27 bytes.');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await document.save(), 'saved');
    assert.equal((await other.get(app)).data.toString(), 'a longer value of 27 bytes.');
    await eventually(() => /^27 B/.test(String(row(item).description)), 20000, '"27 B" on the row');
  });

  it('Delete is offered on ordinary nodes, never on the root or /zookeeper and below', async () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { menus: Record<string, MenuEntry[]> } };
    const menus = manifest.contributes.menus['view/item/context'];
    const offersDelete = (item: ZnodeItem): boolean =>
      menus.some((m) => m.command === COMMANDS.deleteNode && menuShown(m.when, api.explorer.getTreeItem(item).contextValue ?? ''));
    await other.create(`${folder}/ordinary`);
    assert.equal(offersDelete(await element(`${folder}/ordinary`)), true, 'an ordinary node');
    const connectionNode = (await api.explorer.getChildren()).find((n) => n.kind === 'connection' && n.connection.name === name)!;
    const [root] = await api.explorer.getChildren(connectionNode);
    assert.equal(root.kind, 'znode');
    assert.equal(offersDelete(root), false, 'the root');
    assert.equal(offersDelete(await element('/zookeeper')), false, '/zookeeper');
    assert.equal(offersDelete(await element('/zookeeper/quota')), false, '/zookeeper/quota');
    // The command still refuses them (automation, the palette) with a sentence.
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand(COMMANDS.deleteNode, { connection: name, path: '/zookeeper/quota' })), /belongs to ZooKeeper itself/);
  });

  it('a row\'s tooltip is short and does not call a container node "persistent" outright', async () => {
    await other.create(`${folder}/box`, null, { mode: 'container' });
    await other.create(`${folder}/box/keep`);
    const box = await element(`${folder}/box`);
    const item = api.explorer.getTreeItem(box);
    assert.equal(item.tooltip, undefined, 'built on hover (resolveTreeItem), not with every row');
    const tooltip = (api.explorer.resolveTreeItem(item, box).tooltip as vscode.MarkdownString).value.replace(/\\(.)/g, '$1');
    assert.match(tooltip, /^\*\*box\*\* — persistent \(or container\/TTL: the server reports those alike\) {2}\n/);
    assert.ok(tooltip.includes(`${folder}/box  \n`), tooltip);
    assert.ok(tooltip.split('\n').length <= 5, tooltip);
  });

  it("expanded again after its parent was refreshed, a node shows the server's current children, and their hovers say what they said before", async () => {
    const parent = `${folder}/p`;
    await other.create(parent);
    for (const child of ['a', 'b']) await other.create(`${parent}/${child}`, Buffer.from(`data of ${child}`));
    const tooltipOf = (node: ExplorerNode): string => {
      const item = api.explorer.getTreeItem(node);
      assert.equal(item.tooltip, undefined, 'no tooltip sent with the row');
      return (api.explorer.resolveTreeItem(item, node).tooltip as vscode.MarkdownString).value;
    };
    const before = await api.explorer.getChildren(await element(parent));
    assert.deepEqual(before.map(label), ['a', 'b']);
    const bBefore = tooltipOf(before[1]);
    // Expected content, built from the server's stat as a person would read it.
    const stat = (await other.exists(`${parent}/b`))!;
    const plain = bBefore.replace(/\\(.)/g, '$1');
    assert.match(plain, /^\*\*b\*\* — persistent \(or container\/TTL: the server reports those alike\) {2}\n/);
    assert.ok(plain.includes(`${parent}/b  \n`), plain);
    assert.ok(plain.includes(`v${stat.version} · ${stat.dataLength} B · 0 children`), plain);

    // Meanwhile (collapsed, as far as the user sees): one child added, one deleted, and the parent's
    // parent refreshed (a sibling made: the live tree lists it again, and VS Code asks for p's children anew).
    await other.create(`${parent}/c`, Buffer.from('data of c'));
    await other.delete(`${parent}/a`);
    await other.create(`${folder}/sibling`);
    await eventually(async () => (await api.explorer.getChildren(await element(folder))).some((n) => label(n) === 'sibling'), 20000, 'the sibling listed (the parent refreshed)');
    let after: ExplorerNode[] = [];
    await eventually(async () => {
      after = await api.explorer.getChildren(await element(parent));
      return after.map(label).join() === 'b,c';
    }, 20000, `${parent} listing b and c (it lists ${after.map(label).join()})`);
    assert.equal(tooltipOf(after[0]), bBefore, "b's hover unchanged");
    const cTip = tooltipOf(after[1]).replace(/\\(.)/g, '$1');
    assert.ok(cTip.startsWith('**c** — ') && cTip.includes(`${parent}/c  \n`) && cTip.includes('9 B'), cTip);
  });
});
