import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as util from 'node:util';
import { createKerberosProvider, type KerberosLogin } from '../../../../../src/zk/security/kerberos';
import { parseCcache } from '../../../../../src/zk/security/kerberos/ccache';
import { findEnctype } from '../../../../../src/zk/security/kerberos/crypto';
import { describeDuration } from '../../../../../src/zk/security/kerberos/errors';
import { parseKeytab } from '../../../../../src/zk/security/kerberos/keytab';
import { ALICE, BOB, SHORT, sharedKdc, startKdc, type Kdc } from '../../../../support/kerberos';
import { acceptApReq } from './acceptor';
import { assertNoSecret, rejectsKerberos } from './kdcSupport';

const ZOOKEEPER = { name: 'zookeeper', host: 'localhost' };

describe('Kerberos provider against a real MIT KDC: logins', function () {
  this.timeout(120000);
  let kdc: Kdc;
  const messages: string[] = [];
  const login = (options: KerberosLogin): KerberosLogin => ({ krb5Conf: kdc.krb5Conf, ccache: path.join(kdc.dir, 'none.cc'), log: (m) => messages.push(m), ...options });

  before(async () => {
    kdc = await sharedKdc();
  });

  it("a key from the harness's real keytab equals string-to-key of the password with the KDC's salt (etypes 18 and 17)", () => {
    const entries = parseKeytab(fs.readFileSync(kdc.principals.alice.keytab));
    const etypes = entries.map((entry) => entry.key.etype).sort();
    assert.deepEqual(etypes, [17, 18], 'MIT 1.20 gives aes256 and aes128 keys by default');
    for (const entry of entries) {
      assert.equal(entry.principal, ALICE.principal);
      assert.ok(entry.kvno >= 1);
      const derived = findEnctype(entry.key.etype)!.stringToKey(ALICE.password, `${kdc.realm}alice`);
      assert.equal(derived.toString('hex'), entry.key.value.toString('hex'), `etype ${entry.key.etype}`);
    }
  });

  it('ticket cache: reads the TGT kinit left in a FILE ccache (0504) and gets a service ticket with it', async () => {
    const ccache = await kdc.kinit('alice');
    const cache = parseCcache(fs.readFileSync(ccache));
    assert.equal(`${cache.primary.name.components.join('/')}@${cache.primary.realm}`, ALICE.principal);
    assert.ok(cache.credentials.some((c) => c.server.components.join('/') === `krbtgt/${kdc.realm}`));
    const before = fs.readFileSync(ccache);
    const provider = createKerberosProvider(login({ ccache: `FILE:${ccache}` }));
    const ticket = await provider.acquire(ZOOKEEPER);
    assert.equal(ticket.client, ALICE.principal);
    assert.equal(ticket.service, `zookeeper/localhost@${kdc.realm}`);
    assert.ok(ticket.expiresAt > Date.now());
    assert.deepEqual(fs.readFileSync(ccache), before, 'the user\'s ccache is never written');
    assert.ok(messages.some((m) => m.includes(`from the credential cache FILE:${ccache}`)));
  });

  it('a DIR: collection is read through its primary file (the layout MIT writes: dir/primary names dir/tktXXXX)', async () => {
    const dir = path.join(kdc.dir, 'collection');
    fs.mkdirSync(dir, { recursive: true });
    await kdc.kinit('bob', { ccache: path.join(dir, 'tktAbc123') });
    fs.writeFileSync(path.join(dir, 'primary'), 'tktAbc123\n');
    assert.equal((await createKerberosProvider(login({ ccache: `DIR:${dir}` })).acquire(ZOOKEEPER)).client, BOB.principal);
    assert.equal((await createKerberosProvider(login({ ccache: `DIR::${path.join(dir, 'tktAbc123')}` })).acquire(ZOOKEEPER)).client, BOB.principal);
  });

  it('keytab: logs in without kinit (AS exchange with the keytab key)', async () => {
    const provider = createKerberosProvider(login({ keytab: kdc.principals.bob.keytab, principal: 'bob' }));
    const ticket = await provider.acquire(ZOOKEEPER);
    assert.equal(ticket.client, BOB.principal);
  });

  it('password: PA-ENC-TIMESTAMP with the ETYPE-INFO2 salt after PREAUTH_REQUIRED; the password is asked for once', async () => {
    let asked = 0;
    const provider = createKerberosProvider(
      login({
        principal: ALICE.principal,
        password: () => {
          asked++;
          return Promise.resolve(ALICE.password);
        },
      }),
    );
    const first = await provider.acquire(ZOOKEEPER);
    const second = await provider.acquire(ZOOKEEPER);
    assert.equal(first.client, ALICE.principal);
    assert.equal(second.expiresAt, first.expiresAt);
    assert.equal(asked, 1);
    for (const message of messages) assertNoSecret(message, ALICE.password);
  });

  it('a ServiceTicket carries no secret: printed or serialised it shows names and times only; session() refuses a forged one', async () => {
    const provider = createKerberosProvider(login({ keytab: kdc.principals.alice.keytab }));
    const ticket = await provider.acquire(ZOOKEEPER);
    assert.deepEqual(Object.keys(ticket).sort(), ['client', 'expiresAt', 'renewTill', 'service']);
    assert.doesNotMatch(util.inspect(ticket, { depth: 10, showHidden: true }) + JSON.stringify(ticket), /Buffer|key|ticket/i);
    assert.throws(() => provider.session({ ...ticket }), /not acquired by this Kerberos provider/);
  });

  it('a principal without pre-authentication: the AS-REP comes at once (no PREAUTH_REQUIRED) and opens with the password\'s key', async () => {
    await kdc.addPrincipal('nopreauth', { password: 'nopreauthpw', requiresPreauth: false });
    // MIT refuses a ticket for a service that requires pre-authentication (as zookeeper/localhost
    // does here) to a TGT obtained without it: this service does not.
    await kdc.addPrincipal('zookeeper/open-host', { requiresPreauth: false });
    const service = { name: 'zookeeper', host: 'open-host' };
    const ticket = await createKerberosProvider(login({ principal: 'nopreauth', password: () => Promise.resolve('nopreauthpw') })).acquire(service);
    assert.equal(ticket.client, `nopreauth@${kdc.realm}`);
    // Without pre-authentication a wrong password shows only when the AS-REP does not decrypt: the same sentence.
    await rejectsKerberos(createKerberosProvider(login({ principal: 'nopreauth', password: () => Promise.resolve('wrong') })).acquire(service), 'preauthFailed', /the password is wrong/);
  });

  it('a cached service ticket is served without the KDC: acquire works after the KDC has stopped', async () => {
    const own = await startKdc();
    try {
      const provider = createKerberosProvider({ krb5Conf: own.krb5Conf, ccache: path.join(own.dir, 'none.cc'), keytab: own.principals.alice.keytab, principal: 'alice' });
      const ticket = await provider.acquire(ZOOKEEPER);
      await own.stop();
      // The KDC is gone (proved by a login that needs it) and the cached ticket is still served.
      await rejectsKerberos(createKerberosProvider({ krb5Conf: own.krb5Conf, keytab: own.principals.alice.keytab }).acquire(ZOOKEEPER), 'kdcUnreachable');
      const again = await provider.acquire(ZOOKEEPER);
      assert.equal(again.expiresAt, ticket.expiresAt);
    } finally {
      await own.dispose();
    }
  });
});

