// Benchmark: Import with a plan (issue 12) — against a raw pipelined create and against one create at a time.
//
//   node out/bench/import.js [--nodes 10000] [--runs 5] [--sequential-runs 3]
//
// Starts its own ZooKeeper, builds a configuration-like tree of about `nodes` znodes (bench/trees.ts)
// and exports it once (our JSON format, in memory). Then, alternating (ours/raw, then raw/ours) after
// one warm-up of each, on a collected heap, each into a fresh path:
//   ours        readImportFile (the export text, in 64 KiB chunks) + planImport + applyImport: the whole
//               import a user runs, plan included;
//   raw         node-zookeeper-client 1.1.3: every create sent at once in file order (parents first; one
//               session applies its requests in order), then all replies awaited — no reading, no plan,
//               no version checks;
//   sequential  node-zookeeper-client, one create at a time (each awaited before the next): what a
//               script or a GUI that creates node by node does. Fewer runs: it is slow by nature.
// Prints znodes/s (medians), ours/raw (goal ≥ 0.8) and ours/sequential (goal ≥ 5). Exits non-zero only
// when a result is wrong (a copy that does not hold every node), never on time.
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { exportSubtree } from '../src/zk/transfer/export';
import { applyImport, planImport } from '../src/zk/transfer/import';
import { readImportFile, type ImportNode } from '../src/zk/transfer/importFormat';
import { buildConfigTree } from './trees';
import { alternate, count, gc, median, parseCounts, printRates, type RawConnection, runBench, startServerAndClients, withCleanUp } from './support';

const SOURCE = '/bench-import-source';
const GOAL_RAW = 0.8;
const GOAL_SEQUENTIAL = 5;

type RawError = (Error & { getCode?: () => number }) | null;
interface RawClient extends RawConnection {
  create(path: string, data: Buffer, callback: (error: RawError, path: string) => void): void;
}

function parseArgs(argv: string[]): { nodes: number; runs: number; sequentialRuns: number } {
  return parseCounts(argv, 'node out/bench/import.js [--nodes N] [--runs N] [--sequential-runs N]', { nodes: 10000, runs: 5, sequentialRuns: 3 });
}

const target = (root: string, rel: string): string => (rel === '' ? root : `${root}/${rel}`);

/** Every create sent at once, parents first; resolves when all have answered. */
function rawPipelined(client: RawClient, root: string, nodes: readonly ImportNode[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let pending = nodes.length;
    let failed = false;
    for (const node of nodes) {
      client.create(target(root, node.path), node.data, (error) => {
        if (error) {
          if (!failed) reject(error);
          failed = true;
          return;
        }
        if (--pending === 0) resolve();
      });
    }
  });
}

async function rawSequential(client: RawClient, root: string, nodes: readonly ImportNode[]): Promise<void> {
  for (const node of nodes) {
    await new Promise<void>((resolve, reject) => client.create(target(root, node.path), node.data, (error) => (error ? reject(error) : resolve())));
  }
}

async function* chunks(text: string): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += 65536) yield await Promise.resolve(text.slice(i, i + 65536));
}

async function main(options: { nodes: number; runs: number; sequentialRuns: number }): Promise<void> {
  const started = performance.now();
  await withCleanUp(async (cleanUp) => {
    const { server, version, client, raw } = await startServerAndClients<RawClient>(cleanUp);
    await buildConfigTree(client, SOURCE, options.nodes, 1000);
    let file = '';
    await exportSubtree(client, SOURCE, (chunk) => void (file += chunk), { format: 'json', maxNodes: options.nodes * 2 });
    const nodes = (await readImportFile(chunks(file))).nodes;
    let round = 0;
    const check = async (root: string): Promise<void> => {
      const total = (await client.getAllChildrenNumber(root)) + 1;
      if (total !== nodes.length) throw new Error(`${root} holds ${total} nodes, the file ${nodes.length}`);
    };
    const ours: number[] = [];
    const pipelined: number[] = [];
    const sequential: number[] = [];
    let batches = 0;
    const runOurs = async (record: boolean): Promise<void> => {
      const root = `/bench-import-ours-${round++}`;
      gc();
      const t = performance.now();
      const source = await readImportFile(chunks(file));
      const plan = await planImport(client, root, source);
      const report = await applyImport(client, plan);
      const seconds = (performance.now() - t) / 1000;
      if (report.failed.length > 0) throw new Error(`ours failed: ${JSON.stringify(report.failed[0])}`);
      await check(root);
      batches = report.batches;
      if (record) ours.push(nodes.length / seconds);
    };
    const runRaw = async (record: boolean): Promise<void> => {
      const root = `/bench-import-raw-${round++}`;
      gc();
      const t = performance.now();
      await rawPipelined(raw, root, nodes);
      const seconds = (performance.now() - t) / 1000;
      await check(root);
      if (record) pipelined.push(nodes.length / seconds);
    };
    const runSequential = async (): Promise<void> => {
      const root = `/bench-import-seq-${round++}`;
      gc();
      const t = performance.now();
      await rawSequential(raw, root, nodes);
      const seconds = (performance.now() - t) / 1000;
      await check(root);
      sequential.push(nodes.length / seconds);
    };
    await runOurs(false);
    await runRaw(false);

    console.log(`import: ${count(nodes.length)} znodes of a configuration-like tree from our JSON export (${(file.length / 1024 / 1024).toFixed(1)} MB), each run into a fresh path`);
    console.log(
      `ZooKeeper ${version} standalone on ${server.connectString}, Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}, ` +
        `${options.runs} runs per side after 1 warm-up, alternating, gc before each; ${options.sequentialRuns} sequential runs`,
    );
    console.log('ours = readImportFile + planImport + applyImport (multi batches under jute.maxbuffer, 4 in flight); raw = node-zookeeper-client 1.1.3 every create pipelined; sequential = one create at a time');
    console.log('');
    await alternate(
      options.runs,
      () => runOurs(true),
      () => runRaw(true),
    );
    for (let i = 0; i < options.sequentialRuns; i++) await runSequential();
    const ratio = printRates(ours, pipelined);
    console.log(`sequential znodes/s median ${count(Math.round(median(sequential)))}`);
    const overSequential = median(ours) / median(sequential);
    console.log('');
    console.log(`ours applied in ${batches} multi batches`);
    console.log(`ours/raw pipelined ${ratio.toFixed(2)}; goal ≥ ${GOAL_RAW}: ${ratio >= GOAL_RAW ? 'met' : 'MISSED'}`);
    console.log(`ours/one at a time ${overSequential.toFixed(1)}x; goal ≥ ${GOAL_SEQUENTIAL}x: ${overSequential >= GOAL_SEQUENTIAL ? 'met' : 'MISSED'}`);
    console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });
}

runBench(() => main(parseArgs(process.argv.slice(2))), { exposeGc: true });
