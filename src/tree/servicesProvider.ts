import * as vscode from 'vscode';
import type { ConnectionSource as ZkConnection, ConnectionsSource as ConnectionManager } from './sources';
import type { ZkClient } from '../zk/client';
import { forEachLimit } from '../zk/concurrency';
import { errorMessage, isZkError } from '../zk/errors';
import { joinPath, sortChildren, validatePath } from '../zk/paths';
import { analyzeNode } from '../zk/recipes/analyze';
import type { Participant, RecipeAnalysis } from '../zk/recipes/types';
import { formatHex64 } from '../zk/stat';
import { formatAge } from './coordinationItems';
import { MessageItem, messageTreeItem } from './explorerItems';
import { LiveChildren } from './liveChildren';

export class ServicesConnectionItem {
  readonly kind = 'servicesConnection';
  constructor(readonly connection: ZkConnection) {}
}

export class ServiceItem {
  readonly kind = 'service';
  constructor(
    readonly connection: ZkConnection,
    readonly root: string,
    readonly path: string,
    public analysis: RecipeAnalysis | undefined,
    public error?: string,
  ) {}

  /** When `analysis` was read: its participants' ages are as of then. */
  readAt = Date.now();
}

export class InstanceItem {
  readonly kind = 'instance';
  constructor(
    readonly connection: ZkConnection,
    readonly servicePath: string,
    readonly participant: Participant,
    /** When the participant was read (its ageMs is as of then). */
    readonly readAt: number = Date.now(),
  ) {}

  /** How long the instance has been up, now. */
  ageMs(now = Date.now()): number {
    return this.participant.ageMs + Math.max(0, now - this.readAt);
  }

  get path(): string {
    return this.participant.path;
  }
}

export type ServicesNode = ServicesConnectionItem | ServiceItem | InstanceItem | MessageItem;

export function serviceRoots(): string[] {
  const roots = vscode.workspace.getConfiguration('zookeeper.services').get<string[]>('roots', ['/services']);
  return roots.filter((r) => typeof r === 'string' && !validatePath(r));
}

const key = (connection: string, path: string): string => `${connection}::${path}`;
/** Services read at once (each reads its instances, pipelined). */
const SERVICE_LOADS = 8;
/** How often the uptimes ("up 8s") are redrawn while the view is visible: they show seconds for the first hour. */
export const UPTIME_TICK_MS = 1000;

