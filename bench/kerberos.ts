// Benchmark: connection set-up with Kerberos (SASL GSSAPI) against DIGEST-MD5, same run.
//
//   node out/bench/kerberos.js [--runs 15]
//
// Starts a throwaway MIT KDC (scripts/lib/kerberos.js) and two ZooKeeper servers of the same build
// and settings on this machine: one Kerberized, one with a DIGEST-MD5 user. One server cannot serve
// both (measured: with a Kerberos key in its JAAS Server section, ZooKeeper's server answers GSSAPI
// only and refuses DIGEST-MD5), so "the same server" means two identical servers side by side.
// Times ZkClient.connect until the session is usable (one getData of "/" included) and its close,
// alternating the kinds round-robin so they share the noise, after one warm-up of each:
//   plain            no SASL (the DIGEST server), the floor
//   DIGEST-MD5       user + password
//   Kerberos keytab  a new client with a keytab: AS exchange, TGS exchange, AP-REQ, the SASL wrap
//   Kerberos ccache  a new client from a kinit ticket cache: TGS exchange, AP-REQ, wrap
//   Kerberos warm    a new connection whose provider already holds the service ticket: AP-REQ, wrap
// Prints each kind's median and range, and each median over DIGEST-MD5's. Never fails on time.
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as KerberosLib from '../scripts/lib/kerberos';
import type * as ZooKeeperLib from '../scripts/lib/zookeeper';
import { ZkClient, type ZkClientOptions } from '../src/zk/client';
import { createKerberosProvider } from '../src/zk/security/kerberos';
import { formatMs, median, parseCounts, printTable, repoRoot, runBench, withCleanUp } from './support';

interface Options {
  runs: number;
}

function parseArgs(argv: string[]): Options {
  return parseCounts(argv, 'node out/bench/kerberos.js [--runs N]', { runs: 15 });
}

/** One connection set-up: connect, one read (the session works, and for SASL the login is done), close. */
async function setUp(options: ZkClientOptions, expectSasl: string | undefined): Promise<number> {
  const started = performance.now();
  const client = await ZkClient.connect({ connectTimeoutMs: 60000, ...options });
  try {
    await client.get('/');
    const elapsed = performance.now() - started;
    if (expectSasl) {
      const who = await client.whoAmI();
      if (!who.some((id) => id.scheme === 'sasl' && id.user === expectSasl)) throw new Error(`not logged in as sasl:${expectSasl}: ${JSON.stringify(who)}`);
    }
    return elapsed;
  } finally {
    await client.close();
  }
}

async function main(options: Options): Promise<void> {
  const root = repoRoot();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const zookeeper = require(path.join(root, 'scripts', 'lib', 'zookeeper.js')) as typeof ZooKeeperLib;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const kerberos = require(path.join(root, 'scripts', 'lib', 'kerberos.js')) as typeof KerberosLib;
  await withCleanUp(async (cleanUp) => {
    const kdc = cleanUp.add(await kerberos.startKdc({ install: true }), (k) => k.dispose());
    const [krbServer, digestServer] = await Promise.all([
      zookeeper.startZooKeeper({ install: true, kerberos: kerberos.zooKeeperKerberos(kdc) }).then((s) => cleanUp.add(s, () => s.stop())),
      zookeeper.startZooKeeper({ install: true, sasl: { users: { bob: 'bob-secret' } } }).then((s) => cleanUp.add(s, () => s.stop())),
    ]);
    const alice = kdc.principals.alice;
    const ccache = await kdc.kinit('alice');
    const warmProvider = createKerberosProvider({ principal: alice.principal, keytab: alice.keytab, krb5Conf: kdc.krb5Conf });
    const kinds: { name: string; run: () => Promise<number> }[] = [
      { name: 'plain', run: () => setUp({ connectString: digestServer.connectString }, undefined) },
      { name: 'DIGEST-MD5', run: () => setUp({ connectString: digestServer.connectString, sasl: { mechanism: 'DIGEST-MD5', user: 'bob', password: 'bob-secret' } }, 'bob') },
      {
        name: 'Kerberos keytab',
        run: () => setUp({ connectString: krbServer.connectString, sasl: { mechanism: 'GSSAPI', principal: alice.principal, keytab: alice.keytab, krb5Conf: kdc.krb5Conf } }, 'alice'),
      },
      { name: 'Kerberos ccache', run: () => setUp({ connectString: krbServer.connectString, sasl: { mechanism: 'GSSAPI', ccache, krb5Conf: kdc.krb5Conf } }, 'alice') },
      { name: 'Kerberos warm', run: () => setUp({ connectString: krbServer.connectString, sasl: { mechanism: 'GSSAPI', provider: warmProvider } }, 'alice') },
    ];
    console.log(`node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}; KDC ${kdc.kdcAddress}, Kerberized ZooKeeper ${krbServer.connectString}, DIGEST-MD5 ZooKeeper ${digestServer.connectString}`);
    for (const kind of kinds) await kind.run(); // warm-up: JIT, the servers' first SASL, the KDC's first requests
    const times = new Map<string, number[]>(kinds.map((k) => [k.name, []]));
    for (let i = 0; i < options.runs; i++) {
      // Round-robin, starting one further each run, so no kind always follows the same one.
      for (let j = 0; j < kinds.length; j++) {
        const kind = kinds[(i + j) % kinds.length];
        times.get(kind.name)!.push(await kind.run());
      }
    }
    const digest = median(times.get('DIGEST-MD5')!);
    const range = (values: number[]): string => `${formatMs(Math.min(...values), 1)}–${formatMs(Math.max(...values), 1)}`;
    console.log(`\nConnection set-up (connect + one getData), ${options.runs} runs each, round-robin:`);
    printTable(
      ['kind', 'median', 'range', '/ DIGEST-MD5'],
      kinds.map((k) => {
        const values = times.get(k.name)!;
        return [k.name, formatMs(median(values), 1), range(values), `${(median(values) / digest).toFixed(2)}x`];
      }),
    );
  });
}

runBench(() => main(parseArgs(process.argv.slice(2))));
