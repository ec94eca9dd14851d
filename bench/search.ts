// Benchmark: Search (issue 12) — a data search of a whole subtree against the raw client doing the same.
//
//   node out/bench/search.js [--nodes 100000] [--runs 5]
//
// Starts its own ZooKeeper and builds /bench-search/app-NNN/module-NN/item-NNN (about `nodes`
// znodes, pipelined multi creates), each item with a line of text; one item in 500 holds the word
// "needle" on its second line. Then, alternating (ours/raw, then raw/ours) after one warm-up of each,
// on a collected heap:
//   ours  searchTree(root, dataPattern "needle"): the pipelined walk (256 listings in flight) and
//         data reads beside it (128 in flight), UTF-8 decoding, line/column of every match;
//   raw   node-zookeeper-client 1.1.3: the same walk with getChildren2 callbacks and the same windows,
//         getData of every node with data, Buffer.indexOf — nothing else.
// Prints znodes/s (medians), ours/raw against the goal (≥ 0.8) and the matches found. Exits non-zero
// only when a result is wrong (a planted needle missed, one too many, a different node count), never on time.
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { searchTree, type SearchOutcome } from '../src/zk/search';
import { buildConfigTree } from './trees';
import { alternate, count, gc, parseCounts, printRates, type RawConnection, runBench, startServerAndClients, withCleanUp } from './support';

const ROOT = '/bench-search';
const GOAL_RATIO = 0.8;
const NEEDLE_EVERY = 500;
const WALK_IN_FLIGHT = 256;
const READS_IN_FLIGHT = 128;

type RawError = (Error & { getCode?: () => number }) | null;
interface RawClient extends RawConnection {
  getChildren(path: string, callback: (error: RawError, children: string[], stat: { dataLength: number }) => void): void;
  getData(path: string, callback: (error: RawError, data: Buffer | null) => void): void;
}

function parseArgs(argv: string[]): { nodes: number; runs: number } {
  return parseCounts(argv, 'node out/bench/search.js [--nodes N] [--runs N]', { nodes: 100000, runs: 5 });
}

/** The floor: the same walk and reads with node-zookeeper-client callbacks; resolves with the nodes visited and the paths whose data holds the needle. */
function rawSearch(client: RawClient, needle: Buffer): Promise<{ visited: number; found: string[] }> {
  return new Promise((resolve, reject) => {
    const listQueue = [ROOT];
    const readQueue: string[] = [];
    let listHead = 0;
    let readHead = 0;
    let listing = 0;
    let reading = 0;
    let visited = 0;
    let failed = false;
    const found: string[] = [];
    const fail = (error: Error): void => {
      if (failed) return;
      failed = true;
      reject(error);
    };
    const pump = (): void => {
      while (listing < WALK_IN_FLIGHT && listHead < listQueue.length) {
        const path = listQueue[listHead++];
        listing++;
        client.getChildren(path, (error, children, stat) => {
          listing--;
          if (error) {
            if (error.getCode?.() !== -101) return fail(error);
          } else {
            visited++;
            for (const child of children) listQueue.push(`${path}/${child}`);
            if (stat.dataLength > 0) readQueue.push(path);
          }
          pump();
        });
      }
      while (reading < READS_IN_FLIGHT && readHead < readQueue.length) {
        const path = readQueue[readHead++];
        reading++;
        client.getData(path, (error, data) => {
          reading--;
          if (error) {
            if (error.getCode?.() !== -101) return fail(error);
          } else if (data && data.indexOf(needle) >= 0) found.push(path);
          pump();
        });
      }
      if (listing === 0 && reading === 0 && !failed) resolve({ visited, found: found.sort() });
    };
    pump();
  });
}

function check(what: string, visited: number, found: readonly string[], planted: Set<string>, expectedVisited: number): void {
  const missed = [...planted].filter((p) => !found.includes(p));
  const extra = found.filter((p) => !planted.has(p));
  if (missed.length > 0 || extra.length > 0) throw new Error(`${what}: found ${found.length}, planted ${planted.size}; missed ${missed.slice(0, 3).join(', ')}; extra ${extra.slice(0, 3).join(', ')}`);
  if (visited !== expectedVisited) throw new Error(`${what} visited ${visited} znodes, expected ${expectedVisited}`);
}

async function main(options: { nodes: number; runs: number }): Promise<void> {
  const started = performance.now();
  await withCleanUp(async (cleanUp) => {
    const { server, version, client, raw } = await startServerAndClients<RawClient>(cleanUp);
    const setupStart = performance.now();
    const planted = await buildConfigTree(client, ROOT, options.nodes, NEEDLE_EVERY);
    const setupMs = performance.now() - setupStart;
    const needle = Buffer.from('needle');
    const searchOnce = (): Promise<SearchOutcome> => searchTree(client, { root: ROOT, dataPattern: 'needle', caseSensitive: true }, { maxNodes: options.nodes * 2, maxResults: options.nodes });
    const rawWarm = await rawSearch(raw, needle);
    check('raw', rawWarm.visited, rawWarm.found, planted, rawWarm.visited);
    const warm = await searchOnce();
    check('ours', warm.visited, warm.results.map((r) => r.path), planted, rawWarm.visited);

    console.log(`search: a data search of ${count(rawWarm.visited)} znodes for a word planted in ${count(planted.size)} of them`);
    console.log(
      `ZooKeeper ${version} standalone on ${server.connectString}, Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}, ` +
        `${options.runs} runs per side after 1 warm-up, alternating, gc before each; tree built in ${(setupMs / 1000).toFixed(1)} s`,
    );
    console.log(`ours = searchTree (walk + data reads, UTF-8 decode, line/column); raw = node-zookeeper-client 1.1.3 getChildren2 + getData + Buffer.indexOf; ${WALK_IN_FLIGHT} listings and ${READS_IN_FLIGHT} reads in flight both`);
    console.log('');
    const ours: number[] = [];
    const base: number[] = [];
    const runOurs = async (): Promise<void> => {
      gc();
      const t = performance.now();
      const outcome = await searchOnce();
      const ms = performance.now() - t;
      check('ours', outcome.visited, outcome.results.map((r) => r.path), planted, rawWarm.visited);
      ours.push(outcome.visited / (ms / 1000));
    };
    const runRaw = async (): Promise<void> => {
      gc();
      const t = performance.now();
      const result = await rawSearch(raw, needle);
      const ms = performance.now() - t;
      check('raw', result.visited, result.found, planted, rawWarm.visited);
      base.push(result.visited / (ms / 1000));
    };
    await alternate(options.runs, runOurs, runRaw);
    const ratio = printRates(ours, base);
    console.log('');
    console.log(`ours/raw ${ratio.toFixed(2)}; goal ≥ ${GOAL_RATIO}: ${ratio >= GOAL_RATIO ? 'met' : 'MISSED'}; matches ${count(warm.results.length)} of ${count(planted.size)} planted (every run)`);
    console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });
}

runBench(() => main(parseArgs(process.argv.slice(2))), { exposeGc: true });
