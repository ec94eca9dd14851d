import type { ZkClient } from './client';
import { forEachLimit, throwIfCancelled } from './concurrency';
import { ZkError } from './errors';
import { joinPath, validatePath } from './paths';
import { t } from './l10n';

/**
 * Failures after which ZkClient reconnects by itself (on the same session, or a new one): a request
 * that failed so is made again, queued until the connection is back. Every request retried here is
 * idempotent for its caller (a listing; a delete, where NONODE counts as done).
 */
const TRANSIENT = new Set(['CONNECTIONLOSS', 'SESSIONEXPIRED', 'SESSIONMOVED']);
const ATTEMPTS = 3;

async function retryingTransient<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (attempt >= ATTEMPTS || !(error instanceof ZkError && TRANSIENT.has(error.code))) throw error;
    }
  }
}

/** The connection is gone for longer than the client waits: later requests would only wait as long again. */
function connectionLost(error: ZkError): boolean {
  return error.code === 'OPERATIONTIMEOUT' || error.code === 'CLOSED' || TRANSIENT.has(error.code);
}

export interface WalkOptions {
  /** Requests in flight at once; the walk is pipelined, never one round trip after another. */
  concurrency?: number;
  maxDepth?: number;
  signal?: AbortSignal;
  /** Called for each node found (the root first), with its depth below the root (root = 0). */
  onNode?: (path: string, depth: number) => void;
}

export interface WalkResult {
  /** Every path found, parents before children. */
  paths: string[];
  /** Paths whose children could not be listed, with the reason. */
  failures: { path: string; error: ZkError }[];
}

/**
 * Lists a subtree breadth-first with pipelined getChildren calls. A node deleted meanwhile is skipped:
 * it keeps its place in `paths` (it existed when its parent was listed), nothing below it is listed,
 * and it is no failure. A root that does not exist throws NONODE; an invalid root path INVALIDPATH.
 */
export async function walkSubtree(client: ZkClient, root: string, options: WalkOptions = {}): Promise<WalkResult> {
  const problem = validatePath(root);
  if (problem) throw new ZkError('INVALIDPATH', 'list the subtree of', root, problem);
  const concurrency = options.concurrency ?? 32;
  const paths: string[] = [];
  const failures: WalkResult['failures'] = [];
  let level = [root];
  let depth = 0;
  paths.push(root);
  options.onNode?.(root, 0);
  while (level.length > 0 && (options.maxDepth === undefined || depth < options.maxDepth)) {
    throwIfCancelled(options.signal, 'list the subtree of', root);
    const next: string[] = [];
    await forEachLimit(
      level,
      concurrency,
      async (path) => {
        try {
          const { children } = await retryingTransient(() => client.getChildren(path));
          for (const child of children) {
            const childPath = joinPath(path, child);
            next.push(childPath);
            paths.push(childPath);
            options.onNode?.(childPath, depth + 1);
          }
        } catch (error) {
          if (error instanceof ZkError && error.code === 'NONODE' && path !== root) return;
          if (error instanceof ZkError && error.code !== 'NONODE') failures.push({ path, error });
          else throw error;
        }
      },
      options.signal,
    );
    level = next;
    depth++;
  }
  throwIfCancelled(options.signal, 'list the subtree of', root);
  return { paths, failures };
}

/** Requests in flight by default while a subtree is listed and deleted. */
export const DELETE_CONCURRENCY = 256;
/**
 * Deletes per transaction (multi) at most. One multi is one proposal and one reply for all its
 * deletes, where single deletes cost one each; the server applies it as a whole, so one batch that
 * meets a node it cannot delete is rolled back and redone node by node (see deleteTree).
 */
export const DELETE_BATCH_OPS = 1000;
/** Batches sent before the first answers: each waits for its nodes' children to be gone first. */
const BATCHES_IN_FLIGHT = 4;
/** A delete in a multi request: its header (type, done, err: 9 bytes), the path's length (4) and the version (4). */
const BATCH_OP_OVERHEAD = 17;
/** The request's own header and the multi's end marker, with room to spare. */
const BATCH_RESERVE = 1024;

