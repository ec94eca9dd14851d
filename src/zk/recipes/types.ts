import type { ZnodeStat } from '../stat';

export type RecipeKind = 'lock' | 'readWriteLock' | 'leaderElection' | 'leaderLatch' | 'semaphore' | 'queue' | 'party' | 'counter' | 'serviceRegistry' | 'unknown';
export type RecipeLibrary = 'curator' | 'kazoo' | 'zookeeper' | 'plain';

/** One child of the analyzed node, as read from the server. */
export interface ChildNode {
  name: string;
  stat: ZnodeStat;
  /** The child's data; undefined when it was not read (or vanished between the listing and the read). */
  data: Uint8Array | undefined;
}

export interface AnalyzeContext {
  /** The analyzed node's own data (kazoo's Semaphore keeps max leases there; a counter is its data). */
  parentData?: Uint8Array;
  /** kazoo LockingQueue: the children of its taken node (named after the entries being processed). */
  taken?: readonly ChildNode[];
  /** "Now" for the ages, milliseconds since the epoch (default Date.now()). */
  now?: number;
}

export interface Participant {
  /** The child's name. */
  name: string;
  /** Its full path. */
  path: string;
  /** The numeric sequence suffix; undefined for non-sequential nodes. */
  sequence: number | undefined;
  /** The owning session (ephemeralOwner); 0n for persistent nodes. */
  sessionId: bigint;
  /** The data as text (participant id, address, queue item) when it is UTF-8 text; undefined otherwise. */
  data: string | undefined;
  /** Milliseconds since the node was created. */
  ageMs: number;
  /** What the recipe calls this participant: its role-specific detail (e.g. 'read' / 'write'). */
  role?: string;
  /** kazoo LockingQueue: the consumer processing this entry (its session and client id). */
  takenBy?: { sessionId: bigint; data: string | undefined };
  /** For a service registry entry: the address found in its data. */
  address?: string;
}

export interface Waiter {
  participant: Participant;
  /** The node this waiter watches (its predecessor in the recipe's order); undefined when the recipe has none. */
  waitsOn: Participant | undefined;
}

export interface RecipeAnalysis {
  kind: RecipeKind;
  library: RecipeLibrary | undefined;
  /** Human name of the recipe, e.g. "kazoo Lock" or "Curator InterProcessMutex". */
  recipe: string | undefined;
  holders: Participant[];
  leader?: Participant;
  waiters: Waiter[];
  /** Every participant in the recipe's order (the numeric sequence for the sequential recipes). */
  participants: Participant[];
  summary: string;
  /** Why a recognition is ambiguous or what could not be decided. */
  notes: string[];
}
