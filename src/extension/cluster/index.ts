// The Cluster view, `zookeeper.showCluster`, `zookeeper.runAdminCommand` and the read-only
// documents their results open in. One ClusterProbe per connection, kept while its address and
// AdminServer setting stay the same (it remembers the last leader, to report an election seen
// between two polls).
import * as vscode from 'vscode';
import { ClusterProvider, ClusterServerItem, ClusterConnectionItem, SESSION_SORTS, sessionSortLabel, type ClusterSource, type SessionsResult } from '../../tree/clusterProvider';
import { readEphemerals, readSessions } from '../../zk/cluster/sessions';
import { ADMIN_COMMANDS, ClusterProbe, describeAdminCommand, DEFAULT_ADMIN_PORT, findAdminCommand, formatEndpoint, runAdminCommand, type AdminCommandResult, type ClusterReport, type Endpoint } from '../../zk/cluster';
import { parseConnectString } from '../../zk/connectString';
import { COMMANDS, VIEW_CLUSTER } from '../commandIds';
import { registerCommand } from '../commands/registerCommand';
import { asArgs, resolveConnection } from '../commands/resolve';
import type { ConnectionManager } from '../connections/connectionManager';
import type { ZkConnection } from '../connections/zkConnection';
import { UserError } from '../errors';
import type { Logger } from '../logging';
import { MetricsPanels, metricsIntervalMs } from './metricsPanel';
import { registerReconfigCommands } from './reconfigCommands';
import { registerWatchCommands } from './watchCommands';

export const CLUSTER_SCHEME = 'zookeeper-cluster';

/** `zookeeper.cluster.adminPorts`: per connection, a port, false (no AdminServer), or per server "host:port" → port/false. */
type AdminPortsSetting = Record<string, number | false | Record<string, number | false>>;

function adminPortsFor(connection: string): number | false | Record<string, number | false> | undefined {
  const all = vscode.workspace.getConfiguration('zookeeper.cluster').get<AdminPortsSetting>('adminPorts', {});
  return typeof all === 'object' && all !== null ? all[connection] : undefined;
}

/** The AdminServer endpoint of one server of a connection, or undefined when it has none. */
function adminEndpointFor(connection: string, server: Endpoint): Endpoint | undefined {
  const setting = adminPortsFor(connection);
  const port = typeof setting === 'object' && setting !== null ? (setting[formatEndpoint(server)] ?? DEFAULT_ADMIN_PORT) : (setting ?? DEFAULT_ADMIN_PORT);
  return port === false ? undefined : { host: server.host, port };
}

export function refreshIntervalMs(): number {
  const seconds = vscode.workspace.getConfiguration('zookeeper.cluster').get<number>('refreshInterval', 5);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : 5) * 1000;
}

/** Probes per connection, rebuilt when the address or the AdminServer setting changes. */
export class ClusterService implements vscode.Disposable {
  private readonly probes = new Map<string, { key: string; probe: ClusterProbe }>();

  private readonly subscription: vscode.Disposable;

  constructor(private readonly connections: ConnectionManager) {
    // A removed connection's probe goes with it (its keep-alive sockets too).
    this.subscription = connections.onDidChangeConnections(() => {
      for (const [name, { probe }] of [...this.probes]) {
        if (connections.get(name)) continue;
        probe.dispose();
        this.probes.delete(name);
      }
    });
  }

  probeOf(connection: ZkConnection): ClusterProbe {
    const key = JSON.stringify([connection.config.connectString, adminPortsFor(connection.name) ?? null]);
    const existing = this.probes.get(connection.name);
    if (existing?.key === key) return existing.probe;
    existing?.probe.dispose();
    const parsed = parseConnectString(connection.config.connectString);
    const chrooted = typeof parsed !== 'string' && parsed.chroot !== undefined;
    const probe = new ClusterProbe({
      connectString: connection.config.connectString,
      adminPort: (server) => adminEndpointFor(connection.name, server)?.port ?? false,
      // The session's own view of the configuration, when one is open (a chroot would hide it).
      readConfigZnode: chrooted
        ? undefined
        : async () => {
            const client = connection.activeClient;
            if (!client || !connection.isOpen) return undefined;
            return (await client.get('/zookeeper/config')).data.toString('utf8');
          },
    });
    this.probes.set(connection.name, { key, probe });
    return probe;
  }

  probe(name: string): Promise<ClusterReport> {
    return this.probeOf(this.connections.require(name)).probe();
  }

