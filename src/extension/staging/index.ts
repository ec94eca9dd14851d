import * as vscode from 'vscode';
import { classifyData } from '../../zk/codecs';
import { isZkError } from '../../zk/errors';
import { walkSubtree } from '../../zk/subtree';
import { commitChanges, type CommitOutcome, type StagedChange } from '../../zk/transfer/staged';
import { COMMANDS } from '../commandIds';
import type { CreateRequest } from '../commands/createNode';
import { isAutomationCall, registerCommand } from '../commands/registerCommand';
import { asArgs } from '../commands/resolve';
import type { ConnectionManager } from '../connections/connectionManager';
import type { ZkConnection } from '../connections/zkConnection';
import { UserError } from '../errors';
import { documentUri, nodeUri } from '../fs/documentAddress';
import type { Logger } from '../logging';
import { stagingHook, type StagingHook } from './hook';

export const STAGED_SCHEME = 'zookeeper-staged';
const SETTING = 'stagedEditing';

/** A staged change with its place in the view: staged (goes into the commit) or held back (kept, not committed). */
interface Entry {
  change: StagedChange;
  staged: boolean;
}

/** The server side of a staged change, as the diff and the gutter show it: `zookeeper-staged://<connection><path>`. */
function serverUri(connection: string, path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: STAGED_SCHEME, authority: connection, path });
}

function asText(data: Uint8Array): string {
  const kind = classifyData(data);
  return kind.kind === 'text' ? kind.text : vscode.l10n.t('({0} bytes of binary data)', data.length);
}

export interface CommitCommandResult {
  connection: string;
  applied: boolean;
  results: CommitOutcome['results'];
  conflict?: { path: string; code: string };
}

/** What a resource in the view carries, for its commands. */
class ChangeResource implements vscode.SourceControlResourceState {
  readonly resourceUri: vscode.Uri;
  readonly command: vscode.Command;
  readonly decorations: vscode.SourceControlResourceDecorations;
  readonly contextValue: string;
  constructor(
    readonly connection: string,
    readonly entry: Entry,
  ) {
    const { change } = entry;
    this.resourceUri = change.kind === 'delete' ? nodeUri(connection, change.path) : documentUri(connection, change.path);
    const label =
      change.kind === 'set'
        ? vscode.l10n.t('Modified')
        : change.kind === 'create'
          ? vscode.l10n.t('Created')
          : change.nodes.length > 1
            ? vscode.l10n.t('Deleted with {0} below it', change.nodes.length - 1)
            : vscode.l10n.t('Deleted');
    this.decorations = { strikeThrough: change.kind === 'delete', tooltip: vscode.l10n.t('{0}: {1} (staged, not yet written)', label, change.path), faded: !entry.staged };
    this.contextValue = entry.staged ? 'staged' : 'heldBack';
    this.command = { command: COMMANDS.openStagedChange, title: vscode.l10n.t('Open Changes'), arguments: [this] };
  }
}

/**
 * Staged editing: per connection, a "ZooKeeper Changes" source control (VS Code's SCM view) that lists
 * the changes saving, creating and deleting made instead of writing, while `zookeeper.stagedEditing`
 * is on. Each has a diff against the server (and gutter marks in open editors, through the quick diff
 * provider); Commit applies every staged change as one multi, each checked against the version seen
 * when it was staged: all or nothing.
 */
