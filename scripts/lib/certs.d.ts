// Types for scripts/lib/certs.js: test and sandbox certificates made with openssl.

export interface CertificateSet {
  dir: string;
  /** PEM of the CA that signed the server and client certificates. */
  ca: string;
  caName: string;
  /** PEM of a CA that signed nothing the servers use (the "wrong CA"). */
  otherCa: string;
  otherCaName: string;
  /** ZooKeeper PEM key stores (key + certificate) for localhost and 127.0.0.1. */
  serverKeyStore: string;
  /** Signed by the CA, expired a day ago. */
  expiredKeyStore: string;
  clientCert: string;
  clientKey: string;
  /** The client key, encrypted with `clientKeyPassphrase`. */
  clientEncryptedKey: string;
  clientKeyPassphrase: string;
  /** The client certificate's subject in RFC 2253 order, as ZooKeeper grants it: x509:<clientDn>. */
  clientDn: string;
  /** A client certificate and key signed by the other CA (which no server trusts). */
  strangerCert: string;
  strangerKey: string;
}

/** Makes (or with `reuse`, keeps a complete earlier) set in `dir`. Needs openssl. */
export function makeCertificates(dir: string, options?: { reuse?: boolean }): CertificateSet;
