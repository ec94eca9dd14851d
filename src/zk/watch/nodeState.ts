import type { PersistentWatch } from '../client';
import type { ZnodeStat } from '../stat';
import type { BaselineNode, DataSnapshot, WatchEventRecord, WatchSpec } from './types';

/** How a change was found: by its own notification, by a read after re-arming, or by re-reading after a reconnect or a new session. */
export type Detected = WatchEventRecord['detectedBy'];
/** Why a node is read: its first load, after a notification, or to catch up after a reconnect or a new session. */
export type ReadReason = 'initial' | 'event' | 'reconnect' | 'session';

/** What a read found. */
export interface Observed {
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
export interface ReadToken {
  notifications: number;
}

/** What the manager knows of one node: the version cache. */
export interface NodeState {
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

/** One watch the user set, and what is known of the nodes it covers. */
export class ActiveWatch {
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

export function isWithin(root: string, path: string): boolean {
  return path === root || root === '/' || path.startsWith(`${root}/`);
}

export function fromStat(stat: ZnodeStat, data?: Uint8Array, children?: string[]): Observed {
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

/** The same node at the same version (a re-created node has another czxid). */
export function sameState(node: NodeState, observed: Observed): boolean {
  if (!node.exists || !observed.exists) return node.exists === observed.exists;
  return node.version === observed.version && (node.czxid === undefined || node.czxid === observed.czxid);
}

/** What a record says the node was (or became). */
export function snapshotOf(state: NodeState | Observed): DataSnapshot | undefined {
  if (!state.exists || state.version === undefined) return undefined;
  return {
    version: state.version,
    ...(state.mzxid !== undefined ? { mzxid: state.mzxid } : {}),
    ...(state.data !== undefined ? { data: state.data } : {}),
  };
}

/** A node as a baseline for the next manager of the same watch (undefined while nothing is known of it). */
export function toBaseline(node: NodeState): BaselineNode | undefined {
  if (node.exists === undefined) return undefined;
  return {
    path: node.path,
    exists: node.exists,
    ...(node.version !== undefined ? { version: node.version } : {}),
    ...(node.czxid !== undefined ? { czxid: node.czxid } : {}),
    ...(node.mzxid !== undefined ? { mzxid: node.mzxid } : {}),
    ...(node.dataLength !== undefined ? { dataLength: node.dataLength } : {}),
    ...(node.data !== undefined ? { data: node.data } : {}),
    ...(node.children !== undefined ? { children: [...node.children] } : {}),
    ...(node.cversion !== undefined ? { cversion: node.cversion } : {}),
  };
}

/**
 * The version cache's bookkeeping: the data bytes it holds (bounded, so a storm of large nodes cannot
 * grow the extension host) and the touch counter a walk uses to tell nodes changed since it began.
 */
export class VersionCache {
  private bytes = 0;
  private touchCounter = 0;

  constructor(private readonly maxBytes: number) {}

  get cachedBytes(): number {
    return this.bytes;
  }

  /** A new value of the touch counter (the last change's number). */
  touch(): number {
    return ++this.touchCounter;
  }

  newNode(path: string): NodeState {
    return { path, childNotifications: 0, touched: this.touch(), retries: 0 };
  }

  /** Keeps `data` as the node's data when the budget allows. */
  hold(node: NodeState, data: Uint8Array): void {
    if (node.data !== undefined || this.bytes + data.length > this.maxBytes) return;
    node.data = data;
    this.bytes += data.length;
  }

  release(node: NodeState): void {
    if (node.data) this.bytes -= node.data.length;
    node.data = undefined;
  }

  /** Fills a node from a baseline entry (a previous manager's knowledge). */
  seed(node: NodeState, b: BaselineNode): void {
    node.exists = b.exists;
    node.version = b.version;
    node.czxid = b.czxid;
    node.mzxid = b.mzxid;
    node.dataLength = b.dataLength;
    if (b.children) node.children = new Set(b.children);
    node.cversion = b.cversion;
    if (b.data !== undefined) this.hold(node, b.data);
  }

  /** What a data read found becomes what is known; data of the same version is kept when the read brought none. */
  adopt(node: NodeState, observed: Observed): void {
    const keep = observed.exists && node.exists && node.version === observed.version && node.data !== undefined && observed.data === undefined;
    if (!keep) this.release(node);
    node.exists = observed.exists;
    node.version = observed.version;
    node.czxid = observed.czxid;
    node.mzxid = observed.mzxid;
    node.dataLength = observed.dataLength;
    if (observed.exists && observed.data !== undefined) this.hold(node, observed.data);
    node.touched = this.touch();
  }

  /** What a children listing found becomes what is known. */
  adoptChildren(node: NodeState, observed: Observed, names: Set<string>): void {
    node.exists = observed.exists;
    node.children = observed.exists ? names : undefined;
    node.cversion = observed.cversion;
    node.czxid = observed.czxid;
    node.version = observed.version;
    node.mzxid = observed.mzxid;
    node.dataLength = observed.dataLength;
    node.touched = this.touch();
  }
}
