import * as vscode from 'vscode';
import { UserError, userMessage } from '../errors';
import type { Logger } from '../logging';
import { findDocument, revertDocument, sameText } from './openDocuments';
import { waitUntil } from '../waitUntil';

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

/** What the provider's pending writeFile does with the user's answer. */
export type SaveAnswer =
  | { kind: 'overwrite'; czxid: bigint; version: number }
  | { kind: 'recreate'; ephemeral: boolean }
  /** Return without writing: VS Code takes the document as saved, then it is reverted to the server's data. */
  | { kind: 'discard' }
  /** Throw this: the document stays dirty (no answer, Cancel, the document closed). */
  | { kind: 'fail'; error: vscode.FileSystemError };

/** A save refused because the node has another version (or was deleted and created again). */
export interface ChangedNode {
  kind: 'changed';
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
  kind: 'deleted';
  uri: vscode.Uri;
  connection: string;
  path: string;
  /** -1 when the document's read was never seen. */
  yourVersion: number;
  ephemeral: boolean;
}

export type SaveConflict = ChangedNode | DeletedNode;

interface ConflictEntry extends PendingConflict {
  owner: object;
  /** Hands the answer to the writeFile that waits for it (once). */
  answer: (answer: SaveAnswer) => void;
  answered: boolean;
  /** Settles when the writeFile that asked finished: true when it wrote (or, for discard, returned). */
  settled: Promise<boolean>;
  settle: (saved: boolean) => void;
  /** Our notification for this question is on screen. */
  onScreen: boolean;
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
  if (!entry) throw new UserError(vscode.l10n.t('No save conflict is waiting for a choice on {0}.', uri.toString()));
  return entry.resolve(choice);
}

/** The button of each answer, in the display language (the answer is found again by its button). */
function buttonLabel(choice: ConflictChoice): string {
  switch (choice) {
    case 'compare':
      return vscode.l10n.t('Compare');
    case 'overwrite':
      return vscode.l10n.t('Overwrite');
    case 'discard':
      return vscode.l10n.t('Discard My Changes');
    case 'recreate':
      return vscode.l10n.t('Re-create');
    case 'cancel':
      return vscode.l10n.t('Cancel');
  }
}

/**
 * The provider's refused saves, asked as ONE question that stays until answered.
 *
 * VS Code shows its own "Failed to save … Retry / Save As… / Revert" for any error writeFile throws, so
 * a conflict on a document with unsaved changes does not throw: the writeFile waits (the save stays
 * pending, the document dirty) for the answer to our notification, an error one because only errors
 * with buttons stay on screen until answered (warnings and infos hide after 10-12 s). Overwrite and
 * Re-create write in that same writeFile and return normally; Discard returns without writing and then
 * reverts the document to the server's data; Compare opens the diff and asks again. With no answer (the
 * notification closed), Cancel, or the document closed, the writeFile throws: the document stays dirty
 * and VS Code's own "Failed to save" message, with our sentence, is then the only one on screen.
 * workspace.fs callers (no document with unsaved changes) get the error at once.
 */
export class SaveConflicts implements vscode.Disposable {
  constructor(private readonly log: Logger) {}

  dispose(): void {
    for (const [key, entry] of conflictRegistry()) {
      if (entry.owner !== this) continue;
      conflictRegistry().delete(key);
      entry.answer({ kind: 'fail', error: new vscode.FileSystemError(vscode.l10n.t('Not saved: ZooKeeper Explorer was stopped while it waited for your answer to a save conflict. Your changes are kept unsaved.')) });
    }
  }

