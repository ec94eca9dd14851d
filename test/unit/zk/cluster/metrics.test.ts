import * as assert from 'node:assert/strict';
import { chartLines, formatFigure, frameOf, linePath, nearestIndex, niceTicks } from '../../../../src/zk/cluster/chart';
import { METRIC_CHARTS, MetricsHistory, MetricsSampler, RingBuffer, capacityFor, metricsCsv, type MetricsSample, type Timers } from '../../../../src/zk/cluster/metrics';
import { ClusterProbe } from '../../../../src/zk/cluster/probe';
import type { ClusterReport, ServerMetrics, ServerState } from '../../../../src/zk/cluster/types';
import { sharedZooKeeper } from '../../../support/zookeeper';

/** A report as the probe makes it, for the series logic (the probe itself is tested against real servers). */
function report(t: number, servers: { address: string; state?: ServerState; metrics?: ServerMetrics }[]): ClusterReport {
  return {
    probedAt: t,
    warnings: [],
    servers: servers.map((s) => ({ address: s.address, role: s.state === 'unreachable' ? 'unknown' : 'follower', state: s.state ?? 'serving', source: 'adminserver', metrics: s.metrics ?? {} })),
  };
}

describe('cluster metrics: ring buffer', () => {
  it('keeps the newest `capacity` items, oldest first, and resizes keeping the newest', () => {
    const ring = new RingBuffer<number>(3);
    for (let i = 1; i <= 5; i++) ring.push(i);
    assert.deepEqual(ring.toArray(), [3, 4, 5]);
    assert.equal(ring.size, 3);
    assert.equal(ring.last(), 5);
    ring.resize(2);
    assert.deepEqual(ring.toArray(), [4, 5]);
    ring.resize(4);
    ring.push(6);
    assert.deepEqual(ring.toArray(), [4, 5, 6]);
    ring.dropWhile((n) => n < 5);
    assert.deepEqual(ring.toArray(), [5, 6]);
    assert.throws(() => new RingBuffer(0), RangeError);
  });

  it('an hour at any interval fits the buffer, and memory stays bounded over many hours', () => {
    assert.equal(capacityFor(5000), 721);
    assert.equal(capacityFor(1000), 3601);
    const history = new MetricsHistory(5000);
    // Ten hours of samples at 5 s: 7,200 pushes, never more than an hour kept.
    for (let i = 0; i < 7200; i++) history.add(report(i * 5000, [{ address: 'a:1', metrics: { znodes: i } }]));
    const kept = history.samples();
    assert.ok(kept.length <= 721, String(kept.length));
    assert.equal(kept[kept.length - 1].t - kept[0].t <= 3600_000, true);
    assert.equal(kept[kept.length - 1].servers[0].values.znodes, 7199);
  });

  it('drops samples older than the window even when the interval is longer than expected', () => {
    const history = new MetricsHistory(1000, 10_000);
    history.add(report(0, [{ address: 'a:1' }]));
    history.add(report(5000, [{ address: 'a:1' }]));
    history.add(report(20_000, [{ address: 'a:1' }]));
    assert.deepEqual(history.samples().map((s) => s.t), [20_000]);
  });
});

