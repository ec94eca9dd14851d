import * as vscode from 'vscode';
import type { ZkClient } from '../../zk/client';
import { CodecError, classifyData, decodeUtf8Strict, parseView, renderView, type DataView } from '../../zk/codecs';
import { isZkError } from '../../zk/errors';
import { isEphemeral, type ZnodeStat } from '../../zk/stat';
import { sortChildren } from '../../zk/paths';
import { deleteTree } from '../../zk/subtree';
import type { ConnectionManager } from '../connections/connectionManager';
import type { ZkConnection } from '../connections/zkConnection';
import { userMessage } from '../errors';
import type { Logger } from '../logging';
import { ZK_SCHEME } from '../zkUri';
import { ConflictSnapshots } from './conflictSnapshots';
import { documentUri, parseDocumentUri, type DocumentAddress } from './documentAddress';
import { asFileSystemErrors } from './fileSystemErrors';
import { findDocument } from './openDocuments';
import { SaveConflicts } from './saveConflicts';
import { StatCache, type StatAndFacts } from './statCache';

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

function sameText(a: string, b: string): boolean {
  const norm = (s: string): string => s.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  return norm(a) === norm(b);
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
  /** Per node: every uri served for it, so a write can tell all its open views. */
  private readonly served = new Map<string, Set<string>>();
  private readonly statCache = new StatCache();
  private readonly snapshots = new ConflictSnapshots();
  private readonly conflicts: SaveConflicts;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly closeTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly connections: ConnectionManager,
    private readonly log: Logger,
  ) {
    this.conflicts = new SaveConflicts(log);
    this.disposables.push(
      this.changeEmitter,
      this.conflicts,
      vscode.workspace.onDidChangeTextDocument((event) => this.onDocumentChanged(event.document)),
      vscode.workspace.onDidCloseTextDocument((document) => this.onDocumentClosed(document)),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    for (const timer of this.closeTimers) clearTimeout(timer);
  }

  // ---- FileSystemProvider ----

  watch(): vscode.Disposable {
    // Changes on the server arrive through notifyServerChange (from the watches); our own writes fire too.
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    return asFileSystemErrors(async () => {
      const address = parseDocumentUri(uri);
      const connection = this.connection(address.connection);
      if (address.snapshot !== undefined) {
        const snapshot = await this.snapshots.get(address, connection);
        return { type: vscode.FileType.File, ctime: snapshot.stat.ctime, mtime: snapshot.stat.mtime, size: renderView(address.view, snapshot.bytes).length, permissions: vscode.FilePermission.Readonly };
      }
      const client = await connection.connect();
      const key = uri.toString();
      this.remember(address, key);
      const base = this.bases.get(key);
      const dirty = base !== undefined && findDocument(key)?.isDirty === true;
      let node: StatAndFacts;
      try {
        node = await this.statCache.statNode(client, key, address.path, (data) => ({
          size: renderView(address.view, data).length,
          binary: address.view === 'text' && classifyData(data).kind === 'binary',
        }));
      } catch (error) {
        if (dirty && isZkError(error, 'NONODE')) {
          // Deleted under a document with unsaved changes: let the save reach writeFile (Re-create).
          return { type: vscode.FileType.File, ctime: base.ctime, mtime: base.mtime, size: base.size, ...this.permissions(connection, address.view, false) };
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
        size: node.facts.size,
        ...this.permissions(connection, address.view, node.facts.binary),
      };
    });
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return asFileSystemErrors(async () => {
      const address = parseDocumentUri(uri);
      const connection = this.connection(address.connection);
      if (address.snapshot !== undefined) return renderView(address.view, (await this.snapshots.get(address, connection)).bytes);
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
    return asFileSystemErrors(async () => {
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
      const override = this.conflicts.takeOverride(key);
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
      this.conflicts.clear(key);
      this.log.info(`saved ${address.connection}:${address.path} (${bytes.length} bytes) as version ${stat.version}${override ? ', overwriting the server\'s changes as chosen' : ''}`);
      this.fireForNode(address, vscode.FileChangeType.Changed);
    });
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    return asFileSystemErrors(async () => {
      const address = parseDocumentUri(uri);
      const client = await this.connection(address.connection).connect();
      const { children } = await client.getChildren(address.path);
      return sortChildren(children).map((name): [string, vscode.FileType] => [name, vscode.FileType.File]);
    });
  }

  async createDirectory(uri: vscode.Uri): Promise<void> {
    return asFileSystemErrors(async () => {
      const address = parseDocumentUri(uri);
      const connection = this.connection(address.connection);
      this.refuseIfReadOnly(connection, 'create', address.path);
      const client = await connection.connect();
      await client.create(address.path, null, { mode: 'persistent' });
      this.fireForNode(address, vscode.FileChangeType.Created, uri);
    });
  }

  async delete(uri: vscode.Uri, options: { readonly recursive: boolean }): Promise<void> {
    return asFileSystemErrors(async () => {
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

  /** The node changed on the server: captures its data for Compare, asks the user, and returns the error to throw. */
  private async changed(uri: vscode.Uri, address: DocumentAddress, client: ZkClient, yourVersion: number, how?: string): Promise<vscode.FileSystemError> {
    let current: { data: Buffer; stat: ZnodeStat };
    try {
      current = await client.get(address.path);
    } catch (error) {
      if (isZkError(error, 'NONODE')) return this.deleted(uri, address, this.bases.get(uri.toString()));
      throw error;
    }
    const serverVersion = current.stat.version;
    this.snapshots.store(address, current);
    return this.conflicts.changed({
      uri,
      connection: address.connection,
      path: address.path,
      yourVersion,
      serverVersion,
      serverCzxid: current.stat.czxid,
      snapshotUri: documentUri(address.connection, address.path, address.view, serverVersion),
      how,
    });
  }

  /** The node is gone: offers Re-create and returns the error to throw. */
  private deleted(uri: vscode.Uri, address: DocumentAddress, base: Base | undefined): vscode.FileSystemError {
    return this.conflicts.deleted({ uri, connection: address.connection, path: address.path, yourVersion: base?.version ?? -1, ephemeral: base?.ephemeral === true });
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
    this.conflicts.clear(key);
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
      this.statCache.forget(key);
      this.conflicts.clear(key);
    }, 2000);
    this.closeTimers.add(timer);
  }

  // ---- helpers ----

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

  /** `binary`: the data is not safe to edit as text (see classifyData). */
  private permissions(connection: ZkConnection, view: DataView, binary: boolean): { permissions?: vscode.FilePermission } {
    const readOnly = connection.readOnly || view === 'hexdump' || (view === 'text' && binary);
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

  /**
   * A watch saw the node change on the server: its open views reload when they have no unsaved
   * changes; a dirty one keeps the user's text and meets the conflict flow on save.
   */
  notifyServerChange(connection: string, path: string): void {
    if (!this.served.has(`${connection}\u0000${path}`)) return;
    this.fireForNode({ connection, path, view: 'text' }, vscode.FileChangeType.Changed);
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
      this.statCache.forget(key); // their next stat reads the new data straight away
      if (!seen.has(key)) events.push({ type, uri: vscode.Uri.parse(key) });
    }
    // After the current call returns, so VS Code has finished the save it is part of.
    if (events.length > 0) setTimeout(() => this.changeEmitter.fire(events), 0);
  }
}
