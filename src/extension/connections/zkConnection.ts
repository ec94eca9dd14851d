import * as vscode from 'vscode';
import type { ConnectionState, ZkClient } from '../../zk/client';
import { requireZkClient } from '../lazy';
import { errorMessage } from '../../zk/errors';
import { sessionIdentities, type SessionIdentities } from '../../zk/acl/identities';
import { formatHex64 } from '../../zk/stat';
import { DisconnectedError, UserError } from '../errors';

export { DisconnectedError };
import * as fs from 'node:fs';
import { tlsTransport } from '../../zk/security/tls';
import { expandPath, isEncryptedKey, loadTlsSettings } from '../../zk/security/tlsFiles';
import type { Transport } from '../../zk/wire/transport';
import type { Logger } from '../logging';
import { saslUser, type ConnectionConfig, type ConnectionOrigin } from './connectionConfig';
import type { GssapiOptions } from '../../zk/security/gssapi';
import { UNKNOWN_ADDRESS, type CredentialStore, type DigestCredentials } from './credentials';
import type { SecuritySecrets } from './securitySecrets';

function expandForRead(file: string, workspaceFolder: string | undefined): string {
  return expandPath(file, workspaceFolder ? { workspaceFolder } : {});
}

/**
 * A connect refused because credentials are stored for this name but for another server address:
 * they are not sent, and the user has to decide (enter credentials for the new address, or connect
 * without). The message says from which address to which.
 */
export class CredentialsAddressChangedError extends UserError {
  constructor(
    readonly connection: string,
    readonly from: string[],
    readonly to: string,
  ) {
    const and = vscode.l10n.t(' and ');
    const before = from.includes(UNKNOWN_ADDRESS)
      ? vscode.l10n.t('credentials stored before they were bound to a server address (and no user-level definition of the name to bind them to)')
      : vscode.l10n.t('the digest credentials stored for {0}', from.join(and));
    super(
      vscode.l10n.t(
        'The address of connection "{0}" changed from {1} to {2}: {3} are not sent to {2}. Set digest credentials for the new address ("ZooKeeper: Set Digest Credentials…"), or choose to connect without (zookeeper.setCredentials with digest: null).',
        connection,
        from.filter((a) => a !== UNKNOWN_ADDRESS).join(and) || vscode.l10n.t('an unknown address'),
        to,
        before,
      ),
    );
  }
}


/** What the UI shows: the client's states plus the two before a client exists. */
export type ConnectionStatus = 'disconnected' | 'failed' | ConnectionState;

