// Benchmark: how soon a change made by another client appears in the watch panel's model.
//
//   node out/bench/watch-latency.js [--runs 5] [--changes 1000] [--modes persistent,one-shot]
//
// Starts its own ZooKeeper (scripts/lib/zookeeper.js). An external client in a child process
// (bench/watch-writer.ts: node-zookeeper-client 1.1.3, its own event loop) changes one node, one
// change at a time. For every change we take the time from the moment the writer got its setData
// reply until:
//   ours   the record is in the panel's model: an EventLog fed by a WatchManager data watch (mode as
//          detected: persistent on 3.6+; `one-shot` forces the fallback, for information). Also when the
//          data of the new version reached that record (what Compare needs), for information;
//   raw    node-zookeeper-client's own one-shot watch on the same node fires (re-armed in its watcher):
//          the least a client can do to hear of a change. It sees the very same changes, in the same run.
// The writer's clock is matched to ours first (the ping with the shortest round trip; its half is the
// error bound, printed). Each run gives p50 and p95 of both; the table shows every run and the median of
// the runs. Goal (persistent mode): ours p95 ≤ 2 × raw p95, and < 50 ms.
// Exits non-zero only when a result is wrong (a change missing, a wrong version or data), never on time.
import * as os from 'node:os';
import { ZkClient } from '../src/zk/client';
import { EventLog } from '../src/zk/watch/eventLog';
import type { WatchCapture, WatchEventRecord } from '../src/zk/watch/types';
import { WatchManager } from '../src/zk/watch/watchManager';
import { connectRaw, formatMs, median, parseFlags, percentile, printTable, type RawConnection, runBench, startBenchZooKeeper, withCleanUp } from './support';
import { WriterProcess } from './watch-writer';

const GOAL_RATIO = 2;
const GOAL_P95_MS = 50;
const NODE = '/bench-watch-latency';
const WARM_UP = 100;
const LOG_CAPACITY = 1000;
/** A change not seen within this long is a wrong result (missing), not a slow one. */
const MISSING_AFTER_MS = 15000;

interface Options {
  runs: number;
  changes: number;
  modes: ('persistent' | 'one-shot')[];
}

function parseArgs(argv: string[]): Options {
  const options: Options = { runs: 5, changes: 1000, modes: ['persistent', 'one-shot'] };
  parseFlags(argv, 'node out/bench/watch-latency.js [--runs N] [--changes N] [--modes persistent,one-shot]', (flag, value) => {
    if (flag === '--runs') options.runs = Number(value());
    else if (flag === '--changes') options.changes = Number(value());
    else if (flag === '--modes') options.modes = value().split(',') as Options['modes'];
    else return false;
    return true;
  });
  if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error('--runs must be a positive integer');
  if (!Number.isInteger(options.changes) || options.changes < 20) throw new Error('--changes must be an integer ≥ 20');
  if (options.modes.some((m) => m !== 'persistent' && m !== 'one-shot')) throw new Error('--modes takes persistent and/or one-shot');
  return options;
}

const now = (): number => performance.timeOrigin + performance.now();
const ms = (value: number): string => formatMs(value, 3);

interface RawStat {
  version: number;
}
interface RawClient extends RawConnection {
  getData(path: string, watcher: (event: unknown) => void, callback: (error: Error | null, data: Buffer, stat: RawStat) => void): void;
}

/** Resolves when `check` holds; checked whenever `poke` is called. Rejects after MISSING_AFTER_MS. */
class Waiter {
  private pending: { check: () => boolean; resolve: () => void; reject: (error: Error) => void; timer: NodeJS.Timeout }[] = [];

  until(check: () => boolean, what: string): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const entry = {
        check,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.pending = this.pending.filter((p) => p !== entry);
          reject(new Error(`wrong result: ${what} did not arrive within ${MISSING_AFTER_MS / 1000} s`));
        }, MISSING_AFTER_MS),
      };
      this.pending.push(entry);
    });
  }

  poke(): void {
    for (const entry of [...this.pending]) {
      if (!entry.check()) continue;
      clearTimeout(entry.timer);
      this.pending = this.pending.filter((p) => p !== entry);
      entry.resolve();
    }
  }
}

