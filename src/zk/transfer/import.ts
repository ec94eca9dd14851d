import { formatAcl, OPEN_ACL_UNSAFE, Perm, type ZkAcl } from '../acl';
import type { ZkClient } from '../client';
import { forEachLimit } from '../concurrency';
import { isZkError, ZkError } from '../errors';
import type { MultiOp } from '../multi';
import { isServerOwned, parentPath, sequenceOf, validatePath } from '../paths';
import { isEphemeral, type ZnodeStat } from '../stat';
import { walkTree } from '../treeWalk';
import { relativePath } from './exportFormat';
import type { ImportNode, ImportSource } from './importFormat';
import { t } from '../l10n';

/**
 * Import in two steps, so nothing is written that the user has not seen: `planImport` reads the
 * target and says, node by node, what applying would do (create, update with what differs,
 * unchanged, and — only when asked — delete); `applyImport` carries out exactly that plan in multi
 * batches under jute.maxbuffer, each op checked against the version the plan saw, so a node another
 * client changed since the plan fails its batch (and only its batch) instead of being overwritten.
 */

export type PlanAction = 'create' | 'update' | 'unchanged' | 'delete';
export type PlanChange = 'data' | 'acl' | 'mode';

export interface PlanEntry {
  action: PlanAction;
  /** Absolute target path. */
  path: string;
  /** The file's node (absent for a delete). */
  node?: ImportNode;
  /** What differs, for an update (a 'mode' difference is noted, never applied). */
  changes?: PlanChange[];
  /** The target's data as the plan read it (update, delete), for the diff. */
  before?: Buffer;
  beforeAcl?: ZkAcl[];
  /** The versions the plan saw: what apply checks. */
  seen?: { version: number; aversion: number };
  notes?: string[];
}

export interface SkippedNode {
  path: string;
  reason: string;
}

export interface ImportPlan {
  root: string;
  format: ImportSource['format'];
  source?: ImportSource['source'];
  deleteExtra: boolean;
  /** In apply order: parents before children; deletes last, children before parents. */
  entries: PlanEntry[];
  counts: Record<PlanAction, number>;
  /** Nodes of the file left out (ephemeral nodes, nodes under /zookeeper), with why. */
  skipped: SkippedNode[];
  /** Target nodes this session may not read: not compared, not written, and said so. */
  unreadable: string[];
}

export interface PlanOptions {
  deleteExtra?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: { read: number; total: number }) => void;
}

const READS_IN_FLIGHT = 128;

