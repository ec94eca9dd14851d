// "Who Watches This?" on a znode (`wchp` on every server) and "Watched Paths" on a session of the
// Cluster view (`wchc`). Only on request: both are expensive for the server, and the result says so.
import * as vscode from 'vscode';
import { ClusterSessionItem } from '../../tree/clusterProvider';
import { formatWatchers, watchedPaths, whoWatches, type Endpoint, type WatchedPathsResult, type WhoWatchesResult } from '../../zk/cluster';
import { parseConnectString } from '../../zk/connectString';
import { COMMANDS } from '../commandIds';
import { registerCommand } from '../commands/registerCommand';
import { asArgs, resolveConnection, resolveNode } from '../commands/resolve';
import type { ConnectionManager } from '../connections/connectionManager';
import type { ZkConnection } from '../connections/zkConnection';
import { UserError } from '../errors';
import type { Logger } from '../logging';

export interface WatchCommandDeps {
  connections: ConnectionManager;
  /** Every server of the connection (connect string plus members the last probe found). */
  servers: (connection: ZkConnection) => Endpoint[];
  adminEndpoint: (connection: string, server: Endpoint) => Endpoint | undefined;
  /** Opens the result as a read-only Markdown document. */
  open: (connection: string, title: string, markdown: string) => Promise<void>;
}

/** The server-side path of a node: the connection's chroot, if any, in front. */
function serverPath(connection: ZkConnection, path: string): string {
  const parsed = parseConnectString(connection.config.connectString);
  const chroot = typeof parsed === 'string' ? undefined : parsed.chroot;
  return chroot ? (path === '/' ? chroot : `${chroot}${path}`) : path;
}

export function registerWatchCommands(subscriptions: vscode.Disposable[], log: Logger, deps: WatchCommandDeps): void {
  registerCommand(subscriptions, log, COMMANDS.whoWatches, async (arg?: unknown): Promise<WhoWatchesResult> => {
    const { connection, path } = await resolveNode(deps.connections, arg);
    const servers = deps.servers(connection);
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('ZooKeeper: {0} on {1} server(s)', 'wchp', servers.length) }, () =>
      whoWatches(servers, serverPath(connection, path), { adminEndpoint: (s) => deps.adminEndpoint(connection.name, s) }),
    );
    const args = asArgs(arg);
    if (!args || args.reveal === true) await deps.open(connection.name, `watchers of ${path.replace(/\//g, '∕')}`, formatWatchers(result));
    return result;
  });

  registerCommand(subscriptions, log, COMMANDS.watchedPaths, async (arg?: unknown): Promise<WatchedPathsResult> => {
    const args = asArgs(arg);
    let connection: ZkConnection;
    let sessionId: string;
    if (arg instanceof ClusterSessionItem) {
      connection = deps.connections.require(arg.connection);
      sessionId = arg.session.sessionId;
    } else {
      connection = await resolveConnection(deps.connections, arg, vscode.l10n.t('Watched paths of a session of which connection?'));
      const given = typeof args?.sessionId === 'string' ? args.sessionId : undefined;
      const typed =
        given ??
        (args
          ? undefined
          : await vscode.window.showInputBox({
              title: vscode.l10n.t('Session id'),
              prompt: vscode.l10n.t('A session id, e.g. 0x100000a1b2c0000'),
              validateInput: (v) => (/^(0x[0-9a-fA-F]{1,16}|\d+)$/.test(v.trim()) ? undefined : vscode.l10n.t('A hex (0x…) or decimal session id')),
            }));
      if (typed === undefined) {
        if (args) throw new UserError('Pass the session id: { connection, sessionId: "0x…" }.');
        throw new vscode.CancellationError();
      }
      if (!/^(0x[0-9a-fA-F]{1,16}|\d+)$/.test(typed.trim())) throw new UserError(vscode.l10n.t('{0} is not a session id (0x… hex or decimal).', JSON.stringify(typed)));
      sessionId = typed.trim();
    }
    const servers = deps.servers(connection);
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('ZooKeeper: {0} on {1} server(s)', 'wchc', servers.length) }, () =>
      watchedPaths(servers, sessionId, { adminEndpoint: (s) => deps.adminEndpoint(connection.name, s) }),
    );
    if (!args || args.reveal === true) await deps.open(connection.name, `watches of ${result.sessionId}`, formatWatchers(result));
    return result;
  });
}
