import { Emitter, type Disposable, type Event } from '../events';
import type { DataSnapshot, WatchCapture, WatchEventRecord, WatchEventType, WatchManagerApi } from './types';

/** An entry of the log: a watch event and the connection it came from. */
export type LoggedWatchEvent = WatchEventRecord & { connection: string };

export interface EventLogFilter {
  /** Entries whose path contains this text. */
  path?: string;
  /** Entries of these types (all when empty or absent). */
  types?: readonly WatchEventType[];
}

/** What changed since the last notification (coalesced). */
export interface EventLogChange {
  added: number;
  /** Entries that fell out of the ring (or were cut by resize). */
  dropped: number;
  /** Entries whose data arrived after they were added. */
  updated: number;
  cleared: boolean;
}

export interface EventLogOptions {
  /** Bytes of captured data kept in all; beyond it, the oldest entries lose their data first. Default 32 MiB. */
  maxDataBytes?: number;
  /** onDidChange fires at most once per this many ms. Default 16. */
  notifyDelayMs?: number;
}

const MAX_CAPACITY = 1_000_000;
const DEFAULT_MAX_DATA_BYTES = 32 * 1024 * 1024;
/** A rough size of an entry without its data: the record object, its strings and snapshots. */
const ENTRY_OVERHEAD_BYTES = 240;

function clampCapacity(capacity: number): number {
  return Number.isFinite(capacity) ? Math.min(MAX_CAPACITY, Math.max(1, Math.floor(capacity))) : 1;
}

function dataBytesOf(entry: LoggedWatchEvent): number {
  return (entry.before?.data?.length ?? 0) + (entry.after?.data?.length ?? 0);
}

function namesBytes(names: readonly string[] | undefined): number {
  if (!names) return 0;
  let bytes = 16 + names.length * 16;
  for (const name of names) bytes += name.length * 2;
  return bytes;
}

function overheadOf(entry: LoggedWatchEvent): number {
  return ENTRY_OVERHEAD_BYTES + (entry.path.length + entry.connection.length) * 2 + namesBytes(entry.added) + namesBytes(entry.removed);
}

function withoutData(snapshot: DataSnapshot | undefined): DataSnapshot | undefined {
  if (!snapshot || snapshot.data === undefined) return snapshot;
  const rest = { ...snapshot };
  delete rest.data;
  return rest;
}

/**
 * The watch panel's model: the newest `capacity` events of every connection in a ring. Older events
 * are dropped and counted, so a storm of events cannot eat memory; captured data is bounded separately
 * (maxDataBytes), the oldest entries losing theirs first. Listeners hear about changes at most once
 * per notifyDelayMs, however many events arrive.
 */
export class EventLog implements Disposable {
  private ring: (LoggedWatchEvent | undefined)[];
  /** Slot of the oldest entry. */
  private head = 0;
  private count = 0;
  /** The oldest this many entries hold no data any more (they were stripped, oldest first). */
  private stripped = 0;
  private droppedTotal = 0;
  private receivedTotal = 0;
  private strippedTotal = 0;
  private dataBytesTotal = 0;
  private overheadBytesTotal = 0;
  /** Seqs grew with every push so far (one source, or several sharing the counter): binary search works. */
  private ordered = true;
  private readonly maxDataBytes: number;
  private readonly notifyDelayMs: number;
  private pending: EventLogChange | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly changeEmitter = new Emitter<EventLogChange>();
  /** Fired (coalesced) after entries were added, dropped, updated or cleared. */
  readonly onDidChange: Event<EventLogChange> = this.changeEmitter.event;

  constructor(capacity: number, options: EventLogOptions = {}) {
    this.ring = new Array<LoggedWatchEvent | undefined>(clampCapacity(capacity));
    this.maxDataBytes = Math.max(0, options.maxDataBytes ?? DEFAULT_MAX_DATA_BYTES);
    this.notifyDelayMs = Math.max(0, options.notifyDelayMs ?? 16);
  }

  get capacity(): number {
    return this.ring.length;
  }

  get size(): number {
    return this.count;
  }

  /** Entries dropped because the ring was full (or made smaller) since it was created or cleared. */
  get dropped(): number {
    return this.droppedTotal;
  }

  /** Entries ever pushed (since created or cleared): size + dropped. */
  get received(): number {
    return this.receivedTotal;
  }

  /** Entries whose data was let go to stay within maxDataBytes. */
  get dataStripped(): number {
    return this.strippedTotal;
  }

  /** Bytes of captured data held. */
  get dataBytes(): number {
    return this.dataBytesTotal;
  }

  /** An estimate of all the memory the entries hold: data, paths, names and the records themselves. */
  get bytes(): number {
    return this.dataBytesTotal + this.overheadBytesTotal;
  }

  push(entry: LoggedWatchEvent): void {
    const capacity = this.ring.length;
    let dropped = 0;
    if (this.count === capacity) {
      this.forget(this.ring[this.head]!);
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % capacity;
      this.count--;
      this.stripped = Math.max(0, this.stripped - 1);
      dropped = 1;
    }
    if (this.count > 0 && this.ring[(this.head + this.count - 1) % capacity]!.seq >= entry.seq) this.ordered = false;
    this.ring[(this.head + this.count) % capacity] = entry;
    this.count++;
    this.receivedTotal++;
    this.droppedTotal += dropped;
    this.dataBytesTotal += dataBytesOf(entry);
    this.overheadBytesTotal += overheadOf(entry);
    if (this.dataBytesTotal > this.maxDataBytes) this.stripOldest();
    this.changed({ added: 1, dropped, updated: 0, cleared: false });
  }

