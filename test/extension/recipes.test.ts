import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ZooKeeperExplorerApi } from '../../src/extension/extension';
import { COMMANDS } from '../../src/extension/commandIds';
import type { ExplorerNode } from '../../src/tree/explorerItems';
import { ZkClient } from '../../src/zk/client';
import { startParticipant, stopAllParticipants } from '../support/recipes/participants';
import { eventually } from '../support/session';

const EXTENSION_ID = 'zookeeper-explorer.zookeeper-explorer';

describe('recognized recipes in the explorer', function () {
  this.timeout(60000);
  const stamp = Date.now();
  const name = `recipes-${stamp}`;
  const base = `/ext-recipes-${stamp}`;
  const connectString = process.env.ZK_TEST_CONNECT!;
  let api: ZooKeeperExplorerApi;
  let probe: ZkClient;

  const text = (node: ExplorerNode): string => {
    const item = api.explorer.getTreeItem(node);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    return `${label} ${typeof item.description === 'string' ? item.description : ''}`;
  };
  async function shown(path: string): Promise<ExplorerNode[]> {
    const connectionNode = (await api.explorer.getChildren()).find((n) => n.kind === 'connection' && n.connection.name === name)!;
    let [node] = await api.explorer.getChildren(connectionNode);
    for (const segment of path.split('/').filter(Boolean)) {
      const next = (await api.explorer.getChildren(node)).find((c) => c.kind === 'znode' && text(c).startsWith(`${segment} `));
      assert.ok(next, `${segment} is shown`);
      node = next;
    }
    return api.explorer.getChildren(node);
  }

  before(async () => {
    api = await vscode.extensions.getExtension<ZooKeeperExplorerApi>(EXTENSION_ID)!.activate();
    await vscode.commands.executeCommand(COMMANDS.addConnection, { name, connectString });
    probe = await ZkClient.connect({ connectString });
    await probe.create(base);
  });

  after(async () => {
    await stopAllParticipants();
    await vscode.commands.executeCommand(COMMANDS.removeConnection, { connection: name });
    await probe.close();
  });

  it('a kazoo lock says who holds it and who waits on whom; the tree follows a release', async () => {
    const lock = `${base}/locks/inventory`;
    const holder = await startParticipant({ library: 'kazoo', recipe: 'lock', path: lock, id: 'worker-1', connectString });
    await holder.waitFor('acquired');
    const waiter = await startParticipant({ library: 'kazoo', recipe: 'lock', path: lock, id: 'worker-2', connectString });
    await vscode.commands.executeCommand(COMMANDS.refresh, { connection: name, path: base });
    await eventually(async () => (await shown(`${base}/locks`)).some((n) => /^inventory lock: held by worker-1, 1 waiting/.test(text(n))), 10000, 'the lock summary');
    const contenders = (await shown(lock)).map(text);
    assert.ok(contenders.some((t) => /holds: worker-1/.test(t)), contenders.join(' | '));
    assert.ok(contenders.some((t) => /waiting on /.test(t)), contenders.join(' | '));
    await holder.stop();
    await waiter.waitFor('acquired');
    await eventually(async () => (await shown(`${base}/locks`)).some((n) => /^inventory lock: held by worker-2/.test(text(n))), 10000, 'the new holder (live tree)');
  });

  it('a service registry counts its instances and shows their addresses', async () => {
    const registry = `${base}/services/orders`;
    await probe.create(`${base}/services`);
    await probe.create(registry);
    const owner = await ZkClient.connect({ connectString });
    try {
      await owner.create(`${registry}/instance-`, Buffer.from('{"host":"10.0.1.11","port":8080}'), { mode: 'ephemeralSequential' });
      await owner.create(`${registry}/instance-`, Buffer.from('10.0.1.12:8080'), { mode: 'ephemeralSequential' });
      await vscode.commands.executeCommand(COMMANDS.refresh, { connection: name, path: base });
      await eventually(async () => (await shown(`${base}/services`)).some((n) => /^orders 2 instances/.test(text(n))), 10000, 'the registry summary');
      const instances = (await shown(registry)).map(text);
      assert.ok(instances.some((t) => /instance: 10\.0\.1\.11:8080/.test(t)), instances.join(' | '));
    } finally {
      await owner.close();
    }
  });
});
