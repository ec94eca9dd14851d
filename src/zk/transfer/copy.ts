import type { ZkClient } from '../client';
import { forEachLimit } from '../concurrency';
import { isZkError, ZkError } from '../errors';
import { isEphemeral } from '../stat';
import { walkTree } from '../treeWalk';
import { isMasked, relativePath } from './exportFormat';
import type { ImportNode, ImportSource } from './importFormat';
import { t } from '../l10n';

/**
 * A live subtree read as an import source: what "Copy to the other side" plans and applies, through
 * the same planImport/applyImport as a file. Nodes the source session may not read are not silently
 * dropped: they come back in `unreadable`, and the caller puts them in the plan's "left out".
 */
export interface LiveSource {
  source: ImportSource;
  /** Absolute source paths not read (NOAUTH on the node or on listing it), and nodes below them. */
  unreadable: string[];
  /** Absolute source paths of ephemeral nodes, left out. */
  ephemeral: string[];
}

const READS_IN_FLIGHT = 128;

export async function readLiveSource(client: ZkClient, root: string, options: { subtree: boolean; connection?: string; signal?: AbortSignal }): Promise<LiveSource> {
  const paths: string[] = [];
  const unreadable: string[] = [];
  const walk = await walkTree(client, {
    operation: 'copy',
    roots: [root],
    visitDepth: options.subtree ? Infinity : 0,
    maxNodes: 1_000_000,
    concurrency: 256,
    sorted: true,
    signal: options.signal,
    onUnreadable: (path) => unreadable.push(path),
    visit: (path) => paths.push(path),
  });
  if (walk.missingRoots.length > 0) throw new ZkError('NONODE', 'copy', root);
  if (walk.cancelled) throw new ZkError('CANCELLED', 'copy', root);
  const slots: (ImportNode | null)[] = new Array<ImportNode | null>(paths.length).fill(null);
  const ephemeral: string[] = [];
  await forEachLimit(
    paths.map((path, index) => ({ path, index })),
    READS_IN_FLIGHT,
    async ({ path, index }) => {
      try {
        const [{ data, stat }, acl] = await Promise.all([client.get(path), client.getACL(path).then((r) => r.acl, () => undefined)]);
        if (isEphemeral(stat)) {
          ephemeral.push(path);
          return;
        }
        slots[index] = { path: relativePath(root, path), data, mode: 'persistent', ...(acl ? { acl } : {}), ...(acl && isMasked(acl) ? { aclMasked: true } : {}) };
      } catch (error) {
        if (isZkError(error, 'NOAUTH')) unreadable.push(path);
        else if (!isZkError(error, 'NONODE')) throw error;
      }
    },
    options.signal,
  );
  if (options.signal?.aborted) throw new ZkError('CANCELLED', 'copy', root);
  // A node whose parent was not read cannot be created (its parent would be missing): left out, and said so.
  const kept = new Set<string>();
  const nodes: ImportNode[] = [];
  for (let i = 0; i < paths.length; i++) {
    const node = slots[i];
    if (!node) continue;
    const parent = node.path === '' ? undefined : node.path.includes('/') ? node.path.slice(0, node.path.lastIndexOf('/')) : '';
    if (parent !== undefined && !kept.has(parent)) {
      unreadable.push(paths[i]);
      continue;
    }
    kept.add(node.path);
    nodes.push(node);
  }
  if (nodes[0]?.path !== '') throw new ZkError('NOAUTH', 'copy', root, t('Could not copy "{0}": this connection may not read it.', root));
  unreadable.sort();
  ephemeral.sort();
  return { source: { format: 'zookeeper-explorer', source: { ...(options.connection ? { connection: options.connection } : {}), path: root }, nodes }, unreadable, ephemeral };
}
