// Runs as the extensionTestsPath of a window of its own (test/e2e/lazyLoading.e2e.test.ts), as another
// extension would: its FIRST use of ZooKeeper Explorer is one vscode.workspace.fs call on a zk:// address
// (ZKE_FIRST_USE names which), made while the extension is not active; then it makes the same call again,
// now that the extension is active and its provider answers in this extension host. It prints both
// outcomes (`ZK_FIRST_USE {...}`) for the e2e test to compare: the contract must not depend on which came first.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ZkClient } from '../../../src/zk/client';
import { deleteTree } from '../../../src/zk/subtree';

const EXTENSION_ID = 'zookeeper-explorer.zookeeper-explorer';

/** What a call did, comparable across the two calls: its value, or the error's code and message. */
type Outcome = { ok: unknown } | { error: string; code?: string };

async function outcome(call: () => Thenable<unknown>): Promise<Outcome> {
  try {
    return { ok: await call() };
  } catch (error) {
    const code = error instanceof vscode.FileSystemError ? error.code : undefined;
    return { error: error instanceof Error ? error.message : String(error), ...(code ? { code } : {}) };
  }
}

export async function run(): Promise<void> {
  const connectString = process.env.ZK_E2E_CONNECT;
  const op = process.env.ZKE_FIRST_USE;
  assert.ok(connectString, 'ZK_E2E_CONNECT names the demo ZooKeeper');
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  assert.equal(extension.isActive, false, 'nothing has activated the extension yet');
  const raw = await ZkClient.connect({ connectString });
  const scratch = `/zke-first-use-${process.pid}-${Date.now()}`;
  try {
    await raw.create(scratch, Buffer.from('before'), { mode: 'persistent' });
    await raw.create(`${scratch}/child`, Buffer.from('child'), { mode: 'persistent' });
    const text = (s: Uint8Array | undefined): string | undefined => (s ? Buffer.from(s).toString('utf8') : undefined);
    let round = 0;
    // Each round writes its own bytes, so a write that answers "ok" without writing shows.
    const calls: Record<string, () => Thenable<unknown>> = {
      stat: () => vscode.workspace.fs.stat(vscode.Uri.parse(`zk://demo${scratch}`)).then((s) => ({ type: s.type, size: s.size })),
      readDirectory: () => vscode.workspace.fs.readDirectory(vscode.Uri.parse(`zk://demo${scratch}`)),
      readFile: () => vscode.workspace.fs.readFile(vscode.Uri.parse(`zk://demo${scratch}`)).then(text),
      readFileText: () => vscode.workspace.fs.readFile(vscode.Uri.parse(`zk://demo${scratch}?view=text`)).then(text),
      readFileLeaf: () => vscode.workspace.fs.readFile(vscode.Uri.parse(`zk://demo${scratch}/child`)).then(text),
      writeFile: async () => {
        const bytes = `written ${++round}`;
        await vscode.workspace.fs.writeFile(vscode.Uri.parse(`zk://demo${scratch}`), Buffer.from(bytes));
        return (await raw.get(scratch)).data.toString('utf8') === bytes ? 'written' : 'not written';
      },
      createFile: async () => {
        const path = `${scratch}/created-${++round}`;
        await vscode.workspace.fs.writeFile(vscode.Uri.parse(`zk://demo${path}`), Buffer.from('new'));
        return (await raw.get(path)).data.toString('utf8') === 'new' ? 'created' : 'not created';
      },
      unknownConnection: () => vscode.workspace.fs.stat(vscode.Uri.parse(`zk://zke-no-such-connection${scratch}`)),
    };
    const call = op ? calls[op] : undefined;
    assert.ok(call, `ZKE_FIRST_USE names one of ${Object.keys(calls).join(', ')}: ${op}`);
    const first = await outcome(call);
    const activeAfterFirst = extension.isActive;
    const second = await outcome(call);
    console.log(`ZK_FIRST_USE ${JSON.stringify({ op, first, second, activeAfterFirst })}`);
  } finally {
    await deleteTree(raw, scratch).catch(() => undefined);
    await raw.close();
  }
}
