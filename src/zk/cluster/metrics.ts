// Metrics over time: the samples the metrics panel charts, kept for the last hour in ring buffers
// (bounded memory whatever the interval), a sampler that polls only while someone looks, and the CSV
// export. No VS Code here: the panel (src/extension/cluster/metricsPanel.ts) only shows and saves.
import type { ClusterReport, ServerRole, ServerState } from './types';

/** What one chart line is drawn from. Packet counters are cumulative, so they are charted as rates. */
export type SeriesKey =
  | 'avgLatency'
  | 'maxLatency'
  | 'outstandingRequests'
  | 'packetsReceivedPerSecond'
  | 'packetsSentPerSecond'
  | 'connections'
  | 'znodes'
  | 'watches';

export interface ChartSpec {
  id: string;
  title: string;
  /** Shown after a value: "ms", "/s" or nothing. */
  unit: string;
  /** One line per server and series; the second series of a chart is dashed. */
  series: { key: SeriesKey; label: string }[];
}

/** The charts of the panel, in order (the figures the issue names). */
export const METRIC_CHARTS: readonly ChartSpec[] = [
  { id: 'latency', title: 'Latency (avg / max since the server started or srst)', unit: 'ms', series: [{ key: 'avgLatency', label: 'avg' }, { key: 'maxLatency', label: 'max' }] },
  { id: 'outstanding', title: 'Outstanding requests', unit: '', series: [{ key: 'outstandingRequests', label: 'outstanding' }] },
  { id: 'packets', title: 'Packets per second (received / sent)', unit: '/s', series: [{ key: 'packetsReceivedPerSecond', label: 'received' }, { key: 'packetsSentPerSecond', label: 'sent' }] },
  { id: 'connections', title: 'Connections', unit: '', series: [{ key: 'connections', label: 'connections' }] },
  { id: 'znodes', title: 'Znodes', unit: '', series: [{ key: 'znodes', label: 'znodes' }] },
  { id: 'watches', title: 'Watches', unit: '', series: [{ key: 'watches', label: 'watches' }] },
];

export interface ServerSample {
  /** host:port of its client port. */
  server: string;
  role: ServerRole;
  state: ServerState;
  values: Partial<Record<SeriesKey, number>>;
}

export interface MetricsSample {
  /** ms since the epoch (when the probe finished). */
  t: number;
  servers: ServerSample[];
}

/** The window the panel keeps: the last hour. */
export const METRICS_WINDOW_MS = 60 * 60 * 1000;

/** A fixed-size FIFO: pushing onto a full buffer drops the oldest. */
export class RingBuffer<T> {
  private items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(private capacityValue: number) {
    if (!(capacityValue >= 1)) throw new RangeError('A ring buffer holds at least one item.');
    this.items = new Array<T | undefined>(capacityValue);
  }

  get capacity(): number {
    return this.capacityValue;
  }

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count < this.capacityValue) {
      this.items[(this.start + this.count) % this.capacityValue] = item;
      this.count++;
    } else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacityValue;
    }
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.items[(this.start + i) % this.capacityValue] as T);
    return out;
  }

  last(): T | undefined {
    return this.count === 0 ? undefined : this.items[(this.start + this.count - 1) % this.capacityValue];
  }

  /** Drops the oldest while `drop` says so. */
  dropWhile(drop: (item: T) => boolean): void {
    while (this.count > 0 && drop(this.items[this.start] as T)) {
      this.items[this.start] = undefined;
      this.start = (this.start + 1) % this.capacityValue;
      this.count--;
    }
  }

  /** A new capacity, keeping the newest items that fit. */
  resize(capacity: number): void {
    if (capacity === this.capacityValue) return;
    if (!(capacity >= 1)) throw new RangeError('A ring buffer holds at least one item.');
    const kept = this.toArray().slice(-capacity);
    this.capacityValue = capacity;
    this.items = new Array<T | undefined>(capacity);
    this.start = 0;
    this.count = 0;
    for (const item of kept) this.push(item);
  }
}

/** Samples an hour takes at `intervalMs`, plus one so a full hour spans end to end. */
export function capacityFor(intervalMs: number, windowMs = METRICS_WINDOW_MS): number {
  return Math.ceil(windowMs / Math.max(intervalMs, 1)) + 1;
}

/**
 * The last hour of samples of one connection. Rates come from two consecutive samples of the same
 * server; a counter that went down (a restart, `srst`) gives no rate rather than a negative one.
 */
export class MetricsHistory {
  private readonly buffer: RingBuffer<MetricsSample>;
  /** The last raw packet counters per server, for the rates. */
  private readonly counters = new Map<string, { t: number; received?: number; sent?: number }>();

  constructor(
    intervalMs: number,
    readonly windowMs = METRICS_WINDOW_MS,
  ) {
    this.buffer = new RingBuffer(capacityFor(intervalMs, windowMs));
  }

  /** Another interval: the buffer is resized so it still spans the window (keeping the newest). */
  setInterval(intervalMs: number): void {
    this.buffer.resize(capacityFor(intervalMs, this.windowMs));
  }

  get capacity(): number {
    return this.buffer.capacity;
  }

