// Shared helpers of the benchmarks (bench/tree-expand.ts, bench/watch-latency.ts, bench/watch-storm.ts):
// starting and stopping the throwaway ZooKeeper, the node-zookeeper-client baseline connection,
// statistics, number formatting, the result table and the --expose-gc relaunch.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as ZooKeeperLib from '../scripts/lib/zookeeper';
import type { ZkClient } from '../src/zk/client';

/** The repository root: the nearest folder above this file holding package.json (works from bench/ and out/bench/). */
export function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}

/**
 * Walks `--flag value` and `--flag=value` arguments: `apply(flag, value)` handles one (calling `value()`
 * for its value) and returns false for a flag it does not know, which throws with `usage`.
 */
export function parseFlags(argv: string[], usage: string, apply: (flag: string, value: () => string) => boolean): void {
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (!apply(flag, value)) throw new Error(`unknown argument ${argv[i]}; usage: ${usage}`);
  }
}

/**
 * For benches whose flags are all counts: `--name N` for each key of `defaults` (camelCase keys as
 * --kebab-case), parsed into a copy of it; each must be a positive integer.
 */
export function parseCounts<T extends Record<string, number>>(argv: string[], usage: string, defaults: T): T {
  const options: Record<string, number> = { ...defaults };
  const flagOf = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  parseFlags(argv, usage, (flag, value) => {
    const key = Object.keys(options).find((k) => flagOf(k) === flag);
    if (key === undefined) return false;
    options[key] = Number(value());
    return true;
  });
  for (const [key, n] of Object.entries(options)) if (!Number.isInteger(n) || n < 1) throw new Error(`${flagOf(key)} must be a positive integer`);
  return options as T;
}

/**
 * For benches that compare builds: `--runs N` and any number of `--extension PATH` (a folder holding
 * package.json and dist/, e.g. main's and a branch's), default this checkout; measured in turn.
 */
export function parseBuildFlags(argv: string[], usage: string, defaultRuns: number): { runs: number; extensions: string[] } {
  let runs = defaultRuns;
  const extensions: string[] = [];
  parseFlags(argv, usage, (flag, value) => {
    if (flag === '--runs') runs = Number(value());
    else if (flag === '--extension') extensions.push(path.resolve(value()));
    else return false;
    return true;
  });
  if (!(runs >= 1)) throw new Error('--runs must be at least 1');
  if (extensions.length === 0) extensions.push(repoRoot());
  return { runs, extensions };
}

