import type { PropertyInfo, PropertyType } from '../properties';
import { bool, className, int, list, oneOf, path, text } from './types';

const STORE_TYPES = oneOf('JKS', 'PEM', 'PKCS12', 'BCFKS');

/** One `[key, type, default, doc, since]` row, for `ssl.<key>` and `ssl.quorum.<key>`. */
type TlsRow = [string, PropertyType, string | undefined, string, string?];

const TLS_ROWS: TlsRow[] = [
  ['keyStore.location', path, undefined, 'Key store holding this server\'s certificate and private key.'],
  ['keyStore.password', text, undefined, 'Password of the key store.'],
  ['keyStore.passwordPath', path, undefined, 'File containing the key store password; takes precedence over keyStore.password.', '3.8.0'],
  ['keyStore.type', STORE_TYPES, '(from the file name)', 'Format of the key store: JKS, PEM, PKCS12 or BCFKS. Detected from the file name when not set.'],
  ['trustStore.location', path, undefined, 'Trust store holding the certificates of the peers to trust.'],
  ['trustStore.password', text, undefined, 'Password of the trust store.'],
  ['trustStore.passwordPath', path, undefined, 'File containing the trust store password; takes precedence over trustStore.password.', '3.8.0'],
  ['trustStore.type', STORE_TYPES, '(from the file name)', 'Format of the trust store: JKS, PEM, PKCS12 or BCFKS. Detected from the file name when not set.'],
  ['protocol', text, 'TLSv1.2', 'TLS protocol used to create the SSL context.'],
  ['enabledProtocols', list(), '(the value of protocol)', 'Comma-separated TLS protocols accepted in the handshake.'],
  ['ciphersuites', list(), '(a built-in list)', 'Comma-separated cipher suites accepted in the handshake.'],
  ['context.supplier.class', className(), undefined, 'Class that supplies a ready-made SSLContext, for example one backed by a hardware key store.'],
  ['hostnameVerification', bool, 'true', 'Whether the peer\'s certificate must match its host name. Turn it off only for tests.'],
  ['crl', bool, 'false', 'Whether certificate revocation lists are checked.'],
  ['ocsp', bool, 'false', 'Whether certificates are checked with the Online Certificate Status Protocol.'],
  ['clientAuth', oneOf('none', 'want', 'need'), 'need', 'Whether the server asks connecting peers for a certificate: `none`, `want` (optional) or `need` (required).'],
  ['handshakeDetectionTimeoutMillis', int('ms'), '5000', 'With port unification, how long to wait for the first bytes that tell a TLS handshake from plaintext.'],
];

function tls(prefix: 'ssl' | 'ssl.quorum', scope: string): PropertyInfo[] {
  return TLS_ROWS.map(([key, type, def, doc, since]) => ({
    key: `${prefix}.${key}`,
    type,
    default: def,
    doc: `${doc} Applies to ${scope}.`,
    section: 'security',
    readBy: 'system',
    since: since ?? '3.5.5',
  }));
}