class StagingService implements StagingHook, vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly entries = new Map<string, Map<string, Entry>>();
  private readonly controls = new Map<string, { control: vscode.SourceControl; staged: vscode.SourceControlResourceGroup; held: vscode.SourceControlResourceGroup }>();
  private readonly changedEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changedEmitter.event;
  /**
   * Per node, the version our last commit left: an editor that showed the staged text holds exactly
   * that, though the fs provider recorded the version it read before (its re-read follows the commit
   * asynchronously). A later save of it is checked against this version, not the older one.
   */
  private readonly committed = new Map<string, number>();

  constructor(
    private readonly connections: ConnectionManager,
    private readonly log: Logger,
    /** Tells open editors of a node that what they show changed (the fs provider re-reads it). */
    private readonly refreshDocuments: (connection: string, path: string) => void,
  ) {}

  get enabled(): boolean {
    return vscode.workspace.getConfiguration('zookeeper').get<boolean>(SETTING, false);
  }

  dispose(): void {
    for (const { control } of this.controls.values()) control.dispose();
    this.changedEmitter.dispose();
  }

  list(connection: string): Entry[] {
    return [...(this.entries.get(connection)?.values() ?? [])];
  }

  // ---- the hook ----

  async stageSave(connection: string, path: string, data: Uint8Array, readVersion: number | undefined): Promise<boolean> {
    const existing = this.entries.get(connection)?.get(path);
    if (!this.enabled && !existing) return false;
    const bytes = Buffer.from(data);
    if (existing?.change.kind === 'create') {
      existing.change.data = bytes;
    } else if (existing?.change.kind === 'set') {
      existing.change.data = bytes;
      // Saved back to what the server holds: nothing left to commit.
      if (existing.change.baseData.equals(bytes)) this.entries.get(connection)!.delete(path);
    } else {
      const client = await this.connections.require(connection).connect();
      const { data: current, stat } = await client.get(path);
      if (current.equals(bytes)) return true;
      const ours = this.committed.get(`${connection}\u0000${path}`);
      const base = ours !== undefined && (readVersion === undefined || readVersion < ours) ? ours : readVersion;
      this.put(connection, { kind: 'set', path, data: bytes, baseVersion: base ?? stat.version, baseData: current });
    }
    this.log.info(`staged the save of ${connection}:${path} (${bytes.length} bytes); not written until Commit`);
    this.changed(connection, path);
    return true;
  }

  stagedPathsUnder(connection: string, path: string): string[] {
    const prefix = path === '/' ? '/' : `${path}/`;
    return [...(this.entries.get(connection)?.keys() ?? [])].filter((p) => p === path || p.startsWith(prefix)).sort();
  }

  stagedData(connection: string, path: string): Uint8Array | undefined {
    const change = this.entries.get(connection)?.get(path)?.change;
    return change && change.kind !== 'delete' ? change.data : undefined;
  }

  async stageCreate(connection: ZkConnection, request: CreateRequest): Promise<{ staged: true; path: string } | undefined> {
    if (!this.enabled) return undefined;
    // A sequential or ephemeral node's name or life is decided when it is created: made at once, as the README says.
    if (request.mode !== 'persistent' && request.mode !== 'container' && request.mode !== 'ttl') return undefined;
    if (this.entries.get(connection.name)?.has(request.path)) throw new UserError(vscode.l10n.t('{0} already has a staged change; discard it first.', request.path));
    const client = await connection.connect();
    if (await client.exists(request.path)) throw new UserError(vscode.l10n.t('Could not stage the creation of "{0}": it already exists.', request.path));
    this.put(connection.name, { kind: 'create', path: request.path, data: Buffer.from(request.data), mode: request.mode, ...(request.ttlMs !== undefined ? { ttlMs: request.ttlMs } : {}) });
    this.log.info(`staged the creation of ${connection.name}:${request.path}`);
    this.changed(connection.name, request.path);
    return { staged: true, path: request.path };
  }

  async stageDelete(connection: ZkConnection, path: string, recursive: boolean): Promise<{ staged: true; path: string; nodes: number } | undefined> {
    if (!this.enabled) return undefined;
    if (this.entries.get(connection.name)?.get(path)?.change.kind === 'create') {
      // Deleting a node that exists only as a staged creation: the creation goes.
      this.entries.get(connection.name)!.delete(path);
      this.changed(connection.name, path);
      return { staged: true, path, nodes: 0 };
    }
    const client = await connection.connect();
    const { data, stat } = await client.get(path);
    let nodes = [{ path, version: stat.version }];
    if (stat.numChildren > 0) {
      if (!recursive) throw new UserError(vscode.l10n.t('"{0}" has children: stage its deletion with its subtree (recursive), or delete them first.', path));
      const walk = await walkSubtree(client, path);
      const versions = await Promise.all(walk.paths.map(async (p) => ({ path: p, version: (await client.exists(p))?.version ?? 0 })));
      nodes = versions.reverse();
    }
    this.put(connection.name, { kind: 'delete', path, nodes, baseData: data });
    this.log.info(`staged the deletion of ${connection.name}:${path}${nodes.length > 1 ? ` and ${nodes.length - 1} nodes below it` : ''}`);
    this.changed(connection.name, path);
    return { staged: true, path, nodes: nodes.length };
  }

  // ---- the view ----

  provideTextDocumentContent(uri: vscode.Uri): string {
    const change = this.entries.get(uri.authority)?.get(uri.path)?.change;
    // A diff left open after a commit or discard, or the address of one from another window: an empty side would say nothing.
    if (!change) return `${vscode.l10n.t('Nothing is staged for {0} on {1}: staged changes are kept only in the window that staged them, and a reload discards them. Edit the node again to stage a change.', uri.path, uri.authority)}\n`;
    if (change.kind === 'create') return uri.query === 'staged' ? asText(change.data) : '';
    if (change.kind === 'delete') return uri.query === 'staged' ? '' : asText(change.baseData);
    return asText(uri.query === 'staged' ? change.data : change.baseData);
  }

  private put(connection: string, change: StagedChange): void {
    let map = this.entries.get(connection);
    if (!map) this.entries.set(connection, (map = new Map<string, Entry>()));
    map.set(change.path, { change, staged: true });
  }

  private control(connection: string): { control: vscode.SourceControl; staged: vscode.SourceControlResourceGroup; held: vscode.SourceControlResourceGroup } {
    let entry = this.controls.get(connection);
    if (!entry) {
      // No root URI: VS Code asks a source control's quick diff only for documents under its root, and
      // "under" includes an equal query string, which a node's document (zk://c/p?view=text) never
      // shares with a root. Without a root every document is asked, and the provider answers for its
      // own connection's staged nodes only (the gutter then marks staged lines as Git does).
      const control = vscode.scm.createSourceControl('zookeeper', vscode.l10n.t('ZooKeeper Changes: {0}', connection));
      control.inputBox.placeholder = vscode.l10n.t('Commit the staged changes to {0} as one transaction', connection);
      control.inputBox.visible = false;
      control.acceptInputCommand = { command: COMMANDS.commitStaged, title: vscode.l10n.t('Commit'), arguments: [{ connection }] };
      control.quickDiffProvider = {
        provideOriginalResource: (uri) => (uri.scheme === 'zk' && uri.authority === connection && this.stagedData(connection, uri.path) !== undefined ? serverUri(connection, uri.path) : undefined),
      };
      const staged = control.createResourceGroup('staged', 'Staged');
      const held = control.createResourceGroup('heldBack', vscode.l10n.t('Held Back (not committed)'));
      staged.hideWhenEmpty = false;
      held.hideWhenEmpty = true;
      entry = { control, staged, held };
      this.controls.set(connection, entry);
    }
    return entry;
  }

  /** The connection a source control of this service stands for (VS Code passes the control to its title-bar commands). */
  connectionOf(control: unknown): string | undefined {
    for (const [connection, entry] of this.controls) if (entry.control === control) return connection;
    return undefined;
  }

  /** Redraws the connection's view and the editors of the node. */
  changed(connection: string, path?: string): void {
    const { control, staged, held } = this.control(connection);
    const all = this.list(connection).sort((a, b) => (a.change.path < b.change.path ? -1 : 1));
    staged.resourceStates = all.filter((e) => e.staged).map((e) => new ChangeResource(connection, e));
    held.resourceStates = all.filter((e) => !e.staged).map((e) => new ChangeResource(connection, e));
    control.count = staged.resourceStates.length;
    if (path !== undefined) {
      this.changedEmitter.fire(serverUri(connection, path));
      this.changedEmitter.fire(serverUri(connection, path).with({ query: 'staged' }));
      this.refreshDocuments(connection, path);
    }
  }

  drop(connection: string, path: string): void {
    this.entries.get(connection)?.delete(path);
    this.changed(connection, path);
  }

  setStaged(connection: string, path: string, staged: boolean): void {
    const entry = this.entries.get(connection)?.get(path);
    if (!entry) return;
    entry.staged = staged;
    this.changed(connection);
  }

  async commit(connection: ZkConnection): Promise<CommitOutcome> {
    if (connection.readOnly) throw new UserError(vscode.l10n.t('{0} is read-only: nothing was committed.', connection.name));
    const staged = this.list(connection.name).filter((e) => e.staged);
    if (staged.length === 0) return { applied: true, results: [] };
    const client = await connection.connect();
    const outcome = await commitChanges(client, staged.map((e) => e.change));
    if (outcome.applied) {
      for (const result of outcome.results) if (result.version !== undefined) this.committed.set(`${connection.name}\u0000${result.path}`, result.version);
      for (const entry of staged) this.entries.get(connection.name)!.delete(entry.change.path);
      this.log.info(`committed ${staged.length} staged change(s) to ${connection.name} in one transaction (${outcome.results.length} operations)`);
      for (const entry of staged) this.changed(connection.name, entry.change.path);
      this.changed(connection.name);
    } else {
      this.log.warn(`commit to ${connection.name} refused by the server at ${outcome.conflict?.path} (${outcome.conflict?.code}); nothing was applied`);
    }
    return outcome;
  }

  /** A conflicting change, re-based on what the server holds now (the staged data stays the user's). */
  async refresh(connection: ZkConnection, path: string): Promise<void> {
    const entry = this.entries.get(connection.name)?.get(path);
    if (!entry) return;
    const client = await connection.connect();
    const change = entry.change;
    if (change.kind === 'set') {
      try {
        const { data, stat } = await client.get(path);
        entry.change = { ...change, baseVersion: stat.version, baseData: data };
      } catch (error) {
        if (!isZkError(error, 'NONODE')) throw error;
        // Deleted on the server meanwhile: saving it again means creating it.
        entry.change = { kind: 'create', path, data: change.data, mode: 'persistent' };
      }
    } else if (change.kind === 'delete') {
      const nodes = await Promise.all(change.nodes.map(async (node) => ({ node, stat: await client.exists(node.path) })));
      const present = nodes.filter((n) => n.stat !== undefined).map((n) => ({ path: n.node.path, version: n.stat!.version }));
      if (present.length === 0) this.entries.get(connection.name)!.delete(path);
      else entry.change = { ...change, nodes: present };
    } else if (await client.exists(path)) {
      const { stat } = await client.get(path);
      entry.change = { kind: 'set', path, data: change.data, baseVersion: stat.version, baseData: (await client.get(path)).data };
    }
    this.changed(connection.name, path);
  }
}

