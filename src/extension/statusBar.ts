import * as vscode from 'vscode';
import { COMMANDS } from './commandIds';
import type { ConnectionManager } from './connections/connectionManager';

const RECOVERED_SHOWN_MS = 60_000;

/** Shows the active connection and its state; reconnecting and recovered sessions are visible at a glance. */
export class ConnectionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('zookeeper.connection', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly connections: ConnectionManager) {
    this.item.name = 'ZooKeeper Connection';
    this.disposables.push(
      connections.onDidChangeConnection(() => this.update()),
      connections.onDidChangeActive(() => this.update()),
      connections.onDidChangeConnections(() => this.update()),
    );
    this.update();
  }

  update(): void {
    const connection = this.connections.active;
    if (!connection || connection.status === 'disconnected') {
      this.item.hide();
      return;
    }
    const recovered = connection.recoveredAt !== undefined && Date.now() - connection.recoveredAt < RECOVERED_SHOWN_MS;
    const icon = { connected: '$(server-environment)', readOnly: '$(server-environment)', failed: '$(error)', authFailed: '$(error)' }[connection.status as string] ?? '$(sync~spin)';
    const state = connection.status === 'connected' && recovered ? 'session expired — recovered' : connection.statusText;
    this.item.text = `${icon} ZooKeeper: ${connection.name} (${state})`;
    this.item.tooltip = [connection.config.connectString, connection.describeSession(), connection.lastError].filter(Boolean).join('\n');
    this.item.backgroundColor =
      connection.status === 'failed' || connection.status === 'authFailed'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : connection.status === 'connected' || connection.status === 'readOnly'
          ? undefined
          : new vscode.ThemeColor('statusBarItem.warningBackground');
    this.item.command = connection.isOpen ? 'workbench.view.extension.zookeeper' : { command: COMMANDS.connect, title: 'Connect', arguments: [{ connection: connection.name }] };
    this.item.accessibilityInformation = { label: `ZooKeeper connection ${connection.name}: ${state}` };
    this.item.show();
    if (recovered) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.update(), RECOVERED_SHOWN_MS);
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.item.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
