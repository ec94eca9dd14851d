import * as vscode from 'vscode';
import type { ConnectionManager } from '../extension/connections/connectionManager';
import type { ZkConnection } from '../extension/connections/zkConnection';
import { forEachLimit } from '../zk/concurrency';
import { ZkError, errorMessage } from '../zk/errors';
import { joinPath, sortChildren } from '../zk/paths';
import type { ZnodeStat } from '../zk/stat';
import {
  ConnectionItem,
  LoadMoreItem,
  MessageItem,
  ZnodeItem,
  connectionTreeItem,
  itemId,
  loadMoreTreeItem,
  messageTreeItem,
  znodeTreeItem,
  type ExplorerNode,
} from './explorerItems';

/** Stats are fetched only for the shown page, with this many requests in flight. */
const STAT_CONCURRENCY = 64;

interface ChildListing {
  /** All children, sorted (sequential siblings in sequence order). */
  names: string[];
  /** How many of them are shown. */
  shown: number;
  /** Stats fetched so far, by name. */
  stats: Map<string, ZnodeStat>;
}

/**
 * The ZooKeeper explorer: connections, then "/", then znodes, loaded lazily. ZooKeeper has no paged
 * listing, so one getChildren gives the names and only the shown page gets stats.
 */
export class ExplorerProvider implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly listings = new Map<string, ChildListing>();
  private readonly connectionItems = new Map<string, ConnectionItem>();
  /** The element objects handed to VS Code, by id: refreshes and reveal must pass those same objects. */
  private readonly znodeItems = new Map<string, ZnodeItem>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly connections: ConnectionManager) {
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

  pageSize(): number {
    return Math.max(10, vscode.workspace.getConfiguration('zookeeper').get<number>('tree.pageSize', 500));
  }

  connectionItem(connection: ZkConnection): ConnectionItem {
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
        return znodeTreeItem(element);
      case 'loadMore':
        return loadMoreTreeItem(element, this.pageSize());
      case 'message':
        return messageTreeItem(element);
    }
  }

  getParent(element: ExplorerNode): ExplorerNode | undefined {
    if (element.kind === 'connection' || element.kind === 'message') return undefined;
    const path = element.kind === 'znode' ? element.path : element.parentPath;
    if (element.kind === 'znode' && path === '/') return this.connectionItem(element.connection);
    const parent = element.kind === 'loadMore' ? path : path.slice(0, path.lastIndexOf('/')) || '/';
    return this.znodeItem(element.connection, parent, undefined);
  }

  async getChildren(element?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!element) return this.connections.list().map((c) => this.connectionItem(c));
    if (element.kind === 'connection') return this.rootOf(element.connection);
    if (element.kind === 'znode') return this.childrenOf(element.connection, element.path);
    return [];
  }

  private async rootOf(connection: ZkConnection): Promise<ExplorerNode[]> {
    const id = itemId(connection.name, '');
    try {
      const client = await connection.connect();
      const stat = await client.exists('/');
      return [this.znodeItem(connection, '/', stat)];
    } catch (error) {
      return [new MessageItem(id, `Not connected: ${errorMessage(error)}`, 'warning', { command: 'zookeeper.connect', title: 'Retry', arguments: [this.connectionItem(connection)] }, `${errorMessage(error)}\n\nClick to try again.`)];
    }
  }

  private async childrenOf(connection: ZkConnection, path: string): Promise<ExplorerNode[]> {
    const key = itemId(connection.name, path);
    try {
      const client = await connection.connect();
      let listing = this.listings.get(key);
      if (!listing) {
        const { children } = await client.getChildren(path);
        listing = { names: sortChildren(children), shown: 0, stats: new Map() };
        this.listings.set(key, listing);
      }
      listing.shown = Math.min(listing.names.length, Math.max(listing.shown, this.pageSize()));
      const page = listing.names.slice(0, listing.shown);
      const missing = page.filter((name) => !listing.stats.has(name));
      const stats = listing.stats;
      await forEachLimit(missing, STAT_CONCURRENCY, async (name) => {
        const stat = await client.exists(joinPath(path, name));
        if (stat) stats.set(name, stat);
      });
      const items: ExplorerNode[] = page.filter((name) => stats.has(name)).map((name) => this.znodeItem(connection, joinPath(path, name), stats.get(name)));
      const remaining = listing.names.length - listing.shown;
      if (remaining > 0) items.push(new LoadMoreItem(connection, path, remaining));
      return items;
    } catch (error) {
      this.listings.delete(key);
      if (error instanceof ZkError && error.code === 'NOAUTH') {
        return [new MessageItem(key, 'Not authorized to list the children: set digest credentials', 'lock', { command: 'zookeeper.setCredentials', title: 'Set Credentials', arguments: [this.connectionItem(connection)] }, error.message)];
      }
      if (error instanceof ZkError && error.code === 'NONODE') {
        return [new MessageItem(key, 'This node no longer exists; refresh its parent', 'circle-slash', undefined, error.message)];
      }
      return [new MessageItem(key, errorMessage(error), 'warning', { command: 'zookeeper.refresh', title: 'Retry', arguments: [this.znodeItem(connection, path, undefined)] })];
    }
  }

  /** Shows the next page under a node. */
  loadMore(item: LoadMoreItem): void {
    const listing = this.listings.get(itemId(item.connection.name, item.parentPath));
    if (listing) listing.shown = Math.min(listing.names.length, listing.shown + this.pageSize());
    this.changeEmitter.fire(this.nodeFor(item.connection, item.parentPath));
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
      const prefix = itemId(element.connection.name, element.path);
      for (const key of [...this.listings.keys()]) {
        if (key === prefix || key.startsWith(prefix === itemId(element.connection.name, '/') ? prefix : prefix + '/')) this.listings.delete(key);
      }
      this.changeEmitter.fire(this.nodeFor(element.connection, element.path));
    }
  }

  /** The element VS Code knows for this node (undefined: refresh everything). */
  private nodeFor(connection: ZkConnection, path: string): ExplorerNode | undefined {
    // The root item is fetched by rootOf; refreshing the connection re-reads its stat too.
    if (path === '/') return this.connectionItem(connection);
    return this.znodeItems.get(itemId(connection.name, path));
  }

  /** The registered element for a node, updated with a newer stat when one is given. */
  znodeItem(connection: ZkConnection, path: string, stat: ZnodeStat | undefined): ZnodeItem {
    const id = itemId(connection.name, path);
    const existing = this.znodeItems.get(id);
    if (existing && existing.connection === connection && (!stat || existing.stat === stat)) return existing;
    const item = new ZnodeItem(connection, path, stat ?? existing?.stat);
    this.znodeItems.set(id, item);
    return item;
  }

  private forget(connection: string): void {
    const prefix = itemId(connection, '');
    for (const key of [...this.listings.keys()]) if (key.startsWith(prefix)) this.listings.delete(key);
    for (const key of [...this.znodeItems.keys()]) if (key.startsWith(prefix)) this.znodeItems.delete(key);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.changeEmitter.dispose();
  }
}
