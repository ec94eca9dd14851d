import type { ZkClient } from '../client';
import { isZkError, ZkError } from '../errors';
import type { Disposable } from '../events';
import { validatePath } from '../paths';
import { NOOP, WatchEngine, type WatchStats } from './engine';
import { ActiveWatch, toBaseline } from './nodeState';
import { OneShotMode } from './oneShotMode';
import { PersistentMode } from './persistentMode';
import { Resync } from './resync';
import type { BaselineNode, WatchBaseline, WatchKind, WatchManagerApi, WatchManagerOptions, WatchSpec } from './types';
import { t } from '../l10n';

const KINDS: readonly WatchKind[] = ['data', 'children', 'subtree'];
const DEFAULT_MAX_CAPTURED_BYTES = 64 * 1024;
const DEFAULT_CAPTURE_CONCURRENCY = 32;
const DEFAULT_MAX_CACHE_BYTES = 16 * 1024 * 1024;
const DEFAULT_SUBTREE_PRELOAD_NODES = 1000;
const DEFAULT_MAX_CAPTURES_PER_SECOND = 200;

/**
 * Watches on one ZooKeeper client: data, children and subtree watches, reported as WatchEventRecords
 * with the versions (and, when small enough, the data) before and after, or the children added and
 * removed.
 *
 * The parts, each in its own file:
 * - engine.ts: the version cache, reads, and comparing what was read with what was known;
 * - persistentMode.ts / oneShotMode.ts: how watches are set and kept (addWatch on 3.6+, else one-shot
 *   watches re-armed by reading); the first watch finds out which the server has;
 * - resync.ts: reading everything again after a reconnect or a new session, with one notice;
 * - captureBudget.ts: the bounds on data reads during a storm (a record per notification is never
 *   dropped; reads for data are bounded and skipped when behind, at most one in flight per node).
 */
export class WatchManager implements WatchManagerApi {
  private readonly engine: WatchEngine;
  private readonly persistent: PersistentMode;
  private readonly oneShot: OneShotMode;
  private currentMode: 'persistent' | 'one-shot' | 'unknown';
  private detection: Promise<void> | undefined;
  private forcedNoticeSent = false;
  private readonly subscriptions: Disposable[] = [];

  readonly onEvent;
  readonly onNotice;
  readonly onDidCapture;

  constructor(
    client: ZkClient,
    private readonly options: WatchManagerOptions = {},
  ) {
    const captureConcurrency = Math.max(1, options.captureConcurrency ?? DEFAULT_CAPTURE_CONCURRENCY);
    this.engine = new WatchEngine(
      client,
      options,
      options.maxCapturedBytes ?? DEFAULT_MAX_CAPTURED_BYTES,
      options.maxCacheBytes ?? DEFAULT_MAX_CACHE_BYTES,
      captureConcurrency,
      Math.max(1, options.maxCapturesPerSecond ?? DEFAULT_MAX_CAPTURES_PER_SECOND),
    );
    this.onEvent = this.engine.onEvent;
    this.onNotice = this.engine.onNotice;
    this.onDidCapture = this.engine.onDidCapture;
    const seed = (w: ActiveWatch): boolean => this.seed(w);
    this.persistent = new PersistentMode(this.engine, seed, options.subtreePreloadNodes ?? DEFAULT_SUBTREE_PRELOAD_NODES);
    this.oneShot = new OneShotMode(this.engine, seed);
    this.currentMode = options.persistent === true ? 'persistent' : options.persistent === false ? 'one-shot' : 'unknown';
    // Until a watch found out, reads behave as in persistent mode (the first watch tries addWatch).
    this.engine.mode = this.currentMode === 'one-shot' ? this.oneShot : this.persistent;
    const resync = new Resync(this.engine);
    this.subscriptions.push(
      client.onStateChange(({ state, previous }) => resync.onStateChange(state, previous)),
      client.onSessionRenewed(() => resync.onSessionRenewed()),
      client.onAnyWatchEvent((event) => this.oneShot.onNotification(event)),
    );
  }

  /** Counters for tests and benchmarks. */
  get stats(): Readonly<WatchStats> {
    return this.engine.stats;
  }

  get mode(): 'persistent' | 'one-shot' | 'unknown' {
    return this.currentMode;
  }

  list(): WatchSpec[] {
    return [...this.engine.watches.values()].map((w) => ({ path: w.spec.path, kind: w.spec.kind }));
  }

  /** Watched nodes known to the manager (for subtrees: every node of the subtree it has seen). */
  get watchedNodeCount(): number {
    return this.engine.watchedNodeCount;
  }

