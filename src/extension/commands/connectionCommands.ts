import * as vscode from 'vscode';
import { formatHex64 } from '../../zk/stat';
import { ConnectionItem } from '../../tree/explorerItems';
import { COMMANDS } from '../commandIds';
import { parseSecurity, validateConnectionName, validateConnectString, type ConnectionConfig, type GssapiConfig } from '../connections/connectionConfig';
import type { ConnectionManager } from '../connections/connectionManager';
import { addressKey, type DigestCredentials } from '../connections/credentials';
import { CredentialsAddressChangedError, type ZkConnection } from '../connections/zkConnection';
import { UserError } from '../errors';
import type { Logger } from '../logging';
import { asArgs, resolveConnection, type CommandArgs } from './resolve';
import { registerCommand } from './registerCommand';

function connectionResult(connection: ZkConnection): { connection: string; state: string; sessionId?: string; identities?: { scheme: string; id: string }[] } {
  const client = connection.activeClient;
  const who = connection.identities;
  return {
    connection: connection.name,
    state: connection.status,
    ...(client ? { sessionId: formatHex64(client.sessionId) } : {}),
    // Who the server says the session is (whoAmI, ZooKeeper 3.7+; on older servers what was sent).
    ...(who ? { identities: who.identities.map(({ scheme, id }) => ({ scheme, id })) } : {}),
  };
}

function configFromArgs(args: CommandArgs, taken: readonly string[]): ConnectionConfig {
  const name = typeof args.name === 'string' ? args.name.trim() : '';
  const connectString = typeof args.connectString === 'string' ? args.connectString.trim() : '';
  const problem = validateConnectionName(name, taken) ?? validateConnectString(connectString);
  if (problem) throw new UserError(problem);
  const config: ConnectionConfig = { name, connectString };
  if (args.sessionTimeoutMs !== undefined) {
    if (typeof args.sessionTimeoutMs !== 'number' || args.sessionTimeoutMs < 2000) throw new UserError('sessionTimeoutMs must be a number of milliseconds, at least 2000.');
    config.sessionTimeoutMs = args.sessionTimeoutMs;
  }
  if (args.readOnly === true) config.readOnly = true;
  const security = parseSecurity(args.tls, args.sasl);
  if ('problem' in security) throw new UserError(security.problem);
  if (security.tls) config.tls = security.tls;
  if (security.sasl) config.sasl = security.sasl;
  return config;
}

/** Asks for one PEM file with the open dialog (in the browser VS Code: its simple dialog, where a path can be typed). */
async function askPemFile(title: string, optional: boolean): Promise<string | null | undefined> {
  if (optional) {
    const choice = await vscode.window.showQuickPick([{ label: vscode.l10n.t('Choose a PEM file…') }, { label: vscode.l10n.t("Use this machine's trusted CAs"), none: true }], { title });
    if (!choice) return undefined;
    if ('none' in choice) return null;
  }
  const picked = await vscode.window.showOpenDialog({ title, openLabel: vscode.l10n.t('Use This File'), canSelectMany: false, filters: { [vscode.l10n.t('PEM files')]: ['pem', 'crt', 'cer', 'key'], [vscode.l10n.t('All files')]: ['*'] } });
  return picked?.[0]?.fsPath;
}

