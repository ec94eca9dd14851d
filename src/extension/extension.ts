import * as vscode from 'vscode';
import { ExplorerProvider } from '../tree/explorerProvider';
import { CONTEXT_CONNECTION_COUNT, VIEW_EXPLORER } from './commandIds';
import { registerConnectionCommands } from './commands/connectionCommands';
import { registerNodeCommands } from './commands/nodeCommands';
import { registerExplorerKeys } from './commands/explorerKeys';
import { registerDocuments } from './fs';
import { ConnectionManager } from './connections/connectionManager';
import { CredentialStore } from './connections/credentials';
import { userLevelConnectString } from './connections/connectionConfig';
import { createLogger } from './logging';
import { ConnectionStatusBar } from './statusBar';
import { registerWatches, type Watches } from './watches';
import { registerCoordination, type Coordination } from './coordination';
import { registerCluster, type Cluster } from './cluster';
import { startLanguageClient, type ZooKeeperLanguageClient } from './language/languageClient';
import { registerScripts } from './scripts/runScript';
import { registerSearch } from './search';
import { registerTransfer } from './transfer';
import { registerAcl } from './acl';
import { registerWalkthrough } from './walkthrough';
import { registerStaging } from './staging';
import type { SearchResultsProvider } from '../tree/searchResultsProvider';
import type { CompareProvider } from '../tree/compareProvider';
import type { AclEditorPanels } from './acl/aclEditor';
import type { ZkConnection } from './connections/zkConnection';
import { ancestors } from '../zk/paths';
import { parseDocumentUri } from './fs/documentAddress';
import { setLocalizer } from '../zk/l10n';

/** The node a zk:// uri names, or undefined for any other uri. */
function nodeOfUri(uri: vscode.Uri): { connection: string; path: string } | undefined {
  try {
    const { connection, path } = parseDocumentUri(uri);
    return { connection, path };
  } catch {
    return undefined;
  }
}

/** What activate() returns to other extensions in an installed extension. */
export interface ZooKeeperExplorerPublicApi {
  readonly connections: { list(): { name: string; status: string; origin: string }[] };
  /** The language server's process id (starting it if needed). */
  readonly language: { serverPid(): Promise<number> };
}

/** What activate() returns under development and in the extension tests (never to other extensions of an installed copy). */
export interface ZooKeeperExplorerApi {
  readonly connections: ConnectionManager;
  readonly explorer: ExplorerProvider;
  readonly watches: Watches;
  readonly coordination: Coordination;
  readonly cluster: Cluster;
  readonly language: ZooKeeperLanguageClient;
  readonly statusBar: ConnectionStatusBar;
  readonly search: SearchResultsProvider;
  readonly compare: CompareProvider;
  readonly aclEditors: AclEditorPanels;
}

let connectionManager: ConnectionManager | undefined;

