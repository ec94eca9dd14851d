import type { ZkClient } from './client';
import { forEachLimit, throwIfCancelled } from './concurrency';
import { ZkError } from './errors';
import { joinPath } from './paths';

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

/** Lists a subtree breadth-first with pipelined getChildren calls. Nodes deleted meanwhile are skipped. */
export async function walkSubtree(client: ZkClient, root: string, options: WalkOptions = {}): Promise<WalkResult> {
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
          const { children } = await client.getChildren(path);
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
}

/**
 * Deletes a subtree bottom-up: the deepest level first, each level pipelined with a bound on requests
 * in flight. A node that vanished meanwhile counts as done; a parent that gained children meanwhile is
 * listed and emptied again once. Never throws for per-node failures: they are reported.
 */
export async function deleteTree(client: ZkClient, root: string, options: DeleteTreeOptions = {}): Promise<DeleteTreeReport> {
  const concurrency = options.concurrency ?? 32;
  const report: DeleteTreeReport = { deleted: 0, total: 0, cancelled: false, failed: [] };
  const failedPaths = new Set<string>();

  const deleteLevels = async (paths: string[], allowRetry: boolean): Promise<void> => {
    const byDepth = new Map<number, string[]>();
    for (const path of paths) {
      const depth = path === '/' ? 0 : path.split('/').length - 1;
      byDepth.set(depth, [...(byDepth.get(depth) ?? []), path]);
    }
    const depths = [...byDepth.keys()].sort((a, b) => b - a);
    for (const depth of depths) {
      const retry: string[] = [];
      await forEachLimit(
        byDepth.get(depth)!,
        concurrency,
        async (path) => {
          if ([...failedPaths].some((failed) => failed.startsWith(path + '/'))) {
            failedPaths.add(path);
            report.failed.push({ path, code: 'NOTEMPTY', message: `Kept "${path}" because a node below it could not be deleted.` });
            return;
          }
          try {
            await client.delete(path);
            report.deleted++;
          } catch (error) {
            if (error instanceof ZkError && error.code === 'NONODE') {
              report.deleted++;
            } else if (error instanceof ZkError && error.code === 'NOTEMPTY' && allowRetry) {
              retry.push(path);
              return;
            } else {
              failedPaths.add(path);
              const zkError = error instanceof ZkError ? error : new ZkError('SYSTEMERROR', 'delete', path, String(error));
              report.failed.push({ path, code: zkError.code, message: zkError.message });
            }
          }
          options.onProgress?.({ deleted: report.deleted, total: report.total });
        },
        options.signal,
      );
      for (const path of retry) {
        // Children appeared while we deleted (a client registering, a lock contender): empty it again, once.
        const again = await walkSubtree(client, path, { concurrency, ...(options.signal ? { signal: options.signal } : {}) });
        report.total += again.paths.length - 1;
        await deleteLevels(again.paths, false);
      }
      if (options.signal?.aborted) return;
    }
  };

  try {
    const { paths, failures } = await walkSubtree(client, root, { concurrency, ...(options.signal ? { signal: options.signal } : {}) });
    for (const failure of failures) {
      failedPaths.add(failure.path + '/');
      report.failed.push({ path: failure.path, code: failure.error.code, message: failure.error.message });
    }
    report.total = paths.length;
    options.onProgress?.({ deleted: 0, total: report.total });
    await deleteLevels(
      paths.filter((p) => p !== '/'),
      true,
    );
  } catch (error) {
    if (!(error instanceof ZkError && error.code === 'CANCELLED')) throw error;
  }
  report.cancelled = options.signal?.aborted ?? false;
  return report;
}
