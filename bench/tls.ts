// Benchmark: the first page of a 10,000-child node over TLS against plain text, same server, same run.
//
//   node out/bench/tls.js [--runs 9] [--children 10000]
//
// Starts its own ZooKeeper with a plain and a TLS client port (certificates made with openssl by
// scripts/lib/certs.js, the server certificate checked against the CA and the host name as in a
// real connection), creates a parent with 10,000 children (~100 bytes of data each), and connects
// two ZkClients to the same server: one plain, one over TLS (src/zk/security/tls.ts). Each run
// times what the explorer does on expand — listChildren + loadStats (the first 500 with their stats,
// pipelined) — alternating plain/TLS and TLS/plain so both share the noise, after one warm-up of
// each. Prints the median and range of each side and TLS/plain of the medians against the goal
// (≤ 1.2); also the connect time (TCP + TLS handshake + session) of each. Exits non-zero only when
// a result is wrong, never on time.
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as CertsLib from '../scripts/lib/certs';
import type * as ZooKeeperLib from '../scripts/lib/zookeeper';
import { ZkClient } from '../src/zk/client';
import { forEachLimit } from '../src/zk/concurrency';
import type { MultiOp } from '../src/zk/multi';
import { tlsTransport } from '../src/zk/security/tls';
import { loadTlsSettings } from '../src/zk/security/tlsFiles';
import { listChildren, loadStats } from '../src/tree/pageLoader';
import { alternate, count, formatMs, median, parseFlags, printTable, repoRoot, runBench, withCleanUp } from './support';

const PAGE_SIZE = 500;
const GOAL_RATIO = 1.2;
const PARENT = '/bench-tls';

interface Options {
  runs: number;
  children: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { runs: 9, children: 10000 };
  parseFlags(argv, 'node out/bench/tls.js [--runs N] [--children N]', (flag, value) => {
    if (flag === '--runs') options.runs = Number(value());
    else if (flag === '--children') options.children = Number(value());
    else return false;
    return true;
  });
  if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error('--runs must be a positive integer');
  if (!Number.isInteger(options.children) || options.children < PAGE_SIZE) throw new Error(`--children must be an integer of at least ${PAGE_SIZE}`);
  return options;
}

const childName = (i: number): string => `instance-${String(i).padStart(10, '0')}`;

async function createChildren(client: ZkClient, total: number): Promise<void> {
  await client.create(PARENT);
  const starts: number[] = [];
  for (let start = 0; start < total; start += 1000) starts.push(start);
  await forEachLimit(starts, 4, async (start) => {
    const ops: MultiOp[] = [];
    for (let i = start; i < Math.min(total, start + 1000); i++) {
      ops.push({ type: 'create', path: `${PARENT}/${childName(i)}`, data: Buffer.from(JSON.stringify({ host: `10.0.${i >> 8}.${i & 255}`, port: 8080 }).padEnd(100)) });
    }
    await client.multi(ops);
  });
}

/** What the explorer runs on expand; returns its duration in ms and checks the page. */
async function firstPage(client: ZkClient, total: number): Promise<number> {
  const started = performance.now();
  const listing = await listChildren(client, PARENT);
  const entries = await loadStats(client, PARENT, listing, listing.slice(0, PAGE_SIZE));
  const remaining = listing.matchCount - entries.length;
  const elapsed = performance.now() - started;
  if (entries.length !== PAGE_SIZE || remaining !== total - PAGE_SIZE) throw new Error(`wrong page: ${entries.length} entries, ${remaining} left`);
  return elapsed;
}

async function main(options: Options): Promise<void> {
  const root = repoRoot();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const zookeeper = require(path.join(root, 'scripts', 'lib', 'zookeeper.js')) as typeof ZooKeeperLib;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const certsLib = require(path.join(root, 'scripts', 'lib', 'certs.js')) as typeof CertsLib;
  await withCleanUp(async (cleanUp) => {
    const certs = certsLib.makeCertificates(cleanUp.tempDir('zke-bench-tls-'));
    const server = cleanUp.add(await zookeeper.startZooKeeper({ install: true, tls: { keyStore: certs.serverKeyStore, trustStore: certs.ca } }), (s) => s.stop());
    let started = performance.now();
    const plain = cleanUp.add(await ZkClient.connect({ connectString: server.connectString }), (c) => c.close());
    const plainConnectMs = performance.now() - started;
    started = performance.now();
    const overTls = cleanUp.add(await ZkClient.connect({ connectString: server.secureConnectString!, transport: tlsTransport(loadTlsSettings({ ca: certs.ca })) }), (c) => c.close());
    const tlsConnectMs = performance.now() - started;

    started = performance.now();
    await createChildren(plain, options.children);
    console.log(`${count(options.children)} children created in ${formatMs(performance.now() - started, 0)}; node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}`);

    await firstPage(plain, options.children);
    await firstPage(overTls, options.children);
    const plainMs: number[] = [];
    const tlsMs: number[] = [];
    await alternate(
      options.runs,
      async () => void plainMs.push(await firstPage(plain, options.children)),
      async () => void tlsMs.push(await firstPage(overTls, options.children)),
    );
    const range = (values: number[]): string => `${formatMs(Math.min(...values), 1)}–${formatMs(Math.max(...values), 1)}`;
    console.log(`\nFirst page (${PAGE_SIZE} names with their stats) of a ${count(options.children)}-child node, ${options.runs} runs each, alternating:`);
    printTable(
      ['transport', 'median', 'range', 'connect'],
      [
        ['plain', formatMs(median(plainMs), 1), range(plainMs), formatMs(plainConnectMs, 0)],
        ['TLS', formatMs(median(tlsMs), 1), range(tlsMs), formatMs(tlsConnectMs, 0)],
      ],
    );
    const ratio = median(tlsMs) / median(plainMs);
    console.log(`\nTLS/plain of the medians: ${ratio.toFixed(2)}x (goal ≤ ${GOAL_RATIO}x): ${ratio <= GOAL_RATIO ? 'met' : 'NOT met'}`);
  });
}

runBench(() => main(parseArgs(process.argv.slice(2))));