/** The "Secured (TLS, SASL)…" steps of Add Connection: TLS files and the SASL user. Undefined: cancelled. */
async function askSecurity(name: string): Promise<Pick<ConnectionConfig, 'tls' | 'sasl'> | undefined> {
  const kind = await vscode.window.showQuickPick(
    [
      { label: 'TLS', description: vscode.l10n.t("the server's TLS port, its certificate checked against a CA"), tls: true, cert: false, sasl: false },
      { label: vscode.l10n.t('Mutual TLS'), description: vscode.l10n.t('TLS with your client certificate (the server grants x509:<subject>)'), tls: true, cert: true, sasl: false },
      { label: 'SASL DIGEST-MD5', description: vscode.l10n.t("a user and password from the server's JAAS file (grants sasl:<user>)"), tls: false, cert: false, sasl: true },
      { label: vscode.l10n.t('TLS and SASL DIGEST-MD5'), tls: true, cert: false, sasl: true },
      { label: vscode.l10n.t('Kerberos (SASL GSSAPI)'), description: vscode.l10n.t('your Kerberos ticket (kinit), a keytab or a password (grants sasl:<principal>)'), tls: false, cert: false, sasl: false, kerberos: true },
    ],
    { title: vscode.l10n.t('Security of {0}', name), placeHolder: vscode.l10n.t('How the server wants to be reached') },
  );
  if (!kind) return undefined;
  const result: Pick<ConnectionConfig, 'tls' | 'sasl'> = {};
  if (kind.tls) {
    const tls: NonNullable<ConnectionConfig['tls']> = {};
    const ca = await askPemFile(vscode.l10n.t("CA certificate (PEM) that signed {0}'s server certificate", name), true);
    if (ca === undefined) return undefined;
    if (ca) tls.ca = ca;
    if (kind.cert) {
      const cert = await askPemFile(vscode.l10n.t('Your client certificate (PEM) for {0}', name), false);
      if (!cert) return undefined;
      const key = await askPemFile(vscode.l10n.t('The private key (PEM) of {0}', cert), false);
      if (!key) return undefined;
      tls.cert = cert;
      tls.key = key;
    }
    result.tls = tls;
  }
  if (kind.sasl) {
    const user = await vscode.window.showInputBox({
      title: vscode.l10n.t('SASL user for {0}', name),
      prompt: vscode.l10n.t('The user name (its password is asked for when connecting and kept in the system keychain)'),
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter the SASL user name.')),
    });
    if (user === undefined) return undefined;
    result.sasl = { mechanism: 'DIGEST-MD5', user: user.trim() };
  }
  if ('kerberos' in kind) {
    const sasl = await askKerberos(name);
    if (!sasl) return undefined;
    result.sasl = sasl;
  }
  return result;
}

/** The Kerberos part of "Secured…": how the client gets its ticket. Undefined: cancelled. */
async function askKerberos(name: string): Promise<GssapiConfig | undefined> {
  const how = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('Ticket cache'), description: vscode.l10n.t('the ticket kinit made (KRB5CCNAME or the default cache)'), login: 'ccache' as const },
      { label: vscode.l10n.t('Keytab'), description: vscode.l10n.t('a principal and its keytab file: no kinit needed'), login: 'keytab' as const },
      { label: vscode.l10n.t('Password'), description: vscode.l10n.t('a principal; its password is asked for when connecting and kept in the system keychain'), login: 'password' as const },
    ],
    { title: vscode.l10n.t('Kerberos login for {0}', name), placeHolder: vscode.l10n.t('Where your Kerberos ticket comes from') },
  );
  if (!how) return undefined;
  const sasl: GssapiConfig = { mechanism: 'GSSAPI' };
  if (how.login !== 'ccache') {
    const principal = await vscode.window.showInputBox({
      title: vscode.l10n.t('Kerberos principal for {0}', name),
      prompt: vscode.l10n.t('Your principal, e.g. alice@EXAMPLE.COM (without a realm: the default realm of krb5.conf)'),
      validateInput: (v) => (v.trim() && !/\s/.test(v.trim()) ? undefined : vscode.l10n.t('Enter a principal such as alice@EXAMPLE.COM.')),
    });
    if (principal === undefined) return undefined;
    sasl.principal = principal.trim();
  }
  if (how.login === 'keytab') {
    const picked = await vscode.window.showOpenDialog({ title: vscode.l10n.t('Keytab of {0}', sasl.principal ?? ''), openLabel: vscode.l10n.t('Use This Keytab'), canSelectMany: false, filters: { [vscode.l10n.t('Keytabs')]: ['keytab', 'kt'], [vscode.l10n.t('All files')]: ['*'] } });
    const keytab = picked?.[0]?.fsPath;
    if (!keytab) return undefined;
    sasl.keytab = keytab;
  }
  return sasl;
}

function digestFromArgs(value: unknown): DigestCredentials | undefined {
  if (value === undefined) return undefined;
  const digest = value as Partial<DigestCredentials>;
  if (typeof digest.user !== 'string' || !digest.user || typeof digest.password !== 'string') {
    throw new UserError('digest must be { user, password }.');
  }
  return { user: digest.user, password: digest.password };
}

