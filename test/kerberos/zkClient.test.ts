// ZkClient over SASL GSSAPI against a real MIT KDC and a Kerberized ZooKeeper (the kerberos tier):
// the three logins, each failure made on purpose, ACLs with sasl ids, and SASL redone on every new
// TCP connection (with a fresh authenticator, and a fresh ticket once the old one has expired).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ZkClient, type ZkClientOptions } from '../../src/zk/client';
import type { GssapiOptions } from '../../src/zk/security/gssapi';
import { createKerberosProvider, KerberosError, type KerberosLogin, type KerberosProvider, type ServiceTicket } from '../../src/zk/security/kerberos';
import { rejectsWith } from '../support/assertions';
import { startFaultProxy } from '../support/faultProxy';
import { ALICE, BOB, SHORT, sharedKerberizedZooKeeper, startKdc, startKerberizedZooKeeper, type Kdc } from '../support/kerberos';
import { eventually } from '../support/session';
import { zookeeper, type ZooKeeperServer } from '../support/zookeeper';

const ALL = 31;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The real provider, counting what the client asks of it: a ticket and a session per TCP connection. */
function recording(login: KerberosLogin): { provider: KerberosProvider; tickets: ServiceTicket[]; sessions: () => number } {
  const inner = createKerberosProvider(login);
  const tickets: ServiceTicket[] = [];
  let sessions = 0;
  return {
    provider: {
      async acquire(service) {
        const ticket = await inner.acquire(service);
        tickets.push(ticket);
        return ticket;
      },
      session(ticket, options) {
        sessions++;
        return inner.session(ticket, options);
      },
    },
    tickets,
    sessions: () => sessions,
  };
}

/** Waits until the clock is past `epochMs` (a time condition, not a guess at how long something takes). */
async function until(epochMs: number): Promise<void> {
  while (Date.now() <= epochMs) await sleep(Math.min(500, epochMs - Date.now() + 1));
}