/** What the UI says of a status, in the display language (looked up each time it is shown). */
function localizedStatus(status: ConnectionStatus): string {
  switch (status) {
    case 'disconnected':
    case 'closed':
      return vscode.l10n.t('disconnected');
    case 'failed':
      return vscode.l10n.t('unreachable');
    case 'connecting':
      return vscode.l10n.t('connecting…');
    case 'connected':
      return vscode.l10n.t('connected');
    case 'readOnly':
      return vscode.l10n.t('connected (read-only server)');
    case 'suspended':
      return vscode.l10n.t('reconnecting…');
    case 'expired':
      return vscode.l10n.t('session expired — starting a new one…');
    case 'authFailed':
      return vscode.l10n.t('authentication failed');
  }
}

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
  private readonly refusedEmitter = new vscode.EventEmitter<CredentialsAddressChangedError>();
  /** A connect was refused because the stored credentials belong to another address (the user should be asked). */
  readonly onDidRefuseCredentials = this.refusedEmitter.event;
  /** Which settings level defines this connection (kept current by the ConnectionManager). */
  origin: ConnectionOrigin = 'user';
  /** The user disconnected it: only an explicit connect opens a session again (see DisconnectedError). */
  private heldClosed = false;
  /** An edit of the definition in progress (see whileEditing): connects wait for it. */
  private editing: Promise<void> | undefined;
  /** Renamed or removed: a connect that waited for the edit must not open a session nothing would close. */
  private disposed = false;
  /** The digest users the open session is authenticated as (never a password), in the order added. */
  private users: string[] = [];
  /** Who the server says the open session is (whoAmI), read after connecting, addauth and a new session. */
  private who: SessionIdentities | undefined;
  /** The digest credentials sent on the open session, only to compute their ids for ACL matching. */
  private sentDigest: DigestCredentials[] = [];

  constructor(
    public config: ConnectionConfig,
    private readonly credentials: CredentialStore,
    private readonly log: Logger,
    private readonly connectTimeoutMs: () => number,
    /** The user-level connect string of this name, which credentials stored before address binding are bound to. */
    private readonly userLevelConnectString: (name: string) => string | undefined = () => undefined,
    private readonly security?: SecuritySecrets,
    /** zookeeper.operationTimeout in ms, asked at each request: a changed setting applies to the next operation. */
    private readonly operationTimeoutMs: () => number = () => 20000,
  ) {}

  get name(): string {
    return this.config.name;
  }

  get status(): ConnectionStatus {
    return this.current;
  }

  get statusText(): string {
    return localizedStatus(this.current);
  }

  /** A connect attempt is in flight. */
  get isConnecting(): boolean {
    return this.pending !== undefined;
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
    const id = formatHex64(this.client.sessionId);
    return this.client.serverAddress ? vscode.l10n.t('session {0} via {1}', id, this.client.serverAddress) : vscode.l10n.t('session {0}', id);
  }

  /** The user disconnected this connection and has not connected it since. */
  get disconnectedByUser(): boolean {
    return this.heldClosed && !this.client;
  }

  /** The digest users of the open session (none when closed). */
  get sessionUsers(): readonly string[] {
    return this.client ? this.users : [];
  }

  /** The open session's identities as the server names them (undefined when closed or not read yet). */
  get identities(): SessionIdentities | undefined {
    return this.client ? this.who : undefined;
  }

  /** Asks the server who the session is; a failure only leaves the identities unknown (they are informative). */
  private async readIdentities(client: ZkClient): Promise<void> {
    try {
      const who = await sessionIdentities(client, this.sentDigest);
      if (client !== this.client) return;
      this.who = who;
      this.changeEmitter.fire(this);
    } catch (error) {
      this.log.warn(`could not read the session's identities: ${errorMessage(error)}`);
    }
  }

  /**
   * Connects if needed; concurrent callers share one attempt. Implicit callers (the default) are
   * refused with a DisconnectedError after the user disconnected; `explicit` is the user's own
   * Connect (the command, the tree's Connect item, the status bar), which lifts that.
   */
  connect(options: { explicit?: boolean } = {}): Promise<ZkClient> {
    if (this.editing) return this.editing.then(() => this.connect(options));
    if (this.disposed) return Promise.reject(new UserError(vscode.l10n.t('The ZooKeeper connection "{0}" was renamed or removed meanwhile. Choose the connection again.', this.name)));
    if (this.client) return Promise.resolve(this.client);
    if (options.explicit) this.heldClosed = false;
    else if (this.heldClosed) return Promise.reject(new DisconnectedError(this.name));
    this.pending ??= this.open().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async open(): Promise<ZkClient> {
    this.lastError = undefined;
    this.setStatus('connecting');
    // One definition for the whole attempt: the settings may change while the keychain is read (a
    // workspace trusted, settings.json edited), and credentials looked up for one address must never
    // be sent to another.
    const config = this.config;
    this.log.info(`connecting to ${config.connectString}`);
    try {
      const stored = await this.credentials.lookup(this.name, config.connectString, this.userLevelConnectString(this.name));
      if (stored.kind === 'addressChanged') {
        const refused = new CredentialsAddressChangedError(this.name, stored.from, stored.to);
        this.refusedEmitter.fire(refused);
        throw refused;
      }
      const digest = stored.kind === 'digest' ? stored.digest : undefined;
      if (this.config.connectString !== config.connectString) {
        throw new UserError(vscode.l10n.t('The address of connection "{0}" changed from {1} to {2} while connecting; nothing was sent. Connect again.', this.name, config.connectString, this.config.connectString));
      }
      const secured = await this.securityOptions(config);
      // The client's bundle loads on the first connection, not at activation (src/extension/lazy.ts).
      const client = await requireZkClient(this.log).ZkClient.connect({
        connectString: config.connectString,
        sessionTimeoutMs: config.sessionTimeoutMs ?? 30000,
        connectTimeoutMs: this.connectTimeoutMs(),
        operationTimeoutMs: this.operationTimeoutMs,
        ...(digest ? { digest: [digest] } : {}),
        ...(secured.transport ? { transport: secured.transport } : {}),
        ...(secured.sasl ? { sasl: secured.sasl } : {}),
      });
      // Secrets typed in for this connect are kept only once the server has accepted them.
      await secured.keep();
      this.users = digest ? [digest.user] : [];
      this.sentDigest = digest ? [digest] : [];
      this.attach(client);
      await this.readIdentities(client);
      const how = [config.tls ? 'TLS' : '', config.sasl ? (config.sasl.mechanism === 'GSSAPI' ? `Kerberos ${client.kerberosClient ?? saslUser(config.sasl)}` : `SASL user ${config.sasl.user}`) : '', digest ? `digest user ${digest.user}` : ''].filter(Boolean).join(', ');
      this.log.info(`connected: ${this.describeSession() ?? ''}${how ? ` (${how})` : ''}`);
      return client;
    } catch (error) {
      this.lastError = errorMessage(error);
      this.log.warn(`connect failed: ${this.lastError}`);
      this.setStatus('failed');
      throw error;
    }
  }

  /**
   * The TLS transport and SASL login of a connection. A SASL password or key passphrase not yet in
   * SecretStorage for this address is asked for (and stored by `keep` once the connect succeeded).
   */
  private async securityOptions(config: ConnectionConfig): Promise<{ transport?: Transport; sasl?: { mechanism: 'DIGEST-MD5'; user: string; password: string } | GssapiOptions; keep: () => Promise<void> }> {
    const keeps: (() => Promise<void>)[] = [];
    const result: { transport?: Transport; sasl?: { mechanism: 'DIGEST-MD5'; user: string; password: string } | GssapiOptions; keep: () => Promise<void> } = {
      keep: async () => {
        for (const keep of keeps) await keep();
      },
    };
    const address = config.connectString;
    const workspaceFolder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (config.tls) {
      let passphrase: string | undefined;
      if (config.tls.key) {
        // Whether the key needs a passphrase is known only from the file; loadTlsSettings names a missing file.
        let encrypted = false;
        try {
          encrypted = isEncryptedKey(fs.readFileSync(expandForRead(config.tls.key, workspaceFolder)));
        } catch {
          encrypted = false;
        }
        if (encrypted) {
          passphrase = await this.security?.keyPassphrase(this.name, address);
          if (passphrase === undefined) {
            passphrase = await vscode.window.showInputBox({
              title: vscode.l10n.t('TLS key passphrase for {0}', this.name),
              prompt: vscode.l10n.t('The private key {0} is encrypted: its passphrase (kept in the system keychain, bound to {1})', config.tls.key, address),
              password: true,
              ignoreFocusOut: true,
            });
            if (passphrase === undefined) throw new UserError(vscode.l10n.t('Connecting {0} needs the passphrase of the private key {1}: set it with "ZooKeeper: Set Digest Credentials…".', this.name, config.tls.key));
            const typed = passphrase;
            keeps.push(() => this.security?.setKeyPassphrase(this.name, address, typed) ?? Promise.resolve());
          }
        }
      }
      const settings = loadTlsSettings(config.tls, { ...(workspaceFolder ? { workspaceFolder } : {}), ...(passphrase !== undefined ? { passphrase } : {}) });
      result.transport = tlsTransport(settings);
    }
    if (config.sasl?.mechanism === 'GSSAPI') {
      result.sasl = this.kerberosOptions(config.sasl, address, workspaceFolder, keeps);
    } else if (config.sasl) {
      const user = config.sasl.user;
      let password = await this.security?.saslPassword(this.name, address, user);
      if (password === undefined) {
        password = await vscode.window.showInputBox({
          title: vscode.l10n.t('SASL password for {0} on {1}', user, this.name),
          prompt: vscode.l10n.t('Sent only to {0} (DIGEST-MD5: the password itself never crosses the wire); kept in the system keychain', address),
          password: true,
          ignoreFocusOut: true,
        });
        if (password === undefined) throw new UserError(vscode.l10n.t('Connecting {0} needs the SASL password of {1}: set it with "ZooKeeper: Set Digest Credentials…".', this.name, user));
        const typed = password;
        keeps.push(() => this.security?.setSasl(this.name, address, { user, password: typed }) ?? Promise.resolve());
      }
      result.sasl = { mechanism: config.sasl.mechanism, user, password };
    }
    return result;
  }

  /**
   * The Kerberos login of a GSSAPI connection: file paths expanded like the TLS ones, and, for a
   * principal without a keytab, the password the provider asks for when the ticket cache holds no
   * valid ticket: from SecretStorage (bound to this address), else typed in while this connect runs
   * (kept once the server has accepted the login). A later re-login in the background (a ticket that
   * expired in a long session) only uses the stored password: it never opens a prompt by surprise.
   */
  private kerberosOptions(sasl: Extract<ConnectionConfig['sasl'], { mechanism: 'GSSAPI' }>, address: string, workspaceFolder: string | undefined, keeps: (() => Promise<void>)[]): GssapiOptions {
    const expand = (file: string | undefined) => (file === undefined ? {} : { value: expandForRead(file, workspaceFolder) });
    const options: GssapiOptions = { mechanism: 'GSSAPI' };
    for (const key of ['principal', 'serviceName', 'serviceHost', 'realm'] as const) if (sasl[key] !== undefined) options[key] = sasl[key];
    for (const key of ['keytab', 'ccache', 'krb5Conf'] as const) {
      const file = expand(sasl[key]);
      if ('value' in file) options[key] = file.value;
    }
    if (sasl.canonicalizeHost !== undefined) options.canonicalizeHost = sasl.canonicalizeHost;
    if (sasl.kdc) options.kdc = sasl.kdc;
    if (sasl.provider === 'native') options.native = sasl.nativeModule ? { modulePath: expandForRead(sasl.nativeModule, workspaceFolder) } : {};
    const principal = sasl.principal;
    if (principal && !sasl.keytab) {
      let interactive = true;
      keeps.push(() => {
        interactive = false;
        return Promise.resolve();
      });
      options.password = async () => {
        const stored = await this.security?.saslPassword(this.name, address, principal);
        if (stored !== undefined) return stored;
        if (!interactive) {
          throw new UserError(vscode.l10n.t('The Kerberos ticket of {0} for {1} has expired and no password is stored for it: run kinit {0}, or set the password with "ZooKeeper: Set Digest Credentials…", then connect again.', principal, this.name));
        }
        const typed = await vscode.window.showInputBox({
          title: vscode.l10n.t('Kerberos password of {0} for {1}', principal, this.name),
          prompt: vscode.l10n.t("For the KDC of {0}'s realm (only an encrypted timestamp is sent, never the password); kept in the system keychain, bound to {1}", principal, address),
          password: true,
          ignoreFocusOut: true,
        });
        if (typed === undefined) {
          throw new UserError(vscode.l10n.t('Connecting {0} needs a Kerberos ticket for {1}: enter its password, run kinit {1}, or configure "sasl.keytab".', this.name, principal));
        }
        keeps.unshift(() => this.security?.setSasl(this.name, address, { user: principal, password: typed }) ?? Promise.resolve());
        return typed;
      };
    }
    return options;
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
        void this.readIdentities(client);
      }),
    ];
    this.setStatus(client.state);
  }

  /**
   * Adds digest credentials to the open session (ZooKeeper's addauth): the session, its ephemeral
   * nodes and its watches stay. Digest authentication never fails on the server (it only adds an
   * identity), so the round trip after it only proves the session is still there with the identity in
   * effect for every later request (a session handles its requests in order).
   */
  async addDigest(digest: DigestCredentials): Promise<void> {
    const client = this.client;
    if (!client) throw new DisconnectedError(this.name);
    client.addDigest(digest.user, digest.password);
    if (!this.users.includes(digest.user)) this.users.push(digest.user);
    this.sentDigest.push(digest);
    this.changeEmitter.fire(this);
    await client.exists('/');
    await this.readIdentities(client);
  }

  /**
   * Closes the session for an edit of the address or the name, and holds every connect until `edit`
   * is done, so each one opens with the definition after the edit. Without the hold, the disconnect's
   * own status change made the tree ask for children, which opened a session again with the old
   * address while the edit was moving the credentials to the new one: that attempt was refused
   * ("changed from <new> to <old>"), and a Connect right after the edit joined it (seen in CI).
   */
  async whileEditing<T>(edit: () => Promise<T>): Promise<T> {
    const done = (async () => {
      await this.disconnect();
      return edit();
    })();
    const held = done.then(
      () => undefined,
      () => undefined,
    );
    this.editing = held;
    try {
      return await done;
    } finally {
      if (this.editing === held) this.editing = undefined;
    }
  }

  /**
   * Closes the session. `byUser`: the user asked for it (the Disconnect command), so nothing implicit
   * reconnects until the user connects again; other closes (an edit of the address, removal) do not hold.
   */
  async disconnect(options: { byUser?: boolean } = {}): Promise<void> {
    if (options.byUser) this.heldClosed = true;
    const pending = this.pending;
    if (pending) await pending.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    for (const sub of this.clientSubscriptions) sub.dispose();
    this.clientSubscriptions = [];
    this.users = [];
    this.sentDigest = [];
    this.who = undefined;
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
    this.disposed = true;
    void this.disconnect().catch((error: unknown) => this.log.error('disconnect on dispose failed', error));
    this.changeEmitter.dispose();
    this.renewedEmitter.dispose();
    this.refusedEmitter.dispose();
  }
}
