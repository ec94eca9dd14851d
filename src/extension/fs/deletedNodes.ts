import * as vscode from 'vscode';
import { ZK_SCHEME } from '../zkUri';
import { parseDocumentUri } from './documentAddress';

/**
 * Nodes with open documents that are known to be deleted on the server, by `connection\0path`. Kept on
 * globalThis under a registered symbol (like the pending conflicts): the extension runs from the esbuild
 * bundle, tests load this module from out/, and both must see one registry.
 */
function deletedRegistry(): Set<string> {
  const key = Symbol.for('zookeeper-explorer.deletedNodes');
  const holder = globalThis as unknown as Record<symbol, Set<string> | undefined>;
  return (holder[key] ??= new Set<string>());
}

function nodeKey(connection: string, path: string): string {
  return `${connection}\u0000${path}`;
}

/** Whether the document's node is marked deleted on the server (what its tab shows). */
export function isMarkedDeleted(uri: vscode.Uri): boolean {
  try {
    const address = parseDocumentUri(uri);
    return deletedRegistry().has(nodeKey(address.connection, address.path));
  } catch {
    return false;
  }
}

/**
 * The mark on the tabs (and anywhere else VS Code shows decorations) of documents whose node was deleted
 * on the server, by this window or another client: a red title, a "D" badge and a tooltip that says so.
 * VS Code's own "(deleted)" state comes too, for documents without unsaved changes (the provider fires
 * a Deleted change and their stat fails); a document with unsaved changes keeps its node's last stat, so
 * that its save reaches the Re-create question, and this mark is what tells it apart.
 */
export class DeletedNodes implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri[]>();
  readonly onDidChangeFileDecorations = this.emitter.event;

  dispose(): void {
    for (const key of [...deletedRegistry()]) if (this.owned.has(key)) deletedRegistry().delete(key);
    this.emitter.dispose();
  }

  /** What this window marked (the registry is shared with tests, see deletedRegistry). */
  private readonly owned = new Set<string>();

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== ZK_SCHEME || !uri.query) return undefined;
    let address: ReturnType<typeof parseDocumentUri>;
    try {
      address = parseDocumentUri(uri);
    } catch {
      return undefined;
    }
    if (address.snapshot !== undefined || !deletedRegistry().has(nodeKey(address.connection, address.path))) return undefined;
    return new vscode.FileDecoration(
      'D',
      vscode.l10n.t('Deleted on the server: "{0}" no longer exists on "{1}". Saving offers to re-create it.', address.path, address.connection),
      new vscode.ThemeColor('list.errorForeground'),
    );
  }

  /** The node is gone: every uri given (its open views) gets the mark. True when it was not marked before. */
  markDeleted(connection: string, path: string, uris: vscode.Uri[]): boolean {
    const key = nodeKey(connection, path);
    if (deletedRegistry().has(key)) return false;
    deletedRegistry().add(key);
    this.owned.add(key);
    if (uris.length > 0) this.emitter.fire(uris);
    return true;
  }

  /** The node exists (again): the mark goes. True when it was marked. */
  markPresent(connection: string, path: string, uris: vscode.Uri[]): boolean {
    const key = nodeKey(connection, path);
    if (!deletedRegistry().delete(key)) return false;
    this.owned.delete(key);
    if (uris.length > 0) this.emitter.fire(uris);
    return true;
  }
}
