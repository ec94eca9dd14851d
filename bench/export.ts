// Benchmark: Export Subtree (issue 12) — speed against the raw client, and peak memory against the file's size.
//
//   node out/bench/export.js [--nodes 100000] [--runs 5]
//
// Starts its own ZooKeeper and builds a configuration-like tree of about `nodes` znodes (bench/trees.ts).
// Then, alternating (ours/raw, then raw/ours) after one warm-up of each, on a collected heap, each
// writing to a file in the temp folder:
//   ours  exportSubtree(format json) into a file stream (walk, data + ACL reads, ordered output,
//         backpressure);
//   raw   node-zookeeper-client 1.1.3: the same walk with getChildren2 callbacks, getData + getACL for
//         every node with the same windows, JSON.stringify of each node to the same kind of stream —
//         unordered, no classification of data, nothing else.
// Prints znodes/s (medians), ours/raw against the goal (≥ 0.8), and ours' peak heap growth during an
// export against the file's size (goal < 2x). Exits non-zero only when a result is wrong (a file
// that does not hold every node), never on time.
import * as fs from 'node:fs';
import { once } from 'node:events';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { exportSubtree } from '../src/zk/transfer/export';
import { buildConfigTree } from './trees';
import { alternate, count, formatMb, gc, parseCounts, printRates, type RawConnection, runBench, startServerAndClients, withCleanUp } from './support';

const ROOT = '/bench-export';
const GOAL_RATIO = 0.8;
const GOAL_HEAP = 2;
const WALK_IN_FLIGHT = 256;
const READS_IN_FLIGHT = 128;

type RawError = (Error & { getCode?: () => number }) | null;
interface RawClient extends RawConnection {
  getChildren(path: string, callback: (error: RawError, children: string[]) => void): void;
  getData(path: string, callback: (error: RawError, data: Buffer | null, stat: { version: number }) => void): void;
  getACL(path: string, callback: (error: RawError, acls: { perms?: number; permission?: number; id: { scheme: string; id: string } }[]) => void): void;
}

function parseArgs(argv: string[]): { nodes: number; runs: number } {
  return parseCounts(argv, 'node out/bench/export.js [--nodes N] [--runs N]', { nodes: 100000, runs: 5 });
}

async function writeStream(file: string): Promise<{ write: (chunk: string) => void | Promise<void>; close: () => Promise<void> }> {
  const stream = fs.createWriteStream(file, { encoding: 'utf8' });
  await once(stream, 'open');
  let draining: Promise<void> | undefined;
  return {
    // One wait per drain, however many writes meet the full buffer (not a listener each).
    write: (chunk) => (stream.write(chunk) ? undefined : (draining ??= once(stream, 'drain').then(() => (draining = undefined)))),
    close: async () => {
      stream.end();
      await once(stream, 'finish');
    },
  };
}

/** The floor: walk + getData + getACL with node-zookeeper-client callbacks, each node stringified to the stream as it completes. */
async function rawExport(client: RawClient, file: string): Promise<number> {
  const out = await writeStream(file);
  const written = await new Promise<number>((resolve, reject) => {
    const listQueue = [ROOT];
    const readQueue: string[] = [];
    let listHead = 0;
    let readHead = 0;
    let listing = 0;
    let reading = 0;
    let nodes = 0;
    let paused = false;
    let failed = false;
    const fail = (error: Error): void => {
      if (!failed) reject(error);
      failed = true;
    };
    const pump = (): void => {
      while (listing < WALK_IN_FLIGHT && listHead < listQueue.length) {
        const path = listQueue[listHead++];
        listing++;
        client.getChildren(path, (error, children) => {
          listing--;
          if (error) return fail(error);
          readQueue.push(path);
          for (const child of children) listQueue.push(`${path}/${child}`);
          pump();
        });
      }
      while (!paused && reading < READS_IN_FLIGHT && readHead < readQueue.length) {
        const path = readQueue[readHead++];
        reading++;
        let data: Buffer | null = null;
        let version = 0;
        let acl: unknown;
        let pending = 2;
        const finish = (): void => {
          if (--pending > 0) return;
          reading--;
          nodes++;
          const line = `${nodes === 1 ? '' : ',\n'}${JSON.stringify({ path, data: data?.toString('utf8') ?? '', acl, version })}`;
          const drained = out.write(line);
          if (drained) {
            paused = true;
            void drained.then(() => {
              paused = false;
              pump();
            });
          }
          pump();
        };
        client.getData(path, (error, d, stat) => {
          if (error) return fail(error);
          data = d;
          version = stat.version;
          finish();
        });
        client.getACL(path, (error, acls) => {
          if (error) return fail(error);
          acl = acls.map((a) => `${a.id.scheme}:${a.id.id}:${a.perms ?? a.permission ?? 0}`);
          finish();
        });
      }
      if (listing === 0 && reading === 0 && readHead === readQueue.length && !failed) resolve(nodes);
    };
    pump();
  });
  await out.close();
  return written;
}