/** Service instances under the configured registry roots (default /services), kept live with children watches. */
export class ServicesProvider implements vscode.TreeDataProvider<ServicesNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<ServicesNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly connectionItems = new Map<string, ServicesConnectionItem>();
  private readonly serviceItems = new Map<string, ServiceItem>();
  private readonly live = new LiveChildren((k) => this.onLiveChange(k));
  private readonly subscriptions: vscode.Disposable[] = [];
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly connections: ConnectionManager,
    private readonly roots: () => string[] = serviceRoots,
  ) {
    this.subscriptions.push(
      connections.onDidChangeConnections(() => {
        for (const name of [...this.connectionItems.keys()]) {
          if (connections.get(name)) continue;
          this.connectionItems.delete(name);
          this.live.forget((k) => k.startsWith(`${name}::`));
          for (const k of [...this.serviceItems.keys()]) if (k.startsWith(`${name}::`)) this.serviceItems.delete(k);
        }
        this.changeEmitter.fire(undefined);
      }),
      connections.onDidChangeConnection((c) => {
        if (!c.isOpen) this.live.forget((k) => k.startsWith(`${c.name}::`));
        this.changeEmitter.fire(this.connectionItem(c));
      }),
      connections.onDidRenewSession((c) => {
        // The one-shot watches went with the old session: list (and watch) everything again.
        this.live.forget((k) => k.startsWith(`${c.name}::`));
        this.changeEmitter.fire(this.connectionItem(c));
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('zookeeper.services.roots')) this.changeEmitter.fire(undefined);
      }),
    );
  }

  connectionItem(connection: ZkConnection): ServicesConnectionItem {
    let item = this.connectionItems.get(connection.name);
    if (!item || item.connection !== connection) {
      item = new ServicesConnectionItem(connection);
      this.connectionItems.set(connection.name, item);
    }
    return item;
  }

  getTreeItem(node: ServicesNode): vscode.TreeItem {
    switch (node.kind) {
      case 'servicesConnection': {
        const t = new vscode.TreeItem(node.connection.name, vscode.TreeItemCollapsibleState.Expanded);
        t.id = `services::${node.connection.name}`;
        t.iconPath = new vscode.ThemeIcon('server-environment');
        t.description = node.connection.isOpen ? this.roots().join(', ') : node.connection.statusText;
        t.contextValue = 'zk.servicesConnection';
        return t;
      }
      case 'service':
        return serviceTreeItem(node, this.roots().length > 1);
      case 'instance':
        return instanceTreeItem(node);
      case 'message':
        return messageTreeItem(node);
    }
  }

  getParent(node: ServicesNode): ServicesNode | undefined {
    if (node.kind === 'service') return this.connectionItem(node.connection);
    if (node.kind === 'instance') return this.serviceItems.get(key(node.connection.name, node.servicePath));
    return undefined;
  }

  async getChildren(node?: ServicesNode): Promise<ServicesNode[]> {
    if (!node) return this.connections.list().map((c) => this.connectionItem(c));
    if (node.kind === 'service') return (node.analysis?.kind === 'serviceRegistry' ? node.analysis.participants : []).map((p) => new InstanceItem(node.connection, node.path, p, node.readAt));
    if (node.kind !== 'servicesConnection') return [];
    const connection = node.connection;
    const client = connection.activeClient;
    if (!client) {
      return [new MessageItem(connection.name, vscode.l10n.t('Connect to see its services'), 'plug', { command: 'zookeeper.connect', title: vscode.l10n.t('Connect'), arguments: [node] })];
    }
    const roots = this.roots();
    if (roots.length === 0) return [new MessageItem(connection.name, vscode.l10n.t('No registry roots: set zookeeper.services.roots'), 'settings-gear')];
    const items: ServicesNode[] = [];
    const shown = new Set<string>();
    for (const root of roots) {
      try {
        const names = sortChildren(await this.live.list(client, root, key(connection.name, root)));
        if (names.length === 0) items.push(new MessageItem(connection.name, vscode.l10n.t('{0} has no services', root), 'info'));
        const services: ServiceItem[] = new Array<ServiceItem>(names.length);
        await forEachLimit(names.map((name, i) => ({ name, i })), SERVICE_LOADS, async ({ name, i }) => {
          services[i] = await this.loadService(connection, client, root, joinPath(root, name));
        });
        for (const s of services) shown.add(key(connection.name, s.path));
        items.push(...services);
      } catch (error) {
        items.push(new MessageItem(connection.name, isZkError(error, 'NONODE') ? vscode.l10n.t('{0} does not exist on {1}', root, connection.name) : `${root}: ${errorMessage(error)}`, isZkError(error, 'NONODE') ? 'circle-slash' : 'warning'));
      }
    }
    for (const k of [...this.serviceItems.keys()]) if (k.startsWith(`${connection.name}::`) && !shown.has(k)) this.serviceItems.delete(k);
    return items;
  }

  /** Reads a service's instances into its (kept) item, so a live update redraws just that item. */
  private async loadService(connection: ZkConnection, client: ZkClient, root: string, path: string): Promise<ServiceItem> {
    const k = key(connection.name, path);
    let item = this.serviceItems.get(k);
    if (!item || item.connection !== connection) {
      item = new ServiceItem(connection, root, path, undefined);
      this.serviceItems.set(k, item);
    }
    try {
      await this.live.list(client, path, k);
      item.analysis = await analyzeNode(client, path);
      item.readAt = Date.now();
      item.error = undefined;
    } catch (error) {
      item.analysis = undefined;
      item.error = isZkError(error, 'NONODE') ? 'gone' : errorMessage(error);
    }
    return item;
  }

  private onLiveChange(k: string): void {
    const at = k.indexOf('::');
    const connection = this.connections.get(k.slice(0, at));
    if (!connection) return;
    const path = k.slice(at + 2);
    const service = this.serviceItems.get(k);
    const client = connection.activeClient;
    if (service && client) {
      void this.loadService(connection, client, service.root, path).then((item) => {
        this.changeEmitter.fire(item.error === 'gone' ? this.connectionItem(connection) : item);
      });
    } else {
      this.changeEmitter.fire(this.connectionItem(connection));
    }
  }

  /** The instances the view shows for a service (for automation and tests). */
  instancesOf(connection: string, servicePath: string): Participant[] | undefined {
    const item = this.serviceItems.get(key(connection, servicePath));
    return item?.analysis?.kind === 'serviceRegistry' ? item.analysis.participants : item?.analysis ? [] : undefined;
  }

  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  /**
   * The view shows (true) or is hidden (false): the uptimes tick only while someone can see them.
   * A tick redraws the services with instances from what was read (no request to the server).
   */
  setVisible(visible: boolean): void {
    if (visible && !this.ticker) {
      this.ticker = setInterval(() => {
        for (const item of this.serviceItems.values()) {
          if (item.analysis?.kind === 'serviceRegistry' && item.analysis.participants.length > 0) this.changeEmitter.fire(item);
        }
      }, UPTIME_TICK_MS);
    } else if (!visible && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  /** Whether the uptimes are being redrawn (only while the view is visible). */
  get ticking(): boolean {
    return this.ticker !== undefined;
  }

  dispose(): void {
    this.setVisible(false);
    this.live.dispose();
    this.changeEmitter.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

function serviceTreeItem(item: ServiceItem, showRoot: boolean): vscode.TreeItem {
  const name = item.path.slice(item.path.lastIndexOf('/') + 1);
  const instances = item.analysis?.kind === 'serviceRegistry' ? item.analysis.participants.length : 0;
  const t = new vscode.TreeItem(name, instances ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
  t.id = `service::${item.connection.name}::${item.path}`;
  const root = showRoot ? ` · ${item.root}` : '';
  if (item.error) {
    t.description = item.error === 'gone' ? vscode.l10n.t('removed') : item.error;
    t.iconPath = new vscode.ThemeIcon('warning');
  } else if (instances > 0) {
    t.description = `${instances === 1 ? vscode.l10n.t('1 instance up') : vscode.l10n.t('{0} instances up', instances)}${root}`;
    t.iconPath = new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
  } else if (item.analysis && item.analysis.participants.length > 0) {
    t.description = `${vscode.l10n.t('not a registry: {0}', item.analysis.summary)}${root}`;
    t.iconPath = new vscode.ThemeIcon('question');
  } else {
    t.description = `${vscode.l10n.t('no instances up')}${root}`;
    t.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
  }
  t.tooltip = vscode.l10n.t('{0} on {1}', item.path, item.connection.name);
  t.accessibilityInformation = { label: `${name} ${String(t.description)}` };
  t.contextValue = 'zk.service';
  return t;
}

function instanceTreeItem(item: InstanceItem): vscode.TreeItem {
  const p = item.participant;
  const t = new vscode.TreeItem(p.address ?? p.name, vscode.TreeItemCollapsibleState.None);
  t.id = `instance::${item.connection.name}::${p.path}`;
  const age = formatAge(item.ageMs());
  t.description = `${p.address ? `${p.name} · ` : ''}${vscode.l10n.t('up {0}', age)}`;
  t.iconPath = new vscode.ThemeIcon('vm-running', new vscode.ThemeColor('testing.iconPassed'));
  t.tooltip = [
    p.path,
    p.address ? vscode.l10n.t('Address: {0}', p.address) : undefined,
    vscode.l10n.t('Session: {0}', formatHex64(p.sessionId)),
    vscode.l10n.t('Up for {0}', age),
    p.data ? vscode.l10n.t('Data: {0}', p.data.slice(0, 300)) : undefined,
  ]
    .filter(Boolean)
    .join('\n');
  t.accessibilityInformation = { label: `${p.address ?? p.name} ${String(t.description)}` };
  t.contextValue = 'zk.participant.ephemeral';
  t.command = { command: 'zookeeper.openNode', title: vscode.l10n.t('Open Node Data'), arguments: [item] };
  return t;
}
