import * as vscode from 'vscode';
import { formatHex64 } from '../../zk/stat';
import { ConnectionItem } from '../../tree/explorerItems';
import { COMMANDS } from '../commandIds';
import { validateConnectionName, validateConnectString, type ConnectionConfig } from '../connections/connectionConfig';
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
  return config;
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
  const where = `${connection} at ${address}${origin === 'user' ? '' : ` (defined in ${origin} settings)`}`;
  const user = await vscode.window.showInputBox({
    title: `Digest credentials for ${where} (1/2)`,
    prompt: 'User name for the digest scheme (as in addauth digest user:password)',
    value: current?.user ?? '',
    validateInput: (v) => (v.trim() && !v.includes(':') ? undefined : 'Enter a user name without ":".'),
  });
  if (user === undefined) return undefined;
  const password = await vscode.window.showInputBox({
    title: `Digest credentials for ${where} (2/2)`,
    prompt: `Password for ${user.trim()}, sent only to ${address}; kept in the system keychain, never in settings`,
    password: true,
  });
  if (password === undefined) return undefined;
  return { user: user.trim(), password };
}

async function askConfig(connections: ConnectionManager, existing?: ConnectionConfig): Promise<ConnectionConfig | undefined> {
  const taken = connections.list().map((c) => c.name).filter((n) => n !== existing?.name);
  const name = await vscode.window.showInputBox({
    title: existing ? `Edit connection ${existing.name} (1/3)` : 'Add ZooKeeper connection (1/3)',
    prompt: 'A name for this cluster, e.g. prod-eu',
    value: existing?.name ?? '',
    validateInput: (v) => validateConnectionName(v.trim(), taken),
  });
  if (name === undefined) return undefined;
  const connectString = await vscode.window.showInputBox({
    title: existing ? `Edit connection ${existing.name} (2/3)` : 'Add ZooKeeper connection (2/3)',
    prompt: 'Connect string: host:port[,host:port…][/chroot]',
    placeHolder: 'zk1:2181,zk2:2181,zk3:2181/kafka',
    value: existing?.connectString ?? '127.0.0.1:2181',
    validateInput: (v) => validateConnectString(v),
  });
  if (connectString === undefined) return undefined;
  const access = await vscode.window.showQuickPick(
    [
      { label: 'Read and write', readOnly: false },
      { label: 'Read-only', description: 'refuse every write through this connection', readOnly: true },
    ],
    { title: existing ? `Edit connection ${existing.name} (3/3)` : 'Add ZooKeeper connection (3/3)', placeHolder: 'Access' },
  );
  if (!access) return undefined;
  const config: ConnectionConfig = { name: name.trim(), connectString: connectString.trim() };
  if (existing?.sessionTimeoutMs !== undefined) config.sessionTimeoutMs = existing.sessionTimeoutMs;
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
      ? 'the server deletes its ephemeral nodes'
      : ephemerals.length === 0
        ? 'it owns no ephemeral nodes now'
        : `the server deletes its ${ephemerals.length === 1 ? 'ephemeral node' : `${ephemerals.length} ephemeral nodes`} (${ephemerals.slice(0, 3).join(', ')}${ephemerals.length > 3 ? ', …' : ''})`;
  // The keeping choice first: it is the one Enter picks.
  const answer = await vscode.window.showWarningMessage(
    `${digest ? `Use ${digest.user} instead of ${connection.sessionUsers.join(', ')}` : 'Remove the digest credentials'} on ${connection.name}: reconnect now?`,
    {
      modal: true,
      detail:
        `ZooKeeper cannot take an identity away from a session, so the change needs a new session. Reconnecting ends the current one: ${goes}, and one-shot watches set by it are gone (the Watches panel sets its watches again). ` +
        'Or keep this session as it is and use the new credentials from the next connect.',
    },
    'At Next Connect',
    'Reconnect Now',
  );
  return answer === 'Reconnect Now' ? 'reconnect' : answer === 'At Next Connect' ? 'nextConnect' : undefined;
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
        { label: `$(debug-disconnect) Disconnect ${active.name}`, description: active.describeSession(), run: () => vscode.commands.executeCommand(COMMANDS.disconnect, ...target) },
        {
          label: `$(refresh) Reconnect ${active.name}`,
          description: 'a new session: ephemeral nodes of this one are deleted',
          run: async () => {
            await vscode.commands.executeCommand(COMMANDS.disconnect, ...target);
            return vscode.commands.executeCommand(COMMANDS.connect, ...target);
          },
        },
      );
    } else {
      items.push({ label: `$(plug) Connect ${active.name}`, description: active.config.connectString, run: () => vscode.commands.executeCommand(COMMANDS.connect, ...target) });
    }
  }
  const others = connections.list().filter((c) => c !== active);
  if (others.length > 0) {
    items.push({ label: 'Switch to', kind: vscode.QuickPickItemKind.Separator });
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
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: '$(add) Add Connection…', run: () => vscode.commands.executeCommand(COMMANDS.addConnection) });
  const picked = await vscode.window.showQuickPick(items, {
    title: active ? `ZooKeeper: ${active.name} (${active.statusText})` : 'ZooKeeper',
    placeHolder: 'Connect, disconnect, or switch to another connection',
  });
  if (!picked?.run) return undefined;
  // Errors of the chosen command are shown by that command's own wrapper (a UI call).
  await picked.run();
  return { chosen: picked.label };
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
      const choice = await vscode.window.showInformationMessage(`Added ZooKeeper connection "${config.name}".`, 'Connect', 'Set Digest Credentials…');
      if (choice === 'Connect') await vscode.commands.executeCommand(COMMANDS.connect, { connection: config.name });
      if (choice === 'Set Digest Credentials…') await vscode.commands.executeCommand(COMMANDS.setCredentials, { connection: config.name, prompt: true });
    }
    return { connection: config.name };
  });

  registerCommand(subscriptions, log, COMMANDS.editConnection, async (arg?: unknown) => {
    const connection = await resolveConnection(connections, arg, 'Choose the connection to edit');
    const args = asArgs(arg);
    const config = args
      ? configFromArgs({ ...connection.config, ...args, name: args.name ?? connection.name }, connections.list().map((c) => c.name).filter((n) => n !== connection.name))
      : await askConfig(connections, connection.config);
    if (!config) return undefined;
    const previous = connection.config.connectString;
    let carryCredentials = args?.carryCredentials === true;
    if (!args && addressKey(previous) !== addressKey(config.connectString) && (await connections.credentials.get(connection.name, previous))) {
      // Credentials are bound to an address; only the user can say they are meant for the new one too.
      const answer = await vscode.window.showWarningMessage(
        `Use the digest credentials stored for ${addressKey(previous)} with the new address ${addressKey(config.connectString)} too?`,
        { modal: true, detail: 'Only if it is the same cluster (moved, or another spelling of its address). Otherwise you are asked for credentials when connecting.' },
        'Use for the New Address',
        'Ask Me Again',
      );
      if (answer === undefined) return undefined;
      carryCredentials = answer === 'Use for the New Address';
    }
    await connections.update(connection.name, config, { carryCredentials });
    return { connection: config.name };
  });

  registerCommand(subscriptions, log, COMMANDS.removeConnection, async (arg?: unknown) => {
    const connection = await resolveConnection(connections, arg, 'Choose the connection to remove');
    if (!asArgs(arg)) {
      const answer = await vscode.window.showWarningMessage(
        `Remove the connection "${connection.name}" (${connection.config.connectString})? Its stored credentials are deleted too; nothing on the server changes.`,
        { modal: true },
        'Remove',
      );
      if (answer !== 'Remove') return undefined;
    }
    await connections.remove(connection.name);
    return { connection: connection.name, removed: true };
  });

  registerCommand(subscriptions, log, COMMANDS.connect, async (arg?: unknown) => {
    const connection = await resolveConnection(connections, arg, 'Choose the connection to open');
    try {
      await vscode.window.withProgress(
        { location: { viewId: 'zookeeper.explorer' }, title: `Connecting to ${connection.name}…` },
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
    const connection = await resolveConnection(connections, arg, 'Choose the connection to close');
    // Held closed: an expanded tree, an open editor or a save does not open a new session behind the user's back.
    await connection.disconnect({ byUser: true });
    return connectionResult(connection);
  });

  registerCommand(subscriptions, log, COMMANDS.setCredentials, async (arg?: unknown) => {
    const connection = await resolveConnection(connections, arg, 'Choose the connection');
    const args = asArgs(arg);
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
          ? `${connection.name} is now authenticated as ${digest.user}; the session stayed (ephemeral nodes and watches kept).`
          : applied === 'nextConnect'
            ? `Digest credentials for ${digest.user} are stored; ${connection.name} uses them from the next connect.`
            : `Digest credentials for ${digest.user} are stored for ${connection.name}.`
        : `${connection.name} connects to ${addressKey(address)} without digest credentials${applied === 'nextConnect' ? ' from the next connect' : ''}.`;
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
      void vscode.window
        .showWarningMessage(refusal.message, 'Set Credentials for the New Address…', 'Connect Without Credentials')
        .then(async (choice) => {
          if (choice === undefined) return;
          const set = await vscode.commands.executeCommand(
            COMMANDS.setCredentials,
            choice === 'Connect Without Credentials' ? { connection: refusal.connection, digest: null } : { connection: refusal.connection, prompt: true },
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
