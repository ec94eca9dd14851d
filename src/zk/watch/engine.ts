import type { WatchEvent, ZkClient } from '../client';
import { errorMessage, isZkError } from '../errors';
import { Emitter } from '../events';
import { joinPath, parentPath, baseName } from '../paths';
import { CaptureBudget } from './captureBudget';
import { fromStat, sameState, snapshotOf, type ActiveWatch, type Detected, type NodeState, type Observed, type ReadReason, type ReadToken, VersionCache } from './nodeState';
import type { DataSnapshot, WatchCapture, WatchEventRecord, WatchEventType, WatchManagerOptions, WatchNotice } from './types';
import { t } from '../l10n';

const RETRY_DELAY_MS = 500;
const MAX_RETRIES = 5;

/** Seq is unique across managers in this process: the event log keys entries by it. */
let lastSeq = 0;
export const now = (): number => performance.timeOrigin + performance.now();
/** The one listener of every one-shot watch this manager sets: events are taken from onAnyWatchEvent. */
export const NOOP = (): void => undefined;

/** Counters for tests and benchmarks. */
export interface WatchStats {
  /** Server notifications handled. */
  notifications: number;
  records: number;
  gaps: number;
  /** Reads issued (loads, re-arms, captures, re-reads). */
  reads: number;
  /** Captures put off because captureConcurrency reads were in flight or maxCapturesPerSecond was reached. */
  capturesSkipped: number;
  captures: number;
  /** The most capture reads that were in flight at once (never above captureConcurrency). */
  capturePeak: number;
}

/**
 * What differs between persistent watches (addWatch) and one-shot watches re-armed by reading: how a
 * watch is set, what follows a notification or a read, and how a subtree is read again after a
 * reconnect. Everything else (reading, comparing, reporting) is the engine's and shared.
 */
export interface WatchMode {
  /** Whether reads set one-shot watches (re-arming is done by reading). */
  readonly arms: boolean;
  /** Sets the watch on the server and loads what it covers. */
  start(w: ActiveWatch): Promise<void>;
  /** After a created / deleted / dataChanged notification was reported. */
  afterDataNotification(w: ActiveWatch, node: NodeState, type: Exclude<WatchEventType, 'childrenChanged'>): void;
  /** A data read was inconclusive (notifications came meanwhile, some maybe after its answer). */
  readAgain(w: ActiveWatch, node: NodeState): void;
  /** A read found a change that no notification told (or a node seen for the first time by reading). */
  afterChangeFound(w: ActiveWatch, node: NodeState, observed: Observed, recreated: boolean): void;
  /** Notifications came while a conclusive read was in flight. */
  afterReadWithNotifications(w: ActiveWatch, node: NodeState): void;
  /** A node a subtree's listing found for the first time. */
  loadFound(w: ActiveWatch, node: NodeState): void;
  /** Reads a subtree again after a reconnect or a new session. */
  resyncSubtree(w: ActiveWatch, reason: 'reconnect' | 'session'): Promise<void>;
}

/**
 * The version cache and what it does with reads: reading a node (and arming it in one-shot mode),
 * comparing what was read with what was known, and reporting the difference as WatchEventRecords
 * with the versions (and, when small enough, the data) before and after.
 */
export class WatchEngine {
  private readonly eventEmitter = new Emitter<WatchEventRecord>();
  private readonly noticeEmitter = new Emitter<WatchNotice>();
  private readonly captureEmitter = new Emitter<WatchCapture>();
  readonly onEvent = this.eventEmitter.event;
  readonly onNotice = this.noticeEmitter.event;
  readonly onDidCapture = this.captureEmitter.event;

  readonly watches = new Map<string, ActiveWatch>();
  readonly cache: VersionCache;
  readonly budget: CaptureBudget<NodeState>;
  /** Set by the manager once it knows which kind of watch the server has. */
  mode!: WatchMode;
  disposed = false;
  /** Paths with records of a kind of detection, collected while a reconnect or session re-read runs. */
  readonly changedDuring = new Map<Detected, Set<string>>();
  readonly stats: WatchStats = { notifications: 0, records: 0, gaps: 0, reads: 0, capturesSkipped: 0, captures: 0, capturePeak: 0 };

