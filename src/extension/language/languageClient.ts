import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ErrorHandler, LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import {
  CHILDREN_REQUEST,
  CONFIG_LANGUAGE,
  CONNECTIONS_REQUEST,
  DESCRIBE_REQUEST,
  EXISTS_REQUEST,
  INVALIDATE_NOTIFICATION,
  SCRIPT_LANGUAGE,
  SERVER_INFO_REQUEST,
  type ServerInfoResult,
  type ChildrenParams,
  type ChildrenResult,
  type ConnectionsResult,
  type DescribeParams,
  type DescribeResult,
  type ExistsParams,
  type ExistsResult,
  type InvalidateParams,
  type InitializationOptions,
} from '../../server/protocol';
import { forEachLimit } from '../../zk/concurrency';
import { errorMessage } from '../../zk/errors';
import type { ZkClient } from '../../zk/client';
import type { ConnectionManager } from '../connections/connectionManager';
import type { ZkConnection } from '../connections/zkConnection';
import type { Logger } from '../logging';
import { COMMANDS } from '../commandIds';
import { registerCommand } from '../commands/registerCommand';
import { ChildrenCache } from './childrenCache';
import { describeZnode } from './describeZnode';
import { bundleFor } from '../webviewL10n';

/** Restarts of a crashed server within three minutes before the client gives up (and says so). */
export const MAX_RESTARTS = 4;

type ClientLibrary = typeof import('./clientLibrary');
let library: ClientLibrary | undefined;
/**
 * vscode-languageclient, from its own bundle next to this one (dist/languageClientLibrary.js), loaded
 * the first time a language client is made: not at activation (see clientLibrary.ts).
 */
function clientLibrary(): ClientLibrary {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  library ??= require(path.join(__dirname, 'languageClientLibrary.js')) as ClientLibrary;
  return library;
}
const RESTART_WINDOW_MS = 3 * 60 * 1000;
const DEFAULT_COMPLETION_LIMIT = 100;

/**
 * zookeeper.scripts.completionLimit: the most children one path completion offers (the list then
 * says how many more match and VS Code asks again as the user types). Read on each request: a
 * change applies to the next completion without a restart.
 */
function completionLimit(): number {
  const value = vscode.workspace.getConfiguration('zookeeper.scripts').get<number>('completionLimit', DEFAULT_COMPLETION_LIMIT);
  return Number.isInteger(value) && value >= 1 ? value : DEFAULT_COMPLETION_LIMIT;
}

export interface ZooKeeperLanguageClient extends vscode.Disposable {
  readonly client: LanguageClient;
  readonly children: ChildrenCache;
  /** Starts the server unless it runs already (it starts by itself with the first script or zoo.cfg); resolves once it answered initialize. */
  start(): Promise<void>;
  /** The server process's id (it changes when the server is restarted). */
  serverPid(): Promise<number>;
}

/**
 * Restarts a crashed server up to MAX_RESTARTS times in three minutes; then stops and says so, with
 * a way to start it again (vscode-languageclient's own message offers none).
 */
function crashHandler(log: Logger, client: () => LanguageClient, output: vscode.OutputChannel): ErrorHandler {
  const { CloseAction, ErrorAction } = clientLibrary();
  const crashes: number[] = [];
  return {
    // Writes to a dead server fail before its close is noticed; shutting down on them (the library's
    // default after three) would skip the restart below, so the close alone decides.
    error: () => ({ action: ErrorAction.Continue }),
    closed: () => {
      const now = Date.now();
      crashes.push(now);
      while (crashes.length > 0 && now - crashes[0] > RESTART_WINDOW_MS) crashes.shift();
      if (crashes.length <= MAX_RESTARTS) {
        log.warn(`the language server stopped unexpectedly; restarting it (${crashes.length} of ${MAX_RESTARTS} restarts in 3 minutes)`);
        return { action: CloseAction.Restart, handled: true };
      }
      crashes.length = 0;
      const message = `The ZooKeeper language server crashed ${MAX_RESTARTS + 1} times in 3 minutes and was not restarted: scripts and zoo.cfg get no completion or checks until it runs again.`;
      log.error(message);
      const restart = vscode.l10n.t('Restart');
      const showOutput = vscode.l10n.t('Show Output');
      void vscode.window.showErrorMessage(vscode.l10n.t('The ZooKeeper language server crashed {0} times in 3 minutes and was not restarted: scripts and zoo.cfg get no completion or checks until it runs again.', MAX_RESTARTS + 1), restart, showOutput).then((choice) => {
        if (choice === restart) void client().start().then(undefined, (e: unknown) => log.error(`restart failed: ${errorMessage(e)}`));
        if (choice === showOutput) output.show();
      });
      return { action: CloseAction.DoNotRestart, handled: true };
    },
  };
}