/** The one composition root: builds every part and hands each what it needs. */
export function activate(context: vscode.ExtensionContext): ZooKeeperExplorerApi | ZooKeeperExplorerPublicApi {
  context.subscriptions.push(setLocalizer((message, args) => vscode.l10n.t(message, ...args))); // src/zk's sentences (errors.ts…) in the display language
  const channel = vscode.window.createOutputChannel('ZooKeeper', { log: true });
  const log = createLogger(channel);
  const connections = new ConnectionManager(new CredentialStore(context.secrets, userLevelConnectString), log.scoped('connections'));
  connectionManager = connections;
  const explorer = new ExplorerProvider(connections);
  const treeView = vscode.window.createTreeView(VIEW_EXPLORER, { treeDataProvider: explorer, showCollapseAll: true });
  const statusBar = new ConnectionStatusBar(connections);

  const updateContext = (): void => {
    void vscode.commands.executeCommand('setContext', CONTEXT_CONNECTION_COUNT, connections.list().length);
  };
  updateContext();

  context.subscriptions.push(channel, connections, explorer, treeView, statusBar, connections.onDidChangeConnections(updateContext));
  context.subscriptions.push(
    treeView.onDidChangeSelection((event) => {
      const first = event.selection[0];
      const connection = first && 'connection' in first && typeof first.connection === 'object' ? connections.get(first.connection.name) : undefined;
      if (connection) connections.markUsed(connection);
    }),
  );

  context.subscriptions.push(
    connections.onDidRenewSession((connection) => {
      void vscode.window.showWarningMessage(
        `The ZooKeeper session with ${connection.name} expired (the connection was down longer than the session timeout). A new session has started: ephemeral nodes this window had created are gone.`,
      );
    }),
  );
  registerConnectionCommands(context.subscriptions, log.scoped('commands'), connections, (connection) => {
    void treeView.reveal(explorer.connectionItem(connection), { expand: true }).then(undefined, () => undefined);
  });
  const reveal = async (connection: ZkConnection, path: string): Promise<void> => {
    for (const ancestor of [...ancestors(path), path]) if (ancestor !== '/') explorer.pin(connection, ancestor);
    await treeView.reveal(explorer.znodeItem(connection, path, undefined), { select: true, focus: true, expand: false });
  };
  registerNodeCommands(context.subscriptions, log.scoped('commands'), connections, explorer, reveal);
  registerExplorerKeys(context.subscriptions, log.scoped('commands'), treeView);
  // documents: the zk:// file system, stat/ACL documents and their commands are registered here.
  const documents = registerDocuments({ subscriptions: context.subscriptions, log: log.scoped('documents'), connections, state: context.globalState });
  context.subscriptions.push(
    // A save, create or delete through a zk:// document changes figures the tree shows (size, child count).
    documents.fileSystem.onDidChangeFile((changes) => {
      for (const { uri } of changes) {
        const node = nodeOfUri(uri);
        if (node) explorer.nodeChanged(node.connection, node.path);
      }
    }),
  );
  const watches = registerWatches(context, log, connections);
  explorer.watchedKinds = (connection, path) => watches.service.kindsOf(connection, path);
  context.subscriptions.push(
    watches.service.onDidChangeWatches(() => explorer.redraw()),
    // Open editors of a watched node learn that the server's data changed.
    watches.service.onDidReceiveEvent((event) => {
      if (event.type !== 'childrenChanged') documents.fileSystem.notifyServerChange(event.connection, event.path);
      explorer.nodeChanged(event.connection, event.path);
    }),
  );

  const coordination = registerCoordination(context, log, connections);
  const search = registerSearch(context, log, connections);
  const { compare } = registerTransfer(context, log, connections);
  registerStaging(context, log, connections, documents.fileSystem);
  const cluster = registerCluster(context, log, connections);
  const aclEditors = registerAcl(context, log.scoped('acl'), connections);
  registerWalkthrough(context, log.scoped('walkthrough'), connections);
  const language = startLanguageClient(context, log.scoped('language'), connections);
  context.subscriptions.push(language);
  registerScripts(context.subscriptions, log.scoped('scripts'), {
    connections,
    watches: watches.service,
    version: `ZooKeeper Explorer ${String((context.extension.packageJSON as { version?: string }).version)} (node-zookeeper-client wire client)`,
    onChanged: (connection, paths) => {
      for (const path of paths) {
        explorer.refresh(path === '/' ? explorer.connectionItem(connection) : explorer.znodeItem(connection, path, undefined));
        documents.fileSystem.notifyServerChange(connection.name, path);
      }
    },
  });

  log.info(`ZooKeeper Explorer activated (VS Code ${vscode.version}${vscode.env.remoteName ? `, remote ${vscode.env.remoteName}` : ''})`);
  if (context.extensionMode !== vscode.ExtensionMode.Production) return { connections, explorer, watches, coordination, cluster, language, statusBar, search, compare, aclEditors };
  // Any object reachable from what activate() returns is reachable by every other extension, and the
  // connection objects lead to the credential store: an installed extension hands out a summary only.
  return {
    connections: {
      list: () => connections.list().map((c) => ({ name: c.name, status: c.status, origin: c.origin })),
    },
    language: { serverPid: () => language.serverPid() },
  };
}

/** Closes every session so ephemeral nodes of this window go at once, not after the session timeout. */
export async function deactivate(): Promise<void> {
  const connections = connectionManager;
  connectionManager = undefined;
  if (connections) await Promise.all(connections.list().map((c) => c.disconnect().catch(() => undefined)));
}
