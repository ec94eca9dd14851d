import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SaslSession } from '../digestMd5';
import { parseCcache, type CcacheCredential } from './ccache';
import { etypeName, findEnctype, SUPPORTED_ETYPES } from './crypto';
import { etypeNames, KerberosError, sentences } from './errors';
import { asExchange, tgsExchange, type Credential, type ExchangeContext, type KeySource } from './exchanges';
import { gssapiSaslSession } from './gssapi';
import type { KerberosLogin, KerberosProvider, KerberosService, ServiceTicket } from './index';
import { DEFAULT_TIMEOUTS, formatAddress } from './kdc';
import { configFromProfile, locateKrb5Conf, parseKdcAddress, readKrb5Conf, type KdcAddress, type Krb5Config } from './krb5conf';
import { parseKeytab, type KeytabEntry } from './keytab';
import { NT, parsePrincipal, principalToString, TKT_FLAG, type PrincipalName } from './messages';

/** The secret half of a ServiceTicket, kept out of the object callers can log. */
const secrets = new WeakMap<ServiceTicket, Credential>();

const MAX_MARGIN_MS = 5 * 60 * 1000;

/** The default FILE ccache: KRB5CCNAME, else /tmp/krb5cc_<uid>. Only the FILE type is readable here. */
export function defaultCcacheName(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KRB5CCNAME) return env.KRB5CCNAME;
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  return uid !== undefined ? `FILE:/tmp/krb5cc_${uid}` : `FILE:${path.join(os.tmpdir(), 'krb5cc')}`;
}

/**
 * "FILE:/path" or "/path" → the path; "DIR:/dir" → the primary cache of that collection (the file
 * named in /dir/primary), "DIR::/dir/tktX" → that file; other types (KCM:, KEYRING:, API:, MEMORY:) → a sentence.
 */
export function ccachePath(name: string): string {
  const match = /^([A-Za-z]+):(.*)$/.exec(name);
  if (!match || match[1].length === 1 /* C:\\ on Windows */) return name;
  if (match[1].toUpperCase() === 'FILE') return match[2];
  if (match[1].toUpperCase() === 'DIR') {
    if (match[2].startsWith(':')) return match[2].slice(1);
    let primary = 'tkt';
    try {
      primary = fs.readFileSync(path.join(match[2], 'primary'), 'utf8').trim() || primary;
    } catch {
      // no primary file yet: MIT's default name
    }
    return path.join(match[2], primary);
  }
  throw new KerberosError(
    'badConfig',
    `The credential cache ${name} is of type ${match[1].toUpperCase()}, which this client cannot read (it reads FILE caches): run kinit -c FILE:/tmp/krb5cc_$(id -u) and set KRB5CCNAME to it, or configure a keytab.`,
  );
}

export class KerberosProviderImpl implements KerberosProvider {
  private readonly now: () => number;
  private readonly log: (message: string) => void;
  private config: Krb5Config | undefined;
  private tgt: Credential | undefined;
  private readonly services = new Map<string, Credential>();
  private readonly pending = new Map<string, Promise<ServiceTicket>>();
  private readonly preferredKdc = new Map<string, string>();

  constructor(private readonly login: KerberosLogin) {
    this.now = login.now ?? Date.now;
    this.log = login.log ?? (() => undefined);
  }

