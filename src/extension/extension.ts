import * as vscode from 'vscode';
import { ExplorerProvider } from '../tree/explorerProvider';
import { COMMANDS, CONTEXT_CONNECTION_COUNT, VIEW_CLUSTER, VIEW_COORDINATION, VIEW_EXPLORER, VIEW_SERVICES, VIEW_WATCHES } from './commandIds';
import { registerConnectionCommands } from './commands/connectionCommands';
import { registerNodeCommands } from './commands/nodeCommands';
import { registerExplorerKeys } from './commands/explorerKeys';
import { registerDocuments } from './fs';
import { ConnectionManager } from './connections/connectionManager';
import { CredentialStore } from './connections/credentials';
import { userLevelConnectString } from './connections/connectionConfig';
import { createLogger } from './logging';
import { ConnectionStatusBar } from './statusBar';
import type { Watches } from './watches';
import type { Coordination } from './coordination';
import type { Cluster } from './cluster';
import { startLanguageClient, type ZooKeeperLanguageClient } from './language/languageClient';
import { registerWalkthrough } from './walkthrough';
import { LazyFeatures } from './lazy';
import type { SearchResultsProvider } from '../tree/searchResultsProvider';
import type { CompareProvider } from '../tree/compareProvider';
import type { AclEditorPanels } from './acl/aclEditor';
import type { ZkConnection } from './connections/zkConnection';
import { ancestors } from '../zk/paths';
import { parseDocumentUri } from './fs/documentAddress';
import { setLocalizer } from '../zk/l10n';
import type { CodeCacheUse } from './loader';

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
  /** The lazily loaded features (which have loaded). */
  readonly features: LazyFeatures;
}

let connectionManager: ConnectionManager | undefined;

