import type { ZkClient } from '../zk/client';
import { forEachLimit } from '../zk/concurrency';
import { joinPath, sortChildren } from '../zk/paths';
import type { ZnodeStat } from '../zk/stat';
import { ChildListing } from './childListing';

/** Stats are fetched only for the shown page, with this many requests in flight. */
export const STAT_CONCURRENCY = 256;

/** One getChildren for all names (ZooKeeper has no paged listing); the tree then shows pages of it. */
export async function listChildren(client: ZkClient, path: string, onChildrenChanged?: () => void): Promise<ChildListing> {
  const { children, stat } = await client.getChildren(path, onChildrenChanged && (() => onChildrenChanged()));
  return new ChildListing(sortChildren(children), stat);
}

/**
 * Grows the listing to (at least) one page and fetches the stats that page still lacks, pipelined.
 * Children deleted since the listing are left out. Returns the names to show, in order, with stats.
 */
export async function loadPage(
  client: ZkClient,
  path: string,
  listing: ChildListing,
  pageSize: number,
): Promise<{ entries: { name: string; stat: ZnodeStat }[]; remaining: number }> {
  listing.showPage(pageSize);
  const { names, remaining } = listing.page();
  const stats = listing.stats;
  const missing = names.filter((name) => !stats.has(name));
  await forEachLimit(missing, STAT_CONCURRENCY, async (name) => {
    const stat = await client.exists(joinPath(path, name));
    if (stat) stats.set(name, stat);
  });
  const entries = names.flatMap((name) => {
    const stat = stats.get(name);
    return stat ? [{ name, stat }] : [];
  });
  return { entries, remaining };
}
