// Benchmark: expanding a znode with many children in the explorer tree.
//
//   node out/bench/tree-expand.js [--runs 7] [--sizes 1000,10000,50000]
//
// Starts its own ZooKeeper (scripts/lib/zookeeper.js), creates parents with 1,000, 10,000 and
// 50,000 children (names like instance-0000012345, ~100 bytes of data each), then for each size
// times the way from "expand" to the first page of items with their stats ready:
//   ours  listChildren + loadStats of the first 500 (src/tree/pageLoader.ts, a new listing each run):
//         exactly what the explorer runs on expand, minus the vscode TreeItems;
//   raw   node-zookeeper-client 1.1.3 doing the least that could show the same page: one
//         getChildren, the first 500 names in the server's order (no sort), 500 exists all at once.
// Runs alternate (ours/raw, then raw/ours), each on a collected heap, after one warm-up of each side
// for every size, so both share the noise.
// Prints median and p90 of each, and ours/raw of the medians against the goal (≤ 1.5); then the
// same steps timed one by one (getChildren, sort, stats), to show where a difference comes from.
// Then the heap held by the listing of the 10k and 50k parents (ChildListing, its names and the
// page's stats), after global.gc(), as MB per 10,000 children; next to it the raw client's names
// array and page stats, for reference. Exits non-zero only when a result is wrong, never on time.
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { ChildListing } from '../src/tree/childListing';
import { listChildren, loadStats, STAT_CONCURRENCY } from '../src/tree/pageLoader';
import { sortChildren } from '../src/zk/paths';
import { ZkClient } from '../src/zk/client';
import { forEachLimit } from '../src/zk/concurrency';
import type { MultiOp } from '../src/zk/multi';
import type { ZnodeStat } from '../src/zk/stat';
import { count, formatMb, formatMs, gc, median, parseFlags, percentile, printTable, type RawConnection, runBench, startServerAndClients, withCleanUp } from './support';

const PAGE_SIZE = 500;
const GOAL_RATIO = 1.5;
const ROOT = '/bench-tree-expand';
/** Creates per multi request (~180 KB each, well under jute.maxbuffer), a few requests in flight. */
const CREATE_BATCH = 1000;
const CREATE_BATCHES_IN_FLIGHT = 4;
/** Listings held at once when measuring memory, and how many such measurements (median). */
const MEMORY_COPIES = 3;
const MEMORY_SAMPLES = 5;

// node-zookeeper-client ships no types: just what the baseline uses.
interface RawStat {
  version: number;
}
interface RawClient extends RawConnection {
  getChildren(path: string, callback: (error: Error | null, children: string[]) => void): void;
  exists(path: string, callback: (error: Error | null, stat: RawStat | null) => void): void;
}

interface Options {
  runs: number;
  sizes: number[];
}