/** Says where the password will go (the address, and whether a workspace defined it) before it is typed. */
async function askDigest(connection: string, address: string, origin: string, current?: DigestCredentials): Promise<DigestCredentials | undefined> {
  const where =
    origin === 'user'
      ? vscode.l10n.t('{0} at {1}', connection, address)
      : origin === 'folder'
        ? vscode.l10n.t('{0} at {1} (defined in folder settings)', connection, address)
        : vscode.l10n.t('{0} at {1} (defined in workspace settings)', connection, address);
  const user = await vscode.window.showInputBox({
    title: vscode.l10n.t('Digest credentials for {0} (1/2)', where),
    prompt: vscode.l10n.t('User name for the digest scheme (as in addauth digest user:password)'),
    value: current?.user ?? '',
    validateInput: (v) => (v.trim() && !v.includes(':') ? undefined : vscode.l10n.t('Enter a user name without ":".')),
  });
  if (user === undefined) return undefined;
  const password = await vscode.window.showInputBox({
    title: vscode.l10n.t('Digest credentials for {0} (2/2)', where),
    prompt: vscode.l10n.t('Password for {0}, sent only to {1}; kept in the system keychain, never in settings', user.trim(), address),
    password: true,
  });
  if (password === undefined) return undefined;
  return { user: user.trim(), password };
}

async function askConfig(connections: ConnectionManager, existing?: ConnectionConfig): Promise<ConnectionConfig | undefined> {
  const taken = connections.list().map((c) => c.name).filter((n) => n !== existing?.name);
  const name = await vscode.window.showInputBox({
    title: existing ? vscode.l10n.t('Edit connection {0} (1/3)', existing.name) : vscode.l10n.t('Add ZooKeeper connection (1/3)'),
    prompt: vscode.l10n.t('A name for this cluster, e.g. prod-eu'),
    value: existing?.name ?? '',
    validateInput: (v) => validateConnectionName(v.trim(), taken),
  });
  if (name === undefined) return undefined;
  const connectString = await vscode.window.showInputBox({
    title: existing ? vscode.l10n.t('Edit connection {0} (2/3)', existing.name) : vscode.l10n.t('Add ZooKeeper connection (2/3)'),
    prompt: vscode.l10n.t('Connect string: host:port[,host:port…][/chroot]'),
    placeHolder: 'zk1:2181,zk2:2181,zk3:2181/kafka',
    value: existing?.connectString ?? '127.0.0.1:2181',
    validateInput: (v) => validateConnectString(v),
  });
  if (connectString === undefined) return undefined;
  const access = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('Read and write'), readOnly: false },
      { label: vscode.l10n.t('Read-only'), description: vscode.l10n.t('refuse every write through this connection'), readOnly: true },
      ...(existing ? [] : [{ label: vscode.l10n.t('Secured (TLS, SASL)…'), description: vscode.l10n.t('a TLS port, a client certificate, a SASL login'), readOnly: false, secured: true }]),
    ],
    { title: existing ? vscode.l10n.t('Edit connection {0} (3/3)', existing.name) : vscode.l10n.t('Add ZooKeeper connection (3/3)'), placeHolder: vscode.l10n.t('Access') },
  );
  if (!access) return undefined;
  const config: ConnectionConfig = { name: name.trim(), connectString: connectString.trim() };
  if (existing?.sessionTimeoutMs !== undefined) config.sessionTimeoutMs = existing.sessionTimeoutMs;
  // An edit keeps the connection's security settings (edit them in settings.json).
  if (existing?.tls) config.tls = existing.tls;
  if (existing?.sasl) config.sasl = existing.sasl;
  if ('secured' in access) {
    const security = await askSecurity(config.name);
    if (!security) return undefined;
    Object.assign(config, security);
    const secureAccess = await vscode.window.showQuickPick(
      [
        { label: vscode.l10n.t('Read and write'), readOnly: false },
        { label: vscode.l10n.t('Read-only'), description: vscode.l10n.t('refuse every write through this connection'), readOnly: true },
      ],
      { title: vscode.l10n.t('Access of {0}', config.name), placeHolder: vscode.l10n.t('Access') },
    );
    if (!secureAccess) return undefined;
    if (secureAccess.readOnly) config.readOnly = true;
    return config;
  }
  if (access.readOnly) config.readOnly = true;
  return config;
}

