// Benchmark: Compare With… (issue 12) — two 10,000-node subtrees against two raw walks.
//
//   node out/bench/compare.js [--nodes 10000] [--runs 5]
//
// Starts its own ZooKeeper and builds two configuration-like trees of about `nodes` znodes each
// (bench/trees.ts; the second with a few differences: data changed, a node added, one removed). Then,
// alternating (ours/raw, then raw/ours) after one warm-up of each, on a collected heap:
//   ours  compareTrees (data and mode; ACLs not compared, the default): both walks at once, then data
//         read from both sides for the nodes whose data length is equal;
//   raw   node-zookeeper-client 1.1.3: both trees walked at once, getChildren + getData for every node
//         (the reads a comparison needs at the least), same windows, no comparing, no bookkeeping.
// Prints znodes/s (both trees' nodes over the time; medians), and ours/raw against the goal (≥ 0.8).
// Exits non-zero only when a result is wrong (the differences planted are not found), never on time.
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { compareTrees } from '../src/zk/transfer/compare';
import { buildConfigTree } from './trees';
import { alternate, count, gc, parseCounts, printRates, type RawConnection, runBench, startServerAndClients, withCleanUp } from './support';

const LEFT = '/bench-compare-left';
const RIGHT = '/bench-compare-right';
const GOAL_RATIO = 0.8;
const WALK_IN_FLIGHT = 256;
const READS_IN_FLIGHT = 128;

type RawError = (Error & { getCode?: () => number }) | null;
interface RawClient extends RawConnection {
  getChildren(path: string, callback: (error: RawError, children: string[]) => void): void;
  getData(path: string, callback: (error: RawError, data: Buffer | null) => void): void;
}

function parseArgs(argv: string[]): { nodes: number; runs: number } {
  return parseCounts(argv, 'node out/bench/compare.js [--nodes N] [--runs N]', { nodes: 10000, runs: 5 });
}

/** One raw walk: getChildren and getData of every node, windows as ours; resolves with the nodes seen. */
function rawWalk(client: RawClient, root: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const queue = [root];
    const dataQueue: string[] = [];
    let head = 0;
    let dataHead = 0;
    let listing = 0;
    let reading = 0;
    let nodes = 0;
    let failed = false;
    const fail = (error: Error): void => {
      if (!failed) reject(error);
      failed = true;
    };
    const pump = (): void => {
      while (listing < WALK_IN_FLIGHT && head < queue.length) {
        const path = queue[head++];
        listing++;
        client.getChildren(path, (error, children) => {
          listing--;
          if (error) return fail(error);
          nodes++;
          dataQueue.push(path);
          for (const child of children) queue.push(`${path}/${child}`);
          pump();
        });
      }
      while (reading < READS_IN_FLIGHT && dataHead < dataQueue.length) {
        const path = dataQueue[dataHead++];
        reading++;
        client.getData(path, (error) => {
          reading--;
          if (error) return fail(error);
          pump();
        });
      }
      if (listing === 0 && reading === 0 && head === queue.length && dataHead === dataQueue.length && !failed) resolve(nodes);
    };
    pump();
  });
}

async function main(options: { nodes: number; runs: number }): Promise<void> {
  const started = performance.now();
  await withCleanUp(async (cleanUp) => {
    const { server, version, client, raw } = await startServerAndClients<RawClient>(cleanUp);
    await buildConfigTree(client, LEFT, options.nodes, 1000);
    await buildConfigTree(client, RIGHT, options.nodes, 1000);
    // The planted differences: same-length data changed, a node only on the right, one only on the left.
    await client.set(`${RIGHT}/app-000/module-00/item-000`, Buffer.from('value=X region=eu-west-1 replicas=3\nmarker=hay updated=2026-12-03'));
    await client.create(`${RIGHT}/app-000/extra`);
    await client.delete(`${RIGHT}/app-000/module-01/item-099`);
    const expect = (outcome: Awaited<ReturnType<typeof compareTrees>>): void => {
      const found = JSON.stringify([outcome.added, outcome.removed, outcome.changed]);
      const planted = JSON.stringify([['app-000/extra'], ['app-000/module-01/item-099'], [{ path: 'app-000/module-00/item-000', what: ['data'] }]]);
      if (found !== planted) throw new Error(`compare found ${found}, planted ${planted}`);
    };
    const total = (await client.getAllChildrenNumber(LEFT)) + (await client.getAllChildrenNumber(RIGHT)) + 2;
    const ours: number[] = [];
    const base: number[] = [];
    const runOurs = async (record: boolean): Promise<void> => {
      gc();
      const t = performance.now();
      const outcome = await compareTrees({ client: client, path: LEFT }, { client: client, path: RIGHT });
      const seconds = (performance.now() - t) / 1000;
      expect(outcome);
      if (record) ours.push(total / seconds);
    };
    const runRaw = async (record: boolean): Promise<void> => {
      gc();
      const t = performance.now();
      const seen = (await Promise.all([rawWalk(raw, LEFT), rawWalk(raw, RIGHT)])).reduce((a, b) => a + b, 0);
      const seconds = (performance.now() - t) / 1000;
      if (seen !== total) throw new Error(`raw walked ${seen} nodes, the trees hold ${total}`);
      if (record) base.push(total / seconds);
    };
    await runOurs(false);
    await runRaw(false);
    console.log(`compare: two configuration-like trees of ${count(total / 2)} znodes each (${count(total)} in all), 3 differences planted`);
    console.log(
      `ZooKeeper ${version} standalone on ${server.connectString}, Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}, ` +
        `${options.runs} runs per side after 1 warm-up, alternating, gc before each`,
    );
    console.log(`ours = compareTrees (data and mode); raw = node-zookeeper-client 1.1.3 getChildren + getData of every node of both trees, ${WALK_IN_FLIGHT} listings and ${READS_IN_FLIGHT} reads in flight a tree`);
    console.log('');
    await alternate(
      options.runs,
      () => runOurs(true),
      () => runRaw(true),
    );
    const ratio = printRates(ours, base);
    console.log('');
    console.log(`ours/raw ${ratio.toFixed(2)}; goal ≥ ${GOAL_RATIO}: ${ratio >= GOAL_RATIO ? 'met' : 'MISSED'}`);
    console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });
}

runBench(() => main(parseArgs(process.argv.slice(2))), { exposeGc: true });
