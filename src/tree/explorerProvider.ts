import * as vscode from 'vscode';
import type { ConnectionSource, ConnectionsSource } from './sources';
import { DisconnectedError } from '../zk/errors';
import { analyzeNode } from '../zk/recipes/analyze';
import type { RecipeAnalysis } from '../zk/recipes/types';
import { forEachLimit } from '../zk/concurrency';
import type { ChildListing } from './childListing';
import { describeRole } from './recipeRoles';
import { listChildren, loadStats } from './pageLoader';
import { ZkError, errorMessage } from '../zk/errors';
import { baseName, joinPath, parentPath } from '../zk/paths';
import type { ZnodeStat } from '../zk/stat';
import type { ZkClient } from '../zk/client';
import {
  ConnectionItem,
  MessageItem,
  RangeItem,
  ZnodeItem,
  connectionTreeItem,
  itemId,
  messageTreeItem,
  rangeId,
  znodeTooltip,
  rangeTreeItem,
  znodeTreeItem,
  type ExplorerNode,
} from './explorerItems';
import type { ChildRange } from './childListing';

/** What a row shows of a stat: a change in any of these redraws it. */
function rowFigures(stat: ZnodeStat): string {
  return `${stat.numChildren} ${stat.dataLength} ${stat.ephemeralOwner}`;
}

/** Above this many children a getChildren reply may exceed the server's jute.maxbuffer (1 MB) and drop the connection. */
export const HUGE_CHILD_COUNT = 100_000;
/** Nodes with more children than this are not analyzed for recipes (locks and registries are small). */
const RECIPE_MAX_CHILDREN = 500;
/** Collapsed children are analyzed only when they have at most this many children, and only this many per page. */
const RECIPE_MAX_CHILDREN_COLLAPSED = 100;
const RECIPE_MAX_SIBLINGS = 50;
/** Changes under an expanded node within this long make one refresh. */
const LIVE_DEBOUNCE_MS = 250;

/**
 * The ZooKeeper explorer: connections, then "/", then znodes, loaded lazily. ZooKeeper has no paged
 * listing, so one getChildren gives every name; a node with more children than a range holds shows
 * index ranges (rangeSize each) that expand on demand, and only the rows shown get stats. Every
 * child is so at most one more click away, and nothing is fetched or sent twice.
 */
