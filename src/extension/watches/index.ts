import * as vscode from 'vscode';
import { WatchesProvider } from '../../tree/watchesProvider';
import { VIEW_WATCHES } from '../commandIds';
import { registerWatchCommands } from '../commands/watchCommands';
import type { ConnectionManager } from '../connections/connectionManager';
import type { Logger } from '../logging';
import { SNAPSHOT_SCHEME, SnapshotDocuments } from './snapshotDocuments';
import { WatchService } from './watchService';
import { WatchStore } from './watchStore';

export interface Watches {
  service: WatchService;
  panel: WatchesProvider;
  /** zk-watch: documents (the data a watch event saw), also what the stand-in provider asks before the feature loaded. */
  snapshots: vscode.TextDocumentContentProvider;
}

/** Watches, their event log, the ZooKeeper Watches panel and its commands. */
export function registerWatches(context: vscode.ExtensionContext, log: Logger, connections: ConnectionManager): Watches {
  const service = new WatchService(connections, new WatchStore(context.workspaceState), log.scoped('watches'));
  const panel = new WatchesProvider(service);
  const snapshots = new SnapshotDocuments(service.log);
  const view = vscode.window.createTreeView(VIEW_WATCHES, { treeDataProvider: panel });
  const describeView = (): void => {
    const filter = panel.currentFilter;
    const parts = [
      filter.path || filter.types?.length
        ? vscode.l10n.t(
            'Filter: {0}.',
            [filter.path && vscode.l10n.t('path contains "{0}"', filter.path), filter.types?.length && vscode.l10n.t('types {0}', filter.types.join(', '))].filter(Boolean).join(vscode.l10n.t(', ')),
          )
        : '',
      service.notices[0] ? `${service.notices[0].connection}: ${service.notices[0].message}` : '',
    ].filter(Boolean);
    view.message = parts.length ? parts.join(' ') : undefined;
  };
  context.subscriptions.push(
    service,
    panel,
    view,
    vscode.workspace.registerTextDocumentContentProvider(SNAPSHOT_SCHEME, snapshots),
    service.onDidReceiveNotice(describeView),
    panel.onDidChangeTreeData(describeView),
  );
  registerWatchCommands(context.subscriptions, log.scoped('commands'), connections, service, panel);
  return { service, panel, snapshots };
}
