// The geometry of the metrics charts: axis ticks, SVG paths, the sample under the mouse. Pure
// functions with no DOM and no VS Code, bundled into the panel's script (media/metrics/panel.js)
// and unit-tested here. We draw SVG ourselves rather than pull in a chart library: six line
// charts need ~200 lines, no dependency to vet and ship inside a webview, and SVG strokes can use
// VS Code's theme colours (CSS variables) directly, so light, dark and high contrast just work.
import type { ChartSpec, MetricsSample, SeriesKey } from './metrics';

export interface Ticks {
  /** The axis range, a little wider than the data: from 0 or a round value. */
  min: number;
  max: number;
  values: number[];
}

/** Round tick values (1, 2, 2.5, 5 × 10^n) covering [min, max] with about `count` steps. */
export function niceTicks(min: number, max: number, count = 4): Ticks {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { min: 0, max: 1, values: [0, 1] };
  if (min > 0) min = 0; // counts and latencies read best from zero
  if (max <= min) max = min + 1;
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const values: number[] = [];
  for (let v = lo; v <= hi + step / 2; v += step) values.push(Number(v.toPrecision(12)));
  return { min: lo, max: hi, values };
}

export interface Point {
  t: number;
  /** undefined: the server said nothing (unreachable, or no such figure): a gap in the line. */
  v: number | undefined;
}

export interface Line {
  server: string;
  key: SeriesKey;
  label: string;
  /** 0 for the first series of a chart, 1 for the second (drawn dashed). */
  index: number;
  points: Point[];
}

/** The lines of one chart: per server (in the order first seen) and series. */
export function chartLines(samples: readonly MetricsSample[], chart: ChartSpec): Line[] {
  const servers: string[] = [];
  for (const sample of samples) for (const s of sample.servers) if (!servers.includes(s.server)) servers.push(s.server);
  const lines: Line[] = [];
  for (const server of servers) {
    chart.series.forEach((series, index) => {
      const points = samples.map((sample) => ({ t: sample.t, v: sample.servers.find((s) => s.server === server)?.values[series.key] }));
      lines.push({ server, key: series.key, label: series.label, index, points });
    });
  }
  return lines;
}

export interface Frame {
  /** Time range, ms. */
  t0: number;
  t1: number;
  ticks: Ticks;
  width: number;
  height: number;
}

export function xOf(frame: Frame, t: number): number {
  return frame.t1 === frame.t0 ? frame.width : ((t - frame.t0) / (frame.t1 - frame.t0)) * frame.width;
}

export function yOf(frame: Frame, v: number): number {
  return frame.height - ((v - frame.ticks.min) / (frame.ticks.max - frame.ticks.min)) * frame.height;
}

/** The frame of a chart: time from the oldest to the newest sample, values from the lines'. */
export function frameOf(lines: readonly Line[], width: number, height: number, times: readonly number[]): Frame {
  let lo = Infinity;
  let hi = -Infinity;
  for (const line of lines)
    for (const p of line.points)
      if (p.v !== undefined) {
        lo = Math.min(lo, p.v);
        hi = Math.max(hi, p.v);
      }
  const t0 = times.length ? times[0] : 0;
  const t1 = times.length ? times[times.length - 1] : 1;
  return { t0, t1, ticks: niceTicks(lo === Infinity ? 0 : lo, hi === -Infinity ? 1 : hi), width, height };
}

/** An SVG path: a move at the start of each run of known values, so an unreachable server leaves a gap. */
export function linePath(frame: Frame, points: readonly Point[]): string {
  const parts: string[] = [];
  let pen = false;
  for (const p of points) {
    if (p.v === undefined) {
      pen = false;
      continue;
    }
    parts.push(`${pen ? 'L' : 'M'}${xOf(frame, p.t).toFixed(1)},${yOf(frame, p.v).toFixed(1)}`);
    pen = true;
  }
  return parts.join(' ');
}

/** Index of the sample nearest to time t (times ascending), or -1 when there is none. */
export function nearestIndex(times: readonly number[], t: number): number {
  if (times.length === 0) return -1;
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && t - times[lo - 1] <= times[lo] - t ? lo - 1 : lo;
}

/** A figure for an axis or a tooltip: 12, 1.5, 12.3k, 4.1M; unknown as "–". */
export function formatFigure(v: number | undefined, unit = ''): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  const abs = Math.abs(v);
  const text =
    abs >= 1e6 ? `${trim(v / 1e6)}M` : abs >= 1e4 ? `${trim(v / 1e3)}k` : Number.isInteger(v) ? String(v) : abs >= 100 ? v.toFixed(0) : abs >= 10 ? v.toFixed(1) : v.toFixed(2);
  return unit ? `${text} ${unit}` : text;
}

function trim(v: number): string {
  return v.toFixed(1).replace(/\.0$/, '');
}

/** hh:mm:ss of a sample, in local time. */
export function formatClock(t: number): string {
  const d = new Date(t);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}
