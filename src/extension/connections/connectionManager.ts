import * as vscode from 'vscode';
import { KeyedQueue } from '../../zk/concurrency';
import { UserError } from '../errors';
import type { Logger } from '../logging';
import { affectsConnections, connectionOrigins, readConnectionConfigs, userLevelConnectString, writeConnectionConfigs, type ConnectionConfig } from './connectionConfig';
import { addressKey, type CredentialStore } from './credentials';
import { SecuritySecrets } from './securitySecrets';
import { ZkConnection, type CredentialsAddressChangedError } from './zkConnection';

/** The configured connections, kept in step with the zookeeper.connections setting. */
export class ConnectionManager implements vscode.Disposable {
  private readonly connections = new Map<string, ZkConnection>();
  private readonly listEmitter = new vscode.EventEmitter<void>();
  private readonly stateEmitter = new vscode.EventEmitter<ZkConnection>();
  private readonly renewedEmitter = new vscode.EventEmitter<ZkConnection>();
  /** A connection's session expired and a new one replaced it. */
  readonly onDidRenewSession = this.renewedEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  private lastUsed: string | undefined;
  /** The edits of the list, run one at a time (see serially). */
  private readonly edits = new KeyedQueue();
  /** The list of connections changed (added, removed, edited). */
  readonly onDidChangeConnections = this.listEmitter.event;
  /** One connection's state changed. */
  readonly onDidChangeConnection = this.stateEmitter.event;
  private readonly activeEmitter = new vscode.EventEmitter<ZkConnection>();
  /** Another connection became the active one (the user selected something of it). */
  readonly onDidChangeActive = this.activeEmitter.event;
  private readonly refusedEmitter = new vscode.EventEmitter<CredentialsAddressChangedError>();
  /** A connect was refused: credentials are stored for the name but another address (ask the user). */
  readonly onDidRefuseCredentials = this.refusedEmitter.event;
  problems: string[] = [];
  /** SASL passwords and TLS key passphrases (SecretStorage, bound to name and address). */
  readonly security: SecuritySecrets;

