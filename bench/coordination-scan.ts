// Benchmark: the coordination view's scan of a whole tree for recipes.
//
//   node out/bench/coordination-scan.js [--nodes 100000] [--runs 5] [--concurrency 256]
//
// Starts its own ZooKeeper (scripts/lib/zookeeper.js) and builds a tree of about `nodes` znodes
// (/bench-coordination-scan/app-NNN/module-NN/item-NNN, pipelined multi creates) with recipe-shaped
// nodes scattered in it: kazoo Locks and Parties, Curator LeaderLatches, mutexes and semaphores (the
// children named like theirs, ephemeral sequential from a second session), ZooKeeper queues of
// persistent sequential nodes, and a /services registry of ephemeral nodes with JSON addresses.
// Then, alternating (ours/raw, then raw/ours) after one warm-up of each, on a collected heap:
//   ours  scanRecipes over '/' deep enough to reach every node: the walk, then the analysis of each candidate;
//   raw   node-zookeeper-client 1.1.3 walking the same tree: getChildren on every node, the same
//         number in flight, callbacks, nothing else.
// Prints znodes/s of both (medians), ours/raw against the goal (≥ 0.8), and the recipes found.
// Exits non-zero only when a result is wrong (a planted recipe missed, a recipe too many, a wrong
// kind, a different node count), never on time.
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { ZkClient } from '../src/zk/client';
import { forEachLimit } from '../src/zk/concurrency';
import type { MultiOp } from '../src/zk/multi';
import { scanRecipes, type ScanResult } from '../src/zk/recipes/scan';
import type { RecipeKind } from '../src/zk/recipes/types';
import { count, gc, median, parseCounts, printTable, type RawConnection, runBench, startServerAndClients, withCleanUp } from './support';

const ROOT = '/bench-coordination-scan';
const GOAL_RATIO = 0.8;
const MODULES_PER_APP = 10;
const ITEMS_PER_MODULE = 100;
/** One module in this many holds a recipe. */
const RECIPE_EVERY = 10;
const SERVICES = 5;
const INSTANCES_PER_SERVICE = 3;
const CREATE_BATCH = 1000;
const CREATE_BATCHES_IN_FLIGHT = 4;

interface RawClient extends RawConnection {
  getChildren(path: string, callback: (error: (Error & { getCode?: () => number }) | null, children: string[]) => void): void;
}

interface Options {
  nodes: number;
  runs: number;
  concurrency: number;
}

function parseArgs(argv: string[]): Options {
  return parseCounts(argv, 'node out/bench/coordination-scan.js [--nodes N] [--runs N] [--concurrency N]', { nodes: 100000, runs: 5, concurrency: 256 });
}

const hex32 = (i: number): string => (i.toString(16).padStart(8, '0') + 'c0ffee00').repeat(2);
const uuid = (i: number): string => `${i.toString(16).padStart(8, '0')}-0000-4000-8000-${(i * 7919).toString(16).padStart(12, '0')}`;
const text = (s: string): Buffer => Buffer.from(s);

/** The recipe planted in module `i`: its node's name, its kind, and the nodes it needs (persistent from the builder, ephemeral from the participants' session). */
function recipeFor(i: number, module: string): { path: string; kind: RecipeKind; persistent: MultiOp[]; ephemeral: MultiOp[] } {
  const seq = (path: string, data: string): MultiOp => ({ type: 'create', path, data: text(data), mode: 'ephemeralSequential' });
  switch (i % 6) {
    case 0: {
      const path = `${module}/lock`;
      return { path, kind: 'lock', persistent: [{ type: 'create', path }], ephemeral: [seq(`${path}/${hex32(i)}__lock__`, 'worker-1'), seq(`${path}/${hex32(i + 1)}__lock__`, 'worker-2')] };
    }
    case 1: {
      const path = `${module}/leader`;
      return { path, kind: 'leaderLatch', persistent: [{ type: 'create', path }], ephemeral: [seq(`${path}/_c_${uuid(i)}-latch-`, 'node-a'), seq(`${path}/_c_${uuid(i + 1)}-latch-`, 'node-b')] };
    }
    case 2: {
      const path = `${module}/mutex`;
      return { path, kind: 'lock', persistent: [{ type: 'create', path }], ephemeral: [seq(`${path}/_c_${uuid(i)}-lock-`, '127.0.0.1')] };
    }
    case 3: {
      const path = `${module}/party`;
      return { path, kind: 'party', persistent: [{ type: 'create', path }], ephemeral: [{ type: 'create', path: `${path}/${hex32(i)}__party__`, data: text('member-1'), mode: 'ephemeral' }] };
    }
    case 4: {
      const path = `${module}/semaphore`;
      return {
        path,
        kind: 'semaphore',
        persistent: [{ type: 'create', path }, { type: 'create', path: `${path}/leases` }, { type: 'create', path: `${path}/locks` }],
        ephemeral: [seq(`${path}/leases/_c_${uuid(i)}-lease-`, 'holder-1'), seq(`${path}/leases/_c_${uuid(i + 1)}-lease-`, 'holder-2')],
      };
    }
    default: {
      const path = `${module}/queue`;
      const item = (n: number): MultiOp => ({ type: 'create', path: `${path}/qn-`, data: text(`job-${n}`), mode: 'persistentSequential' });
      return { path, kind: 'queue', persistent: [{ type: 'create', path }, item(1), item(2), item(3)], ephemeral: [] };
    }
  }
}