  constructor(
    readonly client: ZkClient,
    readonly options: WatchManagerOptions,
    readonly maxCapturedBytes: number,
    maxCacheBytes: number,
    captureConcurrency: number,
    capturesPerSecond: number,
  ) {
    this.cache = new VersionCache(maxCacheBytes);
    this.budget = new CaptureBudget(captureConcurrency, capturesPerSecond);
  }

  /** Watched nodes known (for subtrees: every node of the subtree seen). */
  get watchedNodeCount(): number {
    let count = 0;
    for (const w of this.watches.values()) count += w.nodes.size;
    return count;
  }

  dispose(): void {
    this.disposed = true;
    this.budget.dispose();
    this.eventEmitter.dispose();
    this.noticeEmitter.dispose();
    this.captureEmitter.dispose();
  }

  /** Stops a watch's work: its reads' answers are ignored from now on, and its cached data released. */
  discard(w: ActiveWatch, forever = true): void {
    w.disposed = true;
    for (const node of w.nodes.values()) this.cache.release(node);
    if (forever) w.nodes.clear();
  }

  node(w: ActiveWatch, path: string): NodeState {
    let node = w.nodes.get(path);
    if (!node) {
      node = this.cache.newNode(path);
      w.nodes.set(path, node);
    }
    return node;
  }

  track(w: ActiveWatch, work: Promise<void>): void {
    const tracked = work.catch(NOOP).finally(() => w.pending.delete(tracked));
    w.pending.add(tracked);
  }

  /** Waits until the loads of a watch (and the loads they started) are done. */
  async settle(w: ActiveWatch): Promise<void> {
    while (w.pending.size > 0 && !w.disposed) await Promise.all([...w.pending]);
  }

  // ---- notifications ------------------------------------------------------------------------

  /** created / deleted / dataChanged of a node: reported at once, with the versions that follow from it. */
  onDataNotification(w: ActiveWatch, node: NodeState, type: Exclude<WatchEventType, 'childrenChanged'>): void {
    const time = now();
    const before = snapshotOf(node);
    let after: DataSnapshot | undefined;
    this.cache.release(node);
    node.mzxid = undefined;
    if (type === 'dataChanged') {
      if (node.exists === true && node.version !== undefined) {
        node.version += 1;
        after = { version: node.version };
      } else {
        node.exists = true;
        node.version = undefined;
      }
    } else if (type === 'created') {
      node.exists = true;
      node.version = 0;
      node.czxid = undefined;
      node.dataLength = undefined;
      after = { version: 0 };
    } else {
      node.exists = false;
      node.version = undefined;
      node.czxid = undefined;
      node.dataLength = undefined;
    }
    node.touched = this.cache.touch();
    if (node.dataRead) node.dataRead.notifications++;
    this.emit(w, node, type, 'event', { before, after, time });
    this.mode.afterDataNotification(w, node, type);
  }

  /** childrenChanged (and, for children watches, created / deleted of the node itself): reported once the children are listed. */
  onChildNotification(w: ActiveWatch, node: NodeState): void {
    if (node.childRead) {
      node.childRead.notifications++;
      return;
    }
    node.childNotifications++;
    node.childSince ??= now();
    void this.readChildren(w, node, 'event', this.mode.arms);
  }

  /** A notification of this connection for a path a watch covers, handed to the right side of it. */
  dispatch(w: ActiveWatch, node: NodeState, type: WatchEvent['type']): void {
    if (type === 'watchRemoved') return;
    if (w.spec.kind === 'children') {
      if (type === 'dataChanged') return;
      this.stats.notifications++;
      this.onChildNotification(w, node);
    } else if (type === 'childrenChanged') {
      // A subtree's children are listed only by one-shot watches; persistent ones get each child's own notification.
      if (w.spec.kind !== 'subtree' || !this.mode.arms) return;
      this.stats.notifications++;
      this.onChildNotification(w, node);
    } else {
      this.stats.notifications++;
      this.onDataNotification(w, node, type);
    }
  }

