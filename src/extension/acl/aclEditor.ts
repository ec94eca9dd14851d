import * as vscode from 'vscode';
import { digestId } from '../../zk/acl';
import { errorMessage, isZkError } from '../../zk/errors';
import { authenticatedIdentities, effectivePermissions, locksOut } from '../../zk/acl/effective';
import { formatIdentity, type SessionIdentities } from '../../zk/acl/identities';
import { formatEntry, isRedactedDigest, normalizePerms, sameAcl, validateAcl, type AclEntry } from '../../zk/acl/model';
import { readAcl } from '../../zk/acl/setAcl';
import type { ConnectionManager } from '../connections/connectionManager';
import type { ZkConnection } from '../connections/zkConnection';
import type { Logger } from '../logging';
import { applyAcl, describeReport, identitiesOf } from './apply';
import { webviewHtml } from '../webviewHtml';
import { webviewL10nBlock, webviewLang } from '../webviewL10n';

/** The view type of the ACL editor's webview panels. */
export const ACL_EDITOR_VIEW_TYPE = 'zookeeper.aclEditor';

/** What the form shows below the rows: problems, the change, and who may do what before and after. */
export interface AclAnalysis {
  problem?: string;
  warnings: string[];
  lockout: boolean;
  /** One line per entry: '+' added, '-' removed, '~' permissions changed, ' ' unchanged. */
  preview: { mark: '+' | '-' | '~' | ' '; text: string }[];
  unchanged: boolean;
  who: { identity: string; now: string; after: string }[];
}

/** Pure: everything the form says about an edited ACL compared with the one read. */
export function analyze(read: readonly AclEntry[], edited: readonly AclEntry[], session: SessionIdentities): AclAnalysis {
  const key = (e: AclEntry): string => `${e.scheme}:${e.id}`;
  const before = new Map(read.map((e) => [key(e), e]));
  const after = new Map(edited.map((e) => [key(e), e]));
  const preview: AclAnalysis['preview'] = [];
  for (const entry of edited) {
    const old = before.get(key(entry));
    const text = formatEntry(entry);
    if (!old) preview.push({ mark: '+', text });
    else if (normalizePerms(old.perms) !== normalizePerms(entry.perms)) preview.push({ mark: '~', text: vscode.l10n.t('{0} (was {1})', text, normalizePerms(old.perms) || vscode.l10n.t('nothing')) });
    else preview.push({ mark: ' ', text });
  }
  for (const entry of read) if (!after.has(key(entry))) preview.push({ mark: '-', text: formatEntry(entry) });
  const problem = edited.find(isRedactedDigest)
    ? vscode.l10n.t('A digest id reads "user:x": the server withheld its hash. Replace it with the real id (the generator below makes one).')
    : validateAcl(edited);
  const warnings: string[] = [];
  if (edited.some((e) => e.scheme === 'auth') && authenticatedIdentities(session).length === 0) {
    warnings.push(vscode.l10n.t('"auth" stands for the identities this session authenticated as, and it has none: the server would refuse it. Set credentials on the connection first, or use a digest entry.'));
  }
  const lockout = !problem && locksOut(edited, session);
  if (lockout) warnings.push(vscode.l10n.t('None of your identities keeps ADMIN (a): after applying, you could not change this ACL again — only a super user could.'));
  if (session.source === 'derived' && session.note) warnings.push(session.note);
  const now = effectivePermissions(read, session);
  const later = effectivePermissions(edited, session);
  const who = now.map((row, i) => ({ identity: row.identity.scheme === 'world' ? 'anyone' : formatIdentity(row.identity), now: row.perms, after: later[i].perms }));
  return { problem, warnings, lockout, preview, unchanged: sameAcl(read, edited), who };
}

type FromWebview =
  | { type: 'ready' }
  | { type: 'edit'; acl: AclEntry[] }
  | { type: 'apply'; acl: AclEntry[]; scope: 'node' | 'subtree'; aversion?: number }
  | { type: 'reload' }
  | { type: 'digest'; user: string; password: string };

function isEntryList(value: unknown): value is AclEntry[] {
  return Array.isArray(value) && value.every((e) => typeof e === 'object' && e !== null && ['scheme', 'id', 'perms'].every((k) => typeof (e as Record<string, unknown>)[k] === 'string'));
}