describe('Kerberos provider against a real MIT KDC: renewal and re-acquisition', function () {
  this.timeout(120000);
  let kdc: Kdc;
  before(async () => {
    kdc = await sharedKdc();
  });

  it('a ticket within the margin of its end is replaced: acquire() returns a fresh one from the KDC', async () => {
    const messages: string[] = [];
    const provider = createKerberosProvider({ krb5Conf: kdc.krb5Conf, keytab: kdc.principals.alice.keytab, principal: 'alice', log: (m) => messages.push(m) });
    const first = await provider.acquire(ZOOKEEPER);
    const ticketsBefore = messages.filter((m) => m.includes('a ticket for zookeeper/localhost')).length;
    assert.equal(ticketsBefore, 1);
    // Still outside the margin: served from memory.
    await provider.acquire(ZOOKEEPER);
    assert.equal(messages.filter((m) => m.includes('a ticket for zookeeper/localhost')).length, 1);
    const late = createKerberosProvider({ krb5Conf: kdc.krb5Conf, keytab: kdc.principals.alice.keytab, principal: 'alice', renewMarginMs: 24 * 3600 * 1000, log: (m) => messages.push(m) });
    const a = await late.acquire(ZOOKEEPER);
    const b = await late.acquire(ZOOKEEPER);
    // A margin longer than any ticket: every acquire goes to the KDC (the ticket is "near its end").
    assert.equal(messages.filter((m) => m.includes('a ticket for zookeeper/localhost')).length, 3);
    assert.ok(b.expiresAt >= a.expiresAt && a.expiresAt >= first.expiresAt - 1000);
  });

  it('the default margin is half a short ticket\'s life: a 6-second ticket is replaced once 3 seconds are left', async () => {
    const messages: string[] = [];
    const provider = createKerberosProvider({ krb5Conf: kdc.krb5Conf, keytab: kdc.principals[SHORT.name].keytab, principal: SHORT.name, log: (m) => messages.push(m) });
    const first = await provider.acquire(ZOOKEEPER);
    assert.ok(first.expiresAt - Date.now() <= 6000);
    // The positive signal: the clock inside the last half of the ticket's life (MIT's times are whole seconds).
    while (Date.now() < first.expiresAt - 3000) await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await provider.acquire(ZOOKEEPER);
    assert.ok(second.expiresAt > first.expiresAt, `${second.expiresAt} > ${first.expiresAt}`);
    // The 6-second TGT was near its end too: renewed through the TGS (the KDC made it renewable, as
    // RENEWABLE-OK asked), not left to expire.
    assert.equal(messages.filter((m) => m.includes('from the keytab')).length, 1, messages.join('\n'));
    assert.equal(messages.filter((m) => m.startsWith('Kerberos: renewed the ticket-granting ticket of shorty@')).length, 1, messages.join('\n'));
  });

  it('a renewable TGT from kinit -r near its end is renewed through the TGS (RENEW), not re-acquired', async () => {
    const ccache = await kdc.kinit('alice', { ccache: path.join(kdc.dir, 'renewable.cc'), lifetime: '1h', renewable: '5h' });
    const cache = parseCcache(fs.readFileSync(ccache));
    const tgt = cache.credentials.find((c) => c.server.components[0] === 'krbtgt')!;
    assert.ok(tgt.renewTill > tgt.endtime, 'kinit -r gave a renewable TGT');
    const messages: string[] = [];
    // A margin of 2 hours puts the 1-hour TGT "near its end"; it can be renewed up to 5 hours.
    const provider = createKerberosProvider({ krb5Conf: kdc.krb5Conf, ccache, renewMarginMs: 2 * 3600 * 1000, log: (m) => messages.push(m) });
    const ticket = await provider.acquire(ZOOKEEPER);
    assert.ok(messages.some((m) => m.startsWith('Kerberos: renewed the ticket-granting ticket of alice@EXAMPLE.TEST')), messages.join('\n'));
    assert.equal(ticket.client, ALICE.principal);
  });

  it('a TGT that expired with only a ccache says "expired" (local clock past its end)', async () => {
    const ccache = await kdc.kinit('alice', { ccache: path.join(kdc.dir, 'later.cc') });
    const tgt = parseCcache(fs.readFileSync(ccache)).credentials.find((c) => c.server.components[0] === 'krbtgt')!;
    const provider = createKerberosProvider({ krb5Conf: kdc.krb5Conf, ccache, now: () => tgt.endtime + 1000 });
    const error = await rejectsKerberos(provider.acquire(ZOOKEEPER), 'expired', /The Kerberos ticket of alice@EXAMPLE\.TEST expired at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: run kinit alice@EXAMPLE\.TEST again/);
    assert.equal(error.details.principal, ALICE.principal);
  });

  it('a TGT that really expired (a 6-second ticket, waited for) says "expired" with no KDC round trip', async () => {
    // shorty's tickets live 6 seconds (the KDC caps them). The positive signal: the clock past the
    // TGT's end. (MIT's KDC forgives expiry by its clock skew, and checks an authenticator against
    // the same skew, so KRB_AP_ERR_TKT_EXPIRED cannot be provoked consistently; the sentence for 32
    // is checked in errors.test.)
    const ccache = await kdc.kinit(SHORT.name, { ccache: path.join(kdc.dir, 'short.cc') });
    const tgt = parseCcache(fs.readFileSync(ccache)).credentials.find((c) => c.server.components[0] === 'krbtgt')!;
    assert.ok(tgt.endtime - tgt.starttime <= 6000, 'the KDC capped the lifetime');
    while (Date.now() <= tgt.endtime) await new Promise((resolve) => setTimeout(resolve, 250));
    await rejectsKerberos(createKerberosProvider({ krb5Conf: kdc.krb5Conf, ccache }).acquire(ZOOKEEPER), 'expired', /The Kerberos ticket of shorty@EXAMPLE\.TEST expired at .*: run kinit shorty@EXAMPLE\.TEST again/);
    // With the password at hand the provider logs in again instead.
    const ticket = await createKerberosProvider({ krb5Conf: kdc.krb5Conf, ccache, principal: SHORT.name, password: () => Promise.resolve(SHORT.password) }).acquire(ZOOKEEPER);
    assert.ok(ticket.expiresAt > Date.now());
  });
});

