import * as assert from 'node:assert/strict';
import { ZkClient } from '../../../../src/zk/client';
import { tlsTransport } from '../../../../src/zk/security/tls';
import { loadTlsSettings, type TlsConfig } from '../../../../src/zk/security/tlsFiles';
import { rejectsWith } from '../../../support/assertions';
import { startSecuredZooKeeper, testCertificates, type CertificateSet } from '../../../support/security';
import { startFaultProxy } from '../../../support/faultProxy';
import { eventually, expireSession } from '../../../support/session';
import { withEnsemble, zookeeper, type ZooKeeperServer } from '../../../support/zookeeper';

type Secured = ZooKeeperServer & { securePort: number; secureConnectString: string };

/** The connect timeout is far longer than the test's: only recognising the failure can end these connects. */
const NEVER = 600000;

function tlsClient(connectString: string, config: TlsConfig, extra: Partial<Parameters<typeof ZkClient.connect>[0]> = {}, passphrase?: string): Promise<ZkClient> {
  const settings = loadTlsSettings(config, passphrase === undefined ? {} : { passphrase });
  return ZkClient.connect({ connectString, transport: tlsTransport(settings), connectTimeoutMs: NEVER, ...extra });
}

describe('TLS against a real ZooKeeper with a TLS port', function () {
  this.timeout(90000);
  let certs: CertificateSet;
  let server: Secured;
  const clients: ZkClient[] = [];
  const keep = (client: ZkClient): ZkClient => (clients.push(client), client);

  before(async () => {
    certs = testCertificates();
    server = await startSecuredZooKeeper();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await server?.stop();
  });

  it('connects over TLS with the CA file, verifying the certificate, and reads and writes', async () => {
    const client = keep(await tlsClient(server.secureConnectString, { ca: certs.ca }));
    assert.equal(client.state, 'connected');
    const path = `/tls-${Date.now()}`;
    await client.create(path, Buffer.from('over tls'));
    assert.equal((await client.get(path)).data.toString(), 'over tls');
    assert.ok((await client.getChildren('/')).children.includes(path.slice(1)));
  });

  it('refuses a server certificate the CA file does not trust, naming who signed it', async () => {
    await rejectsWith(
      tlsClient(server.secureConnectString, { ca: certs.otherCa }),
      'CONNECTFAILED',
      new RegExp(
        `^ZooKeeper at 127\\.0\\.0\\.1:${server.securePort}: the server's certificate is signed by "${certs.caName}", which the CA file ${certs.otherCa.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not trust\\. ` +
          'Set "tls\\.ca" to the PEM file of the CA that signed the server\'s certificate \\(ask the cluster\'s administrator\\)\\.$',
      ),
    );
  });

  it('refuses a certificate for another host name', async () => {
    await rejectsWith(
      tlsClient(server.secureConnectString, { ca: certs.ca, servername: 'zk.example.org' }),
      'CONNECTFAILED',
      new RegExp(
        `^ZooKeeper at 127\\.0\\.0\\.1:${server.securePort}: the server's certificate is for localhost, 127\\.0\\.0\\.1, not zk\\.example\\.org\\. ` +
          'Connect with a host name the certificate names, or correct "tls\\.servername"\\.$',
      ),
    );
  });

  it('says a plain-text client is talking to a TLS port, instead of timing out', async () => {
    await rejectsWith(
      ZkClient.connect({ connectString: server.secureConnectString, connectTimeoutMs: NEVER }),
      'CONNECTFAILED',
      new RegExp(
        `^ZooKeeper at 127\\.0\\.0\\.1:${server.securePort} speaks TLS on this port, and the connection has no TLS settings: add "tls" to the connection ` +
          '\\(at least "tls\\.ca", the CA that signed the server\'s certificate\\), or use the server\'s plain-text port\\.$',
      ),
    );
  });

  it('says a TLS client is talking to a plain-text port, instead of timing out', async () => {
    await rejectsWith(
      tlsClient(server.connectString, { ca: certs.ca }),
      'CONNECTFAILED',
      new RegExp(
        `^ZooKeeper at 127\\.0\\.0\\.1:${server.port} does not speak TLS on this port \\(it answers in plain text\\): use the server's TLS port \\(secureClientPort\\), or remove "tls" from the connection\\.$`,
      ),
    );
  });

  it('reconnects over TLS through a server restart, keeping its session and ephemeral node', async () => {
    const client = keep(await tlsClient(server.secureConnectString, { ca: certs.ca }, { sessionTimeoutMs: 30000 }));
    const session = client.sessionId;
    const path = `/tls-eph-${Date.now()}`;
    await client.create(path, null, { mode: 'ephemeral' });
    const states: string[] = [];
    client.onStateChange(({ state }) => states.push(state));
    await server.restart();
    await eventually(() => states.includes('suspended') && client.state === 'connected', 60000, 'a TLS reconnect after the restart');
    assert.equal(client.sessionId, session, 'the same session');
    assert.ok(await client.exists(path), 'its ephemeral node is still there');
  });

  it('starts a new session over TLS after the session expired', async () => {
    const proxy = await startFaultProxy(server.secureConnectString);
    try {
      const client = keep(await tlsClient(proxy.connectString, { ca: certs.ca }, { sessionTimeoutMs: 4000 }));
      const first = client.sessionId;
      await expireSession(client, proxy, server.connectString);
      assert.notEqual(client.sessionId, first);
      const path = `/tls-renewed-${Date.now()}`;
      await client.create(path);
      assert.ok(await client.exists(path));
    } finally {
      await proxy.close();
    }
  });
});

