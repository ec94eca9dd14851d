import type { ZkClient } from '../client';
import { isZkError, ZkError } from '../errors';
import { validatePath } from '../paths';
import type { ZnodeStat } from '../stat';
import { walkTree } from '../treeWalk';
import { hexMatcher, pathMatcher, textMatcher, type DataMatch, type PatternOptions } from './matcher';
import { t } from '../l10n';

export interface SearchQuery extends PatternOptions {
  /** The subtree searched (the root itself included). */
  root: string;
  /** A glob (`*.json`, `/config/**\/db*`) or, with `regex`, a regular expression; empty: every path. */
  pathPattern?: string;
  /** Text (or, with `regex`, a regular expression) looked for in the data, line by line; empty: paths only. */
  dataPattern?: string;
  /** Also search data that is not UTF-8 text, by the pattern's hex digits (`ca fe 01`). */
  binary?: boolean;
}

export interface SearchOptions {
  /** Nodes with a match at most (default 1,000); the search stops there and says `truncated`. */
  maxResults?: number;
  /** Nodes visited at most (default 100,000); beyond it the search stops and says `truncated`. */
  maxNodes?: number;
  /** Levels below the root searched (0: the root only; default unlimited). */
  maxDepth?: number;
  /** Listings in flight at once (default 256); data reads have their own 128. */
  concurrency?: number;
  signal?: AbortSignal;
  /** Each node found, as soon as it is found (so a view can stream them). */
  onResult?: (result: SearchResult) => void;
  /** At most every 100 ms, and once at the end. */
  onProgress?: (progress: { visited: number; found: number }) => void;
}

export interface SearchResult {
  path: string;
  version: number;
  dataLength: number;
  /** Where the data pattern matched (empty when only the path was searched). */
  matches: DataMatch[];
  /** The data is not UTF-8 text: matches are by hex digits. */
  binary?: boolean;
}

export interface SearchOutcome {
  /** Sorted by path. */
  results: SearchResult[];
  visited: number;
  /** A limit (maxResults or maxNodes) stopped the search before it saw everything. */
  truncated: boolean;
  cancelled: boolean;
  /** Nodes whose path matched but which this session may not read (their ACL): not searched, and said so, never silently skipped. */
  unreadable: string[];
  /** Nodes whose data is not UTF-8 text and were not searched (`binary` was off). */
  skippedBinary: number;
  durationMs: number;
}

export const DEFAULT_SEARCH_MAX_RESULTS = 1_000;
export const DEFAULT_SEARCH_MAX_NODES = 100_000;
const DATA_READS_IN_FLIGHT = 128;
const PROGRESS_INTERVAL_MS = 100;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeText(data: Uint8Array): string | undefined {
  try {
    return utf8.decode(data);
  } catch {
    return undefined;
  }
}