/** One editor: one node's ACL as it was read, the session's identities, and the form. */
class AclEditorPanel implements vscode.Disposable {
  private read: { acl: AclEntry[]; aversion: number } | undefined;
  private session: SessionIdentities | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  private readonly readyPromise: Promise<void>;
  private markReady: () => void = () => undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly connection: ZkConnection,
    readonly path: string,
    private readonly mediaRoot: vscode.Uri,
    private readonly log: Logger,
    onDispose: () => void,
  ) {
    this.readyPromise = new Promise((resolve) => (this.markReady = resolve));
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: FromWebview) => void this.receive(message).catch((error: unknown) => this.post({ type: 'error', message: errorMessage(error) }))),
      panel.onDidDispose(() => {
        this.disposed = true;
        onDispose();
        for (const d of this.disposables.splice(0)) d.dispose();
      }),
    );
  }

  /** Reads the ACL and identities, then fills the form (after the webview's script said it is ready). */
  async load(): Promise<{ aversion: number; readOnly: boolean }> {
    const client = await this.connection.connect();
    const [read, session] = await Promise.all([readAcl(client, this.path), identitiesOf(this.connection)]);
    this.read = read;
    this.session = session;
    const redacted = read.acl.filter(isRedactedDigest);
    const readOnlyReason =
      redacted.length > 0
        ? redacted.length === 1
          ? vscode.l10n.t('Read-only: the server hid the digest id ({0}) because this session has no ADMIN on {1}. Written back, it would lock that user out, so this ACL cannot be changed from here. Authenticate as a user with ADMIN to edit it.', redacted[0].id, this.path)
          : vscode.l10n.t('Read-only: the server hid the digest ids ({0}) because this session has no ADMIN on {1}. Written back, they would lock those users out, so this ACL cannot be changed from here. Authenticate as a user with ADMIN to edit it.', redacted.map((e) => e.id).join(', '), this.path)
        : undefined;
    await this.readyPromise;
    await this.post({
      type: 'load',
      connection: this.connection.name,
      path: this.path,
      acl: read.acl,
      aversion: read.aversion,
      readOnlyReason,
      identities: session.identities.map(formatIdentity),
      identitySource: session.source,
      analysis: analyze(read.acl, read.acl, session),
    });
    return { aversion: read.aversion, readOnly: readOnlyReason !== undefined };
  }

  /**
   * A restored editor whose connection is not up: it says so and offers a button that connects and
   * reads (the 'reload' message), rather than connecting at startup on its own.
   */
  async showNotConnected(): Promise<void> {
    await this.readyPromise;
    await this.post({
      type: 'notConnected',
      connection: this.connection.name,
      path: this.path,
      message: vscode.l10n.t('This editor was open when the window closed. "{0}" is not connected yet: connect to read the ACL of {1} as it is now.', this.connection.name, this.path),
    });
  }

  private post(message: Record<string, unknown>): Thenable<boolean> {
    if (this.disposed) return Promise.resolve(false);
    return this.panel.webview.postMessage(message);
  }

  private async receive(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.markReady();
        return;
      case 'edit':
        if (!this.read || !this.session || !isEntryList(message.acl)) return;
        await this.post({ type: 'analysis', analysis: analyze(this.read.acl, message.acl, this.session) });
        return;
      case 'digest': {
        // Computed here and sent back as the id only; the password lives in no state, setting or log.
        const user = String(message.user ?? '').trim();
        const password = String(message.password ?? '');
        if (!user || user.includes(':') || !password) {
          await this.post({ type: 'digestId', error: vscode.l10n.t('Enter a user name (without ":") and a password.') });
          return;
        }
        await this.post({ type: 'digestId', id: digestId(user, password) });
        return;
      }
      case 'reload':
        await this.load();
        await this.post({ type: 'status', message: vscode.l10n.t('Reloaded the ACL of {0} (version {1}).', this.path, this.read?.aversion ?? '?') });
        return;
      case 'apply':
        if (isEntryList(message.acl)) await this.apply(message.acl, message.scope === 'subtree', message.aversion);
        return;
    }
  }

  private async apply(acl: AclEntry[], recursive: boolean, aversion: number | undefined): Promise<void> {
    if (!this.read) return;
    const client = await this.connection.connect();
    if (recursive) {
      // Count first: the question says how many nodes it touches.
      const below = await client.getAllChildrenNumber(this.path).catch(() => undefined);
      const applyToSubtree = vscode.l10n.t('Apply to Subtree');
      const answer = await vscode.window.showWarningMessage(
        below === undefined
          ? vscode.l10n.t('Set this ACL on {0} and all its descendants?', this.path)
          : below === 1
            ? vscode.l10n.t('Set this ACL on {0} and its {1} descendant?', this.path, below)
            : vscode.l10n.t('Set this ACL on {0} and its {1} descendants?', this.path, below),
        { modal: true, detail: vscode.l10n.t('Each node gets exactly: {0}. Nodes you may not change are listed afterwards.', acl.map(formatEntry).join(', ')) },
        applyToSubtree,
      );
      if (answer !== applyToSubtree) {
        await this.post({ type: 'status', message: vscode.l10n.t('Nothing was applied.') });
        return;
      }
    }
    try {
      const report = await applyAcl(this.connection, { path: this.path, acl, recursive, aversion: aversion ?? this.read.aversion, confirmLockout: false }, true);
      await this.load();
      const text = describeReport(report);
      await this.post({ type: 'applied', message: text, failed: report.failed });
      if (report.failed.length > 0) void vscode.window.showWarningMessage(`${this.connection.name}: ${text}`);
    } catch (error) {
      if (error instanceof vscode.CancellationError) {
        await this.post({ type: 'status', message: vscode.l10n.t('Nothing was applied.') });
        return;
      }
      if (isZkError(error, 'ACLCONFLICT')) {
        await this.post({ type: 'conflict', message: error.message, theirs: error.details.theirs, mine: error.details.mine, aversion: error.details.aversion });
        return;
      }
      this.log.warn(`apply ACL ${this.connection.name}:${this.path}: ${errorMessage(error)}`);
      await this.post({ type: 'error', message: errorMessage(error) });
    }
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    this.panel.dispose();
  }

  private html(): string {
    return webviewHtml(this.panel.webview, {
      lang: webviewLang(),
      title: vscode.l10n.t('ACL'),
      body: `<main id="app" aria-busy="true"><p>${vscode.l10n.t('Reading the ACL…')}</p></main>`,
      l10n: webviewL10nBlock('aclEditor'),
      script: vscode.Uri.joinPath(this.mediaRoot, 'editor.js'),
      style: { file: vscode.Uri.joinPath(this.mediaRoot, 'editor.css') },
    });
  }
}