describe('Kerberos provider against a real MIT KDC: every failure is a sentence, produced on purpose', function () {
  this.timeout(120000);
  let kdc: Kdc;
  const base = (): KerberosLogin => ({ krb5Conf: kdc.krb5Conf, ccache: path.join(kdc.dir, 'none.cc') });

  before(async () => {
    kdc = await sharedKdc();
  });

  it('no ticket: an empty ccache and no keytab or password → run kinit, or configure a keytab', async () => {
    const error = await rejectsKerberos(createKerberosProvider(base()).acquire(ZOOKEEPER), 'noTicket', /There is no Kerberos ticket in the credential cache .*none\.cc: run kinit, or configure a keytab/);
    assert.equal(error.details.principal, undefined);
    await rejectsKerberos(createKerberosProvider({ ...base(), principal: 'alice' }).acquire(ZOOKEEPER), 'noTicket', /no Kerberos ticket for alice@EXAMPLE\.TEST .*run kinit alice@EXAMPLE\.TEST/);
  });

  it('a ccache of another principal is not used for the one configured', async () => {
    const ccache = await kdc.kinit('bob', { ccache: path.join(kdc.dir, 'bob-only.cc') });
    await rejectsKerberos(createKerberosProvider({ ...base(), ccache, principal: 'alice' }).acquire(ZOOKEEPER), 'noTicket', /for alice@EXAMPLE\.TEST in the credential cache/);
  });

  it('wrong password: KDC_ERR_PREAUTH_FAILED (24) → the password is wrong; the password is in no message', async () => {
    const error = await rejectsKerberos(
      createKerberosProvider({ ...base(), principal: 'alice', password: () => Promise.resolve('not-alices-password') }).acquire(ZOOKEEPER),
      'preauthFailed',
      /^Kerberos pre-authentication failed for alice@EXAMPLE\.TEST: the password is wrong\. Enter it again\.$/,
    );
    assert.equal(error.details.code, 24);
    assertNoSecret(error.message + JSON.stringify(error.details), 'not-alices-password');
  });

  it('a stale keytab (the password changed since): pre-authentication failed → export the keytab again', async () => {
    const stale = path.join(kdc.dir, 'stale-copy.keytab');
    await kdc.addPrincipal('stale', { password: 'first' });
    fs.copyFileSync(kdc.principals.stale.keytab, stale);
    await kdc.changePassword('stale', 'second');
    const error = await rejectsKerberos(createKerberosProvider({ ...base(), keytab: stale, principal: 'stale' }).acquire(ZOOKEEPER), 'preauthFailed', /the key in the keytab does not match the KDC's.*Export the keytab again\./);
    assert.equal(error.details.code, 24);
  });

  it('unknown user: KDC_ERR_C_PRINCIPAL_UNKNOWN (6) names the principal', async () => {
    const error = await rejectsKerberos(
      createKerberosProvider({ ...base(), principal: 'nobody', password: () => Promise.resolve('x') }).acquire(ZOOKEEPER),
      'unknownClient',
      /does not know the user nobody@EXAMPLE\.TEST: check the principal name and its realm\./,
    );
    assert.equal(error.details.code, 6);
  });

  it('unknown service principal: KDC_ERR_S_PRINCIPAL_UNKNOWN (7) names exactly the principal asked for', async () => {
    const provider = createKerberosProvider({ ...base(), keytab: kdc.principals.alice.keytab });
    const error = await rejectsKerberos(provider.acquire({ name: 'zookeeper', host: '127.0.0.1' }), 'unknownServer', /does not know the service principal zookeeper\/127\.0\.0\.1@EXAMPLE\.TEST: check the service name and host/);
    assert.equal(error.details.principal, 'zookeeper/127.0.0.1@EXAMPLE.TEST');
    assert.equal(error.details.code, 7);
  });

  it('clock skew: KRB_AP_ERR_SKEW (37) with the skew measured from the KDC\'s stime, both directions', async () => {
    for (const offset of [+20 * 60_000, -7 * 60_000]) {
      const provider = createKerberosProvider({ ...base(), principal: 'alice', password: () => Promise.resolve(ALICE.password), now: () => Date.now() + offset });
      const error = await rejectsKerberos(provider.acquire(ZOOKEEPER), 'clockSkew', offset > 0 ? /ahead of the Kerberos server's/ : /behind the Kerberos server's/, /more than the 5 minutes Kerberos allows: set the clock right/);
      assert.equal(error.details.code, 37);
      // Measured, not echoed: within a few seconds of the offset we applied (the KDC's time is whole
      // seconds plus microseconds, and a busy machine delays the answer), and the sentence says that measure.
      assert.ok(Math.abs(error.details.skewMs! - offset) < 5000, `skew ${error.details.skewMs} vs ${offset}`);
      assert.ok(error.message.includes(`is ${describeDuration(error.details.skewMs!)} ${offset > 0 ? 'ahead of' : 'behind'}`), error.message);
    }
  });

  it('a disabled account: KDC_ERR_CLIENT_REVOKED (18) → ask your administrator', async () => {
    await kdc.addPrincipal('locked', { password: 'lockedpw' });
    await kdc.kadmin('modprinc -allow_tix locked');
    const error = await rejectsKerberos(
      createKerberosProvider({ ...base(), principal: 'locked', password: () => Promise.resolve('lockedpw') }).acquire(ZOOKEEPER),
      'revoked',
      /The Kerberos account locked@EXAMPLE\.TEST is disabled or locked .*: ask your Kerberos administrator\./,
    );
    assert.equal(error.details.code, 18);
  });

  it('unsupported encryption types: a principal with only camellia keys (no ETYPE-INFO2 for our etypes) and a keytab with only those', async () => {
    await kdc.kadmin('addprinc -e camellia256-cts-cmac:normal -pw camelpw camel');
    const error = await rejectsKerberos(
      createKerberosProvider({ ...base(), principal: 'camel', password: () => Promise.resolve('camelpw') }).acquire(ZOOKEEPER),
      'unsupportedEtype',
      /^Unsupported Kerberos encryption type: the KDC 127\.0\.0\.1:\d+ has no key of camel@EXAMPLE\.TEST of a type this client supports, and this client supports only aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96, aes256-cts-hmac-sha384-192, aes128-cts-hmac-sha256-128\. Ask your Kerberos administrator/,
    );
    assert.match(error.details.kdc ?? '', /^127\.0\.0\.1:/);
    const keytab = path.join(kdc.dir, 'camel.keytab');
    await kdc.kadmin(`ktadd -norandkey -k ${keytab} camel`);
    await rejectsKerberos(createKerberosProvider({ ...base(), keytab, principal: 'camel' }).acquire(ZOOKEEPER), 'unsupportedEtype', /the keytab .*camel\.keytab has only camellia256-cts-cmac keys for camel@EXAMPLE\.TEST/);
  });

  it('aes-sha2: a principal whose only key is aes256-cts-hmac-sha384-192 logs in by password and by keytab', async () => {
    await kdc.kadmin('addprinc -e aes256-cts-hmac-sha384-192:normal -pw sha2pw sha2user');
    const ticket = await createKerberosProvider({ ...base(), principal: 'sha2user', password: () => Promise.resolve('sha2pw') }).acquire(ZOOKEEPER);
    assert.equal(ticket.client, 'sha2user@EXAMPLE.TEST');
    const keytab = path.join(kdc.dir, 'sha2user.keytab');
    await kdc.kadmin(`ktadd -norandkey -k ${keytab} sha2user`);
    assert.deepEqual(parseKeytab(fs.readFileSync(keytab)).map((e) => e.key.etype), [20]);
    assert.equal((await createKerberosProvider({ ...base(), keytab, principal: 'sha2user' }).acquire(ZOOKEEPER)).client, 'sha2user@EXAMPLE.TEST');
  });

  it('bad configuration: no KDC for the realm, a non-FILE ccache, a missing krb5.conf, a missing keytab', async () => {
    const conf = path.join(kdc.dir, 'nokdc.conf');
    fs.writeFileSync(conf, '[libdefaults]\n  default_realm = OTHER.TEST\n');
    await rejectsKerberos(createKerberosProvider({ krb5Conf: conf, principal: 'alice', password: () => Promise.resolve('x'), ccache: path.join(kdc.dir, 'none.cc') }).acquire(ZOOKEEPER), 'badConfig', /No KDC is configured for realm OTHER\.TEST in .*nokdc\.conf: add "kdc = host:port"/);
    await rejectsKerberos(createKerberosProvider({ krb5Conf: kdc.krb5Conf, ccache: 'KCM:1000' }).acquire(ZOOKEEPER), 'badConfig', /The credential cache KCM:1000 is of type KCM, which this client cannot read.*: run kinit -c FILE:/);
    await rejectsKerberos(createKerberosProvider({ krb5Conf: path.join(kdc.dir, 'missing.conf'), keytab: kdc.principals.alice.keytab }).acquire(ZOOKEEPER), 'badConfig', /missing\.conf cannot be read \(it does not exist\)/);
    await rejectsKerberos(createKerberosProvider({ krb5Conf: kdc.krb5Conf, keytab: path.join(kdc.dir, 'missing.keytab') }).acquire(ZOOKEEPER), 'badConfig', /The keytab .*missing\.keytab cannot be read \(it does not exist\)/);
  });
});

describe('Kerberos provider: KDC unreachable and failover (a KDC of its own, stopped on purpose)', function () {
  this.timeout(120000);
  let kdc: Kdc;
  const servers: net.Server[] = [];

  before(async () => {
    kdc = await startKdc();
  });
  after(async () => {
    for (const server of servers) server.close();
    await kdc.dispose();
  });

  /** A TCP port that accepts and never answers: a KDC that hangs (a fault made on purpose). */
  const silentPort = async (): Promise<number> => {
    const server = net.createServer(() => undefined);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as net.AddressInfo).port;
  };

  it('fails over from a KDC that refuses and one that hangs to the next one listed', async () => {
    const hanging = await silentPort();
    const refusing = await silentPort();
    servers[servers.length - 1].close(); // now refuses
    const provider = createKerberosProvider({
      krb5Conf: kdc.krb5Conf,
      realm: kdc.realm,
      kdc: [`127.0.0.1:${refusing}`, `127.0.0.1:${hanging}`, kdc.kdcAddress],
      kdcTimeouts: { replyMs: 1000 },
      keytab: kdc.principals.alice.keytab,
    });
    assert.equal((await provider.acquire(ZOOKEEPER)).client, ALICE.principal);
    // The KDC that answered goes first from then on: the next login does not wait on the hanging one.
    const messages: string[] = [];
    const hangs = net.createServer((socket) => messages.push(`hanging KDC contacted from ${socket.remotePort}`));
    servers.push(hangs);
    await new Promise<void>((resolve) => hangs.listen(0, '127.0.0.1', resolve));
    const second = createKerberosProvider({
      krb5Conf: kdc.krb5Conf,
      realm: kdc.realm,
      kdc: [`127.0.0.1:${(hangs.address() as net.AddressInfo).port}`, kdc.kdcAddress],
      kdcTimeouts: { replyMs: 1000 },
      keytab: kdc.principals.alice.keytab,
    });
    await second.acquire(ZOOKEEPER);
    // Three requests (AS-REQ, AS-REQ with pre-authentication, TGS-REQ): the hanging KDC saw only the first.
    assert.equal(messages.length, 1, messages.join('\n'));
  });

  it('KDC stopped: kdcUnreachable names the address and why', async () => {
    await kdc.stop();
    try {
      const error = await rejectsKerberos(
        createKerberosProvider({ krb5Conf: kdc.krb5Conf, keytab: kdc.principals.alice.keytab }).acquire(ZOOKEEPER),
        'kdcUnreachable',
        new RegExp(`^No Kerberos server \\(KDC\\) of realm EXAMPLE\\.TEST could be reached \\(127\\.0\\.0\\.1:${kdc.port} refused the connection\\): check that the KDC is running`),
      );
      assert.equal(error.details.kdc, kdc.kdcAddress);
      const hanging = await silentPort();
      await rejectsKerberos(
        createKerberosProvider({ krb5Conf: kdc.krb5Conf, realm: kdc.realm, kdc: [`127.0.0.1:${hanging}`], kdcTimeouts: { replyMs: 500 }, keytab: kdc.principals.alice.keytab }).acquire(ZOOKEEPER),
        'kdcUnreachable',
        new RegExp(`127\\.0\\.0\\.1:${hanging} did not answer within 0\\.5 s`),
      );
    } finally {
      await kdc.start();
    }
  });
});

