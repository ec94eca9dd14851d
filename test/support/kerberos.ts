// A real MIT KDC (realm EXAMPLE.TEST on loopback) and Kerberized ZooKeeper servers for the tests.
import type * as KerberosLib from '../../scripts/lib/kerberos';
import { zookeeper, type StartOptions, type ZooKeeperServer } from './zookeeper';
import { scriptsLib } from './scriptsLib';

export type { Kdc, KdcOptions, Principal } from '../../scripts/lib/kerberos';

/** scripts/lib/kerberos.js, loaded at run time (a static import would point into out/ once compiled). */
export const kerberos = scriptsLib<typeof KerberosLib>('kerberos');

const log = process.env.ZK_TEST_LOG ? (message: string) => console.log(`[kerberos] ${message}`) : undefined;

export const REALM = 'EXAMPLE.TEST';
export const ALICE = { name: 'alice', principal: `alice@${REALM}`, password: 'alicepw' };
export const BOB = { name: 'bob', principal: `bob@${REALM}`, password: 'bobpw' };
/** A user whose every ticket the KDC caps to a few seconds (expiry and re-acquisition tests). */
export const SHORT = { name: 'shorty', principal: `shorty@${REALM}`, password: 'shortpw', maxLife: '6 seconds' };

/** The realm every test of a process shares: alice, bob, shorty, zookeeper/localhost (keytabs for all). */
export function defaultUsers(): Record<string, KerberosLib.PrincipalSpec> {
  return {
    [ALICE.name]: { password: ALICE.password },
    [BOB.name]: { password: BOB.password },
    [SHORT.name]: { password: SHORT.password, maxLife: SHORT.maxLife },
  };
}

/** A KDC of its own (stop it with dispose()): for tests that stop it, change it or skew its clock. */
export function startKdc(options: KerberosLib.KdcOptions = {}): Promise<KerberosLib.Kdc> {
  return kerberos.startKdc({ install: true, log, users: defaultUsers(), ...options });
}

let shared: Promise<KerberosLib.Kdc> | undefined;

/** One KDC per test process, started on first use, stopped at the end of the run (root hook). */
export function sharedKdc(): Promise<KerberosLib.Kdc> {
  shared ??= startKdc().catch((err: unknown) => {
    shared = undefined;
    throw err;
  });
  return shared;
}

export async function stopSharedKdc(): Promise<void> {
  const kdc = shared;
  shared = undefined;
  if (kdc) await (await kdc).dispose();
}

/** A Kerberized standalone ZooKeeper (service zookeeper/localhost of `kdc`, ids mapped to `sasl:alice`). Stop it yourself. */
export function startKerberizedZooKeeper(kdc: KerberosLib.Kdc, options: { mapping?: boolean; enforce?: boolean } & StartOptions = {}): Promise<ZooKeeperServer> {
  const { mapping, enforce, ...rest } = options;
  return zookeeper.startZooKeeper({ install: true, log, kerberos: kerberos.zooKeeperKerberos(kdc, { mapping, enforce }), ...rest });
}

let sharedServer: Promise<ZooKeeperServer> | undefined;

/** One Kerberized ZooKeeper on the shared KDC per test process (stopped by the root hook). Do not stop or restart it. */
export function sharedKerberizedZooKeeper(): Promise<{ kdc: KerberosLib.Kdc; server: ZooKeeperServer }> {
  sharedServer ??= sharedKdc()
    .then((kdc) => startKerberizedZooKeeper(kdc))
    .catch((err: unknown) => {
      sharedServer = undefined;
      throw err;
    });
  return Promise.all([sharedKdc(), sharedServer]).then(([kdc, server]) => ({ kdc, server }));
}

export async function stopSharedKerberos(): Promise<void> {
  const server = sharedServer;
  sharedServer = undefined;
  if (server) await (await server).stop();
  await stopSharedKdc();
}

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await stopSharedKerberos();
  },
};
