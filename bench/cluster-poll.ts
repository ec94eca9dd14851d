// Benchmark: what the Cluster view's polling costs the process that polls (the extension host).
//
//   node out/bench/cluster-poll.js [--seconds 30] [--runs 3] [--interval 1000] [--admin mixed|on|off] [--metrics]
//
// Starts its own 3-server ensemble (scripts/lib/zookeeper.js). --admin mixed (default): the
// AdminServer on servers 1 and 2, off on 3 (so one server is asked with four-letter words), as in
// the tests; on: every server through the AdminServer; off: four-letter words only. Each run
// probes the whole ensemble every `interval` ms, as the view does (one probe at a time, the next
// tick skipped while one runs), for `seconds`, and measures in this process:
//   CPU      user+system time / wall time, in % of one core (process.cpuUsage);
//   delay    event-loop delay p95 and max (perf_hooks.monitorEventLoopDelay, 10 ms resolution);
//   probe    the median time of one probe of the 3 servers.
// --metrics: the metrics panel's sampler (MetricsSampler: a probe plus the hour's ring buffer and
// the rates) polls too, at the same interval, as when the Cluster view and a metrics panel are both open.
// Each run first measures the same window idle (nothing polling): on a machine shared with other
// work, that is the floor the polling figures stand on. Prints each run and the medians against
// the goals (< 1 % of a core, p95 < 20 ms; the issue asks for 5 minutes: --seconds 300).
// Exits non-zero only when a probe's result is wrong (not 3 serving servers, no leader), never on time.
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type * as ZooKeeperLib from '../scripts/lib/zookeeper';
import { MetricsSampler } from '../src/zk/cluster/metrics';
import { ClusterProbe } from '../src/zk/cluster/probe';
import { median, parseFlags, printTable, repoRoot, runBench } from './support';

interface RunResult {
  cpuPercent: number;
  delayP95Ms: number;
  delayMaxMs: number;
  probeMedianMs: number;
  probes: number;
}

const RESOLUTION_MS = 10;

/**
 * Runs `work('start')` for `seconds`, then `work('stop')` (awaited), and measures the process
 * meanwhile. The event-loop delay is what the histogram reads beyond its own 10 ms timer period.
 */
async function measure(seconds: number, work: (phase: 'start' | 'stop') => Promise<void> | undefined): Promise<RunResult> {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  void work('start');
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  await work('stop');
  const wallMs = performance.now() - wallStart;
  const cpu = process.cpuUsage(cpuStart);
  histogram.disable();
  return {
    cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
    delayP95Ms: Math.max(0, histogram.percentile(95) / 1e6 - RESOLUTION_MS),
    delayMaxMs: Math.max(0, histogram.max / 1e6 - RESOLUTION_MS),
    probeMedianMs: 0,
    probes: 0,
  };
}