describe('cluster metrics: series', () => {
  it('packet counters become rates per second; a counter that went down (restart, srst) gives no rate', () => {
    const history = new MetricsHistory(5000);
    const a = history.add(report(0, [{ address: 'a:1', metrics: { packetsReceived: 100, packetsSent: 50, avgLatency: 1 } }]));
    assert.equal(a.servers[0].values.packetsReceivedPerSecond, undefined, 'no rate from one sample');
    assert.equal(a.servers[0].values.avgLatency, 1);
    const b = history.add(report(5000, [{ address: 'a:1', metrics: { packetsReceived: 600, packetsSent: 100 } }]));
    assert.equal(b.servers[0].values.packetsReceivedPerSecond, 100);
    assert.equal(b.servers[0].values.packetsSentPerSecond, 10);
    const c = history.add(report(10_000, [{ address: 'a:1', metrics: { packetsReceived: 7, packetsSent: 3 } }]));
    assert.equal(c.servers[0].values.packetsReceivedPerSecond, undefined);
    const d = history.add(report(15_000, [{ address: 'a:1', state: 'unreachable' }]));
    assert.deepEqual(d.servers[0].values, {});
    const e = history.add(report(20_000, [{ address: 'a:1', metrics: { packetsReceived: 20, packetsSent: 3 } }]));
    assert.equal(e.servers[0].values.packetsReceivedPerSecond, undefined, 'after a gap the rates start afresh');
  });

  it('CSV: a header, one row per sample and server, empty fields for unknown figures, ISO times', () => {
    const history = new MetricsHistory(5000);
    history.add(report(Date.UTC(2026, 0, 1, 12, 0, 0), [{ address: '127.0.0.1:2181', metrics: { avgLatency: 0.5, maxLatency: 12, znodes: 7, packetsReceived: 10 } }, { address: 'host,odd:2182', state: 'unreachable' }]));
    history.add(report(Date.UTC(2026, 0, 1, 12, 0, 5), [{ address: '127.0.0.1:2181', metrics: { znodes: 8, packetsReceived: 20 } }]));
    const lines = metricsCsv(history.samples()).trimEnd().split('\n');
    assert.deepEqual(lines, [
      'time,server,role,state,avg_latency_ms,max_latency_ms,outstanding_requests,packets_received_per_s,packets_sent_per_s,connections,znodes,watches',
      '2026-01-01T12:00:00.000Z,127.0.0.1:2181,follower,serving,0.5,12,,,,,7,',
      '2026-01-01T12:00:00.000Z,"host,odd:2182",unknown,unreachable,,,,,,,,',
      '2026-01-01T12:00:05.000Z,127.0.0.1:2181,follower,serving,,,,2,,,8,',
    ]);
  });

  it('the charts cover latency, outstanding, packets, connections, znodes and watches', () => {
    assert.deepEqual(METRIC_CHARTS.map((c) => c.id), ['latency', 'outstanding', 'packets', 'connections', 'znodes', 'watches']);
  });
});

