import type { ConnectionState, PersistentWatch, WatchEvent, ZkClient } from '../client';
import { errorMessage, isZkError, ZkError } from '../errors';
import { Emitter, type Disposable } from '../events';
import { baseName, joinPath, parentPath, validatePath } from '../paths';
import type { ZnodeStat } from '../stat';
import type {
  BaselineNode,
  DataSnapshot,
  WatchBaseline,
  WatchCapture,
  WatchEventRecord,
  WatchEventType,
  WatchKind,
  WatchManagerApi,
  WatchManagerOptions,
  WatchNotice,
  WatchSpec,
} from './types';

const KINDS: readonly WatchKind[] = ['data', 'children', 'subtree'];
const DEFAULT_MAX_CAPTURED_BYTES = 64 * 1024;
const DEFAULT_CAPTURE_CONCURRENCY = 32;
const DEFAULT_MAX_CACHE_BYTES = 16 * 1024 * 1024;
const DEFAULT_SUBTREE_PRELOAD_NODES = 1000;
const DEFAULT_MAX_CAPTURES_PER_SECOND = 200;
/** Requests in flight while a subtree is loaded or re-read (initially, after a reconnect, for a new session). */
const WALK_CONCURRENCY = 32;
const RETRY_DELAY_MS = 500;
const MAX_RETRIES = 5;
/** Paths named in a notice about changes found after a reconnect or a new session. */
const NOTICE_PATHS = 5;

type Detected = WatchEventRecord['detectedBy'];
/** Why a node is read: its first load, after a notification, or to catch up after a reconnect or a new session. */
type ReadReason = 'initial' | 'event' | 'reconnect' | 'session';

/** Seq is unique across managers in this process: the event log keys entries by it. */
let lastSeq = 0;
const now = (): number => performance.timeOrigin + performance.now();
/** The one listener of every one-shot watch this manager sets: events are taken from onAnyWatchEvent. */
const NOOP = (): void => undefined;

/** What a read found. */
interface Observed {
  exists: boolean;
  version?: number;
  czxid?: bigint;
  mzxid?: bigint;
  dataLength?: number;
  cversion?: number;
  data?: Uint8Array;
  children?: string[];
}

/** A read in flight: notifications that arrive meanwhile may or may not be reflected in its answer. */
interface ReadToken {
  notifications: number;
}

/** What the manager knows of one node: the version cache. */
interface NodeState {
  readonly path: string;
  /** undefined: not known yet. */
  exists?: boolean;
  version?: number;
  czxid?: bigint;
  mzxid?: bigint;
  dataLength?: number;
  /** The data at `version`, when captured and within the cache's budget. */
  data?: Uint8Array;
  /** children watches, and subtrees in one-shot mode. */
  children?: Set<string>;
  cversion?: number;
  dataRead?: ReadToken;
  childRead?: ReadToken;
  /** Children notifications not yet answered by a listing, and when the first of them arrived. */
  childNotifications: number;
  childSince?: number;
  /** The last record about this node's data, whose `after` may still receive the data. */
  last?: { seq: number; version?: number };
  /** A node found by reading (not by its own notification): announce it as created, detected this way. */
  announce?: Detected;
  /** Found after the watch was set (its children are new too); stays set. */
  discovered?: Detected;
  /** Bumped on every change the manager applies; a walk finds nodes it did not see by it. */
  touched: number;
  retries: number;
}

class ActiveWatch {
  readonly nodes = new Map<string, NodeState>();
  handle?: PersistentWatch;
  disposed = false;
  ready: Promise<void> = Promise.resolve();
  /** Loads in progress (initial load, re-reads, nodes found meanwhile), for waiting until they are done. */
  readonly pending = new Set<Promise<void>>();
  noAuthReported = false;
  constructor(readonly spec: Readonly<WatchSpec>) {}

  get root(): string {
    return this.spec.path;
  }
}

/** At most `max` tasks at once; the rest wait in order. */
class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.max) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // the finishing task hands over its slot
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

function isWithin(root: string, path: string): boolean {
  return path === root || root === '/' || path.startsWith(`${root}/`);
}