describe('Kerberos: ZkClient logins against a real KDC and a Kerberized ZooKeeper', function () {
  this.timeout(120000);
  let kdc: Kdc;
  let server: ZooKeeperServer;
  const clients: ZkClient[] = [];
  const gssapi = (login: Omit<GssapiOptions, 'mechanism'>): GssapiOptions => ({ mechanism: 'GSSAPI', krb5Conf: kdc.krb5Conf, ...login });
  const connect = async (options: Omit<ZkClientOptions, 'connectString'> & { connectString?: string }) => {
    const client = await ZkClient.connect({ connectString: server.connectString, connectTimeoutMs: 60000, ...options });
    clients.push(client);
    return client;
  };
  /** A client that must fail to connect: resolves with it (closed) and its error. */
  const failing = async (sasl: GssapiOptions, code = 'CONNECTFAILED', message?: RegExp) => {
    const client = new ZkClient({ connectString: server.connectString, sasl });
    clients.push(client);
    const error = await rejectsWith(client.start(60000), code, message);
    return { client, error };
  };

  before(async () => {
    ({ kdc, server } = await sharedKerberizedZooKeeper());
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  it('ticket cache: after kinit, the FILE ccache logs in and whoAmI says sasl:alice', async () => {
    const ccache = await kdc.kinit(ALICE.name, { ccache: path.join(kdc.dir, `alice-${Date.now()}.cc`) });
    const alice = await connect({ sasl: gssapi({ ccache }) });
    assert.deepEqual((await alice.whoAmI()).find((id) => id.scheme === 'sasl'), { scheme: 'sasl', user: 'alice' });
  });

  it('keytab: logs in without kinit (principal + keytab)', async () => {
    const alice = await connect({ sasl: gssapi({ principal: ALICE.principal, keytab: kdc.principals.alice.keytab }) });
    assert.deepEqual((await alice.whoAmI()).find((id) => id.scheme === 'sasl'), { scheme: 'sasl', user: 'alice' });
  });

  it('password: asked for once, logs in, and never crosses the wire to ZooKeeper', async () => {
    const proxy = await startFaultProxy(server.connectString);
    try {
      let asked = 0;
      const alice = await connect({
        connectString: proxy.connectString,
        sasl: gssapi({ principal: ALICE.principal, ccache: path.join(kdc.dir, 'no-such-cache'), password: () => Promise.resolve((asked++, ALICE.password)) }),
      });
      assert.deepEqual((await alice.whoAmI()).find((id) => id.scheme === 'sasl'), { scheme: 'sasl', user: 'alice' });
      assert.equal(asked, 1);
      assert.doesNotMatch(proxy.clientBytes().toString('latin1'), new RegExp(ALICE.password));
    } finally {
      await proxy.close();
    }
  });

  it('ACL sasl ids are enforced: alice reads her sasl:alice node, bob (logged in) and an anonymous client get NOAUTH', async () => {
    const alice = await connect({ sasl: gssapi({ principal: ALICE.principal, keytab: kdc.principals.alice.keytab }) });
    const bob = await connect({ sasl: gssapi({ principal: BOB.principal, keytab: kdc.principals.bob.keytab }) });
    const anonymous = await connect({});
    const node = `/krb-acl-${Date.now()}`;
    await alice.create(node, Buffer.from('alice only'), { acl: [{ id: { scheme: 'sasl', id: 'alice' }, perms: ALL }] });
    assert.equal((await alice.get(node)).data.toString(), 'alice only');
    assert.deepEqual((await bob.whoAmI()).find((id) => id.scheme === 'sasl'), { scheme: 'sasl', user: 'bob' });
    await rejectsWith(bob.get(node), 'NOAUTH');
    await rejectsWith(anonymous.get(node), 'NOAUTH');
    // And the other way: bob may read once alice grants sasl:bob read.
    await alice.setACL(node, [{ id: { scheme: 'sasl', id: 'alice' }, perms: ALL }, { id: { scheme: 'sasl', id: 'bob' }, perms: 1 }], 0);
    assert.equal((await bob.get(node)).data.toString(), 'alice only');
    await rejectsWith(bob.set(node, Buffer.from('bob was here'), -1), 'NOAUTH');
  });

  it('wrong password: pre-authentication failed, one sentence, no reconnect loop', async () => {
    const proxy = await startFaultProxy(server.connectString);
    try {
      const client = new ZkClient({ connectString: proxy.connectString, sasl: gssapi({ principal: ALICE.principal, ccache: path.join(kdc.dir, 'no-such-cache'), password: () => Promise.resolve('not alice') }) });
      clients.push(client);
      const error = await rejectsWith(client.start(60000), 'CONNECTFAILED');
      assert.equal(client.state, 'authFailed');
      const cause = client.saslError;
      assert.ok(cause instanceof KerberosError, `a KerberosError, got ${String(cause)}`);
      assert.equal(cause.kind, 'preauthFailed');
      assert.equal(error.message, cause.message, "the ZkError's sentence is the KerberosError's");
      assert.doesNotMatch(error.message, /not alice/);
      // The ticket never came: not a single connection to ZooKeeper, and none later (the sentinel's is the first).
      const sentinel = await connect({ connectString: proxy.connectString });
      await sentinel.exists('/');
      assert.equal(proxy.accepted, 1, 'the refused client never opened a connection');
    } finally {
      await proxy.close();
    }
  });

  it('expired ticket: a ccache whose TGT has expired says so (run kinit again)', async () => {
    const ccache = await kdc.kinit(SHORT.name, { ccache: path.join(kdc.dir, `short-${Date.now()}.cc`) });
    const klist = await kdc.klist(ccache);
    assert.match(klist, /krbtgt\/EXAMPLE\.TEST/);
    // shorty's tickets live at most 6 s (the KDC's -maxlife): wait until that has certainly passed.
    await until(fs.statSync(ccache).mtimeMs + 7000);
    const { client, error } = await failing(gssapi({ ccache }));
    assert.equal(client.saslError instanceof KerberosError && client.saslError.kind, 'expired', error.message);
  });

  it('clock skew: a client clock 20 minutes fast is refused by the KDC, with the measured skew', async () => {
    const { client, error } = await failing(gssapi({ principal: ALICE.principal, keytab: kdc.principals.alice.keytab, now: () => Date.now() + 20 * 60000 }));
    const cause = client.saslError;
    assert.ok(cause instanceof KerberosError, error.message);
    assert.equal(cause.kind, 'clockSkew', error.message);
    assert.ok(Math.abs(Math.abs(cause.details.skewMs ?? 0) - 20 * 60000) < 60000, `skew ${cause.details.skewMs} ms`);
    assert.match(error.message, /20 min|1200 s|skew/i);
  });

  it('missing service principal: the error names the principal that was asked for', async () => {
    const { client, error } = await failing(gssapi({ principal: ALICE.principal, keytab: kdc.principals.alice.keytab, serviceHost: 'nowhere.example' }));
    assert.equal(client.saslError instanceof KerberosError && client.saslError.kind, 'unknownServer', error.message);
    assert.match(error.message, /zookeeper\/nowhere\.example@EXAMPLE\.TEST/);
  });

  it('the "kdc" override replaces krb5.conf\'s KDCs: a closed port is unreachable, and named; the right one logs in', async () => {
    const closed = `127.0.0.1:${await zookeeper.freePort()}`;
    const { client, error } = await failing(gssapi({ principal: ALICE.principal, keytab: kdc.principals.alice.keytab, kdc: [closed] }));
    assert.equal(client.saslError instanceof KerberosError && client.saslError.kind, 'kdcUnreachable', error.message);
    assert.ok(error.message.includes(closed), error.message);
    assert.ok(!error.message.includes(kdc.kdcAddress), `only the override was tried: ${error.message}`);
    const alice = await connect({ sasl: gssapi({ principal: ALICE.principal, keytab: kdc.principals.alice.keytab, kdc: [kdc.kdcAddress] }) });
    assert.deepEqual((await alice.whoAmI()).find((id) => id.scheme === 'sasl'), { scheme: 'sasl', user: 'alice' });
  });

  it('the service principal: canonicalised like Java (127.0.0.1 → zookeeper/localhost), or the host as written with canonicalizeHost false', async () => {
    const canonical = recording({ principal: ALICE.principal, keytab: kdc.principals.alice.keytab, krb5Conf: kdc.krb5Conf });
    await connect({ sasl: gssapi({ provider: canonical.provider }) });
    assert.match(canonical.tickets[0].service, /^zookeeper\/localhost(@EXAMPLE\.TEST)?$/);
    const literal = recording({ principal: ALICE.principal, keytab: kdc.principals.alice.keytab, krb5Conf: kdc.krb5Conf });
    const { error } = await failing(gssapi({ provider: literal.provider, canonicalizeHost: false }));
    assert.match(error.message, /zookeeper\/127\.0\.0\.1@EXAMPLE\.TEST/);
  });

  it('a fault-proxy cut: the client logs in again on the new connection with a new session of the provider (fresh authenticator)', async () => {
    const proxy = await startFaultProxy(server.connectString);
    try {
      const rec = recording({ principal: ALICE.principal, keytab: kdc.principals.alice.keytab, krb5Conf: kdc.krb5Conf });
      const alice = await connect({ connectString: proxy.connectString, sasl: gssapi({ provider: rec.provider }), sessionTimeoutMs: 30000 });
      const node = `/krb-again-${Date.now()}`;
      await alice.create(node, Buffer.from('still alice'), { acl: [{ id: { scheme: 'sasl', id: 'alice' }, perms: ALL }] });
      const session = alice.sessionId;
      const states: string[] = [];
      alice.onStateChange(({ state }) => states.push(state));
      proxy.reset();
      await eventually(() => states.includes('suspended') && alice.state === 'connected', 60000, 'a reconnect after the cut');
      assert.equal(alice.sessionId, session, 'the same session');
      assert.equal(rec.sessions(), 2, 'one SASL session per TCP connection');
      // Authentication belongs to the TCP connection: without a new login this would be NOAUTH.
      assert.equal((await alice.get(node)).data.toString(), 'still alice');
    } finally {
      await proxy.close();
    }
  });

  it('a session outlives its ticket: after the ticket expired, a cut reconnects with a fresh ticket, unnoticed', async () => {
    const proxy = await startFaultProxy(server.connectString);
    try {
      const rec = recording({ principal: SHORT.principal, keytab: kdc.principals[SHORT.name].keytab, krb5Conf: kdc.krb5Conf });
      const short = await connect({ connectString: proxy.connectString, sasl: gssapi({ provider: rec.provider }), sessionTimeoutMs: 30000 });
      const node = `/krb-short-${Date.now()}`;
      await short.create(node, Buffer.from('short-lived tickets'), { acl: [{ id: { scheme: 'sasl', id: SHORT.name }, perms: ALL }] });
      const session = short.sessionId;
      const first = rec.tickets[0];
      await until(first.expiresAt + 500);
      assert.equal(short.state, 'connected', 'an expired ticket does not end a connection');
      proxy.reset();
      await eventually(() => rec.sessions() === 2 && short.state === 'connected', 60000, 'a reconnect after the cut');
      assert.equal(short.sessionId, session, 'the same session');
      const last = rec.tickets[rec.tickets.length - 1];
      assert.ok(last.expiresAt > first.expiresAt, `a fresh ticket (expires ${new Date(last.expiresAt).toISOString()}, the first ${new Date(first.expiresAt).toISOString()})`);
      assert.equal((await short.get(node)).data.toString(), 'short-lived tickets');
    } finally {
      await proxy.close();
    }
  });
});

describe('Kerberos: a KDC and a Kerberized ZooKeeper of their own (stopped and restarted on purpose)', function () {
  this.timeout(180000);
  let kdc: Kdc;
  let server: ZooKeeperServer;
  const clients: ZkClient[] = [];

  before(async () => {
    kdc = await startKdc();
    server = await startKerberizedZooKeeper(kdc);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await server?.stop();
    await kdc?.dispose();
  });

  it('a server restart: the client reconnects to the same session and logs in again', async () => {
    const rec = recording({ principal: ALICE.principal, keytab: kdc.principals.alice.keytab, krb5Conf: kdc.krb5Conf });
    const alice = await ZkClient.connect({ connectString: server.connectString, sasl: { mechanism: 'GSSAPI', provider: rec.provider }, sessionTimeoutMs: 30000, connectTimeoutMs: 60000 });
    clients.push(alice);
    const node = `/krb-restart-${Date.now()}`;
    await alice.create(node, Buffer.from('survives'), { acl: [{ id: { scheme: 'sasl', id: 'alice' }, perms: ALL }] });
    const session = alice.sessionId;
    await server.restart();
    await eventually(() => alice.state === 'connected' && rec.sessions() >= 2, 60000, 'a reconnect after the restart');
    assert.equal(alice.sessionId, session);
    assert.equal((await alice.get(node)).data.toString(), 'survives');
  });

  it('KDC stopped: a login that needs it says the KDC is unreachable (with its address); a client holding a valid ticket reconnects without it', async () => {
    const proxy = await startFaultProxy(server.connectString);
    const holder = await ZkClient.connect({
      connectString: proxy.connectString,
      sasl: { mechanism: 'GSSAPI', principal: ALICE.principal, keytab: kdc.principals.alice.keytab, krb5Conf: kdc.krb5Conf },
      sessionTimeoutMs: 30000,
      connectTimeoutMs: 60000,
    });
    clients.push(holder);
    await kdc.stop();
    try {
      const client = new ZkClient({ connectString: server.connectString, sasl: { mechanism: 'GSSAPI', principal: BOB.principal, ccache: path.join(kdc.dir, 'no-such-cache'), password: () => Promise.resolve(BOB.password), krb5Conf: kdc.krb5Conf } });
      clients.push(client);
      const error = await rejectsWith(client.start(60000), 'CONNECTFAILED');
      assert.equal(client.saslError instanceof KerberosError && client.saslError.kind, 'kdcUnreachable', error.message);
      assert.ok(error.message.includes(kdc.kdcAddress), error.message);
      assert.doesNotMatch(error.message, new RegExp(BOB.password));
      // The holder's service ticket is still good: its reconnect needs no KDC.
      const states: string[] = [];
      holder.onStateChange(({ state }) => states.push(state));
      proxy.reset();
      await eventually(() => states.includes('suspended') && holder.state === 'connected', 60000, 'a reconnect without the KDC');
      assert.deepEqual((await holder.whoAmI()).find((id) => id.scheme === 'sasl'), { scheme: 'sasl', user: 'alice' });
    } finally {
      await kdc.start();
      await proxy.close();
    }
  });

  // Last in this block: it re-keys the server's principal, so the server's keytab no longer matches.
  it("the server refuses a ticket it cannot open (its keytab is stale): a sentence naming both principals, no reconnect loop", async () => {
    await kdc.kadmin('cpw -randkey zookeeper/localhost@EXAMPLE.TEST');
    const proxy = await startFaultProxy(server.connectString);
    try {
      const client = new ZkClient({ connectString: proxy.connectString, sasl: { mechanism: 'GSSAPI', principal: ALICE.principal, keytab: kdc.principals.alice.keytab, krb5Conf: kdc.krb5Conf } });
      clients.push(client);
      const error = await rejectsWith(
        client.start(60000),
        'CONNECTFAILED',
        new RegExp(`^ZooKeeper at 127\\.0\\.0\\.1:${proxy.port} refused the Kerberos login of alice@EXAMPLE\\.TEST with a ticket for zookeeper/localhost@EXAMPLE\\.TEST \\(GSSAPI: `),
      );
      assert.equal(client.state, 'authFailed', error.message);
      // No retry: a later connection through the same proxy (the positive signal) is only the second one.
      const sentinel = await ZkClient.connect({ connectString: proxy.connectString });
      clients.push(sentinel);
      await sentinel.exists('/');
      assert.equal(proxy.accepted, 2, 'the refused client never connected again');
    } finally {
      await proxy.close();
    }
  });
});