const aclKey = (acl: readonly ZkAcl[]): string => acl.map(formatAcl).sort().join(',');
const sameAcl = (a: readonly ZkAcl[], b: readonly ZkAcl[]): boolean => aclKey(a) === aclKey(b);
const targetPath = (root: string, rel: string): string => (rel === '' ? root : root === '/' ? `/${rel}` : `${root}/${rel}`);
const relParent = (rel: string): string | undefined => (rel === '' ? undefined : rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');

export async function planImport(client: ZkClient, root: string, source: ImportSource, options: PlanOptions = {}): Promise<ImportPlan> {
  const problem = validatePath(root);
  if (problem) throw new ZkError('INVALIDPATH', 'import', root, problem);
  if (isServerOwned(root)) {
    if (root !== '/') throw new ZkError('INVALIDARGUMENT', 'import', root, t('Could not import into "{0}": /zookeeper belongs to the server and is never written this way.', root));
  }
  const parent = parentPath(root);
  if (parent !== undefined && !(await client.exists(parent))) {
    throw new ZkError('NONODE', 'import', root, t('Could not import into "{0}": its parent "{1}" does not exist. Create it first.', root, parent));
  }
  const plan: ImportPlan = {
    root,
    format: source.format,
    ...(source.source ? { source: source.source } : {}),
    deleteExtra: options.deleteExtra === true,
    entries: [],
    counts: { create: 0, update: 0, unchanged: 0, delete: 0 },
    skipped: [],
    unreadable: [],
  };
  const slots: (PlanEntry | undefined)[] = new Array<PlanEntry | undefined>(source.nodes.length);
  // Whether each file node exists in the target, as a promise a child waits for: below a node that
  // will be created nothing exists, so an import into an empty place reads one node, not all.
  const exists = new Map<string, Promise<boolean>>();
  let read = 0;
  const indexed = source.nodes.map((node, index) => ({ node, index }));
  await forEachLimit(
    indexed,
    READS_IN_FLIGHT,
    async ({ node, index }) => {
      let settle!: (value: boolean) => void;
      exists.set(
        node.path,
        new Promise<boolean>((resolve) => (settle = resolve)),
      );
      const path = targetPath(root, node.path);
      try {
        if (node.mode === 'ephemeral') {
          plan.skipped.push({ path, reason: 'ephemeral in the file: it belonged to a session of the source; made here it would belong to this window\'s session and vanish with it' });
          settle(false);
          return;
        }
        if (root === '/' && isServerOwned(path)) {
          plan.skipped.push({ path, reason: '/zookeeper belongs to the server' });
          settle(false);
          return;
        }
        const parentRel = relParent(node.path);
        const parentKnown = parentRel === undefined ? undefined : exists.get(parentRel);
        if (parentKnown && !(await parentKnown)) {
          slots[index] = { action: 'create', path, node };
          settle(false);
          return;
        }
        let got: { data: Buffer; stat: ZnodeStat };
        try {
          got = await client.get(path);
        } catch (error) {
          if (isZkError(error, 'NONODE')) {
            slots[index] = { action: 'create', path, node };
            settle(false);
            return;
          }
          if (isZkError(error, 'NOAUTH')) {
            plan.unreadable.push(path);
            settle(true);
            return;
          }
          throw error;
        }
        const changes: PlanChange[] = [];
        const notes: string[] = [];
        if (!got.data.equals(node.data)) changes.push('data');
        let beforeAcl: ZkAcl[] | undefined;
        if (node.acl && !node.aclMasked) {
          const acl = await client.getACL(path).catch((error: unknown) => {
            if (isZkError(error, 'NOAUTH')) return undefined;
            throw error;
          });
          if (acl) {
            beforeAcl = acl.acl;
            if (!sameAcl(acl.acl, node.acl)) changes.push('acl');
            got.stat.aversion = acl.stat.aversion;
          } else notes.push('its ACL could not be read here, so it is left as it is');
        } else if (node.aclMasked) notes.push('the file\'s ACL was masked by the source server (read without ADMIN), so it is left as it is');
        if (isEphemeral(got.stat)) {
          changes.push('mode');
          notes.push('it is ephemeral here and persistent in the file; a node\'s mode cannot change without deleting it, so the mode is left as it is');
        }
        const seen = { version: got.stat.version, aversion: got.stat.aversion };
        const applicable = changes.filter((c) => c !== 'mode');
        slots[index] = {
          action: applicable.length > 0 ? 'update' : 'unchanged',
          path,
          node,
          ...(changes.length > 0 ? { changes } : {}),
          ...(applicable.length > 0 ? { before: got.data, ...(beforeAcl ? { beforeAcl } : {}) } : {}),
          seen,
          ...(notes.length > 0 ? { notes } : {}),
        };
        settle(true);
      } catch (error) {
        settle(true);
        throw error;
      } finally {
        read++;
        options.onProgress?.({ read, total: source.nodes.length });
      }
    },
    options.signal,
  );
  if (options.signal?.aborted) throw new ZkError('CANCELLED', 'plan the import', root);
  for (const entry of slots) if (entry) plan.entries.push(entry);

  if (plan.deleteExtra && (await exists.get(''))) {
    const wanted = new Set(source.nodes.map((node) => node.path));
    const extra: string[] = [];
    await walkTree(client, {
      operation: 'plan the import',
      roots: [root],
      visitDepth: Infinity,
      maxNodes: 1_000_000,
      concurrency: 256,
      signal: options.signal,
      onUnreadable: (path) => plan.unreadable.push(path),
      visit: (path, _depth, stat) => {
        const rel = relativePath(root, path);
        if (wanted.has(rel)) return;
        if (isServerOwned(path)) return;
        if (isEphemeral(stat)) {
          plan.skipped.push({ path, reason: 'ephemeral here and not in the file: it belongs to a live session, so it is not deleted' });
          return;
        }
        extra.push(path);
      },
    });
    // Data for the plan's diff and the version each delete checks; children before parents.
    const deletes = new Map<string, PlanEntry>();
    await forEachLimit(extra, READS_IN_FLIGHT, async (path) => {
      try {
        const { data, stat } = await client.get(path);
        deletes.set(path, { action: 'delete', path, before: data, seen: { version: stat.version, aversion: stat.aversion } });
      } catch (error) {
        if (!isZkError(error, 'NONODE')) throw error;
      }
    });
    const depth = (path: string): number => path.split('/').length;
    const ordered = [...deletes.values()].sort((a, b) => depth(b.path) - depth(a.path) || (a.path < b.path ? -1 : 1));
    // A parent cannot be deleted while an ephemeral it keeps is alive: such parents stay, said so.
    const kept = new Set(plan.skipped.filter((s) => s.reason.startsWith('ephemeral here')).map((s) => s.path));
    for (const entry of ordered) {
      const keptChild = [...kept].find((path) => path.startsWith(`${entry.path}/`));
      if (keptChild) {
        plan.skipped.push({ path: entry.path, reason: `not deleted: the ephemeral node ${keptChild} lives under it` });
        continue;
      }
      plan.entries.push(entry);
    }
  }
  for (const entry of plan.entries) plan.counts[entry.action]++;
  plan.skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  plan.unreadable.sort();
  return plan;
}

export interface FailedBatch {
  /** 1-based, in apply order. */
  batch: number;
  ops: number;
  /** The node whose op failed. */
  path: string;
  code: string;
  reason: string;
}

export interface CounterNote {
  parent: string;
  /** The parent's child counter (cversion) after the import: the number the next sequential child gets. */
  counter: number;
  /** The highest sequence number among the imported children. */
  highest: number;
}

export interface ImportReport {
  created: number;
  updated: number;
  /** ACLs set (setACL runs after its batch: ZooKeeper's multi has no setACL). */
  aclSet: number;
  deleted: number;
  unchanged: number;
  skipped: SkippedNode[];
  /** Batches that failed as a whole: nothing of them was applied. */
  failed: FailedBatch[];
  /** ACL updates that failed (their data update, if any, was applied). */
  aclFailed: { path: string; code: string }[];
  /** Plan entries not applied because the import was cancelled. */
  notApplied: number;
  /** Parents whose sequence counter is at or below an imported sequential child's number. */
  counters: CounterNote[];
  batches: number;
  cancelled: boolean;
}

export interface ApplyOptions {
  /** The server's jute.maxbuffer; default the client's. */
  maxRequestBytes?: number;
  /** At most this many ops a batch (default 1000), so progress and cancel have a grain. */
  maxOpsPerBatch?: number;
  signal?: AbortSignal;
  onProgress?: (progress: { applied: number; total: number }) => void;
}

/** Framing of one op in a multi request (headers, lengths, flags), over its path, data and ACL. */
const PER_OP_OVERHEAD = 64;
/** Request framing of the multi itself (packet header, xid), kept free in every batch. */
const REQUEST_RESERVE = 1024;
/** Batches sent before the first answers: the server applies one session's requests in order. */
const BATCHES_IN_FLIGHT = 4;

function opBytes(op: MultiOp): number {
  let bytes = Buffer.byteLength(op.path) + PER_OP_OVERHEAD;
  if ((op.type === 'create' || op.type === 'set') && op.data) bytes += op.data.length;
  if (op.type === 'create') for (const entry of op.acl ?? OPEN_ACL_UNSAFE) bytes += entry.id.scheme.length + Buffer.byteLength(entry.id.id) + 12;
  return bytes;
}

/** An ACL that lets anyone create children: children made in the same import can go under it at once. */
const letsAnyoneCreate = (acl: readonly ZkAcl[]): boolean => acl.some((entry) => entry.id.scheme === 'world' && entry.id.id === 'anyone' && (entry.perms & Perm.create) !== 0);

function opFor(entry: PlanEntry, deferAcl: boolean): MultiOp | undefined {
  const node = entry.node;
  switch (entry.action) {
    case 'create': {
      const mode = node!.mode === 'container' ? 'container' : node!.mode === 'ttl' ? 'ttl' : 'persistent';
      // Sequential names are created as they are (a sequential create would append a new number).
      const acl = node!.acl && !node!.aclMasked && !deferAcl ? node!.acl : undefined;
      return { type: 'create', path: entry.path, data: node!.data, mode, ...(mode === 'ttl' ? { ttlMs: node!.ttlMs } : {}), ...(acl ? { acl } : {}) };
    }
    case 'update':
      return entry.changes?.includes('data') ? { type: 'set', path: entry.path, data: node!.data, version: entry.seen!.version } : undefined;
    case 'delete':
      return { type: 'delete', path: entry.path, version: entry.seen!.version };
    case 'unchanged':
      return undefined;
  }
}

const REASONS: Record<string, string> = {
  NODEEXISTS: 'another client created it since the plan',
  BADVERSION: 'another client changed it since the plan',
  NONODE: 'it (or its parent) was deleted since the plan, or its parent failed in an earlier batch',
  NOTEMPTY: 'another client added a child under it since the plan',
  NOAUTH: 'its ACL (or its parent\'s) does not allow this session to write it',
};

/**
 * Applies a plan. Batches are filled in plan order up to the request limit and sent a few at a
 * time; a failed batch is reported (which node, why) and the others go on — a batch is atomic, the
 * import as a whole is not (use staged changes for one all-or-nothing transaction). ACL changes run
 * after their batch with the ACL version the plan saw.
 */
export async function applyImport(client: ZkClient, plan: ImportPlan, options: ApplyOptions = {}): Promise<ImportReport> {
  const limit = (options.maxRequestBytes ?? client.maxPacketBytes) - REQUEST_RESERVE;
  const maxOps = options.maxOpsPerBatch ?? 1000;
  const report: ImportReport = {
    created: 0,
    updated: 0,
    aclSet: 0,
    deleted: 0,
    unchanged: plan.counts.unchanged,
    skipped: [...plan.skipped],
    failed: [],
    aclFailed: [],
    notApplied: 0,
    counters: [],
    batches: 0,
    cancelled: false,
  };
  interface Batch {
    number: number;
    entries: PlanEntry[];
    ops: MultiOp[];
  }
  const batches: Batch[] = [];
  let current: Batch = { number: 1, entries: [], ops: [] };
  let bytes = 0;
  const aclOnly: PlanEntry[] = [];
  // A created node whose ACL would refuse the creates of its own children (the multi checks each
  // create against the ACLs as they are at that point) is created open and gets its ACL after every
  // batch: for that moment it is open, which the README says.
  const parentsOfCreates = new Set<string>();
  for (const entry of plan.entries) if (entry.action === 'create') parentsOfCreates.add(parentPath(entry.path) ?? '');
  const deferred = new Map<string, ZkAcl[]>();
  for (const entry of plan.entries) {
    const acl = entry.node?.acl;
    if (entry.action === 'create' && acl && !entry.node!.aclMasked && parentsOfCreates.has(entry.path) && !letsAnyoneCreate(acl)) deferred.set(entry.path, acl);
  }
  const created = new Set<string>();
  for (const entry of plan.entries) {
    const op = opFor(entry, deferred.has(entry.path));
    if (!op) {
      if (entry.action === 'update') aclOnly.push(entry);
      continue;
    }
    const size = opBytes(op);
    if (size > limit) {
      throw new ZkError('DATATOOLARGE', 'import', entry.path, t("Could not import: \"{0}\" alone makes a request of about {1} KiB, over the server's limit (jute.maxbuffer, {2} KiB). Nothing was applied.", entry.path, Math.ceil(size / 1024), Math.round((limit + REQUEST_RESERVE) / 1024)));
    }
    if (current.ops.length > 0 && (bytes + size > limit || current.ops.length >= maxOps)) {
      batches.push(current);
      current = { number: current.number + 1, entries: [], ops: [] };
      bytes = 0;
    }
    current.entries.push(entry);
    current.ops.push(op);
    bytes += size;
  }
  if (current.ops.length > 0) batches.push(current);
  const total = batches.reduce((sum, batch) => sum + batch.ops.length, 0) + aclOnly.length;
  let applied = 0;

  const setAcl = async (entry: PlanEntry): Promise<void> => {
    if (!entry.changes?.includes('acl') || !entry.node?.acl) return;
    try {
      await client.setACL(entry.path, entry.node.acl, entry.seen!.aversion);
      report.aclSet++;
    } catch (error) {
      if (!isZkError(error)) throw error;
      report.aclFailed.push({ path: entry.path, code: error.code });
    }
  };

  const started = new Set<Batch>();
  const run = async (batch: Batch): Promise<void> => {
    started.add(batch);
    report.batches++;
    try {
      await client.multi(batch.ops);
    } catch (error) {
      if (!isZkError(error)) throw error;
      const results = error.details.results as { error?: string }[] | undefined;
      const failedAt = results?.findIndex((r) => r.error && r.error !== 'RUNTIMEINCONSISTENCY') ?? -1;
      const path = failedAt >= 0 ? batch.ops[failedAt].path : (error.path ?? batch.ops[0].path);
      report.failed.push({ batch: batch.number, ops: batch.ops.length, path, code: error.code, reason: REASONS[error.code] ?? error.message });
      return;
    }
    for (const entry of batch.entries) {
      if (entry.action === 'create') {
        report.created++;
        if (deferred.has(entry.path)) created.add(entry.path);
      }
      else if (entry.action === 'update') report.updated++;
      else if (entry.action === 'delete') report.deleted++;
    }
    await Promise.all(batch.entries.filter((entry) => entry.action === 'update').map(setAcl));
    applied += batch.ops.length;
    options.onProgress?.({ applied, total });
  };
  // forEachLimit starts no batch once the signal aborts; those already sent complete.
  await forEachLimit(batches, BATCHES_IN_FLIGHT, run, options.signal);
  for (const batch of batches) if (!started.has(batch)) report.notApplied += batch.entries.length;
  if (options.signal?.aborted) report.cancelled = true;
  // setACL needs ADMIN on the node itself only (open until now), so the order does not matter; deepest first.
  for (const path of [...created].sort().reverse()) {
    try {
      await client.setACL(path, deferred.get(path)!, 0);
      report.aclSet++;
    } catch (error) {
      if (!isZkError(error)) throw error;
      report.aclFailed.push({ path, code: error.code });
    }
  }
  for (const entry of aclOnly) {
    if (options.signal?.aborted) {
      report.notApplied++;
      continue;
    }
    const before = report.aclSet;
    await setAcl(entry);
    if (report.aclSet > before) report.updated++;
    applied++;
    options.onProgress?.({ applied, total });
  }

  // Sequential names were kept; the parent's counter was not (ZooKeeper has no way to set it).
  const highest = new Map<string, number>();
  for (const entry of plan.entries) {
    if (entry.action !== 'create') continue;
    const sequence = sequenceOf(entry.path.slice(entry.path.lastIndexOf('/') + 1));
    const parent = parentPath(entry.path);
    if (sequence === undefined || parent === undefined) continue;
    highest.set(parent, Math.max(highest.get(parent) ?? -1, sequence));
  }
  await forEachLimit(highest, 32, async ([parent, top]) => {
    const stat = await client.exists(parent);
    if (stat && stat.cversion <= top) report.counters.push({ parent, counter: stat.cversion, highest: top });
  });
  report.counters.sort((a, b) => (a.parent < b.parent ? -1 : 1));
  return report;
}

/** The plan as plain JSON (for the command's result): data as text where it is text. */
export function planSummary(plan: ImportPlan): {
  root: string;
  format: string;
  deleteExtra: boolean;
  counts: Record<PlanAction, number>;
  create: string[];
  update: { path: string; changes: PlanChange[]; notes?: string[] }[];
  unchanged: number;
  delete: string[];
  skipped: SkippedNode[];
  unreadable: string[];
} {
  return {
    root: plan.root,
    format: plan.format,
    deleteExtra: plan.deleteExtra,
    counts: plan.counts,
    create: plan.entries.filter((e) => e.action === 'create').map((e) => e.path),
    update: plan.entries.filter((e) => e.action === 'update').map((e) => ({ path: e.path, changes: e.changes ?? [], ...(e.notes ? { notes: e.notes } : {}) })),
    unchanged: plan.counts.unchanged,
    delete: plan.entries.filter((e) => e.action === 'delete').map((e) => e.path),
    skipped: plan.skipped,
    unreadable: plan.unreadable,
  };
}
