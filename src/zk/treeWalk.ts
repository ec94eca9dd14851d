import type { ZkClient } from './client';
import { isZkError, ZkError } from './errors';
import { isAncestor, sortChildren, validatePath } from './paths';
import type { ZnodeStat } from './stat';

export interface TreeWalkOptions {
  /** What the walk is for, in error messages ("scan", "search"). */
  operation?: string;
  roots: readonly string[];
  /** The deepest level visited (a root is 0): above it children are listed, at it only the stat is read. */
  visitDepth: number;
  maxNodes: number;
  concurrency: number;
  signal: AbortSignal | undefined;
  /** Children in sequence-aware name order (paths.sortChildren) instead of the server's arbitrary order: for output people read and diff. */
  sorted?: boolean;
  /** A node below a root this session may not read (NOAUTH): it is not visited, nothing below it is walked. */
  onUnreadable?: (path: string) => void;
  /** Each node visited; `children` is undefined at `visitDepth`. */
  visit: (path: string, depth: number, stat: ZnodeStat, children: string[] | undefined) => void;
}

export interface TreeWalkOutcome {
  truncated: boolean;
  cancelled: boolean;
  missingRoots: string[];
}

/** Roots as given, checked, without duplicates and without roots inside other roots. */
export function normalizeRoots(roots: readonly string[], operation = 'scan'): string[] {
  for (const root of roots) {
    const problem = validatePath(root);
    if (problem) throw new ZkError('INVALIDPATH', operation, root, problem);
  }
  const unique = [...new Set(roots)];
  return unique.filter((root) => !unique.some((other) => isAncestor(other, root)));
}

/**
 * A breadth-first walk with `concurrency` requests in flight: each slot takes the next path from a
 * FIFO of paths (not of promises) as soon as its reply is handled, so a slot reuses its handlers and a
 * node costs one request and no closures. Nodes that vanish (NONODE) are skipped, and so are nodes
 * below a root that may not be listed (NOAUTH); other errors end the walk. Aborting resolves at once; later replies are ignored.
 */
export function walkTree(client: ZkClient, options: TreeWalkOptions): Promise<TreeWalkOutcome> {
  const roots = normalizeRoots(options.roots, options.operation);
  const { visitDepth, maxNodes, signal, visit } = options;
  const concurrency = Number.isNaN(options.concurrency) ? 1 : Math.max(1, Math.min(Math.floor(options.concurrency), 4096));
  return new Promise<TreeWalkOutcome>((resolve, reject) => {
    let paths: string[] = [...roots];
    let depths: number[] = roots.map(() => 0);
    let head = 0;
    let inFlight = 0;
    let issued = 0;
    let finished = false;
    const missing = new Set<string>();

    const finish = (error: unknown, cancelled: boolean): void => {
      if (finished) return;
      finished = true;
      signal?.removeEventListener('abort', onAbort);
      if (error !== undefined) reject(error instanceof Error ? error : new Error(typeof error === 'string' ? error : 'unknown failure'));
      else resolve({ truncated: head < paths.length, cancelled, missingRoots: roots.filter((r) => missing.has(r)) });
    };
    const onAbort = (): void => finish(undefined, true);

    const pump = (): void => {
      while (!finished && inFlight < concurrency && head < paths.length && issued < maxNodes) {
        const slot = free.pop()!;
        slot.start(paths[head], depths[head]);
        head++;
        inFlight++;
        issued++;
      }
      // Amortized O(1) per node: drop the visited prefix once it is the larger half.
      if (head > 16384 && head * 2 > paths.length) {
        paths = paths.slice(head);
        depths = depths.slice(head);
        head = 0;
      }
      if (inFlight === 0) finish(undefined, false);
    };

    const makeSlot = (): { start: (path: string, depth: number) => void } => {
      let path = '';
      let depth = 0;
      const done = (stat: ZnodeStat | undefined, children: string[] | undefined): void => {
        if (finished) return;
        inFlight--;
        free.push(slot);
        try {
          if (stat !== undefined) {
            if (children !== undefined) {
              if (options.sorted) children = sortChildren(children);
              const prefix = path === '/' ? '/' : `${path}/`;
              const childDepth = depth + 1;
              for (let i = 0; i < children.length; i++) {
                paths.push(prefix + children[i]);
                depths.push(childDepth);
              }
            }
            visit(path, depth, stat, children);
          } else if (depth === 0) {
            missing.add(path);
          }
          pump();
        } catch (error) {
          finish(error, false);
        }
      };
      const listed = (reply: { children: string[]; stat: ZnodeStat }): void => done(reply.stat, reply.children);
      const statted = (stat: ZnodeStat | undefined): void => done(stat, undefined);
      const failed = (error: unknown): void => {
        if (isZkError(error, 'NOAUTH') && depth > 0) {
          if (!finished) options.onUnreadable?.(path);
          done(undefined, undefined);
        } else if (isZkError(error, 'NONODE')) done(undefined, undefined);
        else finish(error, false);
      };
      const slot = {
        start: (next: string, nextDepth: number): void => {
          path = next;
          depth = nextDepth;
          if (nextDepth < visitDepth) void client.getChildren(next).then(listed, failed);
          else void client.exists(next).then(statted, failed);
        },
      };
      return slot;
    };

    const free = Array.from({ length: concurrency }, makeSlot);
    if (signal?.aborted) return finish(undefined, true);
    signal?.addEventListener('abort', onAbort, { once: true });
    pump();
  });
}
