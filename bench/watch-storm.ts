// Benchmark: a storm of changes on a watched subtree.
//
//   node out/bench/watch-storm.js [--runs 3] [--seconds 10] [--rate 10000] [--nodes 1000] [--log-size 1000]
//
// Starts its own ZooKeeper (scripts/lib/zookeeper.js) and a subtree of `nodes` leaves two levels down
// (/bench-watch-storm/gNN/nNNN, 100 bytes each). An external client in a child process
// (bench/watch-writer.ts: node-zookeeper-client, its own event loop) sets their data round robin,
// pipelined, at `rate` changes a second for `seconds`. Measured in this process, the extension host's
// stand-in:
//   ours      a WatchManager subtree watch feeding the panel's model, an EventLog of `log-size` entries
//             (the zookeeper.watches.logSize default);
//   baseline  the bare ZkClient with a persistent recursive watch whose listener only counts: what
//             receiving the notifications costs at all, in the same run.
// After an unmeasured 3 s warm-up storm of each side, runs alternate (ours/baseline, then baseline/ours). For each: the event-loop delay while the storm
// lasts (perf_hooks.monitorEventLoopDelay: p50, p95, max), the heap (after gc) and RSS at the end, and
// for ours the events: changes the writer made, records the panel received, kept in the ring, dropped
// by the ring (what the panel says), lost (made but never received), and how many got their data read.
// Goals: event-loop delay p95 < 100 ms; no event lost beyond what the ring drops, the panel saying how
// many it dropped. Medians of the runs are printed with the goals met or missed.
// Exits non-zero only when a result is wrong (the last version reported for a node is not the server's,
// the ring's counts do not add up), never on time.
import * as os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ZkClient } from '../src/zk/client';
import { forEachLimit } from '../src/zk/concurrency';
import type { MultiOp } from '../src/zk/multi';
import { EventLog } from '../src/zk/watch/eventLog';
import { WatchManager } from '../src/zk/watch/watchManager';
import { count, formatMb, formatMs, gc, median, parseFlags, printTable, runBench, startBenchZooKeeper, withCleanUp } from './support';
import { WriterProcess, type StormResult } from './watch-writer';

const ROOT = '/bench-watch-storm';
const GROUPS = 10;
const DATA_BYTES = 100;
/** Requests the writer keeps unanswered at most; beyond it, it falls behind the asked rate (reported). */
const MAX_OUTSTANDING = 2000;
const GOAL_DELAY_P95_MS = 100;
/** Events still arriving this long after the writer's last reply: a wrong result (lost), not a slow one. */
const DRAIN_LIMIT_MS = 60000;

interface Options {
  runs: number;
  seconds: number;
  rate: number;
  nodes: number;
  logSize: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { runs: 3, seconds: 10, rate: 10000, nodes: 1000, logSize: 1000 };
  parseFlags(argv, 'node out/bench/watch-storm.js [--runs N] [--seconds S] [--rate R] [--nodes N] [--log-size N]', (flag, text) => {
    const value = (): number => Number(text());
    if (flag === '--runs') options.runs = value();
    else if (flag === '--seconds') options.seconds = value();
    else if (flag === '--rate') options.rate = value();
    else if (flag === '--nodes') options.nodes = value();
    else if (flag === '--log-size') options.logSize = value();
    else return false;
    return true;
  });
  for (const [name, value] of Object.entries(options)) {
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  }
  if (options.nodes % GROUPS !== 0) throw new Error(`--nodes must be a multiple of ${GROUPS}`);
  return options;
}

const mb = (bytes: number): string => formatMb(bytes, 1);
const msText = (value: number): string => formatMs(value, 1);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const leafPaths = (nodes: number): string[] => {
  const paths: string[] = [];
  const perGroup = nodes / GROUPS;
  for (let g = 0; g < GROUPS; g++) for (let n = 0; n < perGroup; n++) paths.push(`${ROOT}/g${String(g).padStart(2, '0')}/n${String(n).padStart(4, '0')}`);
  return paths;
};