  constructor(
    readonly credentials: CredentialStore,
    private readonly log: Logger,
  ) {
    this.security = new SecuritySecrets(credentials.secrets);
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('zookeeper.operationTimeout')) this.operationTimeoutMs = readOperationTimeoutMs();
        if (affectsConnections(event)) this.reload();
      }),
      // Granting trust brings the workspace's connection definitions into effect.
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.reload()),
    );
    this.reload();
  }

  /**
   * zookeeper.operationTimeout in ms, kept here and renewed when the setting changes: every request
   * of every connection asks for it, and a search or export sends tens of thousands.
   */
  private operationTimeoutMs = readOperationTimeoutMs();

  private connectTimeoutMs(): number {
    return vscode.workspace.getConfiguration('zookeeper').get<number>('connectTimeoutMs', 10000);
  }

  reload(): void {
    const { connections, problems } = readConnectionConfigs();
    if (problems.join('\n') !== this.problems.join('\n')) {
      for (const problem of problems) this.log.warn(problem);
      if (problems.length > 0) void vscode.window.showWarningMessage(vscode.l10n.t('Some ZooKeeper connections in settings are ignored: {0}', problems.join(' ')));
    }
    this.problems = problems;
    const seen = new Set<string>();
    const origins = connectionOrigins();
    for (const config of connections) {
      seen.add(config.name);
      const existing = this.connections.get(config.name);
      if (existing) existing.origin = origins.get(config.name) ?? 'user';
      if (!existing) {
        const connection = new ZkConnection(config, this.credentials, this.log.scoped(config.name), () => this.connectTimeoutMs(), userLevelConnectString, this.security, () => this.operationTimeoutMs);
        connection.origin = origins.get(config.name) ?? 'user';
        connection.onDidChange((c) => this.stateEmitter.fire(c));
        connection.onDidRenewSession((c) => this.renewedEmitter.fire(c));
        connection.onDidRefuseCredentials((e) => this.refusedEmitter.fire(e));
        this.connections.set(config.name, connection);
      } else if (JSON.stringify(existing.config) !== JSON.stringify(config)) {
        // An attempt in flight keeps the address it started with (see ZkConnection.open): redo it too.
        const reconnect = (existing.isOpen || existing.isConnecting) && existing.config.connectString !== config.connectString;
        existing.config = config;
        if (reconnect) void existing.disconnect().then(() => existing.connect()).catch(() => undefined);
      }
    }
    for (const [name, connection] of this.connections) {
      if (!seen.has(name)) {
        connection.dispose();
        this.connections.delete(name);
      }
    }
    this.listEmitter.fire();
  }

  list(): ZkConnection[] {
    return [...this.connections.values()];
  }

  get(name: string): ZkConnection | undefined {
    return this.connections.get(name);
  }

  require(name: unknown): ZkConnection {
    if (typeof name !== 'string' || !name) throw new UserError('Name the connection: pass { connection: "<name>" }.');
    const connection = this.connections.get(name);
    if (!connection) {
      const known = [...this.connections.keys()];
      throw new UserError(
        known.length
          ? vscode.l10n.t('There is no ZooKeeper connection named "{0}". Known: {1}.', name, known.join(', '))
          : vscode.l10n.t('There is no ZooKeeper connection named "{0}". Add one first.', name),
      );
    }
    return connection;
  }

  /**
   * The connection the user works with, for the status bar: the one last chosen (selected in the tree,
   * switched to, connected successfully), else the first open one, else the first configured. A connect
   * that failed does not make a connection active: the status bar must not jump to whatever failed last.
   */
  get active(): ZkConnection | undefined {
    return (this.lastUsed && this.connections.get(this.lastUsed)) || this.list().find((c) => c.isOpen) || this.list()[0];
  }

  markUsed(connection: ZkConnection): void {
    if (this.lastUsed === connection.name) return;
    this.lastUsed = connection.name;
    this.activeEmitter.fire(connection);
  }

  async add(config: ConnectionConfig): Promise<void> {
    return this.serially(async () => {
      // Checked again here: another add of the same name may have gone first while this one waited.
      if (this.connections.has(config.name)) throw new UserError(vscode.l10n.t('A connection named "{0}" already exists.', config.name));
      await writeConnectionConfigs([...this.list().map((c) => c.config), config]);
      this.reload();
    });
  }

  /**
   * Runs the edits of the connection list one at a time. Each writes the whole list as this window
   * knows it, so two at once (automation adding connections with Promise.all) each wrote the list
   * without the other's change, and all but the last were lost.
   */
  private serially<T>(body: () => Promise<T>): Promise<T> {
    return this.edits.run(['connections'], body);
  }

  /**
   * Edits a connection. Its credentials follow a rename; a new address gets none of them unless
   * `carryCredentials` (the user confirmed that they are meant for the new address too).
   */
  async update(name: string, config: ConnectionConfig, options: { carryCredentials?: boolean } = {}): Promise<void> {
    return this.serially(() => this.updateNow(name, config, options));
  }

  private async updateNow(name: string, config: ConnectionConfig, options: { carryCredentials?: boolean }): Promise<void> {
    if (!this.connections.has(name)) throw new UserError(vscode.l10n.t('There is no ZooKeeper connection named "{0}". Add one first.', name));
    if (name !== config.name && this.connections.has(config.name)) throw new UserError(vscode.l10n.t('A connection named "{0}" already exists.', config.name));
    const previous = this.get(name)?.config;
    const renamed = name !== config.name;
    // The address the connection leaves, when it moves to another.
    const movedFrom = previous !== undefined && addressKey(previous.connectString) !== addressKey(config.connectString) ? previous.connectString : undefined;
    const connection = this.get(name);
    // A new name or address closes the session, and no connect may open one until the settings hold the
    // edit (a connect in between would use the old address with credentials already moved).
    if ((renamed || movedFrom !== undefined) && connection) return connection.whileEditing(() => this.applyUpdate(name, config, renamed, movedFrom, options));
    return this.applyUpdate(name, config, renamed, movedFrom, options);
  }

  private async applyUpdate(name: string, config: ConnectionConfig, renamed: boolean, movedFrom: string | undefined, options: { carryCredentials?: boolean }): Promise<void> {
    // A workspace's definition must never take the credentials the user's own definition of the name uses.
    const userAddress = this.get(name)?.origin === 'user' ? undefined : userLevelConnectString(name);
    if (renamed) await this.credentials.rename(name, config.name, userAddress);
    if (renamed && userAddress === undefined) await this.security.rename(name, config.name);
    if (movedFrom !== undefined && options.carryCredentials) {
      const keepFrom = userAddress !== undefined && !renamed && addressKey(userAddress) === addressKey(movedFrom);
      await this.credentials.carryOver(config.name, movedFrom, config.connectString, keepFrom);
    }
    await writeConnectionConfigs(this.list().map((c) => (c.name === name ? config : c.config)));
    this.reload();
  }

  /**
   * Removes a connection and deletes its credentials from SecretStorage, except those a user-level
   * definition of the same name still needs (removing a workspace's definition must not erase the
   * user's own credentials).
   */
  async remove(name: string): Promise<void> {
    return this.serially(() => this.removeNow(name));
  }

  private async removeNow(name: string): Promise<void> {
    const connection = this.get(name);
    await connection?.disconnect();
    await writeConnectionConfigs(this.list().filter((c) => c.name !== name).map((c) => c.config));
    await this.credentials.delete(name, connection?.origin === 'user' ? undefined : userLevelConnectString(name));
    if (connection?.origin === 'user' || userLevelConnectString(name) === undefined) await this.security.delete(name);
    this.reload();
  }

  dispose(): void {
    for (const connection of this.connections.values()) connection.dispose();
    this.connections.clear();
    for (const d of this.disposables) d.dispose();
    this.listEmitter.dispose();
    this.stateEmitter.dispose();
    this.activeEmitter.dispose();
    this.renewedEmitter.dispose();
    this.refusedEmitter.dispose();
  }
}

/** The operation timeout setting (seconds, 1 to 600, default 20) in ms; a value out of range is brought into it. */
function readOperationTimeoutMs(): number {
  const seconds = vscode.workspace.getConfiguration('zookeeper').get<number>('operationTimeout', 20);
  return Math.round(Math.min(600, Math.max(1, Number.isFinite(seconds) ? seconds : 20)) * 1000);
}