  /** Gives an entry the data of its `after` that was read once the event had been logged. False when the entry is gone. */
  applyCapture(capture: WatchCapture): boolean {
    const index = this.indexOfSeq(capture.seq);
    if (index < 0) return false;
    const slot = (this.head + index) % this.ring.length;
    const entry = this.ring[slot]!;
    if (entry.path !== capture.path) return false;
    // Entries in the stripped part stay without data: the budget went to newer ones.
    const after = index < this.stripped ? withoutData(capture.after) : capture.after;
    const bytesBefore = dataBytesOf(entry);
    const updated: LoggedWatchEvent = { ...entry, after };
    this.ring[slot] = updated;
    this.dataBytesTotal += dataBytesOf(updated) - bytesBefore;
    if (this.dataBytesTotal > this.maxDataBytes) this.stripOldest();
    this.changed({ added: 0, dropped: 0, updated: 1, cleared: false });
    return true;
  }

  /** Feeds the log from a watch manager: its events, and the data captured for them afterwards. */
  attach(source: Pick<WatchManagerApi, 'onEvent' | 'onDidCapture'>, connection: string): Disposable {
    const events = source.onEvent((record) => this.push({ ...record, connection }));
    const captures = source.onDidCapture((capture) => this.applyCapture(capture));
    return {
      dispose: () => {
        events.dispose();
        captures.dispose();
      },
    };
  }

  /** Newest first. */
  entries(): LoggedWatchEvent[] {
    const result = new Array<LoggedWatchEvent>(this.count);
    const capacity = this.ring.length;
    for (let i = 0; i < this.count; i++) result[i] = this.ring[(this.head + this.count - 1 - i) % capacity]!;
    return result;
  }

  /** Newest first, the entries that match every given criterion. */
  filter(filter: EventLogFilter): LoggedWatchEvent[] {
    const text = filter.path ?? '';
    const types = filter.types && filter.types.length > 0 ? new Set(filter.types) : undefined;
    return this.entries().filter((e) => (text === '' || e.path.includes(text)) && (!types || types.has(e.type)));
  }

  clear(): void {
    this.ring = new Array<LoggedWatchEvent | undefined>(this.ring.length);
    this.head = 0;
    this.count = 0;
    this.stripped = 0;
    this.droppedTotal = 0;
    this.receivedTotal = 0;
    this.strippedTotal = 0;
    this.dataBytesTotal = 0;
    this.overheadBytesTotal = 0;
    this.ordered = true;
    this.changed({ added: 0, dropped: 0, updated: 0, cleared: true });
  }

  /** A new capacity: when smaller, the oldest entries beyond it are dropped (and counted). */
  resize(capacity: number): void {
    const next = clampCapacity(capacity);
    if (next === this.ring.length) return;
    const keep = Math.min(this.count, next);
    const cut = this.count - keep;
    const ring = new Array<LoggedWatchEvent | undefined>(next);
    const old = this.ring.length;
    for (let i = 0; i < this.count; i++) {
      const entry = this.ring[(this.head + i) % old]!;
      if (i < cut) this.forget(entry);
      else ring[i - cut] = entry;
    }
    this.ring = ring;
    this.head = 0;
    this.count = keep;
    this.stripped = Math.max(0, this.stripped - cut);
    this.droppedTotal += cut;
    this.changed({ added: 0, dropped: cut, updated: 0, cleared: false });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    this.changeEmitter.dispose();
  }

  private forget(entry: LoggedWatchEvent): void {
    this.dataBytesTotal -= dataBytesOf(entry);
    this.overheadBytesTotal -= overheadOf(entry);
  }

  /** Takes the data away from the oldest entries until the data fits the budget again. */
  private stripOldest(): void {
    const capacity = this.ring.length;
    while (this.dataBytesTotal > this.maxDataBytes && this.stripped < this.count) {
      const slot = (this.head + this.stripped) % capacity;
      const entry = this.ring[slot]!;
      const bytes = dataBytesOf(entry);
      if (bytes > 0) {
        this.ring[slot] = { ...entry, before: withoutData(entry.before), after: withoutData(entry.after) };
        this.dataBytesTotal -= bytes;
        this.strippedTotal++;
      }
      this.stripped++;
    }
  }

  /** The index (0 = oldest) of the entry with this seq; seqs grow with every push. */
  private indexOfSeq(seq: number): number {
    const capacity = this.ring.length;
    const at = (i: number): number => this.ring[(this.head + i) % capacity]!.seq;
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const value = at(mid);
      if (value === seq) return mid;
      if (value < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    if (this.ordered) return -1;
    // Pushed out of order: look from the newest.
    for (let i = this.count - 1; i >= 0; i--) if (at(i) === seq) return i;
    return -1;
  }

  private changed(change: EventLogChange): void {
    const pending = (this.pending ??= { added: 0, dropped: 0, updated: 0, cleared: false });
    pending.added += change.added;
    pending.dropped += change.dropped;
    pending.updated += change.updated;
    pending.cleared ||= change.cleared;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const fired = this.pending;
      this.pending = undefined;
      if (fired) this.changeEmitter.fire(fired);
    }, this.notifyDelayMs);
    this.timer.unref?.();
  }
}