/** The raw client's watch: re-armed in the watcher; remembers when it fired and at which version it is armed. */
class RawWatch {
  fired: number[] = [];
  armedAt = -1;
  constructor(
    private readonly client: RawClient,
    private readonly waiter: Waiter,
  ) {}

  arm(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.getData(
        NODE,
        () => {
          this.fired.push(now());
          this.waiter.poke();
          void this.arm();
        },
        (error, _data, stat) => {
          if (error) {
            reject(error);
            return;
          }
          this.armedAt = stat.version;
          this.waiter.poke();
          resolve();
        },
      );
    });
  }
}

interface RunResult {
  ours: number[];
  captured: number[];
  raw: number[];
}

async function measure(
  mode: 'persistent' | 'one-shot',
  connectString: string,
  writer: WriterProcess,
  offset: number,
  raw: RawWatch,
  waiter: Waiter,
  changes: number,
  label: string,
): Promise<RunResult> {
  const client = await ZkClient.connect({ connectString, sessionTimeoutMs: 30000 });
  const manager = new WatchManager(client, mode === 'one-shot' ? { persistent: false } : {});
  const log = new EventLog(LOG_CAPACITY);
  log.attach(manager, 'bench');
  // Registered after the log's own listeners: these run once the record (or its data) is in the model.
  const arrived = new Map<number, { at: number; record: WatchEventRecord }>();
  const captured = new Map<number, { at: number; capture: WatchCapture }>();
  const subs = [
    manager.onEvent((record) => {
      arrived.set(record.after?.version ?? -1, { at: now(), record });
      waiter.poke();
    }),
    manager.onDidCapture((capture) => {
      captured.set(capture.after.version, { at: now(), capture });
      waiter.poke();
    }),
  ];
  const result: RunResult = { ours: [], captured: [], raw: [] };
  try {
    await manager.add({ path: NODE, kind: 'data' });
    if (manager.mode !== mode) throw new Error(`wrong result: the manager runs in ${manager.mode} mode, expected ${mode}`);
    for (let i = 0; i < changes; i++) {
      const firedBefore = raw.fired.length;
      const data = `${label} change ${i} `.padEnd(100, '.');
      const { version, t } = await writer.set(NODE, data);
      const reply = t - offset; // on our clock
      await waiter.until(() => arrived.has(version) && captured.has(version) && raw.fired.length > firedBefore && raw.armedAt >= version, `change to version ${version}`);
      const { at, record } = arrived.get(version)!;
      const capture = captured.get(version)!;
      if (record.type !== 'dataChanged' || record.before?.version !== version - 1 || record.detectedBy !== 'event') {
        throw new Error(`wrong result: version ${version} came as ${record.type} ${record.before?.version}→${record.after?.version} (${record.detectedBy})`);
      }
      if (capture.capture.seq !== record.seq || Buffer.from(capture.capture.after.data ?? []).toString() !== data) throw new Error(`wrong result: the data captured for version ${version}`);
      const logged = log.entries()[0];
      if (logged.seq !== record.seq || Buffer.from(logged.after?.data ?? []).toString() !== data) throw new Error(`wrong result: the log's newest entry is not version ${version} with its data`);
      result.ours.push(at - reply);
      result.captured.push(capture.at - reply);
      result.raw.push(raw.fired[firedBefore] - reply);
      arrived.delete(version);
      captured.delete(version);
    }
    if (log.size + log.dropped !== log.received || log.received !== changes) throw new Error(`wrong result: the log holds ${log.size} + ${log.dropped} dropped of ${changes}`);
  } finally {
    for (const sub of subs) sub.dispose();
    await manager.dispose();
    log.dispose();
    await client.close();
  }
  return result;
}