  // ---- reads ---------------------------------------------------------------------------------

  /** The node of a data or children watch, read (and armed, in one-shot mode) as its kind needs. */
  async readNode(w: ActiveWatch, node: NodeState, reason: ReadReason): Promise<void> {
    const arm = this.mode.arms;
    if (w.spec.kind === 'children') await this.readChildren(w, node, reason, arm);
    else await this.readData(w, node, reason, arm);
  }

  async readData(w: ActiveWatch, node: NodeState, reason: ReadReason, arm: boolean): Promise<void> {
    const token: ReadToken = { notifications: 0 };
    node.dataRead = token;
    // A capture of a subtree event: counted against the capture bounds.
    const bounded = !arm && reason === 'event' && w.spec.kind === 'subtree';
    if (bounded) {
      this.budget.begin();
      this.stats.capturePeak = this.budget.peak;
    }
    let observed: Observed;
    try {
      if (arm && reason === 'event') await this.options.hooks?.beforeRearm?.(node.path, 'data');
      if (w.disposed) return;
      this.stats.reads++;
      observed = await this.observeData(w, node, arm);
    } catch (error) {
      if (node.dataRead === token) node.dataRead = undefined;
      this.readFailed(w, node, error, () => void this.readData(w, node, reason, arm));
      return;
    } finally {
      if (bounded) this.budget.end();
    }
    if (w.disposed || node.dataRead !== token) return; // superseded by a newer read
    node.dataRead = undefined;
    if (w.nodes.get(node.path) !== node) return; // dropped meanwhile
    node.retries = 0;
    this.onDataObserved(w, node, observed, reason, token.notifications);
  }

  private async observeData(w: ActiveWatch, node: NodeState, arm: boolean): Promise<Observed> {
    const watch = arm ? NOOP : undefined;
    if (node.dataLength !== undefined && node.dataLength > this.maxCapturedBytes) {
      // Too large to keep: the stat is enough (and exists sets the same data watch).
      const stat = await this.client.exists(node.path, watch);
      return stat ? fromStat(stat) : { exists: false };
    }
    try {
      const { data, stat } = await this.client.get(node.path, watch);
      return fromStat(stat, data.length <= this.maxCapturedBytes ? data : undefined);
    } catch (error) {
      if (!isZkError(error, 'NONODE')) throw error;
      // Gone: watch for its re-creation (a subtree's inner nodes are announced by their parent instead).
      if (!arm || (w.spec.kind === 'subtree' && node.path !== w.root)) return { exists: false };
      const stat = await this.client.exists(node.path, NOOP);
      if (!stat) return { exists: false };
      if (stat.dataLength > this.maxCapturedBytes) return fromStat(stat);
      // Created again in between (exists set a data watch): read its data too.
      const again = await this.client.get(node.path, NOOP).catch(() => undefined);
      return again ? fromStat(again.stat, again.data) : fromStat(stat);
    }
  }

  async readChildren(w: ActiveWatch, node: NodeState, reason: ReadReason, arm: boolean, carried = 0): Promise<void> {
    const token: ReadToken = { notifications: 0 };
    node.childRead = token;
    const notifications = node.childNotifications + carried;
    const time = node.childSince ?? now();
    node.childNotifications = 0;
    node.childSince = undefined;
    let observed: Observed;
    try {
      if (arm && reason === 'event') await this.options.hooks?.beforeRearm?.(node.path, 'children');
      if (w.disposed) return;
      this.stats.reads++;
      observed = await this.observeChildren(w, node, arm);
    } catch (error) {
      if (node.childRead === token) node.childRead = undefined;
      node.childNotifications += notifications;
      this.readFailed(w, node, error, () => void this.readChildren(w, node, reason, arm));
      return;
    }
    if (w.disposed || node.childRead !== token) return;
    node.childRead = undefined;
    if (w.nodes.get(node.path) !== node) return;
    node.retries = 0;
    this.onChildrenObserved(w, node, observed, reason, notifications, token.notifications, time);
    if (token.notifications > 0 && w.nodes.get(node.path) === node) {
      // Some of them may have come after the answer (for a one-shot watch: it fired again). List again.
      void this.readChildren(w, node, 'event', arm, token.notifications);
    }
  }

