import * as vscode from 'vscode';
import { COMMANDS } from './commandIds';
import type { ConnectionManager } from './connections/connectionManager';

const RECOVERED_SHOWN_MS = 60_000;

/** Shows the active connection and its state; reconnecting and recovered sessions are visible at a glance. */
export class ConnectionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('zookeeper.connection', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private visible = false;

  constructor(private readonly connections: ConnectionManager) {
    this.item.name = vscode.l10n.t('ZooKeeper Connection');
    this.disposables.push(
      connections.onDidChangeConnection(() => this.update()),
      connections.onDidChangeActive(() => this.update()),
      connections.onDidChangeConnections(() => this.update()),
    );
    this.update();
  }

  update(): void {
    const connection = this.connections.active;
    if (!connection) {
      this.visible = false;
      this.item.hide();
      return;
    }
    const recovered = connection.recoveredAt !== undefined && Date.now() - connection.recoveredAt < RECOVERED_SHOWN_MS;
    const icon =
      { connected: '$(server-environment)', readOnly: '$(server-environment)', failed: '$(error)', authFailed: '$(error)', disconnected: '$(debug-disconnect)', closed: '$(debug-disconnect)' }[connection.status as string] ??
      '$(sync~spin)';
    const state = connection.status === 'connected' && recovered ? vscode.l10n.t('session expired — recovered') : connection.statusText;
    // Stays visible while disconnected: which connection is active, and one click away from connecting.
    this.item.text = `${icon} ZooKeeper: ${connection.name} (${state})`;
    const users = connection.sessionUsers;
    this.item.tooltip = [
      connection.config.connectString,
      connection.describeSession(),
      users.length > 0 ? vscode.l10n.t('digest user {0}', users.join(', ')) : undefined,
      connection.lastError,
      vscode.l10n.t('Click to connect, disconnect or switch to another connection'),
    ]
      .filter(Boolean)
      .join('\n');
    this.item.backgroundColor =
      connection.status === 'failed' || connection.status === 'authFailed'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : connection.status === 'connected' || connection.status === 'readOnly' || connection.status === 'disconnected' || connection.status === 'closed'
          ? undefined
          : new vscode.ThemeColor('statusBarItem.warningBackground');
    this.item.command = { command: COMMANDS.switchConnection, title: vscode.l10n.t('Connect, disconnect or switch ZooKeeper connections') };
    this.item.accessibilityInformation = { label: vscode.l10n.t('ZooKeeper connection {0}: {1}. Activate to connect, disconnect or switch.', connection.name, state) };
    this.visible = true;
    this.item.show();
    if (recovered) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.update(), RECOVERED_SHOWN_MS);
    }
  }

  /** What the status bar shows now (for tests: the item itself is not readable through the API). */
  get shown(): { text: string; tooltip: string; visible: boolean } {
    return { text: this.item.text, tooltip: typeof this.item.tooltip === 'string' ? this.item.tooltip : '', visible: this.visible };
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.item.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
