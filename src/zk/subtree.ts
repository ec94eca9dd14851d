import type { ZkClient } from './client';
import { forEachLimit, throwIfCancelled } from './concurrency';
import { isZkError, ZkError } from './errors';
import { joinPath, parentPath, validatePath } from './paths';
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

export interface DeleteProgress {
  deleted: number;
  total: number;
}

export interface DeleteTreeOptions {
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (progress: DeleteProgress) => void;
}

export interface DeleteTreeReport {
  /** Nodes this call deleted. */
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

/**
 * Deletes a subtree bottom-up: the deepest level first, each level pipelined with a bound on requests
 * in flight. A node that vanished meanwhile counts as done; a parent that gained children meanwhile is
 * listed and emptied again once. Never throws for per-node failures: they are reported. A root that
 * does not exist is reported as one NONODE failure with nothing deleted (another client may have
 * deleted it already); only an invalid root path throws.
 */
export async function deleteTree(client: ZkClient, root: string, options: DeleteTreeOptions = {}): Promise<DeleteTreeReport> {
  const problem = validatePath(root);
  if (problem) throw new ZkError('INVALIDPATH', 'delete', root, problem);
  // A level of 1,000 leaves in flight at 32 waited on 31 batches of round trips; the server queues
  // up to 1,000 requests per connection by itself (globalOutstandingLimit), so the bound is only a
  // guard on memory here, as the explorer's stats are (STAT_CONCURRENCY).
  const concurrency = options.concurrency ?? DELETE_CONCURRENCY;
  const signal = options.signal;
  const walkOptions: WalkOptions = signal ? { concurrency, signal } : { concurrency };
  const report: DeleteTreeReport = { deleted: 0, total: 0, cancelled: false, failed: [] };
  /** Nodes that must stay because a node below them could not be deleted. */
  const blocked = new Set<string>();
  /** Nodes whose children could not be listed: deleting them is still tried (they may have none). */
  const unlisted = new Map<string, ZkError>();
  const progress = (): void => options.onProgress?.({ deleted: report.deleted, total: report.total });

  const fail = (path: string, code: string, message: string): void => {
    report.failed.push({ path, code, message });
    for (let p = path; p !== root && p !== '/'; ) {
      p = parentPath(p) ?? '/';
      blocked.add(p);
    }
  };

  const deleteOne = async (path: string, retry: string[] | undefined): Promise<void> => {
    if (report.stopped) {
      fail(path, report.stopped.code, t('Did not try to delete "{0}": the deletion stopped when the connection to ZooKeeper was lost ({1}).', path, report.stopped.code));
    } else if (blocked.has(path)) {
      fail(path, 'NOTEMPTY', t('Kept "{0}" because a node below it could not be deleted.', path));
    } else {
      try {
        await retryingTransient(() => client.delete(path));
        report.deleted++;
      } catch (error) {
        const zkError = error instanceof ZkError ? error : new ZkError('SYSTEMERROR', 'delete', path, String(error));
        const listing = unlisted.get(path);
        if (connectionLost(zkError)) {
          report.stopped ??= { code: zkError.code, message: zkError.message };
          fail(path, zkError.code, zkError.message);
        } else if (zkError.code === 'NONODE') {
          report.deleted++;
        } else if (zkError.code === 'NOTEMPTY' && listing) {
          fail(path, listing.code, listing.message);
        } else if (zkError.code === 'NOTEMPTY' && retry) {
          retry.push(path);
          return;
        } else {
          fail(path, zkError.code, zkError.message);
        }
      }
    }
    progress();
  };

  /** Deletes `paths` deepest first; false when the signal stopped it before it was done. */
  const deleteLevels = async (paths: readonly string[], allowRetry: boolean): Promise<boolean> => {
    const byDepth = new Map<number, string[]>();
    for (const path of paths) {
      if (path === '/') continue;
      const depth = path.split('/').length - 1;
      const level = byDepth.get(depth);
      if (level) level.push(path);
      else byDepth.set(depth, [path]);
    }
    for (const depth of [...byDepth.keys()].sort((a, b) => b - a)) {
      if (signal?.aborted) return false;
      const level = byDepth.get(depth)!;
      const retry: string[] | undefined = allowRetry ? [] : undefined;
      let done = 0;
      await forEachLimit(
        level,
        concurrency,
        async (path) => {
          await deleteOne(path, retry);
          done++;
        },
        signal,
      );
      if (done < level.length) return false;
      for (const path of retry ?? []) {
        // Children appeared while we deleted (a client registering, a lock contender): empty it again, once.
        if (signal?.aborted) return false;
        let again: WalkResult;
        try {
          again = await walkSubtree(client, path, walkOptions);
        } catch (error) {
          if (!isZkError(error, 'NONODE')) throw error;
          report.deleted++; // someone else deleted it (and its new children) meanwhile
          progress();
          continue;
        }
        for (const failure of again.failures) unlisted.set(failure.path, failure.error);
        report.total += again.paths.length - 1;
        if (!(await deleteLevels(again.paths, false))) return false;
      }
    }
    return true;
  };

  try {
    let walk: WalkResult;
    try {
      walk = await walkSubtree(client, root, walkOptions);
    } catch (error) {
      if (!isZkError(error, 'NONODE')) throw error;
      report.failed.push({ path: root, code: 'NONODE', message: new ZkError('NONODE', 'delete', root).message });
      return report;
    }
    for (const failure of walk.failures) unlisted.set(failure.path, failure.error);
    report.total = walk.paths.length;
    progress();
    report.cancelled = !(await deleteLevels(walk.paths, true));
  } catch (error) {
    if (!isZkError(error, 'CANCELLED')) throw error;
    report.cancelled = true;
  }
  return report;
}