  private async observeChildren(w: ActiveWatch, node: NodeState, arm: boolean): Promise<Observed> {
    const watch = arm ? NOOP : undefined;
    try {
      const { children, stat } = await this.client.getChildren(node.path, watch);
      return fromStat(stat, undefined, children);
    } catch (error) {
      if (!isZkError(error, 'NONODE')) throw error;
      if (!arm || w.spec.kind !== 'children') return { exists: false }; // a subtree's root is watched by its data side
      const stat = await this.client.exists(node.path, NOOP);
      if (!stat) return { exists: false };
      const { children, stat: again } = await this.client.getChildren(node.path, NOOP); // created in between
      return fromStat(again, undefined, children);
    }
  }

  readFailed(w: ActiveWatch, node: NodeState, error: unknown, retry: () => void): void {
    if (w.disposed || this.disposed) return;
    if (isZkError(error, 'NOAUTH')) {
      if (!w.noAuthReported) {
        w.noAuthReported = true;
        this.notice(
          'warning',
          this.mode.arms
            ? t('Watching {0} ({1}): {2} Changes of such nodes are reported without their data, and one-shot watches cannot be set on them.', w.root, w.spec.kind, errorMessage(error))
            : t('Watching {0} ({1}): {2} Changes of such nodes are reported without their data.', w.root, w.spec.kind, errorMessage(error)),
        );
      }
      return;
    }
    const state = this.client.state;
    if (state !== 'connected' && state !== 'readOnly') return; // re-read when the connection or a new session is back
    if (++node.retries > MAX_RETRIES) {
      this.notice('warning', t('Watching {0} ({1}): could not read {2} after {3} attempts: {4}', w.root, w.spec.kind, node.path, MAX_RETRIES, errorMessage(error)));
      node.retries = 0;
      return;
    }
    setTimeout(() => {
      if (!w.disposed && !this.disposed && w.nodes.get(node.path) === node) retry();
    }, RETRY_DELAY_MS).unref?.();
  }

  // ---- comparing what was read with what was known ------------------------------------------

  onDataObserved(w: ActiveWatch, node: NodeState, observed: Observed, reason: ReadReason, notificationsMeanwhile: number): void {
    const detected: Detected = reason === 'reconnect' || reason === 'session' ? reason : 'gap';
    const isRoot = node.path === w.root;
    if (node.exists === undefined || (node.exists && node.version === undefined && observed.exists)) {
      // Nothing known to compare with: this read tells what is there.
      const announce = node.announce;
      node.announce = undefined;
      this.cache.adopt(node, observed);
      if (announce) {
        // Listed by its parent but maybe gone already: it existed, so it is reported either way.
        this.emit(w, node, 'created', announce, observed.exists ? { after: snapshotOf(observed) } : {});
        if (!observed.exists) this.emit(w, node, 'deleted', announce, {});
      } else {
        this.attachCapture(node, observed, notificationsMeanwhile);
      }
    } else if (sameState(node, observed)) {
      this.cache.adopt(node, observed);
      this.attachCapture(node, observed, notificationsMeanwhile);
    } else if (
      notificationsMeanwhile > 0 &&
      !(node.exists && observed.exists && node.czxid !== undefined && node.czxid === observed.czxid && observed.version! > node.version!)
    ) {
      // Notifications came while reading, some maybe after the answer: inconclusive, read again.
      this.mode.readAgain(w, node);
      return;
    } else {
      const before = snapshotOf(node);
      const after = snapshotOf(observed);
      const recreated = observed.exists && (!node.exists || (node.czxid !== undefined && node.czxid !== observed.czxid));
      if (node.exists && !observed.exists) {
        this.cache.adopt(node, observed);
        this.emit(w, node, 'deleted', detected, { before });
      } else if (!node.exists && observed.exists) {
        this.cache.adopt(node, observed);
        this.emit(w, node, 'created', detected, { after });
      } else if (node.czxid !== undefined && node.czxid !== observed.czxid) {
        this.cache.adopt(node, observed);
        this.emit(w, node, 'deleted', detected, { before });
        this.emit(w, node, 'created', detected, { after });
      } else {
        this.cache.adopt(node, observed);
        this.emit(w, node, 'dataChanged', detected, { before, after });
      }
      this.mode.afterChangeFound(w, node, observed, recreated);
    }
    if (!observed.exists && w.spec.kind === 'subtree' && !isRoot) {
      this.dropNode(w, node, detected, true);
      return;
    }
    if (notificationsMeanwhile > 0 && w.nodes.get(node.path) === node) this.mode.afterReadWithNotifications(w, node);
  }