function fromStat(stat: ZnodeStat, data?: Uint8Array, children?: string[]): Observed {
  return {
    exists: true,
    version: stat.version,
    czxid: stat.czxid,
    mzxid: stat.mzxid,
    dataLength: stat.dataLength,
    cversion: stat.cversion,
    ...(data !== undefined ? { data } : {}),
    ...(children !== undefined ? { children } : {}),
  };
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Watches on one ZooKeeper client: data, children and subtree watches, reported as WatchEventRecords
 * with the versions (and, when small enough, the data) before and after, or the children added and
 * removed.
 *
 * - Persistent mode (ZooKeeper 3.6+, addWatch): a record is emitted the moment the notification
 *   arrives. The server sends one notification per change, so versions follow from counting them; the
 *   data of the new version is read right after and delivered through onDidCapture. Reads are
 *   pipelined behind the notifications on the same connection: a read's answer reflects every change
 *   whose notification arrived before it, so comparing versions tells whether something was missed.
 * - One-shot mode (older servers, or `persistent: false`): every watch is re-armed by a read right
 *   after it fired; the read's versions are compared with what the notifications told, and a change
 *   made between the event and the re-arm is reported with detectedBy 'gap'.
 * - After a reconnect and after a new session, every watched node is read again (behind the client's
 *   own re-added watches) and differences are reported as 'reconnect' or 'session', with one notice.
 * - Storms: a record per notification, never dropped here; reads for data are bounded
 *   (captureConcurrency) and skipped when behind, and a node has at most one read in flight.
 */
export class WatchManager implements WatchManagerApi {
  private readonly eventEmitter = new Emitter<WatchEventRecord>();
  private readonly noticeEmitter = new Emitter<WatchNotice>();
  private readonly captureEmitter = new Emitter<WatchCapture>();
  readonly onEvent = this.eventEmitter.event;
  readonly onNotice = this.noticeEmitter.event;
  readonly onDidCapture = this.captureEmitter.event;

  private readonly watches = new Map<string, ActiveWatch>();
  private currentMode: 'persistent' | 'one-shot' | 'unknown';
  private detection: Promise<void> | undefined;
  private forcedNoticeSent = false;
  private readonly subscriptions: Disposable[] = [];
  private disposed = false;
  private sessionLost = false;
  private captureInFlight = 0;
  /** Token bucket of capture reads: a storm must not turn into a storm of reads against the ensemble. */
  private captureTokens: number;
  private captureTokensAt = performance.now();
  /** Nodes whose newest version still wants its data, read as the bucket refills (at most one entry per node). */
  private readonly deferred = new Map<NodeState, ActiveWatch>();
  private deferTimer: NodeJS.Timeout | undefined;
  private cacheBytes = 0;
  private touchCounter = 0;
  /** Paths with records of a kind of detection, collected while a reconnect or session re-read runs. */
  private readonly changedDuring = new Map<Detected, Set<string>>();
  private readonly loadLimiter = new Limiter(WALK_CONCURRENCY);

  private readonly maxCapturedBytes: number;
  private readonly captureConcurrency: number;
  private readonly capturesPerSecond: number;
  private readonly captureBurst: number;
  private readonly maxCacheBytes: number;
  private readonly subtreePreloadNodes: number;

  /** Counters for tests and benchmarks. */
  readonly stats = {
    /** Server notifications handled. */
    notifications: 0,
    records: 0,
    gaps: 0,
    /** Reads issued (loads, re-arms, captures, re-reads). */
    reads: 0,
    /** Captures put off because captureConcurrency reads were in flight or maxCapturesPerSecond was reached. */
    capturesSkipped: 0,
    captures: 0,
    /** The most capture reads that were in flight at once (never above captureConcurrency). */
    capturePeak: 0,
  };

  constructor(
    private readonly client: ZkClient,
    private readonly options: WatchManagerOptions = {},
  ) {
    this.currentMode = options.persistent === true ? 'persistent' : options.persistent === false ? 'one-shot' : 'unknown';
    this.maxCapturedBytes = options.maxCapturedBytes ?? DEFAULT_MAX_CAPTURED_BYTES;
    this.captureConcurrency = Math.max(1, options.captureConcurrency ?? DEFAULT_CAPTURE_CONCURRENCY);
    this.capturesPerSecond = Math.max(1, options.maxCapturesPerSecond ?? DEFAULT_MAX_CAPTURES_PER_SECOND);
    this.captureBurst = Math.max(this.captureConcurrency, 2 * this.capturesPerSecond);
    this.captureTokens = this.captureBurst;
    this.maxCacheBytes = options.maxCacheBytes ?? DEFAULT_MAX_CACHE_BYTES;
    this.subtreePreloadNodes = options.subtreePreloadNodes ?? DEFAULT_SUBTREE_PRELOAD_NODES;
    this.subscriptions.push(
      client.onStateChange(({ state, previous }) => this.onStateChange(state, previous)),
      client.onSessionRenewed(() => {
        // The client re-added its persistent watches just before telling us: read behind them.
        this.sessionLost = false;
        void this.resync('session');
      }),
      client.onAnyWatchEvent((event) => this.onOneShotNotification(event)),
    );
  }

  get mode(): 'persistent' | 'one-shot' | 'unknown' {
    return this.currentMode;
  }

  list(): WatchSpec[] {
    return [...this.watches.values()].map((w) => ({ path: w.spec.path, kind: w.spec.kind }));
  }

  /** Watched nodes known to the manager (for subtrees: every node of the subtree it has seen). */
  get watchedNodeCount(): number {
    let count = 0;
    for (const w of this.watches.values()) count += w.nodes.size;
    return count;
  }

  /** Bytes of data held by the version cache. */
  get cachedBytes(): number {
    return this.cacheBytes;
  }

  /** What this manager knows of every watched node: give it to the next manager of these watches (options.baseline). */
  baseline(): WatchBaseline {
    const result = new Map<string, BaselineNode[]>();
    for (const [key, w] of this.watches) {
      if (w.disposed) continue;
      const nodes: BaselineNode[] = [];
      for (const node of w.nodes.values()) {
        if (node.exists === undefined) continue;
        nodes.push({
          path: node.path,
          exists: node.exists,
          ...(node.version !== undefined ? { version: node.version } : {}),
          ...(node.czxid !== undefined ? { czxid: node.czxid } : {}),
          ...(node.mzxid !== undefined ? { mzxid: node.mzxid } : {}),
          ...(node.dataLength !== undefined ? { dataLength: node.dataLength } : {}),
          ...(node.data !== undefined ? { data: node.data } : {}),
          ...(node.children !== undefined ? { children: [...node.children] } : {}),
          ...(node.cversion !== undefined ? { cversion: node.cversion } : {}),
        });
      }
      if (nodes.length > 0) result.set(key, nodes);
    }
    return result;
  }

  /**
   * Fills a new watch's nodes from options.baseline; true when there was something to compare with,
   * so that the first read reports differences as changed while disconnected.
   */
  private seed(w: ActiveWatch): boolean {
    if (this.currentMode === 'one-shot' && w.spec.kind === 'subtree') return false;
    const known = this.options.baseline?.get(`${w.spec.kind}:${w.spec.path}`);
    if (!known || known.length === 0) return false;
    for (const b of known) {
      const node = this.node(w, b.path);
      node.exists = b.exists;
      node.version = b.version;
      node.czxid = b.czxid;
      node.mzxid = b.mzxid;
      node.dataLength = b.dataLength;
      if (b.children) node.children = new Set(b.children);
      node.cversion = b.cversion;
      if (b.data !== undefined && node.data === undefined && this.cacheBytes + b.data.length <= this.maxCacheBytes) {
        node.data = b.data;
        this.cacheBytes += b.data.length;
      }
    }
    return true;
  }

  async add(spec: WatchSpec): Promise<void> {
    if (this.disposed) throw new ZkError('CLOSED', 'watch', spec.path);
    const problem = validatePath(spec.path);
    if (problem) throw new ZkError('INVALIDPATH', 'watch', spec.path, `Could not watch "${spec.path}": ${problem}`);
    if (!KINDS.includes(spec.kind)) {
      throw new ZkError('INVALIDARGUMENT', 'watch', spec.path, `Could not watch "${spec.path}": the kind "${String(spec.kind)}" is not one of ${KINDS.join(', ')}.`);
    }
    const key = `${spec.kind}:${spec.path}`;
    const existing = this.watches.get(key);
    if (existing) return existing.ready;
    const w = new ActiveWatch(Object.freeze({ path: spec.path, kind: spec.kind }));
    this.watches.set(key, w);
    w.ready = this.start(w);
    try {
      await w.ready;
    } catch (error) {
      if (this.watches.get(key) === w) this.watches.delete(key);
      this.discard(w);
      await w.handle?.remove().catch(NOOP);
      throw error;
    }
  }

  async remove(spec: WatchSpec): Promise<void> {
    const key = `${spec.kind}:${spec.path}`;
    const w = this.watches.get(key);
    if (!w) return;
    this.watches.delete(key);
    this.discard(w);
    // Still starting: startPersistent removes the watch itself once addWatch answers.
    await w.handle?.remove().catch(NOOP);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const sub of this.subscriptions) sub.dispose();
    const watches = [...this.watches.values()];
    this.watches.clear();
    for (const w of watches) this.discard(w);
    await Promise.all(watches.map((w) => (w.handle ? w.handle.remove().catch(NOOP) : Promise.resolve())));
    clearTimeout(this.deferTimer);
    this.deferred.clear();
    this.eventEmitter.dispose();
    this.noticeEmitter.dispose();
    this.captureEmitter.dispose();
  }

  // ---- setting watches ----------------------------------------------------------------------

  private async start(w: ActiveWatch): Promise<void> {
    if (this.currentMode === 'unknown' && this.detection) await this.detection.catch(NOOP);
    if (this.currentMode === 'unknown') {
      // This watch finds out whether the server has addWatch.
      const detection = this.startPersistent(w).then(
        () => {
          this.currentMode = 'persistent';
        },
        async (error: unknown) => {
          if (!isZkError(error, 'UNIMPLEMENTED')) throw error;
          this.currentMode = 'one-shot';
          this.notice(
            'warning',
            `This ZooKeeper server does not support persistent watches (addWatch, ZooKeeper 3.6 or newer). Watching with one-shot watches instead, ` +
              're-armed after every event; a change made between an event and the re-arm is found by re-reading the node and reported as found after re-arming.',
          );
          this.discard(w, false);
          await this.startOneShot(w);
        },
      );
      this.detection = detection;
      try {
        await detection;
      } finally {
        if (this.currentMode === 'unknown') this.detection = undefined;
      }
      return;
    }
    if (this.currentMode === 'persistent') return this.startPersistent(w);
    if (this.options.persistent === false && !this.forcedNoticeSent) {
      this.forcedNoticeSent = true;
      this.notice('info', 'Persistent watches are turned off: watching with one-shot watches, re-armed after every event.');
    }
    return this.startOneShot(w);
  }

  private async startPersistent(w: ActiveWatch): Promise<void> {
    const mode = w.spec.kind === 'subtree' ? 'persistentRecursive' : 'persistent';
    const reason: ReadReason = this.seed(w) ? 'reconnect' : 'initial';
    // addWatch is queued first and the reads right behind it: nothing can change unseen in between.
    const added = this.client.addWatch(w.root, mode, (event) => this.onPersistentNotification(w, event));
    const load = w.spec.kind === 'subtree' ? this.walkPersistent(w, reason) : this.readNode(w, this.node(w, w.root), reason);
    let handle: PersistentWatch;
    try {
      handle = await added;
    } catch (error) {
      this.discard(w, false);
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

  private async startOneShot(w: ActiveWatch): Promise<void> {
    w.disposed = false;
    const root = this.node(w, w.root);
    if (w.spec.kind === 'subtree') {
      this.track(w, this.loadOneShot(w, root));
      await this.settle(w);
      this.notice(
        'info',
        `Watching the subtree ${w.root} with one-shot watches on each of its ${plural(w.nodes.size, 'node')} (data and children), re-armed after every event; ` +
          'nodes created later are watched as they appear.',
      );
    } else {
      await this.readNode(w, root, this.seed(w) ? 'reconnect' : 'initial');
    }
  }

  /** Stops a watch's work: its reads' answers are ignored from now on, and its cached data released. */
  private discard(w: ActiveWatch, forever = true): void {
    w.disposed = true;
    for (const node of w.nodes.values()) this.releaseData(node);
    if (forever) w.nodes.clear();
  }

  private node(w: ActiveWatch, path: string): NodeState {
    let node = w.nodes.get(path);
    if (!node) {
      node = { path, childNotifications: 0, touched: ++this.touchCounter, retries: 0 };
      w.nodes.set(path, node);
    }
    return node;
  }

  private track(w: ActiveWatch, work: Promise<void>): void {
    const tracked = work.catch(NOOP).finally(() => w.pending.delete(tracked));
    w.pending.add(tracked);
  }

  /** Waits until the loads of a watch (and the loads they started) are done. */
  private async settle(w: ActiveWatch): Promise<void> {
    while (w.pending.size > 0 && !w.disposed) await Promise.all([...w.pending]);
  }

  // ---- notifications ------------------------------------------------------------------------

  private onPersistentNotification(w: ActiveWatch, event: WatchEvent): void {
    if (w.disposed || this.disposed) return;
    const { type, path } = event;
    if (type === 'watchRemoved') return;
    if (w.spec.kind === 'children') {
      if (path !== w.root || type === 'dataChanged') return;
      this.stats.notifications++;
      this.onChildNotification(w, this.node(w, path));
      return;
    }
    if (type === 'childrenChanged') return;
    if (w.spec.kind === 'data' && path !== w.root) return;
    this.stats.notifications++;
    this.onDataNotification(w, this.node(w, path), type);
  }

  /** One-shot mode: every notification on this connection, whoever's watch it was (the server keeps one per path and kind). */
  private onOneShotNotification(event: WatchEvent): void {
    if (this.currentMode !== 'one-shot' || this.disposed) return;
    const { type, path } = event;
    if (type === 'watchRemoved') return;
    for (const w of this.watches.values()) {
      if (w.disposed || !(w.spec.kind === 'subtree' ? isWithin(w.root, path) : path === w.root)) continue;
      const node = w.nodes.get(path);
      if (!node) continue; // not (yet) armed by this watch
      if (w.spec.kind === 'children') {
        if (type === 'dataChanged') continue;
        this.stats.notifications++;
        this.onChildNotification(w, node);
      } else if (type === 'childrenChanged') {
        if (w.spec.kind !== 'subtree') continue;
        this.stats.notifications++;
        this.onChildNotification(w, node);
      } else {
        this.stats.notifications++;
        this.onDataNotification(w, node, type);
      }
    }
  }

  /** created / deleted / dataChanged of a node: reported at once, with the versions that follow from it. */
  private onDataNotification(w: ActiveWatch, node: NodeState, type: Exclude<WatchEventType, 'childrenChanged'>): void {
    const time = now();
    const before = this.snapshot(node);
    let after: DataSnapshot | undefined;
    this.releaseData(node);
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
    node.touched = ++this.touchCounter;
    if (node.dataRead) node.dataRead.notifications++;
    this.emit(w, node, type, 'event', { before, after, time });

    const oneShot = this.currentMode === 'one-shot';
    const subtreeNode = w.spec.kind === 'subtree' && node.path !== w.root;
    if (type === 'deleted' && subtreeNode) {
      // Its data and children watches both fired; the node is gone (a new one is announced by its parent).
      if (oneShot) this.dropNode(w, node, 'gap', false);
      else if (!node.dataRead) w.nodes.delete(node.path);
      return;
    }
    if (type === 'deleted' && w.spec.kind === 'subtree' && oneShot) this.dropNode(w, node, 'gap', false);
    if (oneShot) {
      this.rearmData(w, node);
      if (type === 'created' && w.spec.kind === 'subtree') this.rearmChildren(w, node, 0);
    } else if (type !== 'deleted') {
      this.capture(w, node);
    }
  }

  /** childrenChanged (and, for children watches, created / deleted of the node itself): reported once the children are listed. */
  private onChildNotification(w: ActiveWatch, node: NodeState): void {
    if (node.childRead) {
      node.childRead.notifications++;
      return;
    }
    node.childNotifications++;
    node.childSince ??= now();
    if (this.currentMode === 'one-shot') this.rearmChildren(w, node, 0);
    else void this.readChildren(w, node, 'event', false);
  }

  // ---- reads ---------------------------------------------------------------------------------

  /** Persistent mode: reads the data of the version a record announced (bounded for subtrees). */
  private capture(w: ActiveWatch, node: NodeState): void {
    if (node.dataRead) return; // its answer covers this notification or is followed by another read
    // A data watch's node has at most one read in flight, whatever the rate; a subtree's many nodes share the bounds.
    if (w.spec.kind === 'subtree' && (this.captureInFlight >= this.captureConcurrency || !this.takeCaptureToken())) {
      // Behind: the record goes out without data; the node's newest version is read when there is room.
      this.stats.capturesSkipped++;
      this.deferCapture(w, node);
      return;
    }
    void this.readData(w, node, 'event', false);
  }

  private takeCaptureToken(): boolean {
    const t = performance.now();
    this.captureTokens = Math.min(this.captureBurst, this.captureTokens + ((t - this.captureTokensAt) * this.capturesPerSecond) / 1000);
    this.captureTokensAt = t;
    if (this.captureTokens < 1) return false;
    this.captureTokens -= 1;
    return true;
  }

  private deferCapture(w: ActiveWatch, node: NodeState): void {
    if (!this.deferred.has(node)) this.deferred.set(node, w);
    this.scheduleDeferred();
  }

  private scheduleDeferred(): void {
    if (this.deferTimer || this.disposed) return;
    this.deferTimer = setTimeout(() => this.runDeferred(), Math.max(10, 1000 / this.capturesPerSecond));
    this.deferTimer.unref?.();
  }

  /** Reads the newest version of nodes whose capture was put off, oldest first, as far as the bucket allows. */
  private runDeferred(): void {
    this.deferTimer = undefined;
    if (this.disposed) return;
    for (const [node, w] of this.deferred) {
      const wanted = !w.disposed && w.nodes.get(node.path) === node && node.exists === true && node.data === undefined && node.last !== undefined;
      if (!wanted || node.dataRead) {
        if (!node.dataRead) this.deferred.delete(node); // a read in flight covers it, or it no longer needs one
        continue;
      }
      if (this.captureInFlight >= this.captureConcurrency || !this.takeCaptureToken()) break;
      this.deferred.delete(node);
      void this.readData(w, node, 'event', false);
    }
    if (this.deferred.size > 0) this.scheduleDeferred();
  }

  private rearmData(w: ActiveWatch, node: NodeState): void {
    if (node.dataRead) return; // re-armed again when that read is answered (it counted this notification)
    void this.readData(w, node, 'event', true);
  }

  private rearmChildren(w: ActiveWatch, node: NodeState, carried: number): void {
    if (node.childRead) {
      node.childRead.notifications++;
      return;
    }
    void this.readChildren(w, node, 'event', true, carried);
  }

  /** The node of a data or children watch, read (and armed, in one-shot mode) as its kind needs. */
  private async readNode(w: ActiveWatch, node: NodeState, reason: ReadReason): Promise<void> {
    const arm = this.currentMode === 'one-shot';
    if (w.spec.kind === 'children') await this.readChildren(w, node, reason, arm);
    else await this.readData(w, node, reason, arm);
  }

  private async readData(w: ActiveWatch, node: NodeState, reason: ReadReason, arm: boolean): Promise<void> {
    const token: ReadToken = { notifications: 0 };
    node.dataRead = token;
    const bounded = !arm && reason === 'event' && w.spec.kind === 'subtree';
    if (bounded) this.stats.capturePeak = Math.max(this.stats.capturePeak, ++this.captureInFlight);
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
      if (bounded) this.captureInFlight--;
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

  private async readChildren(w: ActiveWatch, node: NodeState, reason: ReadReason, arm: boolean, carried = 0): Promise<void> {
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

  private readFailed(w: ActiveWatch, node: NodeState, error: unknown, retry: () => void): void {
    if (w.disposed || this.disposed) return;
    if (isZkError(error, 'NOAUTH')) {
      if (!w.noAuthReported) {
        w.noAuthReported = true;
        this.notice('warning', `Watching ${w.root} (${w.spec.kind}): ${errorMessage(error)} Changes of such nodes are reported without their data${this.currentMode === 'one-shot' ? ', and one-shot watches cannot be set on them' : ''}.`);
      }
      return;
    }
    const state = this.client.state;
    if (state !== 'connected' && state !== 'readOnly') return; // re-read when the connection or a new session is back
    if (++node.retries > MAX_RETRIES) {
      this.notice('warning', `Watching ${w.root} (${w.spec.kind}): could not read ${node.path} after ${MAX_RETRIES} attempts: ${errorMessage(error)}`);
      node.retries = 0;
      return;
    }
    setTimeout(() => {
      if (!w.disposed && !this.disposed && w.nodes.get(node.path) === node) retry();
    }, RETRY_DELAY_MS).unref?.();
  }

  // ---- comparing what was read with what was known ------------------------------------------

  private onDataObserved(w: ActiveWatch, node: NodeState, observed: Observed, reason: ReadReason, notificationsMeanwhile: number): void {
    const detected: Detected = reason === 'reconnect' || reason === 'session' ? reason : 'gap';
    const oneShot = this.currentMode === 'one-shot';
    const isRoot = node.path === w.root;
    if (node.exists === undefined || (node.exists && node.version === undefined && observed.exists)) {
      // Nothing known to compare with: this read tells what is there.
      const announce = node.announce;
      node.announce = undefined;
      this.adopt(node, observed);
      if (announce) {
        // Listed by its parent but maybe gone already: it existed, so it is reported either way.
        this.emit(w, node, 'created', announce, observed.exists ? { after: this.snapshotOf(observed) } : {});
        if (!observed.exists) this.emit(w, node, 'deleted', announce, {});
      } else {
        this.attachCapture(node, observed, notificationsMeanwhile);
      }
    } else if (this.sameState(node, observed)) {
      this.adopt(node, observed);
      this.attachCapture(node, observed, notificationsMeanwhile);
    } else if (
      notificationsMeanwhile > 0 &&
      !(node.exists && observed.exists && node.czxid !== undefined && node.czxid === observed.czxid && observed.version! > node.version!)
    ) {
      // Notifications came while reading, some maybe after the answer: inconclusive, read again.
      if (oneShot) void this.readData(w, node, 'event', true);
      else this.capture(w, node);
      return;
    } else {
      const before = this.snapshot(node);
      const after = this.snapshotOf(observed);
      const recreated = observed.exists && (!node.exists || (node.czxid !== undefined && node.czxid !== observed.czxid));
      if (node.exists && !observed.exists) {
        this.adopt(node, observed);
        this.emit(w, node, 'deleted', detected, { before });
      } else if (!node.exists && observed.exists) {
        this.adopt(node, observed);
        this.emit(w, node, 'created', detected, { after });
      } else if (node.czxid !== undefined && node.czxid !== observed.czxid) {
        this.adopt(node, observed);
        this.emit(w, node, 'deleted', detected, { before });
        this.emit(w, node, 'created', detected, { after });
      } else {
        this.adopt(node, observed);
        this.emit(w, node, 'dataChanged', detected, { before, after });
      }
      if (observed.exists && observed.data === undefined && !oneShot) this.capture(w, node);
      // A subtree's root found re-created by reading: its children need their watch too.
      if (oneShot && isRoot && w.spec.kind === 'subtree' && recreated) this.rearmChildren(w, node, 0);
    }
    if (!observed.exists && w.spec.kind === 'subtree' && !isRoot) {
      this.dropNode(w, node, detected, true);
      return;
    }
    if (notificationsMeanwhile > 0 && w.nodes.get(node.path) === node) {
      // A one-shot watch armed by this read may have fired already; a persistent one may have a newer version to capture.
      if (oneShot) this.rearmData(w, node);
      else if (node.last && node.last.version !== node.version) this.capture(w, node);
    }
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
        this.track(w, this.loadOneShot(w, child));
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
      this.adoptChildren(node, observed, names);
      return;
    }
    const conclusive = notificationsMeanwhile === 0;
    const changes =
      node.exists && observed.exists && node.czxid === observed.czxid && node.cversion !== undefined && observed.cversion !== undefined
        ? observed.cversion - node.cversion
        : 1;
    const detected: Detected = resync ? reason : notifications === 0 ? 'gap' : conclusive && changes > notifications ? 'gap' : 'event';
    const extra = notifications > 1 ? { coalesced: notifications } : {};
    const before = this.snapshot(node);
    if (node.exists && !observed.exists) {
      this.adoptChildren(node, observed, names);
      this.emit(w, node, 'deleted', detected, { before, removed: known && known.size > 0 ? [...known] : undefined, time, ...extra });
      return;
    }
    if (!node.exists && observed.exists) {
      this.adoptChildren(node, observed, names);
      this.emit(w, node, 'created', detected, { after: this.snapshotOf(observed), added: names.size > 0 ? [...names] : undefined, time, ...extra });
      return;
    }
    if (!observed.exists) return;
    if (node.czxid !== undefined && observed.czxid !== node.czxid) {
      this.adoptChildren(node, observed, names);
      this.emit(w, node, 'deleted', detected, { before, removed: known && known.size > 0 ? [...known] : undefined, time });
      this.emit(w, node, 'created', detected, { after: this.snapshotOf(observed), added: names.size > 0 ? [...names] : undefined, time });
      return;
    }
    const added = [...names].filter((n) => !known?.has(n));
    const removed = known ? [...known].filter((n) => !names.has(n)) : [];
    const cversionMoved = node.cversion !== undefined && observed.cversion !== undefined && observed.cversion !== node.cversion;
    this.adoptChildren(node, observed, names);
    // A child created and deleted again between two listings leaves no name behind, but moves cversion.
    if (added.length > 0 || removed.length > 0 || cversionMoved) this.emit(w, node, 'childrenChanged', detected, { added, removed, time, ...extra });
  }

  private adoptChildren(node: NodeState, observed: Observed, names: Set<string>): void {
    node.exists = observed.exists;
    node.children = observed.exists ? names : undefined;
    node.cversion = observed.cversion;
    node.czxid = observed.czxid;
    node.version = observed.version;
    node.mzxid = observed.mzxid;
    node.dataLength = observed.dataLength;
    node.touched = ++this.touchCounter;
  }

  private sameState(node: NodeState, observed: Observed): boolean {
    if (!node.exists || !observed.exists) return node.exists === observed.exists;
    return node.version === observed.version && (node.czxid === undefined || node.czxid === observed.czxid);
  }

  private adopt(node: NodeState, observed: Observed): void {
    const keep = observed.exists && node.exists && node.version === observed.version && node.data !== undefined && observed.data === undefined;
    if (!keep) this.releaseData(node);
    node.exists = observed.exists;
    node.version = observed.version;
    node.czxid = observed.czxid;
    node.mzxid = observed.mzxid;
    node.dataLength = observed.dataLength;
    if (observed.exists && observed.data !== undefined && node.data === undefined && this.cacheBytes + observed.data.length <= this.maxCacheBytes) {
      node.data = observed.data;
      this.cacheBytes += observed.data.length;
    }
    node.touched = ++this.touchCounter;
  }

  /** The data read for the version the last record announced: hand it to whoever shows that record. */
  private attachCapture(node: NodeState, observed: Observed, notificationsMeanwhile: number): void {
    const last = node.last;
    if (!last || !observed.exists || observed.data === undefined) return;
    if (last.version === undefined ? notificationsMeanwhile > 0 : last.version !== observed.version) return;
    node.last = undefined;
    this.stats.captures++;
    this.captureEmitter.fire({ seq: last.seq, path: node.path, after: this.snapshotOf(observed)! });
  }

  private releaseData(node: NodeState): void {
    if (node.data) this.cacheBytes -= node.data.length;
    node.data = undefined;
  }

  private snapshot(node: NodeState): DataSnapshot | undefined {
    if (!node.exists || node.version === undefined) return undefined;
    return { version: node.version, ...(node.mzxid !== undefined ? { mzxid: node.mzxid } : {}), ...(node.data !== undefined ? { data: node.data } : {}) };
  }

  private snapshotOf(observed: Observed): DataSnapshot | undefined {
    if (!observed.exists || observed.version === undefined) return undefined;
    return {
      version: observed.version,
      ...(observed.mzxid !== undefined ? { mzxid: observed.mzxid } : {}),
      ...(observed.data !== undefined ? { data: observed.data } : {}),
    };
  }

  /** A node of a subtree is gone: report it (unless its own notification did) and forget it and everything below. */
  private dropNode(w: ActiveWatch, node: NodeState, detected: Detected, report: boolean): void {
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
      if (reportThis) {
        const before = this.snapshot(current);
        current.exists = false;
        this.emit(w, current, 'deleted', current === node ? detected : 'gap', { before });
      }
      this.releaseData(current);
      w.nodes.delete(current.path);
    }
  }

  // ---- subtree loads ------------------------------------------------------------------------

  /** One-shot mode: a node of a subtree gets its data and children watches; its children follow. */
  private loadOneShot(w: ActiveWatch, node: NodeState): Promise<void> {
    return this.loadLimiter.run(async () => {
      if (w.disposed) return;
      const reason: ReadReason = node.announce === 'reconnect' || node.announce === 'session' ? node.announce : 'initial';
      await Promise.all([this.readData(w, node, reason, true), this.readChildren(w, node, reason, true)]);
    });
  }

  /**
   * Persistent mode: lists the subtree breadth-first (getChildren gives each node's stat), reading the
   * data of the first nodes too. After a reconnect or a new session, differences are reported, and
   * known nodes that were not found (and not touched since the walk began) are reported deleted.
   */
  private async walkPersistent(w: ActiveWatch, reason: ReadReason): Promise<void> {
    const startedAt = ++this.touchCounter;
    const seen = new Set<string>();
    let preload = reason === 'initial' ? this.subtreePreloadNodes : 0;
    let failed = false;
    const visit = async (path: string): Promise<string[]> => {
      if (w.disposed) return [];
      seen.add(path);
      const node = this.node(w, path);
      if (reason !== 'initial' && node.exists === undefined && path !== w.root) node.announce ??= reason;
      const token: ReadToken = { notifications: 0 };
      node.dataRead = token;
      const wantData = preload > 0 && (node.dataLength === undefined || node.dataLength <= this.maxCapturedBytes);
      if (wantData) preload--;
      let observed: Observed;
      let children: string[] = [];
      try {
        this.stats.reads += wantData ? 2 : 1;
        const [listing, read] = await Promise.all([
          this.client.getChildren(path),
          wantData
            ? this.client.get(path).catch((error: unknown) => {
                if (isZkError(error, 'NONODE')) return undefined;
                throw error;
              })
            : undefined,
        ]);
        const data = read && read.stat.version === listing.stat.version && read.data.length <= this.maxCapturedBytes ? read.data : undefined;
        observed = fromStat(listing.stat, data);
        children = listing.children;
      } catch (error) {
        if (isZkError(error, 'NONODE')) {
          observed = { exists: false };
        } else {
          failed = true;
          if (node.dataRead === token) node.dataRead = undefined;
          this.readFailed(w, node, error, NOOP);
          return [];
        }
      }
      if (w.disposed) return [];
      if (node.dataRead === token) {
        node.dataRead = undefined;
        this.onDataObserved(w, node, observed, reason, token.notifications);
      }
      return children.map((name) => joinPath(path, name));
    };
    await walkQueue([w.root], WALK_CONCURRENCY, visit);
    if (reason === 'initial' || failed || w.disposed) return;
    const detected: Detected = reason === 'session' ? 'session' : 'reconnect';
    for (const node of [...w.nodes.values()]) {
      if (seen.has(node.path) || node.touched > startedAt || node.path === w.root || !node.exists) continue;
      const before = this.snapshot(node);
      node.exists = false;
      this.emit(w, node, 'deleted', detected, { before });
      this.releaseData(node);
      w.nodes.delete(node.path);
    }
  }

  // ---- connection loss and session expiry ---------------------------------------------------

  private onStateChange(state: ConnectionState, previous: ConnectionState): void {
    if (this.disposed || this.watches.size === 0) {
      if (state === 'expired') this.sessionLost = true;
      return;
    }
    if (state === 'suspended' && (previous === 'connected' || previous === 'readOnly')) {
      this.notice('info', 'Lost the connection to ZooKeeper: watch events pause until it is back. Changes made meanwhile are reported when it returns.');
    } else if (state === 'expired') {
      this.sessionLost = true;
      this.notice('warning', 'The ZooKeeper session expired, and with it every watch it held. A new session is being set up; the watches will be set again on it.');
    } else if ((state === 'connected' || state === 'readOnly') && previous === 'suspended' && !this.sessionLost) {
      // The client re-adds its persistent watches right after this state change: queue the re-reads behind them.
      queueMicrotask(() => void this.resync('reconnect'));
    }
  }

  /** Reads every watched node again and reports what changed while the connection or the session was gone. */
  private async resync(reason: 'reconnect' | 'session'): Promise<void> {
    const watches = [...this.watches.values()].filter((w) => !w.disposed);
    if (this.disposed || watches.length === 0) return;
    const changed = new Set<string>();
    this.changedDuring.set(reason, changed);
    // One-shot watches are set again by the client itself on reconnect (SetWatches with the last zxid it saw):
    // the server answers at once with events for what changed meanwhile. They count as changed meanwhile too.
    const replayed = reason === 'reconnect' && this.currentMode === 'one-shot';
    if (replayed) this.changedDuring.set('event', changed);
    const failures: string[] = [];
    try {
      await Promise.all(
        watches.map(async (w) => {
          try {
            await w.ready.catch(NOOP);
            await this.resyncWatch(w, reason);
          } catch (error) {
            failures.push(`${w.root}: ${errorMessage(error)}`);
          }
        }),
      );
    } finally {
      if (this.changedDuring.get(reason) === changed) this.changedDuring.delete(reason);
      if (replayed && this.changedDuring.get('event') === changed) this.changedDuring.delete('event');
    }
    if (this.disposed) return;
    const state = this.client.state;
    if (state !== 'connected' && state !== 'readOnly') return; // gone again: the next reconnect reads again
    const total = this.watchedNodeCount;
    const paths = [...changed];
    const list = paths.length > 0 ? `: ${paths.slice(0, NOTICE_PATHS).join(', ')}${paths.length > NOTICE_PATHS ? `, and ${paths.length - NOTICE_PATHS} more` : ''}` : '';
    const what =
      reason === 'reconnect'
        ? `Reconnected to ZooKeeper (${this.client.describeSession()}, the same session); the watches are in place again. ` +
          `${paths.length} of ${plural(total, 'watched node')} changed while the connection was down${list}.`
        : `A new ZooKeeper session (${this.client.describeSession()}) replaced the expired one, and every watch is set again on it. ` +
          `${paths.length} of ${plural(total, 'watched node')} changed while the session was gone${list}.`;
    const failed = failures.length > 0 ? ` Could not read again: ${failures.join('; ')}.` : '';
    this.notice(reason === 'session' || failures.length > 0 ? 'warning' : 'info', what + failed);
  }

  private async resyncWatch(w: ActiveWatch, reason: 'reconnect' | 'session'): Promise<void> {
    if (w.disposed) return;
    if (w.spec.kind !== 'subtree') {
      await this.readNode(w, this.node(w, w.root), reason);
      return;
    }
    if (this.currentMode === 'persistent') {
      await this.walkPersistent(w, reason);
      return;
    }
    // One-shot: every known node is read (and armed) again; listings announce new nodes and drop gone ones.
    for (const node of [...w.nodes.values()]) {
      this.track(
        w,
        this.loadLimiter.run(async () => {
          if (w.disposed || w.nodes.get(node.path) !== node) return;
          await Promise.all([this.readData(w, node, reason, true), this.readChildren(w, node, reason, true)]);
        }),
      );
    }
    await this.settle(w);
  }

  // ---- output --------------------------------------------------------------------------------

  private emit(
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

  private notice(level: WatchNotice['level'], message: string): void {
    if (this.disposed) return;
    this.noticeEmitter.fire({ time: Date.now(), level, message });
  }
}

/** Breadth-first over a tree with at most `concurrency` visits in flight; a visit returns the paths to visit next. */
async function walkQueue(roots: string[], concurrency: number, visit: (path: string) => Promise<string[]>): Promise<void> {
  const queue = [...roots];
  let next = 0;
  let active = 0;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (active < concurrency && next < queue.length) {
        const path = queue[next++];
        active++;
        visit(path)
          .then(
            (children) => {
              queue.push(...children);
            },
            NOOP,
          )
          .finally(() => {
            active--;
            if (next > 4096 && next * 2 > queue.length) {
              queue.splice(0, next); // keep the queue from holding every visited path
              next = 0;
            }
            if (active === 0 && next >= queue.length) resolve();
            else pump();
          });
      }
    };
    pump();
    if (queue.length === 0) resolve();
  });
}
