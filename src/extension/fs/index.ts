import * as vscode from 'vscode';
import { registerDataCommands } from '../commands/dataCommands';
import type { ConnectionManager } from '../connections/connectionManager';
import type { Logger } from '../logging';
import { ZK_SCHEME } from '../zkUri';
import { INFO_SCHEME, InfoDocumentProvider } from './infoDocuments';
import { ZkFileSystemProvider } from './zkFileSystemProvider';

export { pendingConflict, resolveConflict, type ConflictChoice, type ConflictOutcome, type PendingConflict } from './saveConflicts';

export interface DocumentsParams {
  subscriptions: vscode.Disposable[];
  log: Logger;
  connections: ConnectionManager;
  /** globalState: what was explained once (the auto-save refusal). */
  state: vscode.Memento;
}

export interface Documents {
  fileSystem: ZkFileSystemProvider;
  info: InfoDocumentProvider;
}

/** The zk:// file system, the zk-info Stat/ACL documents and their commands (openNode, editAsHex/Base64, showStat/Acl). */
export function registerDocuments({ subscriptions, log, connections, state }: DocumentsParams): Documents {
  const fileSystem = new ZkFileSystemProvider(connections, log.scoped('fs'), state);
  const info = new InfoDocumentProvider(connections);
  subscriptions.push(
    fileSystem,
    vscode.workspace.registerFileSystemProvider(ZK_SCHEME, fileSystem, { isCaseSensitive: true }),
    vscode.window.registerFileDecorationProvider(fileSystem.deletedNodes),
    info,
    vscode.workspace.registerTextDocumentContentProvider(INFO_SCHEME, info),
  );
  registerDataCommands(subscriptions, log.scoped('commands'), connections, info);
  return { fileSystem, info };
}