async function createTree(client: ZkClient, leaves: string[]): Promise<void> {
  await client.create(ROOT);
  for (let g = 0; g < GROUPS; g++) await client.create(`${ROOT}/g${String(g).padStart(2, '0')}`);
  const batches: string[][] = [];
  for (let i = 0; i < leaves.length; i += 500) batches.push(leaves.slice(i, i + 500));
  await forEachLimit(batches, 4, async (batch) => {
    await client.multi(batch.map((p): MultiOp => ({ type: 'create', path: p, data: Buffer.alloc(DATA_BYTES, 'i') })));
  });
}

/** The server's data version of every leaf, read in a pipeline. */
async function serverVersions(client: ZkClient, leaves: string[]): Promise<Map<string, number>> {
  const versions = new Map<string, number>();
  await forEachLimit(leaves, 64, async (p) => {
    const stat = await client.exists(p);
    if (!stat) throw new Error(`wrong result: ${p} is gone`);
    versions.set(p, stat.version);
  });
  return versions;
}

interface StormFigures {
  side: 'ours' | 'baseline';
  run: number;
  storm: StormResult;
  delayP50: number;
  delayP95: number;
  delayMax: number;
  heapEnd: number;
  rssEnd: number;
  notifications: number;
  drainMs: number;
  // ours only
  received?: number;
  kept?: number;
  dropped?: number;
  lost?: number;
  captured?: number;
  capturesSkipped?: number;
  logBytes?: number;
  cacheBytes?: number;
}

async function stormOnce(
  side: 'ours' | 'baseline',
  run: number,
  options: Options,
  connectString: string,
  writer: WriterProcess,
  checker: ZkClient,
  leaves: string[],
): Promise<StormFigures> {
  const client = await ZkClient.connect({ connectString, sessionTimeoutMs: 30000 });
  const before = await serverVersions(checker, leaves);
  let manager: WatchManager | undefined;
  let log: EventLog | undefined;
  const lastVersion = new Map<string, number>();
  let notifications = 0;
  let lastEventAt = 0;
  let removeBaseline: (() => Promise<void>) | undefined;
  try {
    if (side === 'ours') {
      manager = new WatchManager(client);
      log = new EventLog(options.logSize);
      log.attach(manager, 'bench');
      manager.onEvent((record) => {
        if (record.after) lastVersion.set(record.path, record.after.version);
        lastEventAt = performance.now();
      });
      await manager.add({ path: ROOT, kind: 'subtree' });
      if (manager.mode !== 'persistent') throw new Error(`wrong result: the manager runs in ${manager.mode} mode`);
    } else {
      const watch = await client.addWatch(ROOT, 'persistentRecursive', () => {
        notifications++;
        lastEventAt = performance.now();
      });
      removeBaseline = () => watch.remove();
    }
    gc();
    const heapStart = process.memoryUsage().heapUsed;
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const storm = await writer.storm(leaves, options.rate, options.seconds, DATA_BYTES, MAX_OUTSTANDING);
    const writerDone = performance.now();
    // Wait until every change has been reported (the last version of every node) or the drain limit.
    const expected = new Map(leaves.map((p, i) => [p, before.get(p)! + storm.okPerPath[i]]));
    const complete = (): boolean => (side === 'ours' ? leaves.every((p) => lastVersion.get(p) === expected.get(p)) : notifications >= storm.ok);
    while (!complete() && performance.now() - writerDone < DRAIN_LIMIT_MS) await sleep(20);
    delay.disable();
    const drainMs = Math.max(0, lastEventAt - writerDone);
    const versions = await serverVersions(checker, leaves);
    for (const p of leaves) {
      if (versions.get(p) !== expected.get(p)) throw new Error(`wrong result: ${p} is at version ${versions.get(p)}, the writer's answers say ${expected.get(p)}`);
    }
    const figures: StormFigures = {
      side,
      run,
      storm,
      delayP50: delay.percentile(50) / 1e6,
      delayP95: delay.percentile(95) / 1e6,
      delayMax: delay.max / 1e6,
      heapEnd: 0,
      rssEnd: 0,
      notifications: side === 'ours' ? manager!.stats.notifications : notifications,
      drainMs,
    };
    if (side === 'ours') {
      const wrong = leaves.filter((p) => lastVersion.get(p) !== versions.get(p));
      if (wrong.length > 0) {
        throw new Error(`wrong result: the last version reported for ${wrong.length} nodes is not the server's, e.g. ${wrong[0]}: ${lastVersion.get(wrong[0])} vs ${versions.get(wrong[0])}`);
      }
      if (log!.size + log!.dropped !== log!.received) throw new Error(`wrong result: the ring holds ${log!.size} and dropped ${log!.dropped} of ${log!.received}`);
      figures.received = log!.received;
      figures.kept = log!.size;
      figures.dropped = log!.dropped;
      figures.lost = storm.ok - log!.received;
      figures.captured = manager!.stats.captures;
      figures.capturesSkipped = manager!.stats.capturesSkipped;
      figures.logBytes = log!.bytes;
      figures.cacheBytes = manager!.cachedBytes;
    } else if (notifications < storm.ok) {
      throw new Error(`wrong result: the bare client heard ${notifications} of ${storm.ok} changes`);
    }
    gc();
    const memory = process.memoryUsage();
    figures.heapEnd = memory.heapUsed - heapStart;
    figures.rssEnd = memory.rss;
    return figures;
  } finally {
    await manager?.dispose();
    log?.dispose();
    await removeBaseline?.().catch(() => undefined);
    await client.close();
  }
}

