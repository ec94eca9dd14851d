import * as dns from 'node:dns';
import * as net from 'node:net';
import type { WireSaslSession } from '../wire/connection';
import type { ServerEndpoint } from '../wire/transport';
import { createKerberosProvider, KerberosError, type KerberosLogin, type KerberosService, type ServiceTicket } from './kerberos';
import { createNativeKerberosProvider } from './nativeKerberos';
import { t } from '../l10n';

/** What the wire needs of a provider: the pure one (./kerberos), or the native one whose steps are asynchronous. */
export interface GssapiProvider {
  acquire(service: KerberosService): Promise<ServiceTicket>;
  session(ticket: ServiceTicket): WireSaslSession;
}

/**
 * SASL GSSAPI (Kerberos) for a ZooKeeper connection: which service principal to ask for, and a
 * fresh SASL session for every TCP connection. The Kerberos work itself (tickets, the GSS tokens)
 * is the provider's (./kerberos); this file only ties it to the wire.
 */
export interface GssapiOptions extends KerberosLogin {
  mechanism: 'GSSAPI';
  /** The first part of the service principal. Default `zookeeper` (ZooKeeper's zookeeper.sasl.client.username). */
  serviceName?: string;
  /** The host part of the service principal, whatever server is connected to (ZooKeeper's zookeeper.server.principal, for one). */
  serviceHost?: string;
  /** The realm of the service principal. Default: the provider's (krb5.conf's [domain_realm], else the client's realm). */
  serviceRealm?: string;
  /**
   * Default true, as ZooKeeper's Java client (zookeeper.sasl.client.canonicalize.hostname): the host
   * of the connect string is resolved and its address looked up again (the system resolver, so
   * /etc/hosts counts); the name found is the principal's host, unless it is only the address
   * again. So `127.0.0.1` asks for zookeeper/localhost, as zkCli does: a connection that works with
   * the Java tools works here. False: the host exactly as written (lower-cased).
   */
  canonicalizeHost?: boolean;
  /** A provider made elsewhere (tests): used instead of the pure-TypeScript one. */
  provider?: GssapiProvider;
  /**
   * Use the optional native provider (the `kerberos` npm package, loaded from `modulePath` or by
   * the usual resolution) instead of the built-in one: for KCM/KEYRING caches and Windows logons.
   */
  native?: { modulePath?: string };
}

/** The host part of the service principal for `server`, following `options` (see GssapiOptions.canonicalizeHost). */
export async function serviceHostFor(server: ServerEndpoint, options: Pick<GssapiOptions, 'serviceHost' | 'canonicalizeHost'>): Promise<string> {
  if (options.serviceHost) return options.serviceHost;
  const host = server.host.toLowerCase();
  if (options.canonicalizeHost === false) return host;
  try {
    const { address } = net.isIP(host) ? { address: host } : await dns.promises.lookup(host);
    const { hostname } = await dns.promises.lookupService(address, 0);
    // As Java's getCanonicalHostName: no name for the address gives the address back; keep the host then.
    return hostname && net.isIP(hostname) === 0 ? hostname.toLowerCase() : host;
  } catch {
    return host;
  }
}

/**
 * The SASL side of one ZkClient: one provider for the client's whole life (its tickets are reused
 * across reconnects and sessions), and per TCP connection a ticket acquired anew (the provider
 * answers from its cache while the ticket is valid, and from the KDC once it has expired) and a
 * fresh session, so every connection sends a fresh authenticator.
 */
export class GssapiLogin {
  private readonly provider: GssapiProvider;
  /** The ticket of the last connection attempt: who logged in as whom, for messages. */
  lastTicket: ServiceTicket | undefined;
  /** The service principal last asked for, e.g. zookeeper/localhost (the realm is the provider's). */
  lastService: string | undefined;

  constructor(private readonly options: GssapiOptions) {
    this.provider =
      options.provider ??
      (options.native
        ? createNativeKerberosProvider({ ...options.native, principal: options.principal, ccache: options.ccache, keytab: options.keytab, krb5Conf: options.krb5Conf })
        : createKerberosProvider(loginOf(options)));
  }

  /** For WireOptions.sasl. Rejects with the provider's KerberosError (its message is the sentence for the user). */
  async session(server: ServerEndpoint): Promise<WireSaslSession> {
    const name = this.options.serviceName ?? 'zookeeper';
    const host = await serviceHostFor(server, this.options);
    this.lastService = `${name}/${host}${this.options.serviceRealm ? `@${this.options.serviceRealm}` : ''}`;
    const ticket = await this.provider.acquire({ name, host, ...(this.options.serviceRealm ? { realm: this.options.serviceRealm } : {}) });
    this.lastTicket = ticket;
    return this.provider.session(ticket);
  }

  /** Who the client is, for messages: the ticket's client, else the configured principal, else "your Kerberos principal". */
  get clientName(): string {
    return this.lastTicket?.client ?? this.options.principal ?? t('your Kerberos principal');
  }

  /**
   * Why the login failed, as a sentence (never with a password or key). A KerberosError from this
   * side is its own sentence; a refusal by the server gets one that names both principals.
   */
  describeFailure(connectString: string, serverReason: string | undefined, error: Error | undefined): string {
    if (error instanceof KerberosError) return error.message;
    if (error) return t('The Kerberos login to ZooKeeper at {0} failed: {1}', connectString, error.message);
    const service = this.lastTicket?.service ?? this.lastService ?? t('its service principal');
    return t(
      'ZooKeeper at {0} refused the Kerberos login of {1} with a ticket for {2} (GSSAPI: {3}). Check that the server\'s keytab holds the current keys of that principal and that its JAAS Server section names it, or set "sasl.serviceHost" (or "sasl.canonicalizeHost": false) when the server runs under another principal.',
      connectString,
      this.clientName,
      service,
      serverReason ?? t('no reason given'),
    );
  }
}

/** The provider's part of the options (the rest is about the service principal). */
function loginOf(options: GssapiOptions): KerberosLogin {
  const { mechanism, serviceName, serviceHost, serviceRealm, canonicalizeHost, provider, native, ...login } = options;
  void native;
  void mechanism;
  void serviceName;
  void serviceHost;
  void serviceRealm;
  void canonicalizeHost;
  void provider;
  return login;
}
