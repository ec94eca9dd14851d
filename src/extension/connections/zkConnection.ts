import * as vscode from 'vscode';
import { ZkClient, type ConnectionState } from '../../zk/client';
import { errorMessage } from '../../zk/errors';
import { formatHex64 } from '../../zk/stat';
import type { Logger } from '../logging';
import type { ConnectionConfig } from './connectionConfig';
import type { CredentialStore } from './credentials';

/** What the UI shows: the client's states plus the two before a client exists. */
export type ConnectionStatus = 'disconnected' | 'failed' | ConnectionState;

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  disconnected: 'disconnected',
  failed: 'unreachable',
  connecting: 'connecting…',
  connected: 'connected',
  readOnly: 'connected (read-only server)',
  suspended: 'reconnecting…',
  expired: 'session expired — starting a new one…',
  authFailed: 'authentication failed',
  closed: 'disconnected',
};

/** One configured cluster and, while connected, its ZkClient. */
export class ZkConnection implements vscode.Disposable {
  private client: ZkClient | undefined;
  private pending: Promise<ZkClient> | undefined;
  private current: ConnectionStatus = 'disconnected';
  private clientSubscriptions: { dispose(): void }[] = [];
  /** The last connect failure, as a sentence. */
  lastError: string | undefined;
  /** When the last session expiry was recovered from (shown for a while in the status bar). */
  recoveredAt: number | undefined;
  private readonly changeEmitter = new vscode.EventEmitter<ZkConnection>();
  private readonly renewedEmitter = new vscode.EventEmitter<ZkConnection>();
  readonly onDidChange = this.changeEmitter.event;
  /** A new session replaced an expired one: ephemeral nodes and one-shot watches of the old one are gone. */
  readonly onDidRenewSession = this.renewedEmitter.event;

  constructor(
    public config: ConnectionConfig,
    private readonly credentials: CredentialStore,
    private readonly log: Logger,
    private readonly connectTimeoutMs: () => number,
  ) {}

  get name(): string {
    return this.config.name;
  }

  get status(): ConnectionStatus {
    return this.current;
  }

  get statusText(): string {
    return STATUS_TEXT[this.current];
  }

  get isOpen(): boolean {
    return this.client !== undefined;
  }

  get readOnly(): boolean {
    return this.config.readOnly === true;
  }

  /** The client when a session exists (it may be reconnecting). */
  get activeClient(): ZkClient | undefined {
    return this.client;
  }

  describeSession(): string | undefined {
    if (!this.client) return undefined;
    return `session ${formatHex64(this.client.sessionId)}${this.client.serverAddress ? ` via ${this.client.serverAddress}` : ''}`;
  }

  /** Connects if needed; concurrent callers share one attempt. */
  connect(): Promise<ZkClient> {
    if (this.client) return Promise.resolve(this.client);
    this.pending ??= this.open().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async open(): Promise<ZkClient> {
    this.lastError = undefined;
    this.setStatus('connecting');
    this.log.info(`connecting to ${this.config.connectString}`);
    try {
      const digest = await this.credentials.get(this.name);
      const client = await ZkClient.connect({
        connectString: this.config.connectString,
        sessionTimeoutMs: this.config.sessionTimeoutMs ?? 30000,
        connectTimeoutMs: this.connectTimeoutMs(),
        operationTimeoutMs: 20000,
        ...(digest ? { digest: [digest] } : {}),
      });
      this.attach(client);
      this.log.info(`connected: ${this.describeSession() ?? ''}${digest ? ` (digest user ${digest.user})` : ''}`);
      return client;
    } catch (error) {
      this.lastError = errorMessage(error);
      this.log.warn(`connect failed: ${this.lastError}`);
      this.setStatus('failed');
      throw error;
    }
  }

  private attach(client: ZkClient): void {
    this.client = client;
    this.clientSubscriptions = [
      client.onStateChange(({ state, previous }) => {
        this.log.info(`state ${previous} → ${state}`);
        this.setStatus(state);
      }),
      client.onSessionRenewed(({ previousSessionId, sessionId }) => {
        this.recoveredAt = Date.now();
        this.log.warn(`session ${formatHex64(previousSessionId)} expired; new session ${formatHex64(sessionId)}`);
        this.renewedEmitter.fire(this);
        this.changeEmitter.fire(this);
      }),
    ];
    this.setStatus(client.state);
  }

  async disconnect(): Promise<void> {
    const pending = this.pending;
    if (pending) await pending.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    for (const sub of this.clientSubscriptions) sub.dispose();
    this.clientSubscriptions = [];
    if (client) {
      await client.close();
      this.log.info('disconnected');
    }
    this.lastError = undefined;
    this.setStatus('disconnected');
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.current) return;
    this.current = status;
    this.changeEmitter.fire(this);
  }

  dispose(): void {
    void this.disconnect().catch((error: unknown) => this.log.error('disconnect on dispose failed', error));
    this.changeEmitter.dispose();
    this.renewedEmitter.dispose();
  }
}