async function main(options: Options): Promise<void> {
  const started = performance.now();
  await withCleanUp(async (cleanUp) => {
    const { server, version } = cleanUp.add(await startBenchZooKeeper(), (zk) => zk.server.stop());
    const checker = cleanUp.add(await ZkClient.connect({ connectString: server.connectString }), (c) => c.close());
    const leaves = leafPaths(options.nodes);
    await createTree(checker, leaves);
    const writer = cleanUp.add(await WriterProcess.start(server.connectString), (w) => w.close());

    console.log(`watch-storm: ${count(options.rate)} changes a second for ${options.seconds} s on a watched subtree of ${count(options.nodes)} nodes (setData of ${DATA_BYTES} bytes, round robin)`);
    console.log(
      `ZooKeeper ${version} standalone on ${server.connectString} (forceSync=no), Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}; ` +
        `writer: node-zookeeper-client in a child process, pipelined (at most ${count(MAX_OUTSTANDING)} unanswered)`,
    );
    console.log(`ours = WatchManager subtree watch + EventLog(${count(options.logSize)}); baseline = bare ZkClient persistent recursive watch counting notifications; ${options.runs} runs, alternating`);
    console.log('');

    // A short storm of each side first, unmeasured: the server's JIT and our own code warm up before anything is measured.
    for (const side of ['ours', 'baseline'] as const) await stormOnce(side, 0, { ...options, seconds: Math.min(3, options.seconds) }, server.connectString, writer, checker, leaves);
    const results: StormFigures[] = [];
    for (let run = 1; run <= options.runs; run++) {
      const order: ('ours' | 'baseline')[] = run % 2 === 1 ? ['ours', 'baseline'] : ['baseline', 'ours'];
      for (const side of order) results.push(await stormOnce(side, run, options, server.connectString, writer, checker, leaves));
    }

    const rate = (f: StormFigures): number => f.storm.ok / (options.seconds || 1);
    const header = ['side', 'run', 'changes', 'rate/s', 'loop p50', 'loop p95', 'loop max', 'heap end', 'rss end', 'received', 'in ring', 'dropped', 'lost', 'data read', 'drain'];
    const row = (f: StormFigures, label: string): string[] => [
      f.side,
      label,
      count(f.storm.ok),
      count(Math.round(rate(f))),
      msText(f.delayP50),
      msText(f.delayP95),
      msText(f.delayMax),
      mb(f.heapEnd),
      mb(f.rssEnd),
      f.received === undefined ? count(f.notifications) : count(f.received),
      f.kept === undefined ? '-' : count(f.kept),
      f.dropped === undefined ? '-' : count(f.dropped),
      f.lost === undefined ? '-' : count(f.lost),
      f.captured === undefined ? '-' : `${((f.captured / Math.max(1, f.received ?? 1)) * 100).toFixed(1)}%`,
      msText(f.drainMs),
    ];
    const rows: string[][] = [];
    for (const side of ['ours', 'baseline'] as const) {
      const mine = results.filter((f) => f.side === side);
      for (const f of mine) rows.push(row(f, String(f.run)));
      const m = (pick: (f: StormFigures) => number): number => median(mine.map(pick));
      rows.push([
        side,
        'median',
        count(Math.round(m((f) => f.storm.ok))),
        count(Math.round(m(rate))),
        msText(m((f) => f.delayP50)),
        msText(m((f) => f.delayP95)),
        msText(m((f) => f.delayMax)),
        mb(m((f) => f.heapEnd)),
        mb(m((f) => f.rssEnd)),
        count(Math.round(m((f) => f.received ?? f.notifications))),
        side === 'ours' ? count(Math.round(m((f) => f.kept!))) : '-',
        side === 'ours' ? count(Math.round(m((f) => f.dropped!))) : '-',
        side === 'ours' ? count(Math.round(m((f) => f.lost!))) : '-',
        side === 'ours' ? `${m((f) => (f.captured! / Math.max(1, f.received!)) * 100).toFixed(1)}%` : '-',
        msText(m((f) => f.drainMs)),
      ]);
    }
    printTable(header, rows);
    console.log('(loop = event-loop delay while the storm lasted; heap end = heap after gc at the end minus before the storm; received = records the panel\'s model got');
    console.log(' (baseline: notifications); dropped = what the ring let go and the panel reports; lost = changes made but never received; data read = records');
    console.log(' whose new data was captured for Compare; drain = last event after the writer\'s last reply.)');
    const ours = results.filter((f) => f.side === 'ours');
    const base = results.filter((f) => f.side === 'baseline');
    const oursP95 = median(ours.map((f) => f.delayP95));
    const baseP95 = median(base.map((f) => f.delayP95));
    const lost = Math.max(...ours.map((f) => f.lost!));
    const asked = options.rate * options.seconds;
    const made = median(ours.map((f) => f.storm.ok));
    const last = ours.at(-1)!;
    console.log('');
    console.log(`event-loop delay p95: ours ${msText(oursP95)}, baseline ${msText(baseP95)}, ours/baseline ${(oursP95 / Math.max(baseP95, 0.001)).toFixed(2)}`);
    console.log(`memory at the end (ours, last run): heap +${mb(last.heapEnd)} after gc, RSS ${mb(last.rssEnd)}; the ring ~${mb(last.logBytes!)}, the version cache's data ${mb(last.cacheBytes!)}; ` +
      `captures skipped when behind: ${count(last.capturesSkipped!)}`);
    if (made < asked * 0.95) console.log(`note: the writer made ${count(made)} of the ${count(asked)} changes asked (the server or this machine could not take more).`);
    console.log(`goal: event-loop delay p95 < ${GOAL_DELAY_P95_MS} ms: ${msText(oursP95)} ${oursP95 < GOAL_DELAY_P95_MS ? 'met' : 'MISSED'}`);
    console.log(
      `goal: no event lost beyond the ring's drops, the panel saying how many it dropped: lost ${count(lost)} (worst run), ` +
        `the panel reports ${count(last.dropped!)} dropped of ${count(last.received!)} in the last run ${lost === 0 ? 'met' : 'MISSED'}`,
    );
    console.log('');
    console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });
}

// Memory is measured after global.gc(): runBench runs it again with --expose-gc.
runBench(() => main(parseArgs(process.argv.slice(2))), { exposeGc: true });
