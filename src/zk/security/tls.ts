import * as net from 'node:net';
import * as tls from 'node:tls';
import { TransportProblem, type ServerEndpoint, type Transport } from '../wire/transport';
import { t } from '../l10n';

/** TLS settings with the PEM files already read (see tlsFiles.ts); file names are kept for the messages. */
export interface TlsSettings {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** For an encrypted key. */
  passphrase?: string;
  /** The name the server's certificate must carry; default: the host of the connect string. */
  servername?: string;
  /** false accepts any certificate (the user's explicit choice); default true. */
  rejectUnauthorized?: boolean;
  files?: { ca?: string; cert?: string; key?: string };
}

type CertificateName = Partial<Record<string, string | string[]>>;

function nameOf(name: CertificateName | undefined): string {
  if (!name) return 'an unknown issuer';
  const cn = name.CN;
  if (cn) return `"${Array.isArray(cn) ? cn.join(', ') : cn}"`;
  const parts = Object.entries(name).map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`);
  return parts.length ? `"${parts.join(', ')}"` : 'an unnamed issuer';
}

/** The names a certificate is valid for: its subjectAltName entries, else its CN. */
function namesOf(cert: tls.PeerCertificate): string[] {
  const alt = cert.subjectaltname
    ?.split(',')
    .map((entry) => entry.trim().replace(/^(DNS|IP Address):/, ''))
    .filter(Boolean);
  if (alt && alt.length) return alt;
  const cn = (cert.subject as CertificateName | undefined)?.CN;
  return cn ? [Array.isArray(cn) ? cn.join(', ') : cn] : [];
}

function where(server: ServerEndpoint): string {
  return net.isIPv6(server.host) ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}

function caFileText(settings: TlsSettings): string {
  return settings.files?.ca ? t('the CA file {0}', settings.files.ca) : t("this machine's trusted CAs (no tls.ca is set)");
}

/** Why a handshake that completed is not trusted, or undefined when it is. */
export function verifyServer(socket: tls.TLSSocket, server: ServerEndpoint, settings: TlsSettings): TransportProblem | undefined {
  if (settings.rejectUnauthorized === false) return undefined;
  const cert = socket.getPeerCertificate(false);
  const at = t('ZooKeeper at {0}', where(server));
  const error = socket.authorizationError as unknown as (Error & { code?: string }) | string | undefined;
  const code = typeof error === 'string' ? error : (error?.code ?? error?.message ?? 'UNKNOWN');
  // With a servername Node checks the host name itself: that case is described below, like ours.
  if (!socket.authorized && code !== 'ERR_TLS_CERT_ALTNAME_INVALID') {
    switch (code) {
      case 'CERT_HAS_EXPIRED':
        return new TransportProblem(
          t("{0}: the server's certificate expired on {1}. Its administrator must renew it (or, if that date is in the future, correct this machine's clock).", at, cert.valid_to),
          'expired', where(server));
      case 'CERT_NOT_YET_VALID':
        return new TransportProblem(t("{0}: the server's certificate is not valid before {1}. Check this machine's clock, or ask the server's administrator.", at, cert.valid_from), 'notYetValid', where(server));
      case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      case 'SELF_SIGNED_CERT_IN_CHAIN':
        return new TransportProblem(
          t("{0}: the server's certificate is self-signed by {1}, which {2} does not trust. Set \"tls.ca\" to the PEM file of that certificate (or of the CA that signed it).", at, nameOf(cert.issuer), caFileText(settings)),
          'untrusted', where(server));
      case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      case 'UNABLE_TO_GET_ISSUER_CERT':
      case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      case 'CERT_SIGNATURE_FAILURE':
        return new TransportProblem(
          t("{0}: the server's certificate is signed by {1}, which {2} does not trust. Set \"tls.ca\" to the PEM file of the CA that signed the server's certificate (ask the cluster's administrator).", at, nameOf(cert.issuer), caFileText(settings)),
          'untrusted', where(server));
      default:
        return new TransportProblem(t("{0}: the server's certificate was not accepted ({1}). Check \"tls.ca\", or ask the server's administrator.", at, code), 'untrusted', where(server));
    }
  }
  const expected = settings.servername ?? server.host;
  const mismatch = tls.checkServerIdentity(expected, cert);
  if (mismatch) {
    const names = namesOf(cert);
    return new TransportProblem(
      settings.servername
        ? t("{0}: the server's certificate is for {1}, not {2}. Connect with a host name the certificate names, or correct \"tls.servername\".", at, names.length ? names.join(', ') : t('no host name'), expected)
        : t("{0}: the server's certificate is for {1}, not {2}. Connect with a host name the certificate names, or set \"tls.servername\" to the name it carries.", at, names.length ? names.join(', ') : t('no host name'), expected),
      'hostMismatch', where(server));
  }
  return undefined;
}

/** A handshake that failed before it completed (the server's alert, a closed socket), as a sentence when we know what it means. */
export function explainHandshakeError(error: Error & { code?: string }, server: ServerEndpoint, settings: TlsSettings): TransportProblem | undefined {
  const at = t('ZooKeeper at {0}', where(server));
  const code = error.code ?? '';
  // TLS 1.2 servers answer a missing or refused client certificate with bad_certificate (42) or
  // handshake_failure (40); TLS 1.3 servers with certificate_required (116).
  const refusedCertificate = /ALERT_BAD_CERTIFICATE|ALERT_CERTIFICATE_REQUIRED|ALERT_HANDSHAKE_FAILURE|ALERT_UNKNOWN_CA|ALERT_CERTIFICATE_UNKNOWN/.test(code);
  if (refusedCertificate && !settings.cert) {
    return new TransportProblem(
      t('{0} asks for a client certificate and none is configured: set "tls.cert" and "tls.key" to your certificate and its private key (PEM files).', at),
      'clientCertificateRequired', where(server));
  }
  if (refusedCertificate) {
    return new TransportProblem(
      settings.files?.cert
        ? t("{0} refused the client certificate {1}: it is not signed by a CA the server trusts, or it has expired. Ask the cluster's administrator which CA signs client certificates.", at, settings.files.cert)
        : t("{0} refused the client certificate: it is not signed by a CA the server trusts, or it has expired. Ask the cluster's administrator which CA signs client certificates.", at),
      'clientCertificateRefused', where(server));
  }
  return undefined;
}

/**
 * The transport for `tls` connections. Node's own check is turned off (rejectUnauthorized: false)
 * only so that a refused certificate can be described — who signed it, which names it carries —
 * which Node's error alone does not say; verifyServer applies the same checks (chain against the
 * CA, expiry, host name) before a single byte of ZooKeeper's protocol is written, and the socket
 * is destroyed when one fails.
 */
export function tlsTransport(settings: TlsSettings): Transport & { explain(error: Error, server: ServerEndpoint): TransportProblem | undefined } {
  // Made once: a bad PEM file or a wrong key passphrase fails here, with the caller's message.
  const context = tls.createSecureContext({
    ...(settings.ca ? { ca: settings.ca } : {}),
    ...(settings.cert ? { cert: settings.cert } : {}),
    ...(settings.key ? { key: settings.key } : {}),
    ...(settings.passphrase !== undefined ? { passphrase: settings.passphrase } : {}),
  });
  return {
    name: 'tls',
    open(server) {
      const servername = settings.servername ?? (net.isIP(server.host) ? undefined : server.host);
      const socket = tls.connect({
        host: server.host,
        port: server.port,
        secureContext: context,
        rejectUnauthorized: false,
        ...(servername ? { servername } : {}),
      });
      socket.once('secureConnect', () => {
        const problem = verifyServer(socket, server, settings);
        if (problem) socket.destroy(problem);
        else socket.emit('verified');
      });
      return { socket, readyEvent: 'verified' };
    },
    explain: (error, server) => explainHandshakeError(error, server, settings),
  };
}