  /** The servers of a connection: the connect string's, plus members the last report found. */
  servers(connection: ZkConnection, report?: ClusterReport): Endpoint[] {
    const seeds = this.probeOf(connection).seeds();
    const known = new Set(seeds.map((s) => formatEndpoint(s)));
    for (const s of report?.servers ?? []) {
      const match = /^(.+):(\d+)$/.exec(s.address);
      if (match && !known.has(s.address)) {
        seeds.push({ host: match[1].replace(/^\[|\]$/g, ''), port: Number(match[2]) });
        known.add(s.address);
      }
    }
    return seeds;
  }

  /**
   * A server's sessions (cons) with the ephemerals of each (dump on the leader, which tracks every
   * session; on the server itself when there is no leader, e.g. standalone).
   */
  async sessions(connection: ZkConnection, address: string, report: ClusterReport | undefined): Promise<SessionsResult> {
    const all = this.servers(connection, report);
    const server = all.find((s) => formatEndpoint(s) === address);
    if (!server) return { ok: false, error: vscode.l10n.t('{0} is not a server of {1}', address, connection.name) };
    const leaderAddress = report?.leader ?? address;
    const leader = all.find((s) => formatEndpoint(s) === leaderAddress) ?? server;
    const [sessions, fromLeader] = await Promise.all([
      readSessions(server, adminEndpointFor(connection.name, server)),
      readEphemerals(leader, adminEndpointFor(connection.name, leader)),
    ]);
    if (!sessions.ok) return sessions;
    // Every server holds the replicated tree with each node's owner, so when the leader does not
    // answer dump (no AdminServer, not in its whitelist) the server itself can.
    const ephemerals = fromLeader.ok || leader === server ? fromLeader : await readEphemerals(server, adminEndpointFor(connection.name, server));
    const bySession = ephemerals.ok ? ephemerals.bySession : new Map<string, string[]>();
    const result: SessionsResult = { ok: true, sessions: sessions.sessions.map((s) => ({ ...s, ephemerals: bySession.get(s.sessionId) ?? [] })) };
    if (!ephemerals.ok) result.note = vscode.l10n.t('Ephemeral nodes unknown: dump on {0}: {1}', formatEndpoint(leader), ephemerals.error);
    return result;
  }

  dispose(): void {
    this.subscription.dispose();
    for (const { probe } of this.probes.values()) probe.dispose();
    this.probes.clear();
  }
}

/** Read-only documents with a report or a command's results, by URI. */
class ClusterDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private counter = 0;

  add(connection: string, title: string, extension: 'json' | 'txt' | 'md', content: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: CLUSTER_SCHEME, authority: connection, path: `/${title} ${++this.counter}.${extension}` });
    this.contents.set(uri.toString(), content);
    // Keep the last few only: each is a snapshot, and dump/wchp replies can be large.
    if (this.contents.size > 20) this.contents.delete(this.contents.keys().next().value!);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? vscode.l10n.t('This result is no longer kept: run the command again.');
  }

  dispose(): void {
    this.contents.clear();
  }
}

async function openDocument(uri: vscode.Uri, language: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(document, language).then(undefined, () => undefined);
  await vscode.window.showTextDocument(document, { preview: false });
}

/** Results side by side in one document: JSON when every server's AdminServer answered, text otherwise. */
export function formatResults(command: string, results: readonly AdminCommandResult[]): { extension: 'json' | 'txt'; content: string } {
  if (results.every((r) => r.json !== undefined)) {
    const merged = Object.fromEntries(results.map((r) => [r.server, r.ok ? r.json : { error: r.error, reply: r.json }]));
    return { extension: 'json', content: `${JSON.stringify(merged, null, 2)}\n` };
  }
  const sections = results.map((r) => {
    const body = r.json !== undefined ? JSON.stringify(r.json, null, 2) : (r.text ?? '').trimEnd();
    return `=== ${r.server} — ${command}${r.ok ? '' : ` — ${r.error ?? 'failed'}`}\n${body}`;
  });
  return { extension: 'txt', content: `${sections.join('\n\n')}\n` };
}

export interface Cluster {
  provider: ClusterProvider;
  service: ClusterService;
  metrics: MetricsPanels;
  /** zookeeper-cluster: documents (reports and command results). */
  documents: vscode.TextDocumentContentProvider;
}

