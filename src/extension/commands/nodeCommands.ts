import * as vscode from 'vscode';
import type { ExplorerProvider } from '../../tree/explorerProvider';
import { childMatcher } from '../../tree/childListing';
import { ConnectionItem, ZnodeItem } from '../../tree/explorerItems';
import { parentPath } from '../../zk/paths';
import { COMMANDS } from '../commandIds';
import type { ConnectionManager } from '../connections/connectionManager';
import type { ZkConnection } from '../connections/zkConnection';
import { UserError } from '../errors';
import type { Logger } from '../logging';
import { ZkUri } from '../zkUri';
import { askCreateRequest, createdMessage, createNode, createRequestFromArgs } from './createNode';
import { deleteNodeInteractively, deleteNodeQuietly } from './deleteNode';
import { askPath, missingPathMessage } from './goToPath';
import { registerRelocateCommands } from './relocateCommands';
import { asArgs, resolveConnection, resolveNode } from './resolve';
import { registerCommand } from './registerCommand';
import { stagingHook } from '../staging/hook';

/** Shows a node in the explorer: expands its ancestors, selects and focuses it. */
export type Reveal = (connection: ZkConnection, path: string) => Promise<void>;

export function registerNodeCommands(subscriptions: vscode.Disposable[], log: Logger, connections: ConnectionManager, explorer: ExplorerProvider, reveal: Reveal): void {
  const refreshParentOf = (connection: ZkConnection, path: string): void => {
    const parent = parentPath(path) ?? '/';
    explorer.refresh(parent === '/' ? explorer.connectionItem(connection) : explorer.znodeItem(connection, parent, undefined));
  };

  registerCommand(subscriptions, log, COMMANDS.refresh, (arg?: unknown) => {
    if (arg instanceof ConnectionItem || arg instanceof ZnodeItem) {
      explorer.refresh(arg);
      return undefined;
    }
    const args = asArgs(arg);
    if (args && typeof args.connection === 'string') {
      const connection = connections.require(args.connection);
      const path = typeof args.path === 'string' ? args.path : undefined;
      if (path && args.listHuge === true) explorer.allowHuge(connection, path);
      explorer.refresh(path && path !== '/' ? explorer.znodeItem(connection, path, undefined) : explorer.connectionItem(connection));
      return { refreshed: true };
    }
    explorer.refresh();
    return { refreshed: true };
  });

  registerCommand(subscriptions, log, COMMANDS.copyPath, async (arg?: unknown) => {
    const { connection, path } = await resolveNode(connections, arg);
    const args = asArgs(arg);
    const text = args?.asUri === true ? ZkUri.create(connection.name, path).toString() : path;
    await vscode.env.clipboard.writeText(text);
    if (!args) vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', text), 3000);
    return { copied: text };
  });

  registerCommand(subscriptions, log, COMMANDS.createNode, async (arg?: unknown) => {
    const args = asArgs(arg);
    let connection: ZkConnection;
    let request;
    let editInEditor = false;
    if (args) {
      connection = connections.require(args.connection);
      request = createRequestFromArgs(args);
    } else {
      const parent = await resolveNode(connections, arg);
      connection = parent.connection;
      if (connection.readOnly) throw new UserError(vscode.l10n.t('The connection "{0}" is read-only: creating nodes is refused.', connection.name));
      const choices = await askCreateRequest(connection, parent.path);
      if (!choices) return undefined;
      ({ request, editInEditor } = choices);
    }
    const staged = await stagingHook.current?.stageCreate(connection, request);
    if (staged) return staged;
    const result = await createNode(connection, request);
    log.info(`${connection.name}: created ${result.path} (${request.mode})`);
    refreshParentOf(connection, result.path);
    // The parent may have been a leaf until now: only its own parent redraws it with an expand arrow.
    const parent = parentPath(result.path);
    if (parent && parent !== '/') refreshParentOf(connection, parent);
    if (!args) {
      await reveal(connection, result.path);
      const message = createdMessage(connection.name, request.mode, request.path, result.path);
      if (message) void vscode.window.showInformationMessage(message);
      if (editInEditor) await vscode.commands.executeCommand(COMMANDS.openNode, { connection: connection.name, path: result.path });
    }
    return result;
  });

  registerCommand(subscriptions, log, COMMANDS.deleteNode, async (arg?: unknown) => {
    const args = asArgs(arg);
    const { connection, path } = await resolveNode(connections, arg);
    const staged = await stagingHook.current?.stageDelete(connection, path, args ? args.recursive === true : true);
    if (staged) return staged;
    const result = args ? await deleteNodeQuietly(connection, path, args.recursive === true) : await deleteNodeInteractively(connection, path, log);
    if (!result) return undefined;
    log.info(`${connection.name}: deleted ${result.deleted} of ${result.total} node(s) at ${path}`);
    refreshParentOf(connection, path);
    return result;
  });

  registerCommand(subscriptions, log, COMMANDS.goToPath, async (arg?: unknown) => {
    const args = asArgs(arg);
    const connection = await resolveConnection(connections, arg, vscode.l10n.t('Go to a path on which connection?'));
    const path = args ? (await resolveNode(connections, arg)).path : await askPath(connection, arg instanceof ZnodeItem ? `${arg.path === '/' ? '' : arg.path}/` : '/');
    if (!path) return undefined;
    const client = await connection.connect();
    if (!(await client.exists(path))) throw new UserError(missingPathMessage(connection.name, path));
    await reveal(connection, path);
    return { connection: connection.name, path };
  });

  registerCommand(subscriptions, log, COMMANDS.filterChildren, async (arg?: unknown) => {
    const { connection, path } = await resolveNode(connections, arg);
    const args = asArgs(arg);
    let filter: string | undefined;
    if (args) {
      if (typeof args.filter !== 'string') throw new UserError('Pass the filter: { connection, path, filter: "lock-*" }.');
      filter = args.filter;
    } else {
      filter = await vscode.window.showInputBox({
        title: vscode.l10n.t('Filter the children of {0}', path),
        prompt: vscode.l10n.t('A glob (* and ?) like "instance-*", or any part of the name; empty clears the filter'),
        value: explorer.filterOf(connection, path) ?? '',
      });
      if (filter === undefined) return undefined;
    }
    explorer.setFilter(connection, path, filter);
    if (!args) await reveal(connection, path);
    const client = await connection.connect();
    const { children } = await client.getChildren(path);
    const matches = childMatcher(filter);
    return { connection: connection.name, path, filter: filter.trim() || null, matched: children.filter(matches).length, total: children.length };
  });

  registerCommand(subscriptions, log, COMMANDS.clearFilter, async (arg?: unknown) => {
    const { connection, path } = await resolveNode(connections, arg);
    explorer.setFilter(connection, path, undefined);
    return { connection: connection.name, path, filter: null };
  });

  registerRelocateCommands(subscriptions, log, connections, refreshParentOf, reveal);
}
