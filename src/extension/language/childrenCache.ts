import type { ZkClient } from '../../zk/client';
import { isZkError } from '../../zk/errors';
import { sortChildren } from '../../zk/paths';
import { matchChildren, type MatchedChildren } from './matchChildren';

interface Entry {
  /** As ZooKeeper sent them: a completion sorts only the few it sends (matchChildren), not all. */
  children: Promise<string[] | undefined>;
  /** The session the watch was set on: after a new session the entry cannot be trusted. */
  sessionId: bigint;
}

/**
 * Children of znodes for completion, read once and kept until a one-shot children watch says they
 * changed (then `onInvalidate` tells the language server to forget its copy too). Bounded: the
 * oldest entries go first.
 */
export class ChildrenCache {
  private readonly entries = new Map<string, Entry>();
  /** Keys whose children watch is set on this session and has not fired: a re-read needs no second watch. */
  private readonly armed = new Map<string, bigint>();

  constructor(
    private readonly onInvalidate: (connection: string, path: string) => void,
    private readonly maxEntries = 500,
  ) {}

  /** Sorted child names, or undefined when the node does not exist. */
  async children(connection: string, client: ZkClient, path: string): Promise<string[] | undefined> {
    const names = await this.names(connection, client, path);
    return names && sortChildren(names);
  }

  /** The first `limit` children starting with `prefix` (ignoring case), sorted, and how many match; undefined when the node does not exist. */
  async matching(connection: string, client: ZkClient, path: string, prefix: string, limit: number): Promise<MatchedChildren | undefined> {
    const names = await this.names(connection, client, path);
    return names && matchChildren(names, prefix, limit);
  }

  /** The child names in ZooKeeper's order (shared: never modify), or undefined when the node does not exist. */
  private names(connection: string, client: ZkClient, path: string): Promise<string[] | undefined> {
    const key = `${connection}::${path}`;
    const cached = this.entries.get(key);
    if (cached && cached.sessionId === client.sessionId) {
      this.entries.delete(key); // keep the map in least-recently-used order
      this.entries.set(key, cached);
      return cached.children;
    }
    const sessionId = client.sessionId;
    const watched = this.armed.get(key) === sessionId;
    if (!watched) this.armed.set(key, sessionId);
    const listing = watched
      ? client.getChildren(path)
      : client.getChildren(path, () => {
          if (this.armed.get(key) === sessionId) this.armed.delete(key);
          this.invalidate(connection, path);
        });
    const children = listing.then(
      (r) => r.children,
      (error: unknown) => {
        this.entries.delete(key);
        if (!watched) this.armed.delete(key);
        if (isZkError(error, 'NONODE')) return undefined;
        throw error;
      },
    );
    this.entries.set(key, { children, sessionId });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value!;
      this.entries.delete(oldest);
      // Its watch may never be looked at again: have the server forget its copy as well.
      const at = oldest.indexOf('::');
      this.onInvalidate(oldest.slice(0, at), oldest.slice(at + 2));
    }
    return children;
  }

  invalidate(connection: string, path: string): void {
    if (this.entries.delete(`${connection}::${path}`)) this.onInvalidate(connection, path);
  }

  clear(connection?: string): void {
    for (const map of [this.entries, this.armed] as Map<string, unknown>[]) {
      for (const key of [...map.keys()]) if (!connection || key.startsWith(`${connection}::`)) map.delete(key);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
