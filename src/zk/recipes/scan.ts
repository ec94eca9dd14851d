import type { ZkClient } from '../client';
import { forEachLimit } from '../concurrency';
import { isZkError, ZkError } from '../errors';
import { sequenceOf } from '../paths';
import { normalizeRoots, walkTree } from '../treeWalk';
import { analyzeNode } from './analyze';
import type { RecipeAnalysis } from './types';
import { t } from '../l10n';

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
  if (!(maxDepth >= 0)) throw new ZkError('INVALIDARGUMENT', 'scan', undefined, t('The scan depth must be 0 or more; got {0}.', maxDepth));
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