/**
 * Before credentials are replaced or removed on an open session: a new session is needed (a session
 * cannot drop an identity), and a new session loses what belonged to the old one. Undefined: cancelled.
 */
async function askReconnect(connection: ZkConnection, digest: DigestCredentials | undefined): Promise<'reconnect' | 'nextConnect' | undefined> {
  const client = connection.activeClient;
  const ephemerals = client ? await client.getEphemerals('/').catch(() => undefined) : undefined;
  const goes =
    ephemerals === undefined
      ? vscode.l10n.t('the server deletes its ephemeral nodes')
      : ephemerals.length === 0
        ? vscode.l10n.t('it owns no ephemeral nodes now')
        : ephemerals.length === 1
          ? vscode.l10n.t('the server deletes its ephemeral node ({0})', ephemerals[0] ?? '')
          : vscode.l10n.t('the server deletes its {0} ephemeral nodes ({1})', ephemerals.length, `${ephemerals.slice(0, 3).join(', ')}${ephemerals.length > 3 ? ', …' : ''}`);
  const atNextConnect = vscode.l10n.t('At Next Connect');
  const reconnectNow = vscode.l10n.t('Reconnect Now');
  // The keeping choice first: it is the one Enter picks.
  const answer = await vscode.window.showWarningMessage(
    digest
      ? vscode.l10n.t('Use {0} instead of {1} on {2}: reconnect now?', digest.user, connection.sessionUsers.join(', '), connection.name)
      : vscode.l10n.t('Remove the digest credentials on {0}: reconnect now?', connection.name),
    {
      modal: true,
      detail: vscode.l10n.t(
        'ZooKeeper cannot take an identity away from a session, so the change needs a new session. Reconnecting ends the current one: {0}, and one-shot watches set by it are gone (the Watches panel sets its watches again). Or keep this session as it is and use the new credentials from the next connect.',
        goes,
      ),
    },
    atNextConnect,
    reconnectNow,
  );
  return answer === reconnectNow ? 'reconnect' : answer === atNextConnect ? 'nextConnect' : undefined;
}

/** A quick pick item of the status bar's menu and what choosing it does. */
interface MenuItem extends vscode.QuickPickItem {
  run?: () => Thenable<unknown>;
}

const STATE_ICON: Record<string, string> = { connected: '$(pass-filled)', readOnly: '$(pass-filled)', failed: '$(error)', authFailed: '$(error)', disconnected: '$(debug-disconnect)', closed: '$(debug-disconnect)' };

/**
 * The status bar's menu: connect, disconnect or reconnect the active connection, switch to another one
 * (each with its state), or add one. Returns what was chosen, for automation and tests.
 */
