import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sendFourLetterWord } from '../../zk/cluster/transport';
import { UserError } from '../../zk/errors';
import { waitUntil } from '../waitUntil';

/** The repository's package name: a folder with it and scripts/zk.js is a clone that can start the demo world. */
const REPOSITORY_PACKAGE = 'zookeeper-explorer';
/** How long ZooKeeper may take to answer once its start is under way (a first run installs it with apt). */
const START_GUARD_MS = 10 * 60_000;
/** A hang guard for the demo ZooKeeper's port to close after its stop; an honest stop takes a second or two. */
const STOP_GUARD_MS = 30_000;

export interface DemoOptions {
  /** The clone of the repository to run the demo from; default: the first workspace folder that is one. */
  folder?: string;
  /** The client port; default 2181. */
  port?: number;
  /** Where the demo keeps its state and data; default `<folder>/.sandbox` (what `npm run sandbox` uses). */
  sandboxDir?: string;
}

/** Whether a ZooKeeper answers on 127.0.0.1:port (a word refused by the whitelist is a ZooKeeper answering too). */
export async function zooKeeperAnswers(port: number): Promise<boolean> {
  const reply = await sendFourLetterWord({ host: '127.0.0.1', port }, 'srvr', 2000);
  return (reply.kind === 'ok' && /Zookeeper version/i.test(reply.text)) || reply.kind === 'notAllowed';
}

/** The clone of this repository among the workspace folders (or the folder given), else undefined. */
export function findRepository(folder?: string): string | undefined {
  const candidates = folder !== undefined ? [folder] : (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  for (const candidate of candidates) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(candidate, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === REPOSITORY_PACKAGE && fs.existsSync(path.join(candidate, 'scripts', 'zk.js'))) return candidate;
    } catch {
      // not a clone
    }
  }
  return undefined;
}

/**
 * The demo world of a clone: ZooKeeper started by scripts/zk.js and filled by scripts/seed.js (the
 * same parts `npm run sandbox` uses), in a task whose terminal shows what happens and keeps the
 * demo's recipe clients (locks, leaders) alive until it is stopped.
 */
export class DemoWorld implements vscode.Disposable {
  private execution: vscode.TaskExecution | undefined;
  private running: { folder: string; sandboxDir: string; port?: number } | undefined;

  /** Starts it and resolves with the connect string once ZooKeeper answers. */
  async start(folder: string, port: number | undefined, sandboxDir: string, token: vscode.CancellationToken): Promise<string> {
    if (this.execution) throw new UserError(vscode.l10n.t('The demo ZooKeeper is already starting or running in this window (see its terminal, "ZooKeeper demo world").'));
    const env = { ZKE_SANDBOX_DIR: sandboxDir };
    // npm ci only when the clone has no node_modules yet; seed.js keeps running (the recipe clients hold their locks).
    // Without a port zk.js takes 2181, or a free one when 2181 is taken by something else.
    const portOption = port !== undefined ? ` --port ${port}` : '';
    const command = `{ test -d node_modules || npm ci --no-audit --no-fund; } && node scripts/zk.js start${portOption} && node scripts/seed.js`;
    const task = new vscode.Task(
      { type: 'shell', task: 'zookeeper-demo' },
      vscode.TaskScope.Workspace,
      'ZooKeeper demo world',
      'ZooKeeper Explorer',
      new vscode.ShellExecution(command, { cwd: folder, env, executable: '/bin/sh', shellArgs: ['-c'] }),
    );
    task.isBackground = true;
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true };
    let exitCode: number | undefined;
    let ended = false;
    const endListener = vscode.tasks.onDidEndTaskProcess((event) => {
      if (event.execution.task === this.execution?.task || event.execution === this.execution) {
        ended = true;
        exitCode = event.exitCode;
      }
    });
    const running: { folder: string; sandboxDir: string; port?: number } = { folder, sandboxDir };
    this.running = running;
    try {
      this.execution = await vscode.tasks.executeTask(task);
      const stateFile = path.join(sandboxDir, 'zookeeper.json');
      let connectString: string | undefined;
      const answered = await waitUntil(
        async () => {
          if (token.isCancellationRequested) {
            await this.stop();
            throw new vscode.CancellationError();
          }
          if (ended) {
            this.execution = undefined;
            throw new UserError(
              exitCode === undefined
                ? vscode.l10n.t('The demo ZooKeeper did not start. Its terminal "ZooKeeper demo world" says why; a busy port, a missing Java runtime or no network for the first install are the usual causes.')
                : vscode.l10n.t(
                    'The demo ZooKeeper did not start (the task ended with exit code {0}). Its terminal "ZooKeeper demo world" says why; a busy port, a missing Java runtime or no network for the first install are the usual causes.',
                    exitCode,
                  ),
            );
          }
          // zk.js writes its state (the port it took) once the server runs; a demo already running keeps its own.
          const state = readState(stateFile);
          if (!state || !(await zooKeeperAnswers(state.port))) return false;
          running.port = state.port;
          connectString = state.connectString;
          return true;
        },
        START_GUARD_MS,
        500,
      );
      if (!answered || connectString === undefined) throw new UserError(vscode.l10n.t('The demo ZooKeeper did not answer within {0} minutes; its terminal "ZooKeeper demo world" says why.', START_GUARD_MS / 60_000));
      return connectString;
    } finally {
      endListener.dispose();
    }
  }

  /** Stops the demo's clients (the task) and its ZooKeeper. */
  async stop(): Promise<boolean> {
    const running = this.running;
    const execution = this.execution;
    this.execution = undefined;
    this.running = undefined;
    if (!running) return false;
    execution?.terminate();
    await runNode(running.folder, ['scripts/zk.js', 'stop'], { ZKE_SANDBOX_DIR: running.sandboxDir });
    // zk.js stop returns once the JVM's PID is gone or going; the port is what the user (and the next start) meets:
    // stopped means it refuses connections. Terminating the task can make the JVM start exiting first.
    const port = running.port;
    if (port !== undefined) await waitUntil(async () => !(await acceptsConnections(port)), STOP_GUARD_MS, 100);
    return true;
  }

  dispose(): void {
    void this.stop();
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:`port` (false: refused). */
function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** What scripts/zk.js wrote about the server it started. */
function readState(stateFile: string): { connectString: string; port: number } | undefined {
  try {
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { connectString?: unknown; port?: unknown };
    return typeof state.connectString === 'string' && typeof state.port === 'number' ? { connectString: state.connectString, port: state.port } : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `node <args>` in a folder and waits for it (the stop of zk.js is quick). */
function runNode(cwd: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise<void>((resolve) => {
    const child = spawn('node', args, { cwd, env: { ...process.env, ...env }, stdio: 'ignore' });
    child.on('error', () => resolve());
    child.on('exit', () => resolve());
  });
}
