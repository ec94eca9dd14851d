import * as vscode from 'vscode';
import type { ZkClient } from '../../zk/client';
import { CodecError, decodeText, decodeUtf8Strict, encodeUtf8, hexDump, parseBase64, parseHex, toBase64, toHex } from '../../zk/codecs';
import { isZkError, ZkError } from '../../zk/errors';
import { isEphemeral, type ZnodeStat } from '../../zk/stat';
import { sortChildren } from '../../zk/paths';
import { deleteTree } from '../../zk/subtree';
import type { ConnectionManager } from '../connections/connectionManager';
import type { ZkConnection } from '../connections/zkConnection';
import { UserError, userMessage } from '../errors';
import type { Logger } from '../logging';
import { ZK_SCHEME, ZkUri } from '../zkUri';

// ---- views: what a zk:// address shows ------------------------------------------------------
//
//   zk://c/p                    the raw bytes (editable for text that survives the editor unchanged)
//   zk://c/p?view=hex           a hexdump -C style dump, always read-only
//   zk://c/p?encoding=hex       hex pairs, editable; saving parses them back into bytes
//   zk://c/p?encoding=base64    base64, editable; saving decodes it back into bytes
//   …&snapshot=<version>        the server's data captured at a save conflict, read-only

export type DataView = 'text' | 'hexdump' | 'hex' | 'base64';

export interface DocumentAddress {
  connection: string;
  path: string;
  view: DataView;
  /** The server's version captured for a conflict's Compare. */
  snapshot?: number;
}

const VIEW_QUERY: Record<DataView, string> = { text: '', hexdump: 'view=hex', hex: 'encoding=hex', base64: 'encoding=base64' };

export function documentUri(connection: string, path: string, view: DataView = 'text', snapshot?: number): vscode.Uri {
  const parts = [VIEW_QUERY[view], snapshot === undefined ? '' : `snapshot=${snapshot}`].filter((p) => p !== '');
  return ZkUri.create(connection, path).toUri().with({ query: parts.join('&') });
}

/** The address of a zk:// uri; a FileNotFound error with a sentence when the uri names no view we serve. */
export function parseDocumentUri(uri: vscode.Uri): DocumentAddress {
  let zk: ZkUri;
  try {
    zk = ZkUri.parse(uri);
  } catch (error) {
    throw vscode.FileSystemError.FileNotFound(userMessage(error));
  }
  const params = new URLSearchParams(uri.query);
  let view: DataView = 'text';
  let snapshot: number | undefined;
  for (const [key, value] of params) {
    if (key === 'view' && value === 'hex' && view === 'text') view = 'hexdump';
    else if (key === 'encoding' && (value === 'hex' || value === 'base64') && view === 'text') view = value;
    else if (key === 'snapshot' && /^\d+$/.test(value)) snapshot = Number(value);
    else {
      throw vscode.FileSystemError.FileNotFound(
        `"${uri.toString()}" asks for "${key}=${value}", which is not a view of znode data. Use ?view=hex, ?encoding=hex or ?encoding=base64, or no query for the data itself.`,
      );
    }
  }
  return { connection: zk.connection, path: zk.path, view, ...(snapshot === undefined ? {} : { snapshot }) };
}

function describeView(view: DataView): string {
  switch (view) {
    case 'hexdump':
      return 'a read-only hex dump';
    case 'hex':
      return 'hex';
    case 'base64':
      return 'base64';
    default:
      return 'text';
  }
}

// ---- bytes and text -------------------------------------------------------------------------

export type DataKind = { kind: 'text'; text: string } | { kind: 'binary'; reason: string };

/** The line-ending problem that would make the editor change bytes on save, if any. */
function lineEndingProblem(text: string): string | undefined {
  let crlf = 0;
  let lf = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) !== 10) return 'a carriage return (CR) that does not end a CRLF line break';
      crlf++;
      i++;
    } else if (c === 10) {
      lf++;
    }
  }
  return crlf > 0 && lf > 0 ? `mixed line endings (${crlf} CRLF and ${lf} LF)` : undefined;
}

/**
 * Whether data can be edited as text without the editor changing a byte the user did not change:
 * strict UTF-8 with no control characters (isText), and one kind of line break. VS Code keeps one
 * line-break sequence per document, so mixed CRLF/LF or a lone CR would be rewritten on save.
 * A UTF-8 BOM is fine: VS Code reads it as the "UTF-8 with BOM" encoding and writes it back.
 */
