// The Cluster view: per connection, every server of its ensemble with role and state, its figures
// as children, and the warnings as rows with their sentence. It polls only while the view is
// visible and only the connections whose row is expanded (their servers are what a person looks
// at), one probe per connection at a time. Depends on the narrow ClusterSource, not on src/extension.
import * as vscode from 'vscode';
import type { ClientSession } from '../zk/cluster/sessions';
import type { ClusterReport, ClusterWarning, ServerMetrics, ServerReport } from '../zk/cluster/types';

/** A session of a server with the ephemeral nodes it owns (from the leader's dump). */
export interface SessionWithEphemerals extends ClientSession {
  ephemerals: string[];
}

/** A server's sessions, or why they could not be read; `note` says what is incomplete. */
export type SessionsResult = { ok: true; sessions: SessionWithEphemerals[]; note?: string } | { ok: false; error: string };

/** What the view needs from the extension: the connections and a way to probe one. */
export interface ClusterSource {
  /** Connection names and their connect strings, in the order of the settings. */
  connections(): readonly { name: string; connectString: string }[];
  readonly onDidChangeConnections: vscode.Event<unknown>;
  probe(connection: string): Promise<ClusterReport>;
  /** A server's client sessions (cons) with their ephemerals (dump): expensive, so only on request. */
  sessions(connection: string, server: string): Promise<SessionsResult>;
  /** The command that shows a znode in the explorer. */
  readonly revealCommand: string;
}

export class ClusterConnectionItem {
  readonly kind = 'clusterConnection';
  constructor(
    readonly connection: string,
    readonly connectString: string,
  ) {}
}

export class ClusterServerItem {
  readonly kind = 'clusterServer';
  constructor(
    readonly connection: string,
    readonly server: ServerReport,
  ) {}
}

export class ClusterWarningItem {
  readonly kind = 'clusterWarning';
  constructor(
    readonly connection: string,
    readonly warning: ClusterWarning,
  ) {}
}

export class ClusterSessionsItem {
  readonly kind = 'clusterSessions';
  constructor(
    readonly connection: string,
    readonly server: string,
  ) {}
}

export class ClusterSessionItem {
  readonly kind = 'clusterSession';
  constructor(
    readonly connection: string,
    readonly server: string,
    readonly session: SessionWithEphemerals,
  ) {}
}

export class ClusterEphemeralItem {
  readonly kind = 'clusterEphemeral';
  constructor(
    readonly connection: string,
    readonly path: string,
  ) {}
}

export class ClusterFigureItem {
  readonly kind = 'clusterFigure';
  constructor(
    readonly label: string,
    readonly value: string,
  ) {}
}

export class ClusterMessageItem {
  readonly kind = 'clusterMessage';
  constructor(
    readonly message: string,
    readonly isError = false,
    /** A settled note (no spinner). */
    readonly isNote = false,
  ) {}
}

export type ClusterNode =
  | ClusterConnectionItem
  | ClusterServerItem
  | ClusterWarningItem
  | ClusterFigureItem
  | ClusterMessageItem
  | ClusterSessionsItem
  | ClusterSessionItem
  | ClusterEphemeralItem;

