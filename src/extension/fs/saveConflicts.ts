import * as vscode from 'vscode';
import { UserError, userMessage } from '../errors';
import type { Logger } from '../logging';
import { findDocument, revertDocument } from './openDocuments';

export type ConflictChoice = 'compare' | 'overwrite' | 'discard' | 'recreate' | 'cancel';

export interface PendingConflict {
  /** The document's zk:// uri, as a string. */
  uri: string;
  /** changed: the node has another version (or was re-created); deleted: it no longer exists. */
  kind: 'changed' | 'deleted';
  connection: string;
  path: string;
  /** The version the document was read at. */
  yourVersion: number;
  /** The server's version when the save failed (changed only). */
  serverVersion?: number;
  /** The read-only snapshot of the server's data at serverVersion, for Compare (changed only). */
  snapshotUri?: string;
  /** The node was ephemeral when read: Re-create makes it ephemeral again (deleted only). */
  ephemeral?: boolean;
  message: string;
}

export interface ConflictOutcome {
  choice: ConflictChoice;
  /** overwrite, recreate: the document was saved (false: it failed again, e.g. another conflict). */
  saved?: boolean;
  /** discard: the document now holds the server's data and has no unsaved changes. */
  reverted?: boolean;
  /** compare: the snapshot uri shown on the left of the diff. */
  compared?: string;
}

/** What the next writeFile of a document does instead of a plain conditional save: the user's answer to a conflict. */
export type SaveOverride = { kind: 'overwrite'; czxid: bigint; version: number } | { kind: 'recreate'; ephemeral: boolean };

/** A save refused because the node has another version (or was deleted and created again). */
export interface ChangedNode {
  uri: vscode.Uri;
  connection: string;
  path: string;
  yourVersion: number;
  serverVersion: number;
  /** The czxid of the node at serverVersion: Overwrite writes only over that node. */
  serverCzxid: bigint;
  /** The read-only view of the server's data at serverVersion, for Compare. */
  snapshotUri: vscode.Uri;
  /** Why, when it is not just another version. */
  how?: string;
}

/** A save refused because the node no longer exists. */
export interface DeletedNode {
  uri: vscode.Uri;
  connection: string;
  path: string;
  /** -1 when the document's read was never seen. */
  yourVersion: number;
  ephemeral: boolean;
}

interface ConflictEntry extends PendingConflict {
  owner: object;
  resolve: (choice: ConflictChoice) => Promise<ConflictOutcome>;
}

/**
 * Pending conflicts by document uri. Kept on globalThis under a registered symbol: the extension runs
 * from the esbuild bundle, while tests load this module from out/, and both must see one registry.
 */
function conflictRegistry(): Map<string, ConflictEntry> {
  const key = Symbol.for('zookeeper-explorer.pendingSaveConflicts');
  const holder = globalThis as unknown as Record<symbol, Map<string, ConflictEntry> | undefined>;
  return (holder[key] ??= new Map<string, ConflictEntry>());
}

/** The conflict waiting for a choice on this document, if any. */
export function pendingConflict(uri: vscode.Uri | string): PendingConflict | undefined {
  const entry = conflictRegistry().get(uri.toString());
  if (!entry) return undefined;
  const conflict: PendingConflict = { uri: entry.uri, kind: entry.kind, connection: entry.connection, path: entry.path, yourVersion: entry.yourVersion, message: entry.message };
  if (entry.serverVersion !== undefined) conflict.serverVersion = entry.serverVersion;
  if (entry.snapshotUri !== undefined) conflict.snapshotUri = entry.snapshotUri;
  if (entry.ephemeral !== undefined) conflict.ephemeral = entry.ephemeral;
  return conflict;
}

/**
 * Applies a choice to the document's pending save conflict: what the notification's buttons do, and
 * what tests call since notifications cannot be clicked there.
 *   changed: compare (diff of the server's data against yours; stays pending), overwrite, discard
 *   deleted: recreate, cancel (keeps the document dirty)
 */
export async function resolveConflict(uri: vscode.Uri | string, choice: ConflictChoice): Promise<ConflictOutcome> {
  const entry = conflictRegistry().get(uri.toString());
  if (!entry) throw new UserError(`No save conflict is waiting for a choice on ${uri.toString()}.`);
  return entry.resolve(choice);
}

/**
 * The provider's refused saves: the error each one throws, and for documents with unsaved changes the
 * notification that asks what to do, then does it (an Overwrite or Re-create saves the document again,
 * with a SaveOverride that the provider's writeFile takes).
 */
export class SaveConflicts implements vscode.Disposable {
  /** Per uri: what the next writeFile does instead of a plain conditional save (the user's choice). */
  private readonly overrides = new Map<string, SaveOverride>();
  /** Uris whose conflict notification is on screen, with the server version it names. */
  private readonly notified = new Map<string, string>();

  constructor(private readonly log: Logger) {}

  dispose(): void {
    for (const [key, entry] of conflictRegistry()) if (entry.owner === this) conflictRegistry().delete(key);
  }

  /** The override the user's choice set for this save, if any; a save uses it once. */
  takeOverride(key: string): SaveOverride | undefined {
    const override = this.overrides.get(key);
    this.overrides.delete(key);
    return override;
  }

