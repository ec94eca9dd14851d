// Certificates and secured ZooKeeper servers (TLS port, client certificates, SASL) for the tests.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as CertsLib from '../../scripts/lib/certs';
import { zookeeper, type StartOptions, type ZooKeeperServer } from './zookeeper';
import { scriptsLib } from './scriptsLib';

export type { CertificateSet } from '../../scripts/lib/certs';

const certsLib = scriptsLib<typeof CertsLib>('certs');

let certificates: CertsLib.CertificateSet | undefined;

/** One fresh set of certificates per test process (in a temp folder removed at exit). */
export function testCertificates(): CertsLib.CertificateSet {
  if (!certificates) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zke-certs-'));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    certificates = certsLib.makeCertificates(dir);
  }
  return certificates;
}

export const SASL_USER = 'bob';
export const SASL_PASSWORD = 'bobsecret';

const log = process.env.ZK_TEST_LOG ? (message: string) => console.log(`[zookeeper] ${message}`) : undefined;

/**
 * A standalone server with a plain port and a TLS port (the test CA's certificate for localhost and
 * 127.0.0.1), `clientAuth` none unless told, and SASL DIGEST-MD5 with user bob. Stop it yourself.
 */
export function startSecuredZooKeeper(options: { clientAuth?: 'none' | 'want' | 'need'; keyStore?: string } & StartOptions = {}): Promise<ZooKeeperServer & { securePort: number; secureConnectString: string }> {
  const certs = testCertificates();
  const { clientAuth, keyStore, ...rest } = options;
  return zookeeper.startZooKeeper({
    install: true,
    log,
    tls: { keyStore: keyStore ?? certs.serverKeyStore, trustStore: certs.ca, clientAuth: clientAuth ?? 'none' },
    sasl: { users: { [SASL_USER]: SASL_PASSWORD } },
    ...rest,
  }) as Promise<ZooKeeperServer & { securePort: number; secureConnectString: string }>;
}
