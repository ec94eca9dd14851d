import type { SaslSession } from '../digestMd5';

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

export type KerberosErrorKind =
  | 'noTicket'
  | 'expired'
  | 'clockSkew'
  | 'unknownServer'
  | 'unknownClient'
  | 'kdcUnreachable'
  | 'preauthFailed'
  | 'unsupportedEtype'
  | 'revoked'
  | 'badConfig'
  | 'protocol';

export interface KerberosErrorDetails {
  skewMs?: number;
  principal?: string;
  kdc?: string;
  etype?: number | string;
  /** The KDC's error code when the error came from a KRB-ERROR. */
  code?: number;
}

/** Every message is a full English sentence: what happened and what to do. Never carries a secret. */
export class KerberosError extends Error {
  override readonly name = 'KerberosError';
  constructor(
    readonly kind: KerberosErrorKind,
    message: string,
    readonly details: KerberosErrorDetails = {},
  ) {
    super(message);
  }
}

/** The provider for one login. Not yet implemented: the first commit only fixes the contract. */
export function createKerberosProvider(login: KerberosLogin = {}): KerberosProvider {
  void login;
  return {
    acquire() {
      return Promise.reject(new KerberosError('protocol', 'Kerberos is not yet implemented in this build.'));
    },
    session() {
      throw new KerberosError('protocol', 'Kerberos is not yet implemented in this build.');
    },
  };
}
