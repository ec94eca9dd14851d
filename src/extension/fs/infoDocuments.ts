import * as vscode from 'vscode';
import { formatAcl, formatPerms, Perm, type ZkAcl } from '../../zk/acl';
import { formatHex64, isEphemeral, type ZnodeStat } from '../../zk/stat';
import type { ConnectionManager } from '../connections/connectionManager';
import { UserError } from '../errors';
import { waitUntil } from '../waitUntil';

export const INFO_SCHEME = 'zk-info';

export type InfoKind = 'stat' | 'acl';

const LABEL: Record<InfoKind, string> = { stat: 'Stat', acl: 'ACL' };

/**
 * zk-info://<connection>/<path> (Stat)?kind=stat — the tab reads "app (Stat)"; the query says which
 * document, the path suffix is only for the tab's label.
 */
export function infoUri(connection: string, path: string, kind: InfoKind): vscode.Uri {
  return vscode.Uri.from({ scheme: INFO_SCHEME, authority: connection, path: `${path} (${LABEL[kind]})`, query: `kind=${kind}` });
}

export function parseInfoUri(uri: vscode.Uri): { connection: string; path: string; kind: InfoKind } {
  const kind = new URLSearchParams(uri.query).get('kind');
  if (kind !== 'stat' && kind !== 'acl') throw new UserError(vscode.l10n.t('"{0}" is not a ZooKeeper Stat or ACL document.', uri.toString()));
  const suffix = ` (${LABEL[kind]})`;
  const path = uri.path.endsWith(suffix) ? uri.path.slice(0, -suffix.length) : uri.path;
  return { connection: uri.authority, path: path || '/', kind };
}

function utc(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC');
}

/** A zxid is epoch (high 32 bits) and counter (low 32 bits). */
function describeZxid(zxid: bigint): string {
  if (zxid === 0n) return vscode.l10n.t('none');
  return vscode.l10n.t('epoch {0}, counter {1}', (zxid >> 32n).toString(), (zxid & 0xffffffffn).toString());
}

function row(name: string, value: string, note: string): string {
  return `${name.padEnd(16)}${value.padEnd(28)}${note}`;
}

/** The sentence for one, or for any other count (its {0}): each a whole sentence, so a translation can reorder it. */
function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : many.replace('{0}', String(count));
}

/** Every field of a Stat, zxids in hex, dates readable, and what the ephemeral owner means. */
export function renderStat(connection: string, path: string, stat: ZnodeStat, ownSessionId?: bigint): string {
  const session = formatHex64(stat.ephemeralOwner);
  const owner = !isEphemeral(stat)
    ? vscode.l10n.t('none: not ephemeral (persistent, container or TTL node)')
    : ownSessionId !== undefined && ownSessionId === stat.ephemeralOwner
      ? vscode.l10n.t("ephemeral: owned by session {0} (this window's session); it goes when that session ends", session)
      : vscode.l10n.t('ephemeral: owned by session {0}; it goes when that session ends', session);
  // Field names (czxid…) stay as ZooKeeper spells them: they are what zkCli and the docs show.
  return [
    vscode.l10n.t('Stat of "{0}" on {1}', path, connection),
    vscode.l10n.t('read at {0}', utc(Date.now())),
    '',
    row('czxid', formatHex64(stat.czxid), vscode.l10n.t('created by transaction {0}', describeZxid(stat.czxid))),
    row('mzxid', formatHex64(stat.mzxid), vscode.l10n.t('last data change: transaction {0}', describeZxid(stat.mzxid))),
    row('pzxid', formatHex64(stat.pzxid), vscode.l10n.t('last change to its children: transaction {0}', describeZxid(stat.pzxid))),
    row('ctime', String(stat.ctime), vscode.l10n.t('created {0}', utc(stat.ctime))),
    row('mtime', String(stat.mtime), vscode.l10n.t('data last changed {0}', utc(stat.mtime))),
    row('version', String(stat.version), plural(stat.version, vscode.l10n.t('1 change to its data'), vscode.l10n.t('{0} changes to its data'))),
    row('cversion', String(stat.cversion), plural(stat.cversion, vscode.l10n.t('1 change to its children'), vscode.l10n.t('{0} changes to its children'))),
    row('aversion', String(stat.aversion), plural(stat.aversion, vscode.l10n.t('1 change to its ACL'), vscode.l10n.t('{0} changes to its ACL'))),
    row('ephemeralOwner', session, owner),
    row('dataLength', String(stat.dataLength), plural(stat.dataLength, vscode.l10n.t('1 byte of data'), vscode.l10n.t('{0} bytes of data'))),
    row('numChildren', String(stat.numChildren), plural(stat.numChildren, vscode.l10n.t('1 child'), vscode.l10n.t('{0} children'))),
    '',
  ].join('\n');
}