  /** Asks what to do about a refused save; resolves with what the writeFile that asked does next. */
  async ask(conflict: SaveConflict): Promise<SaveAnswer> {
    const key = conflict.uri.toString();
    const message = this.describe(conflict);
    const error = conflict.kind === 'changed' ? new vscode.FileSystemError(message) : vscode.FileSystemError.FileNotFound(message);
    this.log.warn(
      conflict.kind === 'changed'
        ? `save conflict on ${conflict.connection}:${conflict.path}: read at version ${conflict.yourVersion}, server at ${conflict.serverVersion}`
        : `save of deleted node ${conflict.connection}:${conflict.path}`,
    );
    // An earlier question about this document was answered with a write that met this conflict in turn.
    const previous = conflictRegistry().get(key);
    if (previous?.owner === this) {
      conflictRegistry().delete(key);
      if (!previous.answered) previous.answer(this.unanswered(previous));
      previous.settle(false);
    }
    if (!findDocument(key)?.isDirty) return { kind: 'fail', error };

    let answer!: (answer: SaveAnswer) => void;
    const answered = new Promise<SaveAnswer>((resolve) => (answer = resolve));
    let settle!: (saved: boolean) => void;
    const settled = new Promise<boolean>((resolve) => (settle = resolve));
    const entry: ConflictEntry = {
      uri: key,
      kind: conflict.kind,
      connection: conflict.connection,
      path: conflict.path,
      yourVersion: conflict.yourVersion,
      message,
      owner: this,
      answered: false,
      answer: (a) => {
        if (entry.answered) return;
        entry.answered = true;
        answer(a);
      },
      settled,
      settle,
      onScreen: false,
      resolve: (choice) => (conflict.kind === 'changed' ? this.resolveChanged(entry, conflict, choice) : this.resolveDeleted(entry, conflict, choice)),
    };
    if (conflict.kind === 'changed') {
      entry.serverVersion = conflict.serverVersion;
      entry.snapshotUri = conflict.snapshotUri.toString();
    } else {
      entry.ephemeral = conflict.ephemeral;
    }
    conflictRegistry().set(key, entry);
    this.notify(entry, conflict.kind === 'changed' ? ['compare', 'overwrite', 'discard'] : ['recreate', 'cancel']);
    return answered;
  }

  /** The writeFile that asked finished: saved (or returned for a discard), or failed. */
  settled(key: string, saved: boolean): void {
    const entry = conflictRegistry().get(key);
    if (!entry?.answered || entry.owner !== this) return;
    conflictRegistry().delete(key);
    entry.settle(saved);
  }

  /** The document was closed: a question still open about it is answered "not saved". */
  clear(key: string): void {
    const entry = conflictRegistry().get(key);
    if (!entry || entry.owner !== this) return;
    conflictRegistry().delete(key);
    entry.answer({ kind: 'fail', error: new vscode.FileSystemError(vscode.l10n.t('Not saved: the editor of "{0}" was closed before the save conflict was answered.', entry.path)) });
    entry.settle(false);
  }

  private describe(conflict: SaveConflict): string {
    if (conflict.kind === 'changed') {
      return conflict.how
        ? vscode.l10n.t(
            "Could not save \"{0}\": the node changed on the server since you opened it ({1}) (your version {2}, the server's version {3}). Nothing was written. Compare the two, overwrite the server's data with yours, or discard your changes.",
            conflict.path,
            conflict.how,
            conflict.yourVersion,
            conflict.serverVersion,
          )
        : vscode.l10n.t(
            "Could not save \"{0}\": the node changed on the server since you opened it (your version {1}, the server's version {2}). Nothing was written. Compare the two, overwrite the server's data with yours, or discard your changes.",
            conflict.path,
            conflict.yourVersion,
            conflict.serverVersion,
          );
    }
    return conflict.ephemeral
      ? vscode.l10n.t(
          'Could not save "{0}": the node was deleted on the server after you opened it (it was ephemeral, so it went with the session that owned it). Nothing was written. Re-create it with your data, or cancel and keep your changes unsaved.',
          conflict.path,
        )
      : vscode.l10n.t('Could not save "{0}": the node was deleted on the server after you opened it. Nothing was written. Re-create it with your data, or cancel and keep your changes unsaved.', conflict.path);
  }

  /** What the writeFile throws when the question goes unanswered: VS Code shows it as "Failed to save …". */
  private unanswered(entry: ConflictEntry): SaveAnswer {
    const message =
      entry.kind === 'changed'
        ? vscode.l10n.t(
            "Not saved: \"{0}\" changed on the server since you opened it (your version {1}, the server's version {2}). Nothing was written; your changes are kept unsaved. Save again to choose between Compare, Overwrite and Discard My Changes.",
            entry.path,
            entry.yourVersion ?? '?',
            entry.serverVersion ?? '?',
          )
        : vscode.l10n.t('Not saved: "{0}" was deleted on the server after you opened it. Nothing was written; your changes are kept unsaved. Save again to re-create it.', entry.path);
    return { kind: 'fail', error: entry.kind === 'changed' ? new vscode.FileSystemError(message) : vscode.FileSystemError.FileNotFound(message) };
  }

