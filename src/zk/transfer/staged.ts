import type { CreateMode, ZkClient } from '../client';
import { isZkError } from '../errors';
import type { MultiOp } from '../multi';

/**
 * Staged changes and their commit: every staged change becomes ops of ONE multi, each checked against
 * the version seen when it was staged, so the commit applies all of them or none — a node another
 * client changed in between fails the whole transaction and is named.
 */
export type StagedChange =
  | { kind: 'set'; path: string; data: Buffer; baseVersion: number; baseData: Buffer }
  | { kind: 'create'; path: string; data: Buffer; mode: CreateMode; ttlMs?: number }
  /** `nodes`: the node and (recursive) its subtree, children first, each with the version seen. */
  | { kind: 'delete'; path: string; nodes: { path: string; version: number }[]; baseData: Buffer };

export interface CommitResult {
  path: string;
  type: MultiOp['type'];
  /** The node's version after a create or set. */
  version?: number;
  /** Set on the op that failed (and RUNTIMEINCONSISTENCY on the ones rolled back with it). */
  error?: string;
}

export interface CommitOutcome {
  applied: boolean;
  results: CommitResult[];
  /** The change whose op failed, and why: nothing was applied. */
  conflict?: { path: string; code: string; change: StagedChange };
}

const depth = (path: string): number => path.split('/').length;

/** The ops in an order ZooKeeper accepts: creates parents first, then sets, then deletes children first. */
export function commitOps(changes: readonly StagedChange[]): { ops: MultiOp[]; owners: StagedChange[] } {
  const ops: MultiOp[] = [];
  const owners: StagedChange[] = [];
  const creates = changes.filter((c) => c.kind === 'create').sort((a, b) => depth(a.path) - depth(b.path));
  for (const change of creates) {
    ops.push({ type: 'create', path: change.path, data: change.data, mode: change.mode, ...(change.ttlMs !== undefined ? { ttlMs: change.ttlMs } : {}) });
    owners.push(change);
  }
  for (const change of changes) {
    if (change.kind !== 'set') continue;
    ops.push({ type: 'set', path: change.path, data: change.data, version: change.baseVersion });
    owners.push(change);
  }
  const deletes = changes.flatMap((change) => (change.kind === 'delete' ? change.nodes.map((node) => ({ node, change })) : []));
  deletes.sort((a, b) => depth(b.node.path) - depth(a.node.path));
  for (const { node, change } of deletes) {
    ops.push({ type: 'delete', path: node.path, version: node.version });
    owners.push(change);
  }
  return { ops, owners };
}

export async function commitChanges(client: ZkClient, changes: readonly StagedChange[]): Promise<CommitOutcome> {
  const { ops, owners } = commitOps(changes);
  if (ops.length === 0) return { applied: true, results: [] };
  try {
    const results = await client.multi(ops);
    return { applied: true, results: results.map((r, i) => ({ path: r.path ?? ops[i].path, type: ops[i].type, ...(r.stat ? { version: r.stat.version } : {}) })) };
  } catch (error) {
    if (!isZkError(error) || !Array.isArray(error.details.results)) throw error;
    const raw = error.details.results as { error?: string }[];
    const results = ops.map((op, i) => ({ path: op.path, type: op.type, ...(raw[i]?.error ? { error: raw[i].error } : {}) }));
    const failed = raw.findIndex((r) => r.error && r.error !== 'RUNTIMEINCONSISTENCY');
    const index = failed >= 0 ? failed : 0;
    return { applied: false, results, conflict: { path: ops[index].path, code: error.code, change: owners[index] } };
  }
}