export interface DeleteProgress {
  deleted: number;
  /** Nodes found so far: the walk and the deletion run together, so this grows until the walk is done. */
  total: number;
}

export interface DeleteTreeOptions {
  /** getChildren requests in flight at once (and single deletes, when a batch fell back to them). */
  concurrency?: number;
  /** Deletes per multi request at most (also bounded by the server's jute.maxbuffer). */
  batchOps?: number;
  signal?: AbortSignal;
  onProgress?: (progress: DeleteProgress) => void;
}

export interface DeleteTreeReport {
  /** Nodes this call deleted (or found deleted by someone else meanwhile). */
  deleted: number;
  /** Nodes found in the subtree. */
  total: number;
  /** True when the signal stopped the deletion before it finished. */
  cancelled: boolean;
  /** Nodes that could not be deleted, with the reason (parents left over because of them included). */
  failed: { path: string; code: string; message: string }[];
  /**
   * Set when the connection was lost for longer than the client's operation timeout: the deletion
   * stopped there, and every node not deleted by then is in `failed` (those never tried say so).
   * A request that timed out may still be applied if the connection comes back; its message says so.
   */
  stopped?: { code: string; message: string };
}

/** One node of the subtree being deleted. */
interface DeleteNode {
  readonly path: string;
  readonly parent: DeleteNode | undefined;
  /**
   * listing: its children are being (or will be) listed; waiting: listed, `remaining` children not
   * gone yet; ready: queued for a batch; deleting: in a request; done: deleted (by us or someone
   * else); failed: reported in `failed`.
   */
  state: 'listing' | 'waiting' | 'ready' | 'deleting' | 'done' | 'failed';
  remaining: number;
  /** Why its children could not be listed: deleting it is still tried (it may have none). */
  listError?: ZkError;
  /** A node that gained children meanwhile is listed and emptied again, once; nodes found then are not. */
  mayRelist: boolean;
}

function asZkError(error: unknown, path: string): ZkError {
  return error instanceof ZkError ? error : new ZkError('SYSTEMERROR', 'delete', path, String(error));
}

/**
 * Deletes a subtree bottom-up while it is still being listed: a node is deleted once every child it
 * was listed with is gone, so leaves go while the walk is still on its way down, and no level waits
 * for another. Ready nodes are deleted in multi batches (under jute.maxbuffer, DELETE_BATCH_OPS at
 * most): one proposal and one round trip per batch instead of one per node. A batch the server
 * refuses as a whole is not lost: the node it names is handled by its error, and the rest, rolled
 * back, are deleted one by one, each with its own outcome.
 *
 * Outcomes per node: a node deleted by someone else meanwhile counts as done; a node that gained
 * children meanwhile is listed and emptied again, once; a node whose children could not be listed
 * is still tried (it may have none) and else reported with the listing's reason; every other
 * failure (NOAUTH...) is reported with its path and reason, and its ancestors as kept. Deletes use
 * no version: the user asked for everything below the node, whatever its data became meanwhile.
 * Never throws for per-node failures. A root that does not exist is reported as one NONODE failure
 * with nothing deleted (another client may have deleted it already); only an invalid root throws.
 */
