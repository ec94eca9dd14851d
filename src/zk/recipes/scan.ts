import type { ZkClient } from '../client';
import { forEachLimit } from '../concurrency';
import { isZkError, ZkError } from '../errors';
import { isAncestor, sequenceOf, validatePath } from '../paths';
import type { ZnodeStat } from '../stat';
import { analyzeNode } from './analyze';
import type { RecipeAnalysis } from './types';

export interface ScanProgress {
  visited: number;
  candidates: number;
  found: number;
}

export interface ScanOptions {
  /** Absolute paths to scan below; one that does not exist is reported in `missingRoots` (also when it lies inside another root, which is walked as part of it). */
  roots: string[];
  /** How many levels below a root a recipe node may sit (0: only the root itself). */
  maxDepth: number;
  /** Znodes visited at most (default 100,000); beyond it the scan stops and reports `truncated`. */
  maxNodes?: number;
  /** Requests in flight at once (default 256). */
  concurrency?: number;
  /** Aborting stops issuing requests; the scan resolves at once with what it found, `cancelled: true`. */
  signal?: AbortSignal;
  /** At most every 100 ms, and once at the end. */
  onProgress?: (progress: ScanProgress) => void;
}

export interface FoundRecipe {
  path: string;
  analysis: RecipeAnalysis;
}

export interface ScanResult {
  /** Sorted by path. */
  recipes: FoundRecipe[];
  visited: number;
  truncated: boolean;
  cancelled: boolean;
  missingRoots: string[];
  /** Every ephemeral node the walk saw, by owning session. */
  ephemeralsBySession: Map<bigint, string[]>;
  durationMs: number;
}

export const DEFAULT_MAX_NODES = 100_000;
export const DEFAULT_SCAN_CONCURRENCY = 256;
/** Recipe nodes analyzed at once; each analysis has up to 32 reads of its own in flight. */
const ANALYSES_IN_FLIGHT = 8;
const PROGRESS_INTERVAL_MS = 100;

/** Children that make a node a recipe on their own: Curator's semaphores and kazoo's LockingQueue. */
function isShape(children: readonly string[]): boolean {
  if (children.length === 1) return children[0] === 'leases';
  if (children.length !== 2) return false;
  const [a, b] = children;
  return (a === 'leases' && b === 'locks') || (a === 'locks' && b === 'leases') || (a === 'entries' && b === 'taken') || (a === 'taken' && b === 'entries');
}
const SHAPE_CHILDREN = new Set(['leases', 'locks', 'entries', 'taken']);

const parentOf = (path: string): string => path.slice(0, path.lastIndexOf('/')) || '/';
const nameOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/**
 * Finds coordination recipes below `roots` without reading every node's data: a breadth-first walk
 * marks candidates (a child with a sequence suffix, an ephemeral child, or the children of a Curator
 * semaphore or kazoo LockingQueue), then only the candidates are analyzed. kazoo Counters (a leaf
 * whose data is a number) are therefore never found: telling them apart would mean reading every leaf.
 */
export async function scanRecipes(client: ZkClient, options: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const { maxDepth, signal } = options;
  if (!(maxDepth >= 0)) throw new ZkError('INVALIDARGUMENT', 'scan', undefined, `The scan depth must be 0 or more; got ${maxDepth}.`);
  const candidates = new Set<string>();
  const shaped = new Set<string>();
  const ephemeralsBySession = new Map<bigint, string[]>();
  const recipes: FoundRecipe[] = [];
  let visited = 0;
  let lastProgress = started;
  const progress = (force: boolean): void => {
    if (!options.onProgress) return;
    const now = performance.now();
    if (!force && now - lastProgress < PROGRESS_INTERVAL_MS) return;
    lastProgress = now;
    options.onProgress({ visited, candidates: candidates.size, found: recipes.length });
  };

  const walk = await walkTree(client, {
    roots: options.roots,
    visitDepth: maxDepth + 1,
    maxNodes: options.maxNodes ?? DEFAULT_MAX_NODES,
    concurrency: options.concurrency ?? DEFAULT_SCAN_CONCURRENCY,
    signal,
    visit: (path, depth, stat, children) => {
      visited++;
      const owner = stat.ephemeralOwner;
      if (owner !== 0n) {
        const paths = ephemeralsBySession.get(owner);
        if (paths) paths.push(path);
        else ephemeralsBySession.set(owner, [path]);
        if (depth > 0) candidates.add(parentOf(path));
      }
      if (children !== undefined && children.length > 0) {
        if (isShape(children)) {
          candidates.add(path);
          shaped.add(path);
        } else {
          for (let i = 0; i < children.length; i++) {
            if (sequenceOf(children[i]) !== undefined) {
              candidates.add(path);
              break;
            }
          }
        }
      }
      progress(false);
    },
  });

  let cancelled = walk.cancelled;
  if (!cancelled) {
    // The leases/locks of a semaphore and the entries/taken of a LockingQueue belong to the parent's
    // recipe (analyzeNode descends into them): analyzed on their own only if the parent was not recognized.
    const nested: string[] = [];
    const first: string[] = [];
    for (const path of candidates) (shaped.has(parentOf(path)) && SHAPE_CHILDREN.has(nameOf(path)) ? nested : first).push(path);
    const analyze = async (path: string): Promise<void> => {
      try {
        const analysis = await analyzeNode(client, path);
        // A counter here is a recipe node whose participants all left (a kazoo Semaphore keeps a number).
        if (analysis.kind !== 'unknown' && analysis.kind !== 'counter') recipes.push({ path, analysis });
      } catch (error) {
        if (!isZkError(error, 'NONODE') && !isZkError(error, 'NOAUTH')) throw error;
      }
      progress(false);
    };
    cancelled = await untilAborted(forEachLimit(first, ANALYSES_IN_FLIGHT, analyze, signal), signal);
    if (!cancelled && nested.length > 0) {
      const recognized = new Set(recipes.map((r) => r.path));
      const rest = nested.filter((path) => !recognized.has(parentOf(path)));
      cancelled = await untilAborted(forEachLimit(rest, ANALYSES_IN_FLIGHT, analyze, signal), signal);
    }
  }
  progress(true);
  const found = recipes.slice().sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  // A root inside another root is walked as part of it, but a typo there must still be reported.
  const walked = normalizeRoots(options.roots);
  const nestedRoots = [...new Set(options.roots)].filter((root) => !walked.includes(root));
  const missingNested = cancelled ? [] : (await Promise.all(nestedRoots.map(async (root) => ((await client.exists(root)) ? undefined : root)))).filter((r): r is string => r !== undefined);
  const missingRoots = options.roots.filter((root, i) => options.roots.indexOf(root) === i && (walk.missingRoots.includes(root) || missingNested.includes(root)));
  return { recipes: found, visited, truncated: walk.truncated, cancelled, missingRoots, ephemeralsBySession, durationMs: performance.now() - started };
}

