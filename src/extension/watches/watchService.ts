import * as vscode from 'vscode';
import type { ZkClient } from '../../zk/client';
import { errorMessage } from '../../zk/errors';
import { describeDetection, describeType } from '../../zk/watch/describe';
import { EventLog } from '../../zk/watch/eventLog';
import type { WatchBaseline, WatchEventRecord, WatchKind, WatchNotice, WatchSpec } from '../../zk/watch/types';
import { WatchManager } from '../../zk/watch/watchManager';
import type { ConnectionManager } from '../connections/connectionManager';
import type { ZkConnection } from '../connections/zkConnection';
import type { Logger } from '../logging';
import { ToastLimiter } from './toastLimiter';
import type { WatchStore } from './watchStore';

export interface ActiveWatch {
  connection: string;
  spec: WatchSpec;
  /** How the server keeps it: persistent (addWatch) or re-armed one-shot watches; unknown while disconnected. */
  mode: 'persistent' | 'one-shot' | 'unknown';
  connected: boolean;
}

export interface ServiceNotice extends WatchNotice {
  connection: string;
}

function settings(): { logSize: number; notifications: 'off' | 'first' | 'every' } {
  const config = vscode.workspace.getConfiguration('zookeeper.watches');
  return { logSize: config.get<number>('logSize', 1000), notifications: config.get<'off' | 'first' | 'every'>('notifications', 'first') };
}

/**
 * The watches of every connection: kept in the workspace state, set on the server through a
 * WatchManager while the connection is open (and again after it comes back), with their events
 * in one bounded log that the ZooKeeper Watches panel shows.
 */
export class WatchService implements vscode.Disposable {
  readonly log: EventLog;
  private readonly managers = new Map<string, { connection: ZkConnection; client: ZkClient; manager: WatchManager; subscriptions: { dispose(): void }[]; ready: boolean }>();
  private readonly toasts = new ToastLimiter();
  /**
   * What the watches of a disconnected connection last knew, and of which address: the manager made
   * when it connects again compares with it, so that changes made meanwhile are reported as changed
   * while disconnected. Dropped when used, and when the connection is removed.
   */
  private readonly baselines = new Map<string, { connectString: string; baseline: WatchBaseline }>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly watchesEmitter = new vscode.EventEmitter<void>();
  private readonly eventEmitter = new vscode.EventEmitter<WatchEventRecord & { connection: string }>();
  private readonly noticeEmitter = new vscode.EventEmitter<ServiceNotice>();
  /** The set of watches (or their mode) changed. */
  readonly onDidChangeWatches = this.watchesEmitter.event;
  /** Every event, as it arrives (the log coalesces its own change notifications). */
  readonly onDidReceiveEvent = this.eventEmitter.event;
  readonly onDidReceiveNotice = this.noticeEmitter.event;
  /** The last notices, newest first (shown as the panel's message). */
  readonly notices: ServiceNotice[] = [];

