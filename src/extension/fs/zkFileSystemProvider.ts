import * as vscode from 'vscode';
import type { StagingHook } from '../staging/hook';
import type { ZkClient } from '../../zk/client';
import { CodecError, classifyData, decodeUtf8Strict, parseView, renderView, type DataView } from '../../zk/codecs';
import { isZkError, ZkError } from '../../zk/errors';
import { isEphemeral, type ZnodeStat } from '../../zk/stat';
import { isServerOwned, sortChildren } from '../../zk/paths';
import { deleteTree } from '../../zk/subtree';
import { relocateSubtree } from '../../zk/transfer/relocate';
import type { ConnectionManager } from '../connections/connectionManager';
import type { ZkConnection } from '../connections/zkConnection';
import { userMessage } from '../errors';
import type { Logger } from '../logging';
import { ZK_SCHEME } from '../zkUri';
import { ConflictSnapshots } from './conflictSnapshots';
import { documentUri, parseDocumentUri, type DocumentAddress } from './documentAddress';
import { AutoSaveGuard } from './autoSaveGuard';
import { DeletedNodes } from './deletedNodes';
import { asFileSystemErrors } from './fileSystemErrors';
import { refuseInvalidJson } from './jsonGuard';
import { findDocument, sameText } from './openDocuments';
import { SaveConflicts, type SaveAnswer, type SaveConflict } from './saveConflicts';
import { StatCache, type StatAndFacts } from './statCache';

/** The version of a node a document (or a workspace.fs reader) holds. */
interface Base {
  czxid: bigint;
  version: number;
  ctime: number;
  mtime: number;
  /** Length of the view's rendering, as stat reports it. */
  size: number;
  /** Length of the node's own data at that version (a hex or base64 rendering is longer). */
  dataLength: number;
  ephemeral: boolean;
  /** The rendered text, kept only for reads made while the document had unsaved changes. */
  text?: string;
}

/** A znode is both: its data (a file) and a parent of children (a directory). See documentAddress.ts. */
const NODE_TYPE = vscode.FileType.File | vscode.FileType.Directory;

