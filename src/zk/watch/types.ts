import type { Event } from '../events';

/** data: the node's data and existence; children: its child list; subtree: every node below it (and itself). */
export type WatchKind = 'data' | 'children' | 'subtree';

export interface WatchSpec {
  path: string;
  kind: WatchKind;
}

export type WatchEventType = 'created' | 'deleted' | 'dataChanged' | 'childrenChanged';

/** A version of a node's data as seen by the watch manager (data kept only when small enough). */
export interface DataSnapshot {
  version: number;
  /** undefined when not captured (too large, or too many events to read them all). */
  data?: Uint8Array;
  mzxid?: bigint;
}

/** One entry of the event log. */
export interface WatchEventRecord {
  /** Increasing per manager, for ordering and de-duplication. */
  seq: number;
  /** When the event was received (ms since the epoch, with sub-ms precision where available). */
  time: number;
  type: WatchEventType;
  path: string;
  /** The watch that reported it. */
  watch: WatchSpec;
  /** dataChanged/created/deleted: what was known before and what is there now. */
  before?: DataSnapshot;
  after?: DataSnapshot;
  /** childrenChanged: names added and removed. */
  added?: string[];
  removed?: string[];
  /**
   * How it was detected: 'event' (a watch notification), 'gap' (found by comparing versions after a
   * one-shot watch was re-armed), 'reconnect' (found after the connection came back), 'session' (after
   * a session expiry and the new session).
   */
  detectedBy: 'event' | 'gap' | 'reconnect' | 'session';
  /**
   * childrenChanged: how many server notifications this one record stands for, when more than one
   * (children are re-listed once for every burst of notifications that arrive while a listing is in flight).
   */
  coalesced?: number;
}

/**
 * Data of `after` captured after the record was emitted: records are emitted the moment the server's
 * notification arrives (their versions follow from counting notifications), and the data of that
 * version is read right after. Apply it to the record with this `seq` (EventLog.applyCapture does).
 */
export interface WatchCapture {
  seq: number;
  path: string;
  after: DataSnapshot;
}

/** Something the user should know about the watches as a whole (not one node). */
export interface WatchNotice {
  time: number;
  level: 'info' | 'warning';
  message: string;
  /**
   * 'session': part of a session expiry and renewal, which the connection itself announces once; a UI
   * lists these with the watches rather than notifying each (users counted three toasts per expiry).
   */
  about?: 'session';
}

export interface WatchManagerOptions {
  /** Use addWatch (ZooKeeper 3.6+); when false or unsupported, re-armed one-shot watches. Default: detect. */
  persistent?: boolean;
  /** Data up to this size is kept for Compare (before/after). Default 64 KiB. */
  maxCapturedBytes?: number;
  /** Reads in flight for capturing data of subtree events; beyond it data is not captured. Default 32. */
  captureConcurrency?: number;
  /**
   * Reads a second for capturing data of subtree events (a bucket holding twice as many), so that a
   * storm of changes does not become a storm of reads against the ensemble. Beyond it records go out
   * without data, and the newest version of each such node is read as the bucket refills. Default 200.
   * (A data watch's node has at most one read in flight, so it needs no such bound.)
   */
  maxCapturesPerSecond?: number;
  /** Data kept by the manager's version cache (for the "before" of the next change), in all. Default 16 MiB. */
  maxCacheBytes?: number;
  /** Nodes of a subtree whose data is read when the watch is set, so their first change can be compared. Default 1000. */
  subtreePreloadNodes?: number;
  /**
   * What an earlier manager of the same watches knew (WatchManager.baseline()), for example before
   * the user disconnected: the first read of a watch is compared with it, and what differs is
   * reported as changed while disconnected ('reconnect'). One-shot subtree watches start afresh.
   */
  baseline?: WatchBaseline;
  /** Test seams. */
  hooks?: {
    /** One-shot mode: called after a watch fired and before it is re-armed (re-read). */
    beforeRearm?: (path: string, aspect: 'data' | 'children') => Promise<void> | void;
  };
}

/** A watched node as a manager last knew it. */
export interface BaselineNode {
  path: string;
  exists: boolean;
  version?: number;
  czxid?: bigint;
  mzxid?: bigint;
  dataLength?: number;
  data?: Uint8Array;
  children?: readonly string[];
  cversion?: number;
}

/** The known nodes of each watch, keyed by "kind:path". */
export type WatchBaseline = ReadonlyMap<string, readonly BaselineNode[]>;

export interface WatchManagerApi {
  readonly onEvent: Event<WatchEventRecord>;
  readonly onNotice: Event<WatchNotice>;
  /** The data of a record's `after`, read right after the record was emitted. */
  readonly onDidCapture: Event<WatchCapture>;
  add(spec: WatchSpec): Promise<void>;
  remove(spec: WatchSpec): Promise<void>;
  list(): WatchSpec[];
  /** 'persistent' when the server supports addWatch, else 'one-shot' (re-armed). */
  readonly mode: 'persistent' | 'one-shot' | 'unknown';
  dispose(): Promise<void>;
}
