import type { ZkClient } from '../zk/client';
import { forEachLimit } from '../zk/concurrency';
import { joinPath, sortChildren } from '../zk/paths';
import type { ZnodeStat } from '../zk/stat';
import { ChildListing } from './childListing';

/** Stats are fetched only for the rows shown, with this many requests in flight. */
export const STAT_CONCURRENCY = 256;

/** One getChildren for all names (ZooKeeper has no paged listing); the tree then shows them directly or in ranges. */
export async function listChildren(client: ZkClient, path: string, onChildrenChanged?: () => void): Promise<ChildListing> {
  const { children, stat } = await client.getChildren(path, onChildrenChanged && (() => onChildrenChanged()));
  return new ChildListing(sortChildren(children), stat);
}

/**
 * Fetches the stats of `names` the listing still lacks, pipelined, and returns those names with
 * their stats, in order. Children deleted since the listing are left out.
 */
export async function loadStats(client: ZkClient, path: string, listing: ChildListing, names: readonly string[]): Promise<{ name: string; stat: ZnodeStat }[]> {
  const stats = listing.stats;
  const missing = names.filter((name) => !stats.has(name));
  await forEachLimit(missing, STAT_CONCURRENCY, async (name) => {
    const stat = await client.exists(joinPath(path, name));
    if (stat) stats.set(name, stat);
  });
  return names.flatMap((name) => {
    const stat = stats.get(name);
    return stat ? [{ name, stat }] : [];
  });
}