  private onChildrenObserved(
    w: ActiveWatch,
    node: NodeState,
    observed: Observed,
    reason: ReadReason,
    notifications: number,
    notificationsMeanwhile: number,
    time: number,
  ): void {
    const resync = reason === 'reconnect' || reason === 'session';
    const names = new Set(observed.children ?? []);
    const known = node.children;
    if (w.spec.kind === 'subtree') {
      // The node's own created/deleted/dataChanged come from its data side; here only its children.
      const detected: Detected = resync ? reason : reason === 'initial' ? 'gap' : notifications > 0 ? 'event' : 'gap';
      if (!observed.exists || w.disposed) return;
      node.children = names;
      node.cversion = observed.cversion;
      for (const name of names) {
        const path = joinPath(node.path, name);
        if (w.nodes.has(path)) continue;
        const child = this.node(w, path);
        // Found by listing: announced as created, unless this is the watch's first load.
        const found: Detected | undefined = known !== undefined ? detected : node.discovered !== undefined ? (resync ? reason : 'gap') : resync ? reason : undefined;
        child.announce = child.discovered = found;
        this.mode.loadFound(w, child);
      }
      if (known) {
        for (const name of known) {
          if (names.has(name)) continue;
          const child = w.nodes.get(joinPath(node.path, name));
          if (child) this.dropNode(w, child, detected, true);
        }
      }
      return;
    }

    // children watches
    if (node.exists === undefined && known === undefined) {
      this.cache.adoptChildren(node, observed, names);
      return;
    }
    const conclusive = notificationsMeanwhile === 0;
    const changes =
      node.exists && observed.exists && node.czxid === observed.czxid && node.cversion !== undefined && observed.cversion !== undefined
        ? observed.cversion - node.cversion
        : 1;
    const detected: Detected = resync ? reason : notifications === 0 ? 'gap' : conclusive && changes > notifications ? 'gap' : 'event';
    const extra = notifications > 1 ? { coalesced: notifications } : {};
    const before = snapshotOf(node);
    if (node.exists && !observed.exists) {
      this.cache.adoptChildren(node, observed, names);
      this.emit(w, node, 'deleted', detected, { before, removed: known && known.size > 0 ? [...known] : undefined, time, ...extra });
      return;
    }
    if (!node.exists && observed.exists) {
      this.cache.adoptChildren(node, observed, names);
      this.emit(w, node, 'created', detected, { after: snapshotOf(observed), added: names.size > 0 ? [...names] : undefined, time, ...extra });
      return;
    }
    if (!observed.exists) return;
    if (node.czxid !== undefined && observed.czxid !== node.czxid) {
      this.cache.adoptChildren(node, observed, names);
      this.emit(w, node, 'deleted', detected, { before, removed: known && known.size > 0 ? [...known] : undefined, time });
      this.emit(w, node, 'created', detected, { after: snapshotOf(observed), added: names.size > 0 ? [...names] : undefined, time });
      return;
    }
    const added = [...names].filter((n) => !known?.has(n));
    const removed = known ? [...known].filter((n) => !names.has(n)) : [];
    const cversionMoved = node.cversion !== undefined && observed.cversion !== undefined && observed.cversion !== node.cversion;
    this.cache.adoptChildren(node, observed, names);
    // A child created and deleted again between two listings leaves no name behind, but moves cversion.
    if (added.length > 0 || removed.length > 0 || cversionMoved) this.emit(w, node, 'childrenChanged', detected, { added, removed, time, ...extra });
  }

