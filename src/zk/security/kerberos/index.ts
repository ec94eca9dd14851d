import type { SaslSession } from '../digestMd5';
import { KerberosProviderImpl } from './provider';

/**
 * The contract between the pure-TypeScript Kerberos core (this folder, no vscode, no native module)
 * and its users (the ZooKeeper wire and the extension). The provider gets tickets (from a FILE
 * ccache, a keytab or a password) and runs one SASL GSSAPI session per TCP connection.
 */
export interface KerberosLogin {
  /** e.g. alice@EXAMPLE.TEST (the realm defaults to krb5.conf's default_realm). */
  principal?: string;
  /** FILE credential cache path (default: KRB5CCNAME, else /tmp/krb5cc_<uid>). Read only, never written. */
  ccache?: string;
  /** A keytab: login without kinit. */
  keytab?: string;
  /** Asked for when needed (SecretStorage/prompt on the extension side). */
  password?: () => Promise<string>;
  /** Default KRB5_CONFIG, else the platform default (/etc/krb5.conf). */
  krb5Conf?: string;
  /** Overrides of krb5.conf. */
  kdc?: string[];
  realm?: string;
  /** A clock for tests (skew); milliseconds like Date.now. */
  now?: () => number;
  /**
   * A ticket within this margin of its end is replaced (renewed, or acquired again) before use.
   * Default: 5 minutes, but at most half the ticket's lifetime (a 10-second ticket is used for 5).
   */
  renewMarginMs?: number;
  /** Per-KDC hang guards (defaults 5 s to connect, 15 s for the answer). */
  kdcTimeouts?: { connectMs?: number; replyMs?: number };
  /** What the provider does (ticket acquired, renewed, KDC used); never a secret. */
  log?: (message: string) => void;
}

/** A service ticket; `client`/`service` are principal names, times are epoch milliseconds. */
export interface ServiceTicket {
  client: string;
  service: string;
  expiresAt: number;
  renewTill?: number;
}

export interface KerberosService {
  /** The service name, `zookeeper` for ZooKeeper. */
  name: string;
  /** The server's host name as in its principal (zookeeper/host@REALM). */
  host: string;
  /** Default: krb5.conf's [domain_realm] for the host, else the client's realm. */
  realm?: string;
}

export interface KerberosProvider {
  /** Gets (from the cache, or from the KDC via the TGT/keytab/password) a ticket for `service` (zookeeper/host@REALM). */
  acquire(service: KerberosService): Promise<ServiceTicket>;
  /** One SASL GSSAPI session for ONE TCP connection (fresh authenticator), synchronous once the ticket is there. */
  session(ticket: ServiceTicket, options?: { mutual?: boolean; authzid?: string }): SaslSession;
}

export { KerberosError, type KerberosErrorDetails, type KerberosErrorKind } from './errors';

/** The pure-TypeScript provider for one login (no native module). */
export function createKerberosProvider(login: KerberosLogin = {}): KerberosProvider {
  return new KerberosProviderImpl(login);
}

export { SUPPORTED_ETYPES, etypeName } from './crypto';
