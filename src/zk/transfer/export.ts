import type { ZkAcl } from '../acl';
import type { ZkClient } from '../client';
import { isZkError, ZkError } from '../errors';
import { validatePath } from '../paths';
import { walkTree } from '../treeWalk';
import { exportedNode, jsonHead, jsonNode, jsonTail, scriptHead, scriptNode, type ExportedNode } from './exportFormat';

export type ExportFormat = 'json' | 'zk';

export interface ExportOptions {
  format: ExportFormat;
  /** Ephemeral nodes belong to a session of the source: left out unless asked for. */
  includeEphemeral?: boolean;
  /** Nodes visited at most (default 1,000,000); beyond it the export stops and says `truncated` (the file is still complete and valid for what it holds). */
  maxNodes?: number;
  /** The source connection's name, written in the header. */
  connection?: string;
  signal?: AbortSignal;
  /** At most every 100 ms, and once at the end. */
  onProgress?: (progress: { visited: number; exported: number }) => void;
  /** For tests: the time written in the header. */
  now?: Date;
}

export interface ExportReport {
  exported: number;
  skippedEphemeral: number;
  /** Nodes below the root this session may not read (their ACL): not in the file, and said so. */
  unreadable: string[];
  /** Nodes whose ACL could not be read: in the file with `"acl": []`. */
  aclUnreadable: string[];
  /** Nodes whose ACL the server returned with digest hashes hidden (no ADMIN permission): marked `aclMasked`, not restorable. */
  aclMasked: string[];
  /** .zk only: binary nodes written without their data (a script cannot carry bytes). */
  binaryWithoutData: number;
  truncated: boolean;
  cancelled: boolean;
  /** Characters written. */
  written: number;
}

/** Where the export goes: a chunk of text at a time; a returned promise is waited for (backpressure). */
export type ExportSink = (chunk: string) => void | Promise<void>;

const DEFAULT_MAX_NODES = 1_000_000;
const READS_IN_FLIGHT = 128;
/** Nodes read but not yet written, at most: what keeps memory flat when the sink is slower than the server. */
const MAX_BUFFERED = 1024;
const PROGRESS_INTERVAL_MS = 100;

/**
 * Exports a subtree, streaming: the breadth-first walk finds the nodes (parents before children),
 * data and ACL are read with a window of requests in flight, and each node is written in walk order
 * as soon as it and every node before it are read — so the file is in a stable order, a 100,000-node
 * subtree is never held in memory, and a slow sink slows the reads instead of filling memory.
 * A node deleted meanwhile is left out; one that may not be read is reported.
 */
