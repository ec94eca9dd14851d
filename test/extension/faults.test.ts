import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ZooKeeperExplorerApi } from '../../src/extension/extension';
import { COMMANDS } from '../../src/extension/commandIds';
import type { DeleteResult } from '../../src/extension/commands/deleteNode';
import { ZkClient } from '../../src/zk/client';
import { deleteTree } from '../../src/zk/subtree';
import { OpCode } from '../../src/zk/wire/protocol';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';
import { eventually } from '../support/session';

// Network faults made on purpose (a TCP fault proxy between the extension and the real ZooKeeper)
// in the middle of what a user does: a recursive delete, a save; and a change made while the user
// had disconnected. Every test has its own connection and nodes, and removes them.

const EXTENSION_ID = 'zookeeper-explorer.zookeeper-explorer';

function run<T>(command: string, args: Record<string, unknown>): Promise<T> {
  return Promise.resolve(vscode.commands.executeCommand<T>(command, args));
}

/**
 * The operation timeout these tests set (zookeeper.operationTimeout, seconds). A request lost in a
 * partition fails only when it runs out: the default 20 s would be waited out once per test, and
 * what these tests check (what is left, what the messages say) does not depend on its length.
 */
const OPERATION_TIMEOUT_S = 3;

/** Sets zookeeper.operationTimeout and waits until the extension host reads the new value. */
async function setOperationTimeout(seconds: number | undefined): Promise<void> {
  const config = () => vscode.workspace.getConfiguration('zookeeper');
  await config().update('operationTimeout', seconds, vscode.ConfigurationTarget.Global);
  await eventually(() => config().get<number>('operationTimeout') === (seconds ?? 20), 10000, `zookeeper.operationTimeout = ${String(seconds)}`);
}