  /** The data read for the version the last record announced: hand it to whoever shows that record. */
  private attachCapture(node: NodeState, observed: Observed, notificationsMeanwhile: number): void {
    const last = node.last;
    if (!last || !observed.exists || observed.data === undefined) return;
    if (last.version === undefined ? notificationsMeanwhile > 0 : last.version !== observed.version) return;
    node.last = undefined;
    this.stats.captures++;
    this.captureEmitter.fire({ seq: last.seq, path: node.path, after: snapshotOf(observed)! });
  }

  /** A node of a subtree is gone: report it (unless its own notification did) and forget it and everything below. */
  dropNode(w: ActiveWatch, node: NodeState, detected: Detected, report: boolean): void {
    if (node.path !== w.root) w.nodes.get(parentPath(node.path) ?? '')?.children?.delete(baseName(node.path));
    const stack = [node];
    while (stack.length > 0) {
      const current = stack.pop()!;
      if (w.nodes.get(current.path) !== current) continue;
      if (current.children) for (const name of current.children) {
        const child = w.nodes.get(joinPath(current.path, name));
        if (child) stack.push(child);
      }
      if (current.path === w.root) {
        current.children = new Set(); // re-created later: every child it has then is new
        continue;
      }
      const reportThis = current === node ? report && current.exists !== false : current.exists !== false;
      if (reportThis) this.forget(w, current, current === node ? detected : 'gap');
      else {
        this.cache.release(current);
        w.nodes.delete(current.path);
      }
    }
  }

  /** Reports a known node deleted and forgets it. */
  forget(w: ActiveWatch, node: NodeState, detected: Detected): void {
    const before = snapshotOf(node);
    node.exists = false;
    this.emit(w, node, 'deleted', detected, { before });
    this.cache.release(node);
    w.nodes.delete(node.path);
  }

  // ---- output --------------------------------------------------------------------------------

  emit(
    w: ActiveWatch,
    node: NodeState,
    type: WatchEventType,
    detectedBy: Detected,
    extra: { before?: DataSnapshot; after?: DataSnapshot; added?: string[]; removed?: string[]; time?: number; coalesced?: number },
  ): void {
    if (w.disposed || this.disposed) return;
    const record: WatchEventRecord = { seq: ++lastSeq, time: extra.time ?? now(), type, path: node.path, watch: w.spec, detectedBy };
    if (extra.before) record.before = extra.before;
    if (extra.after) record.after = extra.after;
    if (extra.added) record.added = extra.added;
    if (extra.removed) record.removed = extra.removed;
    if (extra.coalesced) record.coalesced = extra.coalesced;
    if (type !== 'childrenChanged') node.last = type === 'deleted' ? undefined : { seq: record.seq, version: extra.after?.version };
    this.stats.records++;
    if (detectedBy === 'gap') this.stats.gaps++;
    this.changedDuring.get(detectedBy)?.add(node.path);
    this.eventEmitter.fire(record);
  }

  notice(level: WatchNotice['level'], message: string, about?: WatchNotice['about']): void {
    if (this.disposed) return;
    this.noticeEmitter.fire({ time: Date.now(), level, message, ...(about ? { about } : {}) });
  }
}