/** Starts a standalone ZooKeeper (installing it when needed) and reads its version; stop it with `server.stop()`. */
export async function startBenchZooKeeper(): Promise<{ server: ZooKeeperLib.ZooKeeperServer; version: string }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const zookeeper = require(path.join(repoRoot(), 'scripts', 'lib', 'zookeeper.js')) as typeof ZooKeeperLib;
  const server = await zookeeper.startZooKeeper({ install: true });
  try {
    const version = /^Zookeeper version: ([^,-]+)/m.exec(await zookeeper.fourLetterWord('srvr', server.port))?.[1] ?? '?';
    return { server, version };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/**
 * What a bench started and must undo however it ends: clients, servers, temporary folders. Steps are
 * undone in the reverse order they were added (a client before its server, a server before the
 * folder it writes in), and each runs even when one before it failed: a bench that dies half-way
 * must not leave a ZooKeeper or a folder behind.
 */
export class BenchCleanUp {
  private readonly steps: (() => unknown)[] = [];

  /** Registers how to undo `thing` and returns it: `const client = cleanUp.add(await connect(), (c) => c.close())`. */
  add<T>(thing: T, undo: (thing: T) => unknown): T {
    this.steps.push(() => undo(thing));
    return thing;
  }

  /** A new temporary folder (under the OS's), removed with everything in it. */
  tempDir(prefix: string): string {
    return this.add(fs.mkdtempSync(path.join(os.tmpdir(), prefix)), (dir) => fs.rmSync(dir, { recursive: true, force: true }));
  }

  /** Undoes every step, last added first; throws the first failure once all have run. */
  async run(): Promise<void> {
    const failures: unknown[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }
}

/**
 * Runs `body` and then undoes what it added to its BenchCleanUp. When `body` fails, its error is the
 * one reported (a clean-up failure after it is printed, not thrown over it).
 */
export async function withCleanUp<T>(body: (cleanUp: BenchCleanUp) => Promise<T>): Promise<T> {
  const cleanUp = new BenchCleanUp();
  let result: T;
  try {
    result = await body(cleanUp);
  } catch (error) {
    await cleanUp.run().catch((also: unknown) => console.error(`the clean-up after that failure failed too: ${also instanceof Error ? also.message : String(also)}`));
    throw error;
  }
  await cleanUp.run();
  return result;
}

/**
 * The set-up of the benches that compare this client with node-zookeeper-client: a throwaway
 * ZooKeeper, a ZkClient and a raw connection to it, each undone by `cleanUp`.
 */
export async function startServerAndClients<T extends RawConnection>(cleanUp: BenchCleanUp): Promise<{ server: ZooKeeperLib.ZooKeeperServer; version: string; client: ZkClient; raw: T }> {
  const { server, version } = await startBenchZooKeeper();
  cleanUp.add(server, (s) => s.stop());
  // Loaded here, not at the top: benches that time module loading (bundle-load) import this file too.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ZkClient: Client } = require('../src/zk/client') as { ZkClient: typeof ZkClient };
  const client = cleanUp.add(await Client.connect({ connectString: server.connectString }), (c) => c.close());
  const raw = cleanUp.add(await connectRaw<T>(server.connectString), (r) => r.close());
  return { server, version, client, raw };
}

/** What connectRaw() needs of a node-zookeeper-client client; each bench extends it with the calls it makes. */
export interface RawConnection {
  once(event: 'connected', listener: () => void): void;
  connect(): void;
  close(): void;
}

/** The baseline: a node-zookeeper-client connection, connected (or rejected after 10 s). */
export async function connectRaw<T extends RawConnection>(connectString: string): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createClient } = require('node-zookeeper-client') as { createClient: (connectString: string, options?: object) => T };
  const client = createClient(connectString, { sessionTimeout: 30000, spinDelay: 100 });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('node-zookeeper-client did not connect within 10 s')), 10000);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve();
    });
    client.connect();
  });
  return client;
}

/** Two full collections (needs --expose-gc, see runBench). */
export function gc(): void {
  const collect = globalThis.gc;
  if (!collect) throw new Error('run node with --expose-gc');
  collect();
  collect();
}

export const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
/** Nearest rank: p = 0.9 of 7 runs is the slowest, of 21 the 19th fastest. */
export const percentile = (values: number[], p: number): number => [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil(values.length * p) - 1)];

export const formatMs = (value: number, digits: number): string => `${value.toFixed(digits)} ms`;
export const formatMb = (bytes: number, digits: number): string => `${(bytes / 1024 / 1024).toFixed(digits)} MB`;
export const count = (value: number): string => value.toLocaleString('en-US');

/** Prints a table, every column right-aligned (the last one left-aligned with `leftAlignLast`). */
export function printTable(header: string[], rows: string[][], { leftAlignLast = false } = {}): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (leftAlignLast && i === cells.length - 1 ? c : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

/**
 * Runs `main`, printing its error and setting a non-zero exit code when it fails. With `exposeGc`
 * (benches that measure memory after gc()), first relaunches the script with --expose-gc when needed.
 */
export function runBench(main: () => Promise<void>, { exposeGc = false } = {}): void {
  if (exposeGc && typeof globalThis.gc !== 'function') {
    const result = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, process.argv[1], ...process.argv.slice(2)], { stdio: 'inherit' });
    if (result.signal) process.kill(process.pid, result.signal);
    process.exitCode = result.status ?? 1;
    return;
  }
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  });
}

/**
 * Runs both sides `runs` times, alternating which goes first (ours/raw, then raw/ours), so neither
 * side always meets the warmer server or the colder cache.
 */
export async function alternate(runs: number, ours: () => Promise<void>, raw: () => Promise<void>): Promise<void> {
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      await ours();
      await raw();
    } else {
      await raw();
      await ours();
    }
  }
}

/** Prints the znodes/s of both sides (median and range) and returns ours/raw of the medians. */
export function printRates(ours: number[], raw: number[]): number {
  const range = (values: number[]): string => `${count(Math.round(Math.min(...values)))}–${count(Math.round(Math.max(...values)))}`;
  printTable(
    ['side', 'znodes/s median', 'range'],
    [
      ['ours', count(Math.round(median(ours))), range(ours)],
      ['raw', count(Math.round(median(raw))), range(raw)],
    ],
  );
  return median(ours) / median(raw);
}
