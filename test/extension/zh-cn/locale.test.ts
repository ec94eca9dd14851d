import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ZooKeeperExplorerApi } from '../../../src/extension/extension';
import { COMMANDS } from '../../../src/extension/commandIds';
import type { ExplorerNode } from '../../../src/tree/explorerItems';
import { ZkClient } from '../../../src/zk/client';
import { deleteTree } from '../../../src/zk/subtree';
import { eventually } from '../../support/session';
import { zookeeper } from '../../support/zookeeper';

const EXTENSION_ID = 'zookeeper-explorer.zookeeper-explorer';

function run<T>(command: string, args: Record<string, unknown>): Promise<T> {
  return Promise.resolve(vscode.commands.executeCommand<T>(command, args));
}

/** A manifest string as the extension host gives it: a string, or { value, original } for a localized command title. */
function shown(value: unknown): { value: string; original?: string } {
  if (typeof value === 'string') return { value };
  const v = value as { value: string; original: string };
  return { value: v.value, original: v.original };
}

const text = (label: string | vscode.TreeItemLabel | undefined): string => (typeof label === 'string' ? label : (label?.label ?? ''));
const plain = (value: string | vscode.MarkdownString | undefined): string => (typeof value === 'string' ? value : (value?.value ?? ''));

// VS Code in Chinese (display language zh-cn): what the user reads comes from package.nls.zh-cn.json
// and l10n/bundle.l10n.zh-cn.json. Each sentence below is compared whole with its translation, so a
// missing entry (VS Code falls back to English silently) or a broken placeholder fails here.
describe('zh-cn: the extension speaks Chinese when VS Code does', function () {
  this.timeout(60000);
  const stamp = Date.now();
  const name = `zh-${stamp}`;
  const base = `/ext-zh-${stamp}`;
  const connectString = process.env.ZK_TEST_CONNECT!;
  let api: ZooKeeperExplorerApi;
  let other: ZkClient;

  before(async () => {
    api = await vscode.extensions.getExtension<ZooKeeperExplorerApi>(EXTENSION_ID)!.activate();
    other = await ZkClient.connect({ connectString });
    await other.create(base);
    await other.create(`${base}/config`, Buffer.from('{"a":1}'));
    await other.create(`${base}/config/one`);
    await other.create(`${base}/config/two`);
    await run(COMMANDS.addConnection, { name, connectString });
    await run(COMMANDS.connect, { connection: name });
  });

  after(async () => {
    await run(COMMANDS.removeConnection, { connection: name });
    await deleteTree(other, base);
    await other.close();
  });

  it('runs in a VS Code whose display language is zh-cn', () => {
    // Everything below depends on it: were it English, the Chinese sentences could not be seen at all.
    assert.equal(vscode.env.language, 'zh-cn');
  });

  it('command titles, the category, view names and a setting come from package.nls.zh-cn.json', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: {
        commands: { command: string; title: unknown; category: unknown }[];
        views: Record<string, { id: string; name: unknown }[]>;
        configuration: { properties: Record<string, { description?: unknown; markdownDescription?: unknown }> };
      };
    };
    const command = (id: string): { command: string; title: unknown; category: unknown } => manifest.contributes.commands.find((c) => c.command === id)!;
    // A localized command title keeps its English original (the palette matches either).
    assert.deepEqual(shown(command(COMMANDS.connect).title), { value: '连接', original: 'Connect' });
    assert.deepEqual(shown(command(COMMANDS.addConnection).title), { value: '添加连接…', original: 'Add Connection…' });
    assert.equal(shown(command(COMMANDS.deleteNode).title).value, '删除节点…');
    assert.equal(shown(command(COMMANDS.watch).title).value, '监听…');
    const views = Object.values(manifest.contributes.views).flat();
    assert.equal(shown(views.find((v) => v.id === 'zookeeper.explorer')!.name).value, '资源管理器');
    assert.equal(shown(views.find((v) => v.id === 'zookeeper.coordination')!.name).value, '协调');
    assert.equal(shown(manifest.contributes.configuration.properties['zookeeper.tree.live'].description).value, '当服务器上的子节点发生变化时，自动刷新资源管理器中已展开的节点。');
  });

  it('the explorer: a connection row, a node row and its tooltip in Chinese', async () => {
    const connectionNode = (await api.explorer.getChildren()).find((n) => n.kind === 'connection' && n.connection.name === name)!;
    const connectionRow = api.explorer.getTreeItem(connectionNode);
    assert.equal(connectionRow.description, `已连接 · ${connectString}`);
    assert.match(plain(connectionRow.tooltip), /状态：已连接/);

    const [root] = await api.explorer.getChildren(connectionNode);
    let config: ExplorerNode | undefined;
    await eventually(async () => {
      const folder = (await api.explorer.getChildren(root)).find((c) => text(api.explorer.getTreeItem(c).label) === base.slice(1));
      config = folder && (await api.explorer.getChildren(folder)).find((c) => text(api.explorer.getTreeItem(c).label) === 'config');
      return config !== undefined;
    }, 20000, `${base}/config in the tree`);
    const row = api.explorer.getTreeItem(config!);
    assert.equal(row.description, '2 个子节点 · 7 B');
    assert.equal(row.command?.title, '打开节点数据');
  });

  it('the status bar names the connection and its state in Chinese', async () => {
    await run(COMMANDS.switchConnection, { connection: name });
    await eventually(() => api.statusBar.shown.text.includes(name), 10000, 'the status bar shows the connection');
    assert.equal(api.statusBar.shown.text, `$(server-environment) ZooKeeper: ${name} (已连接)`);
    assert.match(api.statusBar.shown.tooltip, /单击以连接、断开连接或切换到其他连接/);
  });

  it('an error sentence comes back in Chinese, its placeholders filled', async () => {
    await assert.rejects(run(COMMANDS.deleteNode, { connection: name, path: '/zookeeper' }), {
      message: '“/zookeeper”属于 ZooKeeper 自身（根节点或 /zookeeper），不能删除。',
    });
    await assert.rejects(run(COMMANDS.goToPath, { connection: name, path: `${base}/missing` }), {
      message: `${name} 上没有节点 ${base}/missing。`,
    });
  });

  it("a ZooKeeper server's refusal, put into words by src/zk's translator, is Chinese too", async () => {
    // NODEEXISTS comes from the server; the sentence is made in src/zk (no vscode there), through the seam
    // activate() points at vscode.l10n.t.
    await assert.rejects(run(COMMANDS.createNode, { connection: name, path: `${base}/config` }), {
      message: `无法创建“${base}/config”：该路径上已存在节点。请换一个名称，或打开已有的节点。`,
    });
  });

  it('the Stat and ACL documents: explanations in Chinese, field names and ACL entries as ZooKeeper spells them', async () => {
    await run(COMMANDS.showStat, { connection: name, path: `${base}/config` });
    const stat = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.ok(stat.startsWith(`${name} 上“${base}/config”的节点状态 (Stat)\n读取于 `), stat);
    assert.match(stat, /^numChildren +2 +2 个子节点$/m);
    assert.match(stat, /^dataLength +7 +7 字节数据$/m);
    assert.match(stat, /^version +0 +数据更改过 0 次$/m);
    assert.match(stat, /^ephemeralOwner +0x0{16} +无：不是临时节点（持久节点、容器节点或 TTL 节点）$/m);
    assert.match(stat, /^czxid +0x[0-9a-f]{16} +由事务 epoch \d+，计数器 \d+ 创建$/m);

    await run(COMMANDS.showAcl, { connection: name, path: `${base}/config` });
    const acl = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.ok(acl.startsWith(`${name} 上“${base}/config”的访问控制列表 (ACL)（aversion 0）\n`), acl);
    assert.match(acl, /^world:anyone:cdrwa\n {4}任何人 可以创建子节点、删除子节点、读取数据并列出子节点、写入数据、更改访问控制列表 \(ACL\)（全部权限）$/m);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the hover of a path in a .zk script (made without vscode, through the seam) is Chinese', async () => {
    await api.language.start();
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'zke-zh-hover-'));
    const file = path.join(folder, 'hover.zk');
    fs.writeFileSync(file, `# connection: ${name}\nget ${base}/config\n`);
    try {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      await vscode.window.showTextDocument(document);
      let hover = '';
      await eventually(
        async () => {
          const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(1, 8));
          hover = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
          return hover.includes('**');
        },
        30000,
        'a hover on the path',
      );
      assert.ok(hover.includes(`${name} 上的 **${base}/config**`), hover);
      assert.ok(hover.includes('持久节点 · 版本 0 · 2 个子节点 · 7 字节 · 修改于 '), hover);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('the Cluster view: the connection summary, the server role and state, and the figure rows in Chinese', async () => {
    const cluster = api.cluster.provider;
    await cluster.refresh(name);
    const connection = (await cluster.getChildren()).find((n) => n.kind === 'clusterConnection' && n.connection === name)!;
    // A standalone server: its role stays a word the user reads (单机), its state too.
    assert.match(String(cluster.getTreeItem(connection).description), /^1\/1 正在提供服务 · 单机$/);
    const server = (await cluster.getChildren(connection)).find((n) => n.kind === 'clusterServer')!;
    assert.match(String(cluster.getTreeItem(server).description), /^单机 · 正在提供服务 · \d+\.\d+\.\d+$/);
    const figures = (await cluster.getChildren(server)).filter((n) => n.kind === 'clusterFigure').map((n) => {
      const item = cluster.getTreeItem(n);
      return `${text(item.label)}=${String(item.description)}`;
    });
    assert.ok(figures.some((f) => /^数据大小=\d/.test(f)), figures.join(' | '));
    assert.ok(figures.includes('来源=AdminServer (HTTP)') || figures.includes('来源=四字命令'), figures.join(' | '));
  });

  it('the coordination detail document (made by the extension itself) reads in Chinese', async () => {
    await run(COMMANDS.showCoordination, { connection: name, path: `${base}/config`, reveal: false });
    const document = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'zk-coordination' && d.uri.authority === name && d.uri.path.startsWith(`${base}/config`));
    assert.ok(document, 'the detail document is open');
    const lines = document.getText().split('\n');
    assert.equal(lines[0], `# ${base}/config：未识别出协调模式`);
    assert.match(lines[2], new RegExp(`^连接 \\*\\*${name}\\*\\*，读取于 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC。`));
  });

  it("opening binary data: zookeeper.openNode's result keeps the English reason and adds it in Chinese (reasonText)", async () => {
    await other.create(`${base}/blob`, Uint8Array.from([0x63, 0x61, 0x66, 0xe9]));
    await other.create(`${base}/nul`, Uint8Array.from([0x61, 0x00, 0x62]));
    const blob = await run<{ binary: boolean; reason?: string; reasonText?: string }>(COMMANDS.openNode, { connection: name, path: `${base}/blob` });
    assert.deepEqual([blob.binary, blob.reason, blob.reasonText], [true, 'is not valid UTF-8', '不是有效的 UTF-8']);
    const nul = await run<{ binary: boolean; reason?: string; reasonText?: string }>(COMMANDS.openNode, { connection: name, path: `${base}/nul` });
    assert.deepEqual([nul.binary, nul.reason, nul.reasonText], [true, 'contains control characters (such as NUL) that text does not have', '含有文本中不应出现的控制字符（如 NUL）']);
    const textual = await run<{ binary: boolean; reason?: string; reasonText?: string }>(COMMANDS.openNode, { connection: name, path: `${base}/config` });
    assert.deepEqual([textual.binary, textual.reason, textual.reasonText], [false, undefined, undefined]);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it("a lock holder's age in the coordination detail reads in Chinese units (formatAge)", async () => {
    // A kazoo lock: an ephemeral sequential <uuid>__lock__ child, held by the other client's session.
    await other.create(`${base}/lock`);
    await other.create(`${base}/lock/${'ab'.repeat(16)}__lock__`, null, { mode: 'ephemeralSequential' });
    await run(COMMANDS.showCoordination, { connection: name, path: `${base}/lock`, reveal: false });
    const document = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'zk-coordination' && d.uri.authority === name && d.uri.path.startsWith(`${base}/lock`));
    assert.ok(document, 'the detail document is open');
    const holder = document.getText().split('\n').find((line) => line.includes('已持有'));
    assert.ok(holder, document.getText());
    assert.match(holder, /，已持有 \d+(秒|分\d+秒|小时\d+分|天\d+小时)$/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it("an ensemble's quorum in Chinese (zookeeper.showEnsembleConfig's quorumText) beside the English quorum, and a reconfigure refusal in Chinese", async function () {
    this.timeout(180000); // a hang guard: three ZooKeeper servers start on a busy machine
    const ensemble = await zookeeper.startEnsemble({ install: true });
    const ensembleName = `${name}-ensemble`;
    try {
      await run(COMMANDS.addConnection, { name: ensembleName, connectString: ensemble.connectString });
      const config = await run<{ quorum: string; quorumText: string }>(COMMANDS.showEnsembleConfig, { connection: ensembleName });
      assert.deepEqual(
        [config.quorum, config.quorumText],
        ['3 voting members (quorum 2: it keeps serving with 1 voting member down)', '3 个有投票权的成员（法定人数 2：可容忍 1 个有投票权的成员宕机）'],
      );
      await assert.rejects(run(COMMANDS.reconfigure, { connection: ensembleName, remove: 7 }), (error: unknown) => error instanceof Error && error.message.includes('服务器 7 不在配置中（成员：1, 2, 3）。'));
    } finally {
      await run(COMMANDS.removeConnection, { connection: ensembleName });
      await ensemble.stop();
    }
  });

  it('the language server diagnoses a zoo.cfg in Chinese (started with the display language and the bundle)', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'zke-zh-'));
    const file = path.join(folder, 'zoo.cfg');
    fs.writeFileSync(file, ['tickTime=2000', 'dataDir=/var/lib/zookeeper', 'clientPort=2181', 'initLimt=10', ''].join('\n'));
    try {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      await vscode.window.showTextDocument(document);
      await eventually(() => vscode.languages.getDiagnostics(document.uri).length > 0, 30000, 'zoo.cfg diagnostics');
      const messages = vscode.languages.getDiagnostics(document.uri).map((d) => d.message);
      assert.ok(messages.includes('未知属性“initLimt”。你是否指的是“initLimit”？'), messages.join('\n'));
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