function parseArgs(argv: string[]): Options {
  const options: Options = { runs: 7, sizes: [1000, 10000, 50000] };
  parseFlags(argv, 'node out/bench/tree-expand.js [--runs N] [--sizes 1000,10000,50000]', (flag, value) => {
    if (flag === '--runs') options.runs = Number(value());
    else if (flag === '--sizes') options.sizes = value().split(',').map(Number);
    else return false;
    return true;
  });
  if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error('--runs must be a positive integer');
  if (options.sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--sizes must be positive integers');
  return options;
}

/** Nearest rank: of 7 runs the slowest, of 21 the 19th fastest. */
const p90 = (values: number[]): number => percentile(values, 0.9);

const childName = (i: number): string => `instance-${String(i).padStart(10, '0')}`;

/** ~100 bytes of JSON, like a service registration. */
function childData(i: number): Buffer {
  const json = JSON.stringify({ host: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: 8080 + (i % 16), zone: 'eu-west-1a', version: '4.2.1' });
  return Buffer.from(json.padEnd(100, ' '));
}

async function createChildren(client: ZkClient, parent: string, count: number): Promise<void> {
  await client.create(parent);
  const batches: number[] = [];
  for (let start = 0; start < count; start += CREATE_BATCH) batches.push(start);
  await forEachLimit(batches, CREATE_BATCHES_IN_FLIGHT, async (start) => {
    const ops: MultiOp[] = [];
    for (let i = start; i < Math.min(count, start + CREATE_BATCH); i++) ops.push({ type: 'create', path: `${parent}/${childName(i)}`, data: childData(i) });
    await client.multi(ops);
  });
}

/** Ours: what the explorer runs when a node is expanded. */
async function expandOurs(client: ZkClient, parent: string): Promise<{ listing: ChildListing; entries: { name: string; stat: ZnodeStat }[]; remaining: number }> {
  const listing = await listChildren(client, parent);
  const entries = await loadStats(client, parent, listing, listing.slice(0, PAGE_SIZE));
  return { listing, entries, remaining: listing.matchCount - entries.length };
}

/** The baseline: one getChildren, the first page in the server's order, every exists at once. */
function expandRaw(client: RawClient, parent: string): Promise<{ children: string[]; stats: RawStat[] }> {
  return new Promise((resolve, reject) => {
    client.getChildren(parent, (error, children) => {
      if (error) {
        reject(error);
        return;
      }
      const page = children.slice(0, PAGE_SIZE);
      const stats: RawStat[] = new Array<RawStat>(page.length);
      let pending = page.length;
      let failed = false;
      if (pending === 0) resolve({ children, stats });
      page.forEach((name, i) => {
        client.exists(`${parent}/${name}`, (err, stat) => {
          if (failed) return;
          if (err || !stat) {
            failed = true;
            reject(err ?? new Error(`${parent}/${name} vanished`));
            return;
          }
          stats[i] = stat;
          if (--pending === 0) resolve({ children, stats });
        });
      });
    });
  });
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await work();
  return { ms: performance.now() - start, result };
}

function checkOurs(size: number, result: Awaited<ReturnType<typeof expandOurs>>): void {
  const shown = Math.min(size, PAGE_SIZE);
  const expected = Array.from({ length: shown }, (_, i) => childName(i));
  const names = result.entries.map((e) => e.name);
  if (names.join() !== expected.join()) throw new Error(`ours: wrong first page for ${size} children (got ${names.slice(0, 3).join(', ')}…)`);
  if (result.remaining !== size - shown) throw new Error(`ours: remaining ${result.remaining}, expected ${size - shown}`);
  if (result.entries.some((e) => e.stat.dataLength !== 100)) throw new Error('ours: a stat with the wrong dataLength');
  if (result.listing.names.length !== size) throw new Error(`ours: listed ${result.listing.names.length} of ${size}`);
}

function checkRaw(size: number, result: Awaited<ReturnType<typeof expandRaw>>): void {
  if (result.children.length !== size) throw new Error(`raw: listed ${result.children.length} of ${size}`);
  if (result.stats.length !== Math.min(size, PAGE_SIZE) || result.stats.some((s) => !s)) throw new Error('raw: missing stats');
}

interface Timing {
  size: number;
  ours: number[];
  raw: number[];
}

/** The warm-up (one run of each side) and the correctness check of both. */
async function warmUp(client: ZkClient, raw: RawClient, parent: string, size: number): Promise<void> {
  checkOurs(size, await expandOurs(client, parent));
  checkRaw(size, await expandRaw(raw, parent));
}

async function measureSpeed(client: ZkClient, raw: RawClient, parent: string, size: number, runs: number): Promise<Timing> {
  const timing: Timing = { size, ours: [], raw: [] };
  // Each run starts on a collected heap, so neither side pays for the other's garbage.
  const runOurs = async (): Promise<void> => {
    gc();
    const { ms, result } = await timed(() => expandOurs(client, parent));
    checkOurs(size, result);
    timing.ours.push(ms);
  };
  const runRaw = async (): Promise<void> => {
    gc();
    const { ms, result } = await timed(() => expandRaw(raw, parent));
    checkRaw(size, result);
    timing.raw.push(ms);
  };
  for (let i = 0; i < runs; i++) {
    // ABBA order: neither side always runs right after the other's garbage.
    if (i % 2 === 0) {
      await runOurs();
      await runRaw();
    } else {
      await runRaw();
      await runOurs();
    }
  }
  return timing;
}

interface Phases {
  size: number;
  list: number[];
  sort: number[];
  stats: number[];
  rawList: number[];
  rawStats: number[];
}

/** Where the time goes: the steps of both sides timed one by one (separate runs, alternating like above). */
async function measurePhases(client: ZkClient, raw: RawClient, parent: string, size: number, runs: number): Promise<Phases> {
  const phases: Phases = { size, list: [], sort: [], stats: [], rawList: [], rawStats: [] };
  const ours = async (): Promise<void> => {
    gc();
    let t = performance.now();
    const { children } = await client.getChildren(parent);
    phases.list.push(performance.now() - t);
    t = performance.now();
    const listing = new ChildListing(sortChildren(children));
    phases.sort.push(performance.now() - t);
    t = performance.now();
    await loadStats(client, parent, listing, listing.slice(0, PAGE_SIZE));
    phases.stats.push(performance.now() - t);
  };
  const base = async (): Promise<void> => {
    gc();
    let t = performance.now();
    const children = await new Promise<string[]>((resolve, reject) => raw.getChildren(parent, (error, names) => (error ? reject(error) : resolve(names))));
    phases.rawList.push(performance.now() - t);
    t = performance.now();
    await Promise.all(
      children.slice(0, PAGE_SIZE).map((name) => new Promise<void>((resolve, reject) => raw.exists(`${parent}/${name}`, (error) => (error ? reject(error) : resolve())))),
    );
    phases.rawStats.push(performance.now() - t);
  };
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      await ours();
      await base();
    } else {
      await base();
      await ours();
    }
  }
  return phases;
}

