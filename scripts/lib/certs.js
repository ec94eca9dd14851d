'use strict';
// Test and sandbox certificates made with openssl: a CA, server certificates (valid and expired)
// as PEM key stores ZooKeeper reads (ssl.keyStore.type=PEM), a second CA that signed nothing, and
// client certificates (one key plain, one protected by a passphrase). EC P-256 keys: the whole set is
// made in well under a second, so the sandbox can make it on start when its cache is missing.
// Types in certs.d.ts.

const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

/** @typedef {import('./certs').CertificateSet} CertificateSet */

const CLIENT_DN = 'CN=alice,OU=eng,O=Example';
const KEY_PASSPHRASE = 'open sesame';
/** Bumped when the set changes, so a cache made by an older version is made again. */
const VERSION = '2';

/** @param {string[]} args @param {string} cwd */
function openssl(args, cwd) {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const stderr = /** @type {{ stderr?: Buffer }} */ (err).stderr?.toString() ?? '';
    throw new Error(`openssl ${args.join(' ')} failed (install openssl: apt-get install -y openssl): ${stderr || String(err)}`);
  }
}

/** A key and a certificate request for `subject` ("/CN=x/O=y"). @param {string} dir @param {string} name @param {string} subject */
function keyAndRequest(dir, name, subject) {
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
}

/** A self-signed CA. @param {string} dir @param {string} name @param {string} cn */
function makeCa(dir, name, cn) {
  openssl(
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '3650', '-subj', `/CN=${cn}`],
    dir,
  );
}

/**
 * Signs `name`.csr with the CA `ca` into `name`.crt. `days` -1 makes a certificate that expired a
 * day ago (openssl 3.0 has no -not_before; notAfter before now is what "expired" means).
 * @param {string} dir @param {string} name @param {string} ca @param {number} days @param {string} extensions
 */
function sign(dir, name, ca, days, extensions) {
  fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-set_serial', String(Date.now() + Math.floor(Math.random() * 1000)), '-days', String(days), '-extfile', `${name}.ext`, '-out', `${name}.crt`], dir);
  // Only the keys and certificates stay: a file picker pointed at the folder lists what a user would have.
  for (const scratch of [`${name}.csr`, `${name}.ext`]) fs.rmSync(path.join(dir, scratch), { force: true });
}

/** ZooKeeper's PEM key store: the private key (PKCS#8) followed by the certificate. @param {string} dir @param {string} name */
function keyStore(dir, name) {
  const file = path.join(dir, `${name}-keystore.pem`);
  fs.writeFileSync(file, fs.readFileSync(path.join(dir, `${name}.key`), 'utf8') + fs.readFileSync(path.join(dir, `${name}.crt`), 'utf8'));
  return file;
}

/** @param {string} dir @returns {CertificateSet} */
function describe(dir) {
  const at = (/** @type {string} */ f) => path.join(dir, f);
  return {
    dir,
    ca: at('ca.pem'),
    caName: 'ZooKeeper Explorer Test CA',
    otherCa: at('other-ca.pem'),
    otherCaName: 'Some Other CA',
    serverKeyStore: at('server-keystore.pem'),
    expiredKeyStore: at('expired-keystore.pem'),
    clientCert: at('client.crt'),
    clientKey: at('client.key'),
    clientEncryptedKey: at('client-encrypted.key'),
    clientKeyPassphrase: KEY_PASSPHRASE,
    clientDn: CLIENT_DN,
    strangerCert: at('stranger.crt'),
    strangerKey: at('stranger.key'),
  };
}

/**
 * Makes the set in `dir` (created if missing). With `reuse`, a complete set already there from the
 * same version is kept (the sandbox's cache); tests make a fresh one in their own temp folder.
 * @param {string} dir @param {{ reuse?: boolean }} [options] @returns {CertificateSet}
 */
function makeCertificates(dir, options = {}) {
  const set = describe(path.resolve(dir));
  const marker = path.join(set.dir, 'VERSION');
  if (options.reuse && fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === VERSION) return set;
  fs.mkdirSync(set.dir, { recursive: true });
  const d = set.dir;
  const serverNames = 'subjectAltName=DNS:localhost,IP:127.0.0.1\n';
  makeCa(d, 'ca', set.caName);
  makeCa(d, 'other-ca', set.otherCaName);
  keyAndRequest(d, 'server', '/CN=localhost');
  sign(d, 'server', 'ca', 3650, serverNames);
  keyStore(d, 'server');
  keyAndRequest(d, 'expired', '/CN=localhost');
  sign(d, 'expired', 'ca', -1, serverNames);
  keyStore(d, 'expired');
  // The subject in openssl's order (most significant first); ZooKeeper reports it in RFC 2253 order.
  keyAndRequest(d, 'client', '/O=Example/OU=eng/CN=alice');
  sign(d, 'client', 'ca', 3650, 'extendedKeyUsage=clientAuth\n');
  // A client certificate from a CA the servers do not trust.
  keyAndRequest(d, 'stranger', '/CN=mallory');
  sign(d, 'stranger', 'other-ca', 3650, 'extendedKeyUsage=clientAuth\n');
  openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', 'client.key', '-out', 'client-encrypted.key', '-passout', `pass:${KEY_PASSPHRASE}`], d);
  fs.writeFileSync(marker, VERSION);
  return set;
}

module.exports = { makeCertificates };