export class ExplorerProvider implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly listings = new Map<string, ChildListing>();
  private readonly connectionItems = new Map<string, ConnectionItem>();
  /** The element objects handed to VS Code, by id: refreshes and reveal must pass those same objects. */
  private readonly znodeItems = new Map<string, ZnodeItem>();
  private readonly filters = new Map<string, string>();
  private readonly pins = new Map<string, Set<string>>();
  private readonly hugeAllowed = new Set<string>();
  private readonly liveTimers = new Map<string, NodeJS.Timeout>();
  /** Listings being read, so that getParent (reveal) and getChildren share one getChildren request. */
  private readonly pendingListings = new Map<string, Promise<ChildListing>>();
  /** The range elements handed to VS Code, by id (refreshes and reveal must pass those same objects). */
  private readonly rangeItems = new Map<string, RangeItem>();
  /** Recognized coordination recipes, per listing (a new listing, e.g. after a live refresh, is analyzed again). */
  private readonly recipes = new WeakMap<ChildListing, RecipeAnalysis>();
  private readonly recipeOf = new Map<string, RecipeAnalysis>();
  /** Which watches a node has, for its mark in the tree. */
  watchedKinds: (connection: string, path: string) => readonly string[] = () => [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly connections: ConnectionsSource) {
    this.disposables.push(
      connections.onDidChangeConnections(() => {
        this.connectionItems.clear();
        this.changeEmitter.fire(undefined);
      }),
      connections.onDidChangeConnection((connection) => {
        if (!connection.isOpen) this.forget(connection.name);
        this.changeEmitter.fire(this.connectionItem(connection));
      }),
    );
  }

  /** Children shown directly under a node; more are grouped into ranges of this many. */
  rangeSize(): number {
    return Math.max(10, vscode.workspace.getConfiguration('zookeeper').get<number>('tree.pageSize', 500));
  }

  connectionItem(connection: ConnectionSource): ConnectionItem {
    let item = this.connectionItems.get(connection.name);
    if (!item || item.connection !== connection) {
      item = new ConnectionItem(connection);
      this.connectionItems.set(connection.name, item);
    }
    return item;
  }

  getTreeItem(element: ExplorerNode): vscode.TreeItem {
    switch (element.kind) {
      case 'connection':
        return connectionTreeItem(element);
      case 'znode':
        return znodeTreeItem(element, {
          filter: this.filters.get(itemId(element.connection.name, element.path)),
          watched: this.watchedKinds(element.connection.name, element.path),
          recipe: this.recipeOf.get(itemId(element.connection.name, element.path))?.summary,
          role: this.roleOf(element.connection.name, element.path),
        });
      case 'range':
        return rangeTreeItem(element);
      case 'message':
        return messageTreeItem(element);
    }
  }

  /**
   * A node row's tooltip, built when the row is hovered (VS Code calls this only for rows whose
   * tooltip getTreeItem left out): from the element's current stat, recipe and role.
   */
  resolveTreeItem(item: vscode.TreeItem, element: ExplorerNode): vscode.TreeItem {
    if (element.kind === 'znode' && item.tooltip === undefined) {
      const key = itemId(element.connection.name, element.path);
      item.tooltip = znodeTooltip(element, { recipe: this.recipeOf.get(key)?.summary, role: this.roleOf(element.connection.name, element.path) });
    }
    return item;
  }

  async getParent(element: ExplorerNode): Promise<ExplorerNode | undefined> {
    if (element.kind === 'connection' || element.kind === 'message') return undefined;
    if (element.kind === 'range') return this.znodeItem(element.connection, element.parentPath, undefined);
    const { connection, path } = element;
    if (path === '/') return this.connectionItem(connection);
    const parent = parentPath(path) ?? '/';
    const parentItem = this.znodeItem(connection, parent, undefined);
    // In a wide node the child sits in a range: reveal (Go to Path) needs that range, so the parent is
    // listed here when it was not yet (the expansion that follows uses the same listing).
    const listing = await this.listing(connection, parent).catch(() => undefined);
    const range = listing?.rangeOf(baseName(path), this.rangeSize());
    return range ? this.rangeItem(connection, parent, range) : parentItem;
  }

  async getChildren(element?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!element) return this.connections.list().map((c) => this.connectionItem(c));
    if (element.kind === 'connection' || element.kind === 'znode') {
      const waiting = this.waitingMessage(element);
      if (waiting) return [waiting];
    }
    if (element.kind === 'connection') return this.rootOf(element.connection);
    if (element.kind === 'znode') return this.childrenOf(element.connection, element.path);
    if (element.kind === 'range') return this.childrenOfRange(element);
    return [];
  }

  /** While a session is being re-established, say so instead of waiting for requests to time out. */
  private waitingMessage(element: ConnectionItem | ZnodeItem): MessageItem | undefined {
    const { connection } = element;
    const status = connection.status;
    if (!connection.isOpen || (status !== 'suspended' && status !== 'expired')) return undefined;
    const id = element.kind === 'connection' ? itemId(connection.name, '') : itemId(connection.name, element.path);
    const text = status === 'expired' ? vscode.l10n.t('Session expired: starting a new one with {0}…', connection.name) : vscode.l10n.t('Reconnecting to {0}…', connection.name);
    return new MessageItem(id, text, 'sync~spin', undefined, vscode.l10n.t('The tree updates by itself when the connection is back.'));
  }

  private async rootOf(connection: ConnectionSource): Promise<ExplorerNode[]> {
    const id = itemId(connection.name, '');
    try {
      const client = await connection.connect();
      const stat = await client.exists('/');
      return [this.znodeItem(connection, '/', stat)];
    } catch (error) {
      if (error instanceof DisconnectedError) {
        // The user disconnected it: the tree says so and waits for the user's Connect.
        return [
          new MessageItem(id, vscode.l10n.t('Disconnected — Connect'), 'debug-disconnect', { command: 'zookeeper.connect', title: vscode.l10n.t('Connect'), arguments: [this.connectionItem(connection)] }, vscode.l10n.t('Disconnected — Connect: you disconnected {0}; nothing reconnects it until you click here (or run ZooKeeper: Connect).', connection.name)),
        ];
      }
      return [new MessageItem(id, vscode.l10n.t('Not connected: {0}', errorMessage(error)), 'warning', { command: 'zookeeper.connect', title: vscode.l10n.t('Retry'), arguments: [this.connectionItem(connection)] }, `${errorMessage(error)}\n\n${vscode.l10n.t('Click to try again.')}`)];
    }
  }

  /** The node's listing: the one kept, or a new one read from the server (one request for concurrent callers). */
  private listing(connection: ConnectionSource, path: string): Promise<ChildListing> {
    const key = itemId(connection.name, path);
    const kept = this.listings.get(key);
    if (kept) return Promise.resolve(kept);
    let pending = this.pendingListings.get(key);
    if (!pending) {
      pending = this.readListing(connection, path).finally(() => this.pendingListings.delete(key));
      this.pendingListings.set(key, pending);
    }
    return pending;
  }

  private async readListing(connection: ConnectionSource, path: string): Promise<ChildListing> {
    const key = itemId(connection.name, path);
    const client = await connection.connect();
    const listing = await listChildren(client, path, () => this.onChildrenChanged(connection, path));
    listing.setFilter(this.filters.get(key));
    for (const name of this.pins.get(key) ?? []) listing.pin(name);
    this.listings.set(key, listing);
    // The listing read the node's own stat too: its element takes it, for the row's next redraw. Not
    // redrawn from here: a redraw of an expanded node makes VS Code drop and ask again for all its
    // children, and a range the user opens meanwhile comes back empty ("No tree item with id" in the
    // extension host; the 50,000-child bench hung on it). A live change redraws the row itself (relist).
    if (listing.parentStat) this.updateStat(connection, path, listing.parentStat);
    if (listing.names.length > 0 && listing.names.length <= RECIPE_MAX_CHILDREN) this.recognize(connection, path, listing);
    return listing;
  }

  private async childrenOf(connection: ConnectionSource, path: string): Promise<ExplorerNode[]> {
    const key = itemId(connection.name, path);
    try {
      const client = await connection.connect();
      if (!this.listings.has(key)) {
        const known = this.znodeItems.get(key)?.stat;
        if (known && known.numChildren > HUGE_CHILD_COUNT && !this.hugeAllowed.has(key)) {
          return [
            new MessageItem(key, vscode.l10n.t("{0} children: listing them may exceed the server's 1 MB reply limit (jute.maxbuffer) — click to list anyway", known.numChildren.toLocaleString('en-US')), 'warning', {
              command: 'zookeeper.refresh',
              title: vscode.l10n.t('List anyway'),
              arguments: [{ connection: connection.name, path, listHuge: true }],
            }),
          ];
        }
      }
      const listing = await this.listing(connection, path);
      const items: ExplorerNode[] = [];
      if (listing.filter !== undefined) {
        items.push(
          new MessageItem(key, vscode.l10n.t('Filter "{0}": {1} of {2} children', listing.filter, listing.matchCount.toLocaleString('en-US'), listing.names.length.toLocaleString('en-US')), 'filter', {
            command: 'zookeeper.clearFilter',
            title: vscode.l10n.t('Clear filter'),
            arguments: [{ connection: connection.name, path }],
          }, vscode.l10n.t('Click to clear the filter')),
        );
      }
      const ranges = listing.ranges(this.rangeSize());
      // A wide node shows its ranges at once (no stat needed); a narrow one its children with their stats.
      for (const range of ranges) items.push(this.rangeItem(connection, path, range));
      const names = ranges.length > 0 ? listing.hiddenPins() : [...listing.matches, ...listing.hiddenPins()];
      items.push(...(await this.rowsOf(client, connection, path, listing, names)));
      return items;
    } catch (error) {
      this.listings.delete(key);
      return [this.listingError(connection, path, error)];
    }
  }

  /** The children in one range of a wide node. */
  private async childrenOfRange(range: RangeItem): Promise<ExplorerNode[]> {
    const { connection, parentPath: path } = range;
    try {
      const client = await connection.connect();
      const listing = await this.listing(connection, path);
      return await this.rowsOf(client, connection, path, listing, listing.slice(range.start, range.end));
    } catch (error) {
      this.listings.delete(itemId(connection.name, path));
      return [this.listingError(connection, path, error)];
    }
  }

  /** Rows for these children: stats read for those that lack one (pipelined); new ones are checked for recipes. */
  private async rowsOf(client: ZkClient, connection: ConnectionSource, path: string, listing: ChildListing, names: readonly string[]): Promise<ZnodeItem[]> {
    const fresh = names.filter((name) => !listing.stats.has(name));
    const entries = await loadStats(client, path, listing, names);
    if (fresh.length > 0) {
      const freshSet = new Set(fresh);
      this.recognizeChildren(connection, path, entries.filter((e) => freshSet.has(e.name)));
    }
    return entries.map(({ name, stat }) => this.znodeItem(connection, joinPath(path, name), stat));
  }

  private listingError(connection: ConnectionSource, path: string, error: unknown): MessageItem {
    const key = itemId(connection.name, path);
    if (error instanceof ZkError && error.code === 'NOAUTH') {
      return new MessageItem(key, vscode.l10n.t('Not authorized to list the children: set digest credentials'), 'lock', { command: 'zookeeper.setCredentials', title: vscode.l10n.t('Set Credentials'), arguments: [this.connectionItem(connection)] }, error.message);
    }
    if (error instanceof ZkError && error.code === 'NONODE') {
      return new MessageItem(key, vscode.l10n.t('This node no longer exists; refresh its parent'), 'circle-slash', undefined, error.message);
    }
    return new MessageItem(key, errorMessage(error), 'warning', { command: 'zookeeper.refresh', title: vscode.l10n.t('Retry'), arguments: [this.znodeItem(connection, path, undefined)] });
  }

  /** The registered element for a range of a node's children (its first and last names kept current). */
  private rangeItem(connection: ConnectionSource, path: string, range: ChildRange): RangeItem {
    const id = rangeId(connection.name, path, range.start, range.end);
    const existing = this.rangeItems.get(id);
    if (existing && existing.connection === connection) {
      existing.first = range.first;
      existing.last = range.last;
      return existing;
    }
    const item = new RangeItem(connection, path, range.start, range.end, range.first, range.last);
    this.rangeItems.set(id, item);
    return item;
  }

  /**
   * Finds out in the background whether an expanded node is a lock, an election, a queue, a
   * semaphore or a service registry, then redraws it and its children with their roles.
   */
  private recognize(connection: ConnectionSource, path: string, listing: ChildListing): void {
    const client = connection.activeClient;
    if (!client) return;
    const key = itemId(connection.name, path);
    analyzeNode(client, path).then(
      (analysis) => {
        if (this.listings.get(key) !== listing) return; // re-listed meanwhile: that listing gets its own analysis
        if (analysis.kind === 'unknown') {
          if (this.recipeOf.delete(key)) this.changeEmitter.fire(this.nodeFor(connection, path));
          return;
        }
        this.recipes.set(listing, analysis);
        this.recipeOf.set(key, analysis);
        this.changeEmitter.fire(this.nodeFor(connection, path));
      },
      () => undefined, // the tree shows the node anyway; recognition is a bonus
    );
  }

  /**
   * Shown children that have a few children of their own may be locks, elections, queues or
   * registries: analyze them in the background (a few at a time) so their description says so
   * before anyone expands them.
   */
  private recognizeChildren(connection: ConnectionSource, parent: string, entries: readonly { name: string; stat: ZnodeStat }[]): void {
    const client = connection.activeClient;
    if (!client) return;
    const candidates = entries.filter((e) => e.stat.numChildren > 0 && e.stat.numChildren <= RECIPE_MAX_CHILDREN_COLLAPSED).slice(0, RECIPE_MAX_SIBLINGS);
    void forEachLimit(candidates, 4, async ({ name }) => {
      const path = joinPath(parent, name);
      const key = itemId(connection.name, path);
      try {
        const analysis = await analyzeNode(client, path);
        const known = analysis.kind !== 'unknown';
        if (known) this.recipeOf.set(key, analysis);
        if (known || this.recipeOf.delete(key)) this.changeEmitter.fire(this.znodeItems.get(key));
      } catch {
        // Recognition is a bonus: the node is shown anyway.
      }
    });
  }

  private reanalyze(connection: ConnectionSource, path: string): void {
    const client = connection.activeClient;
    if (!client) return;
    const key = itemId(connection.name, path);
    analyzeNode(client, path).then(
      (analysis) => {
        if (analysis.kind === 'unknown') this.recipeOf.delete(key);
        else this.recipeOf.set(key, analysis);
        this.changeEmitter.fire(this.nodeFor(connection, path));
      },
      () => undefined,
    );
  }

  /** The recognized recipe of a node, if its children were listed and matched one. */
  recipeAt(connection: string, path: string): RecipeAnalysis | undefined {
    return this.recipeOf.get(itemId(connection, path));
  }

  /** The role of a child in its parent's recognized recipe ("holds the lock", "waiting on …", "leader"). */
  private roleOf(connection: string, path: string): string | undefined {
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    const analysis = this.recipeOf.get(itemId(connection, parent));
    if (!analysis) return undefined;
    return describeRole(analysis, path);
  }

  /** A one-shot children watch of a listed node fired: re-list it soon (live tree), debounced. */
  private onChildrenChanged(connection: ConnectionSource, path: string): void {
    const key = itemId(connection.name, path);
    if (!vscode.workspace.getConfiguration('zookeeper').get<boolean>('tree.live', true)) return;
    if (this.liveTimers.has(key)) return;
    this.liveTimers.set(
      key,
      setTimeout(() => {
        this.liveTimers.delete(key);
        this.relist(connection, path);
      }, LIVE_DEBOUNCE_MS),
    );
  }

  /** Drops a node's listing and redraws it: VS Code lists it again (expanded ranges stay expanded: their ids are positions). */
  private relist(connection: ConnectionSource, path: string): void {
    const key = itemId(connection.name, path);
    this.listings.delete(key);
    // A recognized recipe (a lock changing hands, an instance going) is re-read even while collapsed.
    if (this.recipeOf.has(key)) this.reanalyze(connection, path);
    // The node's stat first, so that the one redraw shows its new figures (child count): the listing
    // VS Code then asks for does not redraw the row a second time.
    void this.restat(connection, path).then(() => this.changeEmitter.fire(this.nodeFor(connection, path)));
  }

  /** Redraws items (watch marks, descriptions) without asking the server again. */
  redraw(): void {
    this.changeEmitter.fire(undefined);
  }

  /** Lists a node with very many children despite the warning. */
  allowHuge(connection: ConnectionSource, path: string): void {
    this.hugeAllowed.add(itemId(connection.name, path));
  }

  /** Narrows a node's children by a glob or substring (undefined clears it). Returns matched and total counts once listed. */
  setFilter(connection: ConnectionSource, path: string, filter: string | undefined): void {
    const key = itemId(connection.name, path);
    if (filter?.trim()) this.filters.set(key, filter.trim());
    else this.filters.delete(key);
    this.listings.get(key)?.setFilter(this.filters.get(key));
    this.changeEmitter.fire(this.znodeItems.get(key));
  }

  filterOf(connection: ConnectionSource, path: string): string | undefined {
    return this.filters.get(itemId(connection.name, path));
  }

  listingOf(connection: ConnectionSource, path: string): ChildListing | undefined {
    return this.listings.get(itemId(connection.name, path));
  }

  /** Makes sure `path` will be among its parent's children even when the filter hides it (for Go to Path and reveal). */
  pin(connection: ConnectionSource, path: string): void {
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    const key = itemId(connection.name, parent);
    const name = path.slice(path.lastIndexOf('/') + 1);
    const pins = this.pins.get(key) ?? new Set<string>();
    pins.add(name);
    this.pins.set(key, pins);
    const listing = this.listings.get(key);
    if (!listing || listing.pinned.has(name)) return;
    listing.pin(name);
    // The filter hides it and VS Code already holds the parent's children (the filter's rows): without
    // a redraw, the reveal that follows finds no such row and Go to Path selects nothing (seen in e2e:
    // Go to Path into a filtered wide node). A reveal waits for the tree's pending refresh.
    if (listing.hiddenPins().includes(name)) this.changeEmitter.fire(this.znodeItem(connection, parent, undefined));
  }

  /** Reloads one node (or connection, or everything); expanded descendants keep their expansion. */
  refresh(element?: ExplorerNode): void {
    if (!element) {
      this.listings.clear();
      this.changeEmitter.fire(undefined);
      return;
    }
    if (element.kind === 'connection') {
      this.forget(element.connection.name);
      this.changeEmitter.fire(this.connectionItem(element.connection));
      return;
    }
    if (element.kind === 'znode') {
      const { connection, path } = element;
      const prefix = itemId(connection.name, path);
      for (const key of [...this.listings.keys()]) {
        if (key === prefix || key.startsWith(prefix === itemId(connection.name, '/') ? prefix : prefix + '/')) this.listings.delete(key);
      }
      // The row's own figures (a leaf that got a child needs its expand arrow) come from its stat:
      // read it again first, so the redraw shows them.
      void this.restat(connection, path).then(() => this.changeEmitter.fire(this.nodeFor(connection, path)));
    }
  }

  /**
   * A node changed through this window (saved in an editor, created, deleted): its row and its
   * parent's (child count) read their stats again, and a listed parent lists again.
   */
  nodeChanged(connectionName: string, path: string): void {
    const connection = this.connections.list().find((c) => c.name === connectionName);
    const client = connection?.isOpen ? connection.activeClient : undefined;
    if (!connection || !client) return;
    const parent = parentPath(path);
    // Only rows the tree has shown have figures to keep right.
    if (!this.znodeItems.has(itemId(connectionName, path)) && (parent === undefined || !this.znodeItems.has(itemId(connectionName, parent)))) return;
    void (async () => {
      const stat = await client.exists(path).catch(() => null);
      if (stat === null) return; // could not ask: the next listing or refresh reads the figures
      if (stat && this.updateStat(connection, path, stat)) this.changeEmitter.fire(this.znodeItems.get(itemId(connection.name, path)));
      if (parent === undefined) return;
      const parentKey = itemId(connection.name, parent);
      const listing = this.listings.get(parentKey);
      if (listing && listing.has(baseName(path)) !== (stat !== undefined)) {
        this.relist(connection, parent); // which reads the parent's stat too
        return;
      }
      if (await this.restat(connection, parent)) this.changeEmitter.fire(this.znodeItems.get(parentKey));
    })();
  }

  /** Reads a node's stat again and updates its row's element; true when what the row shows changed. */
  private async restat(connection: ConnectionSource, path: string): Promise<boolean> {
    const client = connection.activeClient; // never reconnects by itself: a disconnected tree stays so
    if (!client) return false;
    try {
      const stat = await client.exists(path);
      return stat ? this.updateStat(connection, path, stat) : false;
    } catch {
      return false; // the row keeps its figures; the next listing or refresh reads them again
    }
  }

  /** Puts a newer stat on a node's element and in its parent's listing; true when the row's figures changed. */
  private updateStat(connection: ConnectionSource, path: string, stat: ZnodeStat): boolean {
    if (path !== '/') {
      const listing = this.listings.get(itemId(connection.name, parentPath(path) ?? '/'));
      const name = baseName(path);
      if (listing?.stats.has(name)) listing.stats.set(name, stat);
    }
    const item = this.znodeItems.get(itemId(connection.name, path));
    if (!item || item.connection !== connection) return false;
    const before = item.stat;
    if (before && stat.mzxid < before.mzxid && stat.pzxid < before.pzxid) return false; // an older read answered late
    item.stat = stat;
    return !before || rowFigures(before) !== rowFigures(stat);
  }

  /** The element VS Code knows for this node (undefined: refresh everything). */
  private nodeFor(connection: ConnectionSource, path: string): ExplorerNode | undefined {
    // The root item is fetched by rootOf; refreshing the connection re-reads its stat too.
    if (path === '/') return this.connectionItem(connection);
    return this.znodeItems.get(itemId(connection.name, path));
  }

  /** The registered element for a node, updated with a newer stat when one is given. */
  znodeItem(connection: ConnectionSource, path: string, stat: ZnodeStat | undefined): ZnodeItem {
    const id = itemId(connection.name, path);
    const existing = this.znodeItems.get(id);
    if (existing && existing.connection === connection) {
      if (stat) existing.stat = stat;
      return existing;
    }
    const item = new ZnodeItem(connection, path, stat);
    this.znodeItems.set(id, item);
    return item;
  }

  private forget(connection: string): void {
    const prefix = itemId(connection, '');
    for (const key of [...this.listings.keys()]) if (key.startsWith(prefix)) this.listings.delete(key);
    for (const key of [...this.znodeItems.keys()]) if (key.startsWith(prefix)) this.znodeItems.delete(key);
    for (const key of [...this.recipeOf.keys()]) if (key.startsWith(prefix)) this.recipeOf.delete(key);
    for (const key of [...this.rangeItems.keys()]) if (key.startsWith(prefix)) this.rangeItems.delete(key);
  }

  dispose(): void {
    for (const timer of this.liveTimers.values()) clearTimeout(timer);
    for (const d of this.disposables) d.dispose();
    this.changeEmitter.dispose();
  }
}