async function main(): Promise<void> {
  let seconds = 30;
  let runs = 3;
  let interval = 1000;
  let admin: 'mixed' | 'on' | 'off' = 'mixed';
  let withMetrics = false;
  parseFlags(process.argv.slice(2), '[--seconds 30] [--runs 3] [--interval 1000] [--admin mixed|on|off] [--metrics]', (flag, value) => {
    if (flag === '--metrics') withMetrics = true;
    else if (flag === '--seconds') seconds = Number(value());
    else if (flag === '--runs') runs = Number(value());
    else if (flag === '--interval') interval = Number(value());
    else if (flag === '--admin') {
      const v = value();
      if (v !== 'mixed' && v !== 'on' && v !== 'off') throw new Error('--admin is mixed, on or off');
      admin = v;
    } else return false;
    return true;
  });

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const zookeeper = require(path.join(repoRoot(), 'scripts', 'lib', 'zookeeper.js')) as typeof ZooKeeperLib;
  const ensemble = await zookeeper.startEnsemble({
    install: true,
    serverConfig: (id): Record<string, string> => (admin === 'off' || (admin === 'mixed' && id === 3) ? { 'admin.enableServer': 'false' } : {}),
  });
  try {
    await ensemble.leader();
    const adminPorts = new Map(ensemble.servers.map((s) => [s.port, admin === 'off' || (admin === 'mixed' && s.id === 3) ? (false as const) : s.adminPort]));
    console.log(`cluster-poll: 3-server ensemble, AdminServer ${admin}, a probe every ${interval} ms${withMetrics ? ' plus the metrics sampler' : ''} for ${seconds} s, ${runs} runs; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}, node ${process.version}`);

    const results: RunResult[] = [];
    const idle: RunResult[] = [];
    for (let run = 1; run <= runs; run++) {
      // The same window with nothing polling: what this busy machine costs on its own.
      const quiet = await measure(seconds, () => undefined);
      idle.push(quiet);
      const probe = new ClusterProbe({ connectString: ensemble.connectString, adminPort: (server) => adminPorts.get(server.port) ?? false });
      // One probe before measuring: the keep-alive sockets and JIT warm up as in a view already open.
      await probe.probe();
      const durations: number[] = [];
      let wrong: string | undefined;
      let running: Promise<void> | undefined;
      const timer = { handle: undefined as NodeJS.Timeout | undefined };
      // The panel's sampler on a probe of its own (the extension shares one per connection; two is the heavier case).
      const metricsProbe = withMetrics ? new ClusterProbe({ connectString: ensemble.connectString, adminPort: (server) => adminPorts.get(server.port) ?? false }) : undefined;
      let samples = 0;
      const sampler = metricsProbe ? new MetricsSampler({ probe: () => metricsProbe.probe(), intervalMs: () => interval, onSample: () => samples++ }) : undefined;
      const result = await measure(seconds, (phase) => {
        if (phase === 'stop') {
          clearInterval(timer.handle);
          sampler?.dispose();
          return running;
        }
        sampler?.setActive(true);
        const tick = (): void => {
          if (running) return;
          const started = performance.now();
          running = probe
            .probe()
            .then((report) => {
              durations.push(performance.now() - started);
              const serving = report.servers.filter((s) => s.state === 'serving').length;
              if (serving !== 3 || !report.leader) wrong ??= `probe ${durations.length}: ${serving} serving, leader ${report.leader ?? 'none'}`;
            })
            .finally(() => (running = undefined));
        };
        timer.handle = setInterval(tick, interval);
        tick();
        return undefined;
      });
      probe.dispose();
      metricsProbe?.dispose();
      if (wrong) throw new Error(`wrong result: ${wrong}`);
      if (sampler && samples < 2) throw new Error(`wrong result: the metrics sampler took ${samples} samples`);
      result.probeMedianMs = median(durations);
      result.probes = durations.length;
      results.push(result);
      console.log(
        `run ${run}: polling: CPU ${result.cpuPercent.toFixed(3)} % of a core, event-loop delay p95 ${result.delayP95Ms.toFixed(1)} ms (max ${result.delayMaxMs.toFixed(1)}), probe ${result.probeMedianMs.toFixed(1)} ms (median of ${result.probes}); idle: CPU ${quiet.cpuPercent.toFixed(3)} %, delay p95 ${quiet.delayP95Ms.toFixed(1)} ms`,
      );
    }
    const mid = (list: RunResult[], key: keyof RunResult): string => median(list.map((r) => r[key])).toFixed(key === 'cpuPercent' ? 3 : 1);
    console.log('');
    printTable(
      ['figure (median of runs)', 'polling', 'idle', 'goal'],
      [
        ['CPU, % of one core', mid(results, 'cpuPercent'), mid(idle, 'cpuPercent'), '< 1'],
        ['event-loop delay p95, ms', mid(results, 'delayP95Ms'), mid(idle, 'delayP95Ms'), '< 20'],
        ['event-loop delay max, ms', mid(results, 'delayMaxMs'), mid(idle, 'delayMaxMs'), ''],
        ['one probe of 3 servers, ms', mid(results, 'probeMedianMs'), '', ''],
      ],
    );
  } finally {
    await ensemble.stop();
  }
}

runBench(main);