/** The one composition root: builds every part and hands each what it needs. */
export function activate(context: vscode.ExtensionContext, codeCache: CodeCacheUse = 'none'): ZooKeeperExplorerApi | ZooKeeperExplorerPublicApi {
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
        vscode.l10n.t(
          'The ZooKeeper session with {0} expired (the connection was down longer than the session timeout). A new session has started: ephemeral nodes this window had created are gone.',
          connection.name,
        ),
      );
    }),
  );
  registerConnectionCommands(context.subscriptions, log.scoped('commands'), connections, (connection) => {
    // Not selected: a selection makes its connection the active one (above), and this one reaches the
    // extension late (seconds on a busy machine), undoing a switch the user made in the meantime.
    void treeView.reveal(explorer.connectionItem(connection), { expand: true, select: false }).then(undefined, () => undefined);
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
  // Features load on first use (src/extension/lazy.ts, one bundle each): a command of theirs, their
  // view shown, an editor of their documents restored. What the explorer needs is above, loaded at activation.
  const features = new LazyFeatures(log.scoped('features'), undefined, context.subscriptions);
  context.subscriptions.push(features);
  const watches = features.add(
    'watches',
    {
      commands: [COMMANDS.watch, COMMANDS.unwatch, COMMANDS.clearWatchEvents, COMMANDS.filterWatchEvents, COMMANDS.exportWatchEvents, COMMANDS.compareWatchEvent],
      views: [VIEW_WATCHES],
      schemes: { 'zk-watch': (made: Watches) => made.snapshots },
    },
    ({ registerWatches }) => {
      const made = registerWatches(context, log, connections);
      explorer.watchedKinds = (connection, path) => made.service.kindsOf(connection, path);
      context.subscriptions.push(
        made.service.onDidChangeWatches(() => explorer.redraw()),
        // Open editors of a watched node learn that the server's data changed.
        made.service.onDidReceiveEvent((event) => {
          if (event.type !== 'childrenChanged') documents.fileSystem.notifyServerChange(event.connection, event.path);
          explorer.nodeChanged(event.connection, event.path);
        }),
      );
      explorer.redraw();
      return made;
    },
  );
  // Watches kept from an earlier session are set again when their connection opens: the service must
  // be there by then (it sets the stored watches of every open connection when it starts).
  const storedWatches = context.workspaceState.get<Record<string, unknown[]>>('zookeeper.watches', {});
  if (Object.values(storedWatches ?? {}).some((specs) => Array.isArray(specs) && specs.length > 0)) {
    const once = [connections.onDidChangeConnection, connections.onDidChangeConnections].map((event) =>
      event(() => {
        for (const d of once) d.dispose();
        watches.ensure();
      }),
    );
    context.subscriptions.push(...once);
  }

  const coordination = features.add(
    'coordination',
    { commands: [COMMANDS.scanCoordination, COMMANDS.cancelCoordinationScan, COMMANDS.showCoordination, COMMANDS.refreshServices], views: [VIEW_COORDINATION, VIEW_SERVICES], schemes: { 'zk-coordination': (made: Coordination) => made.documents } },
    ({ registerCoordination }) => registerCoordination(context, log, connections),
  );
  const search = features.add(
    'search',
    { commands: [COMMANDS.search, COMMANDS.searchAgain, COMMANDS.cancelSearch, COMMANDS.clearSearch, COMMANDS.openSearchResult] },
    ({ registerSearch }) => registerSearch(context, log, connections),
  );
  const transfer = features.add(
    'transfer',
    {
      commands: [COMMANDS.compare, COMMANDS.openCompareResult, COMMANDS.clearCompare, COMMANDS.importSubtree, COMMANDS.copyToOtherSide, COMMANDS.copyNodeToOtherSide, COMMANDS.exportSubtree],
      schemes: { 'zookeeper-plan': (made: { plans: vscode.TextDocumentContentProvider }) => made.plans },
    },
    ({ registerTransfer }) => registerTransfer(context, log, connections),
  );
  // Staged editing is off unless zookeeper.stagedEditing is set: its hook into saving is needed only then.
  const staging = features.add(
    'staging',
    {
      commands: [COMMANDS.commitStaged, COMMANDS.openStagedChange, COMMANDS.unstageChange, COMMANDS.stageChange, COMMANDS.discardChange, COMMANDS.refreshStagedChange, COMMANDS.listStaged],
      schemes: { 'zookeeper-staged': (made: { documents: vscode.TextDocumentContentProvider }) => made.documents },
    },
    ({ registerStaging }) => registerStaging(context, log, connections, documents.fileSystem),
  );
  const stagedEditing = (): boolean => vscode.workspace.getConfiguration('zookeeper').get<boolean>('stagedEditing', false);
  if (stagedEditing()) staging.ensure();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('zookeeper.stagedEditing') && stagedEditing()) staging.ensure();
    }),
  );
  const cluster = features.add(
    'cluster',
    {
      commands: [
        COMMANDS.showEnsembleConfig,
        COMMANDS.reconfigure,
        COMMANDS.whoWatches,
        COMMANDS.watchedPaths,
        COMMANDS.showCluster,
        COMMANDS.refreshCluster,
        COMMANDS.sortClusterSessions,
        COMMANDS.runAdminCommand,
        COMMANDS.showMetrics,
        COMMANDS.exportMetrics,
      ],
      views: [VIEW_CLUSTER],
      schemes: { 'zookeeper-cluster': (made: Cluster) => made.documents },
      // A metrics panel open when the window closed charts its connection again.
      webviewPanels: { 'zookeeper.metrics': (made: Cluster, panel, state) => made.metrics.revive(panel, state, connections) },
    },
    ({ registerCluster }) => registerCluster(context, log, connections),
  );
  const aclEditors = features.add(
    'acl',
    // An ACL editor open when the window closed is revived on the node's ACL as it is then (or a Connect button).
    { commands: [COMMANDS.setAcl, COMMANDS.editAcl], webviewPanels: { 'zookeeper.aclEditor': (editors: AclEditorPanels, panel, state) => editors.revive(panel, state, connections) } },
    ({ registerAcl }) => registerAcl(context, log.scoped('acl'), connections),
  );
  registerWalkthrough(context, log.scoped('walkthrough'), connections);
  const language = startLanguageClient(context, log.scoped('language'), connections);
  context.subscriptions.push(language);
  // The script runner: its Run code lens shows on scripts, so the first script opened loads it.
  const scripts = features.add('scripts', { commands: [COMMANDS.runScript] }, ({ registerScripts }) =>
    registerScripts(context.subscriptions, log.scoped('scripts'), {
      connections,
      get watches() {
        return watches.get().service;
      },
      version: `ZooKeeper Explorer ${String((context.extension.packageJSON as { version?: string }).version)} (node-zookeeper-client wire client)`,
      onChanged: (connection, paths) => {
        for (const path of paths) {
          explorer.refresh(path === '/' ? explorer.connectionItem(connection) : explorer.znodeItem(connection, path, undefined));
          documents.fileSystem.notifyServerChange(connection.name, path);
        }
      },
    }),
  );
  const isScript = (document: vscode.TextDocument): boolean => document.languageId === 'zookeeper-script';
  if (vscode.workspace.textDocuments.some(isScript)) setTimeout(() => scripts.ensure(), 0);
  else {
    const opened = vscode.workspace.onDidOpenTextDocument((document) => {
      if (!isScript(document)) return;
      opened.dispose();
      scripts.ensure();
    });
    context.subscriptions.push(opened);
  }

  log.info(`ZooKeeper Explorer activated (VS Code ${vscode.version}${vscode.env.remoteName ? `, remote ${vscode.env.remoteName}` : ''}, code cache ${codeCache})`);
  if (context.extensionMode !== vscode.ExtensionMode.Production) {
    // The tests reach into the features: reading one loads it, as its first use would.
    return {
      connections,
      explorer,
      language,
      statusBar,
      features,
      get watches() {
        return watches.get();
      },
      get coordination() {
        return coordination.get();
      },
      get cluster() {
        return cluster.get();
      },
      get search() {
        return search.get();
      },
      get compare() {
        return transfer.get().compare;
      },
      get aclEditors() {
        return aclEditors.get();
      },
    };
  }
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