  add(report: ClusterReport): MetricsSample {
    const t = report.probedAt;
    const sample: MetricsSample = { t, servers: report.servers.map((s) => ({ server: s.address, role: s.role, state: s.state, values: this.valuesOf(s.address, t, s.metrics) })) };
    this.buffer.push(sample);
    this.buffer.dropWhile((old) => old.t < t - this.windowMs);
    return sample;
  }

  samples(): MetricsSample[] {
    return this.buffer.toArray();
  }

  private valuesOf(server: string, t: number, m: ClusterReport['servers'][number]['metrics']): ServerSample['values'] {
    const values: ServerSample['values'] = {
      avgLatency: m.avgLatency,
      maxLatency: m.maxLatency,
      outstandingRequests: m.outstandingRequests,
      connections: m.connections,
      znodes: m.znodes,
      watches: m.watches,
    };
    const before = this.counters.get(server);
    const rate = (now: number | undefined, then: number | undefined): number | undefined =>
      before && now !== undefined && then !== undefined && now >= then && t > before.t ? ((now - then) * 1000) / (t - before.t) : undefined;
    values.packetsReceivedPerSecond = rate(m.packetsReceived, before?.received);
    values.packetsSentPerSecond = rate(m.packetsSent, before?.sent);
    // An unreachable server says nothing: its next answer starts the rates afresh.
    if (m.packetsReceived !== undefined || m.packetsSent !== undefined) this.counters.set(server, { t, received: m.packetsReceived, sent: m.packetsSent });
    else this.counters.delete(server);
    for (const key of Object.keys(values) as SeriesKey[]) if (values[key] === undefined) delete values[key];
    return values;
  }
}

const CSV_COLUMNS: { header: string; key: SeriesKey }[] = [
  { header: 'avg_latency_ms', key: 'avgLatency' },
  { header: 'max_latency_ms', key: 'maxLatency' },
  { header: 'outstanding_requests', key: 'outstandingRequests' },
  { header: 'packets_received_per_s', key: 'packetsReceivedPerSecond' },
  { header: 'packets_sent_per_s', key: 'packetsSentPerSecond' },
  { header: 'connections', key: 'connections' },
  { header: 'znodes', key: 'znodes' },
  { header: 'watches', key: 'watches' },
];

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One row per sample and server, oldest first; an unknown figure is an empty field. */
export function metricsCsv(samples: readonly MetricsSample[]): string {
  const lines = [['time', 'server', 'role', 'state', ...CSV_COLUMNS.map((c) => c.header)].join(',')];
  for (const sample of samples) {
    const time = new Date(sample.t).toISOString();
    for (const s of sample.servers) {
      const figures = CSV_COLUMNS.map((c) => {
        const v = s.values[c.key];
        return v === undefined ? '' : String(Math.round(v * 1000) / 1000);
      });
      lines.push([time, s.server, s.role, s.state, ...figures].map(csvField).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** setTimeout/clearTimeout, injectable so the sampler's schedule is tested without waiting. */
export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const REAL_TIMERS: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface MetricsSamplerOptions {
  /** One probe of the ensemble. */
  probe: () => Promise<ClusterReport>;
  intervalMs: () => number;
  onSample: (sample: MetricsSample) => void;
  /** A failed probe (the probe itself reports unreachable servers; this is for anything else). */
  onError?: (error: unknown) => void;
  timers?: Timers;
  now?: () => number;
}

/**
 * Polls while active (the panel or the Cluster view is visible) and never otherwise; one probe at a
 * time, the next one an interval after the previous started (a slow probe is not overlapped, it
 * delays the next). Becoming active samples at once when the last sample is older than an interval.
 */
export class MetricsSampler {
  readonly history: MetricsHistory;
  private active = false;
  private timer: unknown;
  private running = false;
  private lastStart = Number.NEGATIVE_INFINITY;
  private disposed = false;
  private readonly timers: Timers;
  private readonly now: () => number;

  constructor(private readonly options: MetricsSamplerOptions) {
    this.timers = options.timers ?? REAL_TIMERS;
    this.now = options.now ?? Date.now;
    this.history = new MetricsHistory(options.intervalMs());
  }

  get isActive(): boolean {
    return this.active;
  }

  setActive(active: boolean): void {
    if (this.disposed || active === this.active) return;
    this.active = active;
    if (active) this.schedule();
    else this.cancel();
  }

  /** The interval setting changed: the buffer follows and the next sample is rescheduled. */
  reschedule(): void {
    this.history.setInterval(this.options.intervalMs());
    this.cancel();
    if (this.active) this.schedule();
  }

  private cancel(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.running || this.timer !== undefined || !this.active || this.disposed) return;
    const wait = Math.max(0, this.lastStart + this.options.intervalMs() - this.now());
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      void this.sample();
    }, wait);
  }

  private async sample(): Promise<void> {
    if (!this.active || this.disposed) return;
    this.running = true;
    this.lastStart = this.now();
    try {
      const report = await this.options.probe();
      if (!this.disposed) this.options.onSample(this.history.add(report));
    } catch (error) {
      this.options.onError?.(error);
    } finally {
      this.running = false;
      this.schedule();
    }
  }

  dispose(): void {
    this.disposed = true;
    this.active = false;
    this.cancel();
  }
}
