// Benchmark: completing a znode path in a ZooKeeper script, on a node with many children.
//
//   node out/bench/completion.js [--children 10000] [--runs 30] [--limit 100] [--gc]
//
// Starts its own ZooKeeper (scripts/lib/zookeeper.js), creates /bench/completion with `children`
// children (child-00000, child-00001, …; pipelined multi creates) and connects our ZkClient. Then runs
// the real language server (src/server/server.ts, startServer) in this process over an in-memory
// connection, and plays the extension's side with a vscode-jsonrpc connection: it answers
// zookeeper/children like src/extension/language/languageClient.ts does, through a ChildrenCache over
// the ZkClient, and zookeeper/exists and zookeeper/connections with the one connection "bench". The
// extension filters by the typed prefix and cuts the list to `limit` names (the setting
// zookeeper.scripts.completionLimit, default 100) before they cross to the server; the list then
// ends with a "… N more" item. The document is `# connection: bench\nget /bench/completion/`;
// completion is asked at the end of line 1:
//   cold   bare `/bench/completion/`, then typed `/bench/completion/child-01` (of 10,000 children: 1,000
//          match; of other counts a prefix that leaves at most a tenth); before each sample both
//          caches are emptied the extension's way (a child created and deleted again: the cache's watch
//          fires, it forgets and sends zookeeper/invalidate), so the sample pays one getChildren of every
//          name, the names' way to the server and the items' way back;
//   warm   from `/bench/completion/` typing `child-01` one character at a time, a completion after
//          each keystroke, served from the caches: no ZooKeeper request (a cut list asks the
//          extension again for each longer prefix, which filters its cached names);
//   raw    node-zookeeper-client 1.1.3: one getChildren of the same node, the least a client can do
//          to learn the names. Measured in the same runs, its order alternating with ours.
// A sample is the time from sending textDocument/completion to its parsed answer (the didChange just
// before it included: the server handles it first). Both sides share this process's one thread: in VS
// Code they are two processes talking over IPC, which this leaves out (the JSON work stays in). Between samples the server's diagnostics (250 ms
// after the last change, with zookeeper/exists) are left to finish, so they never overlap a sample;
// within the typing of the warm samples they do not run, as when typing in the editor.
// No forced gc before a sample (--gc forces one, on both sides, as this bench used to). A forced
// full gc looked fair (no sample pays for the garbage of the one before), but it is not: V8 drops
// the type feedback of the code at a forced full collection (node --trace-opt --trace-deopt shows
// JuteReader.strings deoptimized for "insufficient type feedback" and compiled again in every
// sample, once in all without the gc), so each sample ran half in the interpreter. That charges
// each side in proportion to the JavaScript it runs: ours runs the language server, JSON-RPC both
// ways and the decoder, raw one decoding loop; and it is not what a user meets, whose completion
// follows keystrokes that ran the same code a moment before. Without it, garbage left by one sample
// may be collected in the next; as ours and raw alternate (and the order alternates), either side
// pays that as often, and the medians of >= 30 samples keep such collections out.
// Prints p50 and p95 of each against raw (ratios of p50 to raw p50 and p95 to raw p95), then where a
// cold completion's time goes. Exits non-zero only when a result is wrong (a wrong item count or order,
// a warm completion that reached ZooKeeper or the extension, a cold one that did not), never on time.
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { PassThrough } from 'node:stream';
import { createMessageConnection, type MessageConnection } from 'vscode-jsonrpc/node';
import {
  createConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type CompletionItem,
  type CompletionList,
  type Connection,
  type DidChangeTextDocumentParams,
  type DidOpenTextDocumentParams,
  type InitializeParams,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { ChildrenCache } from '../src/extension/language/childrenCache';
import {
  CHILDREN_REQUEST,
  CONNECTIONS_REQUEST,
  EXISTS_REQUEST,
  INVALIDATE_NOTIFICATION,
  type ChildrenParams,
  type ChildrenResult,
  type ConnectionsResult,
  type ExistsParams,
  type ExistsResult,
  type InvalidateParams,
} from '../src/server/protocol';
import { complete, parseScript } from '../src/server/script';
import { compactCompletions } from '../src/server/compactCompletions';
import { SCRIPT_LANGUAGE, startServer } from '../src/server/server';
import { ZkClient } from '../src/zk/client';
import { forEachLimit } from '../src/zk/concurrency';
import type { MultiOp } from '../src/zk/multi';
import { sortChildren } from '../src/zk/paths';
import { matchChildren } from '../src/extension/language/matchChildren';
import { connectRaw, count, formatMs, gc, median, parseFlags, percentile, printTable, runBench, startBenchZooKeeper, type RawConnection } from './support';

const CONNECTION = 'bench';
const PARENT = '/bench/completion';
/** Created and deleted again to fire the children watch, emptying the caches before a cold sample. */
const INVALIDATOR = `${PARENT}/~invalidate`;
const URI = 'file:///bench/completion.zk';
const LINE = 1;
/** Where the path starts on line 1: after "get ". */
const PATH_START = 'get '.length;
const CREATE_BATCH = 1000;
const CREATE_BATCHES_IN_FLIGHT = 4;
/** The diagnostics of a version not published within this long is a hang, not a slow result. */
const SETTLE_TIMEOUT_MS = 15000;

interface RawClient extends RawConnection {
  getChildren(path: string, callback: (error: Error | null, children: string[]) => void): void;
}

interface Options {
  children: number;
  runs: number;
  /** zookeeper.scripts.completionLimit. */
  limit: number;
  /** Force a full gc before each sample (--gc; see the header: not the default). */
  gc: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { children: 10000, runs: 30, limit: 100, gc: false };
  parseFlags(argv, 'node out/bench/completion.js [--children N] [--runs N] [--limit N] [--gc]', (flag, text) => {
    if (flag === '--children') options.children = Number(text());
    else if (flag === '--runs') options.runs = Number(text());
    else if (flag === '--limit') options.limit = Number(text());
    else if (flag === '--gc') options.gc = true;
    else return false;
    return true;
  });
  for (const name of ['children', 'runs', 'limit'] as const) if (!Number.isInteger(options[name]) || options[name] < 1) throw new Error(`--${name} must be a positive integer`);
  return options;
}

const p50 = median;
const p95 = (values: number[]): number => percentile(values, 0.95);

async function createChildren(client: ZkClient, names: string[]): Promise<void> {
  await client.create('/bench');
  await client.create(PARENT);
  const batches: number[] = [];
  for (let start = 0; start < names.length; start += CREATE_BATCH) batches.push(start);
  await forEachLimit(batches, CREATE_BATCHES_IN_FLIGHT, async (start) => {
    const ops: MultiOp[] = names.slice(start, start + CREATE_BATCH).map((name) => ({ type: 'create', path: `${PARENT}/${name}` }));
    await client.multi(ops);
  });
}

function rawGetChildren(client: RawClient, path: string): Promise<string[]> {
  return new Promise((resolve, reject) => client.getChildren(path, (error, children) => (error ? reject(error) : resolve(children))));
}

/** The extension's side of the language server connection, like src/extension/language/languageClient.ts, over one ZkClient. */
class ExtensionSide {
  readonly cache: ChildrenCache;
  /** Counters: getChildren calls the cache made to ZooKeeper, and zookeeper/children requests of the server. */
  zkGetChildren = 0;
  childrenRequests = 0;
  /** Of the last zookeeper/children request: ms in ZkClient.getChildren, and in the whole handler (the cache's sort included). */
  lastZkMs = 0;
  lastHandlerMs = 0;
  readonly problems: string[] = [];
  private readonly published = new Map<number, number>();
  private readonly waiters: { version: number; resolve: () => void }[] = [];

  /** Called when the cache dropped an entry (its watch fired) and told the server. */
  private invalidated: (() => void) | undefined;

  constructor(
    readonly rpc: MessageConnection,
    private readonly zk: ZkClient,
    limit: number,
  ) {
    // Counts (and times) every getChildren of the ZkClient the cache is given.
    const getChildren = zk.getChildren.bind(zk);
    zk.getChildren = async (path, watch) => {
      this.zkGetChildren++;
      const t = performance.now();
      try {
        return await getChildren(path, watch);
      } finally {
        this.lastZkMs = performance.now() - t;
      }
    };
    const notify = (params: InvalidateParams): void => void rpc.sendNotification(INVALIDATE_NOTIFICATION, params).then(undefined, () => undefined);
    this.cache = new ChildrenCache((connection, path) => {
      notify({ connection, path });
      this.invalidated?.();
    });
    const known = (name: string | undefined): boolean => name === undefined || name === CONNECTION;

    rpc.onRequest(CHILDREN_REQUEST, async (params: ChildrenParams): Promise<ChildrenResult> => {
      this.childrenRequests++;
      const t = performance.now();
      if (!known(params.connection)) return { connection: null, children: null };
      const matched = await this.cache.matching(CONNECTION, zk, params.path, params.prefix ?? '', limit).catch(() => undefined);
      this.lastHandlerMs = performance.now() - t;
      return { connection: CONNECTION, children: matched?.names ?? null, ...(matched ? { total: matched.total } : {}) };
    });
    rpc.onRequest(EXISTS_REQUEST, async (params: ExistsParams): Promise<ExistsResult> => {
      const result: ExistsResult = params.paths.map(() => null);
      if (!known(params.connection)) return result;
      await forEachLimit(
        params.paths.map((p, i) => ({ p, i })),
        64,
        async ({ p, i }) => {
          result[i] = await zk.exists(p).then(
            (stat) => stat !== undefined,
            () => null,
          );
        },
      );
      return result;
    });
    rpc.onRequest(CONNECTIONS_REQUEST, (): ConnectionsResult => [{ name: CONNECTION, active: true, readOnly: false }]);
    rpc.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      if (params.uri !== URI || params.version === undefined) return;
      const n = (this.published.get(params.version) ?? 0) + 1;
      this.published.set(params.version, n);
      // Twice per check: the syntax at once, then with the existence warnings.
      if (n >= 2) for (const w of this.waiters.filter((x) => x.version === params.version)) w.resolve();
    });
    rpc.onNotification('window/logMessage', (params: { type: number; message: string }) => {
      if (params.type <= 2) this.problems.push(params.message);
    });
  }

  /** Resolves once the server published the full diagnostics of `version` (so none are running). */
  settled(version: number, timeoutMs = SETTLE_TIMEOUT_MS): Promise<void> {
    if ((this.published.get(version) ?? 0) >= 2) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for version ${version} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        version,
        resolve: () => {
          clearTimeout(timer);
          this.waiters.splice(
            this.waiters.findIndex((w) => w.version === version),
            1,
          );
          resolve();
        },
      });
    });
  }

  /**
   * Empties the caches on both sides the way the extension does when the children change: a child is
   * created, the cache's watch fires, the cache drops its entry and sends zookeeper/invalidate; then
   * the child is deleted again (no watch is set by then), so the node has its children back. (Clearing
   * the cache instead would leave each pending watch's listener behind, one more per sample.)
   */
  async emptyCaches(): Promise<void> {
    if (this.cache.size === 0) {
      // Nothing cached here (the first sample), so no watch to fire: just make sure the server forgets too.
      await this.rpc.sendNotification(INVALIDATE_NOTIFICATION, { connection: CONNECTION, path: PARENT } satisfies InvalidateParams);
      return;
    }
    const fired = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the children watch of ${PARENT} did not fire within ${SETTLE_TIMEOUT_MS} ms`)), SETTLE_TIMEOUT_MS);
      this.invalidated = () => {
        clearTimeout(timer);
        this.invalidated = undefined;
        resolve();
      };
    });
    await this.zk.create(INVALIDATOR);
    await fired;
    await this.zk.delete(INVALIDATOR);
    if (this.cache.size !== 0) throw new Error(`the children cache still holds ${this.cache.size} entries after the watch fired`);
  }
}

/** The open script: its line 1 is `get <path>`, edited like an editor does. */
class Document {
  version = 1;
  path = `${PARENT}/`;

  constructor(private readonly rpc: MessageConnection) {}

  get text(): string {
    return `# connection: ${CONNECTION}\nget ${this.path}`;
  }

  async open(): Promise<void> {
    const params: DidOpenTextDocumentParams = { textDocument: { uri: URI, languageId: SCRIPT_LANGUAGE, version: this.version, text: this.text } };
    await this.rpc.sendNotification('textDocument/didOpen', params);
  }

  /** Replaces the path (an incremental change of line 1). */
  async setPath(path: string): Promise<void> {
    await this.change(PATH_START, PATH_START + this.path.length, path);
    this.path = path;
  }

  /** Types one character at the end of the path. */
  async type(char: string): Promise<void> {
    const at = PATH_START + this.path.length;
    await this.change(at, at, char);
    this.path += char;
  }

  private async change(from: number, to: number, text: string): Promise<void> {
    this.version++;
    const params: DidChangeTextDocumentParams = {
      textDocument: { uri: URI, version: this.version },
      contentChanges: [{ range: { start: { line: LINE, character: from }, end: { line: LINE, character: to } }, text }],
    };
    await this.rpc.sendNotification('textDocument/didChange', params);
  }

  /** Completion at the end of the path; the items and the ms from the request to the parsed answer. */
  async complete(): Promise<{ ms: number; list: CompletionList }> {
    const t = performance.now();
    const answer = await this.rpc.sendRequest<CompletionList | CompletionItem[] | null>('textDocument/completion', {
      textDocument: { uri: URI },
      position: { line: LINE, character: PATH_START + this.path.length },
    });
    const ms = performance.now() - t;
    if (!answer || Array.isArray(answer)) throw new Error(`completion answered ${Array.isArray(answer) ? 'a bare array' : String(answer)}, expected an incomplete list`);
    return { ms, list: answer };
  }
}

