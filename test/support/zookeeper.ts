// Real ZooKeeper servers for mocha tests. The unit tier can load this file as a root hook plugin
// (`--require out/test/support/zookeeper.js`) so the shared server is stopped after the run.
import * as fs from 'node:fs';
import type * as ZooKeeperLib from '../../scripts/lib/zookeeper';
import { scriptsLib } from './scriptsLib';

export type { Ensemble, EnsembleServer, StartOptions, ZooKeeperServer } from '../../scripts/lib/zookeeper';

/** scripts/lib/zookeeper.js, loaded at run time: a static import would point into out/ once compiled. */
export const zookeeper = scriptsLib<typeof ZooKeeperLib>('zookeeper');

const log = process.env.ZK_TEST_LOG ? (message: string) => console.log(`[zookeeper] ${message}`) : undefined;
let shared: Promise<ZooKeeperLib.ZooKeeperServer> | undefined;

/** One standalone server per test process, started on first use (installed with apt-get in CI as root). */
export function sharedZooKeeper(): Promise<ZooKeeperLib.ZooKeeperServer> {
  shared ??= zookeeper.startZooKeeper({ install: true, log }).catch((err: unknown) => {
    shared = undefined;
    throw err;
  });
  return shared;
}

/** Stops the shared server if one was started. Also runs as a mocha root afterAll hook. */
export async function stopSharedZooKeeper(): Promise<void> {
  const server = shared;
  shared = undefined;
  if (server) await (await server).stop();
}

/**
 * In a worker of mocha's parallel mode (MOCHA_WORKER_ID, see scripts/test.js) root hooks run around
 * every file, and the worker runs file after file: its server is kept for the next file and, when
 * the worker exits, killed (scripts/lib/zookeeper.js kills the servers it started on exit) and its
 * folder removed here.
 */
const inMochaWorker = process.env.MOCHA_WORKER_ID !== undefined;
const removedOnExit = new Set<string>();

export const mochaHooks = {
  async afterAll(): Promise<void> {
    if (inMochaWorker) {
      const server = await shared?.catch(() => undefined);
      if (server && !removedOnExit.has(server.dir)) {
        removedOnExit.add(server.dir);
        process.once('exit', () => fs.rmSync(server.dir, { recursive: true, force: true, maxRetries: 3 }));
      }
      return;
    }
    await stopSharedZooKeeper();
  },
};

/** Runs `fn` against a fresh 3-server ensemble, stopped afterwards whatever happens. */
export async function withEnsemble<T>(fn: (ensemble: ZooKeeperLib.Ensemble) => Promise<T> | T, options: { serverConfig?: (id: number) => Record<string, string> } = {}): Promise<T> {
  const ensemble = await zookeeper.startEnsemble({ install: true, log, ...options });
  try {
    return await fn(ensemble);
  } finally {
    await ensemble.stop();
  }
}

/** Runs `fn` against a fresh standalone server, stopped afterwards whatever happens. */
export async function withZooKeeper<T>(fn: (server: ZooKeeperLib.ZooKeeperServer) => Promise<T> | T, options: ZooKeeperLib.StartOptions = {}): Promise<T> {
  const server = await zookeeper.startZooKeeper({ install: true, log, ...options });
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}