export function registerCluster(context: vscode.ExtensionContext, log: Logger, connections: ConnectionManager): Cluster {
  const service = new ClusterService(connections);
  const source: ClusterSource = {
    connections: () => connections.list().map((c) => ({ name: c.name, connectString: c.config.connectString })),
    onDidChangeConnections: connections.onDidChangeConnections,
    probe: (name) => service.probe(name),
    sessions: (name, server) => service.sessions(connections.require(name), server, provider.report(name)),
    revealCommand: COMMANDS.goToPath,
  };
  const provider = new ClusterProvider(source, refreshIntervalMs);
  const view = vscode.window.createTreeView(VIEW_CLUSTER, { treeDataProvider: provider });
  const documents = new ClusterDocuments();
  provider.setVisible(view.visible);
  const metrics = new MetricsPanels(context.extensionUri, (name) => service.probe(name), log.scoped('metrics'), (name) =>
    vscode.commands.executeCommand(COMMANDS.exportMetrics, { connection: name, dialog: true }),
  );
  metrics.setViewVisible(view.visible);
  context.subscriptions.push(
    metrics,
    connections.onDidChangeConnections(() => {
      for (const name of metrics.connections()) if (!connections.get(name)) metrics.forget(name);
    }),
    view.onDidChangeVisibility((e) => metrics.setViewVisible(e.visible)),
    service,
    provider,
    view,
    documents,
    vscode.workspace.registerTextDocumentContentProvider(CLUSTER_SCHEME, documents),
    view.onDidChangeVisibility((e) => provider.setVisible(e.visible)),
    view.onDidExpandElement((e) => provider.expanded(e.element)),
    view.onDidCollapseElement((e) => provider.collapsed(e.element)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('zookeeper.cluster.refreshInterval')) provider.reschedule();
      if (e.affectsConfiguration('zookeeper.cluster.metricsInterval')) metrics.reschedule();
      if (e.affectsConfiguration('zookeeper.cluster.adminPorts')) void provider.refreshAll();
    }),
  );
  const commandLog = log.scoped('cluster');

  registerCommand(context.subscriptions, commandLog, COMMANDS.showCluster, async (arg?: unknown) => {
    const connection = arg instanceof ClusterConnectionItem ? connections.require(arg.connection) : await resolveConnection(connections, arg, vscode.l10n.t('Show the cluster of which connection?'));
    const report = await service.probe(connection.name);
    if (asArgs(arg)) return report;
    await openDocument(documents.add(connection.name, 'cluster', 'json', `${JSON.stringify(report, null, 2)}\n`), 'json');
    return report;
  });

  registerCommand(context.subscriptions, commandLog, COMMANDS.refreshCluster, () => provider.refreshAll());

  registerCommand(context.subscriptions, commandLog, COMMANDS.sortClusterSessions, async (arg?: unknown) => {
    const args = asArgs(arg);
    let by = SESSION_SORTS.find((o) => o.by === args?.by)?.by;
    if (args && !by) throw new UserError(`Sort sessions by one of ${SESSION_SORTS.map((o) => o.by).join(', ')}.`);
    if (!by) {
      const picked = await vscode.window.showQuickPick(
        SESSION_SORTS.map((o) => ({ label: sessionSortLabel(o.by), description: o.by === provider.sessionSort ? vscode.l10n.t('current') : undefined, by: o.by })),
        { placeHolder: vscode.l10n.t('Sort the sessions by') },
      );
      if (!picked) throw new vscode.CancellationError();
      by = picked.by;
    }
    provider.sortSessions(by);
    return { by };
  });

  registerCommand(context.subscriptions, commandLog, COMMANDS.runAdminCommand, async (arg?: unknown) => {
    const args = asArgs(arg);
    const connection =
      arg instanceof ClusterConnectionItem || arg instanceof ClusterServerItem ? connections.require(arg.connection) : await resolveConnection(connections, arg, vscode.l10n.t('Send an admin command to which connection?'));
    const all = service.servers(connection, provider.report(connection.name));
    let command = typeof args?.command === 'string' ? findAdminCommand(args.command) : undefined;
    if (args && !command) throw new UserError(`Unknown admin command ${JSON.stringify(args.command)}. Known: ${ADMIN_COMMANDS.map((c) => c.name).join(', ')}.`);
    if (!command) {
      const picked = await vscode.window.showQuickPick(
        ADMIN_COMMANDS.map((c) => ({ label: c.name, description: c.word ? undefined : vscode.l10n.t('AdminServer only'), detail: `${describeAdminCommand(c)}${c.expensive ? vscode.l10n.t(' — can be expensive for the server') : ''}`, command: c })),
        { placeHolder: vscode.l10n.t('Send which command to {0}?', connection.name), matchOnDetail: true },
      );
      if (!picked) throw new vscode.CancellationError();
      command = picked.command;
    }
    let targets: Endpoint[];
    if (args) {
      if (typeof args.server === 'string') {
        const wanted = args.server;
        const found = all.find((s) => formatEndpoint(s) === wanted);
        if (!found) throw new UserError(vscode.l10n.t('{0} is not a server of {1} ({2}).', String(wanted), connection.name, all.map(formatEndpoint).join(', ')));
        targets = [found];
      } else if (args.allServers === true || args.server === undefined) targets = all;
      else throw new UserError('Pass server: "host:port" or allServers: true.');
    } else if (arg instanceof ClusterServerItem) {
      targets = all.filter((s) => formatEndpoint(s) === arg.server.address);
    } else if (all.length === 1) {
      targets = all;
    } else {
      const picked = await vscode.window.showQuickPick(
        [{ label: vscode.l10n.t('All servers'), description: vscode.l10n.t('{0} servers', all.length), servers: all }, ...all.map((s) => ({ label: formatEndpoint(s), description: undefined, servers: [s] }))],
        { placeHolder: vscode.l10n.t('Send {0} to which server?', command.name) },
      );
      if (!picked) throw new vscode.CancellationError();
      targets = picked.servers;
    }
    const chosen = command;
    const results = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('ZooKeeper: {0} on {1} server(s)', chosen.name, targets.length) }, () =>
      runAdminCommand(targets, chosen, { adminEndpoint: (server) => adminEndpointFor(connection.name, server) }),
    );
    if (args && args.reveal !== true) return results;
    const { extension, content } = formatResults(chosen.name, results);
    await openDocument(documents.add(connection.name, chosen.name, extension, content), extension === 'json' ? 'json' : 'plaintext');
    return results;
  });

  registerCommand(context.subscriptions, commandLog, COMMANDS.showMetrics, async (arg?: unknown) => {
    const connection = arg instanceof ClusterConnectionItem ? connections.require(arg.connection) : await resolveConnection(connections, arg, vscode.l10n.t('Show the metrics of which connection?'));
    metrics.show(connection.name);
    // For tasks and tests: what the panel holds so far (it fills one interval at a time).
    return { connection: connection.name, intervalMs: metricsIntervalMs(), polling: metrics.isPolling(connection.name), samples: metrics.samples(connection.name) };
  });

  registerCommand(context.subscriptions, commandLog, COMMANDS.exportMetrics, async (arg?: unknown) => {
    const args = asArgs(arg);
    const connection = arg instanceof ClusterConnectionItem ? connections.require(arg.connection) : await resolveConnection(connections, arg, vscode.l10n.t('Export the metrics of which connection?'));
    let uri: vscode.Uri | undefined;
    if (typeof args?.uri === 'string') uri = args.uri.includes(':') && !/^[a-zA-Z]:[\\/]/.test(args.uri) ? vscode.Uri.parse(args.uri) : vscode.Uri.file(args.uri);
    else if (args?.uri instanceof vscode.Uri) uri = args.uri;
    else if (args?.uri !== undefined) throw new UserError('Pass uri: a file path or URI to write the CSV to.');
    const samples = metrics.samples(connection.name);
    if (!uri) {
      if (samples.length === 0) throw new UserError(vscode.l10n.t('No metrics of {0} yet: open its metrics panel (ZooKeeper: Show Metrics) and let it sample.', connection.name));
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const name = `${connection.name}-metrics-${new Date().toISOString().replace(/[:.]/g, '-')}.csv`;
      uri = await vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined, filters: { CSV: ['csv'] }, saveLabel: vscode.l10n.t('Export') });
      if (!uri) throw new vscode.CancellationError();
    }
    await vscode.workspace.fs.writeFile(uri, Buffer.from(metrics.csv(connection.name), 'utf8'));
    const rows = samples.reduce((n, s) => n + s.servers.length, 0);
    if (!args || args.dialog === true) void vscode.window.showInformationMessage(vscode.l10n.t("Exported {0} rows of {1}'s metrics to {2}.", rows, connection.name, uri.fsPath || uri.toString()));
    return { uri: uri.toString(), rows, samples: samples.length };
  });

  registerWatchCommands(context.subscriptions, commandLog, {
    connections,
    servers: (connection) => service.servers(connection, provider.report(connection.name)),
    adminEndpoint: adminEndpointFor,
    open: (connection, title, markdown) => openDocument(documents.add(connection, title, 'md', markdown), 'markdown'),
  });

  registerReconfigCommands(context.subscriptions, commandLog, connections, (connection, title, text) => openDocument(documents.add(connection, title, 'txt', text), 'plaintext'));

  return { provider, service, metrics, documents };
}