describe('faults: partitions during a delete and a save, changes while disconnected', function () {
  // Hang guard: a stopped deletion waits for the extension's operation timeout (3 s here).
  this.timeout(180000);
  const connectString = process.env.ZK_TEST_CONNECT!;
  let api: ZooKeeperExplorerApi;
  let other: ZkClient;
  let proxy: FaultProxy;
  let name: string;
  let base: string;

  before(async () => {
    api = await vscode.extensions.getExtension<ZooKeeperExplorerApi>(EXTENSION_ID)!.activate();
    other = await ZkClient.connect({ connectString });
    await setOperationTimeout(OPERATION_TIMEOUT_S);
  });

  after(async () => {
    await setOperationTimeout(undefined);
    await other.close();
  });

  beforeEach(async function () {
    const stamp = `${this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 24)}-${Date.now()}`;
    name = `faults-${stamp}`;
    base = `/ext-faults-${stamp}`;
    proxy = await startFaultProxy(connectString);
  });

  afterEach(async () => {
    await run(COMMANDS.removeConnection, { connection: name }).catch(() => undefined);
    await proxy.close();
    await deleteTree(other, base);
  });

  /** A connection through the proxy with the longest session the server grants (40 s): the operation timeout comes first. */
  const addProxiedConnection = async (): Promise<void> => {
    await run(COMMANDS.addConnection, { name, connectString: proxy.connectString, sessionTimeoutMs: 40000 });
    await run(COMMANDS.connect, { connection: name });
  };

  /** Creates base, 4 children with 25 children each: 105 nodes, parents first. */
  const createTree = async (): Promise<string[]> => {
    const all = [base];
    await other.create(base);
    for (let i = 0; i < 4; i++) {
      const child = `${base}/c${i}`;
      await other.create(child);
      all.push(child);
      await Promise.all(Array.from({ length: 25 }, (_, j) => other.create(`${child}/n${j}`)));
      all.push(...Array.from({ length: 25 }, (_, j) => `${child}/n${j}`));
    }
    return all;
  };

  /**
   * Black-holes the proxy the moment the `n`th request that deletes reaches it (that request is
   * dropped): a delete, or a multi (a subtree's nodes are deleted in batches, at least three requests
   * here: leaves, their parents, the root).
   */
  const partitionAtDelete = (n: number): void => {
    const sub = proxy.onClientData(() => {
      if (proxy.requestsSent(OpCode.delete) + proxy.requestsSent(OpCode.multi) >= n) {
        sub.dispose();
        proxy.blackHole();
      }
    });
  };

  /** The nodes of `all` that still exist, seen by another client once the extension's connection is closed (nothing of it can arrive later). */
  const leftOnServer = async (all: string[]): Promise<string[]> => {
    await run(COMMANDS.disconnect, { connection: name });
    proxy.pass();
    const exists = await Promise.all(all.map(async (p) => ((await other.exists(p)) ? p : undefined)));
    return exists.filter((p): p is string => p !== undefined);
  };

  it('a partition during a recursive delete (the delete command): it stops, and the result names every node left', async () => {
    const all = await createTree();
    await addProxiedConnection();
    partitionAtDelete(2);
    const result = await run<DeleteResult>(COMMANDS.deleteNode, { connection: name, path: base, recursive: true });
    assert.equal(proxy.mode, 'blackhole', 'the partition came during the deletion');
    const left = await leftOnServer(all);
    assert.equal(result.total, all.length);
    assert.equal(result.cancelled, false);
    assert.ok(left.length > 0 && left.includes(base), `left: ${left.length}`);
    const failed = new Map(result.failed.map((f) => [f.path, f]));
    assert.equal(failed.size, result.failed.length, 'each node named once');
    for (const path of left) assert.ok(failed.has(path), `${path} is left and named in the result`);
    // A delete sent before the partition whose answer was lost may have been applied: reported as not
    // deleted, with a message that says it may have been. No other reported node is gone.
    const goneButFailed = result.failed.filter((f) => !left.includes(f.path));
    for (const failure of goneButFailed) assert.match(failure.message, /may still be applied|check whether the change was applied/, failure.message);
    assert.equal(result.deleted + goneButFailed.length, all.length - left.length);
    assert.ok(
      result.failed.some((f) => f.message.includes(`no answer from ZooKeeper within ${OPERATION_TIMEOUT_S * 1000} ms`)),
      result.failed.map((f) => f.message).join('\n'),
    );
  });

  it('a partition during workspace.fs.delete (recursive): the error says how many nodes were deleted and how many were not', async () => {
    const all = await createTree();
    await addProxiedConnection();
    partitionAtDelete(2);
    const uri = vscode.Uri.from({ scheme: 'zk', authority: name, path: base });
    let message = '';
    try {
      await vscode.workspace.fs.delete(uri, { recursive: true });
      assert.fail('the delete succeeded through a partition');
    } catch (error) {
      assert.ok(error instanceof vscode.FileSystemError, String(error));
      message = error.message;
    }
    const left = await leftOnServer(all);
    const match = /Deleted (\d+) of (\d+) nodes under "([^"]+)"; (\d+) could not be deleted\. First: (.*)/s.exec(message);
    assert.ok(match, message);
    const [deleted, total, under, notDeleted] = [Number(match[1]), Number(match[2]), match[3], Number(match[4])];
    assert.equal(under, base);
    assert.equal(total, all.length);
    assert.equal(deleted + notDeleted, total, 'every node is counted once, deleted or not');
    assert.ok(left.length > 0 && left.length <= notDeleted, `${left.length} left, ${notDeleted} reported not deleted`);
    // Nodes counted as not deleted that are gone anyway: only those of the one deleting request that
    // passed before the partition (the second is dropped with its chunk) and whose answer was lost.
    // That request is a multi batch of leaves (src/zk/subtree.ts DELETE_BATCH_OPS): at most the 100
    // leaves, never the base or a parent (a parent is deleted after its children's answer). The bound
    // was 32, one node per request in flight, before deletes were batched: 50 was seen on main.
    assert.ok(total - left.length - deleted <= 100, `${total - left.length - deleted} deletes of unknown outcome`);
    assert.match(match[5], new RegExp(`no answer from ZooKeeper within ${OPERATION_TIMEOUT_S * 1000} ms|may still be applied|check whether the change was applied`));
  });

  it('a partition during a save (zk:// writeFile): the save fails saying it may not have been applied; nothing was written, and saving again works', async () => {
    const node = `${base}`;
    await other.create(node, Buffer.from('before'));
    await addProxiedConnection();
    const uri = vscode.Uri.from({ scheme: 'zk', authority: name, path: node });
    assert.equal(Buffer.from(await vscode.workspace.fs.readFile(uri)).toString(), 'before');
    // A change of the setting applies to the next request of a connection already open.
    await setOperationTimeout(2);
    const sub = proxy.onClientData(() => {
      if (proxy.requestsSent(OpCode.setData) >= 1) {
        sub.dispose();
        proxy.blackHole();
      }
    });
    let message = '';
    try {
      await vscode.workspace.fs.writeFile(uri, Buffer.from('during the partition'));
      assert.fail('the save succeeded through a partition');
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    assert.equal(proxy.mode, 'blackhole', 'the partition came with the save');
    assert.match(message, /no answer from ZooKeeper within 2000 ms.*may still be applied/s);
    // The request was dropped by the partition: the node is unchanged, and the error said it might be.
    await run(COMMANDS.disconnect, { connection: name });
    proxy.pass();
    const after = await other.get(node);
    assert.equal(after.data.toString(), 'before');
    assert.equal(after.stat.version, 0);
    await run(COMMANDS.connect, { connection: name });
    await vscode.workspace.fs.writeFile(uri, Buffer.from('saved again'));
    const saved = await other.get(node);
    assert.deepEqual([saved.data.toString(), saved.stat.version], ['saved again', 1]);
    await setOperationTimeout(OPERATION_TIMEOUT_S);
  });

  it('a change made while the user had disconnected (the Disconnect and Connect commands) is reported as changed while disconnected', async () => {
    const node = `${base}`;
    await other.create(node, Buffer.from('v0'));
    await run(COMMANDS.addConnection, { name, connectString });
    await run(COMMANDS.connect, { connection: name });
    const events = () => api.watches.service.log.entries().filter((e) => e.connection === name && e.path === node);
    const watched = () => api.watches.service.list().find((w) => w.connection === name && w.spec.path === node);
    await run(COMMANDS.watch, { connection: name, path: node, kind: 'data' });
    await eventually(() => watched()?.connected === true, 20000, 'the watch set');
    await run(COMMANDS.disconnect, { connection: name });
    assert.equal(watched()?.connected, false);
    await other.set(node, Buffer.from('v1 while disconnected'));
    await run(COMMANDS.connect, { connection: name });
    await eventually(() => events().some((e) => e.type === 'dataChanged' && e.after?.version === 1), 20000, 'the change made while disconnected');
    const [change] = events().filter((e) => e.type === 'dataChanged');
    assert.equal(change.detectedBy, 'reconnect', JSON.stringify(change, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    assert.equal(change.before?.version, 0);
    assert.equal(Buffer.from(change.before?.data ?? []).toString(), 'v0');
    assert.equal(Buffer.from(change.after?.data ?? []).toString(), 'v1 while disconnected');
    // And the watch is live again: the next change is an event, found after the one made while disconnected.
    await other.set(node, Buffer.from('v2'));
    await eventually(() => events().some((e) => e.after?.version === 2), 20000, 'the next change');
    assert.equal(events().find((e) => e.after?.version === 2)?.detectedBy, 'event');
    await run(COMMANDS.unwatch, { connection: name, path: node });
  });
});
