import type { WatchEvent } from '../client';
import { Limiter } from '../concurrency';
import { type WatchEngine, type WatchMode } from './engine';
import { t } from '../l10n';
import { isWithin, type ActiveWatch, type NodeState, type ReadReason } from './nodeState';
import { WALK_CONCURRENCY } from './persistentMode';
import type { WatchEventType } from './types';

/**
 * One-shot watches (servers before 3.6, or `persistent: false`): every watch is re-armed by a read
 * right after it fired; the read's versions are compared with what the notifications told, and a
 * change made between the event and the re-arm is reported with detectedBy 'gap'. A subtree is a data
 * and a children watch on each of its nodes. The client sets these watches again itself on reconnect
 * (SetWatches), so the server replays what changed meanwhile.
 */
export class OneShotMode implements WatchMode {
  readonly arms = true;
  private readonly loadLimiter = new Limiter(WALK_CONCURRENCY);

  constructor(
    private readonly engine: WatchEngine,
    private readonly seed: (w: ActiveWatch) => boolean,
  ) {}

  async start(w: ActiveWatch): Promise<void> {
    const { engine } = this;
    w.disposed = false;
    const root = engine.node(w, w.root);
    if (w.spec.kind === 'subtree') {
      engine.track(w, this.load(w, root));
      await engine.settle(w);
      engine.notice(
        'info',
        w.nodes.size === 1
          ? t('Watching the subtree {0} with one-shot watches on each of its {1} node (data and children), re-armed after every event; nodes created later are watched as they appear.', w.root, '1')
          : t(
              'Watching the subtree {0} with one-shot watches on each of its {1} nodes (data and children), re-armed after every event; nodes created later are watched as they appear.',
              w.root,
              w.nodes.size.toLocaleString('en-US'),
            ),
      );
    } else {
      await engine.readNode(w, root, this.seed(w) ? 'reconnect' : 'initial');
    }
  }

  /** Every notification on this connection, whoever's watch it was (the server keeps one per path and kind). */
  onNotification(event: WatchEvent): void {
    const { engine } = this;
    if (engine.mode !== this || engine.disposed) return;
    const { path } = event;
    for (const w of engine.watches.values()) {
      if (w.disposed || !(w.spec.kind === 'subtree' ? isWithin(w.root, path) : path === w.root)) continue;
      const node = w.nodes.get(path);
      if (!node) continue; // not (yet) armed by this watch
      engine.dispatch(w, node, event.type);
    }
  }

  afterDataNotification(w: ActiveWatch, node: NodeState, type: Exclude<WatchEventType, 'childrenChanged'>): void {
    if (type === 'deleted' && w.spec.kind === 'subtree') {
      // Its data and children watches both fired; the node is gone (a new one is announced by its parent).
      this.engine.dropNode(w, node, 'gap', false);
      if (node.path !== w.root) return;
    }
    this.rearmData(w, node);
    if (type === 'created' && w.spec.kind === 'subtree') this.rearmChildren(w, node);
  }

  readAgain(w: ActiveWatch, node: NodeState): void {
    void this.engine.readData(w, node, 'event', true);
  }

  afterChangeFound(w: ActiveWatch, node: NodeState, _observed: unknown, recreated: boolean): void {
    // A subtree's root found re-created by reading: its children need their watch too.
    if (node.path === w.root && w.spec.kind === 'subtree' && recreated) this.rearmChildren(w, node);
  }

  afterReadWithNotifications(w: ActiveWatch, node: NodeState): void {
    // The watch armed by this read may have fired already.
    this.rearmData(w, node);
  }

  loadFound(w: ActiveWatch, node: NodeState): void {
    this.engine.track(w, this.load(w, node));
  }

  async resyncSubtree(w: ActiveWatch, reason: 'reconnect' | 'session'): Promise<void> {
    const { engine } = this;
    // Every known node is read (and armed) again; listings announce new nodes and drop gone ones.
    for (const node of [...w.nodes.values()]) {
      engine.track(
        w,
        this.loadLimiter.run(async () => {
          if (w.disposed || w.nodes.get(node.path) !== node) return;
          await Promise.all([engine.readData(w, node, reason, true), engine.readChildren(w, node, reason, true)]);
        }),
      );
    }
    await engine.settle(w);
  }

  private rearmData(w: ActiveWatch, node: NodeState): void {
    if (node.dataRead) return; // re-armed again when that read is answered (it counted this notification)
    void this.engine.readData(w, node, 'event', true);
  }

  private rearmChildren(w: ActiveWatch, node: NodeState): void {
    if (node.childRead) {
      node.childRead.notifications++;
      return;
    }
    void this.engine.readChildren(w, node, 'event', true);
  }

  /** A node of a subtree gets its data and children watches; its children follow. */
  private load(w: ActiveWatch, node: NodeState): Promise<void> {
    return this.loadLimiter.run(async () => {
      if (w.disposed) return;
      const reason: ReadReason = node.announce === 'reconnect' || node.announce === 'session' ? node.announce : 'initial';
      await Promise.all([this.engine.readData(w, node, reason, true), this.engine.readChildren(w, node, reason, true)]);
    });
  }
}