async function pickFromStatusBar(connections: ConnectionManager): Promise<{ chosen: string } | undefined> {
  const active = connections.active;
  const items: MenuItem[] = [];
  if (active) {
    items.push({ label: active.name, kind: vscode.QuickPickItemKind.Separator });
    // A tree item, not { connection }: the commands then behave as from the UI (their own messages).
    const target = [new ConnectionItem(active)];
    if (active.isOpen) {
      items.push(
        { label: `$(debug-disconnect) ${vscode.l10n.t('Disconnect {0}', active.name)}`, description: active.describeSession(), run: () => vscode.commands.executeCommand(COMMANDS.disconnect, ...target) },
        {
          label: `$(refresh) ${vscode.l10n.t('Reconnect {0}', active.name)}`,
          description: vscode.l10n.t('a new session: ephemeral nodes of this one are deleted'),
          run: async () => {
            await vscode.commands.executeCommand(COMMANDS.disconnect, ...target);
            return vscode.commands.executeCommand(COMMANDS.connect, ...target);
          },
        },
      );
    } else {
      items.push({ label: `$(plug) ${vscode.l10n.t('Connect {0}', active.name)}`, description: active.config.connectString, run: () => vscode.commands.executeCommand(COMMANDS.connect, ...target) });
    }
  }
  const others = connections.list().filter((c) => c !== active);
  if (others.length > 0) {
    items.push({ label: vscode.l10n.t('Switch to'), kind: vscode.QuickPickItemKind.Separator });
    for (const other of others) {
      items.push({
        label: `${STATE_ICON[other.status] ?? '$(sync)'} ${other.name}`,
        description: other.statusText,
        detail: other.config.connectString,
        run: () => {
          connections.markUsed(other);
          return Promise.resolve(undefined);
        },
      });
    }
  }
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: `$(add) ${vscode.l10n.t('Add Connection…')}`, run: () => vscode.commands.executeCommand(COMMANDS.addConnection) });
  const picked = await vscode.window.showQuickPick(items, {
    title: active ? `ZooKeeper: ${active.name} (${active.statusText})` : 'ZooKeeper',
    placeHolder: vscode.l10n.t('Connect, disconnect, or switch to another connection'),
  });
  if (!picked?.run) return undefined;
  // Errors of the chosen command are shown by that command's own wrapper (a UI call).
  await picked.run();
  return { chosen: picked.label };
}

/**
 * The SASL password and TLS key passphrase part of zookeeper.setCredentials:
 * `{ connection, sasl: { user, password } | null }` and `{ connection, tlsKeyPassphrase: string | null }`,
 * or, from the UI, a choice when the connection uses SASL or an encrypted key. Kept in SecretStorage
 * bound to the address; never echoed back or logged. Returns undefined when the call is about digest.
 */