const number = (n: number): string => n.toLocaleString('en-US');

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** The figures of a server as label/value rows, in the order an operator reads them. */
export function figureRows(server: ServerReport): [string, string][] {
  const m: ServerMetrics = server.metrics;
  const rows: [string, string][] = [];
  const add = (label: string, value: number | string | undefined, format: (v: number) => string = number): void => {
    if (value === undefined) return;
    rows.push([label, typeof value === 'number' ? format(value) : value]);
  };
  if (m.avgLatency !== undefined || m.maxLatency !== undefined) rows.push([vscode.l10n.t('latency avg / max'), `${m.avgLatency ?? '?'} / ${m.maxLatency ?? '?'} ms`]);
  add(vscode.l10n.t('outstanding requests'), m.outstandingRequests);
  add(vscode.l10n.t('connections'), m.connections);
  add(vscode.l10n.t('znodes'), m.znodes);
  add(vscode.l10n.t('watches'), m.watches);
  add(vscode.l10n.t('ephemerals'), m.ephemerals);
  add(vscode.l10n.t('data size'), m.dataSize, bytes);
  if (m.openFileDescriptors !== undefined) {
    const open = number(m.openFileDescriptors);
    rows.push([vscode.l10n.t('open file descriptors'), m.maxFileDescriptors ? vscode.l10n.t('{0} of {1}', open, number(m.maxFileDescriptors)) : open]);
  }
  add(vscode.l10n.t('last zxid'), m.lastZxid);
  add(vscode.l10n.t('behind the leader'), m.zxidBehindLeader, (n) => vscode.l10n.t('{0} transactions', number(n)));
  if (m.syncedFollowers !== undefined) {
    rows.push([vscode.l10n.t('synced followers'), m.learners !== undefined ? vscode.l10n.t('{0} of {1} learners', m.syncedFollowers, m.learners) : String(m.syncedFollowers)]);
  }
  add(vscode.l10n.t('pending syncs'), m.pendingSyncs);
  add(vscode.l10n.t('packets received / sent'), m.packetsReceived !== undefined ? `${number(m.packetsReceived)} / ${number(m.packetsSent ?? 0)}` : undefined);
  add(vscode.l10n.t('version'), server.version?.replace(/-.*$/, ''));
  if (server.state !== 'unreachable') add(vscode.l10n.t('source'), server.source === 'adminserver' ? 'AdminServer (HTTP)' : vscode.l10n.t('four-letter words'));
  // The words themselves (srvr, mntr…) are commands: they stay as the server spells them.
  if (server.notAllowed?.length) rows.push([vscode.l10n.t('not allowed'), server.notAllowed.join(', ')]);
  return rows;
}

/** A server's role in the user's language (the report keeps the English word: health checks and context values use it). */
export function roleLabel(role: ServerReport['role']): string {
  switch (role) {
    case 'leader':
      return vscode.l10n.t('leader');
    case 'follower':
      return vscode.l10n.t('follower');
    case 'observer':
      return vscode.l10n.t('observer');
    case 'standalone':
      return vscode.l10n.t('standalone');
    case 'read-only':
      return vscode.l10n.t('read-only');
    default:
      return vscode.l10n.t('unknown');
  }
}

/** A server's state in the user's language. */
export function stateLabel(state: ServerReport['state']): string {
  switch (state) {
    case 'serving':
      return vscode.l10n.t('serving');
    case 'not serving':
      return vscode.l10n.t('not serving');
    default:
      return vscode.l10n.t('unreachable');
  }
}

/** "leader · serving" and the like: the description a server row shows. */
export function serverDescription(server: ServerReport): string {
  const parts = [server.role === 'unknown' ? undefined : roleLabel(server.role), stateLabel(server.state), server.version?.replace(/-.*$/, '')].filter(
    (p): p is string => !!p,
  );
  if (server.note) parts.push(vscode.l10n.t('not in the connect string'));
  return parts.join(' · ');
}

function serverIcon(server: ServerReport): vscode.ThemeIcon {
  if (server.state === 'unreachable') return new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  if (server.state === 'not serving') return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  switch (server.role) {
    case 'leader':
      return new vscode.ThemeIcon('star-full', new vscode.ThemeColor('charts.yellow'));
    case 'follower':
      return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
    case 'observer':
      return new vscode.ThemeIcon('eye', new vscode.ThemeColor('charts.blue'));
    case 'read-only':
      return new vscode.ThemeIcon('lock', new vscode.ThemeColor('charts.orange'));
    default:
      return new vscode.ThemeIcon('server', new vscode.ThemeColor('testing.iconPassed'));
  }
}

