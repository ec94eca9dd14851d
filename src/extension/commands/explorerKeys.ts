import * as vscode from 'vscode';
import type { ExplorerNode } from '../../tree/explorerItems';
import { COMMANDS } from '../commandIds';
import type { Logger } from '../logging';
import { registerCommand } from './registerCommand';

export type ExplorerKey = 'delete' | 'refresh' | 'copyPath';

/**
 * The explorer's keys (package.json keybindings, only while the explorer has focus). A keybinding
 * runs its command without the row it was pressed on, so this one command takes the key's name and
 * passes the tree's selected row to the command the row's menu would run. Selected, not focused:
 * arrow keys move VS Code's focus, which no extension can read; Enter (VS Code's own) or a click
 * selects the focused row, and opens it as a preview with the keyboard left in the tree.
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
      default:
        return undefined;
    }
  });
}