/** Builds the tree; returns the planted recipes (path → kind). */
async function buildTree(builder: ZkClient, participants: ZkClient, nodes: number): Promise<Map<string, RecipeKind>> {
  const planted = new Map<string, RecipeKind>();
  const persistent: MultiOp[] = [{ type: 'create', path: ROOT }];
  const ephemeral: MultiOp[] = [];
  const apps = Math.max(1, Math.round(nodes / (1 + MODULES_PER_APP * (1 + ITEMS_PER_MODULE))));
  let modules = 0;
  for (let a = 0; a < apps; a++) {
    const app = `${ROOT}/app-${String(a).padStart(3, '0')}`;
    persistent.push({ type: 'create', path: app });
    for (let m = 0; m < MODULES_PER_APP; m++, modules++) {
      const module = `${app}/module-${String(m).padStart(2, '0')}`;
      persistent.push({ type: 'create', path: module, data: text('{"owner":"team-a"}') });
      for (let i = 0; i < ITEMS_PER_MODULE; i++) persistent.push({ type: 'create', path: `${module}/item-${String(i).padStart(3, '0')}`, data: text(`value ${i}`) });
      if (modules % RECIPE_EVERY === RECIPE_EVERY - 1) {
        const recipe = recipeFor(Math.floor(modules / RECIPE_EVERY), module);
        persistent.push(...recipe.persistent);
        ephemeral.push(...recipe.ephemeral);
        planted.set(recipe.path, recipe.kind);
      }
    }
  }
  persistent.push({ type: 'create', path: `${ROOT}/services` });
  for (let s = 0; s < SERVICES; s++) {
    const service = `${ROOT}/services/svc-${s}`;
    persistent.push({ type: 'create', path: service });
    for (let n = 0; n < INSTANCES_PER_SERVICE; n++) {
      ephemeral.push({ type: 'create', path: `${service}/instance-${n}`, data: text(JSON.stringify({ host: `10.0.${s}.${n}`, port: 8080 + n })), mode: 'ephemeral' });
    }
    planted.set(service, 'serviceRegistry');
  }
  // One session applies its requests in order, so pipelined batches never create a child before its parent.
  const run = async (client: ZkClient, ops: MultiOp[]): Promise<void> => {
    const batches: MultiOp[][] = [];
    for (let i = 0; i < ops.length; i += CREATE_BATCH) batches.push(ops.slice(i, i + CREATE_BATCH));
    await forEachLimit(batches, CREATE_BATCHES_IN_FLIGHT, async (batch) => {
      await client.multi(batch);
    });
  };
  await run(builder, persistent);
  await run(participants, ephemeral);
  return planted;
}

/** The baseline: a pipelined breadth-first walk with node-zookeeper-client callbacks; resolves with the nodes listed. */
function rawWalk(client: RawClient, concurrency: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const queue = ['/'];
    let head = 0;
    let inFlight = 0;
    let visited = 0;
    let failed = false;
    const pump = (): void => {
      while (inFlight < concurrency && head < queue.length) {
        const path = queue[head++];
        inFlight++;
        client.getChildren(path, (error, children) => {
          inFlight--;
          if (failed) return;
          if (error) {
            if (error.getCode?.() !== -101) {
              failed = true;
              reject(error);
              return;
            }
          } else {
            visited++;
            const prefix = path === '/' ? '/' : `${path}/`;
            for (const child of children) queue.push(prefix + child);
          }
          pump();
        });
      }
      if (inFlight === 0) resolve(visited);
    };
    pump();
  });
}

function checkScan(result: ScanResult, planted: Map<string, RecipeKind>, rawVisited: number | undefined): void {
  const found = new Map(result.recipes.map((r) => [r.path, r.analysis.kind]));
  const missed = [...planted.keys()].filter((p) => !found.has(p));
  const extra = [...found.keys()].filter((p) => !planted.has(p));
  const wrong = [...planted].filter(([p, kind]) => found.has(p) && found.get(p) !== kind);
  if (missed.length || extra.length || wrong.length) {
    throw new Error(`scan found ${found.size} recipes, planted ${planted.size}: missed ${missed.slice(0, 3).join(', ')}; extra ${extra.slice(0, 3).join(', ')}; wrong kind ${wrong.slice(0, 3).map(([p, k]) => `${p} (${k}, got ${found.get(p)})`).join(', ')}`);
  }
  if (result.truncated || result.cancelled) throw new Error('scan: truncated or cancelled');
  if (rawVisited !== undefined && result.visited !== rawVisited) throw new Error(`scan visited ${result.visited} znodes, the raw walk ${rawVisited}`);
}