/** The names a completion after `typed` must offer, in order (the server's own filter: prefix, ignoring case). */
function expectedNames(sorted: string[], typed: string): string[] {
  const prefix = typed.toLowerCase();
  return sorted.filter((n) => n.toLowerCase().startsWith(prefix));
}

/** What the typed samples type: the shortest start of a name that leaves at most a tenth of the children ("child-01" of 10,000). */
function typedPrefix(sorted: string[]): string {
  const target = sorted[Math.floor(sorted.length / 10)];
  const limit = Math.max(1, Math.floor(sorted.length / 10));
  for (let n = 1; n < target.length; n++) if (expectedNames(sorted, target.slice(0, n)).length <= limit) return target.slice(0, n);
  return target;
}

/**
 * The items must be the first `limit` of `matching` in order, then (when more match) one item that
 * says how many more, sorted last; the whole list marked incomplete.
 */
function checkItems(what: string, list: CompletionList, matching: string[], typed: string, limit: number): void {
  if (!list.isIncomplete) throw new Error(`${what}: the list is not marked incomplete`);
  const items = list.items;
  const expected = matching.slice(0, limit);
  const more = matching.length - expected.length;
  if (items.length !== expected.length + (more > 0 ? 1 : 0)) throw new Error(`${what}: ${count(items.length)} items, expected ${count(expected.length)}${more > 0 ? ' and "… more"' : ''}`);
  for (let i = 0; i < expected.length; i++) {
    if (items[i].label !== expected[i]) throw new Error(`${what}: item ${i} is ${items[i].label}, expected ${expected[i]}`);
  }
  if (more > 0) {
    const last = items[items.length - 1];
    if (!last.label.includes(more.toLocaleString('en-US'))) throw new Error(`${what}: the last item "${last.label}" does not say ${count(more)} more`);
    const sortTexts = items.map((i) => i.sortText ?? '');
    if (!sortTexts.every((x, i) => i === 0 || sortTexts[i - 1] < x)) throw new Error(`${what}: the items' sortText does not keep them in order with "… more" last`);
  }
  // The edit range comes once in itemDefaults (the client announced support) or on each item.
  const first = items[0]?.textEdit;
  const range = list.itemDefaults?.editRange ?? (first && 'range' in first ? first.range : undefined);
  const start = PATH_START + PARENT.length + 1;
  if (items.length > 0 && (!range || !('start' in range) || range.start.character !== start || range.end.character !== start + typed.length || range.start.line !== LINE)) {
    throw new Error(`${what}: the edit range does not replace the typed "${typed}"`);
  }
}