  acquire(service: KerberosService): Promise<ServiceTicket> {
    const key = `${service.name}/${service.host}@${service.realm ?? ''}`;
    let pending = this.pending.get(key);
    if (!pending) {
      // Connections opening together share one KDC round trip.
      pending = this.acquireNow(service).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return pending;
  }

  session(ticket: ServiceTicket, options: { mutual?: boolean; authzid?: string } = {}): SaslSession {
    const credential = secrets.get(ticket);
    if (!credential) throw new KerberosError('protocol', 'This ticket was not acquired by this Kerberos provider: call acquire() first.');
    return gssapiSaslSession(
      { client: credential.client, clientRealm: credential.clientRealm, service: ticket.service, key: credential.key, ticket: credential.ticket },
      { mutual: options.mutual, authzid: options.authzid, now: this.now },
    );
  }

  // ---- internals ---------------------------------------------------------------------------

  private krb5(): Krb5Config {
    if (this.config) return this.config;
    const file = locateKrb5Conf(this.login.krb5Conf);
    if (!file) {
      this.config = configFromProfile({});
    } else {
      try {
        this.config = readKrb5Conf(file);
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message;
        throw new KerberosError('badConfig', `The Kerberos configuration ${file} cannot be read (${reason}): fix it, or point KRB5_CONFIG (or the connection's krb5.conf setting) to a valid one.`);
      }
    }
    return this.config;
  }

  /** An explicit margin is used as given; the default one is at most half the ticket's lifetime. */
  private margin(credential: Credential): number {
    if (this.login.renewMarginMs !== undefined) return this.login.renewMarginMs;
    return Math.min(MAX_MARGIN_MS, Math.max(0, (credential.endtime - credential.starttime) / 2));
  }

  private qualified(principal: string): string {
    const { name, realm } = parsePrincipal(principal, this.clientRealmOrEmpty());
    return principalToString(name, realm);
  }

  private fresh(credential: Credential | undefined): boolean {
    return credential !== undefined && this.now() < credential.endtime - this.margin(credential);
  }

  private context(realm: string): ExchangeContext {
    const config = this.krb5();
    let kdcs: KdcAddress[];
    if (this.login.kdc?.length) {
      kdcs = this.login.kdc.map((text) => {
        const address = parseKdcAddress(text);
        if (!address) throw new KerberosError('badConfig', `The KDC address ${JSON.stringify(text)} is not host or host:port: correct the connection's KDC setting.`);
        return address;
      });
    } else {
      kdcs = config.kdcs(realm);
      if (kdcs.length === 0) throw sentences.noKdc(realm, config.file);
    }
    // The KDC that answered last goes first: a dead one listed before it costs its timeout once, not per request.
    const preferred = this.preferredKdc.get(realm);
    kdcs.sort((a, b) => Number(formatAddress(b) === preferred) - Number(formatAddress(a) === preferred));
    return {
      kdcs,
      realm,
      answeredBy: (kdc) => this.preferredKdc.set(realm, kdc),
      timeouts: { ...DEFAULT_TIMEOUTS, ...this.login.kdcTimeouts },
      now: this.now,
      allowedSkewMs: config.clockSkewMs,
    };
  }

  private clientRealm(explicit: string | undefined): string {
    const realm = explicit || this.login.realm || this.krb5().defaultRealm;
    if (!realm) {
      throw new KerberosError('badConfig', 'No Kerberos realm is known: give the principal with its realm (alice@EXAMPLE.COM), or set default_realm in krb5.conf.');
    }
    return realm;
  }

  private async acquireNow(service: KerberosService): Promise<ServiceTicket> {
    const tgt = await this.ticketGrantingTicket();
    const realm = service.realm || this.krb5().realmOfHost(service.host) || tgt.clientRealm;
    const name: PrincipalName = { type: NT.SRV_HST, components: [service.name, service.host] };
    const serviceText = principalToString(name, realm);
    const cached = this.services.get(serviceText);
    if (cached && this.fresh(cached) && cached.clientRealm === tgt.clientRealm && principalToString(cached.client) === principalToString(tgt.client)) return this.publish(cached, serviceText);
    // A service in another realm (direct trust): first a cross-realm TGT krbtgt/REALM@OURS from our
    // KDC, then the ticket from REALM's KDC with it (RFC 4120 1.2). Transit paths (capaths) are not followed.
    const tgtRealm = tgt.server.components[1] ?? tgt.serverRealm;
    const issuer = realm === tgtRealm ? tgt : await this.crossRealmTgt(tgt, realm);
    const credential = await tgsExchange(this.context(realm), issuer, { name, realm });
    this.services.set(serviceText, credential);
    this.log(`Kerberos: a ticket for ${serviceText} (${etypeName(credential.key.etype)}), valid until ${new Date(credential.endtime).toISOString()}`);
    return this.publish(credential, serviceText);
  }

  private async crossRealmTgt(tgt: Credential, realm: string): Promise<Credential> {
    const name: PrincipalName = { type: NT.SRV_INST, components: ['krbtgt', realm] };
    const text = principalToString(name, tgt.serverRealm);
    const cached = this.services.get(text);
    if (cached && this.fresh(cached)) return cached;
    const credential = await tgsExchange(this.context(tgt.serverRealm), tgt, { name, realm: tgt.serverRealm });
    this.services.set(text, credential);
    this.log(`Kerberos: a cross-realm ticket-granting ticket ${text}, valid until ${new Date(credential.endtime).toISOString()}`);
    return credential;
  }

  private publish(credential: Credential, serviceText: string): ServiceTicket {
    const ticket: ServiceTicket = {
      client: principalToString(credential.client, credential.clientRealm),
      service: serviceText,
      expiresAt: credential.endtime,
      ...(credential.renewTill ? { renewTill: credential.renewTill } : {}),
    };
    secrets.set(ticket, credential);
    return ticket;
  }

  /** A TGT that is not within its margin of expiry: kept, renewed, or obtained again. */
  private async ticketGrantingTicket(): Promise<Credential> {
    if (this.tgt && this.fresh(this.tgt)) return this.tgt;
    const renewedOld = this.tgt ? await this.tryRenew(this.tgt) : undefined;
    if (renewedOld) return renewedOld;
    if (this.login.keytab) return this.setTgt(await this.keytabLogin(this.login.keytab), 'keytab');
    const fromCache = this.tgtFromCcache();
    if (fromCache.credential) {
      if (this.fresh(fromCache.credential)) return this.setTgt(fromCache.credential, `credential cache ${fromCache.name}`);
      const renewed = await this.tryRenew(fromCache.credential);
      if (renewed) return renewed;
      if (this.login.password) return this.setTgt(await this.passwordLogin(), 'password');
      // Near its end but still valid, and nothing to replace it with: use it while it lasts.
      if (this.now() < fromCache.credential.endtime) return this.setTgt(fromCache.credential, `credential cache ${fromCache.name}`);
      const principal = principalToString(fromCache.credential.client, fromCache.credential.clientRealm);
      throw sentences.expired(principal, fromCache.credential.endtime, `run kinit ${principal} again, or configure a keytab (or a password) for this connection.`);
    }
    if (this.login.password) return this.setTgt(await this.passwordLogin(), 'password');
    if (fromCache.error) throw fromCache.error;
    throw sentences.noTicket(this.login.principal ? this.qualified(this.login.principal) : undefined, fromCache.name);
  }

  private setTgt(credential: Credential, source: string): Credential {
    this.tgt = credential;
    this.log(`Kerberos: a ticket-granting ticket for ${principalToString(credential.client, credential.clientRealm)} from the ${source}, valid until ${new Date(credential.endtime).toISOString()}`);
    return credential;
  }

  /** Renews a renewable TGT through the TGS (RENEW option) while it is still valid; undefined when it cannot be. */
  private async tryRenew(tgt: Credential): Promise<Credential | undefined> {
    const now = this.now();
    if (!(tgt.flags & TKT_FLAG.RENEWABLE) || !tgt.renewTill || now >= tgt.endtime || tgt.renewTill <= tgt.endtime) return undefined;
    try {
      const renewed = await tgsExchange(this.context(tgt.serverRealm), tgt, { name: tgt.server, realm: tgt.serverRealm }, { renew: true });
      this.tgt = renewed;
      this.log(`Kerberos: renewed the ticket-granting ticket of ${principalToString(renewed.client, renewed.clientRealm)} until ${new Date(renewed.endtime).toISOString()}`);
      return renewed;
    } catch (error) {
      if (error instanceof KerberosError && error.kind === 'kdcUnreachable') throw error;
      this.log(`Kerberos: the ticket-granting ticket could not be renewed (${(error as Error).message}); getting a new one`);
      return undefined;
    }
  }

  private tgtFromCcache(): { name: string; credential?: Credential; error?: KerberosError } {
    const name = this.login.ccache ?? defaultCcacheName();
    const file = ccachePath(name);
    let data: Buffer;
    try {
      data = fs.readFileSync(file);
    } catch {
      return { name };
    }
    let cache;
    try {
      cache = parseCcache(data);
    } catch (error) {
      return { name, error: new KerberosError('badConfig', `The credential cache ${name} cannot be read (${(error as Error).message}): run kinit again.`) };
    }
    const wanted = this.login.principal ? parsePrincipal(this.login.principal, this.clientRealmOrEmpty()) : undefined;
    const primary = principalToString(cache.primary.name, cache.primary.realm);
    if (wanted && principalToString(wanted.name, wanted.realm) !== primary) {
      return { name, error: sentences.noTicket(principalToString(wanted.name, wanted.realm), name) };
    }
    const realm = cache.primary.realm;
    const tgts = cache.credentials.filter(
      (c) => principalToString(c.client, c.clientRealm) === primary && c.server.components.length === 2 && c.server.components[0] === 'krbtgt' && c.server.components[1] === realm && c.serverRealm === realm,
    );
    const best = tgts.sort((a, b) => b.endtime - a.endtime)[0];
    if (!best) return { name };
    if (!findEnctype(best.key.etype)) return { name, error: sentences.unsupportedEtype(`the ticket-granting ticket in the credential cache ${name} has a ${etypeName(best.key.etype)} session key`, [best.key.etype]) };
    // Service tickets kinit/kvno left there are worth keeping too (no TGS round trip).
    for (const other of cache.credentials) {
      if (other !== best && other.server.components[0] !== 'krbtgt' && findEnctype(other.key.etype)) {
        const text = principalToString(other.server, other.serverRealm);
        const known = this.services.get(text);
        if (!known || known.endtime < other.endtime) this.services.set(text, fromCcache(other));
      }
    }
    return { name, credential: fromCcache(best) };
  }

  private clientRealmOrEmpty(): string {
    try {
      return this.clientRealm(undefined);
    } catch {
      return '';
    }
  }

  private async keytabLogin(file: string): Promise<Credential> {
    let entries: KeytabEntry[];
    try {
      entries = parseKeytab(fs.readFileSync(file));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message;
      throw new KerberosError('badConfig', `The keytab ${file} cannot be read (${reason}): check its path, or export it again with kadmin's ktadd.`);
    }
    const wanted = this.login.principal ? parsePrincipal(this.login.principal, this.clientRealmOrEmpty()) : undefined;
    const principal = wanted ? principalToString(wanted.name, wanted.realm) : entries[0]?.principal;
    const mine = entries.filter((entry) => entry.principal === principal);
    if (!principal || mine.length === 0) {
      throw new KerberosError('badConfig', `The keytab ${file} has no key for ${principal ?? 'any principal'}: export one with kadmin's ktadd, or correct the principal.`, { principal });
    }
    const { name, realm } = parsePrincipal(principal);
    // The newest key version of each etype.
    const keys = new Map<number, KeytabEntry>();
    for (const entry of mine) {
      const known = keys.get(entry.key.etype);
      if (!known || entry.kvno > known.kvno) keys.set(entry.key.etype, entry);
    }
    const etypes = SUPPORTED_ETYPES.filter((etype) => keys.has(etype));
    if (etypes.length === 0) throw sentences.unsupportedEtype(`the keytab ${file} has only ${etypeNames([...keys.keys()])} keys for ${principal}`, [...keys.keys()]);
    const source: KeySource = { kind: 'keytab', etypes, key: (etype) => keys.get(etype)?.key.value };
    return asExchange(this.context(realm), { type: NT.PRINCIPAL, components: name.components }, source);
  }

  private async passwordLogin(): Promise<Credential> {
    if (!this.login.principal) throw new KerberosError('badConfig', 'A Kerberos password login needs the principal (alice@EXAMPLE.COM): set it on the connection.');
    const { name, realm } = parsePrincipal(this.login.principal, this.clientRealm(undefined));
    const password = await this.login.password!();
    const source: KeySource = {
      kind: 'password',
      etypes: SUPPORTED_ETYPES,
      key: (etype, salt, s2kparams) => findEnctype(etype)?.stringToKey(password, salt, s2kparams),
    };
    return asExchange(this.context(realm), { type: NT.PRINCIPAL, components: name.components }, source);
  }
}

function fromCcache(c: CcacheCredential): Credential {
  return {
    client: c.client,
    clientRealm: c.clientRealm,
    server: c.server,
    serverRealm: c.serverRealm,
    key: c.key,
    ticket: c.ticket,
    authtime: c.authtime,
    starttime: c.starttime,
    endtime: c.endtime,
    renewTill: c.renewTill || undefined,
    flags: c.flags,
  };
}