async function main(options: Options): Promise<void> {
  const started = performance.now();
  await withCleanUp(async (cleanUp) => {
    const { server, version, client: builder, raw } = await startServerAndClients<RawClient>(cleanUp);
    const participants = cleanUp.add(await ZkClient.connect({ connectString: server.connectString }), (c) => c.close());
    const setupStart = performance.now();
    const planted = await buildTree(builder, participants, options.nodes);
    const setupMs = performance.now() - setupStart;

    const scanOnce = (): Promise<ScanResult> => scanRecipes(builder, { roots: ['/'], maxDepth: 64, maxNodes: options.nodes * 2, concurrency: options.concurrency });
    const rawVisited = await rawWalk(raw, options.concurrency);
    const warm = await scanOnce();
    checkScan(warm, planted, rawVisited);

    console.log(`coordination-scan: scanning a tree of ${count(rawVisited)} znodes with ${count(planted.size)} recipes planted in it, for the coordination view`);
    console.log(
      `ZooKeeper ${version} standalone on ${server.connectString} (forceSync=no), Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}, ` +
        `${options.runs} runs per side after 1 warm-up, alternating, gc before each; tree built in ${(setupMs / 1000).toFixed(1)} s`,
    );
    console.log(`ours = scanRecipes('/'): pipelined walk + analysis of the candidates; raw = node-zookeeper-client 1.1.3 getChildren on every node; ${options.concurrency} in flight both`);
    console.log('');

    const ours: number[] = [];
    const base: number[] = [];
    const oursMs: number[] = [];
    /** This process's CPU time (user + system) per 1,000 znodes: what the client side costs, apart from the server. */
    const oursCpu: number[] = [];
    const baseCpu: number[] = [];
    const cpuMs = (since: NodeJS.CpuUsage): number => {
      const used = process.cpuUsage(since);
      return (used.user + used.system) / 1000;
    };
    let last = warm;
    const runOurs = async (): Promise<void> => {
      gc();
      const cpu = process.cpuUsage();
      const t = performance.now();
      last = await scanOnce();
      const ms = performance.now() - t;
      oursCpu.push((cpuMs(cpu) / last.visited) * 1000);
      checkScan(last, planted, rawVisited);
      oursMs.push(ms);
      ours.push(last.visited / (ms / 1000));
    };
    const runRaw = async (): Promise<void> => {
      gc();
      const cpu = process.cpuUsage();
      const t = performance.now();
      const visited = await rawWalk(raw, options.concurrency);
      const ms = performance.now() - t;
      baseCpu.push((cpuMs(cpu) / visited) * 1000);
      if (visited !== rawVisited) throw new Error(`raw walk visited ${visited} znodes, before ${rawVisited}`);
      base.push(visited / (ms / 1000));
    };
    for (let i = 0; i < options.runs; i++) {
      if (i % 2 === 0) {
        await runOurs();
        await runRaw();
      } else {
        await runRaw();
        await runOurs();
      }
    }
    const perSecond = (values: number[]): string => count(Math.round(median(values)));
    const ratio = median(ours) / median(base);
    const range = (values: number[]): string => `${count(Math.round(Math.min(...values)))}–${count(Math.round(Math.max(...values)))}`;
    const rows = [
      ['ours', perSecond(ours), range(ours), `${median(oursCpu).toFixed(1)} ms`],
      ['raw', perSecond(base), range(base), `${median(baseCpu).toFixed(1)} ms`],
    ];
    printTable(['side', 'znodes/s median', 'range', 'client CPU per 1,000 znodes'], rows);
    console.log('');
    console.log(`ours/raw ${ratio.toFixed(2)}; goal ≥ ${GOAL_RATIO}: ${ratio >= GOAL_RATIO ? 'met' : 'MISSED'}`);
    console.log(
      `recipes found ${count(last.recipes.length)} of ${count(planted.size)} planted (every run); a scan took ${(median(oursMs) / 1000).toFixed(2)} s (median), ` +
        `${count(last.ephemeralsBySession.size)} session(s) owning ${count([...last.ephemeralsBySession.values()].reduce((n, p) => n + p.length, 0))} ephemeral nodes`,
    );
    console.log('');
    console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });
}

// Each run starts on a collected heap: runBench relaunches with --expose-gc.
runBench(() => main(parseArgs(process.argv.slice(2))), { exposeGc: true });
