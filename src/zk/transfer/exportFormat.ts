import { formatAcl, type ZkAcl } from '../acl';
import { classifyData } from '../codecs/editing';
import { sequenceOf } from '../paths';
import { formatHex64, type ZnodeStat } from '../stat';

/**
 * The export file, version 1 (documented in the README, "Export"): one JSON object whose `nodes`
 * hold one node a line, parents before children, so a person can read and diff it and a program
 * can stream it.
 *
 *   { "format": "zookeeper-explorer/export", "version": 1,
 *     "source": { "connection": "dev", "path": "/config", "exportedAt": "2026-12-03T06:00:00.000Z" },
 *     "nodes": [
 *       { "path": "", "data": "…", "acl": ["world:anyone:cdrwa"], "stat": { … } },
 *       { "path": "app/db", "dataBase64": "AAEC", "mode": "ephemeral", … }
 *     ] }
 *
 * `path` is relative to the exported root ("" is the root itself). Data that is text (UTF-8 without
 * control characters other than tab and line breaks) is `data`; anything else `dataBase64`, so every
 * byte survives. `mode` is absent for persistent nodes. `sequential: true` marks a name that ends in a
 * sequence number (import keeps the name; the parent's counter is the parent's `cversion`).
 */
export const EXPORT_FORMAT = 'zookeeper-explorer/export';
export const EXPORT_VERSION = 1;

export interface ExportedNode {
  path: string;
  data?: string;
  dataBase64?: string;
  mode?: 'ephemeral';
  sequential?: true;
  /** zkCli's spelling, scheme:id:perms ("digest:ops:XyZ…=:cdrwa"). */
  acl: string[];
  /**
   * The server hid the digest hashes of this ACL ("digest:ops:x": reading them needs ADMIN on the
   * node). Such an ACL cannot be restored — written back it would lock everyone out — so import and
   * the .zk script leave it alone and say so.
   */
  aclMasked?: true;
  stat: { version: number; cversion: number; aversion: number; ctime: string; mtime: string; ephemeralOwner?: string };
}

export interface ExportHeader {
  connection?: string;
  path: string;
  exportedAt: string;
}

export function relativePath(root: string, path: string): string {
  if (path === root) return '';
  return path.slice(root === '/' ? 1 : root.length + 1);
}

export function exportedNode(root: string, path: string, data: Uint8Array, stat: ZnodeStat, acl: readonly ZkAcl[]): ExportedNode {
  const kind = classifyData(data);
  const name = path.slice(path.lastIndexOf('/') + 1);
  return {
    path: relativePath(root, path),
    ...(kind.kind === 'text' ? { data: kind.text } : { dataBase64: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') }),
    ...(stat.ephemeralOwner !== 0n ? { mode: 'ephemeral' as const } : {}),
    ...(sequenceOf(name) !== undefined ? { sequential: true as const } : {}),
    acl: acl.map(formatAcl),
    ...(isMasked(acl) ? { aclMasked: true as const } : {}),
    stat: {
      version: stat.version,
      cversion: stat.cversion,
      aversion: stat.aversion,
      ctime: new Date(stat.ctime).toISOString(),
      mtime: new Date(stat.mtime).toISOString(),
      ...(stat.ephemeralOwner !== 0n ? { ephemeralOwner: formatHex64(stat.ephemeralOwner) } : {}),
    },
  };
}

/** A digest id the server masked: "user:x" instead of "user:<base64 sha1>". */
export function isMasked(acl: readonly ZkAcl[]): boolean {
  return acl.some((entry) => entry.id.scheme === 'digest' && entry.id.id.endsWith(':x'));
}

export function jsonHead(header: ExportHeader): string {
  const source = JSON.stringify({ ...(header.connection ? { connection: header.connection } : {}), path: header.path, exportedAt: header.exportedAt });
  return `{\n  "format": "${EXPORT_FORMAT}",\n  "version": ${EXPORT_VERSION},\n  "source": ${source},\n  "nodes": [\n`;
}

export function jsonNode(node: ExportedNode, first: boolean): string {
  return `${first ? '' : ',\n'}    ${JSON.stringify(node)}`;
}

export function jsonTail(count: number): string {
  return `${count > 0 ? '\n' : ''}  ]\n}\n`;
}

/** A string for the script language: double quotes, with the escapes its lexer reads back. */
export function scriptString(text: string): string {
  return `"${text.replace(/[\\"\n\r\t\0]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' })[c] ?? c)}"`;
}

const OPEN_ACL = 'world:anyone:cdrwa';

// The export files' words (this header, the comments scriptNode writes) stay English in every display
// language: a file is shared between people and machines, and an export should not differ by who made it.
export function scriptHead(header: ExportHeader): string {
  return [
    `# ZooKeeper Explorer export of ${header.path}${header.connection ? ` on ${header.connection}` : ''}, ${header.exportedAt}.`,
    '# Running it recreates the subtree on the connection it runs on (the active one, or the one a',
    '# first line "# connection: <name>" names); it stops at a node that already exists.',
    '',
  ].join('\n');
}

/** The commands that recreate one node: create (ephemeral with -e), then setAcl when its ACL is not open to everyone. */
export function scriptNode(root: string, node: ExportedNode): { text: string; binary: boolean; masked: boolean } {
  const path = node.path === '' ? root : root === '/' ? `/${node.path}` : `${root}/${node.path}`;
  const flags = node.mode === 'ephemeral' ? '-e ' : '';
  const lines: string[] = [];
  if (node.dataBase64 !== undefined) {
    const bytes = Buffer.from(node.dataBase64, 'base64').length;
    lines.push(`# ${path} holds ${bytes} bytes of binary data, which a script cannot carry: export as JSON to keep them.`);
    lines.push(`create ${flags}${scriptPathWord(path)}`);
  } else {
    lines.push(`create ${flags}${scriptPathWord(path)} ${scriptString(node.data ?? '')}`);
  }
  if (node.aclMasked) {
    lines.push(`# ${path}: its ACL (${node.acl.join(',')}) was read without ADMIN permission, so the server hid its digest hashes; set it yourself.`);
  } else if (node.acl.length > 0 && !(node.acl.length === 1 && node.acl[0] === OPEN_ACL)) lines.push(`setAcl ${scriptPathWord(path)} ${node.acl.join(',')}`);
  return { text: `${lines.join('\n')}\n`, binary: node.dataBase64 !== undefined, masked: node.aclMasked === true };
}

/** A path as one word of the script: quoted when it holds a blank, a quote or a #. */
function scriptPathWord(path: string): string {
  return /[\s"'#\\]/.test(path) ? scriptString(path) : path;
}
