// Secured connections inside VS Code: TLS (with an encrypted client key), SASL DIGEST-MD5, their
// secrets in SecretStorage (never echoed back, never in the logs), and the sentences a user sees.
// Against a real ZooKeeper with a TLS port (clientAuth=want, so one server serves TLS, mutual TLS
// and SASL) started by this suite.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ZooKeeperExplorerApi } from '../../src/extension/extension';
import { COMMANDS } from '../../src/extension/commandIds';
import { startSecuredZooKeeper, testCertificates, SASL_USER, type CertificateSet } from '../support/security';
import { eventually } from '../support/session';
import type { ZooKeeperServer } from '../support/zookeeper';
import { activateExtension, failure, run, suiteConnections, unique, vscodeLogFiles } from './support/connections';

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('secured connections (TLS, mutual TLS, SASL)', function () {
  this.timeout(120000);
  let api: ZooKeeperExplorerApi;
  let server: ZooKeeperServer & { securePort: number; secureConnectString: string };
  let certs: CertificateSet;
  const saslPassword = unique('sasl-pw');
  const connections = suiteConnections(() => api);

  /** Adds a user-level connection; removed in after() if a test did not remove it. */
  const addConnection = connections.add;

  before(async () => {
    api = await activateExtension();
    certs = testCertificates();
    server = await startSecuredZooKeeper({ clientAuth: 'want', sasl: { users: { [SASL_USER]: saslPassword } } });
  });

  after(async () => {
    await connections.removeAll();
    await server?.stop();
  });

  it('a mutual-TLS connection with an encrypted key: passphrase set by setCredentials (never echoed), connected as x509:<subject>, browsable', async () => {
    const name = await addConnection({ name: unique('tls'), connectString: server.secureConnectString, tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientEncryptedKey } });
    assert.deepEqual(api.connections.get(name)!.config.tls, { ca: certs.ca, cert: certs.clientCert, key: certs.clientEncryptedKey });
    const set = await run<Record<string, unknown>>(COMMANDS.setCredentials, { connection: name, tlsKeyPassphrase: certs.clientKeyPassphrase });
    assert.deepEqual(set, { connection: name, tlsKeyPassphrase: 'stored', applied: 'nextConnect' });
    const connected = await run<{ state: string }>(COMMANDS.connect, { connection: name });
    assert.equal(connected.state, 'connected');
    const client = api.connections.get(name)!.activeClient!;
    assert.ok((await client.whoAmI()).some((id) => id.scheme === 'x509' && id.user === certs.clientDn), 'the server granted the certificate subject');
    assert.ok((await client.getChildren('/')).children.includes('zookeeper'));
    await run(COMMANDS.disconnect, { connection: name });
  });

  it('a SASL connection: password set by setCredentials (never echoed), logged in as sasl:bob; a wrong password is one sentence', async () => {
    const name = await addConnection({ name: unique('sasl'), connectString: server.connectString, sasl: { mechanism: 'DIGEST-MD5', user: SASL_USER } });
    const wrong = unique('wrong-pw');
    const setWrong = await run<Record<string, unknown>>(COMMANDS.setCredentials, { connection: name, sasl: { user: SASL_USER, password: wrong } });
    assert.deepEqual(setWrong, { connection: name, sasl: { user: SASL_USER }, applied: 'nextConnect' });
    const message = await failure(COMMANDS.connect, { connection: name });
    assert.equal(
      message,
      `ZooKeeper at ${server.connectString} refused the SASL login of user "${SASL_USER}" (DIGEST-MD5: the server refused the login). ` +
        'The password is wrong, or the server does not know this user: set the password again (ZooKeeper: Set Digest Credentials…).',
    );
    assert.equal(api.connections.get(name)!.status, 'failed');

    await run(COMMANDS.setCredentials, { connection: name, sasl: { user: SASL_USER, password: saslPassword } });
    const connected = await run<{ state: string }>(COMMANDS.connect, { connection: name });
    assert.equal(connected.state, 'connected');
    const client = api.connections.get(name)!.activeClient!;
    assert.ok((await client.whoAmI()).some((id) => id.scheme === 'sasl' && id.user === SASL_USER), 'the server granted sasl:bob');
    await run(COMMANDS.disconnect, { connection: name });

    // The passwords and the passphrase are in no log file. The connect line, logged after every line
    // that could have held them, must be on disk before absence means anything.
    const marker = `${name}: SASL password of ${SASL_USER} set`;
    await eventually(() => vscodeLogFiles().some((file) => fs.readFileSync(file, 'utf8').includes(`(SASL user ${SASL_USER})`)), 20000, 'the connect line on disk');
    const files = vscodeLogFiles();
    assert.ok(files.some((file) => fs.readFileSync(file, 'utf8').includes(marker)), 'the logs mention the SASL user, so they were read');
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      assert.equal(text.includes(saslPassword), false, `the SASL password is in ${file}`);
      assert.equal(text.includes(wrong), false, `the wrong SASL password is in ${file}`);
      assert.equal(text.includes(certs.clientKeyPassphrase), false, `the key passphrase is in ${file}`);
    }
  });

  it("TLS failures reach the user as the same sentences: an untrusted CA, a missing CA file, a plain client on the TLS port", async () => {
    const wrongCa = await addConnection({ name: unique('wrongca'), connectString: server.secureConnectString, tls: { ca: certs.otherCa } });
    assert.match(
      await failure(COMMANDS.connect, { connection: wrongCa }),
      new RegExp(`^ZooKeeper at 127\\.0\\.0\\.1:${server.securePort}: the server's certificate is signed by "${escape(certs.caName)}", which the CA file ${escape(certs.otherCa)} does not trust\\.`),
    );
    const missing = path.join(certs.dir, 'no-such-ca.pem');
    const noFile = await addConnection({ name: unique('nofile'), connectString: server.secureConnectString, tls: { ca: missing } });
    assert.equal(
      await failure(COMMANDS.connect, { connection: noFile }),
      `The CA certificate file of "tls.ca", ${missing}, does not exist: correct the path in the connection's settings (~ and \${workspaceFolder} are expanded).`,
    );
    const plain = await addConnection({ name: unique('plain'), connectString: server.secureConnectString });
    assert.match(await failure(COMMANDS.connect, { connection: plain }), new RegExp(`^ZooKeeper at 127\\.0\\.0\\.1:${server.securePort} speaks TLS on this port, and the connection has no TLS settings`));
  });

  it('addConnection refuses incomplete TLS and SASL settings with a sentence', async () => {
    assert.equal(await failure(COMMANDS.addConnection, { name: unique('bad'), connectString: server.secureConnectString, tls: { cert: certs.clientCert } }), '"tls.cert" needs "tls.key" (the certificate\'s private key).');
    assert.equal(
      await failure(COMMANDS.addConnection, { name: unique('bad'), connectString: server.connectString, sasl: { mechanism: 'PLAIN', user: 'x' } }),
      '"sasl.mechanism" must be "DIGEST-MD5" or "GSSAPI" (PLAIN is not supported).',
    );
    assert.equal(
      await failure(COMMANDS.addConnection, { name: unique('bad'), connectString: server.connectString, sasl: { mechanism: 'GSSAPI', user: 'x' } }),
      '"sasl" (GSSAPI) does not know "user": use principal, keytab, ccache, serviceName, serviceHost, krb5Conf, realm, nativeModule, canonicalizeHost, kdc, provider.',
    );
    assert.equal(
      await failure(COMMANDS.addConnection, { name: unique('bad'), connectString: server.connectString, sasl: { mechanism: 'GSSAPI', keytab: '/tmp/x.keytab' } }),
      '"sasl.keytab" needs "sasl.principal" (the principal whose keys the keytab holds).',
    );
  });
});
