import { gunzipSync } from 'node:zlib';
import { Perm, type ZkAcl } from '../acl';
import { ZkError } from '../errors';
import { sequenceOf, validatePath } from '../paths';
import { EXPORT_FORMAT, EXPORT_VERSION } from './exportFormat';
import { t } from '../l10n';

/**
 * Reading the files Import accepts, into one list of nodes (parents before children, paths relative
 * to the file's root): our export (exportFormat.ts) and ZooNavigator's export.
 *
 * Ours is read line by line as it streams in (one node a line), so the text is never held whole.
 * ZooNavigator's is base64(gzip(JSON)) — a list of trees `{"h": {"path", "data", "acl"}, "t": [children]}` —
 * which cannot be parsed before it is whole; its files are small in practice (the tool builds them
 * in a browser).
 */

export type ImportMode = 'persistent' | 'ephemeral' | 'container' | 'ttl';

export interface ImportNode {
  /** Relative to the file's root ("" is the root itself). */
  path: string;
  data: Buffer;
  /** Absent: the file carries no ACL for it, and a created node gets the open ACL. */
  acl?: ZkAcl[];
  /** The ACL was read without ADMIN (digest hashes hidden): not restorable, left alone. */
  aclMasked?: boolean;
  mode: ImportMode;
  /** For mode "ttl": the time to live in milliseconds. */
  ttlMs?: number;
}

export interface ImportSource {
  format: 'zookeeper-explorer' | 'zoonavigator';
  /** Where the export was taken from, when the file says. */
  source?: { connection?: string; path?: string };
  nodes: ImportNode[];
}

function bad(message: string): ZkError {
  return new ZkError('INVALIDARGUMENT', 'import', undefined, t('This file cannot be imported: {0}', message));
}

/** "scheme:id:perms" with an id that may hold colons itself (digest user:hash, ip ranges). */
export function parseAclSpelling(text: string): ZkAcl {
  const first = text.indexOf(':');
  const last = text.lastIndexOf(':');
  if (first <= 0 || last === first) throw bad(t('"{0}" is not an ACL entry (scheme:id:perms).', text));
  let perms = 0;
  for (const letter of text.slice(last + 1)) {
    const bit = ({ c: Perm.create, d: Perm.delete, r: Perm.read, w: Perm.write, a: Perm.admin } as Record<string, number>)[letter];
    if (bit === undefined) throw bad(t('"{0}": "{1}" is not a permission (c, d, r, w, a).', text, letter));
    perms |= bit;
  }
  return { perms, id: { scheme: text.slice(0, first), id: text.slice(first + 1, last) } };
}

/** One line of our format's `nodes`, with its trailing comma. */
function ourNode(line: string, lineNumber: number): ImportNode {
  let raw: unknown;
  try {
    raw = JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line);
  } catch (error) {
    throw bad(t('line {0} is not a node ({1}).', lineNumber, (error as Error).message));
  }
  const node = raw as Record<string, unknown>;
  if (typeof node !== 'object' || node === null || typeof node.path !== 'string') throw bad(t('line {0} has no "path".', lineNumber));
  const path = node.path;
  if (path !== '' && (path.startsWith('/') || validatePath(`/${path}`))) throw bad(t('line {0}: "{1}" is not a relative znode path.', lineNumber, path));
  let data: Buffer;
  if (typeof node.dataBase64 === 'string') data = Buffer.from(node.dataBase64, 'base64');
  else if (typeof node.data === 'string') data = Buffer.from(node.data, 'utf8');
  else if (node.data === undefined || node.data === null) data = Buffer.alloc(0);
  else throw bad(t('line {0}: "data" is not text.', lineNumber));
  const mode = node.mode === undefined ? 'persistent' : node.mode;
  if (mode !== 'persistent' && mode !== 'ephemeral' && mode !== 'container' && mode !== 'ttl') throw bad(t('line {0}: {1} is not a mode (ephemeral, container, ttl).', lineNumber, JSON.stringify(mode)));
  const ttlMs = typeof node.ttl === 'number' ? node.ttl : undefined;
  if (mode === 'ttl' && (ttlMs === undefined || ttlMs < 1)) throw bad(t('line {0}: a "ttl" node needs "ttl": its time to live in milliseconds.', lineNumber));
  const acl = Array.isArray(node.acl) && node.acl.length > 0 ? node.acl.map((entry) => parseAclSpelling(String(entry))) : undefined;
  return { path, data, mode, ...(ttlMs !== undefined && mode === 'ttl' ? { ttlMs } : {}), ...(acl ? { acl } : {}), ...(node.aclMasked === true ? { aclMasked: true } : {}) };
}

/** ZooNavigator spells permissions as words ("Read", "ADMIN"); its ids as { scheme, id }. */
function zooNavigatorAcl(raw: unknown): ZkAcl[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const bits: Record<string, number> = { create: Perm.create, read: Perm.read, write: Perm.write, delete: Perm.delete, admin: Perm.admin, all: Perm.all };
  return raw.map((entry: Record<string, unknown>) => {
    const permissions = Array.isArray(entry.permissions) ? entry.permissions : [];
    let perms = 0;
    for (const word of permissions) {
      const bit = bits[String(word).toLowerCase()];
      if (bit === undefined) throw bad(t('"{0}" is not a ZooKeeper permission.', String(word)));
      perms |= bit;
    }
    const scheme = typeof entry.scheme === 'string' ? entry.scheme : 'world';
    const id = typeof entry.id === 'string' ? entry.id : 'anyone';
    return { perms, id: { scheme, id } };
  });
}

