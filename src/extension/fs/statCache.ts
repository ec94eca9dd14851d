import type { ZkClient } from '../../zk/client';
import { ZkError } from '../../zk/errors';
import type { ZnodeStat } from '../../zk/stat';

/** What stat() reports that only the node's data tells. */
export interface DataFacts {
  /** Length of the view's rendering. */
  size: number;
  /** Text view only: the data is not safe to edit as text, so the file is read-only. */
  binary: boolean;
}

export interface StatAndFacts {
  stat: ZnodeStat;
  facts: DataFacts;
}

const MAX_ENTRIES = 1000;

/**
 * DataFacts per uri, learned from a getData and reused while the node is provably the same, so that
 * stat() (which VS Code calls often) costs an exists() instead of reading up to 1 MB.
 *
 * "The same" is the same session and the same czxid, mzxid and aversion. mzxid is the zxid of the
 * transaction that last wrote the data (a re-created node has a new czxid and mzxid too), so the facts,
 * and the size VS Code builds its etag from, are exactly what a fresh read would give. The session and
 * the aversion keep the getData's permission check valid: exists() checks no ACL, and a node this
 * session may no longer read still fails stat() with NoPermissions, as before.
 */
export class StatCache {
  private readonly entries = new Map<string, { identity: string; facts: DataFacts }>();

  /** The node's stat and its data's facts; reads the data only when they are not known for this very node. */
  async statNode(client: ZkClient, key: string, path: string, learn: (data: Uint8Array) => DataFacts): Promise<StatAndFacts> {
    const entry = this.entries.get(key);
    if (entry) {
      const stat = await existsAsRead(client, path);
      if (stat && entry.identity === identity(client, stat)) {
        this.entries.delete(key);
        this.entries.set(key, entry);
        return { stat, facts: entry.facts };
      }
    }
    // Changed, gone (getData then fails as stat() always did) or never read.
    const { data, stat } = await client.get(path);
    const facts = learn(data);
    this.entries.delete(key);
    this.entries.set(key, { identity: identity(client, stat), facts });
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    return { stat, facts };
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}

function identity(client: ZkClient, stat: ZnodeStat): string {
  return `${client.sessionId}:${stat.czxid}:${stat.mzxid}:${stat.aversion}`;
}

/** exists(), failing with the sentence getData gives ("Could not read …"), as stat() did when it read the data. */
async function existsAsRead(client: ZkClient, path: string): Promise<ZnodeStat | undefined> {
  try {
    return await client.exists(path);
  } catch (error) {
    if (!(error instanceof ZkError) || error.operation !== 'check') throw error;
    throw new ZkError(error.code, 'read', error.path, error.message.replace(/^Could not check\b/, 'Could not read'), error.details);
  }
}
