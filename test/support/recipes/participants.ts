// Real kazoo and Curator recipe participants for the recipe recognition tests: one process (and so
// one ZooKeeper session) per participant, so that killing it ends exactly that participant's session.
import { spawn, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as DemoLib from '../../../scripts/lib/demo';
import { repoRoot, scriptsLib } from '../scriptsLib';

const ROOT = repoRoot();
const SOURCES = path.join(ROOT, 'test', 'support', 'recipes');
const demo = scriptsLib<typeof DemoLib>('demo');

export type RecipeLibraryName = 'kazoo' | 'curator';
export type ParticipantEvent = 'ready' | 'acquired' | 'leader';

export interface ParticipantOptions {
  library: RecipeLibraryName;
  /** kazoo: lock, election, readlock, writelock, semaphore, party, shallowparty, queue, counter, service; curator: mutex, selector, latch, read, write, semaphore, and ZooKeeper's shipped zk-writelock, zk-election, zk-queue. */
  recipe: string;
  path: string;
  id?: string;
  connectString: string;
  /** More command-line arguments, e.g. ['--max-leases', '3'] or ['--item', 'a']. */
  args?: string[];
  /** Startup limit for the ready line (default 60 s: a cold JVM with Curator is slow). */
  timeoutMs?: number;
}

export interface RecipeProcess {
  readonly id: string | undefined;
  readonly pid: number;
  /** The session id ("0x…") and the participant's node, from its ready line. */
  readonly session: string;
  readonly node: string;
  /** Resolves when the process printed `event` (at any time since it started). */
  waitFor(event: ParticipantEvent, timeoutMs?: number): Promise<void>;
  has(event: ParticipantEvent): boolean;
  /** Closes its stdin: it releases its recipe, closes its session and exits. Resolves once it exited. */
  stop(): Promise<void>;
  /** SIGKILL: nothing is released; its session lives on until the server expires it. Resolves once it exited. */
  kill(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

let curatorBuild: Promise<{ java: string; classpath: string[] }> | undefined;

/** Compiles CuratorParticipant.java once per source version into the system temp folder. */
function buildCurator(): Promise<{ java: string; classpath: string[] }> {
  curatorBuild ??= (async () => {
    const found = await demo.findCurator(() => undefined);
    const { java, javac } = found;
    // ZooKeeper's own shipped recipes (Debian's zookeeper package), next to zookeeper.jar.
    const jarDir = path.dirname(found.classpath.find((jar) => path.basename(jar) === 'zookeeper.jar') ?? '/usr/share/java/zookeeper.jar');
    const recipeJars = ['lock', 'election', 'queue'].map((name) => path.join(jarDir, `zookeeper-recipes-${name}.jar`)).filter((jar) => fs.existsSync(jar));
    const classpath = [...found.classpath, ...recipeJars];
    const source = path.join(SOURCES, 'CuratorParticipant.java');
    const hash = crypto.createHash('sha256').update(fs.readFileSync(source)).digest('hex').slice(0, 16);
    const classes = path.join(os.tmpdir(), `zk-explorer-curator-participant-${hash}`);
    if (!fs.existsSync(path.join(classes, 'CuratorParticipant.class'))) {
      const tmp = fs.mkdtempSync(`${classes}.tmp-`);
      try {
        const code = await new Promise<{ code: number | null; output: string }>((resolve) => {
          const proc = spawn(javac, ['-nowarn', '-encoding', 'UTF-8', '-cp', classpath.join(path.delimiter), '-d', tmp, source], { stdio: ['ignore', 'pipe', 'pipe'] });
          let output = '';
          proc.stdout.on('data', (c: Buffer) => (output += c.toString()));
          proc.stderr.on('data', (c: Buffer) => (output += c.toString()));
          proc.on('close', (c) => resolve({ code: c, output }));
        });
        if (code.code !== 0) throw new Error(`javac CuratorParticipant.java failed:\n${code.output}`);
        try {
          fs.renameSync(tmp, classes);
        } catch (error) {
          if (!fs.existsSync(path.join(classes, 'CuratorParticipant.class'))) throw error;
        }
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    }
    return { java, classpath: [classes, ...classpath] };
  })();
  curatorBuild.catch(() => (curatorBuild = undefined));
  return curatorBuild;
}

/** Starts one participant and resolves once it printed its ready line (its node exists on the server). */
export async function startParticipant(options: ParticipantOptions): Promise<RecipeProcess> {
  const common = ['--connect', options.connectString, '--recipe', options.recipe, '--path', options.path, ...(options.id !== undefined ? ['--id', options.id] : []), ...(options.args ?? [])];
  let command: string;
  let args: string[];
  if (options.library === 'kazoo') {
    command = (await demo.findPython(() => undefined)).python;
    args = [path.join(SOURCES, 'kazoo_participant.py'), ...common];
  } else {
    const { java, classpath } = await buildCurator();
    command = java;
    args = ['-Xmx64m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto', '-cp', classpath.join(path.delimiter), 'CuratorParticipant', ...common];
  }
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' } });
  live.add(child);
  child.stdin.on('error', () => undefined);
  const name = `${options.library} ${options.recipe} ${options.id ?? ''}`.trim();
  const seen = new Map<string, Record<string, unknown>>();
  const listeners = new Set<() => void>();
  let stderr = '';
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      live.delete(child);
      for (const l of listeners) l();
      resolve();
    });
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  let buffered = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (!line.startsWith('{')) continue;
      try {
        const message = JSON.parse(line) as Record<string, unknown>;
        if (typeof message.event === 'string') seen.set(message.event, message);
      } catch {
        // not one of our lines
      }
      for (const l of listeners) l();
    }
  });

  const waitFor = (event: ParticipantEvent, timeoutMs = 30000): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (seen.has(event)) done(() => resolve());
        else if (exited) done(() => reject(new Error(`${name} exited before "${event}". Its stderr:\n${stderr || '(empty)'}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`${name}: no "${event}" within ${timeoutMs} ms. Its stderr:\n${stderr || '(empty)'}`))), timeoutMs);
      const done = (finish: () => void): void => {
        clearTimeout(timer);
        listeners.delete(check);
        finish();
      };
      listeners.add(check);
      check();
    });

  const stop = async (): Promise<void> => {
    if (!exited) {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exit;
      clearTimeout(timer);
    }
  };
  try {
    await waitFor('ready', options.timeoutMs ?? 60000);
  } catch (error) {
    child.kill('SIGKILL');
    await exit;
    throw error;
  }
  const ready = seen.get('ready') ?? {};
  return {
    id: options.id,
    pid: child.pid ?? -1,
    session: String(ready.session),
    node: String(ready.node),
    waitFor,
    has: (event) => seen.has(event),
    stop,
    kill: async () => {
      if (!exited) child.kill('SIGKILL');
      await exit;
    },
  };
}

/** Stops every participant still running (for afterEach hooks). */
export async function stopAllParticipants(): Promise<void> {
  await Promise.all(
    [...live].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.stdin?.end();
          setTimeout(() => child.kill('SIGKILL'), 10000).unref();
        }),
    ),
  );
}
