import { createRequire } from 'node:module';
import type { WireSaslSession } from '../wire/connection';
import { KerberosError, type KerberosService, type ServiceTicket } from './kerberos';

/**
 * An optional Kerberos provider over the native `kerberos` npm package (MIT/Heimdal GSS-API, or
 * SSPI on Windows), for what pure code cannot reach: KCM and KEYRING credential caches, Windows
 * logon sessions. Loaded only when a connection asks for it (`sasl.provider: "native"`), from a
 * path the user gives or the usual module resolution; never bundled, never a dependency of the
 * .vsix. The library reads its settings from the environment (KRB5_CONFIG, KRB5CCNAME,
 * KRB5_CLIENT_KTNAME), so the options given here are set there, for the whole extension host.
 */
export interface NativeKerberosOptions {
  /** The folder of the `kerberos` package (its package.json), or a path require() resolves. Default: `kerberos`. */
  modulePath?: string;
  principal?: string;
  ccache?: string;
  keytab?: string;
  krb5Conf?: string;
}

interface NativeClient {
  step(challenge: string): Promise<string | null>;
  unwrap(challenge: string): Promise<string>;
  wrap(challenge: string, options?: { user?: string }): Promise<string>;
  contextComplete: boolean;
  username?: string;
}

interface NativeKerberosModule {
  initializeClient(service: string, options: { mechOID?: unknown; principal?: string }): Promise<NativeClient>;
  GSS_MECH_OID_KRB5: unknown;
}

/** Loads the native module, or throws a KerberosError that says how to get it. */
export function loadNativeKerberos(modulePath?: string): NativeKerberosModule {
  const id = modulePath ?? 'kerberos';
  try {
    const loaded = createRequire(__filename)(id) as Partial<NativeKerberosModule>;
    if (typeof loaded.initializeClient !== 'function') throw new Error(`${id} is not the kerberos package (no initializeClient)`);
    return loaded as NativeKerberosModule;
  } catch (error) {
    throw new KerberosError(
      'badConfig',
      `The native Kerberos provider needs the "kerberos" npm package, which could not be loaded from ${id} (${(error as Error).message.split('\n')[0]}): ` +
        'install it (npm install kerberos) and set "sasl.nativeModule" to its folder, or remove "sasl.provider" to use the built-in Kerberos client.',
    );
  }
}

/** The native library's failure as a KerberosError of the right kind where its message says which. */
function fromNative(error: unknown, service: string): KerberosError {
  const message = (error instanceof Error ? error.message : String(error)).trim();
  if (/not found in Kerberos database/i.test(message)) {
    return new KerberosError('unknownServer', `The Kerberos server does not know the service principal ${service} (native Kerberos: ${message}): check the service name and host of the connection.`, { principal: service });
  }
  if (/expired/i.test(message)) return new KerberosError('expired', `The Kerberos ticket has expired (native Kerberos: ${message}): run kinit again.`);
  if (/clock skew/i.test(message)) return new KerberosError('clockSkew', `The clock of this computer is too far from the Kerberos server's (native Kerberos: ${message}): set the clock right and try again.`);
  if (/no credentials|credentials cache|No Kerberos credentials/i.test(message)) {
    return new KerberosError('noTicket', `There is no Kerberos ticket for the native Kerberos library (${message}): run kinit, or configure a keytab.`);
  }
  if (/Cannot contact any KDC|Cannot find KDC/i.test(message)) return new KerberosError('kdcUnreachable', `No Kerberos server (KDC) could be reached (native Kerberos: ${message}): check that the KDC is running and krb5.conf.`);
  return new KerberosError('protocol', `The native Kerberos library failed: ${message}.`);
}

/**
 * A provider with the same shape as the pure one. acquire() only loads the module (the library
 * gets its tickets itself, inside the first step); every session is a new GSS-API context, so every
 * TCP connection sends a fresh authenticator. Its steps are asynchronous (the library's are).
 */
export function createNativeKerberosProvider(options: NativeKerberosOptions = {}): {
  acquire(service: KerberosService): Promise<ServiceTicket>;
  session(ticket: ServiceTicket): WireSaslSession;
} {
  let module: NativeKerberosModule | undefined;
  const environment = (): void => {
    if (options.krb5Conf) process.env.KRB5_CONFIG = options.krb5Conf;
    if (options.ccache) process.env.KRB5CCNAME = options.ccache.includes(':') ? options.ccache : `FILE:${options.ccache}`;
    if (options.keytab) process.env.KRB5_CLIENT_KTNAME = options.keytab;
  };
  return {
    acquire(service) {
      try {
        module ??= loadNativeKerberos(options.modulePath);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      // The library has no ticket to show before its first step: the times are unknown.
      return Promise.resolve({ client: options.principal ?? 'the native Kerberos login', service: `${service.name}/${service.host}${service.realm ? `@${service.realm}` : ''}`, expiresAt: Number.MAX_SAFE_INTEGER });
    },
    session(ticket) {
      const native = module;
      if (!native) throw new KerberosError('protocol', 'The native Kerberos provider made a session before acquire(): this is a bug in ZooKeeper Explorer.');
      const [name, rest] = ticket.service.split('/');
      const host = rest.split('@')[0];
      let client: NativeClient | undefined;
      let done = false;
      const guard = async <T>(run: () => Promise<T>): Promise<T> => {
        try {
          return await run();
        } catch (error) {
          throw error instanceof KerberosError ? error : fromNative(error, ticket.service);
        }
      };
      return {
        get complete() {
          return done;
        },
        initial: () =>
          guard(async () => {
            environment();
            client = await native.initializeClient(`${name}@${host}`, { mechOID: native.GSS_MECH_OID_KRB5, ...(options.principal ? { principal: options.principal } : {}) });
            return Buffer.from((await client.step('')) ?? '', 'base64');
          }),
        step: (challenge) =>
          guard(async () => {
            if (!client) throw new KerberosError('protocol', 'The native Kerberos session got a token before it started.');
            if (done) return undefined;
            if (!client.contextComplete) {
              // The AP-REP of mutual authentication; what the library answers (often nothing) goes back.
              return Buffer.from((await client.step(challenge.toString('base64'))) ?? '', 'base64');
            }
            if (challenge.length === 0) return undefined;
            // RFC 4752: the server's security-layer offer; answer "no layer" with our name.
            const offer = await client.unwrap(challenge.toString('base64'));
            const answer = await client.wrap(offer, { user: options.principal ?? client.username ?? '' });
            done = true;
            return Buffer.from(answer, 'base64');
          }),
      };
    },
  };
}