/** Data as ZooNavigator may write it: text, a list of byte values, or nothing. */
function zooNavigatorData(raw: unknown, path: string): Buffer {
  if (raw === undefined || raw === null) return Buffer.alloc(0);
  if (typeof raw === 'string') return Buffer.from(raw, 'utf8');
  if (Array.isArray(raw) && raw.every((b) => Number.isInteger(b) && (b as number) >= -128 && (b as number) <= 255)) return Buffer.from(raw.map((b: number) => b & 0xff));
  throw bad(t('the data of "{0}" is neither text nor a list of bytes.', path));
}

export function parseZooNavigator(text: string): ImportSource {
  let trees: unknown;
  try {
    trees = JSON.parse(gunzipSync(Buffer.from(text.trim(), 'base64')).toString('utf8'));
  } catch {
    throw bad(t('it is neither a ZooKeeper Explorer export (JSON) nor a ZooNavigator export (base64 of gzipped JSON).'));
  }
  if (!Array.isArray(trees) || trees.length !== 1) {
    throw bad(t('a ZooNavigator export holds a list of subtrees; Import takes one (this file holds {0}). Export one node in ZooNavigator.', Array.isArray(trees) ? trees.length : t('none')));
  }
  const nodes: ImportNode[] = [];
  let rootPath = '';
  // Depth-first, parents before children; iterative, so a deep tree cannot overflow the stack.
  const stack: unknown[] = [trees[0]];
  while (stack.length > 0) {
    const tree = stack.pop() as { h?: Record<string, unknown>; t?: unknown[] } | null;
    const head = tree?.h;
    if (!head || typeof head.path !== 'string') throw bad(t('a ZooNavigator node has no "h.path".'));
    const path = head.path;
    if (nodes.length === 0) rootPath = path;
    else if (!(path.startsWith(rootPath === '/' ? '/' : `${rootPath}/`) && path !== rootPath)) throw bad(t("\"{0}\" is not below the export's root \"{1}\".", path, rootPath));
    const rel = nodes.length === 0 ? '' : path.slice(rootPath === '/' ? 1 : rootPath.length + 1);
    const acl = zooNavigatorAcl(head.acl);
    nodes.push({ path: rel, data: zooNavigatorData(head.data, path), mode: 'persistent', ...(acl ? { acl } : {}) });
    const children = Array.isArray(tree.t) ? tree.t : [];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return { format: 'zoonavigator', source: { path: rootPath }, nodes };
}

/**
 * Reads an import file from its chunks. Our format is recognized by its first character ("{") and
 * parsed a line at a time; anything else is taken for ZooNavigator's base64.
 */
export async function readImportFile(chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>): Promise<ImportSource> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let kind: 'ours' | 'zoonavigator' | undefined;
  let header = '';
  let inNodes = false;
  let ended = false;
  let lineNumber = 0;
  const nodes: ImportNode[] = [];
  let source: ImportSource['source'];
  const zooNavigator: string[] = [];

  const onLine = (line: string): void => {
    lineNumber++;
    const trimmed = line.trim();
    if (!inNodes) {
      header += line + '\n';
      if (/"nodes"\s*:\s*\[\s*$/.test(trimmed)) {
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(`${header}]}`) as Record<string, unknown>;
        } catch {
          throw bad(t("its header is not the export format's (see the README, \"Export\")."));
        }
        if (parsed.format !== EXPORT_FORMAT) throw bad(t('"format" is {0}, not "{1}".', JSON.stringify(parsed.format), EXPORT_FORMAT));
        if (parsed.version !== EXPORT_VERSION) throw bad(t('it is version {0} of the export format; this version of the extension reads version {1}.', String(parsed.version), EXPORT_VERSION));
        source = parsed.source as ImportSource['source'];
        inNodes = true;
      } else if (header.length > 65536) throw bad(t('no "nodes" list was found at its start.'));
      return;
    }
    if (ended) {
      if (trimmed !== '' && trimmed !== '}') throw bad(t('unexpected text after the nodes, line {0}.', lineNumber));
      return;
    }
    if (trimmed === '') return;
    if (trimmed.startsWith(']')) {
      ended = true;
      return;
    }
    nodes.push(ourNode(trimmed, lineNumber));
  };

  const take = (text: string, final: boolean): void => {
    if (kind === undefined) {
      const first = text.trimStart()[0];
      if (first === undefined) {
        pending += text;
        return;
      }
      kind = first === '{' ? 'ours' : 'zoonavigator';
    }
    if (kind === 'zoonavigator') {
      zooNavigator.push(text);
      return;
    }
    pending += text;
    let start = 0;
    for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n', start)) {
      onLine(pending.slice(start, end));
      start = end + 1;
    }
    pending = pending.slice(start);
    if (final && pending !== '') {
      onLine(pending);
      pending = '';
    }
  };

  for await (const chunk of chunks) take(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }), false);
  take(decoder.decode(), true);
  if (kind === undefined) throw bad(t('it is empty.'));
  if (kind === 'zoonavigator') return parseZooNavigator(pending + zooNavigator.join(''));
  if (!inNodes) throw bad(t('it has no "nodes" list.'));
  if (!ended) throw bad(t('it ends before its nodes do (a cut file?).'));
  if (nodes.length === 0) throw bad(t('it holds no nodes.'));
  if (nodes[0].path !== '') throw bad(t('its first node is not the exported root ("path": "").'));
  return { format: 'zookeeper-explorer', ...(source ? { source } : {}), nodes };
}

/** True when the last segment of a relative path ends in a sequence number (10 digits). */
export function isSequentialName(rel: string): boolean {
  return sequenceOf(rel.slice(rel.lastIndexOf('/') + 1)) !== undefined;
}