async function main(options: { nodes: number; runs: number }): Promise<void> {
  const started = performance.now();
  await withCleanUp(async (cleanUp) => {
    const { server, version, client, raw } = await startServerAndClients<RawClient>(cleanUp);
    const dir = cleanUp.tempDir('zke-bench-export-');
    const setupStart = performance.now();
    await buildConfigTree(client, ROOT, options.nodes, 1000);
    const setupMs = performance.now() - setupStart;
    const oursFile = path.join(dir, 'ours.json');
    const rawFile = path.join(dir, 'raw.json');
    let peakGrowth = 0;
    const exportOnce = async (): Promise<number> => {
      const out = await writeStream(oursFile);
      const before = process.memoryUsage().heapUsed;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
      const report = await exportSubtree(client, ROOT, out.write, { format: 'json', maxNodes: options.nodes * 2 });
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      await out.close();
      peakGrowth = Math.max(peakGrowth, peak - before);
      const parsed = JSON.parse(fs.readFileSync(oursFile, 'utf8')) as { nodes: unknown[] };
      if (parsed.nodes.length !== report.exported) throw new Error(`the file holds ${parsed.nodes.length} nodes, the report says ${report.exported}`);
      return report.exported;
    };
    const expected = await rawExport(raw, rawFile);
    const warm = await exportOnce();
    if (warm !== expected) throw new Error(`ours exported ${warm} nodes, raw ${expected}`);
    const fileSize = fs.statSync(oursFile).size;

    console.log(`export: ${count(expected)} znodes of a configuration-like tree to a JSON file of ${formatMb(fileSize, 1)}`);
    console.log(
      `ZooKeeper ${version} standalone on ${server.connectString}, Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}, ` +
        `${options.runs} runs per side after 1 warm-up, alternating, gc before each; tree built in ${(setupMs / 1000).toFixed(1)} s`,
    );
    console.log(`ours = exportSubtree json to a file stream; raw = node-zookeeper-client 1.1.3 getChildren + getData + getACL, JSON.stringify per node to a file stream; ${READS_IN_FLIGHT} reads in flight both`);
    console.log('');
    const ours: number[] = [];
    const base: number[] = [];
    const runOurs = async (): Promise<void> => {
      gc();
      const t = performance.now();
      const n = await exportOnce();
      ours.push(n / ((performance.now() - t) / 1000));
    };
    const runRaw = async (): Promise<void> => {
      gc();
      const t = performance.now();
      const n = await rawExport(raw, rawFile);
      if (n !== expected) throw new Error(`raw exported ${n}, before ${expected}`);
      base.push(n / ((performance.now() - t) / 1000));
    };
    await alternate(options.runs, runOurs, runRaw);
    const ratio = printRates(ours, base);
    const heapRatio = peakGrowth / fileSize;
    console.log('');
    console.log(`ours/raw ${ratio.toFixed(2)}; goal ≥ ${GOAL_RATIO}: ${ratio >= GOAL_RATIO ? 'met' : 'MISSED'}`);
    console.log(`peak heap growth during an export ${formatMb(peakGrowth, 1)} = ${heapRatio.toFixed(2)}x the file (${formatMb(fileSize, 1)}); goal < ${GOAL_HEAP}x: ${heapRatio < GOAL_HEAP ? 'met' : 'MISSED'}`);
    console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });
}

runBench(() => main(parseArgs(process.argv.slice(2))), { exposeGc: true });