/** The changes a command acts on: rows of the view (one, or the selection), or from automation { connection, path }. */
function targetsOf(argv: readonly unknown[]): { connection: string; path: string }[] {
  const rows = argv.flat().filter((x): x is ChangeResource => x instanceof ChangeResource);
  if (rows.length > 0) return rows.map((r) => ({ connection: r.connection, path: r.entry.change.path }));
  const args = asArgs(argv[0]);
  if (args && typeof args.connection === 'string' && typeof args.path === 'string') return [{ connection: args.connection, path: args.path }];
  throw new UserError('Pass a change from the ZooKeeper Changes view, or { connection, path }.');
}

/** Staged editing, its view and commands; installs the hook saving, creating and deleting consult. */
export function registerStaging(
  context: vscode.ExtensionContext,
  log: Logger,
  connections: ConnectionManager,
  fileSystem: { staging?: StagingHook; notifyServerChange(connection: string, path: string): void },
): { documents: vscode.TextDocumentContentProvider } {
  const stagingLog = log.scoped('staging');
  const service = new StagingService(connections, stagingLog, (connection, path) => fileSystem.notifyServerChange(connection, path));
  context.subscriptions.push(service, vscode.workspace.registerTextDocumentContentProvider(STAGED_SCHEME, service));
  fileSystem.staging = service;
  stagingHook.current = service;
  context.subscriptions.push({
    dispose: () => {
      fileSystem.staging = undefined;
      stagingHook.current = undefined;
    },
  });

  registerCommand(context.subscriptions, stagingLog, COMMANDS.commitStaged, async (...argv: unknown[]): Promise<CommitCommandResult | undefined> => {
    const arg = argv[0];
    const args = isAutomationCall(argv) ? asArgs(arg) : undefined;
    // From the view's title bar VS Code passes the SourceControl itself.
    const control = arg as { connection?: unknown } | undefined;
    const named = args?.connection ?? control?.connection ?? service.connectionOf(arg);
    let connection: ZkConnection;
    if (typeof named === 'string') connection = connections.require(named);
    else {
      const withChanges = connections.list().filter((c) => service.list(c.name).some((e) => e.staged));
      if (withChanges.length === 0) throw new UserError(vscode.l10n.t('There are no staged changes to commit.'));
      connection = withChanges[0];
    }
    const outcome = await service.commit(connection);
    const result: CommitCommandResult = {
      connection: connection.name,
      applied: outcome.applied,
      results: outcome.results,
      ...(outcome.conflict ? { conflict: { path: outcome.conflict.path, code: outcome.conflict.code } } : {}),
    };
    if (args) return result;
    if (outcome.applied) {
      void vscode.window.showInformationMessage(
        outcome.results.length === 1
          ? vscode.l10n.t('Committed 1 operation to {0} in one transaction.', connection.name)
          : vscode.l10n.t('Committed {0} operations to {1} in one transaction.', outcome.results.length, connection.name),
      );
      return result;
    }
    const conflict = outcome.conflict!;
    const message =
      conflict.code === 'BADVERSION'
        ? vscode.l10n.t('Nothing was committed: {0} changed on the server since you staged it. The commit is all or nothing.', conflict.path)
        : conflict.code === 'NODEEXISTS'
          ? vscode.l10n.t('Nothing was committed: {0} was created on the server meanwhile. The commit is all or nothing.', conflict.path)
          : conflict.code === 'NONODE'
            ? vscode.l10n.t('Nothing was committed: {0} was deleted on the server (or its parent is missing). The commit is all or nothing.', conflict.path)
            : vscode.l10n.t('Nothing was committed: {0} was refused ({1}). The commit is all or nothing.', conflict.path, conflict.code);
    const refresh = vscode.l10n.t('Refresh This Change');
    const showDiff = vscode.l10n.t('Show Diff');
    const choice = await vscode.window.showWarningMessage(message, refresh, showDiff);
    if (choice === refresh) await service.refresh(connection, conflict.change.path);
    else if (choice === showDiff) await vscode.commands.executeCommand('vscode.diff', serverUri(connection.name, conflict.change.path), serverUri(connection.name, conflict.change.path).with({ query: 'staged' }));
    return result;
  });

  registerCommand(context.subscriptions, stagingLog, COMMANDS.openStagedChange, async (...argv: unknown[]) => {
    const [{ connection, path }] = targetsOf(argv);
    const change = service.list(connection).find((e) => e.change.path === path)?.change;
    if (!change) throw new UserError(vscode.l10n.t('{0} has no staged change on {1}.', path, connection));
    const server = serverUri(connection, path);
    const right = change.kind === 'set' ? documentUri(connection, path) : server.with({ query: 'staged' });
    await vscode.commands.executeCommand('vscode.diff', server, right, vscode.l10n.t('{0} (server ↔ staged)', path), { preview: true });
  });
  registerCommand(context.subscriptions, stagingLog, COMMANDS.unstageChange, (...argv: unknown[]) => {
    for (const t of targetsOf(argv)) service.setStaged(t.connection, t.path, false);
  });
  registerCommand(context.subscriptions, stagingLog, COMMANDS.stageChange, (...argv: unknown[]) => {
    for (const t of targetsOf(argv)) service.setStaged(t.connection, t.path, true);
  });
  registerCommand(context.subscriptions, stagingLog, COMMANDS.discardChange, async (...argv: unknown[]) => {
    const list = targetsOf(argv);
    if (!isAutomationCall(argv)) {
      const discard = vscode.l10n.t('Discard');
      const answer = await vscode.window.showWarningMessage(
        list.length === 1 ? vscode.l10n.t('Discard the staged change to {0}? The server is not touched.', list[0].path) : vscode.l10n.t('Discard {0} staged changes? The server is not touched.', list.length),
        { modal: true },
        discard,
      );
      if (answer !== discard) return;
    }
    for (const t of list) service.drop(t.connection, t.path);
  });
  registerCommand(context.subscriptions, stagingLog, COMMANDS.refreshStagedChange, async (...argv: unknown[]) => {
    for (const t of targetsOf(argv)) await service.refresh(connections.require(t.connection), t.path);
  });
  /** For automation and tests: what is staged, per connection. */
  registerCommand(context.subscriptions, stagingLog, COMMANDS.listStaged, (arg?: unknown) => {
    const named = asArgs(arg)?.connection;
    const names = typeof named === 'string' ? [connections.require(named).name] : connections.list().map((c) => c.name);
    return names.flatMap((connection) =>
      service.list(connection).map((e) => ({ connection, path: e.change.path, kind: e.change.kind, staged: e.staged, ...(e.change.kind === 'delete' ? { nodes: e.change.nodes.length } : {}) })),
    );
  });
  return { documents: service };
}
