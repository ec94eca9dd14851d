import * as vscode from 'vscode';
import type { ConnectionSource as ZkConnection, ConnectionsSource as ConnectionManager } from './sources';
import { UserError } from '../zk/errors';
import { errorMessage, isZkError } from '../zk/errors';
import { parentPath } from '../zk/paths';
import { analyzeNode } from '../zk/recipes/analyze';
import { scanRecipes, type ScanResult } from '../zk/recipes/scan';
import type { RecipeAnalysis } from '../zk/recipes/types';
import { ParticipantItem, RecipeItem, ScanConnectionItem, participantTreeItem, recipeTreeItem, type CoordinationNode } from './coordinationItems';
import { MessageItem, messageTreeItem } from './explorerItems';
import { LiveChildren } from './liveChildren';

export interface ScanSettings {
  roots: string[];
  maxDepth: number;
  maxNodes: number;
}

export function scanSettings(): ScanSettings {
  const config = vscode.workspace.getConfiguration('zookeeper.coordination');
  const roots = config.get<string[]>('roots', ['/']).filter((r) => typeof r === 'string' && r.length > 0);
  return {
    roots: roots.length ? roots : ['/'],
    maxDepth: Math.max(0, Math.min(64, config.get<number>('maxDepth', 8))),
    maxNodes: Math.max(1, config.get<number>('maxNodes', 100_000)),
  };
}

interface TrackedRecipe {
  analysis: RecipeAnalysis;
  idle: boolean;
}

interface ConnectionScan {
  result?: ScanResult;
  settings?: ScanSettings;
  recipes: Map<string, TrackedRecipe>;
  running?: { controller: AbortController; visited: number; promise: Promise<void> };
  error?: string;
}

const key = (connection: string, path: string): string => `${connection}::${path}`;
/** Live keys that are not a recipe's own: the parent of recipes, and a sibling that may become one. */
const PARENT = '@parent:';
const CANDIDATE = '@candidate:';
/** Siblings are watched only under a parent with at most this many children. */
const MAX_SIBLINGS = 200;

/**
 * The Coordination view: every recognized recipe (locks, elections, semaphores, queues, service
 * registries) a bounded scan found on each connected cluster, each kept live with a children watch.
 */