interface ConnectionState {
  report?: ClusterReport;
  error?: string;
  probing?: Promise<void>;
  /** Its row is expanded: poll it. */
  wanted: boolean;
}

export type SessionSort = 'id' | 'address' | 'latency' | 'ephemerals' | 'packets';
export const SESSION_SORTS: readonly { by: SessionSort; label: string }[] = [
  { by: 'id', label: 'Session id' },
  { by: 'address', label: 'Client address' },
  { by: 'latency', label: 'Average latency (slowest first)' },
  { by: 'ephemerals', label: 'Ephemeral nodes (most first)' },
  { by: 'packets', label: 'Packets received (busiest first)' },
];

/** A session order as the picker and the Sessions row show it, in the display language. */
export function sessionSortLabel(by: SessionSort): string {
  switch (by) {
    case 'id':
      return vscode.l10n.t('Session id');
    case 'address':
      return vscode.l10n.t('Client address');
    case 'latency':
      return vscode.l10n.t('Average latency (slowest first)');
    case 'ephemerals':
      return vscode.l10n.t('Ephemeral nodes (most first)');
    case 'packets':
      return vscode.l10n.t('Packets received (busiest first)');
  }
}

/** Sessions in the chosen order; ties by session id, so the order is stable between reads. */
export function sortSessions(sessions: readonly SessionWithEphemerals[], by: SessionSort): SessionWithEphemerals[] {
  const key = (s: SessionWithEphemerals): number | string => {
    switch (by) {
      case 'address':
        return s.address;
      case 'latency':
        return -(s.avgLatencyMs ?? -1);
      case 'ephemerals':
        return -s.ephemerals.length;
      case 'packets':
        return -(s.packetsReceived ?? -1);
      default:
        return 0;
    }
  };
  const byId = (a: SessionWithEphemerals, b: SessionWithEphemerals): number => (BigInt(a.sessionId) < BigInt(b.sessionId) ? -1 : BigInt(a.sessionId) > BigInt(b.sessionId) ? 1 : 0);
  return [...sessions].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka < kb) return -1;
    if (ka > kb) return 1;
    return byId(a, b);
  });
}

