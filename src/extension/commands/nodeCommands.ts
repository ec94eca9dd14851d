import * as vscode from 'vscode';
import type { ExplorerProvider } from '../../tree/explorerProvider';
import { ConnectionItem, LoadMoreItem, ZnodeItem } from '../../tree/explorerItems';
import { COMMANDS } from '../commandIds';
import type { ConnectionManager } from '../connections/connectionManager';
import type { Logger } from '../logging';
import { ZkUri } from '../zkUri';
import { asArgs, resolveNode } from './resolve';
import { registerCommand } from './registerCommand';

export function registerNodeCommands(subscriptions: vscode.Disposable[], log: Logger, connections: ConnectionManager, explorer: ExplorerProvider): void {
  registerCommand(subscriptions, log, COMMANDS.refresh, (arg?: unknown) => {
    if (arg instanceof ConnectionItem || arg instanceof ZnodeItem) {
      explorer.refresh(arg);
      return undefined;
    }
    const args = asArgs(arg);
    if (args && typeof args.connection === 'string') {
      const connection = connections.require(args.connection);
      const path = typeof args.path === 'string' ? args.path : undefined;
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
    if (!args) vscode.window.setStatusBarMessage(`Copied ${text}`, 3000);
    return { copied: text };
  });

  registerCommand(subscriptions, log, COMMANDS.loadMore, (arg?: unknown) => {
    if (arg instanceof LoadMoreItem) explorer.loadMore(arg);
    return undefined;
  });
}