export class CoordinationProvider implements vscode.TreeDataProvider<CoordinationNode>, vscode.Disposable {
  private readonly scans = new Map<string, ConnectionScan>();
  private readonly connectionItems = new Map<string, ScanConnectionItem>();
  private readonly recipeItems = new Map<string, RecipeItem>();
  private readonly changeEmitter = new vscode.EventEmitter<CoordinationNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly recipeEmitter = new vscode.EventEmitter<{ connection: string; path: string }>();
  /** A tracked recipe was re-read after a change on the server. */
  readonly onDidChangeRecipe = this.recipeEmitter.event;
  private readonly scanEmitter = new vscode.EventEmitter<string>();
  /** A scan of the named connection started (with the settings of that moment). */
  readonly onDidStartScan = this.scanEmitter.event;
  private readonly live = new LiveChildren((k) => this.onLiveChange(k));
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly connections: ConnectionManager,
    private readonly settings: () => ScanSettings = scanSettings,
  ) {
    this.subscriptions.push(
      connections.onDidChangeConnections(() => {
        // A connection removed (or replaced by one of the same name) takes its scan and watches along.
        for (const [name] of this.scans) {
          const now = connections.get(name);
          if (!now || this.connectionItems.get(name)?.connection !== now) this.forgetConnection(name);
        }
        this.changeEmitter.fire(undefined);
      }),
      connections.onDidChangeConnection((connection) => this.onConnectionChange(connection)),
      connections.onDidRenewSession((connection) => this.rearm(connection)),
    );
  }

  getTreeItem(node: CoordinationNode): vscode.TreeItem {
    switch (node.kind) {
      case 'scanConnection':
        return this.connectionTreeItem(node);
      case 'recipe':
        return recipeTreeItem(node);
      case 'participant':
        return participantTreeItem(node);
      case 'message':
        return messageTreeItem(node);
    }
  }

  private connectionTreeItem(item: ScanConnectionItem): vscode.TreeItem {
    const connection = item.connection;
    const scan = this.scans.get(connection.name);
    const t = new vscode.TreeItem(connection.name, vscode.TreeItemCollapsibleState.Expanded);
    t.id = `scan::${connection.name}`;
    t.iconPath = new vscode.ThemeIcon('server-environment');
    if (scan?.running) {
      t.description = vscode.l10n.t('scanning… {0} znodes', scan.running.visited.toLocaleString('en-US'));
      t.contextValue = 'zk.scanConnection.scanning';
    } else {
      t.contextValue = 'zk.scanConnection';
      if (!connection.isOpen) t.description = connection.statusText;
      else if (scan?.result) t.description = describeResult(scan.result, scan.recipes.size);
    }
    return t;
  }

  getParent(node: CoordinationNode): CoordinationNode | undefined {
    if (node.kind === 'recipe') return this.connectionItem(node.connection);
    if (node.kind === 'participant') return this.recipeItems.get(key(node.connection.name, node.recipePath));
    return undefined;
  }

  connectionItem(connection: ZkConnection): ScanConnectionItem {
    let item = this.connectionItems.get(connection.name);
    if (!item || item.connection !== connection) {
      item = new ScanConnectionItem(connection);
      this.connectionItems.set(connection.name, item);
    }
    return item;
  }

  getChildren(node?: CoordinationNode): CoordinationNode[] {
    if (!node) return this.connections.list().map((c) => this.connectionItem(c));
    if (node.kind === 'recipe') return node.analysis.participants.map((p) => new ParticipantItem(node.connection, node.path, node.analysis, p));
    if (node.kind !== 'scanConnection') return [];
    const connection = node.connection;
    const id = connection.name;
    if (!connection.isOpen) {
      return [new MessageItem(id, vscode.l10n.t('Connect to find its locks, leaders, queues and services'), 'plug', { command: 'zookeeper.connect', title: vscode.l10n.t('Connect'), arguments: [node] })];
    }
    const scan = this.scans.get(id);
    if (!scan || (!scan.result && !scan.running && !scan.error)) {
      this.startScan(connection);
      return [new MessageItem(id, vscode.l10n.t('Scanning…'), 'loading~spin')];
    }
    const items: CoordinationNode[] = [];
    if (scan.error) items.push(new MessageItem(id, scan.error, 'warning', { command: 'zookeeper.scanCoordination', title: vscode.l10n.t('Scan again'), arguments: [node] }));
    if (scan.running && scan.recipes.size === 0) items.push(new MessageItem(id, vscode.l10n.t('Scanning…'), 'loading~spin'));
    const result = scan.result;
    if (result?.cancelled) items.push(new MessageItem(id, vscode.l10n.t('Scan cancelled after {0} znodes: showing what it found', result.visited.toLocaleString('en-US')), 'debug-pause', this.rescanCommand(id)));
    if (result?.truncated) items.push(new MessageItem(id, vscode.l10n.t('Stopped at {0} znodes (zookeeper.coordination.maxNodes): narrow the roots or raise the limit', result.visited.toLocaleString('en-US')), 'warning', this.rescanCommand(id)));
    for (const root of result?.missingRoots ?? []) items.push(new MessageItem(id, vscode.l10n.t('{0} does not exist (zookeeper.coordination.roots)', root), 'circle-slash'));
    const paths = [...scan.recipes.keys()].sort();
    for (const path of paths) items.push(this.recipeItem(connection, path, scan.recipes.get(path)!));
    if (result && !scan.running && paths.length === 0) {
      const where = (scan.settings?.roots ?? []).join(', ');
      items.push(new MessageItem(id, vscode.l10n.t('No locks, leaders, queues or services under {0} ({1} znodes, depth {2})', where, result.visited.toLocaleString('en-US'), scan.settings?.maxDepth ?? '?'), 'info', this.rescanCommand(id)));
    }
    return items;
  }

  private rescanCommand(connection: string): vscode.Command {
    const zk = this.connections.get(connection);
    return { command: 'zookeeper.scanCoordination', title: vscode.l10n.t('Scan again'), arguments: zk ? [this.connectionItem(zk)] : [] };
  }

  /** One item per recipe, kept and updated in place: VS Code redraws (and re-lists) the object it was given. */
  private recipeItem(connection: ZkConnection, path: string, tracked: TrackedRecipe): RecipeItem {
    const k = key(connection.name, path);
    const existing = this.recipeItems.get(k);
    if (existing && existing.connection === connection) {
      existing.analysis = tracked.analysis;
      existing.idle = tracked.idle;
      return existing;
    }
    const item = new RecipeItem(connection, path, tracked.analysis, tracked.idle);
    this.recipeItems.set(k, item);
    return item;
  }

  /** The recipes the last scan found (and the live updates since), by path. */
  recipesOf(connection: string): Map<string, RecipeAnalysis> {
    return new Map([...(this.scans.get(connection)?.recipes ?? new Map<string, TrackedRecipe>())].map(([p, t]) => [p, t.analysis]));
  }

  lastScan(connection: string): ScanResult | undefined {
    return this.scans.get(connection)?.result;
  }

  isScanning(connection: string): boolean {
    return !!this.scans.get(connection)?.running;
  }

  /** Starts a scan (cancelling a running one) and resolves when it ends. */
  scan(connection: ZkConnection, token?: vscode.CancellationToken, onProgress?: (visited: number, found: number) => void): Promise<ScanResult | undefined> {
    this.cancel(connection.name);
    this.startScan(connection, onProgress);
    const running = this.scans.get(connection.name)?.running;
    token?.onCancellationRequested(() => running?.controller.abort());
    return (running?.promise ?? Promise.resolve()).then(() => {
      const scan = this.scans.get(connection.name);
      if (scan?.error) throw new UserError(scan.error);
      return scan?.result;
    });
  }

  cancel(connection: string): void {
    this.scans.get(connection)?.running?.controller.abort();
  }

  private startScan(connection: ZkConnection, onProgress?: (visited: number, found: number) => void): void {
    const client = connection.activeClient;
    if (!client) return;
    const name = connection.name;
    const previous = this.scans.get(name);
    const settings = this.settings();
    this.scanEmitter.fire(name);
    const scan: ConnectionScan = { recipes: previous?.recipes ?? new Map<string, TrackedRecipe>(), settings, result: previous?.result };
    const controller = new AbortController();
    const running: NonNullable<ConnectionScan['running']> = { controller, visited: 0, promise: Promise.resolve() };
    scan.running = running;
    this.scans.set(name, scan);
    let lastRedraw = 0;
    running.promise = scanRecipes(client, {
      roots: settings.roots,
      maxDepth: settings.maxDepth,
      maxNodes: settings.maxNodes,
      signal: controller.signal,
      onProgress: ({ visited, found }) => {
        running.visited = visited;
        onProgress?.(visited, found);
        if (Date.now() - lastRedraw > 500) {
          lastRedraw = Date.now();
          this.changeEmitter.fire(this.connectionItem(connection));
        }
      },
    }).then(
      async (result) => {
        if (this.scans.get(name) !== scan) return;
        const found = new Map(result.recipes.map((r) => [r.path, { analysis: r.analysis, idle: false }]));
        if (result.cancelled) {
          // An interrupted scan proves nothing gone: keep the recipes already known (they are live).
          for (const [path, tracked] of scan.recipes) if (!found.has(path)) found.set(path, tracked);
        } else {
          this.live.forget((k) => k.startsWith(`${name}::`));
        }
        scan.recipes = found;
        scan.result = result;
        scan.error = undefined;
        scan.running = undefined;
        this.changeEmitter.fire(this.connectionItem(connection));
        await Promise.all([...scan.recipes.keys()].map((path) => this.arm(connection, path)));
        // Siblings of the recipes found (an empty registry, a lock nobody took yet) are watched too.
        const parents = new Set([...scan.recipes.keys()].map((p) => parentPath(p)).filter((p): p is string => p !== undefined));
        await Promise.all([...parents].map((p) => this.recheckSiblings(connection, p)));
      },
      (error: unknown) => {
        if (this.scans.get(name) !== scan) return;
        scan.running = undefined;
        scan.error = vscode.l10n.t('The scan failed: {0}', errorMessage(error));
        this.changeEmitter.fire(this.connectionItem(connection));
      },
    );
  }

  /** Watches the recipe node's children (and, for nested layouts, the participants' parent). */
  private async arm(connection: ZkConnection, path: string): Promise<void> {
    const client = connection.activeClient;
    const tracked = this.scans.get(connection.name)?.recipes.get(path);
    if (!client || !tracked) return;
    const watched = new Set([path, ...tracked.analysis.participants.map((p) => parentPath(p.path) ?? '/')]);
    // kazoo LockingQueue: which entries are being processed lives under taken/, next to entries/.
    for (const p of [...watched]) if (p.endsWith('/entries') && tracked.analysis.kind === 'queue') watched.add(`${p.slice(0, -'/entries'.length)}/taken`);
    try {
      await Promise.all([...watched].map((p) => this.live.list(client, p, key(connection.name, path))));
    } catch (error) {
      if (isZkError(error, 'NONODE')) this.dropRecipe(connection, path);
    }
    // Recipes come in families (/locks/orders, /locks/payments, …): a new sibling is found without a rescan.
    const parent = parentPath(path);
    if (parent !== undefined) await this.live.list(client, parent, key(connection.name, `${PARENT}${parent}`)).catch(() => undefined);
  }

  private onLiveChange(k: string): void {
    const at = k.indexOf('::');
    const connection = this.connections.get(k.slice(0, at));
    const rest = k.slice(at + 2);
    if (!connection) return;
    if (rest.startsWith(PARENT)) void this.recheckSiblings(connection, rest.slice(PARENT.length));
    else if (rest.startsWith(CANDIDATE)) void this.recheckCandidate(connection, rest.slice(CANDIDATE.length));
    else void this.reanalyze(connection, rest);
  }

  /** The parent of known recipes changed: its new children may be recipes (now, or once they get children). */
  private async recheckSiblings(connection: ZkConnection, parent: string): Promise<void> {
    const client = connection.activeClient;
    const scan = this.scans.get(connection.name);
    if (!client || !scan) return;
    try {
      const names = await this.live.list(client, parent, key(connection.name, `${PARENT}${parent}`));
      if (names.length > MAX_SIBLINGS) return;
      const prefix = parent === '/' ? '/' : `${parent}/`;
      await Promise.all(names.map((n) => prefix + n).filter((p) => !scan.recipes.has(p)).map((p) => this.recheckCandidate(connection, p)));
    } catch {
      // The parent went away or cannot be listed: the known recipes say so themselves.
    }
  }

  /** A sibling of known recipes: watched until its children make it a recipe. */
  private async recheckCandidate(connection: ZkConnection, path: string): Promise<void> {
    const client = connection.activeClient;
    const scan = this.scans.get(connection.name);
    if (!client || !scan || scan.recipes.has(path)) return;
    const candidateKey = key(connection.name, `${CANDIDATE}${path}`);
    try {
      await this.live.list(client, path, candidateKey);
      const analysis = await analyzeNode(client, path);
      if (analysis.kind === 'unknown' || analysis.kind === 'counter' || scan.recipes.has(path) || this.scans.get(connection.name) !== scan) return;
      this.live.forget((k) => k === candidateKey);
      scan.recipes.set(path, { analysis, idle: false });
      await this.arm(connection, path);
      this.changeEmitter.fire(this.connectionItem(connection));
      this.recipeEmitter.fire({ connection: connection.name, path });
    } catch {
      this.live.forget((k) => k === candidateKey);
    }
  }

  /** Re-reads one recipe after its children changed; re-arms its watches first so nothing is missed. */
  async reanalyze(connection: ZkConnection, path: string): Promise<void> {
    const client = connection.activeClient;
    const scan = this.scans.get(connection.name);
    const tracked = scan?.recipes.get(path);
    if (!client || !scan || !tracked) return;
    try {
      await this.arm(connection, path);
      const analysis = await analyzeNode(client, path);
      if (scan.recipes.get(path) !== tracked) return;
      // Nobody left (a free lock, an empty semaphore or queue: its leases/entries node alone, or a
      // kazoo Semaphore's bare number): the recipe stays, idle. Only its node's deletion drops it.
      const next: TrackedRecipe =
        analysis.kind === 'unknown' || analysis.kind === 'counter'
          ? { analysis: { ...tracked.analysis, holders: [], waiters: [], participants: [], leader: undefined }, idle: true }
          : { analysis, idle: false };
      scan.recipes.set(path, next);
      await this.arm(connection, path);
      const item = this.recipeItems.get(key(connection.name, path));
      if (item && item.connection === connection) {
        item.analysis = next.analysis;
        item.idle = next.idle;
      }
      this.changeEmitter.fire(item ?? this.connectionItem(connection));
      this.recipeEmitter.fire({ connection: connection.name, path });
    } catch (error) {
      if (isZkError(error, 'NONODE')) this.dropRecipe(connection, path);
    }
  }

  private dropRecipe(connection: ZkConnection, path: string): void {
    const scan = this.scans.get(connection.name);
    if (!scan?.recipes.delete(path)) return;
    this.live.forget((k) => k === key(connection.name, path));
    this.recipeItems.delete(key(connection.name, path));
    this.changeEmitter.fire(this.connectionItem(connection));
    this.recipeEmitter.fire({ connection: connection.name, path });
  }

  private forgetConnection(name: string): void {
    this.cancel(name);
    this.scans.delete(name);
    this.live.forget((k) => k.startsWith(`${name}::`));
    for (const k of [...this.recipeItems.keys()]) if (k.startsWith(`${name}::`)) this.recipeItems.delete(k);
  }

  private onConnectionChange(connection: ZkConnection): void {
    if (!connection.isOpen) this.forgetConnection(connection.name);
    this.changeEmitter.fire(this.connectionItem(connection));
  }

  /** After a new session replaced an expired one the one-shot watches are gone: set them again and re-read. */
  private rearm(connection: ZkConnection): void {
    this.live.forget((k) => k.startsWith(`${connection.name}::`));
    for (const path of this.scans.get(connection.name)?.recipes.keys() ?? []) void this.reanalyze(connection, path);
  }

  dispose(): void {
    for (const scan of this.scans.values()) scan.running?.controller.abort();
    this.live.dispose();
    this.changeEmitter.dispose();
    this.recipeEmitter.dispose();
    this.scanEmitter.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

function describeResult(result: ScanResult, recipes: number): string {
  const seconds = (result.durationMs / 1000).toFixed(1);
  const found = recipes === 1 ? vscode.l10n.t('1 recipe') : vscode.l10n.t('{0} recipes', recipes);
  const visited = result.visited.toLocaleString('en-US');
  const scanned = result.cancelled
    ? vscode.l10n.t('{0} znodes scanned in {1} s (cancelled)', visited, seconds)
    : result.truncated
      ? vscode.l10n.t('{0} znodes scanned in {1} s (limit reached)', visited, seconds)
      : vscode.l10n.t('{0} znodes scanned in {1} s', visited, seconds);
  return `${found} · ${scanned}`;
}
