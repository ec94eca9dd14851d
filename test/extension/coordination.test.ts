import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ZooKeeperExplorerApi } from '../../src/extension/extension';
import { COMMANDS } from '../../src/extension/commandIds';
import { notARecipeSentence, renderDetail, type CoordinationDetail } from '../../src/extension/coordination/coordinationDetail';
import type { CoordinationNode } from '../../src/tree/coordinationItems';
import type { ServicesNode } from '../../src/tree/servicesProvider';
import { ZkClient } from '../../src/zk/client';
import { formatHex64 } from '../../src/zk/stat';
import { deleteTree } from '../../src/zk/subtree';
import { startParticipant, stopAllParticipants, type RecipeProcess } from '../support/recipes/participants';
import { eventually } from '../support/session';

const EXTENSION_ID = 'zookeeper-explorer.zookeeper-explorer';

interface ScanReply {
  visited: number;
  truncated: boolean;
  cancelled: boolean;
  missingRoots: string[];
  recipes: { path: string; kind: string; recipe: string | null; summary: string }[];
}

// Each test has its own folder of `base` with the same plain layout (beforeEach), points the
// Coordination and Services roots at it, starts the participants it needs and scans, so any one of
// them runs alone (ZKE_TEST_GREP) and none sees another's recipes. afterEach stops every
// participant; after() removes the connection, the settings and everything under `base`.
describe('the Coordination and Services views', function () {
  this.timeout(120000);
  const stamp = Date.now();
  const name = `coordination-${stamp}`;
  const base = `/ext-coordination-${stamp}`;
  const connectString = process.env.ZK_TEST_CONNECT!;
  let api: ZooKeeperExplorerApi;
  let probe: ZkClient;
  /** This test's own folder under `base`. */
  let dir: string;
  /** Clients of this test that own ephemeral nodes; closed after it. */
  const owners: ZkClient[] = [];
  const owner = async (): Promise<ZkClient> => {
    const client = await ZkClient.connect({ connectString });
    owners.push(client);
    return client;
  };
  const global = vscode.ConfigurationTarget.Global;

  const label = (item: vscode.TreeItem): string => `${typeof item.label === 'string' ? item.label : (item.label?.label ?? '')} ${typeof item.description === 'string' ? item.description : ''}`;
  const coordinationText = (node: CoordinationNode): string => label(api.coordination.provider.getTreeItem(node));
  const servicesText = (node: ServicesNode): string => label(api.coordination.services.getTreeItem(node));

  function recipeRows(): string[] {
    const connection = api.coordination.provider.getChildren().find((n) => n.kind === 'scanConnection' && n.connection.name === name)!;
    return api.coordination.provider.getChildren(connection).map(coordinationText);
  }
  function participantRows(path: string): string[] {
    const connection = api.coordination.provider.getChildren().find((n) => n.kind === 'scanConnection' && n.connection.name === name)!;
    const recipe = api.coordination.provider.getChildren(connection).find((n) => n.kind === 'recipe' && n.path === path);
    return recipe ? api.coordination.provider.getChildren(recipe).map(coordinationText) : [];
  }
  const scan = (): Thenable<ScanReply> => vscode.commands.executeCommand<ScanReply>(COMMANDS.scanCoordination, { connection: name });

  before(async () => {
    api = await vscode.extensions.getExtension<ZooKeeperExplorerApi>(EXTENSION_ID)!.activate();
    probe = await ZkClient.connect({ connectString });
    await probe.create(base);
    await vscode.commands.executeCommand(COMMANDS.addConnection, { name, connectString });
    await vscode.commands.executeCommand(COMMANDS.connect, { connection: name });
  });

  beforeEach(async function () {
    dir = `${base}/${this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 30)}`;
    await probe.create(dir);
    for (const p of ['locks', 'election', 'services', 'services/orders', 'services/billing', 'plain', 'plain/a', 'plain/a/b']) await probe.create(`${dir}/${p}`);
    await vscode.workspace.getConfiguration('zookeeper.coordination').update('roots', [dir, `${dir}/missing`], global);
    await vscode.workspace.getConfiguration('zookeeper.services').update('roots', [`${dir}/services`], global);
  });

  afterEach(async () => {
    await stopAllParticipants();
    await Promise.all(owners.splice(0).map((client) => client.close()));
  });

  after(async () => {
    await stopAllParticipants();
    await vscode.commands.executeCommand(COMMANDS.removeConnection, { connection: name });
    await vscode.workspace.getConfiguration('zookeeper.coordination').update('roots', undefined, global);
    await vscode.workspace.getConfiguration('zookeeper.services').update('roots', undefined, global);
    await deleteTree(probe, base);
    await probe.close();
  });

  /** A kazoo lock at `${dir}/locks/inventory` held by worker-1, with worker-2 waiting. */
  async function heldLock(): Promise<{ holder: RecipeProcess; waiter: RecipeProcess }> {
    const holder = await startParticipant({ library: 'kazoo', recipe: 'lock', path: `${dir}/locks/inventory`, id: 'worker-1', connectString });
    await holder.waitFor('acquired');
    const waiter = await startParticipant({ library: 'kazoo', recipe: 'lock', path: `${dir}/locks/inventory`, id: 'worker-2', connectString });
    await eventually(async () => (await probe.getChildren(`${dir}/locks/inventory`)).children.length === 2, 30000, 'two contenders for the lock');
    return { holder, waiter };
  }

  /** An instance of `${dir}/services/orders`, owned by a client of this test. */
  async function ordersInstance(): Promise<void> {
    await (await owner()).create(`${dir}/services/orders/instance-`, Buffer.from('{"host":"10.0.1.11","port":8080}'), { mode: 'ephemeralSequential' });
  }

  it('a scan finds a kazoo lock, a Curator leader latch and a service registry, nothing else, and says which roots are missing', async () => {
    await heldLock();
    const leader = await startParticipant({ library: 'curator', recipe: 'latch', path: `${dir}/election/scheduler`, id: 'node-a', connectString });
    await leader.waitFor('leader');
    await startParticipant({ library: 'curator', recipe: 'latch', path: `${dir}/election/scheduler`, id: 'node-b', connectString });
    await ordersInstance();

    const result = await scan();
    assert.deepEqual(result.missingRoots, [`${dir}/missing`]);
    assert.equal(result.cancelled, false);
    assert.equal(result.truncated, false);
    assert.deepEqual(
      result.recipes.map((r) => [r.path, r.kind]),
      [
        [`${dir}/election/scheduler`, 'leaderLatch'],
        [`${dir}/locks/inventory`, 'lock'],
        [`${dir}/services/orders`, 'serviceRegistry'],
      ],
    );
    const rows = recipeRows();
    assert.ok(rows.some((r) => r.includes(`${dir}/missing does not exist`)), rows.join(' | '));
    assert.ok(rows.some((r) => new RegExp(`^${dir}/locks/inventory lock: held by worker-1, 1 waiting`).test(r)), rows.join(' | '));
    assert.ok(rows.some((r) => new RegExp(`^${dir}/election/scheduler leader: node-a`).test(r)), rows.join(' | '));
    const contenders = participantRows(`${dir}/locks/inventory`);
    assert.ok(contenders.some((r) => /^worker-1 holds · #\d+ · up /.test(r)), contenders.join(' | '));
    assert.ok(contenders.some((r) => /^worker-2 waiting on worker-1 · #\d+/.test(r)), contenders.join(' | '));
  });

  it('a Curator mutex whose contenders share one host name each participant distinctly, and the tooltip carries the whole summary', async () => {
    // InterProcessMutex stores the client's IP address: 127.0.0.1 for both of these processes.
    const holder = await startParticipant({ library: 'curator', recipe: 'mutex', path: `${dir}/locks/orders`, id: 'a', connectString });
    await holder.waitFor('acquired');
    await startParticipant({ library: 'curator', recipe: 'mutex', path: `${dir}/locks/orders`, id: 'b', connectString });
    await eventually(async () => (await probe.getChildren(`${dir}/locks/orders`)).children.length === 2, 30000, 'two contenders for the mutex');
    for (const child of (await probe.getChildren(`${dir}/locks/orders`)).children) {
      assert.equal((await probe.get(`${dir}/locks/orders/${child}`)).data.toString(), '127.0.0.1', 'the data Curator wrote (what the rows would all be called)');
    }
    await scan();
    const rows = participantRows(`${dir}/locks/orders`);
    assert.equal(rows.length, 2, rows.join(' | '));
    const holds = rows.find((r) => / holds · /.test(r));
    const waits = rows.find((r) => / waiting on /.test(r));
    assert.ok(holds && waits, rows.join(' | '));
    const holderName = holds.slice(0, holds.indexOf(' holds · '));
    const waiterName = waits.slice(0, waits.indexOf(' waiting on '));
    assert.notEqual(holderName, waiterName, rows.join(' | '));
    assert.match(holderName, /^127\.0\.0\.1 #\d+$/);
    assert.match(waiterName, /^127\.0\.0\.1 #\d+$/);
    assert.ok(waits.startsWith(`${waiterName} waiting on ${holderName} · up `), `the waiter names the holder as its row does: ${rows.join(' | ')}`);
    // The sequence is not said twice.
    assert.doesNotMatch(waits, /· #\d+ ·/);

    const provider = api.coordination.provider;
    const connectionNode = provider.getChildren().find((n) => n.kind === 'scanConnection' && n.connection.name === name)!;
    const recipe = provider.getChildren(connectionNode).find((n) => n.kind === 'recipe' && n.path === `${dir}/locks/orders`)!;
    const recipeItem = provider.getTreeItem(recipe);
    // As rendered: appendText escapes Markdown and keeps runs of spaces as &nbsp;.
    const tooltip = (recipeItem.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
    assert.ok(tooltip.includes(String(recipeItem.description)), `the summary whole in the tooltip: ${tooltip}`);
    assert.ok(tooltip.includes(`${holderName}: holds`) && tooltip.includes(`${waiterName}: waiting on ${holderName}`), tooltip);
    const participant = provider.getChildren(recipe).find((n) => n.kind === 'participant' && coordinationText(n).startsWith(waiterName))!;
    const participantTip = provider.getTreeItem(participant).tooltip as string;
    assert.ok(participantTip.startsWith(`${waiterName} — waiting on ${holderName}`), participantTip);
  });

  it('Show Coordination Detail is on the explorer menu of a recognized recipe only; on anything else it says so in a sentence', async () => {
    const holder = await startParticipant({ library: 'kazoo', recipe: 'lock', path: `${dir}/locks/inventory`, id: 'worker-1', connectString });
    await holder.waitFor('acquired');
    const explorer = api.explorer;
    const connectionNode = (await explorer.getChildren()).find((n) => n.kind === 'connection' && n.connection.name === name)!;
    await explorer.getChildren(connectionNode);
    const connection = api.connections.require(name);
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { menus: Record<string, { command: string; when?: string }[]> } };
    const entry = manifest.contributes.menus['view/item/context'].find((m) => m.command === COMMANDS.showCoordination && /view == zookeeper\.explorer/.test(m.when ?? ''))!;
    const patterns = [...(entry.when ?? '').matchAll(/viewItem =~ \/(.+?)\/(?=\s|$|\))/g)].map((m) => new RegExp(m[1]));
    assert.ok(patterns.length > 0, entry.when);
    const offered = (path: string): boolean => patterns.every((re) => re.test(explorer.getTreeItem(explorer.znodeItem(connection, path, undefined)).contextValue ?? ''));
    // List the lock's parent: the explorer recognizes the lock among its children (in the background).
    await explorer.getChildren(explorer.znodeItem(connection, `${dir}/locks`, undefined));
    await explorer.getChildren(explorer.znodeItem(connection, dir, undefined));
    await eventually(() => offered(`${dir}/locks/inventory`), 15000, 'the menu entry on the recognized lock');
    assert.equal(offered(`${dir}/plain`), false, 'not on a plain node listed at the same time');
    // The explorer's tooltip repeats the summary whole (the row's description may be cut short).
    const lockNode = explorer.znodeItem(connection, `${dir}/locks/inventory`, undefined);
    const lockItem = explorer.resolveTreeItem(explorer.getTreeItem(lockNode), lockNode);
    const lockTip = (lockItem.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
    assert.ok(lockTip.includes('lock: held by worker-1, 0 waiting'), lockTip);
    assert.equal(offered(`${dir}/locks`), false, 'not on the folder of locks');
    // Run anyway (the command palette): a sentence, and the detail says the same.
    const detail = await vscode.commands.executeCommand<CoordinationDetail>(COMMANDS.showCoordination, { connection: name, path: `${dir}/plain`, reveal: false });
    assert.equal(detail.kind, 'unknown');
    assert.equal(notARecipeSentence(`${dir}/plain`, 1), `${dir}/plain is not a coordination recipe: its child does not follow the layout of any lock, election, latch, semaphore, queue, party or service registry that ZooKeeper Explorer knows. Nothing is guessed.`);
    const markdown = renderDetail(detail);
    assert.doesNotMatch(markdown, /Unrecognized pattern/);
    assert.ok(markdown.includes(`${dir}/plain is not a coordination recipe`), markdown);
  });

  it('the holder releases: the view shows the next waiter holding, without a new scan', async () => {
    const { holder, waiter } = await heldLock();
    await scan();
    assert.ok(recipeRows().some((r) => new RegExp(`^${dir}/locks/inventory lock: held by worker-1`).test(r)), recipeRows().join(' | '));
    // VS Code redraws the item objects it was given: the same object must show the change.
    const provider = api.coordination.provider;
    const connectionNode = provider.getChildren().find((n) => n.kind === 'scanConnection' && n.connection.name === name)!;
    const shown = provider.getChildren(connectionNode).find((n) => n.kind === 'recipe' && n.path === `${dir}/locks/inventory`)!;
    const redrawn = new Promise<void>((resolve) => {
      const sub = provider.onDidChangeTreeData((node) => {
        if (node === shown || node === undefined || node === connectionNode) {
          sub.dispose();
          resolve();
        }
      });
    });
    await holder.stop();
    await waiter.waitFor('acquired');
    await redrawn;
    await eventually(() => /lock: held by worker-2/.test(String(provider.getTreeItem(shown).description)), 15000, 'the shown item says worker-2 holds');
    await eventually(() => recipeRows().some((r) => new RegExp(`^${dir}/locks/inventory lock: held by worker-2`).test(r)), 15000, 'worker-2 holding');
    assert.ok(participantRows(`${dir}/locks/inventory`).every((r) => !r.startsWith('worker-1')));
  });

  it('the leader goes: the view shows the new leader', async () => {
    const first = await startParticipant({ library: 'curator', recipe: 'latch', path: `${dir}/election/scheduler`, id: 'node-a', connectString });
    await first.waitFor('leader');
    const second = await startParticipant({ library: 'curator', recipe: 'latch', path: `${dir}/election/scheduler`, id: 'node-b', connectString });
    await second.waitFor('ready');
    await scan();
    assert.ok(recipeRows().some((r) => new RegExp(`^${dir}/election/scheduler leader: node-a`).test(r)), recipeRows().join(' | '));
    await first.stop();
    await second.waitFor('leader');
    await eventually(() => recipeRows().some((r) => new RegExp(`^${dir}/election/scheduler leader: node-b`).test(r)), 15000, 'node-b leading');
  });

  it('a new lock next to a known one, and a registry that gets its first instance, show up without a rescan', async () => {
    await heldLock();
    await ordersInstance();
    await scan();
    const payments = await startParticipant({ library: 'kazoo', recipe: 'lock', path: `${dir}/locks/payments`, id: 'payer-1', connectString });
    await payments.waitFor('acquired');
    await eventually(() => recipeRows().some((r) => new RegExp(`^${dir}/locks/payments lock: held by payer-1`).test(r)), 15000, 'the new lock listed');
    await (await owner()).create(`${dir}/services/billing/instance-`, Buffer.from('10.0.2.9:9090'), { mode: 'ephemeralSequential' });
    await eventually(() => recipeRows().some((r) => new RegExp(`^${dir}/services/billing 1 instance`).test(r)), 15000, 'billing listed once it has an instance');
  });

  it("a participant's process dies (kill -9): its node and role vanish once the server expires its session", async () => {
    const holder = await startParticipant({ library: 'kazoo', recipe: 'lock', path: `${dir}/locks/inventory`, id: 'worker-1', connectString });
    await holder.waitFor('acquired');
    await scan();
    assert.equal(participantRows(`${dir}/locks/inventory`).length, 1);
    await holder.kill();
    await eventually(() => participantRows(`${dir}/locks/inventory`).length === 0, 30000, 'the dead holder gone');
    const rows = recipeRows();
    assert.ok(rows.some((r) => new RegExp(`^${dir}/locks/inventory kazoo Lock: no participants now`).test(r)), rows.join(' | '));
  });

  it('showCoordination returns the detail: holder, wait chain, sessions and the ephemeral nodes each owns', async () => {
    const lock = `${dir}/locks/zk-${stamp}`;
    const first = await startParticipant({ library: 'kazoo', recipe: 'lock', path: lock, id: 'alpha', connectString });
    await first.waitFor('acquired');
    const second = await startParticipant({ library: 'kazoo', recipe: 'lock', path: lock, id: 'beta', connectString });
    await eventually(async () => (await probe.getChildren(lock)).children.length === 2, 10000, 'two contenders');
    const detail = await vscode.commands.executeCommand<CoordinationDetail>(COMMANDS.showCoordination, { connection: name, path: lock, reveal: false });
    assert.equal(detail.kind, 'lock');
    assert.equal(detail.recipe, 'kazoo Lock');
    assert.deepEqual(detail.holders.map((h) => h.data), ['alpha']);
    assert.equal(detail.waiters.length, 1);
    assert.equal(detail.waiters[0].participant.data, 'beta');
    assert.equal(detail.waiters[0].waitsOn, detail.holders[0].path);
    assert.equal(detail.roles[detail.holders[0].path], 'holds: alpha');
    const bySession = new Map(detail.sessions.map((s) => [s.session, s]));
    for (const proc of [first, second]) {
      const entry = bySession.get(formatHex64(BigInt(proc.session)));
      assert.ok(entry, `session ${proc.session} listed`);
      assert.equal(entry.source, 'walk');
      assert.equal(entry.complete, true);
      assert.deepEqual(entry.ephemerals, [proc.node]);
    }
    const document = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'zk-coordination' && d.uri.path.startsWith(lock));
    assert.ok(document, 'the detail document is open');
    const text = document.getText();
    assert.match(text, /# kazoo Lock at /);
    assert.match(text, /## Wait chain/);
    assert.match(text, /beta.* waits on /);
    await first.stop();
    await second.stop();
  });

  it("showCoordination on a registry of this window's own session lists its ephemerals with getEphemerals", async () => {
    const registry = `${dir}/services/billing`;
    const created = await vscode.commands.executeCommand<{ path: string }>(COMMANDS.createNode, { connection: name, path: `${registry}/instance-`, data: '10.0.2.5:9090', mode: 'ephemeralSequential' });
    const detail = await vscode.commands.executeCommand<CoordinationDetail>(COMMANDS.showCoordination, { connection: name, path: registry, reveal: false });
    assert.equal(detail.kind, 'serviceRegistry');
    assert.equal(detail.participants[0].address, '10.0.2.5:9090');
    assert.equal(detail.sessions.length, 1);
    assert.equal(detail.sessions[0].own, true);
    assert.equal(detail.sessions[0].source, 'getEphemerals');
    assert.ok(detail.sessions[0].ephemerals.includes(created.path), detail.sessions[0].ephemerals.join(', '));
    await vscode.commands.executeCommand(COMMANDS.deleteNode, { connection: name, path: created.path });
  });

  it('showCoordination on a plain node says unknown and guesses nothing', async () => {
    const detail = await vscode.commands.executeCommand<CoordinationDetail>(COMMANDS.showCoordination, { connection: name, path: `${dir}/plain`, reveal: false });
    assert.equal(detail.kind, 'unknown');
    assert.deepEqual(detail.holders, []);
    assert.equal(detail.leader, null);
  });

  it('a scan can be cancelled: the view keeps what it found and says the scan was cancelled', async () => {
    await ordersInstance();
    await scan();
    const big = `${dir}/big`;
    await probe.create(big);
    for (let batch = 0; batch < 12; batch++) {
      await probe.multi(Array.from({ length: 500 }, (_, i) => ({ type: 'create' as const, path: `${big}/node-${batch}-${i}`, data: null })));
    }
    const connection = api.connections.get(name)!;
    const source = new vscode.CancellationTokenSource();
    let reports = 0;
    const result = await api.coordination.provider.scan(connection, source.token, () => {
      if (++reports === 1) source.cancel();
    });
    assert.ok(result, 'a result');
    assert.equal(result.cancelled, true);
    assert.ok(result.visited < 6000, `stopped early (${result.visited} visited)`);
    const rows = recipeRows();
    assert.ok(rows.some((r) => /^Scan cancelled after [\d,]+ znodes/.test(r)), rows.join(' | '));
    assert.ok(rows.some((r) => r.startsWith(`${dir}/services/orders `)), `the recipes found before are kept: ${rows.join(' | ')}`);
    // Scanning again finds everything again.
    const again = await scan();
    assert.equal(again.cancelled, false);
    assert.ok(again.visited > 6000);
    await deleteTree(probe, big);
  });

  it('the uptimes in the Services view tick while the view is visible, and nothing ticks while it is hidden', async () => {
    await ordersInstance();
    const services = api.coordination.services;
    const instanceRow = async (): Promise<{ text: string; seconds: number } | undefined> => {
      const connection = (await services.getChildren()).find((n) => n.kind === 'servicesConnection' && n.connection.name === name)!;
      const orders = (await services.getChildren(connection)).find((n) => n.kind === 'service' && n.path === `${dir}/services/orders`);
      const [instance] = orders ? await services.getChildren(orders) : [];
      if (!instance) return undefined;
      const text = servicesText(instance);
      const up = / up (?:(\d+)m )?(\d+)s$/.exec(text);
      return up ? { text, seconds: Number(up[1] ?? 0) * 60 + Number(up[2]) } : { text, seconds: -1 };
    };
    await vscode.commands.executeCommand('zookeeper.services.focus');
    await eventually(() => services.ticking, 15000, 'the uptimes ticking once the view shows');
    await eventually(async () => (await instanceRow())?.seconds !== undefined, 15000, 'the orders instance listed');
    const first = (await instanceRow())!;
    assert.ok(first.seconds >= 0, first.text);
    // A redraw of the orders service by the ticker, then its instance says it has been up longer
    // (from what was read: the instance was not read again).
    const redrawn = new Promise<void>((resolve) => {
      const sub = services.onDidChangeTreeData((node) => {
        if (node?.kind === 'service' && node.path === `${dir}/services/orders`) {
          sub.dispose();
          resolve();
        }
      });
    });
    await redrawn;
    await eventually(async () => ((await instanceRow())?.seconds ?? -1) > first.seconds, 15000, `a later uptime than "${first.text}"`);
    // Hidden: the timer is gone (not merely quiet).
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await eventually(() => !services.ticking, 15000, 'the ticker stopped with the view hidden');
    await vscode.commands.executeCommand('zookeeper.services.focus');
    await eventually(() => services.ticking, 15000, 'ticking again once the view shows again');
  });

  it('the Services view lists each service with its instances and follows them as they come and go', async () => {
    await ordersInstance();
    const services = api.coordination.services;
    const rows = async (): Promise<string[]> => {
      const connection = (await services.getChildren()).find((n) => n.kind === 'servicesConnection' && n.connection.name === name)!;
      const out: string[] = [];
      for (const service of await services.getChildren(connection)) {
        out.push(servicesText(service));
        for (const instance of await services.getChildren(service)) out.push(`  ${servicesText(instance)}`);
      }
      return out;
    };
    await eventually(async () => {
      const r = await rows();
      return r.some((x) => /^orders 1 instance up/.test(x)) && r.some((x) => /^ {2}10\.0\.1\.11:8080 instance-\d{10}/.test(x)) && r.some((x) => /^billing no instances up/.test(x));
    }, 10000, 'orders up with 1 instance, billing down');
    const billingOwner = await ZkClient.connect({ connectString });
    try {
      await billingOwner.create(`${dir}/services/billing/instance-`, Buffer.from('{"address":"10.0.2.7","port":9090}'), { mode: 'ephemeralSequential' });
      await eventually(() => services.instancesOf(name, `${dir}/services/billing`)?.length === 1, 10000, 'billing instance shown (live)');
      assert.ok((await rows()).some((x) => /^ {2}10\.0\.2\.7:9090/.test(x)));
      await billingOwner.create(`${dir}/services/payments`);
      await eventually(async () => (await rows()).some((x) => /^payments no instances up/.test(x)), 10000, 'a new service shown (live)');
    } finally {
      await billingOwner.close();
    }
    await eventually(() => services.instancesOf(name, `${dir}/services/billing`)?.length === 0, 10000, 'billing instance gone with its session');
  });
});
