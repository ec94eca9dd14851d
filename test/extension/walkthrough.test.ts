import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ZkClient } from '../../src/zk/client';
import { eventually } from '../support/session';

const EXTENSION_ID = 'zookeeper-explorer.zookeeper-explorer';

interface DemoResult {
  connection: string;
  connectString: string;
  started: boolean;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** True when something accepts connections on the port (false: refused). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Runs a command from outside, as a task or another extension does; resolves with its error message when it fails. */
async function failureOf(command: string, arg: unknown): Promise<string> {
  try {
    await vscode.commands.executeCommand(command, arg);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  assert.fail(`${command} ${JSON.stringify(arg)} succeeded`);
}

describe('the walkthrough commands (zookeeper.startDemo, stopDemo, newScript, openWalkthrough)', function () {
  this.timeout(120_000);
  const connectString = process.env.ZK_TEST_CONNECT!;
  const added: string[] = [];
  let root: string;

  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    await extension.activate();
    root = extension.extensionPath; // the clone under test: it has scripts/zk.js
  });

  after(async () => {
    await vscode.commands.executeCommand('zookeeper.stopDemo');
    for (const connection of added) await vscode.commands.executeCommand('zookeeper.removeConnection', { connection }).then(undefined, () => undefined);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor').then(undefined, () => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('contributes a walkthrough whose steps each have a light and a dark image, and opens it', async () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { walkthroughs: { id: string; steps: { id: string; completionEvents: string[]; media: { image: Record<string, string> } }[] }[] };
    };
    const [walkthrough] = manifest.contributes.walkthroughs;
    assert.equal(walkthrough.id, 'zookeeper.gettingStarted');
    assert.deepEqual(
      walkthrough.steps.map((s) => s.id),
      ['connect', 'browse', 'save', 'watch', 'coordination', 'script'],
    );
    for (const step of walkthrough.steps) {
      assert.ok(step.completionEvents.length > 0, `${step.id} completes by itself`);
      for (const theme of ['light', 'dark']) assert.ok(fs.existsSync(path.join(root, step.media.image[theme])), `${step.id}: ${step.media.image[theme]}`);
    }
    await vscode.commands.executeCommand('zookeeper.openWalkthrough');
  });

  it('New ZooKeeper Script opens a sample that only reads, for the first connection', async () => {
    const name = `walkthrough-${Date.now()}`;
    await vscode.commands.executeCommand('zookeeper.addConnection', { name, connectString });
    added.push(name);
    const { uri } = await vscode.commands.executeCommand<{ uri: string }>('zookeeper.newScript');
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    assert.ok(document, 'the script is open');
    assert.equal(document.languageId, 'zookeeper-script');
    const first = (vscode.workspace.getConfiguration('zookeeper').get<{ name: string }[]>('connections') ?? [])[0]?.name;
    assert.match(document.getText(), new RegExp(`^# connection: ${first}$`, 'm'));
    const commands = document.getText().split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.split(' ')[0]);
    assert.deepEqual(commands.filter((c) => !['ls', 'stat', 'get', 'getAcl'].includes(c)), [], 'nothing in the sample writes');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('refuses what it cannot do with a sentence: a folder that is no clone, a bad port', async () => {
    const notAClone = fs.mkdtempSync(path.join(os.tmpdir(), 'zke-not-a-clone-'));
    try {
      assert.match(await failureOf('zookeeper.startDemo', { folder: notAClone }), /is not a clone of the ZooKeeper Explorer repository/);
    } finally {
      fs.rmSync(notAClone, { recursive: true, force: true });
    }
    assert.match(await failureOf('zookeeper.startDemo', { port: 'x' }), /port must be a whole number from 1 to 65535, got "x"/);
    assert.match(await failureOf('zookeeper.startDemo', { port: 70000 }), /got 70000/);
  });

  it('connects to a ZooKeeper that already answers instead of starting one', async () => {
    const port = Number(connectString.split(':').pop());
    const result = await vscode.commands.executeCommand<DemoResult>('zookeeper.startDemo', { port });
    assert.equal(result.started, false);
    assert.equal(result.connectString, `127.0.0.1:${port}`);
    if (!added.includes(result.connection)) added.push(result.connection);
    const connections = vscode.workspace.getConfiguration('zookeeper').get<{ name: string; connectString: string }[]>('connections') ?? [];
    assert.ok(connections.some((c) => c.name === result.connection && c.connectString === result.connectString), 'a connection to it is in the settings');
  });

  it('starts the demo world from the clone, connects to it, and stops it', async function () {
    this.timeout(600_000); // a first run may install ZooKeeper and the recipe clients
    const port = await freePort();
    const sandboxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zke-demo-'));
    try {
      const result = await vscode.commands.executeCommand<DemoResult>('zookeeper.startDemo', { folder: root, port, sandboxDir });
      added.push(result.connection);
      assert.equal(result.started, true);
      assert.equal(result.connectString, `127.0.0.1:${port}`);
      assert.ok(fs.existsSync(path.join(sandboxDir, 'zookeeper.json')), 'the demo kept its state in the folder given, not in the clone');
      // The seed fills the world after ZooKeeper answers: the demo's nodes appear, read by another client.
      const probe = await ZkClient.connect({ connectString: result.connectString });
      try {
        const has = async (check: () => Promise<boolean>): Promise<boolean> => check().catch(() => false);
        await eventually(() => has(async () => (await probe.get('/config/app')).data.length > 0), 240_000, 'the demo configuration');
        await eventually(() => has(async () => (await probe.getChildren('/locks/inventory')).children.length >= 2), 120_000, 'the lock holder and its waiter');
      } finally {
        await probe.close();
      }
      const { stopped } = await vscode.commands.executeCommand<{ stopped: boolean }>('zookeeper.stopDemo');
      assert.equal(stopped, true);
      assert.equal(await listening(port), false, 'the demo ZooKeeper is stopped');
      const again = await vscode.commands.executeCommand<{ stopped: boolean }>('zookeeper.stopDemo');
      assert.equal(again.stopped, false, 'nothing left to stop');
    } finally {
      await vscode.commands.executeCommand('zookeeper.stopDemo');
      fs.rmSync(sandboxDir, { recursive: true, force: true });
    }
  });
});