export async function exportSubtree(client: ZkClient, root: string, sink: ExportSink, options: ExportOptions): Promise<ExportReport> {
  const problem = validatePath(root);
  if (problem) throw new ZkError('INVALIDPATH', 'export', root, problem);
  if (!(await client.exists(root))) throw new ZkError('NONODE', 'export', root);
  const header = { connection: options.connection, path: root, exportedAt: (options.now ?? new Date()).toISOString() };
  const report: ExportReport = { exported: 0, skippedEphemeral: 0, unreadable: [], aclUnreadable: [], aclMasked: [], binaryWithoutData: 0, truncated: false, cancelled: false, written: 0 };
  const stop = new AbortController();
  let settle: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (settle = resolve));
  const onAbort = (): void => {
    stop.abort();
    settle();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop.abort();

  let failure: unknown;
  // Read through a function: TypeScript would take `failure` for undefined after the first check, but the sink's promises set it later.
  const throwIfFailed = (): void => {
    const error = failure;
    if (error !== undefined) throw error instanceof Error ? error : new Error('the export failed');
  };
  const fail = (error: unknown): void => {
    failure ??= error;
    stop.abort();
    settle();
  };

  // Writing, in walk order. `order` holds visited paths; `done` the read result of each by index
  // (null: left out). `writing` chains the sink's promises so chunks keep their order.
  const order: string[] = [];
  let orderBase = 0;
  const done = new Map<number, ExportedNode | null>();
  let nextToWrite = 0;
  let writing: Promise<void> = Promise.resolve();
  let writingIdle = true;
  const write = (chunk: string): void => {
    report.written += chunk.length;
    const result = sink(chunk);
    if (result instanceof Promise) {
      writingIdle = false;
      writing = writing.then(() => result).then(
        () => {
          writingIdle = true;
          pump();
        },
        (error: unknown) => fail(error),
      );
    }
  };
  write(options.format === 'json' ? jsonHead(header) : scriptHead(header));
  const flush = (): void => {
    while (done.has(nextToWrite)) {
      const node = done.get(nextToWrite)!;
      done.delete(nextToWrite);
      nextToWrite++;
      if (node === null) continue;
      if (options.format === 'json') write(jsonNode(node, report.exported === 0));
      else {
        const { text, binary } = scriptNode(root, node);
        if (binary) report.binaryWithoutData++;
        write(text);
      }
      report.exported++;
    }
    // Drop the written prefix of `order` once it is the larger half.
    const written = nextToWrite - orderBase;
    if (written > 16384 && written * 2 > order.length) {
      order.splice(0, written);
      orderBase = nextToWrite;
    }
  };

  let lastProgress = 0;
  const progress = (force: boolean): void => {
    if (!options.onProgress) return;
    const now = performance.now();
    if (!force && now - lastProgress < PROGRESS_INTERVAL_MS) return;
    lastProgress = now;
    options.onProgress({ visited: order.length + orderBase, exported: report.exported });
  };

  // Reading: a window of get + getACL pairs over `order`, paused while too much waits to be written.
  let nextToRead = 0;
  let reading = 0;
  let walkDone = false;
  const readOne = (index: number, path: string): void => {
    reading++;
    const acl = client.getACL(path).then(
      (r) => r.acl,
      (error: unknown): ZkAcl[] | undefined => {
        if (isZkError(error, 'NOAUTH') || isZkError(error, 'NONODE')) return undefined;
        throw error;
      },
    );
    Promise.all([client.get(path), acl]).then(
      ([{ data, stat }, aclList]) => {
        reading--;
        if (stat.ephemeralOwner !== 0n && !options.includeEphemeral) {
          report.skippedEphemeral++;
          done.set(index, null);
        } else {
          if (aclList === undefined) report.aclUnreadable.push(path);
          const node = exportedNode(root, path, data, stat, aclList ?? []);
          if (node.aclMasked) report.aclMasked.push(path);
          done.set(index, node);
        }
        flush();
        progress(false);
        pump();
      },
      (error: unknown) => {
        reading--;
        if (isZkError(error, 'NONODE')) done.set(index, null);
        else if (isZkError(error, 'NOAUTH')) {
          report.unreadable.push(path);
          done.set(index, null);
        } else return fail(error);
        flush();
        pump();
      },
    );
  };
  const pump = (): void => {
    while (!stop.signal.aborted && reading < READS_IN_FLIGHT && nextToRead < orderBase + order.length && nextToRead - nextToWrite < MAX_BUFFERED && writingIdle) {
      readOne(nextToRead, order[nextToRead - orderBase]);
      nextToRead++;
    }
    if (stop.signal.aborted || (walkDone && reading === 0 && nextToWrite === orderBase + order.length)) settle();
  };

  const walk = await walkTree(client, {
    operation: 'export',
    roots: [root],
    visitDepth: Infinity,
    maxNodes: options.maxNodes ?? DEFAULT_MAX_NODES,
    concurrency: 256,
    sorted: true,
    signal: stop.signal,
    onUnreadable: (path) => report.unreadable.push(path),
    visit: (path) => {
      order.push(path);
      pump();
    },
  });
  walkDone = true;
  pump();
  await finished;
  // A sink that failed has already said so (failure); one still writing is waited for.
  await writing.catch(() => undefined);
  options.signal?.removeEventListener('abort', onAbort);
  throwIfFailed();
  report.cancelled = options.signal?.aborted === true;
  report.truncated = walk.truncated && !report.cancelled;
  if (!report.cancelled) {
    if (options.format === 'json') write(jsonTail(report.exported));
    else write(`\n# ${report.exported} node${report.exported === 1 ? '' : 's'}${report.truncated ? ' (truncated: the export stopped at its node limit)' : ''}.\n`);
    await writing.catch(() => undefined);
    throwIfFailed();
  }
  report.unreadable.sort();
  report.aclMasked.sort();
  report.aclUnreadable.sort();
  progress(true);
  return report;
}