/** Heap (after gc) held per copy of what `make` returns, the median of several samples. */
async function heapHeldBy(make: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let s = 0; s < MEMORY_SAMPLES; s++) {
    const held: unknown[] = [];
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let c = 0; c < MEMORY_COPIES; c++) held.push(await make());
    gc();
    const after = process.memoryUsage().heapUsed;
    if (held.length !== MEMORY_COPIES) throw new Error('unreachable');
    samples.push((after - before) / MEMORY_COPIES);
  }
  return median(samples);
}

const ordinal = (n: number): string => `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')}`;
const ms = (value: number): string => formatMs(value, 1);
const mb = (bytes: number): string => formatMb(bytes, 2);

async function main(options: Options): Promise<void> {
  const started = performance.now();
  await withCleanUp(async (cleanUp) => {
    const { server, version, client, raw } = await startServerAndClients<RawClient>(cleanUp);
    await client.create(ROOT);
    const setupStart = performance.now();
    for (const size of options.sizes) await createChildren(client, `${ROOT}/n${size}`, size);
    const setupMs = performance.now() - setupStart;

    console.log(`tree-expand: first page (${PAGE_SIZE}) of children with stats, from expand to ready`);
    console.log(
      `ZooKeeper ${version} standalone on ${server.connectString} (forceSync=no), Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}, ` +
        `${options.runs} runs per side after 1 warm-up, alternating, gc before each; created ${count(options.sizes.reduce((a, b) => a + b, 0))} children in ${(setupMs / 1000).toFixed(1)} s`,
    );
    console.log(`ours = listChildren + loadStats of 500 (sorted, stats ${STAT_CONCURRENCY} in flight); raw = node-zookeeper-client 1.1.3: getChildren, first 500 unsorted, 500 exists at once`);
    console.log('');
    const header = ['children', 'ours median', 'ours p90', 'raw median', 'raw p90', 'ours/raw', 'goal'];
    for (const size of options.sizes) await warmUp(client, raw, `${ROOT}/n${size}`, size);
    const rows: string[][] = [];
    for (const size of options.sizes) {
      const t = await measureSpeed(client, raw, `${ROOT}/n${size}`, size, options.runs);
      const ratio = median(t.ours) / median(t.raw);
      rows.push([count(size), ms(median(t.ours)), ms(p90(t.ours)), ms(median(t.raw)), ms(p90(t.raw)), ratio.toFixed(2), `≤ ${GOAL_RATIO} ${ratio <= GOAL_RATIO ? 'met' : 'MISSED'}`]);
    }
    printTable(header, rows, { leftAlignLast: true });
    console.log(`(p90 is the nearest rank: of ${options.runs} runs, the ${ordinal(Math.ceil(options.runs * 0.9))} fastest${Math.ceil(options.runs * 0.9) === options.runs ? ', i.e. the slowest' : ''}.)`);

    console.log('');
    console.log('Where the time goes (medians of as many separate runs, each step timed alone):');
    const phaseRows: string[][] = [];
    for (const size of options.sizes) {
      const p = await measurePhases(client, raw, `${ROOT}/n${size}`, size, options.runs);
      phaseRows.push([count(size), ms(median(p.list)), ms(median(p.sort)), ms(median(p.stats)), ms(median(p.rawList)), ms(median(p.rawStats))]);
    }
    printTable(['children', 'ours getChildren', 'sort+listing', 'loadStats', 'raw getChildren', 'raw 500 exists'], phaseRows, { leftAlignLast: true });

    const memorySizes = options.sizes.filter((n) => n >= 10000);
    if (memorySizes.length > 0) {
      console.log('');
      console.log(`Heap held per listing after gc (median of ${MEMORY_SAMPLES} samples of ${MEMORY_COPIES} listings held at once):`);
      const memRows: string[][] = [];
      for (const size of memorySizes) {
        const parent = `${ROOT}/n${size}`;
        const ours = await heapHeldBy(async () => (await expandOurs(client, parent)).listing);
        const base = await heapHeldBy(() => expandRaw(raw, parent));
        const per10k = 10000 / size;
        memRows.push([count(size), mb(ours), mb(ours * per10k), mb(base * per10k), (ours / base).toFixed(2)]);
      }
      printTable(['children', 'ours total', 'ours per 10k', 'raw per 10k', 'ours/raw'], memRows, { leftAlignLast: true });
      console.log('(ours = the ChildListing: names, filter state and the page\'s stats; raw = the names array and 500 stats of node-zookeeper-client.)');
    }
    console.log('');
    console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });
}

// Measuring memory needs global.gc(): runBench runs it again with --expose-gc.
runBench(() => main(parseArgs(process.argv.slice(2))), { exposeGc: true });