export interface FindEphemeralsOptions {
  /** Default ['/']. */
  roots?: string[];
  maxNodes?: number;
  concurrency?: number;
  signal?: AbortSignal;
}

export interface FindEphemeralsResult {
  /** An entry for each session asked for (an empty list when it owns nothing), paths sorted. */
  bySession: Map<bigint, string[]>;
  visited: number;
  truncated: boolean;
  /** The signal stopped the walk: `bySession` holds what was found until then. */
  cancelled: boolean;
}

/** The ephemeral nodes that `sessionIds` own below `roots` (the server only lists a session's own: this walks the tree). */
export async function findEphemerals(client: ZkClient, sessionIds: readonly bigint[], options: FindEphemeralsOptions = {}): Promise<FindEphemeralsResult> {
  const bySession = new Map(sessionIds.map((id) => [id, [] as string[]]));
  let visited = 0;
  const walk = await walkTree(client, {
    roots: options.roots ?? ['/'],
    visitDepth: Infinity,
    maxNodes: options.maxNodes ?? DEFAULT_MAX_NODES,
    concurrency: options.concurrency ?? DEFAULT_SCAN_CONCURRENCY,
    signal: options.signal,
    visit: (path, _depth, stat) => {
      visited++;
      if (stat.ephemeralOwner !== 0n) bySession.get(stat.ephemeralOwner)?.push(path);
    },
  });
  for (const paths of bySession.values()) paths.sort();
  return { bySession, visited, truncated: walk.truncated, cancelled: walk.cancelled };
}

/** Resolves true as soon as `signal` aborts (leaving `work` to finish unobserved), else false once `work` is done. */
async function untilAborted(work: Promise<void>, signal: AbortSignal | undefined): Promise<boolean> {
  if (!signal) {
    await work;
    return false;
  }
  if (signal.aborted) {
    work.catch(() => undefined);
    return true;
  }
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<true>((resolve) => (onAbort = () => resolve(true)));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await Promise.race([work.then(() => false), aborted]);
    if (result) work.catch(() => undefined);
    return result;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

interface WalkOptions {
  roots: readonly string[];
  /** The deepest level visited (a root is 0): above it children are listed, at it only the stat is read. */
  visitDepth: number;
  maxNodes: number;
  concurrency: number;
  signal: AbortSignal | undefined;
  /** Each node visited; `children` is undefined at `visitDepth`. */
  visit: (path: string, depth: number, stat: ZnodeStat, children: string[] | undefined) => void;
}

interface WalkOutcome {
  truncated: boolean;
  cancelled: boolean;
  missingRoots: string[];
}

/** Roots as given, checked, without duplicates and without roots inside other roots. */
function normalizeRoots(roots: readonly string[]): string[] {
  for (const root of roots) {
    const problem = validatePath(root);
    if (problem) throw new ZkError('INVALIDPATH', 'scan', root, problem);
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
function walkTree(client: ZkClient, options: WalkOptions): Promise<WalkOutcome> {
  const roots = normalizeRoots(options.roots);
  const { visitDepth, maxNodes, signal, visit } = options;
  const concurrency = Number.isNaN(options.concurrency) ? 1 : Math.max(1, Math.min(Math.floor(options.concurrency), 4096));
  return new Promise<WalkOutcome>((resolve, reject) => {
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
        if (isZkError(error, 'NONODE') || (isZkError(error, 'NOAUTH') && depth > 0)) done(undefined, undefined);
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