async function setSecuritySecret(connections: ConnectionManager, connection: ZkConnection, args: CommandArgs | undefined, log: Logger): Promise<object | undefined> {
  const address = connection.config.connectString;
  let sasl: { user: string; password: string } | null | undefined;
  let passphrase: string | null | undefined;
  if (args && !args.prompt) {
    if (args.sasl === undefined && args.tlsKeyPassphrase === undefined) return undefined;
    if (args.sasl !== undefined) {
      const value = args.sasl === null ? null : asArgs(args.sasl);
      if (value === null) sasl = null;
      else if (value && typeof value.user === 'string' && value.user && typeof value.password === 'string') sasl = { user: value.user, password: value.password };
      else throw new UserError('sasl must be { user, password }, or null to remove the stored SASL password.');
    }
    if (args.tlsKeyPassphrase !== undefined) {
      if (args.tlsKeyPassphrase !== null && typeof args.tlsKeyPassphrase !== 'string') throw new UserError('tlsKeyPassphrase must be a string, or null to remove it.');
      passphrase = args.tlsKeyPassphrase;
    }
  } else {
    const configured = connection.config.sasl;
    // A Kerberos connection keeps a password only for a principal without a keytab.
    const saslUser = configured?.mechanism === 'GSSAPI' ? (configured.keytab ? undefined : configured.principal) : configured?.user;
    const kerberos = configured?.mechanism === 'GSSAPI';
    const key = connection.config.tls?.key;
    if (!saslUser && !key) return undefined;
    const picked = await vscode.window.showQuickPick(
      [
        ...(saslUser ? [{ label: kerberos ? vscode.l10n.t('Kerberos password of {0}', saslUser) : vscode.l10n.t('SASL password of {0}', saslUser), which: 'sasl' as const }] : []),
        ...(key ? [{ label: vscode.l10n.t('TLS key passphrase'), description: key, which: 'tls' as const }] : []),
        { label: vscode.l10n.t('Digest credentials (user:password)'), which: 'digest' as const },
      ],
      { title: vscode.l10n.t('Credentials for {0} at {1}', connection.name, addressKey(address)) },
    );
    if (!picked) return { connection: connection.name, applied: 'cancelled' };
    if (picked.which === 'digest') return undefined;
    const value = await vscode.window.showInputBox({
      title:
        picked.which === 'sasl'
          ? kerberos
            ? vscode.l10n.t('Kerberos password of {0} for {1}', saslUser ?? '', connection.name)
            : vscode.l10n.t('SASL password of {0} for {1}', saslUser ?? '', connection.name)
          : vscode.l10n.t('Passphrase of {0}', key ?? ''),
      prompt:
        picked.which === 'sasl' && kerberos
          ? vscode.l10n.t(
              "Used only for connection {0} at {1}, with the KDC of {2}'s realm (only an encrypted timestamp is sent); kept in the system keychain, never in settings",
              connection.name,
              addressKey(address),
              saslUser ?? '',
            )
          : vscode.l10n.t('Sent only to {0}; kept in the system keychain, never in settings', addressKey(address)),
      password: true,
      ignoreFocusOut: true,
    });
    if (value === undefined) return { connection: connection.name, applied: 'cancelled' };
    if (picked.which === 'sasl') sasl = { user: saslUser!, password: value };
    else passphrase = value;
  }
  if (sasl !== undefined) await connections.security.setSasl(connection.name, address, sasl);
  if (passphrase !== undefined) await connections.security.setKeyPassphrase(connection.name, address, passphrase);
  // A session keeps the login it made; the new secret is used from the next connection (or now, when asked).
  let applied: 'reconnect' | 'nextConnect' = 'nextConnect';
  if (args?.reconnect === true && connection.isOpen) {
    await connection.disconnect();
    await connection.connect({ explicit: true });
    applied = 'reconnect';
  }
  const what = [sasl !== undefined ? (sasl ? `SASL password of ${sasl.user} set` : 'SASL password removed') : '', passphrase !== undefined ? (passphrase === null ? 'TLS key passphrase removed' : 'TLS key passphrase set') : '']
    .filter(Boolean)
    .join(', ');
  log.info(`${connection.name}: ${what} (${addressKey(address)}), ${applied === 'reconnect' ? 'applied on a new session' : 'used from the next connect'}`);
  if (!args || args.prompt) {
    const said = [
      sasl !== undefined ? (sasl ? vscode.l10n.t('SASL password of {0} set', sasl.user) : vscode.l10n.t('SASL password removed')) : '',
      passphrase !== undefined ? (passphrase === null ? vscode.l10n.t('TLS key passphrase removed') : vscode.l10n.t('TLS key passphrase set')) : '',
    ]
      .filter(Boolean)
      .join(', ');
    void vscode.window.showInformationMessage(vscode.l10n.t('{0}: {1}; used from the next connect.', connection.name, said));
  }
  return {
    connection: connection.name,
    ...(sasl !== undefined ? { sasl: sasl ? { user: sasl.user } : null } : {}),
    ...(passphrase !== undefined ? { tlsKeyPassphrase: passphrase === null ? 'removed' : 'stored' } : {}),
    applied,
  };
}

