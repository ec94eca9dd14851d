import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expandPath, isEncryptedKey, loadTlsSettings } from '../../../../src/zk/security/tlsFiles';
import { ZkError } from '../../../../src/zk/errors';
import { testCertificates } from '../../../support/security';

function failsWith(fn: () => unknown, message: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ZkError, String(error));
    assert.equal(error.message, message);
    return true;
  });
}

describe('TLS settings: PEM files and their problems', () => {
  const certs = testCertificates();

  it('expands ~ and ${workspaceFolder}, and takes relative paths from the workspace folder', () => {
    assert.equal(expandPath('~/certs/ca.pem', { home: '/home/u' }), path.join('/home/u', 'certs/ca.pem'));
    assert.equal(expandPath('${workspaceFolder}/ca.pem', { workspaceFolder: '/w' }), path.join('/w', 'ca.pem'));
    assert.equal(expandPath('ca.pem', { workspaceFolder: '/w' }), path.join('/w', 'ca.pem'));
    failsWith(() => expandPath('${workspaceFolder}/ca.pem', {}), 'The path ${workspaceFolder}/ca.pem uses ${workspaceFolder}, but no workspace folder is open: open the folder, or use an absolute path.');
  });

  it('reads the CA, certificate and key; knows an encrypted key', () => {
    const settings = loadTlsSettings({ ca: certs.ca, cert: certs.clientCert, key: certs.clientKey });
    assert.ok(settings.ca && settings.cert && settings.key);
    assert.equal(isEncryptedKey(settings.key), false);
    assert.equal(isEncryptedKey(fs.readFileSync(certs.clientEncryptedKey)), true);
  });

  it('names a missing file, with the path as written and as expanded', () => {
    const home = os.homedir();
    failsWith(
      () => loadTlsSettings({ ca: '~/no-such-ca.pem' }),
      `The CA certificate file of "tls.ca", ~/no-such-ca.pem (${path.join(home, 'no-such-ca.pem')}), does not exist: correct the path in the connection's settings (~ and \${workspaceFolder} are expanded).`,
    );
  });

  it('names a file that is not PEM, a folder, and a certificate without its key', () => {
    failsWith(() => loadTlsSettings({ ca: certs.dir }), `"tls.ca" names a folder, ${certs.dir}: name the CA certificate's PEM file in it.`);
    const notPem = path.join(certs.dir, 'not.pem');
    fs.writeFileSync(notPem, 'hello');
    failsWith(
      () => loadTlsSettings({ ca: notPem }),
      `The file of "tls.ca", ${notPem}, does not hold a PEM certificate ("-----BEGIN CERTIFICATE-----"): name the CA certificate's PEM file (convert a .p12/.jks with openssl or keytool).`,
    );
    failsWith(() => loadTlsSettings({ cert: certs.clientCert }), '"tls.cert" is set but "tls.key" is not: a client certificate needs its private key (set "tls.key" to its PEM file).');
  });

  it('asks for the passphrase of an encrypted key, and says when it is wrong', () => {
    failsWith(
      () => loadTlsSettings({ cert: certs.clientCert, key: certs.clientEncryptedKey }),
      `The private key ${certs.clientEncryptedKey} is encrypted: enter its passphrase (ZooKeeper: Set Digest Credentials…, or zookeeper.setCredentials with tlsKeyPassphrase).`,
    );
    failsWith(
      () => loadTlsSettings({ cert: certs.clientCert, key: certs.clientEncryptedKey }, { passphrase: 'wrong' }),
      `The passphrase for the private key ${certs.clientEncryptedKey} is wrong: enter it again (ZooKeeper: Set Digest Credentials…).`,
    );
    assert.equal(loadTlsSettings({ cert: certs.clientCert, key: certs.clientEncryptedKey }, { passphrase: certs.clientKeyPassphrase }).passphrase, certs.clientKeyPassphrase);
  });
});
