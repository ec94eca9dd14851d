import * as vscode from 'vscode';
import { normalizeUserPath, validatePath } from '../../zk/paths';
import { ConnectionItem, RangeItem, ZnodeItem } from '../../tree/explorerItems';
import type { ConnectionSource } from '../../tree/sources';
import type { ConnectionManager } from '../connections/connectionManager';
import { ZkConnection } from '../connections/zkConnection';
import { UserError } from '../errors';

/** The argument object automation passes: { connection, path, … }. */
export type CommandArgs = Record<string, unknown>;

export function asArgs(arg: unknown): CommandArgs | undefined {
  return typeof arg === 'object' && arg !== null && Object.getPrototypeOf(arg) === Object.prototype ? (arg as CommandArgs) : undefined;
}

/** A tree item of another view (a recipe, a participant, a service instance) that names a node. */
function nodeRef(arg: unknown): { connection: ZkConnection; path: string } | undefined {
  if (typeof arg !== 'object' || arg === null || asArgs(arg)) return undefined;
  const { connection, path } = arg as { connection?: unknown; path?: unknown };
  return connection instanceof ZkConnection && typeof path === 'string' ? { connection, path } : undefined;
}

/** A tree row's connection as the commands use it (the views know it only by a narrow interface, src/tree/sources.ts). */
function own(connections: ConnectionManager, connection: ConnectionSource): ZkConnection {
  return connection instanceof ZkConnection ? connection : connections.require(connection.name);
}

/** The connection a command acts on: from a tree item, an argument object, or (from the palette) a pick. */
export async function resolveConnection(connections: ConnectionManager, arg: unknown, placeHolder = vscode.l10n.t('Choose a ZooKeeper connection')): Promise<ZkConnection> {
  if (arg instanceof ConnectionItem || arg instanceof ZnodeItem || arg instanceof RangeItem) return own(connections, arg.connection);
  const owner = typeof arg === 'object' && arg !== null && !asArgs(arg) ? (arg as { connection?: unknown }).connection : undefined;
  if (owner instanceof ZkConnection) return owner;
  const args = asArgs(arg);
  if (args) return connections.require(args.connection);
  const all = connections.list();
  if (all.length === 0) throw new UserError(vscode.l10n.t('There are no ZooKeeper connections yet. Run "ZooKeeper: Add Connection…" first.'));
  if (all.length === 1) return all[0];
  const picked = await vscode.window.showQuickPick(
    all.map((c) => ({ label: c.name, description: c.config.connectString, detail: c.statusText, connection: c })),
    { placeHolder },
  );
  if (!picked) throw new vscode.CancellationError();
  return picked.connection;
}

/** The znode a command acts on: a tree item, { connection, path }, or a path typed by the user. */
export async function resolveNode(connections: ConnectionManager, arg: unknown): Promise<{ connection: ZkConnection; path: string }> {
  if (arg instanceof ZnodeItem) return { connection: own(connections, arg.connection), path: arg.path };
  const ref = nodeRef(arg);
  if (ref) return ref;
  const connection = await resolveConnection(connections, arg);
  const args = asArgs(arg);
  if (args) {
    if (typeof args.path !== 'string') throw new UserError('Pass the znode path: { connection, path: "/…" }.');
    const problem = validatePath(args.path);
    if (problem) throw new UserError(problem);
    return { connection, path: args.path };
  }
  const typed = await vscode.window.showInputBox({
    title: vscode.l10n.t('Znode path on {0}', connection.name),
    prompt: vscode.l10n.t('An absolute path, e.g. /config/app'),
    value: '/',
    validateInput: (value) => validatePath(normalizeUserPath(value)),
  });
  if (typed === undefined) throw new vscode.CancellationError();
  return { connection, path: normalizeUserPath(typed) };
}