describe('cluster metrics: chart geometry', () => {
  it('round ticks from zero covering the data', () => {
    assert.deepEqual(niceTicks(3, 97), { min: 0, max: 100, values: [0, 25, 50, 75, 100] });
    assert.deepEqual(niceTicks(0, 0).values, [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(niceTicks(-3, 3).values, [-4, -2, 0, 2, 4]);
    const big = niceTicks(0, 1_234_567);
    assert.ok(big.max >= 1_234_567 && big.values.length <= 6, JSON.stringify(big));
  });

  it('a line per server and series, with gaps where a server said nothing', () => {
    const samples: MetricsSample[] = [
      { t: 0, servers: [{ server: 'a', role: 'leader', state: 'serving', values: { avgLatency: 0, maxLatency: 10 } }] },
      { t: 10, servers: [{ server: 'a', role: 'unknown', state: 'unreachable', values: {} }, { server: 'b', role: 'follower', state: 'serving', values: { avgLatency: 5 } }] },
      { t: 20, servers: [{ server: 'a', role: 'leader', state: 'serving', values: { avgLatency: 10 } }] },
      { t: 30, servers: [{ server: 'a', role: 'leader', state: 'serving', values: { avgLatency: 5 } }] },
    ];
    const lines = chartLines(samples, METRIC_CHARTS[0]);
    assert.deepEqual(lines.map((l) => `${l.server}/${l.label}/${l.index}`), ['a/avg/0', 'a/max/1', 'b/avg/0', 'b/max/1']);
    const frame = frameOf(lines, 300, 100, samples.map((s) => s.t));
    assert.deepEqual([frame.ticks.min, frame.ticks.max], [0, 10]);
    assert.equal(linePath(frame, lines[0].points), 'M0.0,100.0 M200.0,0.0 L300.0,50.0');
    assert.equal(linePath(frame, lines[3].points), '');
  });

  it('the sample under the mouse is the nearest in time', () => {
    const times = [0, 10, 20, 40];
    assert.deepEqual([-5, 4, 6, 15.1, 29, 31, 100].map((t) => nearestIndex(times, t)), [0, 0, 1, 2, 2, 3, 3]);
    assert.equal(nearestIndex([], 3), -1);
  });

  it('figures read short', () => {
    assert.deepEqual([formatFigure(undefined), formatFigure(12), formatFigure(0.456, 'ms'), formatFigure(12_345), formatFigure(4_100_000), formatFigure(150.4, '/s')], ['–', '12', '0.46 ms', '12.3k', '4.1M', '150 /s']);
  });
});

/** Timers the test fires by hand: the schedule is checked without waiting for a clock. */
function manualTimers(): Timers & { pending: { callback: () => void; ms: number }[]; fire(): void } {
  const pending: { callback: () => void; ms: number }[] = [];
  return {
    pending,
    set(callback, ms) {
      const entry = { callback, ms };
      pending.push(entry);
      return entry;
    },
    clear(handle) {
      const i = pending.indexOf(handle as (typeof pending)[number]);
      if (i >= 0) pending.splice(i, 1);
    },
    fire() {
      const next = pending.shift();
      assert.ok(next, 'a timer was expected to be pending');
      next.callback();
    },
  };
}

describe('cluster metrics: the sampler', () => {
  it('samples only while active; one probe at a time; the next an interval after the last started', async () => {
    const timers = manualTimers();
    let now = 1000;
    let probes = 0;
    let release: (() => void) | undefined;
    const samples: MetricsSample[] = [];
    const sampler = new MetricsSampler({
      intervalMs: () => 5000,
      now: () => now,
      timers,
      probe: async () => {
        probes++;
        await new Promise<void>((resolve) => (release = resolve));
        return report(now, [{ address: 'a:1', metrics: { znodes: probes } }]);
      },
      onSample: (s) => samples.push(s),
    });
    assert.equal(timers.pending.length, 0, 'inactive: nothing scheduled');
    sampler.setActive(true);
    assert.deepEqual(timers.pending.map((p) => p.ms), [0], 'the first sample at once');
    timers.fire();
    assert.equal(probes, 1);
    assert.equal(timers.pending.length, 0, 'no second probe while the first runs');
    now += 7000; // a slow probe
    release!();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(samples.length, 1);
    assert.deepEqual(timers.pending.map((p) => p.ms), [0], 'it started 7 s ago: the next is due now');
    sampler.setActive(false);
    assert.equal(timers.pending.length, 0, 'hidden: the timer is cancelled');
    sampler.setActive(true);
    timers.fire();
    now += 1000;
    release!();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(timers.pending.map((p) => p.ms), [4000]);
    sampler.dispose();
    assert.equal(timers.pending.length, 0);
    sampler.setActive(true);
    assert.equal(timers.pending.length, 0, 'a disposed sampler stays quiet');
    assert.equal(samples.length, 2);
  });

  it('on a real server: samples with its figures, and CSV rows from them', async function () {
    this.timeout(60000);
    const server = await sharedZooKeeper();
    const probe = new ClusterProbe({ connectString: server.connectString, adminPort: server.adminPort });
    const samples: MetricsSample[] = [];
    let got: () => void = () => undefined;
    const two = new Promise<void>((resolve) => (got = resolve));
    const sampler = new MetricsSampler({
      intervalMs: () => 200,
      probe: () => probe.probe(),
      onSample: (s) => {
        samples.push(s);
        if (samples.length === 2) got();
      },
    });
    try {
      sampler.setActive(true);
      await two;
      sampler.setActive(false);
      const [first, second] = samples;
      assert.equal(first.servers[0].server, server.connectString);
      assert.equal(first.servers[0].state, 'serving');
      assert.ok((second.servers[0].values.znodes ?? 0) >= 1, JSON.stringify(second));
      assert.equal(typeof second.servers[0].values.packetsReceivedPerSecond, 'number', JSON.stringify(second));
      const csv = metricsCsv(sampler.history.samples()).trimEnd().split('\n');
      assert.ok(csv.length >= 3, csv.join('\n'));
      assert.match(csv[2], new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[^,]+,${server.connectString.replace(/\./g, '\\.')},standalone,serving,`));
    } finally {
      sampler.dispose();
      probe.dispose();
    }
  });
});