const byPath = (a: SearchResult, b: SearchResult): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * Searches a subtree by path and/or data. The walk is the pipelined breadth-first walk the recipe
 * scan uses (listings give each node's stat, so a node without data is never read); data reads run
 * beside it with their own window, so results stream while the walk goes on. A node deleted meanwhile
 * is skipped; one whose data may not be read is reported in `unreadable`.
 */
export async function searchTree(client: ZkClient, query: SearchQuery, options: SearchOptions = {}): Promise<SearchOutcome> {
  const started = performance.now();
  const problem = validatePath(query.root);
  if (problem) throw new ZkError('INVALIDPATH', 'search', query.root, problem);
  const maxResults = options.maxResults ?? DEFAULT_SEARCH_MAX_RESULTS;
  if (!(maxResults >= 1)) throw new ZkError('INVALIDARGUMENT', 'search', query.root, t('The result limit must be 1 or more; got {0}.', maxResults));
  const matchesPath = pathMatcher(query.pathPattern, query);
  const dataPattern = query.dataPattern === '' ? undefined : query.dataPattern;
  const inText = dataPattern === undefined ? undefined : textMatcher(dataPattern, query);
  const inBinary = dataPattern !== undefined && query.binary ? hexMatcher(dataPattern) : undefined;
  // Binary data is also searched for the text's own UTF-8 bytes (a name inside a serialized record).
  const textBytes = dataPattern !== undefined && query.binary && !query.regex ? Buffer.from(dataPattern, 'utf8') : undefined;

  const results: SearchResult[] = [];
  const unreadable: string[] = [];
  let skippedBinary = 0;
  let visited = 0;
  let truncated = false;
  let failure: unknown;
  const stop = new AbortController();
  const onOuterAbort = (): void => stop.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (options.signal?.aborted) stop.abort();

  let lastProgress = started;
  const progress = (force: boolean): void => {
    if (!options.onProgress) return;
    const now = performance.now();
    if (!force && now - lastProgress < PROGRESS_INTERVAL_MS) return;
    lastProgress = now;
    options.onProgress({ visited, found: results.length });
  };
  const found = (result: SearchResult): void => {
    if (results.length >= maxResults) return;
    results.push(result);
    options.onResult?.(result);
    if (results.length >= maxResults) {
      truncated = true;
      stop.abort();
    }
  };

  // Data reads: a FIFO of paths and a fixed window, fed by the walk.
  const queue: string[] = [];
  let head = 0;
  let reading = 0;
  let walkDone = false;
  let settle: () => void = () => undefined;
  const readsDone = new Promise<void>((resolve) => (settle = resolve));
  const finishedReading = (): void => {
    // Once stopped, reads still in flight are not waited for: over a stalled connection a cancel
    // must end the search now, not when those requests time out.
    if (walkDone && (stop.signal.aborted || (reading === 0 && head >= queue.length))) settle();
  };
  const examine = (path: string, data: Buffer, stat: ZnodeStat): void => {
    const text = decodeText(data);
    if (text !== undefined) {
      const matches = inText!(text);
      if (matches.length > 0) found({ path, version: stat.version, dataLength: stat.dataLength, matches });
      return;
    }
    if (!query.binary) {
      skippedBinary++;
      return;
    }
    let matches = inBinary?.(data) ?? [];
    if (matches.length === 0 && textBytes) matches = hexMatcher(textBytes.toString('hex'))!(data);
    if (matches.length > 0) found({ path, version: stat.version, dataLength: stat.dataLength, matches, binary: true });
  };
  const pumpReads = (): void => {
    while (!stop.signal.aborted && reading < DATA_READS_IN_FLIGHT && head < queue.length) {
      const path = queue[head++];
      reading++;
      client.get(path).then(
        ({ data, stat }) => {
          reading--;
          if (!stop.signal.aborted) {
            try {
              examine(path, data, stat);
            } catch (error) {
              failure ??= error;
              stop.abort();
            }
          }
          progress(false);
          pumpReads();
        },
        (error: unknown) => {
          reading--;
          if (isZkError(error, 'NOAUTH')) unreadable.push(path);
          else if (!isZkError(error, 'NONODE')) {
            failure ??= error;
            stop.abort();
          }
          pumpReads();
        },
      );
    }
    if (head > 16384 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    finishedReading();
  };

  const walk = await walkTree(client, {
    operation: 'search',
    roots: [query.root],
    visitDepth: options.maxDepth ?? Infinity,
    maxNodes: options.maxNodes ?? DEFAULT_SEARCH_MAX_NODES,
    concurrency: options.concurrency ?? 256,
    signal: stop.signal,
    onUnreadable: (path) => {
      if (matchesPath(path)) unreadable.push(path);
    },
    visit: (path, _depth, stat) => {
      visited++;
      if (!matchesPath(path)) return;
      if (inText === undefined) found({ path, version: stat.version, dataLength: stat.dataLength, matches: [] });
      else if (stat.dataLength > 0) {
        queue.push(path);
        pumpReads();
      }
      progress(false);
    },
  });
  walkDone = true;
  pumpReads();
  await readsDone;
  options.signal?.removeEventListener('abort', onOuterAbort);
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error('the search failed');
  if (walk.missingRoots.length > 0) throw new ZkError('NONODE', 'search', query.root);
  progress(true);
  const cancelled = options.signal?.aborted === true;
  return {
    results: results.sort(byPath),
    visited,
    truncated: truncated || (walk.truncated && !cancelled),
    cancelled,
    unreadable: unreadable.sort(),
    skippedBinary,
    durationMs: performance.now() - started,
  };
}