export class ClusterProvider implements vscode.TreeDataProvider<ClusterNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<ClusterNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly reportEmitter = new vscode.EventEmitter<{ connection: string; report: ClusterReport }>();
  /** Each finished probe (for tests and the metrics panel to come). */
  readonly onDidProbe = this.reportEmitter.event;
  private readonly states = new Map<string, ConnectionState>();
  private readonly items = new Map<string, ClusterConnectionItem>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private visible = false;
  /** How the Sessions rows are ordered (zookeeper.sortClusterSessions). */
  sessionSort: SessionSort = 'id';
  /** The Sessions rows read so far, to re-read them when the order changes. */
  private readonly sessionRows = new Set<ClusterSessionsItem>();

  constructor(
    private readonly source: ClusterSource,
    private readonly intervalMs: () => number,
  ) {
    this.subscriptions.push(
      source.onDidChangeConnections(() => {
        const names = new Set(source.connections().map((c) => c.name));
        for (const name of [...this.states.keys()]) if (!names.has(name)) this.states.delete(name);
        for (const name of [...this.items.keys()]) if (!names.has(name)) this.items.delete(name);
        this.changeEmitter.fire(undefined);
      }),
    );
  }

  /** Called by the view's visibility: polling runs only while someone can see it. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    this.reschedule();
    if (visible) void this.refreshAll();
  }

  /** Restarts the timer (after a change of the interval setting, or of visibility). */
  reschedule(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.visible) return;
    const interval = Math.max(1000, this.intervalMs());
    this.timer = setInterval(() => void this.refreshAll(), interval);
  }

  /** A row of a connection expanded: poll it (VS Code may reuse children it already has). */
  expanded(node: ClusterNode): void {
    if (node instanceof ClusterConnectionItem) {
      this.state(node.connection).wanted = true;
      void this.refresh(node.connection);
    }
  }

  /** A row of a connection collapsed: stop polling it. */
  collapsed(node: ClusterNode): void {
    if (node instanceof ClusterConnectionItem) this.state(node.connection).wanted = false;
  }

  /** Probes every expanded connection (each at most once at a time) and redraws. */
  async refreshAll(): Promise<void> {
    await Promise.all([...this.states.entries()].filter(([, s]) => s.wanted).map(([name]) => this.refresh(name)));
  }

  /** Probes one connection now (joins a probe already running) and redraws its row. */
  refresh(connection: string): Promise<void> {
    const state = this.state(connection);
    state.probing ??= this.source
      .probe(connection)
      .then(
        (report) => {
          state.report = report;
          state.error = undefined;
          this.reportEmitter.fire({ connection, report });
        },
        (error: unknown) => {
          state.error = error instanceof Error ? error.message : String(error);
        },
      )
      .finally(() => {
        state.probing = undefined;
        const item = this.items.get(connection);
        this.changeEmitter.fire(item);
      });
    return state.probing;
  }

  /** Orders the Sessions rows by `by` and reads the open ones again. */
  sortSessions(by: SessionSort): void {
    this.sessionSort = by;
    for (const row of this.sessionRows) this.changeEmitter.fire(row);
    this.sessionRows.clear();
  }

  report(connection: string): ClusterReport | undefined {
    return this.states.get(connection)?.report;
  }

  private state(connection: string): ConnectionState {
    let state = this.states.get(connection);
    if (!state) {
      state = { wanted: false };
      this.states.set(connection, state);
    }
    return state;
  }

  private connectionItem(name: string, connectString: string): ClusterConnectionItem {
    let item = this.items.get(name);
    if (!item || item.connectString !== connectString) {
      item = new ClusterConnectionItem(name, connectString);
      this.items.set(name, item);
    }
    return item;
  }

  getChildren(node?: ClusterNode): ClusterNode[] | Promise<ClusterNode[]> {
    if (!node) {
      const all = this.source.connections();
      if (all.length === 0) return [new ClusterMessageItem(vscode.l10n.t('No connections yet: add one in the ZooKeeper view.'))];
      return all.map((c) => this.connectionItem(c.name, c.connectString));
    }
    if (node instanceof ClusterConnectionItem) {
      const state = this.state(node.connection);
      state.wanted = true;
      if (!state.report && !state.error) return this.refresh(node.connection).then(() => this.connectionChildren(node.connection));
      return this.connectionChildren(node.connection);
    }
    if (node instanceof ClusterServerItem) {
      const rows = figureRows(node.server).map(([label, value]) => new ClusterFigureItem(label, value));
      if (node.server.reason) rows.unshift(new ClusterFigureItem(node.server.state === 'unreachable' ? vscode.l10n.t('unreachable') : vscode.l10n.t('not serving'), node.server.reason));
      if (node.server.note) rows.unshift(new ClusterFigureItem(vscode.l10n.t('note'), node.server.note));
      const children: ClusterNode[] = rows;
      if (node.server.state === 'serving') children.push(new ClusterSessionsItem(node.connection, node.server.address));
      return children;
    }
    if (node instanceof ClusterSessionsItem) {
      return this.source.sessions(node.connection, node.server).then((result) => {
        if (!result.ok) return [new ClusterMessageItem(vscode.l10n.t('Could not read the sessions: {0}', result.error), true)];
        this.sessionRows.add(node);
        const items: ClusterNode[] = sortSessions(result.sessions, this.sessionSort).map((session) => new ClusterSessionItem(node.connection, node.server, session));
        if (result.note) items.unshift(new ClusterMessageItem(result.note, false, true));
        if (result.sessions.length === 0) items.push(new ClusterMessageItem(vscode.l10n.t('No client sessions on this server.'), false, true));
        return items;
      });
    }
    if (node instanceof ClusterSessionItem) return node.session.ephemerals.map((path) => new ClusterEphemeralItem(node.connection, path));
    return [];
  }

  private connectionChildren(connection: string): ClusterNode[] {
    const state = this.state(connection);
    if (!state.report) return [new ClusterMessageItem(state.error ? vscode.l10n.t('Could not probe: {0}', state.error) : vscode.l10n.t('Probing…'), !!state.error)];
    return [...state.report.warnings.map((w) => new ClusterWarningItem(connection, w)), ...state.report.servers.map((s) => new ClusterServerItem(connection, s))];
  }

  getTreeItem(node: ClusterNode): vscode.TreeItem {
    if (node instanceof ClusterConnectionItem) {
      const all = this.source.connections();
      const item = new vscode.TreeItem(node.connection, all.length === 1 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `cluster:${node.connection}:${node.connectString}`;
      const report = this.states.get(node.connection)?.report;
      item.description = report ? summary(report) : node.connectString;
      // A Markdown tooltip: a plain-string one would also become the row's accessible name.
      item.tooltip = new vscode.MarkdownString(`**${node.connection}**: \`${node.connectString}\``);
      item.iconPath = new vscode.ThemeIcon(report?.warnings.some((w) => w.code !== 'recentElection') ? 'warning' : 'server-environment');
      item.contextValue = 'clusterConnection';
      return item;
    }
    if (node instanceof ClusterServerItem) {
      const s = node.server;
      const item = new vscode.TreeItem(s.address, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `cluster:${node.connection}:server:${s.address}`;
      item.description = serverDescription(s);
      item.iconPath = serverIcon(s);
      const tooltip = new vscode.MarkdownString(undefined, true);
      tooltip.appendMarkdown(`**${s.address}**${s.sid !== undefined ? ` (myid ${s.sid})` : ''} — ${roleLabel(s.role)}${vscode.l10n.t(', ')}${stateLabel(s.state)}\n\n`);
      if (s.reason) tooltip.appendText(`${s.reason}\n\n`);
      for (const [label, value] of figureRows(s)) tooltip.appendMarkdown(`- ${label}: \`${value}\`\n`);
      item.tooltip = tooltip;
      item.contextValue = `clusterServer.${s.state.replace(' ', '')}`;
      return item;
    }
    if (node instanceof ClusterWarningItem) {
      const item = new vscode.TreeItem(node.warning.message, vscode.TreeItemCollapsibleState.None);
      item.id = `cluster:${node.connection}:warning:${node.warning.code}:${node.warning.server ?? ''}`;
      item.iconPath = new vscode.ThemeIcon(node.warning.code === 'unreachable' || node.warning.code === 'mixedEnsembles' || node.warning.code === 'noLeader' ? 'error' : 'warning', new vscode.ThemeColor(node.warning.code === 'notAllowed' || node.warning.code === 'recentElection' ? 'list.warningForeground' : 'list.errorForeground'));
      item.tooltip = node.warning.message;
      item.contextValue = 'clusterWarning';
      return item;
    }
    if (node instanceof ClusterFigureItem) {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
      item.description = node.value;
      // Markdown, so the accessible name stays "label value" (a string tooltip would replace it).
      item.tooltip = new vscode.MarkdownString().appendText(`${node.label}: ${node.value}`);
      return item;
    }
    if (node instanceof ClusterSessionsItem) {
      const item = new vscode.TreeItem(vscode.l10n.t('Sessions'), vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `cluster:${node.connection}:sessions:${node.server}`;
      item.description = vscode.l10n.t('cons + dump, read when expanded · by {0}', sessionSortLabel(this.sessionSort).toLowerCase());
      item.contextValue = 'clusterSessions';
      item.tooltip = new vscode.MarkdownString().appendText(
        vscode.l10n.t(
          'The client sessions of this server (cons) and the ephemeral nodes each owns (dump on the leader). Both can be expensive for a busy server, so they are read only when you expand this row (collapse and expand it to read them again).',
        ),
      );
      item.iconPath = new vscode.ThemeIcon('plug');
      return item;
    }
    if (node instanceof ClusterSessionItem) {
      const s = node.session;
      const item = new vscode.TreeItem(s.sessionId, s.ephemerals.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = `cluster:${node.connection}:session:${node.server}:${s.sessionId}`;
      const parts = [s.address];
      if (s.timeoutMs !== undefined) parts.push(vscode.l10n.t('timeout {0} s', s.timeoutMs / 1000));
      if (s.lastOperation) parts.push(vscode.l10n.t('last {0}', s.lastOperation));
      if (s.avgLatencyMs !== undefined) parts.push(vscode.l10n.t('avg {0} ms', s.avgLatencyMs));
      parts.push(s.ephemerals.length === 1 ? vscode.l10n.t('1 ephemeral') : vscode.l10n.t('{0} ephemerals', s.ephemerals.length));
      item.description = parts.join(' · ');
      const tooltip = new vscode.MarkdownString();
      tooltip.appendMarkdown(vscode.l10n.t('**session {0}** from `{1}`', s.sessionId, s.address) + '\n\n');
      for (const [label, value] of [
        [vscode.l10n.t('timeout'), s.timeoutMs !== undefined ? `${s.timeoutMs} ms` : undefined],
        [vscode.l10n.t('last operation'), s.lastOperation],
        [vscode.l10n.t('latency last / avg / max'), s.lastLatencyMs !== undefined ? `${s.lastLatencyMs} / ${s.avgLatencyMs ?? '?'} / ${s.maxLatencyMs ?? '?'} ms` : undefined],
        [vscode.l10n.t('packets received / sent'), s.packetsReceived !== undefined ? `${s.packetsReceived} / ${s.packetsSent ?? '?'}` : undefined],
        [vscode.l10n.t('outstanding'), s.outstanding],
      ] as const) {
        if (value !== undefined) tooltip.appendMarkdown(`- ${label}: \`${value}\`\n`);
      }
      item.tooltip = tooltip;
      item.iconPath = new vscode.ThemeIcon('account');
      item.contextValue = 'clusterSession';
      return item;
    }
    if (node instanceof ClusterEphemeralItem) {
      const item = new vscode.TreeItem(node.path, vscode.TreeItemCollapsibleState.None);
      item.id = `cluster:${node.connection}:ephemeral:${node.path}`;
      item.iconPath = new vscode.ThemeIcon('symbol-event');
      item.tooltip = new vscode.MarkdownString().appendText(vscode.l10n.t('Ephemeral node {0}: click to show it in the explorer.', node.path));
      item.command = { command: this.source.revealCommand, title: vscode.l10n.t('Show in the Explorer'), arguments: [{ connection: node.connection, path: node.path }] };
      return item;
    }
    const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon(node.isError ? 'error' : node.isNote ? 'info' : 'loading~spin');
    return item;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.changeEmitter.dispose();
    this.reportEmitter.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

/** The connection row's description: how many servers, who leads, how many warnings. */
export function summary(report: ClusterReport): string {
  const serving = report.servers.filter((s) => s.state === 'serving').length;
  const parts = [vscode.l10n.t('{0}/{1} serving', serving, report.servers.length)];
  if (report.leader) parts.push(vscode.l10n.t('leader {0}', report.leader));
  else if (report.servers.length === 1 && report.servers[0].role === 'standalone') parts.push(vscode.l10n.t('standalone'));
  const warnings = report.warnings.length;
  if (warnings) parts.push(warnings === 1 ? vscode.l10n.t('1 warning') : vscode.l10n.t('{0} warnings', warnings));
  return parts.join(' · ');
}