export function registerConnectionCommands(subscriptions: vscode.Disposable[], log: Logger, connections: ConnectionManager, onConnected: (c: ZkConnection) => void): void {
  registerCommand(subscriptions, log, COMMANDS.addConnection, async (arg?: unknown) => {
    const args = asArgs(arg);
    const config = args ? configFromArgs(args, connections.list().map((c) => c.name)) : await askConfig(connections);
    if (!config) return undefined;
    const digest = args ? digestFromArgs(args.digest) : undefined;
    if (digest) await connections.credentials.set(config.name, config.connectString, digest);
    await connections.add(config);
    if (!args) {
      const connect = vscode.l10n.t('Connect');
      const setCredentials = vscode.l10n.t('Set Digest Credentials…');
      const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Added ZooKeeper connection "{0}".', config.name), connect, setCredentials);
      if (choice === connect) await vscode.commands.executeCommand(COMMANDS.connect, { connection: config.name });
      if (choice === setCredentials) await vscode.commands.executeCommand(COMMANDS.setCredentials, { connection: config.name, prompt: true });
    }
    return { connection: config.name };
  });

  registerCommand(subscriptions, log, COMMANDS.editConnection, async (arg?: unknown) => {
    const connection = await resolveConnection(connections, arg, vscode.l10n.t('Choose the connection to edit'));
    const args = asArgs(arg);
    const config = args
      ? configFromArgs({ ...connection.config, ...args, name: args.name ?? connection.name }, connections.list().map((c) => c.name).filter((n) => n !== connection.name))
      : await askConfig(connections, connection.config);
    if (!config) return undefined;
    const previous = connection.config.connectString;
    let carryCredentials = args?.carryCredentials === true;
    if (!args && addressKey(previous) !== addressKey(config.connectString) && (await connections.credentials.get(connection.name, previous))) {
      // Credentials are bound to an address; only the user can say they are meant for the new one too.
      const useForNewAddress = vscode.l10n.t('Use for the New Address');
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t('Use the digest credentials stored for {0} with the new address {1} too?', addressKey(previous), addressKey(config.connectString)),
        { modal: true, detail: vscode.l10n.t('Only if it is the same cluster (moved, or another spelling of its address). Otherwise you are asked for credentials when connecting.') },
        useForNewAddress,
        vscode.l10n.t('Ask Me Again'),
      );
      if (answer === undefined) return undefined;
      carryCredentials = answer === useForNewAddress;
    }
    await connections.update(connection.name, config, { carryCredentials });
    return { connection: config.name };
  });

  registerCommand(subscriptions, log, COMMANDS.removeConnection, async (arg?: unknown) => {
    const connection = await resolveConnection(connections, arg, vscode.l10n.t('Choose the connection to remove'));
    if (!asArgs(arg)) {
      const remove = vscode.l10n.t('Remove');
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t('Remove the connection "{0}" ({1})? Its stored credentials are deleted too; nothing on the server changes.', connection.name, connection.config.connectString),
        { modal: true },
        remove,
      );
      if (answer !== remove) return undefined;
    }
    await connections.remove(connection.name);
    return { connection: connection.name, removed: true };
  });

  registerCommand(subscriptions, log, COMMANDS.connect, async (arg?: unknown) => {
    const connection = await resolveConnection(connections, arg, vscode.l10n.t('Choose the connection to open'));
    try {
      await vscode.window.withProgress(
        { location: { viewId: 'zookeeper.explorer' }, title: vscode.l10n.t('Connecting to {0}…', connection.name) },
        // The user's own Connect: the one way (with the status bar's) back from a Disconnect.
        () => connection.connect({ explicit: true }),
      );
    } catch (error) {
      // From the UI the refusal already asks the user (onDidRefuseCredentials below): no second message.
      if (error instanceof CredentialsAddressChangedError && !asArgs(arg)) throw new vscode.CancellationError();
      throw error;
    }
    // Only a connect that worked makes the connection the active one (the status bar's).
    connections.markUsed(connection);
    onConnected(connection);
    return connectionResult(connection);
  });

  registerCommand(subscriptions, log, COMMANDS.disconnect, async (arg?: unknown) => {
    const connection = await resolveConnection(connections, arg, vscode.l10n.t('Choose the connection to close'));
    // Held closed: an expanded tree, an open editor or a save does not open a new session behind the user's back.
    await connection.disconnect({ byUser: true });
    return connectionResult(connection);
  });

  registerCommand(subscriptions, log, COMMANDS.setCredentials, async (arg?: unknown) => {
    const connection = await resolveConnection(connections, arg, vscode.l10n.t('Choose the connection'));
    const args = asArgs(arg);
    const security = await setSecuritySecret(connections, connection, args, log);
    if (security) return security;
    let digest: DigestCredentials | undefined;
    const address = connection.config.connectString;
    const previous = await connections.credentials.get(connection.name, address);
    if (args && !args.prompt) {
      if (args.digest !== null) {
        digest = digestFromArgs(args.digest);
        if (!digest) throw new UserError('Pass { connection, digest: { user, password } }, or digest: null to remove the stored credentials.');
      }
    } else {
      digest = await askDigest(connection.name, address, connection.origin, previous);
      if (!digest) return undefined;
    }
    const unchanged = digest !== undefined && previous !== undefined && digest.user === previous.user && digest.password === previous.password;
    // How an open session takes the change. ZooKeeper can add an identity to a live session (addauth),
    // keeping its ephemeral nodes and watches; it cannot take one away, so replacing or removing
    // credentials needs a new session, which the user has to agree to first.
    let applied: 'session' | 'reconnect' | 'nextConnect' | 'unchanged' | 'stored' = 'stored';
    if (connection.isOpen) {
      if (digest && unchanged && connection.sessionUsers.includes(digest.user)) applied = 'unchanged';
      else if (digest && connection.sessionUsers.length === 0) applied = 'session';
      else if (!digest && connection.sessionUsers.length === 0) applied = 'stored'; // the session has no identity to drop
      else if (args && !args.prompt) applied = args.reconnect === false ? 'nextConnect' : 'reconnect';
      else {
        const answer = await askReconnect(connection, digest);
        if (answer === undefined) return undefined; // nothing stored, nothing changed
        applied = answer;
      }
    }
    if (digest) await connections.credentials.set(connection.name, address, digest);
    else await connections.credentials.revoke(connection.name, address);
    if (applied === 'session' && digest) {
      await connection.addDigest(digest);
    } else if (applied === 'reconnect') {
      await connection.disconnect();
      await connection.connect({ explicit: true });
    }
    const how = { session: 'added to the open session', reconnect: 'applied on a new session', nextConnect: 'applied from the next connect', unchanged: 'unchanged', stored: 'applied from the next connect' }[applied];
    log.info(`${connection.name}: digest credentials ${digest ? `set for user ${digest.user}` : 'removed'} (${addressKey(address)}), ${how}`);
    if (!args || args.prompt) {
      const text = digest
        ? applied === 'session'
          ? vscode.l10n.t('{0} is now authenticated as {1}; the session stayed (ephemeral nodes and watches kept).', connection.name, digest.user)
          : applied === 'nextConnect'
            ? vscode.l10n.t('Digest credentials for {0} are stored; {1} uses them from the next connect.', digest.user, connection.name)
            : vscode.l10n.t('Digest credentials for {0} are stored for {1}.', digest.user, connection.name)
        : applied === 'nextConnect'
          ? vscode.l10n.t('{0} connects to {1} without digest credentials from the next connect.', connection.name, addressKey(address))
          : vscode.l10n.t('{0} connects to {1} without digest credentials.', connection.name, addressKey(address));
      void vscode.window.showInformationMessage(text);
    }
    return { connection: connection.name, user: digest?.user ?? null, applied, ...(connection.activeClient ? { sessionId: formatHex64(connection.activeClient.sessionId) } : {}) };
  });

  registerCommand(subscriptions, log, COMMANDS.switchConnection, async (arg?: unknown) => {
    const args = asArgs(arg);
    if (args) {
      // Automation switches without a question; connecting stays a separate, explicit step.
      const connection = connections.require(args.connection);
      connections.markUsed(connection);
      return { active: connection.name, state: connection.status };
    }
    return pickFromStatusBar(connections);
  });

  // A connect refused because the stored credentials belong to another address: ask, once per
  // pair of addresses while the question is open, and never block the connect that was refused.
  const asking = new Set<string>();
  subscriptions.push(
    connections.onDidRefuseCredentials((refusal) => {
      const key = `${refusal.connection}\n${refusal.to}`;
      if (asking.has(key)) return;
      asking.add(key);
      const withoutCredentials = vscode.l10n.t('Connect Without Credentials');
      void vscode.window
        .showWarningMessage(refusal.message, vscode.l10n.t('Set Credentials for the New Address…'), withoutCredentials)
        .then(async (choice) => {
          if (choice === undefined) return;
          const set = await vscode.commands.executeCommand(
            COMMANDS.setCredentials,
            choice === withoutCredentials ? { connection: refusal.connection, digest: null } : { connection: refusal.connection, prompt: true },
          );
          if (set === undefined) return; // the user cancelled the input
          const connection = connections.get(refusal.connection);
          if (connection && !connection.isOpen) {
            await vscode.commands.executeCommand(COMMANDS.connect, { connection: connection.name }).then(undefined, (error: unknown) => {
              void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
            });
          }
        })
        .then(
          () => asking.delete(key),
          (error: unknown) => {
            asking.delete(key);
            log.error('answering the credentials question failed', error);
          },
        );
    }),
  );
}
