import { formatAcl } from '../acl';
import type { ZkClient } from '../client';
import { forEachLimit } from '../concurrency';
import { isZkError, ZkError } from '../errors';
import { validatePath } from '../paths';
import { pathMatcher } from '../search/matcher';
import type { ZnodeStat } from '../stat';
import { walkTree } from '../treeWalk';
import { relativePath } from './exportFormat';

/** One side of a comparison: a subtree of some connection. */
export interface CompareSide {
  client: ZkClient;
  path: string;
}

export type Difference = 'data' | 'acl' | 'mode';

export interface CompareOptions {
  /** Globs on the path relative to the compared nodes (`locks/**`, `*.tmp`): matching nodes and everything below them are left out. */
  ignorePaths?: string[];
  /** Ephemeral nodes belong to sessions, not to configuration: left out unless false. */
  ignoreEphemeral?: boolean;
  /** Compare ACLs too (two more reads a node; default false: data and mode only). */
  compareAcl?: boolean;
  /** Nodes visited at most on each side (default 100,000); beyond it the comparison stops and says `truncated`. */
  maxNodes?: number;
  signal?: AbortSignal;
  onProgress?: (progress: { phase: 'walking' | 'reading'; done: number; total?: number }) => void;
}

export interface CompareOutcome {
  /** Relative paths ("" is the compared node itself) present only on the other side. */
  added: string[];
  /** Present only on this side. */
  removed: string[];
  changed: { path: string; what: Difference[] }[];
  /** Present on both sides and equal in everything compared. */
  same: number;
  /** Nodes a side could not read (ACL), relative, with the side: not compared, and said so. */
  unreadable: { side: 'this' | 'other'; path: string }[];
  truncated: boolean;
  cancelled: boolean;
}

const READS_IN_FLIGHT = 128;

interface Listing {
  stats: Map<string, ZnodeStat>;
  unreadable: string[];
  truncated: boolean;
  cancelled: boolean;
}

async function list(side: CompareSide, options: CompareOptions, ignored: (rel: string) => boolean, progress: () => void): Promise<Listing> {
  const stats = new Map<string, ZnodeStat>();
  const unreadable: string[] = [];
  const skipped = new Set<string>();
  const walk = await walkTree(side.client, {
    operation: 'compare',
    roots: [side.path],
    visitDepth: Infinity,
    maxNodes: options.maxNodes ?? 100_000,
    concurrency: 256,
    signal: options.signal,
    onUnreadable: (path) => unreadable.push(relativePath(side.path, path)),
    visit: (path, _depth, stat) => {
      const rel = relativePath(side.path, path);
      const parent = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : rel === '' ? undefined : '';
      // Below an ignored node everything is ignored (its listing still happens: walkTree cannot prune).
      if ((parent !== undefined && skipped.has(parent)) || (rel !== '' && ignored(rel)) || (options.ignoreEphemeral !== false && stat.ephemeralOwner !== 0n)) {
        skipped.add(rel);
        return;
      }
      stats.set(rel, stat);
      progress();
    },
  });
  if (walk.missingRoots.length > 0) throw new ZkError('NONODE', 'compare', side.path);
  return { stats, unreadable, truncated: walk.truncated, cancelled: walk.cancelled };
}

const absolute = (root: string, rel: string): string => (rel === '' ? root : root === '/' ? `/${rel}` : `${root}/${rel}`);
const sorted = (values: Iterable<string>): string[] => [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * Compares two subtrees (of the same or two connections): which nodes only one side has, and for the
 * nodes both have, whether data, mode (ephemeral or not) and, on request, ACL differ. Data of equal
 * length is read from both sides and compared byte for byte; data of different length differs without
 * a read. A node that vanishes between the walk and the read counts as present only on the side that
 * still has it.
 */
export async function compareTrees(left: CompareSide, right: CompareSide, options: CompareOptions = {}): Promise<CompareOutcome> {
  for (const side of [left, right]) {
    const problem = validatePath(side.path);
    if (problem) throw new ZkError('INVALIDPATH', 'compare', side.path, problem);
  }
  const patterns = (options.ignorePaths ?? []).filter((p) => p !== '').map((p) => pathMatcher(p.includes('/') && !p.startsWith('/') ? `/${p}` : p, {}));
  const ignored = (rel: string): boolean => patterns.some((matches) => matches(`/${rel}`));
  let walked = 0;
  const walking = (): void => options.onProgress?.({ phase: 'walking', done: ++walked });
  const [mine, theirs] = await Promise.all([list(left, options, ignored, walking), list(right, options, ignored, walking)]);
  const outcome: CompareOutcome = {
    added: sorted([...theirs.stats.keys()].filter((rel) => !mine.stats.has(rel))),
    removed: sorted([...mine.stats.keys()].filter((rel) => !theirs.stats.has(rel))),
    changed: [],
    same: 0,
    unreadable: [...mine.unreadable.map((path) => ({ side: 'this' as const, path })), ...theirs.unreadable.map((path) => ({ side: 'other' as const, path }))],
    truncated: mine.truncated || theirs.truncated,
    cancelled: mine.cancelled || theirs.cancelled,
  };
  if (outcome.cancelled) return outcome;
  const common = sorted([...mine.stats.keys()].filter((rel) => theirs.stats.has(rel)));
  const changed = new Map<string, Difference[]>();
  const vanished = { mine: new Set<string>(), theirs: new Set<string>() };
  let read = 0;
  await forEachLimit(
    common,
    READS_IN_FLIGHT,
    async (rel) => {
      const a = mine.stats.get(rel)!;
      const b = theirs.stats.get(rel)!;
      const what: Difference[] = [];
      try {
        if (a.dataLength !== b.dataLength) what.push('data');
        else if (a.dataLength > 0) {
          const [x, y] = await Promise.all([left.client.get(absolute(left.path, rel)), right.client.get(absolute(right.path, rel))]);
          if (!x.data.equals(y.data)) what.push('data');
        }
        if ((a.ephemeralOwner !== 0n) !== (b.ephemeralOwner !== 0n)) what.push('mode');
        if (options.compareAcl) {
          const [x, y] = await Promise.all([left.client.getACL(absolute(left.path, rel)), right.client.getACL(absolute(right.path, rel))]);
          const spell = (acl: typeof x.acl): string => acl.map(formatAcl).sort().join(',');
          if (spell(x.acl) !== spell(y.acl)) what.push('acl');
        }
      } catch (error) {
        if (!isZkError(error, 'NONODE')) throw error;
        // Which side lost it decides where it is listed now.
        const [onLeft, onRight] = await Promise.all([left.client.exists(absolute(left.path, rel)), right.client.exists(absolute(right.path, rel))]);
        if (!onLeft) vanished.mine.add(rel);
        if (!onRight) vanished.theirs.add(rel);
        return;
      }
      if (what.length > 0) changed.set(rel, what);
      else outcome.same++;
      options.onProgress?.({ phase: 'reading', done: ++read, total: common.length });
    },
    options.signal,
  );
  if (options.signal?.aborted) outcome.cancelled = true;
  for (const rel of vanished.mine) if (!vanished.theirs.has(rel)) outcome.added.push(rel);
  for (const rel of vanished.theirs) if (!vanished.mine.has(rel)) outcome.removed.push(rel);
  outcome.added = sorted(outcome.added);
  outcome.removed = sorted(outcome.removed);
  outcome.changed = sorted(changed.keys()).map((path) => ({ path, what: changed.get(path)! }));
  return outcome;
}
