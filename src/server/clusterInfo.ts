// What the server knows about the clusters, asked from the extension and cached: children for
// completion (until the extension says a watch fired), existence and descriptions for a few seconds.
import {
  CHILDREN_REQUEST,
  CONNECTIONS_REQUEST,
  DESCRIBE_REQUEST,
  EXISTS_REQUEST,
  type ChildrenParams,
  type ChildrenResult,
  type ConnectionsResult,
  type DescribeParams,
  type DescribeResult,
  type ExistsParams,
  type ExistsResult,
  type InvalidateParams,
} from './protocol';
import type { ChildrenAnswer } from './script';

/** The one call the cache needs from the LSP connection (a seam for tests without VS Code). */
export type SendRequest = <R>(method: string, params?: unknown) => Promise<R>;

const SHORT_LIVED_MS = 5000;
const MAX_SHORT_LIVED = 1000;
const MAX_PREFIXES = 200;

/** A zookeeper/children answer for one prefix; `answer` once it arrived. */
interface PrefixEntry {
  value: Promise<ChildrenAnswer | undefined>;
  answer?: ChildrenAnswer;
}

interface Timed<T> {
  value: Promise<T>;
  at: number;
}

export class ClusterInfo {
  /** Per connection and path, the answers per typed prefix (lowercased). */
  private readonly children = new Map<string, Map<string, PrefixEntry>>();
  private readonly exists = new Map<string, Timed<boolean | undefined>>();
  private readonly descriptions = new Map<string, Timed<string | undefined>>();
  private connectionList: Timed<ConnectionsResult> | undefined;
  /** The configured connection the last children request found not connected, if that was its answer. */
  lastNotConnected: string | undefined;
  /** Answers served from the cache / asked from the extension (for tests and the completion bench). */
  readonly stats = { hits: 0, requests: 0 };

  constructor(
    private readonly send: SendRequest,
    private readonly now: () => number = Date.now,
  ) {}

  private static key(connection: string | undefined, path: string): string {
    return `${connection ?? ''}::${path}`;
  }

  /**
   * The children of `path` starting with `prefix` (ignoring case): at most the extension's limit,
   * sorted, with how many match in all. An answer that was not cut serves every longer prefix too
   * (filtered here), so typing into a short list asks nothing more; a cut one is asked again with
   * each longer prefix, since the names it left out may be the ones that match.
   */
  childrenOf(connection: string | undefined, path: string, prefix = ''): Promise<ChildrenAnswer | undefined> {
    const key = ClusterInfo.key(connection, path);
    const lower = prefix.toLowerCase();
    let byPrefix = this.children.get(key);
    const cached = byPrefix?.get(lower);
    if (cached) {
      this.stats.hits++;
      return cached.value;
    }
    for (let n = lower.length - 1; byPrefix && n >= 0; n--) {
      const shorter = byPrefix.get(lower.slice(0, n))?.answer;
      if (shorter && shorter.total === shorter.names.length) {
        this.stats.hits++;
        const names = shorter.names.filter((name) => name.length >= lower.length && name.slice(0, lower.length).toLowerCase() === lower);
        const answer = { names, total: names.length };
        byPrefix.set(lower, { value: Promise.resolve(answer), answer });
        return Promise.resolve(answer);
      }
    }
    this.stats.requests++;
    const params: ChildrenParams = { path, ...(connection ? { connection } : {}), ...(prefix ? { prefix } : {}) };
    const entry: PrefixEntry = {
      value: this.send<ChildrenResult>(CHILDREN_REQUEST, params).then(
        (r) => {
          // Not found or not connected is not worth keeping: the next keystroke asks again.
          if (r.children === null) this.forget(key, lower, entry);
          if (r.notConnected && r.connection) this.lastNotConnected = r.connection;
          else if (r.children !== null) this.lastNotConnected = undefined;
          if (r.children === null) return undefined;
          entry.answer = { names: r.children, total: r.total ?? r.children.length };
          return entry.answer;
        },
        () => {
          this.forget(key, lower, entry); // not a newer entry made after an invalidation
          return undefined;
        },
      ),
    };
    if (!byPrefix) this.children.set(key, (byPrefix = new Map<string, PrefixEntry>()));
    // Every prefix typed leaves an entry: a node typed into for long starts over.
    if (byPrefix.size >= MAX_PREFIXES) byPrefix.clear();
    byPrefix.set(lower, entry);
    return entry.value;
  }

  private forget(key: string, prefix: string, entry: PrefixEntry): void {
    const byPrefix = this.children.get(key);
    if (byPrefix?.get(prefix) === entry) byPrefix.delete(prefix);
  }

  existsOf(connection: string | undefined, path: string): Promise<boolean | undefined> {
    return this.timed(this.exists, connection, path, async () => {
      const params: ExistsParams = { paths: [path], ...(connection ? { connection } : {}) };
      const [answer] = await this.send<ExistsResult>(EXISTS_REQUEST, params);
      return answer ?? undefined;
    });
  }

  describe(connection: string | undefined, path: string): Promise<string | undefined> {
    return this.timed(this.descriptions, connection, path, async () => {
      const params: DescribeParams = { path, ...(connection ? { connection } : {}) };
      return (await this.send<DescribeResult>(DESCRIBE_REQUEST, params)) ?? undefined;
    });
  }

  /**
   * The configured connections. Asked for by the directive's completion and by every check of a
   * script (an unknown `# connection:` name): kept for a few seconds so typing does not ask on each
   * key; a failed request is not kept.
   */
  connections(): Promise<ConnectionsResult> {
    const cached = this.connectionList;
    if (cached && this.now() - cached.at < SHORT_LIVED_MS) return cached.value;
    const value = this.send<ConnectionsResult>(CONNECTIONS_REQUEST).catch(() => {
      this.connectionList = undefined;
      return [];
    });
    this.connectionList = { value, at: this.now() };
    return value;
  }

  private timed<T>(map: Map<string, Timed<T | undefined>>, connection: string | undefined, path: string, ask: () => Promise<T | undefined>): Promise<T | undefined> {
    const key = ClusterInfo.key(connection, path);
    const cached = map.get(key);
    if (cached && this.now() - cached.at < SHORT_LIVED_MS) return cached.value;
    // Every prefix typed leaves an entry: drop the expired ones now and then.
    if (map.size > MAX_SHORT_LIVED) for (const [k, v] of map) if (this.now() - v.at >= SHORT_LIVED_MS) map.delete(k);
    const value = ask().catch(() => undefined);
    map.set(key, { value, at: this.now() });
    return value;
  }

  /** The extension says a node's children changed (or a connection went away): forget what depends on it. */
  invalidate(params: InvalidateParams): void {
    // A connection added, removed or renamed: the names are asked for again.
    if (params.connection === undefined) this.connectionList = undefined;
    for (const map of [this.children, this.exists, this.descriptions] as Map<string, unknown>[]) {
      for (const key of [...map.keys()]) {
        const at = key.indexOf('::');
        const connection = key.slice(0, at);
        const path = key.slice(at + 2);
        // '' is "the active connection", which may be the one that changed.
        const connectionMatches = params.connection === undefined || connection === '' || connection === params.connection;
        const pathMatches = params.path === undefined || path === params.path || (map !== this.children && (path.startsWith(`${params.path}/`) || params.path === '/'));
        if (connectionMatches && pathMatches) map.delete(key);
      }
    }
  }
}