describe('Kerberos provider: a service in another realm (two real KDCs with a direct trust)', function () {
  this.timeout(120000);
  let a: Kdc;
  let b: Kdc;
  let conf: string;

  before(async () => {
    a = await startKdc({ realm: 'A.TEST', users: { alice: { password: 'alicepw' } }, services: [] });
    b = await startKdc({ realm: 'B.TEST', users: {}, services: ['zookeeper/zk.b.test'] });
    // The trust A → B: the same principal krbtgt/B.TEST@A.TEST with the same password in both databases.
    await a.kadmin('addprinc -pw trust-secret krbtgt/B.TEST@A.TEST');
    await b.kadmin('addprinc -pw trust-secret krbtgt/B.TEST@A.TEST');
    conf = path.join(a.dir, 'both.conf');
    fs.writeFileSync(
      conf,
      ['[libdefaults]', '  default_realm = A.TEST', '[realms]', '  A.TEST = {', `    kdc = ${a.kdcAddress}`, '  }', '  B.TEST = {', `    kdc = ${b.kdcAddress}`, '  }', '[domain_realm]', '  .b.test = B.TEST', ''].join('\n'),
    );
  });
  after(async () => {
    await Promise.all([a?.dispose(), b?.dispose()]);
  });

  it("alice@A.TEST gets zookeeper/zk.b.test@B.TEST ([domain_realm]) through a cross-realm TGT, and B's service key opens the ticket", async () => {
    const messages: string[] = [];
    const provider = createKerberosProvider({ krb5Conf: conf, principal: 'alice', password: () => Promise.resolve('alicepw'), ccache: path.join(a.dir, 'none.cc'), log: (m) => messages.push(m) });
    const ticket = await provider.acquire({ name: 'zookeeper', host: 'zk.b.test' });
    assert.equal(ticket.client, 'alice@A.TEST');
    assert.equal(ticket.service, 'zookeeper/zk.b.test@B.TEST');
    assert.ok(messages.some((m) => m.includes('a cross-realm ticket-granting ticket krbtgt/B.TEST@A.TEST')), messages.join('\n'));
    const { context } = acceptApReq(provider.session(ticket).initial(), b.principals['zookeeper/zk.b.test'].keytab);
    assert.equal(context.client, 'alice@A.TEST');
  });
});

