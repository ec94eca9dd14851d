// Types for scripts/lib/kerberos.js: a throwaway MIT Kerberos realm (KDC on loopback) for tests, the sandbox and the bench.
import type { StartOptions } from './zookeeper';

export type Log = (message: string) => void;

export interface KerberosTools {
  krb5kdc: string;
  kdb5_util: string;
  kadmin_local: string;
  kinit: string;
  klist: string;
  kdestroy: string;
}

/** Finds MIT Kerberos's programs; with `install: true`, as root on Debian, installs them with apt-get. Throws a sentence that says how to get them. */
export function findKerberos(options?: { install?: boolean; log?: Log }): Promise<KerberosTools>;

export interface PrincipalSpec {
  /** Without one the principal gets random keys (services). */
  password?: string;
  /** kadmin's -maxlife ("10 seconds", "1 minute"): the KDC caps every ticket of this principal to it. */
  maxLife?: string;
  /** false: no pre-authentication (default: required, as +preauth in kdc.conf). */
  requiresPreauth?: boolean;
}

export interface KdcOptions {
  /** Default EXAMPLE.TEST. */
  realm?: string;
  /** Folder for krb5.conf, kdc.conf, the database, keytabs and caches. Default: a temp folder removed by dispose(). Realm files in it are made afresh. */
  dir?: string;
  /** Default: a free port on 127.0.0.1 (TCP and UDP). */
  port?: number;
  /** Users (name → spec). Default { alice: { password: 'alicepw' }, bob: { password: 'bobpw' } }. */
  users?: Record<string, PrincipalSpec>;
  /** Service principals with random keys and a keytab each. Default ['zookeeper/localhost']. */
  services?: string[];
  /** krb5.conf `clockskew` (seconds) for the KDC, kinit and Java; MIT's default is 300. */
  clockSkewSeconds?: number;
  /** krb5.conf `ticket_lifetime`: what kinit asks for by default. */
  ticketLifetime?: string;
  /** kdc.conf realm `max_life` (default "10h 0m 0s") and `max_renewable_life` (default "7d 0h 0m 0s"). */
  maxLife?: string;
  maxRenewableLife?: string;
  /** Install the programs with apt-get when missing (root on Debian). */
  install?: boolean;
  log?: Log;
  /** Leave the KDC running when this Node process exits (needs `dir`). */
  persistent?: boolean;
}

export interface Principal {
  /** With the realm: alice@EXAMPLE.TEST, zookeeper/localhost@EXAMPLE.TEST. */
  principal: string;
  password?: string;
  /** Keytab with the principal's current keys (exported with -norandkey: the password still works). */
  keytab: string;
}

export interface Kdc {
  readonly realm: string;
  readonly host: '127.0.0.1';
  readonly port: number;
  /** "127.0.0.1:PORT" as krb5.conf names it. */
  readonly kdcAddress: string;
  readonly dir: string;
  /** The realm's krb5.conf (KRB5_CONFIG for clients, -Djava.security.krb5.conf for Java). */
  readonly krb5Conf: string;
  readonly kdcConf: string;
  /** PATH, KRB5_CONFIG and KRB5_KDC_PROFILE for running MIT programs against this realm. */
  readonly env: Record<string, string | undefined>;
  /** PID of the running krb5kdc (or of the last one). */
  readonly pid: number;
  /** By the name given (alice, zookeeper/localhost). */
  readonly principals: Record<string, Principal>;
  addPrincipal(name: string, spec?: PrincipalSpec): Promise<Principal>;
  deletePrincipal(name: string): Promise<void>;
  /** New password, keytab exported again. */
  changePassword(name: string, password: string): Promise<void>;
  /** kadmin.local -q QUERY; resolves with its output. */
  kadmin(query: string): Promise<string>;
  /**
   * kinit into a FILE ccache (default <dir>/<name>.cc), from the keytab unless a password is given.
   * `lifetime`/`renewable` as kinit's -l/-r ("10s", "1h"). Resolves with the ccache path.
   */
  kinit(name: string, options?: { ccache?: string; password?: string; lifetime?: string; renewable?: string }): Promise<string>;
  /** klist -e of a FILE ccache. */
  klist(ccache: string): Promise<string>;
  /** Starts the KDC again (after stop()); resolves once it listens. */
  start(): Promise<void>;
  /** Stops the KDC by PID (SIGTERM, SIGKILL after 3 s); keeps the realm for start(). */
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** stop() and remove `dir` when it is a temp folder we made. */
  dispose(): Promise<void>;
}

export function startKdc(options?: KdcOptions): Promise<Kdc>;

/**
 * zookeeper.js start options (`kerberos`) for a server with the service principal `service`
 * (default zookeeper/localhost) of `kdc`; `mapping` (default true) sets kerberos.removeHostFromPrincipal
 * and kerberos.removeRealmFromPrincipal (ACL id `alice` rather than `alice@EXAMPLE.TEST`).
 */
export function zooKeeperKerberos(kdc: Kdc, options?: { service?: string; mapping?: boolean; enforce?: boolean }): NonNullable<StartOptions['kerberos']>;