  private notify(entry: ConflictEntry, choices: ConflictChoice[]): void {
    if (entry.onScreen) return;
    entry.onScreen = true;
    // An error, not a warning: VS Code keeps only errors with buttons on screen until answered.
    void vscode.window.showErrorMessage(entry.message, ...choices.map(buttonLabel)).then(async (picked) => {
      entry.onScreen = false;
      if (conflictRegistry().get(entry.uri) !== entry || entry.answered) return;
      try {
        if (!picked) {
          // Closed with no answer (its ×, Escape): the save fails, the document keeps its changes.
          conflictRegistry().delete(entry.uri);
          entry.answer(this.unanswered(entry));
          entry.settle(false);
          return;
        }
        await entry.resolve(choices.find((choice) => buttonLabel(choice) === picked)!);
      } catch (error) {
        void vscode.window.showErrorMessage(userMessage(error));
      }
    });
  }

  private async resolveChanged(entry: ConflictEntry, conflict: ChangedNode, choice: ConflictChoice): Promise<ConflictOutcome> {
    const document = findDocument(entry.uri);
    switch (choice) {
      case 'compare': {
        const snapshotUri = conflict.snapshotUri;
        if (document) {
          const left = await vscode.workspace.openTextDocument(snapshotUri);
          if (left.languageId !== document.languageId) await vscode.languages.setTextDocumentLanguage(left, document.languageId);
        }
        await vscode.commands.executeCommand(
          'vscode.diff',
          snapshotUri,
          vscode.Uri.parse(entry.uri),
          vscode.l10n.t('{0} (server, version {1}) ↔ yours (from version {2})', entry.path, conflict.serverVersion, entry.yourVersion ?? '?'),
          { preview: false } satisfies vscode.TextDocumentShowOptions,
        );
        // The question stays open: show it again next to the diff (unless it is still on screen).
        this.notify(entry, ['overwrite', 'discard']);
        return { choice, compared: entry.snapshotUri! };
      }
      case 'overwrite': {
        // Still conditional: on the version the user saw in the conflict; if it moved again, they are asked again.
        entry.answer({ kind: 'overwrite', czxid: conflict.serverCzxid, version: conflict.serverVersion });
        const saved = await entry.settled;
        if (saved) {
          await waitUntil(() => findDocument(entry.uri)?.isDirty !== true, 10_000);
          await this.closeComparisons(conflict.snapshotUri);
        }
        return { choice, saved };
      }
      case 'discard': {
        entry.answer({ kind: 'discard' });
        await entry.settled;
        // VS Code took the document as saved with the user's text; read the server's data back into it.
        await waitUntil(() => findDocument(entry.uri)?.isDirty !== true, 10_000);
        const current = findDocument(entry.uri);
        let reverted = await revertDocument(current, { force: true });
        if (reverted && current) {
          // The revert reloads in the workbench; the extension host's copy follows a moment later.
          const server = new TextDecoder().decode(await vscode.workspace.fs.readFile(current.uri));
          reverted = await waitUntil(() => sameText(current.getText(), server), 10_000);
        }
        await this.closeComparisons(conflict.snapshotUri);
        return { choice, reverted };
      }
      default:
        throw new UserError(vscode.l10n.t('"{0}" does not answer a conflict about a changed node; choose compare, overwrite or discard.', choice));
    }
  }

  private async resolveDeleted(entry: ConflictEntry, conflict: DeletedNode, choice: ConflictChoice): Promise<ConflictOutcome> {
    switch (choice) {
      case 'recreate': {
        entry.answer({ kind: 'recreate', ephemeral: conflict.ephemeral });
        const saved = await entry.settled;
        if (saved) await waitUntil(() => findDocument(entry.uri)?.isDirty !== true, 10_000);
        return { choice, saved };
      }
      case 'cancel':
        conflictRegistry().delete(entry.uri);
        entry.answer(this.unanswered(entry));
        entry.settle(false);
        return { choice };
      default:
        throw new UserError(vscode.l10n.t('"{0}" does not answer a conflict about a deleted node; choose recreate or cancel.', choice));
    }
  }

  /** A diff against the server's old version says nothing true once the conflict is answered: close it. */
  private async closeComparisons(snapshotUri: vscode.Uri): Promise<void> {
    const key = snapshotUri.toString();
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.original.toString() === key);
    if (tabs.length > 0) await vscode.window.tabGroups.close(tabs, true).then(undefined, () => undefined);
  }
}