/** Map.set that also moves the key to the end, so trimming drops the least recently used first. */
function setRecent<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
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
 *   directory, and the parent of a document address keeps its ?view= query, so it is a document, a file);
 *   while the document is dirty, stat() keeps reporting the node
 *   as the document knows it, so the save arrives and can offer Re-create.
 * - The version a document holds is what readFile returned while the document had no unsaved changes
 *   (loads and reloads). Reads made while it is dirty (Compare with Saved, a revert in progress) are kept
 *   aside and adopted only when the document turns clean holding exactly that text.
 * - A uri with no recorded read (a document restored after the extension host restarted, or a
 *   workspace.fs.writeFile without a readFile) saves on the version the latest stat saw (VS Code's own
 *   check guarded that save), or unconditionally when nothing was seen, like `zkCli set`.
 * - Only documents with unsaved changes get the conflict notification; workspace.fs callers get the error.
 * - The bare address zk://c/p is the znode itself, a file AND a directory (see documentAddress.ts): what
 *   workspace.fs callers read, write (create included), list, delete, copy and move. Editors open ?view=text.
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
  /** Bare addresses have no document whose closing would forget them: the oldest are dropped past this. */
  private static readonly MAX_NODE_ENTRIES = 5000;

  private readonly autoSave: AutoSaveGuard;
  /** The deleted-on-the-server mark of open documents (a FileDecorationProvider, registered in index.ts). */
  readonly deletedNodes = new DeletedNodes();
  /** Per node with open documents: the client its presence watch is armed on (see watchPresence). */
  private readonly armed = new Map<string, ZkClient>();
  /** Staged editing (src/extension/staging), when registered: a document's save may stage instead of write. */
  staging?: StagingHook;

  constructor(
    private readonly connections: ConnectionManager,
    private readonly log: Logger,
    state: vscode.Memento,
  ) {
    this.conflicts = new SaveConflicts(log);
    this.autoSave = new AutoSaveGuard(state, log);
    this.disposables.push(
      this.changeEmitter,
      this.conflicts,
      this.autoSave,
      this.deletedNodes,
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
      if (address.node) return this.statNode(client, connection, address, key);
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
        if (isZkError(error, 'NONODE')) this.deletedNodes.markDeleted(address.connection, address.path, this.urisOf(address));
        throw error;
      }
      setRecent(this.lastStatVersions, key, node.stat.version);
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
      // A staged change is what the editor shows until it is committed or discarded (the gutter diffs it against the server).
      const staged = address.node ? undefined : this.staging?.stagedData(address.connection, address.path);
      if (staged) return renderView(address.view, staged);
      const { data, stat } = await client.get(address.path);
      const rendered = renderView(address.view, data);
      const base = this.makeBase(stat, rendered.length);
      if (findDocument(key)?.isDirty) {
        this.dirtyReads.set(key, { ...base, text: this.textOf(address.view, data, rendered) });
      } else {
        setRecent(this.bases, key, base);
        this.dirtyReads.delete(key);
      }
      setRecent(this.lastStatVersions, key, stat.version);
      if (address.node) this.trimNodeEntries();
      else {
        this.deletedNodes.markPresent(address.connection, address.path, this.urisOf(address));
        this.watchPresence(client, address.connection, address.path);
      }
      return rendered;
    });
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array, options: { readonly create: boolean; readonly overwrite: boolean } = { create: false, overwrite: true }): Promise<void> {
    return asFileSystemErrors(async () => {
      const address = parseDocumentUri(uri);
      const connection = this.connection(address.connection);
      if (address.node) return this.writeNode(uri, address, connection, content, options);
      if (address.snapshot !== undefined || address.view === 'hexdump') {
        throw vscode.FileSystemError.NoPermissions(
          address.snapshot !== undefined
            ? vscode.l10n.t(
                '"{0}" is shown as the server\'s data at version {1}, which is read-only. To change its data, use "ZooKeeper: Edit Data as Hex" or "ZooKeeper: Edit Data as Base64".',
                address.path,
                address.snapshot,
              )
            : vscode.l10n.t('"{0}" is shown as a hex dump, which is read-only. To change its data, use "ZooKeeper: Edit Data as Hex" or "ZooKeeper: Edit Data as Base64".', address.path),
        );
      }
      // Before anything is parsed: a half-typed value (or half-typed hex) that VS Code auto-saves is never sent.
      this.autoSave.check(uri, address.path);
      this.refuseIfReadOnly(connection, vscode.l10n.t('save'), address.path);
      let bytes: Uint8Array;
      try {
        bytes = parseView(address.view, content);
      } catch (error) {
        if (error instanceof CodecError) throw new vscode.FileSystemError(vscode.l10n.t('Could not save "{0}": {1} Nothing was written.', address.path, error.message));
        throw error;
      }
      const client = await connection.connect();
      const key = uri.toString();
      this.remember(address, key);
      // A save that would write what the server already holds at the version read (Ctrl+S on an unedited
      // document, an edit typed and undone) writes nothing: another tool bumped the version on every such
      // save, waking every watcher of the node for no change. A node with a staged change goes to staging,
      // which decides (saving the server's data again undoes the staged change).
      // Asked only when the data to write is as long as the data read: an edit that changes its length
      // cannot hold the same bytes, and most saves are spared the extra read. (The data's length, not
      // the document's: a hex or base64 document is longer than the bytes it stands for.)
      const base = this.bases.get(key);
      if (base && bytes.byteLength === base.dataLength && this.staging?.stagedData(address.connection, address.path) === undefined && (await this.holdsAlready(client, address.path, base, bytes))) {
        this.log.info(`save of ${address.connection}:${address.path}: the server holds exactly this data at version ${base.version}; nothing written`);
        return;
      }
      refuseInvalidJson(uri, address.path, bytes, (why) => this.log.warn(`save of ${address.connection}:${address.path} refused: open as JSON and not valid JSON (${why}); nothing written`));
      // Staged editing: the save becomes a staged change (checked against the version read here) instead of a write.
      if (this.staging && (await this.staging.stageSave(address.connection, address.path, bytes, this.bases.get(key)?.version ?? this.lastStatVersions.get(key)))) return;
      let answer: SaveAnswer | undefined;
      // A conflict asks the user and this save waits for the answer (see saveConflicts.ts): Overwrite and
      // Re-create write here, in the same save; Discard returns without writing; no answer throws.
      for (;;) {
        let conflict: SaveConflict | undefined;
        try {
          conflict =
            answer?.kind === 'recreate'
              ? await this.recreate(uri, address, client, bytes, answer.ephemeral)
              : await this.setData(uri, address, client, bytes, answer?.kind === 'overwrite' ? answer : undefined);
        } catch (error) {
          this.conflicts.settled(key, false);
          throw error;
        }
        if (!conflict) {
          this.conflicts.settled(key, true);
          return;
        }
        answer = await this.conflicts.ask(conflict);
        if (answer.kind === 'fail') throw answer.error;
        if (answer.kind === 'discard') {
          this.log.info(`save of ${address.connection}:${address.path} discarded as chosen: nothing written; the document is reverted to the server's data`);
          this.conflicts.settled(key, true);
          return;
        }
      }
    });
  }

  /** The conditional setData of a document's save; a conflict is returned, not thrown (the caller asks). */
  private async setData(
    uri: vscode.Uri,
    address: DocumentAddress,
    client: ZkClient,
    bytes: Uint8Array,
    overwrite?: { czxid: bigint; version: number },
  ): Promise<SaveConflict | undefined> {
    const key = uri.toString();
    const base = this.bases.get(key);
    const identity = overwrite ?? base;
    const expected = identity?.version ?? this.lastStatVersions.get(key) ?? -1;
    if (identity) {
      const current = await client.exists(address.path);
      if (!current) return this.deleted(uri, address, base);
      if (current.czxid !== identity.czxid) return this.changed(uri, address, client, identity.version, vscode.l10n.t('it was deleted and created again by another client'));
    }
    let stat: ZnodeStat;
    try {
      stat = await client.set(address.path, bytes, expected);
    } catch (error) {
      if (isZkError(error, 'BADVERSION')) return this.changed(uri, address, client, expected);
      if (isZkError(error, 'NONODE') && identity) return this.deleted(uri, address, base);
      if (isZkError(error, 'NONODE')) {
        throw vscode.FileSystemError.FileNotFound(
          vscode.l10n.t('Could not save "{0}": the node does not exist. Saving never creates nodes; create it with "ZooKeeper: Create Node…" first.', address.path),
        );
      }
      throw error;
    }
    setRecent(this.bases, key, this.makeBase(stat, renderView(address.view, bytes).length));
    this.dirtyReads.delete(key);
    setRecent(this.lastStatVersions, key, stat.version);
    this.log.info(`saved ${address.connection}:${address.path} (${bytes.length} bytes) as version ${stat.version}${overwrite ? ", overwriting the server's changes as chosen" : ''}`);
    this.deletedNodes.markPresent(address.connection, address.path, this.urisOf(address));
    this.fireForNode(address, vscode.FileChangeType.Changed);
    return undefined;
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    return asFileSystemErrors(async () => {
      const address = parseDocumentUri(uri);
      const client = await this.connection(address.connection).connect();
      if (!address.node) {
        throw vscode.FileSystemError.FileNotADirectory(
          vscode.l10n.t('"{0}" is a document of the data of "{1}"; list its children at {2} (no query).', uri.toString(), address.path, `zk://${address.connection}${address.path}`),
        );
      }
      const { children } = await client.getChildren(address.path);
      // Every znode is both a file and a directory (see documentAddress.ts): no stat per child needed.
      return sortChildren(children).map((name): [string, vscode.FileType] => [name, NODE_TYPE]);
    });
  }

  async createDirectory(uri: vscode.Uri): Promise<void> {
    return asFileSystemErrors(async () => {
      const address = parseDocumentUri(uri);
      const connection = this.connection(address.connection);
      this.refuseIfNotNode(address, uri, vscode.l10n.t('create a node at'));
      this.refuseIfReadOnly(connection, vscode.l10n.t('create'), address.path);
      const client = await connection.connect();
      await client.create(address.path, null, { mode: 'persistent' });
      this.fireForNode(address, vscode.FileChangeType.Created, uri);
    });
  }

  async delete(uri: vscode.Uri, options: { readonly recursive: boolean }): Promise<void> {
    return asFileSystemErrors(async () => {
      const address = parseDocumentUri(uri);
      const connection = this.connection(address.connection);
      if (address.snapshot !== undefined) throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('A snapshot of "{0}" cannot be deleted; it is a read-only copy.', address.path));
      // Deleting a document of the data would delete the node (and with recursive its subtree): only the node's own address may.
      this.refuseIfNotNode(address, uri, vscode.l10n.t('delete'));
      this.refuseIfReadOnly(connection, vscode.l10n.t('delete'), address.path);
      if (isServerOwned(address.path)) {
        throw vscode.FileSystemError.NoPermissions(
          address.path === '/'
            ? vscode.l10n.t('Could not delete "{0}": the root node cannot be deleted.', address.path)
            : vscode.l10n.t('Could not delete "{0}": /zookeeper belongs to the server (quotas, configuration).', address.path),
        );
      }
      const client = await connection.connect();
      if (options.recursive) {
        const report = await deleteTree(client, address.path);
        if (report.failed.length > 0) {
          const first = report.failed[0];
          if (report.deleted === 0 && first.code === 'NONODE') throw vscode.FileSystemError.FileNotFound(first.message);
          throw new vscode.FileSystemError(
            vscode.l10n.t('Deleted {0} of {1} nodes under "{2}"; {3} could not be deleted. First: {4}', report.deleted, report.total, address.path, report.failed.length, first.message),
          );
        }
      } else {
        await client.delete(address.path);
      }
      this.log.info(`deleted ${address.connection}:${address.path}${options.recursive ? ' and its subtree' : ''}`);
      this.markGone(address.connection, address.path, options.recursive);
      this.fireForNode(address, vscode.FileChangeType.Deleted, uri);
    });
  }

  /** A move inside one connection: one multi of creates and version-checked deletes (src/zk/transfer/relocate.ts). */
  async rename(oldUri: vscode.Uri, newUri: vscode.Uri, options: { readonly overwrite: boolean }): Promise<void> {
    return this.relocate(oldUri, newUri, options, true);
  }

  /** A copy inside one connection; without it VS Code would copy a "directory" as its children only, losing the node's own data. */
  async copy(source: vscode.Uri, destination: vscode.Uri, options: { readonly overwrite: boolean }): Promise<void> {
    return this.relocate(source, destination, options, false);
  }

  private async relocate(from: vscode.Uri, to: vscode.Uri, options: { readonly overwrite: boolean }, move: boolean): Promise<void> {
    return asFileSystemErrors(async () => {
      const source = parseDocumentUri(from);
      const target = parseDocumentUri(to);
      const said = move ? vscode.l10n.t('move') : vscode.l10n.t('copy');
      this.refuseIfNotNode(source, from, said);
      this.refuseIfNotNode(target, to, move ? vscode.l10n.t('move onto') : vscode.l10n.t('copy onto'));
      if (source.connection !== target.connection) {
        throw vscode.FileSystemError.NoPermissions(
          vscode.l10n.t('Could not {0} "{1}" from "{2}" to "{3}": a {0} works inside one connection (one atomic batch on one ensemble).', said, source.path, source.connection, target.connection),
        );
      }
      const connection = this.connection(source.connection);
      this.refuseIfReadOnly(connection, said, source.path);
      const client = await connection.connect();
      if (await client.exists(target.path)) {
        // VS Code deletes an existing target itself (when asked to overwrite) before it calls us; replacing a
        // subtree here would not be atomic, so an existing target is always refused.
        throw vscode.FileSystemError.FileExists(
          options.overwrite
            ? vscode.l10n.t('Could not {0} "{1}" to "{2}": "{2}" already exists (it is not replaced: that could not be done atomically). Delete it first, or choose another name.', said, source.path, target.path)
            : vscode.l10n.t('Could not {0} "{1}" to "{2}": "{2}" already exists. Delete it first, or choose another name.', said, source.path, target.path),
        );
      }
      const { nodes } = await relocateSubtree(client, source.path, target.path, { move });
      this.log.info(`${move ? 'moved' : 'copied'} ${source.connection}:${source.path} to ${target.path} (${nodes} ${nodes === 1 ? 'node' : 'nodes'}, one multi)`);
      if (move) {
        this.markGone(source.connection, source.path, true);
        this.fireForNode(source, vscode.FileChangeType.Deleted, from);
      }
      this.fireForNode(target, vscode.FileChangeType.Created, to);
    });
  }

  // ---- the bare address: the znode as file and directory ----

  private async statNode(client: ZkClient, connection: ZkConnection, address: DocumentAddress, key: string): Promise<vscode.FileStat> {
    const stat = await client.exists(address.path);
    if (!stat) throw new ZkError('NONODE', 'read', address.path);
    setRecent(this.lastStatVersions, key, stat.version);
    this.trimNodeEntries();
    return {
      type: NODE_TYPE,
      ctime: stat.ctime,
      mtime: stat.mtime,
      size: stat.dataLength,
      ...(connection.readOnly ? { permissions: vscode.FilePermission.Readonly } : {}),
    };
  }

  /**
   * workspace.fs.writeFile of a znode: raw bytes, checked like an editor save. An existing node is written
   * with the version the last readFile of this address returned (or, with none, the last stat; or
   * unconditionally, like `zkCli set`); a stale write is refused with the editor's message. A missing node
   * is created (persistent) when `create` is set (VS Code's extension host has already created missing
   * parents); a node deleted after it was read is refused once, so nobody re-creates it unknowingly.
   */
  private async writeNode(
    uri: vscode.Uri,
    address: DocumentAddress,
    connection: ZkConnection,
    content: Uint8Array,
    options: { readonly create: boolean; readonly overwrite: boolean },
  ): Promise<void> {
    this.refuseIfReadOnly(connection, vscode.l10n.t('save'), address.path);
    const client = await connection.connect();
    const key = uri.toString();
    this.remember(address, key);
    const base = this.bases.get(key);
    const current = await client.exists(address.path);
    if (!current) {
      if (base) {
        this.bases.delete(key);
        this.lastStatVersions.delete(key);
        throw vscode.FileSystemError.FileNotFound(
          vscode.l10n.t('Could not save "{0}": the node was deleted on the server after you read it (version {1}). Nothing was written. Write it again to create it anew.', address.path, base.version),
        );
      }
      if (!options.create) throw vscode.FileSystemError.FileNotFound(vscode.l10n.t('Could not save "{0}": the node does not exist. Nothing was written.', address.path));
      let stat: ZnodeStat;
      try {
        ({ stat } = await client.create(address.path, content, { mode: 'persistent' }));
      } catch (error) {
        if (isZkError(error, 'NODEEXISTS')) throw vscode.FileSystemError.FileExists(vscode.l10n.t('Could not create "{0}": another client created it meanwhile. Nothing was written; read it and write again.', address.path));
        throw error;
      }
      setRecent(this.bases, key, this.makeBase(stat, content.length));
      setRecent(this.lastStatVersions, key, stat.version);
      this.log.info(`created ${address.connection}:${address.path} (${content.length} bytes) through workspace.fs`);
      this.deletedNodes.markPresent(address.connection, address.path, this.urisOf(address));
      this.fireForNode(address, vscode.FileChangeType.Created, uri);
      return;
    }
    if (!options.overwrite) throw vscode.FileSystemError.FileExists(vscode.l10n.t('Could not create "{0}": it already exists. Nothing was written.', address.path));
    if (base && current.czxid !== base.czxid) {
      throw await this.refusal(await this.changed(uri, address, client, base.version, vscode.l10n.t('it was deleted and created again by another client')));
    }
    const expected = base?.version ?? this.lastStatVersions.get(key) ?? -1;
    let stat: ZnodeStat;
    try {
      stat = await client.set(address.path, content, expected);
    } catch (error) {
      if (isZkError(error, 'BADVERSION')) throw await this.refusal(await this.changed(uri, address, client, expected));
      throw error;
    }
    setRecent(this.bases, key, this.makeBase(stat, content.length));
    setRecent(this.lastStatVersions, key, stat.version);
    this.trimNodeEntries();
    this.log.info(`saved ${address.connection}:${address.path} (${content.length} bytes) as version ${stat.version} through workspace.fs`);
    this.fireForNode(address, vscode.FileChangeType.Changed);
  }

  /**
   * Forgets the least recently used bare-address versions (a workspace.fs reader that never writes
   * leaves them behind); every read, stat and write re-inserts its key (see touch), so the order is use.
   * A write whose read was forgotten falls back to the last stat's version, or unconditional (README).
   */
  private trimNodeEntries(): void {
    for (const map of [this.bases, this.lastStatVersions, this.served] as Map<string, unknown>[]) {
      if (map.size <= ZkFileSystemProvider.MAX_NODE_ENTRIES) continue;
      for (const key of map.keys()) {
        if (map.size <= ZkFileSystemProvider.MAX_NODE_ENTRIES * 0.9) break;
        // bases/lastStatVersions are keyed by uri (documents carry a ?view= query); served by node.
        if (map === this.served ? !this.hasOpenDocument(key) : !key.includes('?')) map.delete(key);
      }
    }
  }

  private hasOpenDocument(node: string): boolean {
    for (const key of this.served.get(node) ?? []) if (key.includes('?') && findDocument(key)) return true;
    return false;
  }

  private refuseIfNotNode(address: DocumentAddress, uri: vscode.Uri, operation: string): void {
    if (address.node) return;
    throw vscode.FileSystemError.NoPermissions(
      vscode.l10n.t('Could not {0} "{1}": it is a document of the data of "{2}". Use the znode\'s own address, {3} (no query).', operation, uri.toString(), address.path, `zk://${address.connection}${address.path}`),
    );
  }

  // ---- conflicts ----

  /** The node changed on the server: captures its data for Compare and describes the conflict. */
  private async changed(uri: vscode.Uri, address: DocumentAddress, client: ZkClient, yourVersion: number, how?: string): Promise<SaveConflict> {
    let current: { data: Buffer; stat: ZnodeStat };
    try {
      current = await client.get(address.path);
    } catch (error) {
      if (isZkError(error, 'NONODE')) return this.deleted(uri, address, this.bases.get(uri.toString()));
      throw error;
    }
    const serverVersion = current.stat.version;
    this.snapshots.store(address, current);
    return {
      kind: 'changed',
      uri,
      connection: address.connection,
      path: address.path,
      yourVersion,
      serverVersion,
      serverCzxid: current.stat.czxid,
      snapshotUri: documentUri(address.connection, address.path, address.view, serverVersion),
      ...(how === undefined ? {} : { how }),
    };
  }

  /** The node is gone. */
  private deleted(uri: vscode.Uri, address: DocumentAddress, base: Base | undefined): SaveConflict {
    return { kind: 'deleted', uri, connection: address.connection, path: address.path, yourVersion: base?.version ?? -1, ephemeral: base?.ephemeral === true };
  }

  /** The error a refused write throws (for a uri with no document waiting for an answer, asking returns it at once). */
  private async refusal(conflict: SaveConflict): Promise<vscode.FileSystemError> {
    const answer = await this.conflicts.ask(conflict);
    return answer.kind === 'fail' ? answer.error : new vscode.FileSystemError(vscode.l10n.t('Could not save "{0}": it changed on the server. Nothing was written.', conflict.path));
  }

  private async recreate(uri: vscode.Uri, address: DocumentAddress, client: ZkClient, bytes: Uint8Array, ephemeral: boolean): Promise<SaveConflict | undefined> {
    let stat: ZnodeStat;
    try {
      ({ stat } = await client.create(address.path, bytes, { mode: ephemeral ? 'ephemeral' : 'persistent' }));
    } catch (error) {
      if (isZkError(error, 'NODEEXISTS')) return this.changed(uri, address, client, this.bases.get(uri.toString())?.version ?? -1, vscode.l10n.t('another client created it again meanwhile'));
      throw error;
    }
    const key = uri.toString();
    setRecent(this.bases, key, this.makeBase(stat, renderView(address.view, bytes).length));
    this.dirtyReads.delete(key);
    setRecent(this.lastStatVersions, key, stat.version);
    this.log.info(`re-created ${address.connection}:${address.path} as a ${ephemeral ? 'ephemeral' : 'persistent'} node`);
    this.deletedNodes.markPresent(address.connection, address.path, this.urisOf(address));
    void vscode.window.showInformationMessage(
      ephemeral
        ? vscode.l10n.t(
            'Re-created "{0}" as an ephemeral node owned by this window\'s ZooKeeper session: it lives only as long as the extension\'s session on "{1}" and disappears when VS Code closes or the connection is closed. Its ACL is world:anyone:cdrwa.',
            address.path,
            address.connection,
          )
        : vscode.l10n.t('Re-created "{0}" as a persistent node with your data. Its ACL is world:anyone:cdrwa.', address.path),
    );
    this.fireForNode(address, vscode.FileChangeType.Created, uri);
    this.fireForNode(address, vscode.FileChangeType.Changed);
    return undefined;
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
    setRecent(this.bases, key, { ...read, text: undefined });
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
      vscode.l10n.t('Could not {0} "{1}": the connection "{2}" is read-only, so every write through it is refused. Turn off "Read-only" with "ZooKeeper: Edit Connection…" to make changes.', operation, path, connection.name),
    );
  }

  /** `binary`: the data is not safe to edit as text (see classifyData). */
  private permissions(connection: ZkConnection, view: DataView, binary: boolean): { permissions?: vscode.FilePermission } {
    const readOnly = connection.readOnly || view === 'hexdump' || (view === 'text' && binary);
    return readOnly ? { permissions: vscode.FilePermission.Readonly } : {};
  }

  /** Whether the node is still the one read (same czxid and version) and holds exactly these bytes. */
  private async holdsAlready(client: ZkClient, path: string, base: Base, bytes: Uint8Array): Promise<boolean> {
    try {
      const { data, stat } = await client.get(path);
      return stat.czxid === base.czxid && stat.version === base.version && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).equals(data);
    } catch (error) {
      if (isZkError(error, 'NONODE') || isZkError(error, 'NOAUTH')) return false; // the save's own path says what happened
      throw error;
    }
  }

  private makeBase(stat: ZnodeStat, size: number): Base {
    return { czxid: stat.czxid, version: stat.version, ctime: stat.ctime, mtime: stat.mtime, size, dataLength: stat.dataLength, ephemeral: isEphemeral(stat) };
  }

  private textOf(view: DataView, data: Uint8Array, rendered: Uint8Array): string | undefined {
    return decodeUtf8Strict(view === 'text' ? data : rendered);
  }

  private remember(address: DocumentAddress, key: string): void {
    const node = `${address.connection}\u0000${address.path}`;
    const uris = this.served.get(node) ?? new Set<string>();
    setRecent(this.served, node, uris);
    uris.add(key);
  }

  /** The open views of a node (every uri served for it). */
  private urisOf(address: { connection: string; path: string }): vscode.Uri[] {
    return [...(this.served.get(`${address.connection}\u0000${address.path}`) ?? [])].map((key) => vscode.Uri.parse(key));
  }

  /** Marks a node deleted (and with `subtree` every served node below it) and tells their open views. */
  private markGone(connection: string, path: string, subtree: boolean): void {
    for (const node of this.served.keys()) {
      const [name, nodePath] = node.split('\u0000');
      if (name !== connection || !(nodePath === path || (subtree && nodePath.startsWith(path === '/' ? '/' : `${path}/`)))) continue;
      this.deletedNodes.markDeleted(connection, nodePath, this.urisOf({ connection, path: nodePath }));
      if (nodePath !== path) this.fireForNode({ connection, path: nodePath, view: 'text', node: false }, vscode.FileChangeType.Deleted);
    }
  }

  /**
   * A one-shot exists watch on a node with open documents, re-armed while any is open: its deletion (by
   * this window's Delete, a script, another client) marks them at once, and a re-creation clears the mark.
   * One per node and client; a new session (another client object) arms again on the next read.
   */
  private watchPresence(client: ZkClient, connection: string, path: string): void {
    const node = `${connection}\u0000${path}`;
    if (this.armed.get(node) === client) return;
    this.armed.set(node, client);
    const address = { connection, path, view: 'text' as const, node: false };
    // What the server says now: a change of state marks or clears the documents and tells VS Code.
    const reconcile = (exists: boolean): void => {
      const changed = exists ? this.deletedNodes.markPresent(connection, path, this.urisOf(address)) : this.deletedNodes.markDeleted(connection, path, this.urisOf(address));
      if (changed) this.fireForNode(address, exists ? vscode.FileChangeType.Created : vscode.FileChangeType.Deleted);
    };
    const disarm = (): void => {
      if (this.armed.get(node) === client) this.armed.delete(node);
    };
    // Each arming also reads whether the node exists: a deletion or re-creation between a watch event
    // and the next arming (when no watch was set) is seen by that answer.
    const arm = (): void => {
      client.exists(path, listener).then((stat) => this.armed.get(node) === client && reconcile(stat !== undefined), disarm);
    };
    const listener = (event: { type: string }): void => {
      if (event.type === 'deleted') reconcile(false);
      else if (event.type === 'created') reconcile(true);
      if (this.armed.get(node) !== client) return;
      if (!this.hasOpenDocument(node)) return disarm();
      arm();
    };
    arm();
  }

  /**
   * A watch saw the node change on the server: its open views reload when they have no unsaved
   * changes; a dirty one keeps the user's text and meets the conflict flow on save.
   */
  notifyServerChange(connection: string, path: string): void {
    if (!this.served.has(`${connection}\u0000${path}`)) return;
    this.fireForNode({ connection, path, view: 'text', node: false }, vscode.FileChangeType.Changed);
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