  constructor(
    private readonly connections: ConnectionManager,
    private readonly store: WatchStore,
    private readonly logger: Logger,
  ) {
    this.log = new EventLog(settings().logSize);
    this.disposables.push(
      connections.onDidChangeConnection((connection) => void this.sync(connection)),
      connections.onDidChangeConnections(() => {
        for (const connection of connections.list()) void this.sync(connection);
        for (const name of [...this.managers.keys()]) if (!connections.get(name)) void this.stop(name).then(() => this.baselines.delete(name));
        for (const name of [...this.baselines.keys()]) if (!connections.get(name)) this.baselines.delete(name);
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('zookeeper.watches.logSize')) this.log.resize(settings().logSize);
      }),
    );
    for (const connection of connections.list()) void this.sync(connection);
  }

  /** Starts or stops the manager of a connection as it opens or closes. */
  private async sync(connection: ZkConnection): Promise<void> {
    const client = connection.activeClient;
    const running = this.managers.get(connection.name);
    // A disconnect (or a reconnect with a new client) ends the manager of the old client.
    if (running && running.client !== client) await this.stop(connection.name);
    if (!client || this.managers.has(connection.name)) return;
    const kept = this.baselines.get(connection.name);
    this.baselines.delete(connection.name);
    // Only the same address: another cluster's nodes are no "changes while disconnected".
    const manager = new WatchManager(client, kept && kept.connectString === client.connectString ? { baseline: kept.baseline } : {});
    const entry = {
      connection,
      client,
      manager,
      subscriptions: [
        this.log.attach(manager, connection.name),
        manager.onEvent((record) => this.onEvent(connection.name, record)),
        manager.onNotice((notice) => this.onNotice(connection.name, notice)),
      ],
      /** True once the stored watches are set on the server. */
      ready: false,
    };
    this.managers.set(connection.name, entry);
    for (const spec of this.store.get(connection.name)) {
      try {
        await manager.add(spec);
      } catch (error) {
        this.onNotice(connection.name, { time: Date.now(), level: 'warning', message: vscode.l10n.t('Could not watch {0} ({1}): {2}', spec.path, spec.kind, errorMessage(error)) });
      }
    }
    entry.ready = true;
    this.watchesEmitter.fire();
  }

  private async stop(name: string): Promise<void> {
    const entry = this.managers.get(name);
    if (!entry) return;
    this.managers.delete(name);
    if (entry.ready) this.baselines.set(name, { connectString: entry.client.connectString, baseline: entry.manager.baseline() });
    for (const sub of entry.subscriptions) sub.dispose();
    await entry.manager.dispose().catch((error: unknown) => this.logger.warn(`stopping the watches of ${name}: ${errorMessage(error)}`));
    this.watchesEmitter.fire();
  }

  private onEvent(connection: string, record: WatchEventRecord): void {
    const entry = { ...record, connection };
    this.eventEmitter.fire(entry);
    const mode = settings().notifications;
    if (mode === 'off') return;
    const key = `${connection}|${record.watch.kind}|${record.watch.path}`;
    const text = `${connection}: ${record.path} ${describeType(record)}${record.detectedBy !== 'event' ? ` (${describeDetection(record.detectedBy)})` : ''}`;
    this.toasts.offer(key, mode === 'first', text, (message) => {
      void vscode.window.showInformationMessage(message, vscode.l10n.t('Show Watches')).then((choice) => {
        if (choice) void vscode.commands.executeCommand('zookeeper.watches.focus');
      });
    });
  }

  private onNotice(connection: string, notice: WatchNotice): void {
    const entry = { ...notice, connection };
    this.notices.unshift(entry);
    this.notices.length = Math.min(this.notices.length, 20);
    this.logger[notice.level === 'warning' ? 'warn' : 'info'](`${connection}: ${notice.message}`);
    this.noticeEmitter.fire(entry);
    this.watchesEmitter.fire();
    // A session expiry is announced once, by the connection (extension.ts); its watch notices stay in the
    // Watches panel and the log instead of adding two more warnings for the same event.
    if (notice.level === 'warning' && notice.about !== 'session') void vscode.window.showWarningMessage(`ZooKeeper ${connection}: ${notice.message}`);
  }

  /** Adds a watch (kept across restarts) and sets it on the server when connected. */
  async watch(connection: ZkConnection, spec: WatchSpec): Promise<ActiveWatch> {
    await this.store.add(connection.name, spec);
    await connection.connect();
    await this.sync(connection);
    const entry = this.managers.get(connection.name);
    try {
      await entry?.manager.add(spec);
    } catch (error) {
      await this.store.remove(connection.name, spec);
      throw error;
    }
    this.watchesEmitter.fire();
    return this.describe(connection.name, spec);
  }

  /** Removes one watch, or every watch of a path when no kind is given. Returns the removed ones. */
  async unwatch(connection: string, path: string, kind?: WatchKind): Promise<WatchSpec[]> {
    const removed = this.store.get(connection).filter((s) => s.path === path && (kind === undefined || s.kind === kind));
    for (const spec of removed) {
      await this.store.remove(connection, spec);
      await this.managers.get(connection)?.manager.remove(spec);
    }
    this.watchesEmitter.fire();
    return removed;
  }

  private describe(connection: string, spec: WatchSpec): ActiveWatch {
    const entry = this.managers.get(connection);
    return { connection, spec, mode: entry?.manager.mode ?? 'unknown', connected: !!entry && entry.ready && entry.connection.status === 'connected' };
  }

  list(): ActiveWatch[] {
    return this.connections.list().flatMap((c) => this.store.get(c.name).map((spec) => this.describe(c.name, spec)));
  }

  kindsOf(connection: string, path: string): WatchKind[] {
    return this.store
      .get(connection)
      .filter((s) => s.path === path)
      .map((s) => s.kind);
  }

  dispose(): void {
    for (const name of [...this.managers.keys()]) void this.stop(name);
    for (const d of this.disposables) d.dispose();
    this.watchesEmitter.dispose();
    this.eventEmitter.dispose();
    this.noticeEmitter.dispose();
    this.toasts.dispose();
  }
}

// The words for events live beside the event types, where the Watches panel (src/tree) reads them too.
export { describeDetection, describeType };