async function main(options: Options): Promise<void> {
  const started = performance.now();
  await withCleanUp(async (cleanUp) => {
    const { server, version } = cleanUp.add(await startBenchZooKeeper(), (zk) => zk.server.stop());
    const setup = await ZkClient.connect({ connectString: server.connectString });
    await setup.create(NODE, Buffer.from('start'));
    await setup.close();
    const writer = cleanUp.add(await WriterProcess.start(server.connectString), (w) => w.close());
    const { offsetMs, roundTripMs } = await writer.clockOffset();
    const rawClient = cleanUp.add(await connectRaw<RawClient>(server.connectString), (c) => c.close());
    const waiter = new Waiter();
    const raw = new RawWatch(rawClient, waiter);
    await raw.arm();

    console.log('watch-latency: from the external setData reply to the event in the panel\'s model (EventLog fed by WatchManager)');
    console.log(
      `ZooKeeper ${version} standalone on ${server.connectString} (forceSync=no), Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}; ` +
        `writer: node-zookeeper-client in a child process, clock offset ${offsetMs.toFixed(3)} ms (±${(roundTripMs / 2).toFixed(3)} ms)`,
    );
    console.log(`${options.runs} runs × ${options.changes.toLocaleString('en-US')} changes per mode, one change at a time, after ${WARM_UP} warm-up changes; ` +
      'raw = node-zookeeper-client\'s own one-shot watch on the same node, the same changes');
    console.log('');

    const header = ['mode', 'run', 'ours p50', 'ours p95', 'raw p50', 'raw p95', 'p95 ours/raw', 'data p50', 'data p95'];
    const rows: string[][] = [];
    const verdicts: string[] = [];
    for (const mode of options.modes) {
      await measure(mode, server.connectString, writer, offsetMs, raw, waiter, WARM_UP, `${mode} warm-up`);
      const runs: { p50: number; p95: number; raw50: number; raw95: number; ratio: number; d50: number; d95: number }[] = [];
      for (let run = 1; run <= options.runs; run++) {
        const r = await measure(mode, server.connectString, writer, offsetMs, raw, waiter, options.changes, `${mode} run ${run}`);
        const figures = {
          p50: percentile(r.ours, 0.5),
          p95: percentile(r.ours, 0.95),
          raw50: percentile(r.raw, 0.5),
          raw95: percentile(r.raw, 0.95),
          ratio: percentile(r.ours, 0.95) / percentile(r.raw, 0.95),
          d50: percentile(r.captured, 0.5),
          d95: percentile(r.captured, 0.95),
        };
        runs.push(figures);
        rows.push([mode, String(run), ms(figures.p50), ms(figures.p95), ms(figures.raw50), ms(figures.raw95), figures.ratio.toFixed(2), ms(figures.d50), ms(figures.d95)]);
      }
      const m = (key: keyof (typeof runs)[number]): number => median(runs.map((r) => r[key]));
      rows.push([mode, 'median', ms(m('p50')), ms(m('p95')), ms(m('raw50')), ms(m('raw95')), m('ratio').toFixed(2), ms(m('d50')), ms(m('d95'))]);
      if (mode === 'persistent') {
        const ratioMet = m('ratio') <= GOAL_RATIO;
        const absoluteMet = m('p95') < GOAL_P95_MS;
        verdicts.push(
          `goal (persistent): p95 ≤ ${GOAL_RATIO} × raw p95: ${m('ratio').toFixed(2)} ${ratioMet ? 'met' : 'MISSED'}; p95 < ${GOAL_P95_MS} ms: ${ms(m('p95'))} ${absoluteMet ? 'met' : 'MISSED'}`,
        );
      }
    }
    printTable(header, rows);
    console.log('(p95 ours/raw is taken per run; the median row shows the median of the runs. "data" = when the new version\'s data reached the record, for Compare.)');
    for (const verdict of verdicts) console.log(verdict);
    console.log('');
    console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });
}

runBench(() => main(parseArgs(process.argv.slice(2))));
