import * as assert from 'node:assert/strict';
import { effectivePermissions, locksOut, sessionPerms } from '../../../../src/zk/acl/effective';
import { sessionIdentities } from '../../../../src/zk/acl/identities';
import type { AclEntry } from '../../../../src/zk/acl/model';
import type { ZkAcl } from '../../../../src/zk/acl';
import { ZkClient } from '../../../../src/zk/client';
import { isZkError } from '../../../../src/zk/errors';
import { tlsTransport } from '../../../../src/zk/security/tls';
import { loadTlsSettings } from '../../../../src/zk/security/tlsFiles';
import { SASL_PASSWORD, SASL_USER, startSecuredZooKeeper, testCertificates, type CertificateSet } from '../../../support/security';
import type { ZooKeeperServer } from '../../../support/zookeeper';

/** What the server lets this client do on the node, found by trying it: read it, and write its ACL again (the same ACL, any version). */
async function serverAllows(client: ZkClient, path: string, acl: ZkAcl[]): Promise<{ read: boolean; admin: boolean }> {
  /** true when done, false when the server said NOAUTH; any other failure fails the test. */
  const allowed = async (attempt: () => Promise<unknown>): Promise<boolean> => {
    try {
      await attempt();
      return true;
    } catch (error) {
      if (isZkError(error, 'NOAUTH')) return false;
      throw error;
    }
  };
  const read = await allowed(() => client.get(path));
  const admin = await allowed(() => client.setACL(path, acl));
  return { read, admin };
}

/**
 * "Who can do what here?" for the identities TLS and SASL give a session: the ACL editor's answer,
 * from the server's own whoAmI, must be what the server then enforces.
 */
describe('effective permissions of x509 and SASL identities, against a real ZooKeeper', function () {
  this.timeout(90000);
  let certs: CertificateSet;
  let server: ZooKeeperServer & { securePort: number; secureConnectString: string };
  const clients: ZkClient[] = [];
  const stamp = Date.now();

  before(async () => {
    certs = testCertificates();
    server = await startSecuredZooKeeper({ clientAuth: 'want' });
  });
  after(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server?.stop();
  });

  async function alice(): Promise<ZkClient> {
    const settings = loadTlsSettings({ ca: certs.ca, cert: certs.clientCert, key: certs.clientKey });
    const client = await ZkClient.connect({ connectString: server.secureConnectString, transport: tlsTransport(settings) });
    clients.push(client);
    return client;
  }

  async function bob(): Promise<ZkClient> {
    const client = await ZkClient.connect({ connectString: server.connectString, sasl: { mechanism: 'DIGEST-MD5', user: SASL_USER, password: SASL_PASSWORD } });
    clients.push(client);
    return client;
  }

  it('x509:<subject DN> from the client certificate: whoAmI names it, the editor grants what the server grants', async () => {
    const client = await alice();
    const session = await sessionIdentities(client);
    assert.equal(session.source, 'server');
    assert.ok(
      session.identities.some((i) => i.scheme === 'x509' && i.id === certs.clientDn),
      `whoAmI: ${JSON.stringify(session.identities)}`,
    );
    const mine: AclEntry[] = [{ scheme: 'x509', id: certs.clientDn, perms: 'cdrwa' }];
    const other: AclEntry[] = [{ scheme: 'x509', id: 'CN=mallory,OU=eng,O=Example', perms: 'cdrwa' }];
    assert.equal(sessionPerms(mine, session), 'cdrwa');
    assert.equal(locksOut(mine, session), false);
    assert.equal(sessionPerms(other, session), '');
    assert.equal(locksOut(other, session), true);
    const x509Row = effectivePermissions(mine, session).find((row) => row.identity.scheme === 'x509');
    assert.deepEqual(x509Row?.grantedBy, mine);

    const path = `/who-x509-${stamp}`;
    const aliceAcl = [{ id: { scheme: 'x509', id: certs.clientDn }, perms: 31 }];
    await client.create(path, Buffer.from('alice'), { acl: aliceAcl });
    assert.deepEqual(await serverAllows(client, path, aliceAcl), { read: true, admin: true }, 'the server grants what the editor said');
    const mallory = `/who-x509-mallory-${stamp}`;
    const malloryAcl = [{ id: { scheme: 'x509', id: 'CN=mallory,OU=eng,O=Example' }, perms: 31 }];
    await client.create(mallory, Buffer.from('not alice'), { acl: malloryAcl });
    assert.deepEqual(await serverAllows(client, mallory, malloryAcl), { read: false, admin: false }, 'and refuses what it said it would refuse');
  });

  it('sasl:<user> from a DIGEST-MD5 login: whoAmI names it, the editor grants what the server grants', async () => {
    const client = await bob();
    const session = await sessionIdentities(client);
    assert.ok(
      session.identities.some((i) => i.scheme === 'sasl' && i.id === SASL_USER),
      `whoAmI: ${JSON.stringify(session.identities)}`,
    );
    const mine: AclEntry[] = [{ scheme: 'sasl', id: SASL_USER, perms: 'ra' }];
    assert.equal(sessionPerms(mine, session), 'ra');
    assert.equal(locksOut(mine, session), false);
    assert.equal(sessionPerms([{ scheme: 'sasl', id: 'alice', perms: 'cdrwa' }], session), '');
    // auth stands for the authenticated identities: sasl:bob is one.
    assert.equal(sessionPerms([{ scheme: 'auth', id: '', perms: 'r' }], session), 'r');

    const path = `/who-sasl-${stamp}`;
    const bobAcl = [{ id: { scheme: 'sasl', id: SASL_USER }, perms: 1 | 16 }];
    await client.create(path, Buffer.from('bob'), { acl: bobAcl });
    assert.deepEqual(await serverAllows(client, path, bobAcl), { read: true, admin: true });
    const other = `/who-sasl-alice-${stamp}`;
    const otherAcl = [{ id: { scheme: 'sasl', id: 'alice' }, perms: 31 }];
    await client.create(other, Buffer.from('alice'), { acl: otherAcl });
    assert.deepEqual(await serverAllows(client, other, otherAcl), { read: false, admin: false });
  });
});
