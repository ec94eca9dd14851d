import * as vscode from 'vscode';
import { formatAcl, formatPerms, Perm, type ZkAcl } from '../../zk/acl';
import { formatHex64, isEphemeral, type ZnodeStat } from '../../zk/stat';
import type { ConnectionManager } from '../connections/connectionManager';
import { UserError } from '../errors';

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
  if (kind !== 'stat' && kind !== 'acl') throw new UserError(`"${uri.toString()}" is not a ZooKeeper Stat or ACL document.`);
  const suffix = ` (${LABEL[kind]})`;
  const path = uri.path.endsWith(suffix) ? uri.path.slice(0, -suffix.length) : uri.path;
  return { connection: uri.authority, path: path || '/', kind };
}

function utc(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC');
}

/** A zxid is epoch (high 32 bits) and counter (low 32 bits). */
function describeZxid(zxid: bigint): string {
  if (zxid === 0n) return 'none';
  return `epoch ${(zxid >> 32n).toString()}, counter ${(zxid & 0xffffffffn).toString()}`;
}

function row(name: string, value: string, note: string): string {
  return `${name.padEnd(16)}${value.padEnd(28)}${note}`;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Every field of a Stat, zxids in hex, dates readable, and what the ephemeral owner means. */
export function renderStat(connection: string, path: string, stat: ZnodeStat, ownSessionId?: bigint): string {
  const owner = isEphemeral(stat)
    ? `ephemeral: owned by session ${formatHex64(stat.ephemeralOwner)}${ownSessionId !== undefined && ownSessionId === stat.ephemeralOwner ? ' (this window\'s session)' : ''}; it goes when that session ends`
    : 'none: not ephemeral (persistent, container or TTL node)';
  return [
    `Stat of "${path}" on ${connection}`,
    `read at ${utc(Date.now())}`,
    '',
    row('czxid', formatHex64(stat.czxid), `created by transaction ${describeZxid(stat.czxid)}`),
    row('mzxid', formatHex64(stat.mzxid), `last data change: transaction ${describeZxid(stat.mzxid)}`),
    row('pzxid', formatHex64(stat.pzxid), `last change to its children: transaction ${describeZxid(stat.pzxid)}`),
    row('ctime', String(stat.ctime), `created ${utc(stat.ctime)}`),
    row('mtime', String(stat.mtime), `data last changed ${utc(stat.mtime)}`),
    row('version', String(stat.version), `${plural(stat.version, 'change')} to its data`),
    row('cversion', String(stat.cversion), `${plural(stat.cversion, 'change')} to its children`),
    row('aversion', String(stat.aversion), `${plural(stat.aversion, 'change')} to its ACL`),
    row('ephemeralOwner', formatHex64(stat.ephemeralOwner), owner),
    row('dataLength', String(stat.dataLength), plural(stat.dataLength, 'byte') + ' of data'),
    row('numChildren', String(stat.numChildren), plural(stat.numChildren, 'child', 'children')),
    '',
  ].join('\n');
}

const PERM_NAMES: [number, string][] = [
  [Perm.create, 'create children'],
  [Perm.delete, 'delete children'],
  [Perm.read, 'read data and list children'],
  [Perm.write, 'write data'],
  [Perm.admin, 'change the ACL'],
];

function describeId(scheme: string, id: string): string {
  switch (scheme) {
    case 'world':
      return id === 'anyone' ? 'anyone' : `world "${id}"`;
    case 'auth':
      return 'whoever authenticated on the session that set it (stored as their ids)';
    case 'digest': {
      const colon = id.indexOf(':');
      if (colon < 0) return `digest id "${id}"`;
      const hash = id.slice(colon + 1);
      return `digest user "${id.slice(0, colon)}" ${hash === 'x' ? '(password hash hidden: the server shows it only to sessions with ADMIN permission on the node)' : `(password hash ${hash})`}`;
    }
    case 'ip':
      return `clients from ${id.includes('/') ? 'the network' : 'the address'} ${id}`;
    case 'sasl':
      return `SASL principal "${id}"`;
    case 'x509':
      return `client certificate "${id}"`;
    case 'super':
      return `super user "${id}"`;
    default:
      return `${scheme} id "${id}"`;
  }
}

/** One line per entry as zkCli prints it (scheme:id:perms), each with a readable line below. */
export function renderAcl(connection: string, path: string, acl: readonly ZkAcl[], aversion: number): string {
  const lines = [`ACL of "${path}" on ${connection} (aversion ${aversion})`, `read at ${utc(Date.now())}`, ''];
  for (const entry of acl) {
    const perms = PERM_NAMES.filter(([bit]) => (entry.perms & bit) !== 0).map(([, name]) => name);
    lines.push(formatAcl(entry));
    lines.push(`    ${describeId(entry.id.scheme, entry.id.id)} may ${perms.length ? perms.join(', ') : 'do nothing'}${formatPerms(entry.perms) === 'cdrwa' ? ' (all permissions)' : ''}`);
  }
  if (acl.length === 0) lines.push('(no entries)');
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
    const deadline = Date.now() + 3000;
    while (document.getText().replace(/\r\n/g, '\n') !== text && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
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
      text = stat ? renderStat(name, path, stat, client.sessionId) : `"${path}" does not exist on ${name}.\n`;
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