/** The connection a script names, or the active one. */
export function scriptConnection(connections: ConnectionManager, name: string | undefined): ZkConnection | undefined {
  return name ? connections.get(name) : connections.active;
}

/**
 * Starts the language server (dist/server.js over IPC) for ZooKeeper scripts and zoo.cfg, and
 * answers its questions about the clusters: children for completion (cached, invalidated by
 * watches), existence for warnings, a znode's stat and data for hovers.
 */
export function startLanguageClient(context: vscode.ExtensionContext, log: Logger, connections: ConnectionManager): ZooKeeperLanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  let outputChannel: vscode.OutputChannel | undefined;
  let made: LanguageClient | undefined;
  /** The client, made (and the library loaded) on first use: the first script, zoo.cfg or command. */
  const client = (): LanguageClient => (made ??= makeClient());
  const makeClient = (): LanguageClient => {
    const { LanguageClient, TransportKind } = clientLibrary();
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
    };
    outputChannel = vscode.window.createOutputChannel('ZooKeeper Language Server');
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { language: SCRIPT_LANGUAGE },
        { language: CONFIG_LANGUAGE },
      ],
      outputChannel,
      // The server's diagnostics, hovers and completions in the display language (src/zk/l10n.ts):
      // the part of the bundle the server's code says (l10n/consumers.json), not every sentence of the extension.
      initializationOptions: { locale: vscode.env.language, l10nBundle: vscode.l10n.bundle ? bundleFor('languageServer') : undefined } satisfies InitializationOptions,
      errorHandler: crashHandler(log, client, outputChannel),
      initializationFailedHandler: (error) => {
        log.error(`the ZooKeeper language server did not start: ${errorMessage(error)}`);
        void vscode.window.showErrorMessage(
          vscode.l10n.t('The ZooKeeper language server did not start ({0}). Scripts and zoo.cfg get no completion or checks; see the "ZooKeeper Language Server" output.', errorMessage(error)),
        );
        return false;
      },
    };
    const languageClient = new LanguageClient('zookeeperLanguageServer', 'ZooKeeper Language Server', serverOptions, clientOptions);
    answerRequests(languageClient);
    return languageClient;
  };
  const notify = (params: InvalidateParams): void => {
    if (made?.isRunning()) void made.sendNotification(INVALIDATE_NOTIFICATION, params).then(undefined, () => undefined);
  };
  const children = new ChildrenCache((connection, p) => notify({ connection, path: p }));

  // Only a connection that is open answers: typing in a script must never (re)connect a cluster the
  // user disconnected, nor keep retrying one that is unreachable.
  const clientOf = (name: string | undefined): Promise<{ connection: ZkConnection; zk: ZkClient } | undefined> => {
    const connection = scriptConnection(connections, name);
    const zk = connection?.activeClient;
    return Promise.resolve(connection && zk ? { connection, zk } : undefined);
  };

  registerCommand(context.subscriptions, log, COMMANDS.restartLanguageServer, async () => {
    log.info('restarting the language server on request');
    if (client().isRunning()) await client().restart();
    else if (started) await client().start();
    else await start();
    return { running: client().isRunning(), pid: (await client().sendRequest<ServerInfoResult>(SERVER_INFO_REQUEST)).pid };
  });

  /** What the server asks of the extension: children, existence and descriptions of znodes, the connections. */
  function answerRequests(client: LanguageClient): void {
    client.onRequest(CHILDREN_REQUEST, async (params: ChildrenParams): Promise<ChildrenResult> => {
      const target = await clientOf(params.connection);
      if (!target) {
        const configured = scriptConnection(connections, params.connection);
        return { connection: configured?.name ?? null, children: null, notConnected: configured !== undefined };
      }
      const matched = await children.matching(target.connection.name, target.zk, params.path, params.prefix ?? '', completionLimit()).catch(() => undefined);
      return { connection: target.connection.name, children: matched?.names ?? null, ...(matched ? { total: matched.total } : {}) };
    });
    client.onRequest(EXISTS_REQUEST, async (params: ExistsParams): Promise<ExistsResult> => {
      const result: ExistsResult = params.paths.map(() => null);
      const target = await clientOf(params.connection);
      if (!target) return result;
      await forEachLimit(
        params.paths.map((p, i) => ({ p, i })),
        64,
        async ({ p, i }) => {
          result[i] = await target.zk.exists(p).then(
            (stat) => stat !== undefined,
            () => null,
          );
        },
      );
      return result;
    });
    client.onRequest(DESCRIBE_REQUEST, async (params: DescribeParams): Promise<DescribeResult> => {
      const target = await clientOf(params.connection);
      if (!target) return null;
      return describeZnode(target.zk, target.connection.name, params.path);
    });
    client.onRequest(CONNECTIONS_REQUEST, (): ConnectionsResult => {
      const active = connections.active?.name;
      return connections.list().map((c) => ({ name: c.name, active: c.name === active, readOnly: c.readOnly }));
    });
  }

  // Scripts without "# connection:" complete against the active connection: when another one
  // becomes active, what the server cached for "the active one" is wrong.
  let active = connections.active?.name;
  const checkActive = (): void => {
    if (connections.active?.name === active) return;
    active = connections.active?.name;
    notify({ connection: active ?? '' });
  };
  const subscriptions: vscode.Disposable[] = [
    { dispose: () => outputChannel?.dispose() },
    connections.onDidChangeActive(checkActive),
    connections.onDidChangeConnection(checkActive),
    connections.onDidChangeConnection((c) => {
      if (!c.isOpen) {
        children.clear(c.name);
        notify({ connection: c.name });
      }
    }),
    connections.onDidRenewSession((c) => {
      children.clear(c.name);
      notify({ connection: c.name });
    }),
    connections.onDidChangeConnections(() => {
      children.clear();
      notify({});
    }),
    // The server keeps the lists cut to the old limit: they must be asked again.
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('zookeeper.scripts.completionLimit')) notify({});
    }),
  ];
  // vscode-languageclient reads "<client id>.trace.server"; ours is the documented zookeeper.trace.server.
  const applyTrace = (): void => {
    const value = vscode.workspace.getConfiguration('zookeeper').get<string>('trace.server', 'off');
    if (made?.isRunning()) void made.setTrace(clientLibrary().Trace.fromString(value)).then(undefined, () => undefined);
  };
  subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('zookeeper.trace.server')) applyTrace();
    }),
  );
  // Started with the first script or zoo.cfg, not at activation: most windows never open one.
  let started: Promise<void> | undefined;
  const start = (): Promise<void> =>
    (started ??= client().start().then(
      async () => {
        applyTrace();
        const info = await client().sendRequest<ServerInfoResult>(SERVER_INFO_REQUEST).catch(() => undefined);
        log.info(`language server started${info ? ` (pid ${info.pid})` : ''}`);
      },
      (error: unknown) => log.error(`language server failed to start: ${errorMessage(error)}`),
    ));
  const served = (document: vscode.TextDocument): boolean => document.languageId === SCRIPT_LANGUAGE || document.languageId === CONFIG_LANGUAGE;
  subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((document) => {
      if (served(document)) void start();
    }),
  );
  // A script or zoo.cfg open at activation (the window's first .zk file activated the extension): the
  // client starts in the next task, not inside activate(). Its library (800 KB) compiles the same either
  // way, but activate() returns at once, so VS Code goes on with what waits behind it (other
  // extensions activated in the same tick, the view's first rows); the first diagnostic is not later
  // (bench:activation, ".zk first": Enter -> squiggle, measured before and after).
  const startSoon = vscode.workspace.textDocuments.some(served) ? setTimeout(() => void start(), 0) : undefined;
  subscriptions.push({ dispose: () => clearTimeout(startSoon) });
  return {
    get client() {
      return client();
    },
    children,
    start,
    serverPid: async () => (await client().sendRequest<ServerInfoResult>(SERVER_INFO_REQUEST)).pid,
    dispose: () => {
      for (const s of subscriptions) s.dispose();
      void made?.stop().then(undefined, () => undefined);
    },
  };
}