export const SECURITY: readonly PropertyInfo[] = [
  {
    key: 'sslQuorum',
    type: bool,
    default: 'false',
    doc: 'Encrypts quorum and leader election traffic with TLS, using the ssl.quorum.* stores. Consider learner.closeSocketAsync and leader.closeSocketAsync alongside.',
    section: 'security',
    readBy: 'config',
    since: '3.5.5',
  },
  {
    key: 'portUnification',
    type: bool,
    default: 'false',
    doc: 'Lets the quorum ports accept TLS and plaintext at once, to move a running ensemble to quorum TLS without downtime.',
    section: 'security',
    readBy: 'config',
    since: '3.5.5',
  },
  ...tls('ssl', 'client connections (secureClientPort)'),
  ...tls('ssl.quorum', 'quorum and leader election connections'),
  {
    key: 'ssl.authProvider',
    type: text,
    default: 'x509',
    doc: 'Authentication scheme used for TLS clients; a custom scheme needs its provider class registered as authProvider.<scheme>.',
    section: 'security',
    readBy: 'system',
  },
  {
    key: 'client.portUnification',
    type: bool,
    default: 'false',
    doc: 'Lets the plaintext client port accept TLS connections too, with the same settings as secureClientPort.',
    section: 'security',
    readBy: 'system',
  },
  {
    key: 'client.certReload',
    type: bool,
    default: 'false',
    doc: 'Reloads the client-facing key and trust stores when their files change, without a restart.',
    section: 'security',
    readBy: 'system',
    since: '3.8.1',
  },
  {
    key: 'authProvider.<n>',
    type: className('org.apache.zookeeper.server.auth.SASLAuthenticationProvider'),
    doc: 'Registers an authentication provider class, for example `authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider` for SASL (Kerberos or DIGEST-MD5).',
    section: 'security',
    readBy: 'system',
  },
  {
    key: 'DigestAuthenticationProvider.enabled',
    type: bool,
    default: 'true',
    doc: 'Whether the `digest` authentication scheme is available. Turning it off when unused keeps misleading entries out of the audit log.',
    section: 'security',
    readBy: 'system',
    since: '3.7.0',
  },
  {
    key: 'DigestAuthenticationProvider.superDigest',
    type: text,
    doc: 'Enables a `super` user that bypasses ACLs: the value is `super:<digest>` as printed by DigestAuthenticationProvider for `super:<password>`. Digest credentials travel in plaintext, so use it over TLS or localhost only.',
    section: 'security',
    readBy: 'system',
    since: '3.2.0',
  },
  {
    key: 'DigestAuthenticationProvider.digestAlg',
    type: text,
    default: 'SHA1',
    doc: 'Hash algorithm of digest ACLs. Use the same value on every server and regenerate superDigest and digest ACLs when changing it.',
    section: 'security',
    readBy: 'system',
    since: '3.7.0',
  },
  {
    key: 'X509AuthenticationProvider.superUser',
    type: text,
    doc: 'X.500 principal of a TLS client that bypasses all ACL checks.',
    section: 'security',
    readBy: 'system',
  },
  {
    key: 'superUser',
    type: text,
    doc: 'Name of a SASL-authenticated user that bypasses all ACL checks.',
    section: 'security',
    readBy: 'system',
  },
  {
    key: 'ensembleAuthName',
    type: list(),
    doc: 'Comma-separated names of this ensemble. Clients that authenticate with the `ensemble` scheme and another name are refused, which catches clients pointed at the wrong ensemble.',
    section: 'security',
    readBy: 'system',
    since: '3.6.0',
  },
  {
    key: 'sessionRequireClientSASLAuth',
    type: bool,
    default: 'false',
    doc: 'Accepts only clients that authenticated with SASL; others get error -124 and the session is closed. Shorthand for enforce.auth.enabled=true with enforce.auth.schemes=sasl.',
    section: 'security',
    readBy: 'system',
    since: '3.6.0',
  },
  {
    key: 'enforce.auth.enabled',
    type: bool,
    default: 'false',
    doc: 'Accepts only clients authenticated with one of enforce.auth.schemes.',
    section: 'security',
    readBy: 'system',
    since: '3.7.0',
  },
  {
    key: 'enforce.auth.schemes',
    type: list(),
    doc: 'Comma-separated authentication schemes a client must use when enforce.auth.enabled is true, for example `sasl`.',
    section: 'security',
    readBy: 'system',
    since: '3.7.0',
  },
  {
    key: 'allowSaslFailedClients',
    type: bool,
    default: 'false',
    doc: 'Lets clients whose SASL authentication failed keep their session (unauthenticated). Overruled by sessionRequireClientSASLAuth.',
    section: 'security',
    readBy: 'system',
  },
  {
    key: 'kerberos.removeHostFromPrincipal',
    type: bool,
    default: 'false',
    doc: 'Drops the host part of Kerberos client principals, so `zk/myhost@EXAMPLE.COM` authenticates as `zk@EXAMPLE.COM`.',
    section: 'security',
    readBy: 'system',
  },
  {
    key: 'kerberos.removeRealmFromPrincipal',
    type: bool,
    default: 'false',
    doc: 'Drops the realm of Kerberos client principals, so `zk/myhost@EXAMPLE.COM` authenticates as `zk/myhost`.',
    section: 'security',
    readBy: 'system',
  },
  {
    key: 'kerberos.canonicalizeHostNames',
    type: bool,
    default: 'false',
    doc: 'Canonicalizes the host names of server.x lines, so CNAMEs can be used with Kerberos authentication between quorum members.',
    section: 'security',
    readBy: 'system',
    since: '3.7.0',
  },
  ...quorumSasl(),
  {
    key: 'fips-mode',
    type: bool,
    default: 'false',
    doc: 'FIPS compatibility: disables the custom trust manager (so no host name verification on quorum TLS) and DIGEST-MD5 SASL. Defaults to true from 3.9.',
    section: 'security',
    readBy: 'system',
    since: '3.8.2',
  },
];

function quorumSasl(): PropertyInfo[] {
  const rows: [string, PropertyType, string, string][] = [
    ['quorum.auth.enableSasl', bool, 'false', 'Enables SASL authentication between quorum members.'],
    ['quorum.auth.learnerRequireSasl', bool, 'false', 'Makes this server authenticate with SASL when it connects to the leader. Needs quorum.auth.enableSasl.'],
    ['quorum.auth.serverRequireSasl', bool, 'false', 'Refuses learners that do not authenticate with SASL. Needs quorum.auth.enableSasl and quorum.auth.learnerRequireSasl.'],
    ['quorum.auth.learner.saslLoginContext', { kind: 'string' }, 'QuorumLearner', 'JAAS login context section used when connecting to the leader.'],
    ['quorum.auth.server.saslLoginContext', { kind: 'string' }, 'QuorumServer', 'JAAS login context section used to authenticate learners.'],
    ['quorum.auth.kerberos.servicePrincipal', { kind: 'string' }, 'zkquorum/localhost', 'Kerberos service principal the quorum members authenticate as.'],
  ];
  return rows.map(([key, type, def, doc]) => ({ key, type, default: def, doc, section: 'security', readBy: 'config', since: '3.4.10' }));
}
