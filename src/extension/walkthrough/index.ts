import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { UserError } from '../../zk/errors';
import { COMMANDS, VIEW_EXPLORER } from '../commandIds';
import { registerCommand } from '../commands/registerCommand';
import type { ConnectionManager } from '../connections/connectionManager';
import type { Logger } from '../logging';
import { DemoWorld, findRepository, zooKeeperAnswers, type DemoOptions } from './demo';

export const WALKTHROUGH_ID = 'zookeeper.gettingStarted';
/** Context keys the walkthrough's steps complete on (package.json, completionEvents). */
const CONTEXT_CONNECTED = 'zookeeper.walkthrough.connected';
const CONTEXT_OPENED = 'zookeeper.walkthrough.openedNode';
const CONTEXT_SAVED = 'zookeeper.walkthrough.savedNode';
const SHOWN_KEY = 'zookeeper.walkthroughShown';
const DEFAULT_PORT = 2181;

/** A sample script for the walkthrough's last step: it only reads, so it is safe on any cluster. */
function sampleScript(connection: string | undefined): string {
  return [
    // The first line is read back by the language server: it stays English, only the comments below are translated.
    `# connection: ${connection ?? 'demo'}`,
    '# ' + vscode.l10n.t('A ZooKeeper script: zkCli commands, one per line, with completion of paths and checks as you type.'),
    '# ' + vscode.l10n.t('Run it all with the ▷ button in the title bar, or one line with the "{0}" above it.', vscode.l10n.t('Run')),
    '# ' + vscode.l10n.t('This one only reads; try create, set and delete on a cluster of your own.'),
    'ls /',
    'stat /',
    'getAcl /',
    '',
  ].join('\n');
}

export function registerWalkthrough(context: vscode.ExtensionContext, log: Logger, connections: ConnectionManager): void {
  const subscriptions = context.subscriptions;
  const demo = new DemoWorld();
  subscriptions.push(demo);

  // Steps that complete on what the user did, not on a button: connecting, opening a node, saving one.
  // Each key only ever goes from unset to true on the user's action: VS Code completes a step on a
  // change of its context, and one already true when the walkthrough is registered never completes.
  const isNode = (document: vscode.TextDocument): boolean => document.uri.scheme === 'zk';
  const marked = new Set<string>();
  const mark = (key: string): void => {
    if (marked.has(key)) return;
    marked.add(key);
    void vscode.commands.executeCommand('setContext', key, true);
  };
  subscriptions.push(
    connections.onDidChangeConnection((connection) => {
      if (connection.status === 'connected' || connection.status === 'readOnly') mark(CONTEXT_CONNECTED);
    }),
    vscode.workspace.onDidOpenTextDocument((document) => {
      if (isNode(document)) mark(CONTEXT_OPENED);
    }),
    vscode.workspace.onDidSaveTextDocument((document) => {
      if (isNode(document)) mark(CONTEXT_SAVED);
    }),
  );

  registerCommand(subscriptions, log, COMMANDS.openWalkthrough, async () => {
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#${WALKTHROUGH_ID}`, false);
  });

  registerCommand(subscriptions, log, COMMANDS.startDemo, async (arg?: unknown) => {
    const options = demoOptions(arg);
    const port = options.port ?? DEFAULT_PORT;
    let connectString: string;
    let started = false;
    if (options.folder === undefined && (await zooKeeperAnswers(port))) {
      // One runs already (a sandbox, a container): connect to it rather than start another.
      connectString = `127.0.0.1:${port}`;
    } else {
      const folder = findRepository(options.folder);
      if (!folder) {
        throw new UserError(
          options.folder !== undefined
            ? vscode.l10n.t('{0} is not a clone of the ZooKeeper Explorer repository (no package.json named "zookeeper-explorer" with scripts/zk.js).', options.folder)
            : vscode.l10n.t(
                'No ZooKeeper answers on 127.0.0.1:{0}, and no folder of this window is a clone of the ZooKeeper Explorer repository to start the demo from. Start a ZooKeeper yourself (for example: docker run -p 2181:2181 zookeeper) and use Add Connection, or open a clone and run "npm run sandbox".',
                port,
              ),
        );
      }
      const sandboxDir = options.sandboxDir ?? path.join(folder, '.sandbox');
      connectString = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Starting the demo ZooKeeper (see the terminal "ZooKeeper demo world")…'), cancellable: true },
        (_progress, token) => demo.start(folder, options.port, sandboxDir, token),
      );
      started = true;
    }
    const existing = connections.list().find((c) => c.config.connectString === connectString);
    let name = existing?.name;
    if (!name) {
      const taken = new Set(connections.list().map((c) => c.name));
      const base = started ? 'demo' : 'local';
      name = base;
      for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
      await vscode.commands.executeCommand(COMMANDS.addConnection, { name, connectString });
    }
    await vscode.commands.executeCommand(COMMANDS.connect, { connection: name });
    await vscode.commands.executeCommand(`${VIEW_EXPLORER}.focus`);
    log.info(`${started ? 'Started the demo ZooKeeper' : 'Found a ZooKeeper'} at ${connectString}; connection "${name}"`);
    return { connection: name, connectString, started };
  });

  registerCommand(subscriptions, log, COMMANDS.stopDemo, async () => ({ stopped: await demo.stop() }));

  registerCommand(subscriptions, log, COMMANDS.newScript, async () => {
    const first = connections.list()[0]?.name;
    const document = await vscode.workspace.openTextDocument({ language: 'zookeeper-script', content: sampleScript(first) });
    await vscode.window.showTextDocument(document);
    return { uri: document.uri.toString() };
  });

  // A first run with nothing set up: show the walkthrough once (VS Code itself shows it after an install from the UI).
  const wanted = vscode.workspace.getConfiguration('zookeeper').get<boolean>('walkthrough.openOnFirstRun', true);
  if (wanted && !context.globalState.get<boolean>(SHOWN_KEY) && connections.list().length === 0) {
    void context.globalState.update(SHOWN_KEY, true);
    void vscode.commands.executeCommand(COMMANDS.openWalkthrough);
  }
}

function demoOptions(arg: unknown): DemoOptions {
  if (arg === undefined || arg === null) return {};
  if (typeof arg !== 'object' || Array.isArray(arg)) throw new UserError('zookeeper.startDemo takes an object { folder?, port?, sandboxDir? }.');
  const { folder, port, sandboxDir } = arg as Record<string, unknown>;
  const expand = (p: string): string => (p.startsWith('~') ? path.join(os.homedir(), p.slice(1)) : p);
  if (folder !== undefined && typeof folder !== 'string') throw new UserError('zookeeper.startDemo: folder must be a path.');
  if (sandboxDir !== undefined && typeof sandboxDir !== 'string') throw new UserError('zookeeper.startDemo: sandboxDir must be a path.');
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new UserError(`zookeeper.startDemo: port must be a whole number from 1 to 65535, got ${JSON.stringify(port)}.`);
  }
  return {
    ...(folder !== undefined ? { folder: expand(folder) } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(sandboxDir !== undefined ? { sandboxDir: expand(sandboxDir) } : {}),
  };
}