/** The open ACL editors, one per node (opening it again reveals it). */
export class AclEditorPanels implements vscode.Disposable {
  private readonly panels = new Map<string, AclEditorPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Logger,
  ) {}

  /** Opens (or reveals) the editor of one node; returns what was read. */
  async open(connection: ZkConnection, path: string): Promise<{ connection: string; path: string; aversion: number; readOnly: boolean }> {
    const key = `${connection.name}\u0000${path}`;
    let editor = this.panels.get(key);
    if (editor) {
      editor.reveal();
    } else {
      const mediaRoot = vscode.Uri.joinPath(this.extensionUri, 'media', 'acl');
      const panel = vscode.window.createWebviewPanel(ACL_EDITOR_VIEW_TYPE, `ACL ${path} (${connection.name})`, vscode.ViewColumn.Active, {
        enableScripts: true,
        localResourceRoots: [mediaRoot],
        retainContextWhenHidden: true,
      });
      editor = new AclEditorPanel(panel, connection, path, mediaRoot, this.log, () => this.panels.delete(key));
      this.panels.set(key, editor);
    }
    const loaded = await editor.load();
    return { connection: connection.name, path, ...loaded };
  }

  /**
   * An editor VS Code restored after a reload (the ACL feature's WebviewPanelSerializer): its webview kept
   * only the node's address (setState in media/acl/editor.js). It reads the node's ACL as it is now when
   * the connection is up, and otherwise shows a placeholder with a button that connects and reads.
   */
  revive(panel: vscode.WebviewPanel, state: unknown, connections: ConnectionManager): Promise<void> {
    const saved = (typeof state === 'object' && state !== null ? state : {}) as { connection?: unknown; path?: unknown };
    const connection = typeof saved.connection === 'string' ? connections.get(saved.connection) : undefined;
    if (!connection || typeof saved.path !== 'string' || !saved.path.startsWith('/')) {
      // Nothing to show: a connection removed since, or a panel from before the address was kept.
      this.log.info(`ACL editor not restored: ${typeof saved.connection === 'string' ? `no connection named ${saved.connection}` : 'no node address was kept'}`);
      panel.dispose();
      return Promise.resolve();
    }
    const path = saved.path;
    const key = `${connection.name}\u0000${path}`;
    const mediaRoot = vscode.Uri.joinPath(this.extensionUri, 'media', 'acl');
    panel.webview.options = { enableScripts: true, localResourceRoots: [mediaRoot] };
    this.panels.get(key)?.dispose();
    const editor = new AclEditorPanel(panel, connection, path, mediaRoot, this.log, () => this.panels.delete(key));
    this.panels.set(key, editor);
    // Not awaited: VS Code shows the restored webview (and delivers its "ready") only once this returns.
    const fill = async (): Promise<void> => {
      if (connection.status !== 'connected') return editor.showNotConnected();
      try {
        await editor.load();
      } catch (error) {
        this.log.warn(`restoring the ACL editor of ${connection.name}:${path}: ${errorMessage(error)}`);
        await editor.showNotConnected();
      }
    };
    void fill();
    return Promise.resolve();
  }

  /** The open editors (for tests): connection and path of each. */
  list(): { connection: string; path: string }[] {
    return [...this.panels.values()].map((p) => ({ connection: p.connection.name, path: p.path }));
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.dispose();
    this.panels.clear();
  }
}