  /** Bytes of data held by the version cache. */
  get cachedBytes(): number {
    return this.engine.cache.cachedBytes;
  }

  /** What this manager knows of every watched node: give it to the next manager of these watches (options.baseline). */
  baseline(): WatchBaseline {
    const result = new Map<string, BaselineNode[]>();
    for (const [key, w] of this.engine.watches) {
      if (w.disposed) continue;
      const nodes = [...w.nodes.values()].map(toBaseline).filter((b): b is BaselineNode => b !== undefined);
      if (nodes.length > 0) result.set(key, nodes);
    }
    return result;
  }

  async add(spec: WatchSpec): Promise<void> {
    if (this.engine.disposed) throw new ZkError('CLOSED', 'watch', spec.path);
    const problem = validatePath(spec.path);
    if (problem) throw new ZkError('INVALIDPATH', 'watch', spec.path, t('Could not watch "{0}": {1}', spec.path, problem));
    if (!KINDS.includes(spec.kind)) {
      throw new ZkError('INVALIDARGUMENT', 'watch', spec.path, t('Could not watch "{0}": the kind "{1}" is not one of {2}.', spec.path, String(spec.kind), KINDS.join(', ')));
    }
    const key = `${spec.kind}:${spec.path}`;
    const existing = this.engine.watches.get(key);
    if (existing) return existing.ready;
    const w = new ActiveWatch(Object.freeze({ path: spec.path, kind: spec.kind }));
    this.engine.watches.set(key, w);
    w.ready = this.start(w);
    try {
      await w.ready;
    } catch (error) {
      if (this.engine.watches.get(key) === w) this.engine.watches.delete(key);
      this.engine.discard(w);
      await w.handle?.remove().catch(NOOP);
      throw error;
    }
  }

  async remove(spec: WatchSpec): Promise<void> {
    const key = `${spec.kind}:${spec.path}`;
    const w = this.engine.watches.get(key);
    if (!w) return;
    this.engine.watches.delete(key);
    this.engine.discard(w);
    // Still starting: PersistentMode.start removes the watch itself once addWatch answers.
    await w.handle?.remove().catch(NOOP);
  }

  async dispose(): Promise<void> {
    if (this.engine.disposed) return;
    this.engine.disposed = true;
    for (const sub of this.subscriptions) sub.dispose();
    const watches = [...this.engine.watches.values()];
    this.engine.watches.clear();
    for (const w of watches) this.engine.discard(w);
    await Promise.all(watches.map((w) => (w.handle ? w.handle.remove().catch(NOOP) : Promise.resolve())));
    this.engine.dispose();
  }

  /**
   * Fills a new watch's nodes from options.baseline; true when there was something to compare with,
   * so that the first read reports differences as changed while disconnected.
   */
  private seed(w: ActiveWatch): boolean {
    if (this.currentMode === 'one-shot' && w.spec.kind === 'subtree') return false;
    const known = this.options.baseline?.get(`${w.spec.kind}:${w.spec.path}`);
    if (!known || known.length === 0) return false;
    for (const b of known) this.engine.cache.seed(this.engine.node(w, b.path), b);
    return true;
  }

  /** Sets a watch in the mode the server supports; the first watch finds out whether it has addWatch. */
  private async start(w: ActiveWatch): Promise<void> {
    if (this.currentMode === 'unknown' && this.detection) await this.detection.catch(NOOP);
    if (this.currentMode === 'unknown') {
      const detection = this.persistent.start(w).then(
        () => {
          this.currentMode = 'persistent';
        },
        async (error: unknown) => {
          if (!isZkError(error, 'UNIMPLEMENTED')) throw error;
          this.currentMode = 'one-shot';
          this.engine.mode = this.oneShot;
          this.engine.notice(
            'warning',
            t('This ZooKeeper server does not support persistent watches (addWatch, ZooKeeper 3.6 or newer). Watching with one-shot watches instead, re-armed after every event; a change made between an event and the re-arm is found by re-reading the node and reported as found after re-arming.'),
          );
          this.engine.discard(w, false);
          await this.oneShot.start(w);
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
    if (this.currentMode === 'persistent') return this.persistent.start(w);
    if (this.options.persistent === false && !this.forcedNoticeSent) {
      this.forcedNoticeSent = true;
      this.engine.notice('info', t('Persistent watches are turned off: watching with one-shot watches, re-armed after every event.'));
    }
    return this.oneShot.start(w);
  }
}