export function classifyData(bytes: Uint8Array): DataKind {
  const text = decodeText(bytes);
  if (text === undefined) {
    return {
      kind: 'binary',
      reason: decodeUtf8Strict(bytes) === undefined ? 'is not valid UTF-8' : 'contains control characters (such as NUL) that text does not have',
    };
  }
  const eol = lineEndingProblem(text);
  if (eol) return { kind: 'binary', reason: `has ${eol}, which the text editor would normalize on save` };
  return { kind: 'text', text };
}

/** Hex pairs, 16 bytes a line with a wider gap after 8; parseHex reads it back. */
export function formatHexForEditing(bytes: Uint8Array): string {
  const hex = toHex(bytes);
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const pairs = (hex.slice(offset * 2, (offset + 16) * 2).match(/../g) ?? []) as string[];
    lines.push(pairs.slice(0, 8).join(' ') + (pairs.length > 8 ? `  ${pairs.slice(8).join(' ')}` : ''));
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** Base64 in lines of 76 characters (as MIME does); parseBase64 ignores the line breaks. */
export function formatBase64ForEditing(bytes: Uint8Array): string {
  const text = toBase64(bytes);
  if (text === '') return '';
  return `${text.replace(/.{76}(?!$)/g, '$&\n')}\n`;
}

/** What a view shows for the node's bytes. */
export function renderView(view: DataView, bytes: Uint8Array): Uint8Array {
  switch (view) {
    case 'hexdump':
      return encodeUtf8(`${hexDump(bytes)}\n`);
    case 'hex':
      return encodeUtf8(formatHexForEditing(bytes));
    case 'base64':
      return encodeUtf8(formatBase64ForEditing(bytes));
    default:
      return bytes;
  }
}

/** The node's bytes for what a view's editor saved; throws CodecError (with a position) for bad hex/base64. */
export function parseView(view: DataView, content: Uint8Array): Uint8Array {
  if (view === 'text') return content;
  const text = decodeUtf8Strict(content);
  if (text === undefined) throw new CodecError(`The ${describeView(view)} text is not valid UTF-8.`);
  const body = text.replace(/^\uFEFF/, '');
  return view === 'base64' ? parseBase64(body) : parseHex(body);
}

// ---- errors -----------------------------------------------------------------------------------

const UNAVAILABLE = new Set([
  'CONNECTIONLOSS',
  'SESSIONEXPIRED',
  'SESSIONMOVED',
  'OPERATIONTIMEOUT',
  'REQUESTTIMEOUT',
  'CLOSED',
  'CONNECTFAILED',
  'NOTREADONLY',
  'THROTTLEDOP',
  'UNKNOWNSESSION',
]);

/**
 * The one translation into FileSystemError: NONODE → FileNotFound, NOAUTH → NoPermissions, connection
 * trouble → Unavailable, NODEEXISTS → FileExists; everything else keeps its sentence with no code.
 * The message is always our sentence (VS Code shows it after "Unable to write file …").
 */
export function toFileSystemError(error: unknown): vscode.FileSystemError {
  if (error instanceof vscode.FileSystemError) return error;
  if (error instanceof ZkError) {
    if (error.code === 'NONODE') return vscode.FileSystemError.FileNotFound(error.message);
    if (error.code === 'NODEEXISTS') return vscode.FileSystemError.FileExists(error.message);
    if (error.code === 'NOAUTH' || error.code === 'AUTHFAILED') return vscode.FileSystemError.NoPermissions(error.message);
    if (UNAVAILABLE.has(error.code)) return vscode.FileSystemError.Unavailable(error.message);
    return new vscode.FileSystemError(error.message);
  }
  if (error instanceof CodecError) return new vscode.FileSystemError(error.message);
  return new vscode.FileSystemError(userMessage(error));
}

// ---- save conflicts ---------------------------------------------------------------------------

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

// ---- the provider -----------------------------------------------------------------------------

/** The version of a node a document (or a workspace.fs reader) holds. */
interface Base {
  czxid: bigint;
  version: number;
  ctime: number;
  mtime: number;
  /** Length of the view's rendering, as stat reports it. */
  size: number;
  ephemeral: boolean;
  /** The rendered text, kept only for reads made while the document had unsaved changes. */
  text?: string;
}

type Override = { kind: 'overwrite'; czxid: bigint; version: number } | { kind: 'recreate'; ephemeral: boolean };

interface SnapshotData {
  bytes: Uint8Array;
  stat: ZnodeStat;
}

const MAX_SNAPSHOTS = 50;

function findDocument(uri: vscode.Uri | string): vscode.TextDocument | undefined {
  const key = uri.toString();
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
}

function sameText(a: string, b: string): boolean {
  const norm = (s: string): string => s.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  return norm(a) === norm(b);
}

async function waitUntil(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

/**
 * zk://<connection>/<path>: znode data as files.
 *
 * Saving is a setData with the version that was read. How that survives VS Code:
 * - VS Code's own dirty-write check runs before writeFile: it compares the mtime/size it resolved with a
 *   fresh stat() and refuses with "The content of the file is newer" only when the mtime grew AND the
 *   size changed. A change of the same size slips through, and when the user picks its Overwrite the
 *   provider cannot tell. So this provider owns conflict detection: while a document has unsaved changes
 *   and the node moved on, stat() reports the mtime the document was read at (the rest is true), VS Code
 *   hands every save to writeFile, and the conditional setData decides. One flow, ours, for every case.
 * - A save of a deleted node never reaches writeFile either (VS Code's mkdirp wants the parent to be a
 *   directory, and znodes are files here); while the document is dirty, stat() keeps reporting the node
 *   as the document knows it, so the save arrives and can offer Re-create.
 * - The version a document holds is what readFile returned while the document had no unsaved changes
 *   (loads and reloads). Reads made while it is dirty (Compare with Saved, a revert in progress) are kept
 *   aside and adopted only when the document turns clean holding exactly that text.
 * - A uri with no recorded read (a document restored after the extension host restarted, or a
 *   workspace.fs.writeFile without a readFile) saves on the version the latest stat saw (VS Code's own
 *   check guarded that save), or unconditionally when nothing was seen, like `zkCli set`.
 * - Only documents with unsaved changes get the conflict notification; workspace.fs callers get the error.
 */
export class ZkFileSystemProvider implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changeEmitter.event;
  /** Per uri: the version its document (or last workspace.fs reader) holds. */
  private readonly bases = new Map<string, Base>();
  /** Per uri: a read made while its document had unsaved changes. */
  private readonly dirtyReads = new Map<string, Base>();
  /** Per uri: the version the latest stat saw, for documents whose read we never saw. */
  private readonly lastStatVersions = new Map<string, number>();
  /** Per uri: what the next writeFile does instead of a plain conditional save (the user's choice). */
  private readonly overrides = new Map<string, Override>();
  private readonly snapshots = new Map<string, SnapshotData>();
  /** Per node: every uri served for it, so a write can tell all its open views. */
  private readonly served = new Map<string, Set<string>>();
  /** Uris whose conflict notification is on screen, with the server version it names. */
  private readonly notified = new Map<string, string>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly closeTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly connections: ConnectionManager,
    private readonly log: Logger,
  ) {
    this.disposables.push(
      this.changeEmitter,
      vscode.workspace.onDidChangeTextDocument((event) => this.onDocumentChanged(event.document)),
      vscode.workspace.onDidCloseTextDocument((document) => this.onDocumentClosed(document)),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    for (const timer of this.closeTimers) clearTimeout(timer);
    for (const [key, entry] of conflictRegistry()) if (entry.owner === this) conflictRegistry().delete(key);
  }

  // ---- FileSystemProvider ----

  watch(): vscode.Disposable {
    // Live updates from ZooKeeper watches come later; our own writes fire onDidChangeFile already.
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    return this.guard(async () => {
      const address = parseDocumentUri(uri);
      const connection = this.connection(address.connection);
      if (address.snapshot !== undefined) {
        const snapshot = await this.snapshot(address, connection);
        return { type: vscode.FileType.File, ctime: snapshot.stat.ctime, mtime: snapshot.stat.mtime, size: renderView(address.view, snapshot.bytes).length, permissions: vscode.FilePermission.Readonly };
      }
      const client = await connection.connect();
      const key = uri.toString();
      this.remember(address, key);
      const base = this.bases.get(key);
      const dirty = base !== undefined && findDocument(key)?.isDirty === true;
      let node: { data: Buffer; stat: ZnodeStat };
      try {
        node = await client.get(address.path);
      } catch (error) {
        if (dirty && isZkError(error, 'NONODE')) {
          // Deleted under a document with unsaved changes: let the save reach writeFile (Re-create).
          return { type: vscode.FileType.File, ctime: base.ctime, mtime: base.mtime, size: base.size, ...this.permissions(connection, address.view, undefined) };
        }
        throw error;
      }
      this.lastStatVersions.set(key, node.stat.version);
      const moved = base !== undefined && (node.stat.czxid !== base.czxid || node.stat.version !== base.version);
      return {
        type: vscode.FileType.File,
        ctime: node.stat.ctime,
        // See the class comment: keeps VS Code's own check quiet so the save reaches our conditional write.
        mtime: dirty && moved ? Math.min(base.mtime, node.stat.mtime) : node.stat.mtime,
        size: renderView(address.view, node.data).length,
        ...this.permissions(connection, address.view, node.data),
      };
    });
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.guard(async () => {
      const address = parseDocumentUri(uri);
      const connection = this.connection(address.connection);
      if (address.snapshot !== undefined) return renderView(address.view, (await this.snapshot(address, connection)).bytes);
      const client = await connection.connect();
      const key = uri.toString();
      this.remember(address, key);
      const { data, stat } = await client.get(address.path);
      const rendered = renderView(address.view, data);
      const base = this.makeBase(stat, rendered.length);
      if (findDocument(key)?.isDirty) {
        this.dirtyReads.set(key, { ...base, text: this.textOf(address.view, data, rendered) });
      } else {
        this.bases.set(key, base);
        this.dirtyReads.delete(key);
      }
      this.lastStatVersions.set(key, stat.version);
      return rendered;
    });
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    return this.guard(async () => {
      const address = parseDocumentUri(uri);
      const connection = this.connection(address.connection);
      if (address.snapshot !== undefined || address.view === 'hexdump') {
        throw vscode.FileSystemError.NoPermissions(
          `"${address.path}" is shown ${address.snapshot !== undefined ? `as the server's data at version ${address.snapshot}` : 'as a hex dump'}, which is read-only. ` +
            'To change its data, use "ZooKeeper: Edit Data as Hex" or "ZooKeeper: Edit Data as Base64".',
        );
      }
      this.refuseIfReadOnly(connection, 'save', address.path);
      let bytes: Uint8Array;
      try {
        bytes = parseView(address.view, content);
      } catch (error) {
        if (error instanceof CodecError) throw new vscode.FileSystemError(`Could not save "${address.path}": ${error.message} Nothing was written.`);
        throw error;
      }
      const client = await connection.connect();
      const key = uri.toString();
      this.remember(address, key);
      const override = this.overrides.get(key);
      this.overrides.delete(key);
      if (override?.kind === 'recreate') return this.recreate(uri, address, client, bytes, override.ephemeral);

      const base = this.bases.get(key);
      const identity = override ?? base;
      const expected = identity?.version ?? this.lastStatVersions.get(key) ?? -1;
      if (identity) {
        const current = await client.exists(address.path);
        if (!current) throw this.deleted(uri, address, base);
        if (current.czxid !== identity.czxid) {
          throw await this.changed(uri, address, client, identity.version, 'it was deleted and created again by another client');
        }
      }
      let stat: ZnodeStat;
      try {
        stat = await client.set(address.path, bytes, expected);
      } catch (error) {
        if (isZkError(error, 'BADVERSION')) throw await this.changed(uri, address, client, expected);
        if (isZkError(error, 'NONODE') && identity) throw this.deleted(uri, address, base);
        if (isZkError(error, 'NONODE')) {
          throw vscode.FileSystemError.FileNotFound(
            `Could not save "${address.path}": the node does not exist. Saving never creates nodes; create it with "ZooKeeper: Create Node…" first.`,
          );
        }
        throw error;
      }
      this.bases.set(key, this.makeBase(stat, renderView(address.view, bytes).length));
      this.dirtyReads.delete(key);
      this.lastStatVersions.set(key, stat.version);
      this.clearConflict(key);
      this.log.info(`saved ${address.connection}:${address.path} (${bytes.length} bytes) as version ${stat.version}${override ? ', overwriting the server\'s changes as chosen' : ''}`);
      this.fireForNode(address, vscode.FileChangeType.Changed);
    });
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    return this.guard(async () => {
      const address = parseDocumentUri(uri);
      const client = await this.connection(address.connection).connect();
      const { children } = await client.getChildren(address.path);
      return sortChildren(children).map((name): [string, vscode.FileType] => [name, vscode.FileType.File]);
    });
  }

  async createDirectory(uri: vscode.Uri): Promise<void> {
    return this.guard(async () => {
      const address = parseDocumentUri(uri);
      const connection = this.connection(address.connection);
      this.refuseIfReadOnly(connection, 'create', address.path);
      const client = await connection.connect();
      await client.create(address.path, null, { mode: 'persistent' });
      this.fireForNode(address, vscode.FileChangeType.Created, uri);
    });
  }

  async delete(uri: vscode.Uri, options: { readonly recursive: boolean }): Promise<void> {
    return this.guard(async () => {
      const address = parseDocumentUri(uri);
      const connection = this.connection(address.connection);
      if (address.snapshot !== undefined) throw vscode.FileSystemError.NoPermissions(`A snapshot of "${address.path}" cannot be deleted; it is a read-only copy.`);
      this.refuseIfReadOnly(connection, 'delete', address.path);
      const client = await connection.connect();
      if (options.recursive) {
        const report = await deleteTree(client, address.path);
        if (report.failed.length > 0) {
          const first = report.failed[0];
          if (report.deleted === 0 && first.code === 'NONODE') throw vscode.FileSystemError.FileNotFound(first.message);
          throw new vscode.FileSystemError(
            `Deleted ${report.deleted} of ${report.total} nodes under "${address.path}"; ${report.failed.length} could not be deleted. First: ${first.message}`,
          );
        }
      } else {
        await client.delete(address.path);
      }
      this.log.info(`deleted ${address.connection}:${address.path}${options.recursive ? ' and its subtree' : ''}`);
      this.fireForNode(address, vscode.FileChangeType.Deleted, uri);
    });
  }

  rename(oldUri: vscode.Uri): void {
    const path = oldUri.path || '/';
    throw vscode.FileSystemError.NoPermissions(
      `Could not rename "${path}": ZooKeeper has no rename or move. Create a node at the new path with the same data, then delete the old one.`,
    );
  }

  // ---- conflicts ----

  /** The node changed on the server: capture its data for Compare, ask the user, and return the error to throw. */
  private async changed(uri: vscode.Uri, address: DocumentAddress, client: ZkClient, yourVersion: number, how?: string): Promise<vscode.FileSystemError> {
    let current: { data: Buffer; stat: ZnodeStat };
    try {
      current = await client.get(address.path);
    } catch (error) {
      if (isZkError(error, 'NONODE')) return this.deleted(uri, address, this.bases.get(uri.toString()));
      throw error;
    }
    const serverVersion = current.stat.version;
    this.storeSnapshot(address, current);
    const snapshotUri = documentUri(address.connection, address.path, address.view, serverVersion);
    const message =
      `Could not save "${address.path}": the node changed on the server since you opened it` +
      `${how ? ` (${how})` : ''} (your version ${yourVersion}, the server's version ${serverVersion}). ` +
      'Nothing was written. Compare the two, overwrite the server\'s data with yours, or discard your changes.';
    this.log.warn(`save conflict on ${address.connection}:${address.path}: read at version ${yourVersion}, server at ${serverVersion}`);
    if (findDocument(uri)?.isDirty) {
      const key = uri.toString();
      const entry: ConflictEntry = {
        uri: key,
        kind: 'changed',
        connection: address.connection,
        path: address.path,
        yourVersion,
        serverVersion,
        snapshotUri: snapshotUri.toString(),
        message,
        owner: this,
        resolve: (choice) => this.resolveChanged(entry, choice, current.stat.czxid),
      };
      conflictRegistry().set(key, entry);
      this.notify(entry, ['Compare', 'Overwrite', 'Discard My Changes']);
    }
    return new vscode.FileSystemError(message);
  }

  /** The node is gone: offer Re-create and return the error to throw. */
  private deleted(uri: vscode.Uri, address: DocumentAddress, base: Base | undefined): vscode.FileSystemError {
    const ephemeral = base?.ephemeral === true;
    const message =
      `Could not save "${address.path}": the node was deleted on the server after you opened it` +
      `${ephemeral ? ' (it was ephemeral, so it went with the session that owned it)' : ''}. ` +
      'Nothing was written. Re-create it with your data, or cancel and keep your changes unsaved.';
    this.log.warn(`save of deleted node ${address.connection}:${address.path}`);
    if (findDocument(uri)?.isDirty) {
      const key = uri.toString();
      const entry: ConflictEntry = {
        uri: key,
        kind: 'deleted',
        connection: address.connection,
        path: address.path,
        yourVersion: base?.version ?? -1,
        ephemeral,
        message,
        owner: this,
        resolve: (choice) => this.resolveDeleted(entry, choice),
      };
      conflictRegistry().set(key, entry);
      this.notify(entry, ['Re-create', 'Cancel']);
    }
    return vscode.FileSystemError.FileNotFound(message);
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

  private clearConflict(key: string): void {
    conflictRegistry().delete(key);
    this.notified.delete(key);
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
        this.clearConflict(entry.uri);
        if (!document?.isDirty) return { choice, saved: false };
        // Still conditional: on the version the user saw in the conflict; if it moved again, they are asked again.
        this.overrides.set(entry.uri, { kind: 'overwrite', czxid, version: entry.serverVersion! });
        const saved = await document.save();
        this.overrides.delete(entry.uri);
        return { choice, saved };
      }
      case 'discard': {
        this.clearConflict(entry.uri);
        return { choice, reverted: await this.revert(document) };
      }
      default:
        throw new UserError(`"${choice}" does not answer a conflict about a changed node; choose compare, overwrite or discard.`);
    }
  }

  private async resolveDeleted(entry: ConflictEntry, choice: ConflictChoice): Promise<ConflictOutcome> {
    const document = findDocument(entry.uri);
    switch (choice) {
      case 'recreate': {
        this.clearConflict(entry.uri);
        if (!document?.isDirty) return { choice, saved: false };
        this.overrides.set(entry.uri, { kind: 'recreate', ephemeral: entry.ephemeral === true });
        const saved = await document.save();
        this.overrides.delete(entry.uri);
        return { choice, saved };
      }
      case 'cancel':
        this.clearConflict(entry.uri);
        return { choice };
      default:
        throw new UserError(`"${choice}" does not answer a conflict about a deleted node; choose recreate or cancel.`);
    }
  }

  /** Reverts the document to the server's data ("Revert File" acts on the active editor, so show it first). */
  private async revert(document: vscode.TextDocument | undefined): Promise<boolean> {
    if (!document) return false;
    if (!document.isDirty) return true;
    await vscode.window.showTextDocument(document, { preview: false, preserveFocus: false });
    await vscode.commands.executeCommand('workbench.action.files.revert');
    return waitUntil(() => !document.isDirty, 5000);
  }

  private async recreate(uri: vscode.Uri, address: DocumentAddress, client: ZkClient, bytes: Uint8Array, ephemeral: boolean): Promise<void> {
    let stat: ZnodeStat;
    try {
      ({ stat } = await client.create(address.path, bytes, { mode: ephemeral ? 'ephemeral' : 'persistent' }));
    } catch (error) {
      if (isZkError(error, 'NODEEXISTS')) throw await this.changed(uri, address, client, this.bases.get(uri.toString())?.version ?? -1, 'another client created it again meanwhile');
      throw error;
    }
    const key = uri.toString();
    this.bases.set(key, this.makeBase(stat, renderView(address.view, bytes).length));
    this.dirtyReads.delete(key);
    this.lastStatVersions.set(key, stat.version);
    this.clearConflict(key);
    this.log.info(`re-created ${address.connection}:${address.path} as a ${ephemeral ? 'ephemeral' : 'persistent'} node`);
    void vscode.window.showInformationMessage(
      ephemeral
        ? `Re-created "${address.path}" as an ephemeral node owned by this window's ZooKeeper session: it lives only as long as the extension's session on "${address.connection}" and disappears when VS Code closes or the connection is closed. Its ACL is world:anyone:cdrwa.`
        : `Re-created "${address.path}" as a persistent node with your data. Its ACL is world:anyone:cdrwa.`,
    );
    this.fireForNode(address, vscode.FileChangeType.Created, uri);
    this.fireForNode(address, vscode.FileChangeType.Changed);
  }

  // ---- documents ----

  private onDocumentChanged(document: vscode.TextDocument): void {
    if (document.uri.scheme !== ZK_SCHEME || document.isDirty) return;
    const key = document.uri.toString();
    const read = this.dirtyReads.get(key);
    // The document is clean and holds what that read returned (a revert): it now holds that version.
    // Until then the read stays aside (a clean state with other text, e.g. undo back to the saved text, is not it).
    if (read?.text === undefined || !sameText(document.getText(), read.text)) return;
    this.dirtyReads.delete(key);
    this.bases.set(key, { ...read, text: undefined });
  }

  /**
   * Forgets a closed document's version a little later: setTextDocumentLanguage closes and reopens the
   * document in the extension host, and the reopened one still holds the same version.
   */
  private onDocumentClosed(document: vscode.TextDocument): void {
    if (document.uri.scheme !== ZK_SCHEME) return;
    const key = document.uri.toString();
    const timer = setTimeout(() => {
      this.closeTimers.delete(timer);
      if (findDocument(key)) return;
      this.bases.delete(key);
      this.dirtyReads.delete(key);
      this.lastStatVersions.delete(key);
      this.clearConflict(key);
    }, 2000);
    this.closeTimers.add(timer);
  }

  // ---- helpers ----

  private async guard<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      throw toFileSystemError(error);
    }
  }

  private connection(name: string): ZkConnection {
    try {
      return this.connections.require(name);
    } catch (error) {
      throw vscode.FileSystemError.Unavailable(userMessage(error));
    }
  }

  private refuseIfReadOnly(connection: ZkConnection, operation: string, path: string): void {
    if (!connection.readOnly) return;
    throw vscode.FileSystemError.NoPermissions(
      `Could not ${operation} "${path}": the connection "${connection.name}" is read-only, so every write through it is refused. ` +
        'Turn off "Read-only" with "ZooKeeper: Edit Connection…" to make changes.',
    );
  }

  private permissions(connection: ZkConnection, view: DataView, data: Uint8Array | undefined): { permissions?: vscode.FilePermission } {
    const readOnly = connection.readOnly || view === 'hexdump' || (view === 'text' && data !== undefined && classifyData(data).kind === 'binary');
    return readOnly ? { permissions: vscode.FilePermission.Readonly } : {};
  }

  private makeBase(stat: ZnodeStat, size: number): Base {
    return { czxid: stat.czxid, version: stat.version, ctime: stat.ctime, mtime: stat.mtime, size, ephemeral: isEphemeral(stat) };
  }

  private textOf(view: DataView, data: Uint8Array, rendered: Uint8Array): string | undefined {
    return decodeUtf8Strict(view === 'text' ? data : rendered);
  }

  private remember(address: DocumentAddress, key: string): void {
    const node = `${address.connection}\u0000${address.path}`;
    let uris = this.served.get(node);
    if (!uris) this.served.set(node, (uris = new Set()));
    uris.add(key);
  }

  /** Tells every open view of the node (raw, hex, base64, hex dump) that its data changed. */
  private fireForNode(address: DocumentAddress, type: vscode.FileChangeType, uri?: vscode.Uri): void {
    const events: vscode.FileChangeEvent[] = [];
    const seen = new Set<string>();
    if (uri) {
      events.push({ type, uri });
      seen.add(uri.toString());
    }
    for (const key of this.served.get(`${address.connection}\u0000${address.path}`) ?? []) {
      if (!seen.has(key)) events.push({ type, uri: vscode.Uri.parse(key) });
    }
    // After the current call returns, so VS Code has finished the save it is part of.
    if (events.length > 0) setTimeout(() => this.changeEmitter.fire(events), 0);
  }

  private snapshotKey(address: DocumentAddress, version: number): string {
    return `${address.connection}\u0000${address.path}\u0000${version}`;
  }

  private storeSnapshot(address: DocumentAddress, node: { data: Buffer; stat: ZnodeStat }): void {
    const key = this.snapshotKey(address, node.stat.version);
    this.snapshots.delete(key);
    this.snapshots.set(key, { bytes: new Uint8Array(node.data), stat: node.stat });
    while (this.snapshots.size > MAX_SNAPSHOTS) this.snapshots.delete(this.snapshots.keys().next().value!);
  }

  private async snapshot(address: DocumentAddress, connection: ZkConnection): Promise<SnapshotData> {
    const version = address.snapshot!;
    const kept = this.snapshots.get(this.snapshotKey(address, version));
    if (kept) return kept;
    const client = await connection.connect();
    const current = await client.get(address.path);
    if (current.stat.version !== version) {
      throw vscode.FileSystemError.FileNotFound(
        `The server's data of "${address.path}" at version ${version} is no longer available (the node is at version ${current.stat.version} now). Open the node again.`,
      );
    }
    this.storeSnapshot(address, current);
    return { bytes: current.data, stat: current.stat };
  }
}
