import * as vscode from 'vscode';
import { itemId, opensOnClick, type ExplorerNode } from '../../tree/explorerItems';
import { openGesture } from '../../tree/openGesture';
import { COMMANDS } from '../commandIds';
import type { Logger } from '../logging';
import { registerCommand } from './registerCommand';

export type ExplorerKey = 'delete' | 'refresh' | 'copyPath' | 'open';

/**
 * The explorer's keys (package.json keybindings, only while the explorer has focus). A keybinding
 * runs its command without the row it was pressed on, so this one command takes the key's name and
 * passes the tree's selected row to the command the row's menu would run.
 */
export function registerExplorerKeys(subscriptions: vscode.Disposable[], log: Logger, treeView: vscode.TreeView<ExplorerNode>): void {
  registerCommand(subscriptions, log, COMMANDS.explorerKey, async (key?: unknown) => {
    const row = treeView.selection[0];
    if (!row) return undefined;
    switch (key as ExplorerKey) {
      case 'delete':
        if (row.kind === 'znode') return vscode.commands.executeCommand(COMMANDS.deleteNode, row);
        return undefined;
      case 'refresh':
        if (row.kind === 'znode' || row.kind === 'connection') return vscode.commands.executeCommand(COMMANDS.refresh, row);
        return vscode.commands.executeCommand(COMMANDS.refresh);
      case 'copyPath':
        if (row.kind === 'znode') return vscode.commands.executeCommand(COMMANDS.copyPath, row);
        return undefined;
      case 'open':
        // Enter on a node with data: its tab pinned and the editor focused. Anything else (a
        // connection, a folder, Load more): what Enter does in any tree (expand, or the row's command).
        if (row.kind === 'znode' && opensOnClick(row)) {
          openGesture.pinNextOpen(itemId(row.connection.name, row.path));
          return vscode.commands.executeCommand(COMMANDS.openNode, row);
        }
        return vscode.commands.executeCommand('list.select');
      default:
        return undefined;
    }
  });
}