describe('TLS across an ensemble', function () {
  this.timeout(180000);

  it('fails over to another server over TLS when its server dies, keeping the session', async () => {
    const certs = testCertificates();
    const securePorts = await zookeeper.freePorts(3);
    await withEnsemble(
      async (ensemble) => {
        const connectString = securePorts.map((port) => `127.0.0.1:${port}`).join(',');
        const client = await tlsClient(connectString, { ca: certs.ca }, { sessionTimeoutMs: 30000 });
        try {
          const session = client.sessionId;
          const path = `/tls-failover-${Date.now()}`;
          await client.create(path, null, { mode: 'ephemeral' });
          const port = Number(client.serverAddress!.split(':').pop());
          const index = securePorts.indexOf(port);
          assert.ok(index >= 0, `connected to a TLS port (${client.serverAddress})`);
          const states: string[] = [];
          client.onStateChange(({ state }) => states.push(state));
          await ensemble.servers[index].kill();
          await eventually(() => states.includes('suspended') && client.state === 'connected', 120000, 'a failover over TLS');
          assert.notEqual(Number(client.serverAddress!.split(':').pop()), port, 'another server');
          assert.ok(securePorts.includes(Number(client.serverAddress!.split(':').pop())), 'over TLS');
          assert.equal(client.sessionId, session);
          assert.ok(await client.exists(path));
        } finally {
          await client.close();
        }
      },
      {
        serverConfig: (id) => ({
          serverCnxnFactory: 'org.apache.zookeeper.server.NettyServerCnxnFactory',
          secureClientPortAddress: '127.0.0.1',
          secureClientPort: String(securePorts[id - 1]),
          'ssl.keyStore.location': certs.serverKeyStore,
          'ssl.keyStore.type': 'PEM',
          'ssl.trustStore.location': certs.ca,
          'ssl.trustStore.type': 'PEM',
          'ssl.clientAuth': 'none',
        }),
      },
    );
  });
});

describe('TLS: certificates a server refuses or presents wrongly', function () {
  this.timeout(90000);
  let certs: CertificateSet;

  before(() => {
    certs = testCertificates();
  });

  it('refuses an expired server certificate', async () => {
    const server = await startSecuredZooKeeper({ keyStore: certs.expiredKeyStore });
    try {
      const error = await rejectsWith(
        tlsClient(server.secureConnectString, { ca: certs.ca }),
        'CONNECTFAILED',
        new RegExp(`^ZooKeeper at 127\\.0\\.0\\.1:${server.securePort}: the server's certificate expired on [A-Z][a-z]{2} +\\d+ \\d\\d:\\d\\d:\\d\\d \\d{4} GMT\\. Its administrator must renew it`),
      );
      assert.match(error.message, /\(or, if that date is in the future, correct this machine's clock\)\.$/);
    } finally {
      await server.stop();
    }
  });

  describe('a server that needs a client certificate (ssl.clientAuth=need)', () => {
    let server: Secured;
    before(async () => {
      server = await startSecuredZooKeeper({ clientAuth: 'need' });
    });
    after(async () => {
      await server?.stop();
    });

    it('says the server asks for a client certificate when none is configured', async () => {
      await rejectsWith(
        tlsClient(server.secureConnectString, { ca: certs.ca }),
        'CONNECTFAILED',
        new RegExp(
          `^ZooKeeper at 127\\.0\\.0\\.1:${server.securePort} asks for a client certificate and none is configured: set "tls\\.cert" and "tls\\.key" to your certificate and its private key \\(PEM files\\)\\.$`,
        ),
      );
    });

    it('says the server refused a client certificate it does not trust', async () => {
      await rejectsWith(
        tlsClient(server.secureConnectString, { ca: certs.ca, cert: certs.strangerCert, key: certs.strangerKey }),
        'CONNECTFAILED',
        new RegExp(
          `^ZooKeeper at 127\\.0\\.0\\.1:${server.securePort} refused the client certificate ${certs.strangerCert.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ` +
            "it is not signed by a CA the server trusts, or it has expired\\. Ask the cluster's administrator which CA signs client certificates\\.$",
        ),
      );
    });

    it('grants x509:<subject DN> to the client certificate: a node with that ACL is readable with it and refused without', async () => {
      const path = `/x509-${Date.now()}`;
      const alice = await tlsClient(server.secureConnectString, { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey });
      // The same certificate with its key encrypted, opened with the passphrase.
      const aliceAgain = await tlsClient(server.secureConnectString, { ca: certs.ca, cert: certs.clientCert, key: certs.clientEncryptedKey }, {}, certs.clientKeyPassphrase);
      const anonymous = await ZkClient.connect({ connectString: server.connectString });
      try {
        await alice.create(path, Buffer.from('for alice'), { acl: [{ id: { scheme: 'x509', id: certs.clientDn }, perms: 31 }] });
        assert.deepEqual((await alice.getACL(path)).acl, [{ id: { scheme: 'x509', id: certs.clientDn }, perms: 31 }]);
        assert.equal((await aliceAgain.get(path)).data.toString(), 'for alice');
        await rejectsWith(anonymous.get(path), 'NOAUTH');
      } finally {
        await Promise.all([alice.close(), aliceAgain.close(), anonymous.close()]);
      }
    });
  });
});