  /** The node changed on the server: asks the user (when the document has unsaved changes); returns the error to throw. */
  changed(node: ChangedNode): vscode.FileSystemError {
    const message =
      `Could not save "${node.path}": the node changed on the server since you opened it` +
      `${node.how ? ` (${node.how})` : ''} (your version ${node.yourVersion}, the server's version ${node.serverVersion}). ` +
      'Nothing was written. Compare the two, overwrite the server\'s data with yours, or discard your changes.';
    this.log.warn(`save conflict on ${node.connection}:${node.path}: read at version ${node.yourVersion}, server at ${node.serverVersion}`);
    if (findDocument(node.uri)?.isDirty) {
      const key = node.uri.toString();
      const entry: ConflictEntry = {
        uri: key,
        kind: 'changed',
        connection: node.connection,
        path: node.path,
        yourVersion: node.yourVersion,
        serverVersion: node.serverVersion,
        snapshotUri: node.snapshotUri.toString(),
        message,
        owner: this,
        resolve: (choice) => this.resolveChanged(entry, choice, node.serverCzxid),
      };
      conflictRegistry().set(key, entry);
      this.notify(entry, ['Compare', 'Overwrite', 'Discard My Changes']);
    }
    return new vscode.FileSystemError(message);
  }

  /** The node is gone: offers Re-create (when the document has unsaved changes); returns the error to throw. */
  deleted(node: DeletedNode): vscode.FileSystemError {
    const message =
      `Could not save "${node.path}": the node was deleted on the server after you opened it` +
      `${node.ephemeral ? ' (it was ephemeral, so it went with the session that owned it)' : ''}. ` +
      'Nothing was written. Re-create it with your data, or cancel and keep your changes unsaved.';
    this.log.warn(`save of deleted node ${node.connection}:${node.path}`);
    if (findDocument(node.uri)?.isDirty) {
      const key = node.uri.toString();
      const entry: ConflictEntry = {
        uri: key,
        kind: 'deleted',
        connection: node.connection,
        path: node.path,
        yourVersion: node.yourVersion,
        ephemeral: node.ephemeral,
        message,
        owner: this,
        resolve: (choice) => this.resolveDeleted(entry, choice),
      };
      conflictRegistry().set(key, entry);
      this.notify(entry, ['Re-create', 'Cancel']);
    }
    return vscode.FileSystemError.FileNotFound(message);
  }

  /** Forgets the document's conflict (it was saved, or closed). */
  clear(key: string): void {
    conflictRegistry().delete(key);
    this.notified.delete(key);
  }

  private notify(entry: ConflictEntry, buttons: string[]): void {
    const stamp = `${entry.kind}:${entry.serverVersion ?? ''}`;
    if (this.notified.get(entry.uri) === stamp) return; // the same question is still on screen (e.g. after VS Code's Retry)
    this.notified.set(entry.uri, stamp);
    const choices: Record<string, ConflictChoice> = {
      Compare: 'compare',
      Overwrite: 'overwrite',
      'Discard My Changes': 'discard',
      'Re-create': 'recreate',
      Cancel: 'cancel',
    };
    void vscode.window.showWarningMessage(entry.message, ...buttons).then(async (picked) => {
      if (this.notified.get(entry.uri) === stamp) this.notified.delete(entry.uri);
      if (!picked || conflictRegistry().get(entry.uri) !== entry) return;
      try {
        await entry.resolve(choices[picked]);
      } catch (error) {
        void vscode.window.showErrorMessage(userMessage(error));
      }
    });
  }

  private async resolveChanged(entry: ConflictEntry, choice: ConflictChoice, czxid: bigint): Promise<ConflictOutcome> {
    const document = findDocument(entry.uri);
    switch (choice) {
      case 'compare': {
        const snapshotUri = vscode.Uri.parse(entry.snapshotUri!);
        if (document) {
          const left = await vscode.workspace.openTextDocument(snapshotUri);
          if (left.languageId !== document.languageId) await vscode.languages.setTextDocumentLanguage(left, document.languageId);
        }
        await vscode.commands.executeCommand(
          'vscode.diff',
          snapshotUri,
          vscode.Uri.parse(entry.uri),
          `${entry.path} (server, version ${entry.serverVersion ?? '?'}) ↔ yours (from version ${entry.yourVersion})`,
          { preview: false } satisfies vscode.TextDocumentShowOptions,
        );
        // The question stays open: show it again next to the diff.
        this.notified.delete(entry.uri);
        this.notify(entry, ['Overwrite', 'Discard My Changes']);
        return { choice, compared: entry.snapshotUri! };
      }
      case 'overwrite': {
        this.clear(entry.uri);
        if (!document?.isDirty) return { choice, saved: false };
        // Still conditional: on the version the user saw in the conflict; if it moved again, they are asked again.
        return { choice, saved: await this.saveWith(entry.uri, document, { kind: 'overwrite', czxid, version: entry.serverVersion! }) };
      }
      case 'discard': {
        this.clear(entry.uri);
        return { choice, reverted: await revertDocument(document) };
      }
      default:
        throw new UserError(`"${choice}" does not answer a conflict about a changed node; choose compare, overwrite or discard.`);
    }
  }

  private async resolveDeleted(entry: ConflictEntry, choice: ConflictChoice): Promise<ConflictOutcome> {
    const document = findDocument(entry.uri);
    switch (choice) {
      case 'recreate': {
        this.clear(entry.uri);
        if (!document?.isDirty) return { choice, saved: false };
        return { choice, saved: await this.saveWith(entry.uri, document, { kind: 'recreate', ephemeral: entry.ephemeral === true }) };
      }
      case 'cancel':
        this.clear(entry.uri);
        return { choice };
      default:
        throw new UserError(`"${choice}" does not answer a conflict about a deleted node; choose recreate or cancel.`);
    }
  }

  private async saveWith(key: string, document: vscode.TextDocument, override: SaveOverride): Promise<boolean> {
    this.overrides.set(key, override);
    const saved = await document.save();
    this.overrides.delete(key);
    return saved;
  }
}