// Functions, not constants: vscode.l10n.t answers in the display language only once the extension runs.
const PERM_NAMES: [number, () => string][] = [
  [Perm.create, () => vscode.l10n.t('create children')],
  [Perm.delete, () => vscode.l10n.t('delete children')],
  [Perm.read, () => vscode.l10n.t('read data and list children')],
  [Perm.write, () => vscode.l10n.t('write data')],
  [Perm.admin, () => vscode.l10n.t('change the ACL')],
];

function describeId(scheme: string, id: string): string {
  switch (scheme) {
    case 'world':
      return id === 'anyone' ? vscode.l10n.t('anyone') : vscode.l10n.t('world "{0}"', id);
    case 'auth':
      return vscode.l10n.t('whoever authenticated on the session that set it (stored as their ids)');
    case 'digest': {
      const colon = id.indexOf(':');
      if (colon < 0) return vscode.l10n.t('digest id "{0}"', id);
      const hash = id.slice(colon + 1);
      return hash === 'x'
        ? vscode.l10n.t('digest user "{0}" (password hash hidden: the server shows it only to sessions with ADMIN permission on the node)', id.slice(0, colon))
        : vscode.l10n.t('digest user "{0}" (password hash {1})', id.slice(0, colon), hash);
    }
    case 'ip':
      return id.includes('/') ? vscode.l10n.t('clients from the network {0}', id) : vscode.l10n.t('clients from the address {0}', id);
    case 'sasl':
      return vscode.l10n.t('SASL principal "{0}"', id);
    case 'x509':
      return vscode.l10n.t('client certificate "{0}"', id);
    case 'super':
      return vscode.l10n.t('super user "{0}"', id);
    default:
      return vscode.l10n.t('{0} id "{1}"', scheme, id);
  }
}

/** One line per entry as zkCli prints it (scheme:id:perms), each with a readable line below. */
export function renderAcl(connection: string, path: string, acl: readonly ZkAcl[], aversion: number): string {
  const lines = [vscode.l10n.t('ACL of "{0}" on {1} (aversion {2})', path, connection, aversion), vscode.l10n.t('read at {0}', utc(Date.now())), ''];
  for (const entry of acl) {
    const perms = PERM_NAMES.filter(([bit]) => (entry.perms & bit) !== 0).map(([, name]) => name());
    const who = describeId(entry.id.scheme, entry.id.id);
    lines.push(formatAcl(entry));
    lines.push(
      '    ' +
        (perms.length === 0
          ? vscode.l10n.t('{0} may do nothing', who)
          : formatPerms(entry.perms) === 'cdrwa'
            ? vscode.l10n.t('{0} may {1} (all permissions)', who, perms.join(vscode.l10n.t(', ')))
            : vscode.l10n.t('{0} may {1}', who, perms.join(vscode.l10n.t(', ')))),
    );
  }
  if (acl.length === 0) lines.push(vscode.l10n.t('(no entries)'));
  lines.push('');
  return lines.join('\n');
}

/** Read-only Stat and ACL documents: the commands render them, this serves (and refreshes) them. */
export class InfoDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly contents = new Map<string, string>();
  private readonly closeListener: vscode.Disposable;

  constructor(private readonly connections: ConnectionManager) {
    this.closeListener = vscode.workspace.onDidCloseTextDocument((document) => {
      if (document.uri.scheme === INFO_SCHEME) this.contents.delete(document.uri.toString());
    });
  }

  /** Sets the text of a document and shows it (refreshing it if it is open already). */
  async show(uri: vscode.Uri, text: string, options: vscode.TextDocumentShowOptions = {}): Promise<void> {
    const key = uri.toString();
    const open = vscode.workspace.textDocuments.some((d) => d.uri.toString() === key);
    this.contents.set(key, text);
    if (open) this.changeEmitter.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    // A refresh is fetched by VS Code after onDidChange; wait for it so the caller sees the new text.
    await waitUntil(() => document.getText().replace(/\r\n/g, '\n') === text, 3000, 20);
    await vscode.window.showTextDocument(document, options);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const kept = this.contents.get(uri.toString());
    if (kept !== undefined) return kept;
    // Opened without the command (e.g. restored after a reload): read it now.
    const { connection: name, path, kind } = parseInfoUri(uri);
    const connection = this.connections.require(name);
    const client = await connection.connect();
    let text: string;
    if (kind === 'stat') {
      const stat = await client.exists(path);
      text = stat ? renderStat(name, path, stat, client.sessionId) : vscode.l10n.t('"{0}" does not exist on {1}.', path, name) + '\n';
    } else {
      const { acl, stat } = await client.getACL(path);
      text = renderAcl(name, path, acl, stat.aversion);
    }
    this.contents.set(uri.toString(), text);
    return text;
  }

  dispose(): void {
    this.closeListener.dispose();
    this.changeEmitter.dispose();
    this.contents.clear();
  }
}