export async function deleteTree(client: ZkClient, root: string, options: DeleteTreeOptions = {}): Promise<DeleteTreeReport> {
  const problem = validatePath(root);
  if (problem) throw new ZkError('INVALIDPATH', 'delete', root, problem);
  // A level of 1,000 leaves in flight at 32 waited on 31 batches of round trips; the server queues
  // up to 1,000 requests per connection by itself (globalOutstandingLimit), so the bound is only a
  // guard on memory here, as the explorer's stats are (STAT_CONCURRENCY).
  const requested = options.concurrency ?? DELETE_CONCURRENCY;
  const concurrency = Number.isNaN(requested) ? 1 : Math.max(1, Math.min(Math.floor(requested), 4096));
  const batchOps = Math.max(1, Math.floor(options.batchOps ?? DELETE_BATCH_OPS) || 1);
  const batchBytes = client.maxPacketBytes - BATCH_RESERVE;
  // Each path goes out with the connection's chroot in front of it.
  const chrootBytes = Buffer.byteLength(client.chroot ?? '');
  const signal = options.signal;
  const report: DeleteTreeReport = { deleted: 0, total: 0, cancelled: false, failed: [] };
  if (signal?.aborted) return { ...report, cancelled: true };

  const nodes: DeleteNode[] = [];
  const toList: DeleteNode[] = [];
  const ready: DeleteNode[] = [];
  /** Nodes of a rolled-back batch, deleted one request each. */
  const singles: DeleteNode[] = [];
  let listing = 0;
  let deletingSingly = 0;
  let batches = 0;
  let flushScheduled = false;
  let rootMissing = false;
  let reported = 0;
  /** Reports when more nodes are gone than last reported (a batch reports once for all its nodes). */
  const progress = (): void => {
    if (report.deleted === reported) return;
    reported = report.deleted;
    options.onProgress?.({ deleted: report.deleted, total: report.total });
  };

  const add = (path: string, parent: DeleteNode | undefined, mayRelist: boolean): DeleteNode => {
    const node: DeleteNode = { path, parent, state: 'listing', remaining: 0, mayRelist };
    nodes.push(node);
    report.total++;
    toList.push(node);
    return node;
  };

  const done = (node: DeleteNode): void => {
    node.state = 'done';
    report.deleted++;
    const parent = node.parent;
    if (parent && parent.state === 'waiting' && --parent.remaining === 0) becomeReady(parent);
  };

  const fail = (node: DeleteNode, code: string, message: string): void => {
    node.state = 'failed';
    report.failed.push({ path: node.path, code, message });
  };

  const becomeReady = (node: DeleteNode): void => {
    if (node.path === '/') {
      node.state = 'done'; // the root of everything is never deleted (callers refuse it before)
      return;
    }
    node.state = 'ready';
    ready.push(node);
  };

  /** What the server said about deleting one node (no error: deleted). */
  const settle = (node: DeleteNode, error?: ZkError): void => {
    if (!error || error.code === 'NONODE') done(node);
    else if (connectionLost(error)) {
      report.stopped ??= { code: error.code, message: error.message };
      fail(node, error.code, error.message);
    } else if (error.code === 'NOTEMPTY' && node.listError) fail(node, node.listError.code, node.listError.message);
    else if (error.code === 'NOTEMPTY' && node.mayRelist) {
      // Children appeared after it was listed (a client registering, a lock contender): empty it again, once.
      node.mayRelist = false;
      node.state = 'listing';
      toList.unshift(node);
    } else fail(node, error.code, error.message);
  };

  const list = async (node: DeleteNode): Promise<void> => {
    let children: string[];
    try {
      ({ children } = await retryingTransient(() => client.getChildren(node.path)));
    } catch (error) {
      const zkError = asZkError(error, node.path);
      // The root's first listing: it is not there (a relisted root that vanished was deleted by someone else).
      if (zkError.code === 'NONODE' && node.parent === undefined && node.mayRelist) {
        rootMissing = true;
        node.state = 'done';
      } else if (zkError.code === 'NONODE') done(node); // deleted by someone else meanwhile (with what was below it)
      else if (connectionLost(zkError)) report.stopped ??= { code: zkError.code, message: zkError.message };
      else {
        node.listError = zkError;
        becomeReady(node);
      }
      return;
    }
    if (children.length === 0) return becomeReady(node);
    node.state = 'waiting';
    node.remaining = children.length;
    // Below a node listed again after gaining children, nothing is relisted again.
    for (const child of children) add(joinPath(node.path, child), node, node.mayRelist);
  };

  const deleteSingly = async (node: DeleteNode): Promise<void> => {
    try {
      await retryingTransient(() => client.delete(node.path));
      settle(node);
    } catch (error) {
      settle(node, asZkError(error, node.path));
    }
  };

  const deleteBatch = async (batch: DeleteNode[]): Promise<void> => {
    if (batch.length === 1) return deleteSingly(batch[0]);
    try {
      await retryingTransient(() => client.multi(batch.map((node) => ({ type: 'delete' as const, path: node.path }))));
      for (const node of batch) done(node);
    } catch (error) {
      const zkError = asZkError(error, batch[0].path);
      const results = Array.isArray(zkError.details.results) ? (zkError.details.results as { error?: string }[]) : undefined;
      const culprit = results?.findIndex((result) => result.error !== undefined && result.error !== 'RUNTIMEINCONSISTENCY') ?? -1;
      if (connectionLost(zkError)) {
        for (const node of batch) settle(node, zkError);
        return;
      }
      // The batch was rolled back as a whole. The operation the server named is settled by its own
      // error (as if deleted singly); the others are deleted one by one, each with its own outcome.
      batch.forEach((node, index) => {
        if (index === culprit) settle(node, new ZkError(results![index].error!, 'delete', node.path));
        else singles.push(node);
      });
    }
  };

  /** Takes the next batch from `ready`: as many as fit in one request. */
  const takeBatch = (): DeleteNode[] => {
    const batch: DeleteNode[] = [];
    let bytes = 0;
    while (ready.length > 0 && batch.length < batchOps) {
      const size = chrootBytes + Buffer.byteLength(ready[0].path) + BATCH_OP_OVERHEAD;
      if (batch.length > 0 && bytes + size > batchBytes) break;
      bytes += size;
      batch.push(ready.shift()!);
    }
    for (const node of batch) node.state = 'deleting';
    return batch;
  };

  /** A throw from onProgress: the deletion stops starting work and deleteTree throws it at the end. */
  let callbackError: Error | undefined;
  const stopping = (): boolean => signal?.aborted === true || report.stopped !== undefined || callbackError !== undefined;
  await new Promise<void>((resolve) => {
    let finished = false;
    const track = (work: Promise<void>, release: () => void): void => {
      void work
        .catch(() => undefined) // every request settles its nodes itself; nothing else can fail here
        .then(() => {
          release();
          try {
            progress();
          } catch (error) {
            callbackError ??= error instanceof Error ? error : new Error(String(error));
          }
          pump();
        });
    };
    const flush = (): void => {
      flushScheduled = false;
      while (!stopping() && ready.length > 0 && batches < BATCHES_IN_FLIGHT) {
        batches++;
        track(deleteBatch(takeBatch()), () => batches--);
      }
      pump();
    };
    const pump = (): void => {
      if (finished) return;
      if (!stopping()) {
        while (listing < concurrency && toList.length > 0) {
          listing++;
          track(list(toList.shift()!), () => listing--);
        }
        while (deletingSingly < concurrency && singles.length > 0) {
          deletingSingly++;
          const node = singles.shift()!;
          node.state = 'deleting';
          track(deleteSingly(node), () => deletingSingly--);
        }
        // Ready nodes wait for this turn of the event loop to end, so that the answers that came in
        // together (one socket read) make one batch, and for a free batch slot.
        if (ready.length > 0 && batches < BATCHES_IN_FLIGHT && !flushScheduled) {
          flushScheduled = true;
          setImmediate(flush);
        }
      }
      if (listing === 0 && batches === 0 && deletingSingly === 0 && !flushScheduled) {
        finished = true;
        resolve();
      }
    };
    add(root, undefined, true);
    pump();
  });

  if (callbackError !== undefined) throw callbackError;
  if (rootMissing) {
    return { deleted: 0, total: 0, cancelled: false, failed: [{ path: root, code: 'NONODE', message: new ZkError('NONODE', 'delete', root).message }] };
  }
  const left = nodes.filter((node) => node.state !== 'done' && node.state !== 'failed');
  if (left.length > 0 && signal?.aborted && !report.stopped) {
    report.cancelled = true;
    return report;
  }
  // Deepest first, as they would have been deleted: a node kept because of one below it, or never tried.
  left.sort((a, b) => b.path.split('/').length - a.path.split('/').length);
  for (const node of left) {
    if (report.stopped) fail(node, report.stopped.code, t('Did not try to delete "{0}": the deletion stopped when the connection to ZooKeeper was lost ({1}).', node.path, report.stopped.code));
    else fail(node, 'NOTEMPTY', t('Kept "{0}" because a node below it could not be deleted.', node.path));
  }
  return report;
}
