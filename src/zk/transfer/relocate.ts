import type { ZkAcl } from '../acl';
import type { ZkClient } from '../client';
import { forEachLimit } from '../concurrency';
import { isZkError, ZkError } from '../errors';
import type { MultiOp } from '../multi';
import { baseName, isAncestor, isServerOwned, parseSequence, validatePath } from '../paths';
import { isEphemeral, type ZnodeStat } from '../stat';
import { walkSubtree } from '../subtree';
import { t } from '../l10n';

/**
 * Copying or moving a subtree inside one connection, as ONE multi: every create (parents first, with the
 * source's data and ACL) and, for a move, every delete (children first, each on the version that was read).
 * ZooKeeper applies all of it or nothing, so a node changed, added or removed by another client between
 * the read and the write fails the whole batch and nothing is half-done.
 *
 * What is refused, because ZooKeeper cannot carry it over faithfully (the caller gets the sentence):
 * - ephemeral nodes: they belong to the session that made them; a copy would be a node no session owns;
 * - children with sequence suffixes: the copy's parent starts a new sequence counter, so the next
 *   sequential child made there could collide with a copied one (the ClickHouse-issue-3846 trap);
 * - more than MAX_NODES nodes, or a batch over jute.maxbuffer: one multi is one request.
 * Containers and TTL nodes cannot be told from persistent ones (the server reports ephemeralOwner 0 for
 * both), so they arrive as persistent nodes; the README says so.
 */

export const MAX_RELOCATE_NODES = 1000;
/** Room kept free in the request for headers and the ops' framing (estimated per op below). */
const PER_OP_OVERHEAD = 64;

export interface RelocateOptions {
  /** Delete the source in the same multi (a move); otherwise a copy. */
  move: boolean;
  /** The server's jute.maxbuffer (the largest request it accepts). */
  maxRequestBytes?: number;
  maxNodes?: number;
}

export interface RelocateResult {
  /** Nodes created at the target (and, for a move, deleted at the source). */
  nodes: number;
}

interface SourceNode {
  path: string;
  data: Buffer;
  stat: ZnodeStat;
  acl: ZkAcl[];
}

export async function relocateSubtree(client: ZkClient, from: string, to: string, options: RelocateOptions): Promise<RelocateResult> {
  const verb = options.move ? 'move' : 'copy';
  const verbText = options.move ? t('move') : t('copy');
  const operation = `${verb} to "${to}"`;
  for (const path of [from, to]) {
    const problem = validatePath(path);
    if (problem) throw new ZkError('INVALIDPATH', operation, path, problem);
  }
  if (from === '/' || isAncestor(from, to) || from === to) {
    throw new ZkError('INVALIDARGUMENT', operation, from, t('Could not {0} "{1}" to "{2}": the target is the node itself or lies inside it.', verbText, from, to));
  }
  for (const path of [from, to]) {
    if (path !== '/' && isServerOwned(path)) {
      throw new ZkError('INVALIDARGUMENT', operation, from, t('Could not {0} "{1}" to "{2}": /zookeeper belongs to the server (quotas, configuration) and is never changed this way.', verbText, from, to));
    }
  }
  const maxNodes = options.maxNodes ?? MAX_RELOCATE_NODES;
  const walk = await walkSubtree(client, from);
  if (walk.failures.length > 0) {
    const first = walk.failures[0];
    throw new ZkError(first.error.code, operation, from, t('Could not {0} "{1}": the children of "{2}" could not be listed ({3}). Nothing was changed.', verbText, from, first.path, first.error.message));
  }
  if (walk.paths.length > maxNodes) {
    throw new ZkError(
      'INVALIDARGUMENT',
      operation,
      from,
      t('Could not {0} "{1}": its subtree has {2} nodes, more than the {3} that one atomic batch may carry here. Nothing was changed.', verbText, from, walk.paths.length, maxNodes),
    );
  }

  const nodes = new Map<string, SourceNode>();
  await forEachLimit(walk.paths, 32, async (path) => {
    const [{ data, stat }, { acl }] = await Promise.all([client.get(path), client.getACL(path)]);
    nodes.set(path, { path, data, stat, acl });
  }).catch((error: unknown) => {
    if (isZkError(error, 'NONODE')) {
      throw new ZkError('NONODE', operation, from, t('Could not {0} "{1}": a node under it was deleted by another client while it was being read. Nothing was changed; try again.', verbText, from));
    }
    throw error;
  });

  for (const path of walk.paths) {
    const node = nodes.get(path)!;
    if (isEphemeral(node.stat)) {
      throw new ZkError(
        'INVALIDARGUMENT',
        operation,
        path,
        t('Could not {0} "{1}": "{2}" is an ephemeral node, owned by the session that created it; a {0} would leave a node no session owns. Nothing was changed.', verbText, from, path),
      );
    }
    if (path !== from && parseSequence(baseName(path))) {
      throw new ZkError(
        'INVALIDARGUMENT',
        operation,
        path,
        t('Could not {0} "{1}": "{2}" has a sequence suffix. The new parent would count its sequence from the start, so the next sequential node made there could collide with a copied one. Nothing was changed.', verbText, from, path),
      );
    }
  }

  // The relative part keeps its slashes (joinPath takes one segment).
  const target = (path: string): string => (path === from ? to : `${to === '/' ? '' : to}${path.slice(from.length)}`);
  const ops: MultiOp[] = [];
  let bytes = 0;
  for (const path of walk.paths) {
    const node = nodes.get(path)!;
    ops.push({ type: 'create', path: target(path), data: node.data, acl: node.acl, mode: 'persistent' });
    bytes += node.data.length + target(path).length + node.acl.reduce((sum, entry) => sum + entry.id.scheme.length + entry.id.id.length + 12, 0) + PER_OP_OVERHEAD;
  }
  for (const path of [...walk.paths].reverse()) {
    const node = nodes.get(path)!;
    // A move deletes on the version read; a copy checks it, so the copy is one consistent snapshot.
    ops.push(options.move ? { type: 'delete', path, version: node.stat.version } : { type: 'check', path, version: node.stat.version });
    bytes += path.length + PER_OP_OVERHEAD;
  }
  const limit = options.maxRequestBytes ?? client.maxPacketBytes;
  if (bytes > limit) {
    throw new ZkError(
      'DATATOOLARGE',
      operation,
      from,
      t(
        "Could not {0} \"{1}\": its {2} nodes make one batch of about {3} KiB, over the server's limit per request (jute.maxbuffer, {4} KiB). Nothing was changed.",
        verbText,
        from,
        walk.paths.length,
        Math.ceil(bytes / 1024),
        Math.round(limit / 1024),
      ),
    );
  }

  try {
    await client.multi(ops);
  } catch (error) {
    if (!isZkError(error)) throw error;
    const failedPath = error.path ?? from;
    const reason: Record<string, string> = {
      NODEEXISTS: t('"{0}" already exists', failedPath),
      NONODE: failedPath === to ? t('the parent of "{0}" does not exist', to) : t('"{0}" was deleted by another client meanwhile', failedPath),
      BADVERSION: t('"{0}" was changed by another client meanwhile', failedPath),
      NOTEMPTY: t('another client added a child under "{0}" meanwhile', failedPath),
      NOAUTH: t('the ACL of "{0}" (or of its new parent) does not allow it', failedPath),
    };
    const why = reason[error.code];
    if (!why) throw error;
    throw new ZkError(error.code, operation, failedPath, t('Could not {0} "{1}" to "{2}": {3}. ZooKeeper applied nothing (one atomic batch).', verbText, from, to, why));
  }
  return { nodes: walk.paths.length };
}