interface Samples {
  raw: number[];
  coldBare: number[];
  coldTyped: number[];
  warmBare: number[];
  warmTyped: number[];
  warmKeystrokes: number[];
  /** Of the cold bare samples: ZkClient.getChildren inside the cache, and the whole zookeeper/children handler. */
  coldZk: number[];
  coldHandler: number[];
  /** CPU time of this process (every thread) during the sample, ms: what a busy machine's other processes change least. */
  rawCpu: number[];
  coldBareCpu: number[];
  coldTypedCpu: number[];
}

/** The process's CPU time (user + system, every thread) since `since`, in ms. */
function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

async function main(options: Options): Promise<void> {
  const started = performance.now();
  const { server, version } = await startBenchZooKeeper();
  let zk: ZkClient | undefined;
  let raw: RawClient | undefined;
  let toServer: PassThrough | undefined;
  let toClient: PassThrough | undefined;
  let serverConnection: Connection | undefined;
  let rpc: MessageConnection | undefined;
  /** Set once the server answered initialize and the document is open: then it is stopped like a client does. */
  let session: { extension: ExtensionSide; doc: Document } | undefined;
  try {
    zk = await ZkClient.connect({ connectString: server.connectString });
    raw = await connectRaw<RawClient>(server.connectString);
    const width = Math.max(5, String(options.children - 1).length);
    const names = Array.from({ length: options.children }, (_, i) => `child-${String(i).padStart(width, '0')}`);
    const setupStart = performance.now();
    await createChildren(zk, names);
    const setupMs = performance.now() - setupStart;
    const sorted = sortChildren(names);
    const typedTarget = typedPrefix(sorted);
    const typedExpected = expectedNames(sorted, typedTarget);

    // The language server in this process, over two in-memory streams.
    toServer = new PassThrough();
    toClient = new PassThrough();
    serverConnection = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
    startServer(serverConnection);
    rpc = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    const extension = new ExtensionSide(rpc, zk, options.limit);
    rpc.listen();
    // processId null: no watchdog timer; `exit` is never sent (the server would end this process).
    // What VS Code's client announces (LSP 3.17): the server then sends the shared edit range once.
    const capabilities = { textDocument: { completion: { completionList: { itemDefaults: ['commitCharacters', 'editRange', 'insertTextFormat', 'insertTextMode', 'data'] } } } };
    const init: InitializeParams = { processId: null, rootUri: null, capabilities, workspaceFolders: null };
    await rpc.sendRequest('initialize', init);
    await rpc.sendNotification('initialized', {});
    const doc = new Document(rpc);
    await doc.open();
    session = { extension, doc };
    await extension.settled(doc.version);

    const s: Samples = { raw: [], coldBare: [], coldTyped: [], warmBare: [], warmTyped: [], warmKeystrokes: [], coldZk: [], coldHandler: [], rawCpu: [], coldBareCpu: [], coldTypedCpu: [] };
    const counters = (): [number, number] => [extension.zkGetChildren, extension.childrenRequests];
    /** The ZooKeeper and extension round trips since `before`, checked against what the sample must have needed (requests: null, any number). */
    const checkTrips = (what: string, before: [number, number], zkExpected: number, requestsExpected: number | null = zkExpected): void => {
      const [zkCalls, requests] = counters();
      if (zkCalls - before[0] !== zkExpected || (requestsExpected !== null && requests - before[1] !== requestsExpected)) {
        throw new Error(`${what}: ${zkCalls - before[0]} getChildren to ZooKeeper and ${requests - before[1]} zookeeper/children requests, expected ${zkExpected} and ${requestsExpected ?? 'any'}`);
      }
    };
    const collect = options.gc ? gc : (): void => undefined;
    const limit = options.limit;
    /** Of the warm samples: zookeeper/children requests per typing of the prefix (a cut list asks the extension again). */
    let warmRequests = 0;

    /** The children in ZooKeeper's order (not sorted), as a getChildren answers them. */
    let serverOrder: string[] = [];
    const runRaw = async (record: boolean): Promise<void> => {
      collect();
      const cpu = process.cpuUsage();
      const t = performance.now();
      const children = await rawGetChildren(raw!, PARENT);
      const ms = performance.now() - t;
      const cpuUsed = cpuMs(cpu);
      if (children.length !== options.children) throw new Error(`raw: ${count(children.length)} children, expected ${count(options.children)}`);
      serverOrder = children;
      if (record) {
        s.raw.push(ms);
        s.rawCpu.push(cpuUsed);
      }
    };
    const runCold = async (typed: string, record: boolean): Promise<void> => {
      await extension.emptyCaches();
      await doc.setPath(`${PARENT}/${typed}`);
      collect();
      const before = counters();
      const cpu = process.cpuUsage();
      const { ms, list } = await doc.complete();
      const cpuUsed = cpuMs(cpu);
      const what = `cold completion of "${doc.path}"`;
      checkTrips(what, before, 1);
      checkItems(what, list, typed === '' ? sorted : typedExpected, typed, limit);
      if (record) {
        (typed === '' ? s.coldBare : s.coldTyped).push(ms);
        (typed === '' ? s.coldBareCpu : s.coldTypedCpu).push(cpuUsed);
        if (typed === '') {
          s.coldZk.push(extension.lastZkMs);
          s.coldHandler.push(extension.lastHandlerMs);
        }
      }
      await extension.settled(doc.version);
    };
    const runWarm = async (record: boolean): Promise<void> => {
      await doc.setPath(`${PARENT}/`);
      collect();
      const before = counters();
      let { ms, list } = await doc.complete();
      checkItems(`warm completion of "${doc.path}"`, list, sorted, '', limit);
      if (record) s.warmBare.push(ms);
      for (let i = 0; i < typedTarget.length; i++) {
        const typed = typedTarget.slice(0, i + 1);
        await doc.type(typedTarget[i]);
        ({ ms, list } = await doc.complete());
        checkItems(`warm completion of "${doc.path}"`, list, i === typedTarget.length - 1 ? typedExpected : expectedNames(sorted, typed), typed, limit);
        if (record) s.warmKeystrokes.push(ms);
      }
      if (record) s.warmTyped.push(ms);
      checkTrips('warm completions', before, 0, null);
      warmRequests = counters()[1] - before[1];
      await extension.settled(doc.version);
    };
    const runOurs = async (record: boolean): Promise<void> => {
      await runCold('', record);
      await runCold(typedTarget, record);
      await runWarm(record);
    };

    // One warm-up of each side (and the correctness checks), then the runs, alternating.
    await runRaw(false);
    await runOurs(false);
    for (let i = 0; i < options.runs; i++) {
      if (i % 2 === 0) {
        await runOurs(true);
        await runRaw(true);
      } else {
        await runRaw(true);
        await runOurs(true);
      }
    }

    // The parts of a cold completion that are not round trips, measured on their own.
    const matchMs: number[] = [];
    const buildMs: number[] = [];
    const jsonMs: number[] = [];
    let itemsBytes = 0;
    const bare = matchChildren(serverOrder, '', limit);
    const namesBytes = Buffer.byteLength(JSON.stringify({ id: 1, jsonrpc: '2.0', result: { connection: CONNECTION, children: bare.names, total: bare.total } }));
    const script = parseScript(`# connection: ${CONNECTION}\nget ${PARENT}/`);
    for (let i = 0; i < options.runs; i++) {
      collect();
      let t = performance.now();
      matchChildren(serverOrder, '', limit);
      matchMs.push(performance.now() - t);
      t = performance.now();
      const items = await complete(script, { line: LINE, character: PATH_START + PARENT.length + 1 }, () => Promise.resolve(bare));
      buildMs.push(performance.now() - t);
      t = performance.now();
      // What the server sends to a client that announced itemDefaults (as VS Code does).
      const json = JSON.stringify({ id: 1, jsonrpc: '2.0', result: compactCompletions(items, { editRange: true, insertTextFormat: true }, true) });
      JSON.parse(json);
      jsonMs.push(performance.now() - t);
      itemsBytes = Buffer.byteLength(json);
    }

    console.log(`completion: a ZooKeeper script path on a node with ${count(options.children)} children, through the language server (in process) and a ChildrenCache over ZkClient`);
    console.log(
      `ZooKeeper ${version} standalone on ${server.connectString}, Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}, ` +
        `${options.runs} runs after 1 warm-up, ours and raw alternating, ${options.gc ? 'gc forced before each sample (not between keystrokes)' : 'no forced gc'}, completion limit ${count(limit)}; children created in ${(setupMs / 1000).toFixed(1)} s`,
    );
    console.log('');
    const rawP50 = p50(s.raw);
    const rawP95 = p95(s.raw);
    const row = (label: string, items: string, values: number[], trips: string): string[] => [
      label,
      items,
      formatMs(p50(values), 2),
      formatMs(p95(values), 2),
      (p50(values) / rawP50).toFixed(2),
      (p95(values) / rawP95).toFixed(2),
      trips,
    ];
    const typedPath = `…/${typedTarget}`;
    /** Items of a list of `matching` names: the first `limit` of them, and "… more" when cut. */
    const shown = (matching: number): string => (matching > limit ? `${count(limit)} of ${count(matching)} + 1` : count(matching));
    printTable(
      ['sample', 'items', 'p50', 'p95', 'p50/raw', 'p95/raw', 'round trips'],
      [
        row('raw getChildren (node-zookeeper-client)', count(options.children), s.raw, '1 ZooKeeper'),
        row('cold completion, bare …/', shown(options.children), s.coldBare, '1 zookeeper/children + 1 ZooKeeper'),
        row(`cold completion, typed ${typedPath}`, shown(typedExpected.length), s.coldTyped, '1 zookeeper/children + 1 ZooKeeper'),
        row('warm completion, bare …/', shown(options.children), s.warmBare, warmRequests > 0 ? 'zookeeper/children, no ZooKeeper' : 'none'),
        row(`warm completion, typed ${typedPath}`, shown(typedExpected.length), s.warmTyped, warmRequests > 0 ? 'zookeeper/children, no ZooKeeper' : 'none'),
        row(`warm completion, each keystroke of ${typedTarget}`, 'all', s.warmKeystrokes, warmRequests > 0 ? 'zookeeper/children, no ZooKeeper' : 'none'),
      ],
      { leftAlignLast: true },
    );
    console.log('');
    console.log(
      `cold/raw ${(p50(s.coldBare) / rawP50).toFixed(2)} (bare, p50), ${(p50(s.coldTyped) / rawP50).toFixed(2)} (typed); ` +
        `warm/raw ${(p50(s.warmBare) / rawP50).toFixed(2)} (bare), ${(p50(s.warmTyped) / rawP50).toFixed(2)} (typed). ` +
        `Checked every sample: the items (count, order, "… more" last, edit range); cold: exactly 1 getChildren and 1 zookeeper/children; ` +
        `warm: no getChildren, ${warmRequests} zookeeper/children (answered from the extension's cache) in typing ${typedTarget}.`,
    );
    console.log('');
    console.log('CPU time of this process during the sample (every thread; less moved by other processes on a busy machine than wall time), medians:');
    const rawCpu = p50(s.rawCpu);
    printTable(
      ['sample', 'cpu p50', 'cpu p50/raw'],
      [
        ['raw getChildren (node-zookeeper-client)', formatMs(rawCpu, 2), '1.00'],
        ['cold completion, bare …/', formatMs(p50(s.coldBareCpu), 2), (p50(s.coldBareCpu) / rawCpu).toFixed(2)],
        [`cold completion, typed ${typedPath}`, formatMs(p50(s.coldTypedCpu), 2), (p50(s.coldTypedCpu) / rawCpu).toFixed(2)],
      ],
    );
    console.log('');
    console.log(`where a cold bare completion goes (p50 ${formatMs(p50(s.coldBare), 2)}), medians:`);
    const zkP50 = p50(s.coldZk);
    const handlerP50 = p50(s.coldHandler);
    printTable(
      ['part', 'ms', ''],
      [
        ['ZkClient.getChildren (in the cold samples)', formatMs(zkP50, 2), 'raw getChildren: ' + formatMs(rawP50, 2)],
        ['rest of the zookeeper/children handler (matchChildren)', formatMs(handlerP50 - zkP50, 2), `matchChildren of the ${count(options.children)} names alone: ${formatMs(p50(matchMs), 2)}`],
        ['the server building the items (complete(), alone)', formatMs(p50(buildMs), 2), ''],
        ['JSON of the items, stringify + parse (alone)', formatMs(p50(jsonMs), 2), `${(itemsBytes / 1024).toFixed(0)} KB; the names' answer ${(namesBytes / 1024).toFixed(0)} KB`],
        ['everything else (both JSON-RPC trips, framing)', formatMs(p50(s.coldBare) - handlerP50 - p50(buildMs) - p50(jsonMs), 2), 'the cold p50 minus the parts above'],
      ],
      { leftAlignLast: true },
    );
    if (extension.problems.length) {
      console.log('');
      console.log(`the server logged ${extension.problems.length} error(s)/warning(s), first: ${extension.problems[0]}`);
    }
    console.log('');
    console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    if (session && rpc) {
      // Stop the server the way a client does, but without `exit` (the server would end this process).
      // First let a pending diagnostics check finish (after an error mid-typing one is due): once the
      // connection is gone it would fail, and the server's logging of that throws.
      await session.extension.settled(session.doc.version, 2000).catch(() => undefined);
      await rpc.sendNotification('textDocument/didClose', { textDocument: { uri: URI } }).catch(() => undefined);
      await rpc.sendRequest('shutdown').catch(() => undefined);
    }
    rpc?.dispose();
    serverConnection?.dispose();
    toServer?.end();
    toClient?.end();
    raw?.close();
    await zk?.close();
    await server.stop();
  }
}

// --gc needs gc(): runBench relaunches with --expose-gc.
runBench(() => main(parseArgs(process.argv.slice(2))), { exposeGc: true });
