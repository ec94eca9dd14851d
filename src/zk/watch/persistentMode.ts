import type { PersistentWatch, WatchEvent } from '../client';
import { walkQueue } from '../concurrency';
import { isZkError } from '../errors';
import { joinPath } from '../paths';
import { NOOP, type WatchEngine, type WatchMode } from './engine';
import { fromStat, type ActiveWatch, type Detected, type NodeState, type Observed, type ReadReason, type ReadToken } from './nodeState';
import type { WatchEventType } from './types';

/** Requests in flight while a subtree is loaded or re-read (initially, after a reconnect, for a new session). */
export const WALK_CONCURRENCY = 32;

/**
 * Persistent watches (ZooKeeper 3.6+, addWatch): a record is emitted the moment the notification
 * arrives. The server sends one notification per change, so versions follow from counting them; the
 * data of the new version is read right after and delivered through onDidCapture. Reads are pipelined
 * behind the notifications on the same connection: a read's answer reflects every change whose
 * notification arrived before it, so comparing versions tells whether something was missed.
 * Captures of a subtree's many nodes share the engine's CaptureBudget.
 */
export class PersistentMode implements WatchMode {
  readonly arms = false;

  constructor(
    private readonly engine: WatchEngine,
    private readonly seed: (w: ActiveWatch) => boolean,
    private readonly subtreePreloadNodes: number,
  ) {}

  async start(w: ActiveWatch): Promise<void> {
    const { engine } = this;
    const mode = w.spec.kind === 'subtree' ? 'persistentRecursive' : 'persistent';
    const reason: ReadReason = this.seed(w) ? 'reconnect' : 'initial';
    // addWatch is queued first and the reads right behind it: nothing can change unseen in between.
    const added = engine.client.addWatch(w.root, mode, (event) => this.onNotification(w, event));
    const load = w.spec.kind === 'subtree' ? this.walk(w, reason) : engine.readNode(w, engine.node(w, w.root), reason);
    let handle: PersistentWatch;
    try {
      handle = await added;
    } catch (error) {
      engine.discard(w, false);
      await load.catch(NOOP);
      w.nodes.clear();
      throw error;
    }
    if (w.disposed) {
      await handle.remove().catch(NOOP);
      return;
    }
    w.handle = handle;
    await load;
  }

  private onNotification(w: ActiveWatch, event: WatchEvent): void {
    if (w.disposed || this.engine.disposed) return;
    const { type, path } = event;
    if (type === 'watchRemoved') return;
    // A data or children watch is on its root only; a subtree watch learns of children from each child's own notification.
    if (w.spec.kind === 'subtree' ? type === 'childrenChanged' : path !== w.root) return;
    this.engine.dispatch(w, this.engine.node(w, path), type);
  }

  afterDataNotification(w: ActiveWatch, node: NodeState, type: Exclude<WatchEventType, 'childrenChanged'>): void {
    if (type === 'deleted') {
      // Its data and children watches both fired; the node is gone (a new one is announced by its parent).
      if (w.spec.kind === 'subtree' && node.path !== w.root && !node.dataRead) w.nodes.delete(node.path);
      return;
    }
    this.capture(w, node);
  }

  readAgain(w: ActiveWatch, node: NodeState): void {
    this.capture(w, node);
  }

  afterChangeFound(w: ActiveWatch, node: NodeState, observed: Observed): void {
    if (observed.exists && observed.data === undefined) this.capture(w, node);
  }

  afterReadWithNotifications(w: ActiveWatch, node: NodeState): void {
    // A newer version was announced while reading: its data is still to be read.
    if (node.last && node.last.version !== node.version) this.capture(w, node);
  }

  loadFound(w: ActiveWatch, node: NodeState): void {
    // Subtrees are walked, not listed, in this mode; a found node is read like a captured one.
    this.engine.track(w, this.engine.readData(w, node, 'initial', false));
  }

  resyncSubtree(w: ActiveWatch, reason: 'reconnect' | 'session'): Promise<void> {
    return this.walk(w, reason);
  }

  /** Reads the data of the version a record announced (bounded for subtrees). */
  private capture(w: ActiveWatch, node: NodeState): void {
    const { engine } = this;
    if (node.dataRead) return; // its answer covers this notification or is followed by another read
    // A data watch's node has at most one read in flight, whatever the rate; a subtree's many nodes share the bounds.
    if (w.spec.kind === 'subtree' && !engine.budget.admits()) {
      // Behind: the record goes out without data; the node's newest version is read when there is room.
      engine.stats.capturesSkipped++;
      engine.budget.defer(node, {
        state: () => {
          if (node.dataRead) return 'wait';
          const wanted = !w.disposed && w.nodes.get(node.path) === node && node.exists === true && node.data === undefined && node.last !== undefined;
          return wanted ? 'ready' : 'drop';
        },
        read: () => void engine.readData(w, node, 'event', false),
      });
      return;
    }
    void engine.readData(w, node, 'event', false);
  }

  /**
   * Lists the subtree breadth-first (getChildren gives each node's stat), reading the data of the first
   * nodes too. After a reconnect or a new session, differences are reported, and known nodes that were
   * not found (and not touched since the walk began) are reported deleted.
   */
  private async walk(w: ActiveWatch, reason: ReadReason): Promise<void> {
    const { engine } = this;
    const startedAt = engine.cache.touch();
    const seen = new Set<string>();
    let preload = reason === 'initial' ? this.subtreePreloadNodes : 0;
    let failed = false;
    const visit = async (path: string): Promise<string[]> => {
      if (w.disposed) return [];
      seen.add(path);
      const node = engine.node(w, path);
      if (reason !== 'initial' && node.exists === undefined && path !== w.root) node.announce ??= reason;
      const token: ReadToken = { notifications: 0 };
      node.dataRead = token;
      const wantData = preload > 0 && (node.dataLength === undefined || node.dataLength <= engine.maxCapturedBytes);
      if (wantData) preload--;
      let observed: Observed;
      let children: string[] = [];
      try {
        engine.stats.reads += wantData ? 2 : 1;
        const [listing, read] = await Promise.all([
          engine.client.getChildren(path),
          wantData
            ? engine.client.get(path).catch((error: unknown) => {
                if (isZkError(error, 'NONODE')) return undefined;
                throw error;
              })
            : undefined,
        ]);
        const data = read && read.stat.version === listing.stat.version && read.data.length <= engine.maxCapturedBytes ? read.data : undefined;
        observed = fromStat(listing.stat, data);
        children = listing.children;
      } catch (error) {
        if (isZkError(error, 'NONODE')) {
          observed = { exists: false };
        } else {
          failed = true;
          if (node.dataRead === token) node.dataRead = undefined;
          engine.readFailed(w, node, error, NOOP);
          return [];
        }
      }
      if (w.disposed) return [];
      if (node.dataRead === token) {
        node.dataRead = undefined;
        engine.onDataObserved(w, node, observed, reason, token.notifications);
      }
      return children.map((name) => joinPath(path, name));
    };
    await walkQueue([w.root], WALK_CONCURRENCY, visit);
    if (reason === 'initial' || failed || w.disposed) return;
    const detected: Detected = reason === 'session' ? 'session' : 'reconnect';
    for (const node of [...w.nodes.values()]) {
      if (seen.has(node.path) || node.touched > startedAt || node.path === w.root || !node.exists) continue;
      engine.forget(w, node, detected);
    }
  }
}
