import * as assert from 'node:assert/strict';
import { ZkClient } from '../../../../src/zk/client';
import { digestMd5Session, parseDirectives } from '../../../../src/zk/security/digestMd5';
import { rejectsWith } from '../../../support/assertions';
import { startFaultProxy, type FaultProxy } from '../../../support/faultProxy';
import { SASL_PASSWORD, SASL_USER, startSecuredZooKeeper } from '../../../support/security';
import { eventually } from '../../../support/session';
import type { ZooKeeperServer } from '../../../support/zookeeper';

describe('SASL DIGEST-MD5: the RFC 2831 computation', () => {
  it("computes RFC 2831's example response and checks its rspauth", () => {
    const session = digestMd5Session('chris', 'secret', { cnonce: 'OA6MHXh6VqTrRk', digestUri: 'imap/elwood.innosoft.com' });
    assert.equal(session.initial().length, 0, 'DIGEST-MD5 starts with an empty token');
    const response = parseDirectives(
      session.step(Buffer.from('realm="elwood.innosoft.com",nonce="OA6MG9tEQGm2hh",qop="auth",algorithm=md5-sess,charset=utf-8'))!.toString(),
    );
    assert.equal(response.get('response'), 'd388dad90d4bbd760a152321f2143af7');
    assert.equal(response.get('username'), 'chris');
    assert.equal(session.step(Buffer.from('rspauth=ea40f60335c427b5527b84dbabcdfffd')), undefined);
    assert.equal(session.complete, true);
  });

  it("refuses a server whose rspauth is wrong (it did not know the password)", () => {
    const session = digestMd5Session('chris', 'secret', { cnonce: 'OA6MHXh6VqTrRk', digestUri: 'imap/elwood.innosoft.com' });
    session.initial();
    session.step(Buffer.from('realm="elwood.innosoft.com",nonce="OA6MG9tEQGm2hh",qop="auth",algorithm=md5-sess,charset=utf-8'));
    assert.throws(() => session.step(Buffer.from('rspauth=00000000000000000000000000000000')), /rspauth does not match/);
  });
});

describe('SASL DIGEST-MD5 against a real ZooKeeper (JAAS user bob)', function () {
  this.timeout(90000);
  let server: ZooKeeperServer;
  let proxy: FaultProxy;
  const clients: ZkClient[] = [];
  const sasl = (password: string) => ({ mechanism: 'DIGEST-MD5' as const, user: SASL_USER, password });

  before(async () => {
    server = await startSecuredZooKeeper();
  });
  beforeEach(async () => {
    proxy = await startFaultProxy(server.connectString);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await proxy?.close();
  });
  after(async () => {
    await server?.stop();
  });

  it('logs in with the right password: a node with ACL sasl:bob is readable, and refused to a client without SASL', async () => {
    const bob = await ZkClient.connect({ connectString: server.connectString, sasl: sasl(SASL_PASSWORD) });
    clients.push(bob);
    const anonymous = await ZkClient.connect({ connectString: server.connectString });
    clients.push(anonymous);
    const path = `/sasl-${Date.now()}`;
    await bob.create(path, Buffer.from('bob only'), { acl: [{ id: { scheme: 'sasl', id: SASL_USER }, perms: 31 }] });
    assert.equal((await bob.get(path)).data.toString(), 'bob only');
    await rejectsWith(anonymous.get(path), 'NOAUTH');
  });

  it('a wrong password is one clear error, not a reconnect loop', async () => {
    const client = new ZkClient({ connectString: proxy.connectString, sasl: sasl('not the password') });
    clients.push(client);
    await rejectsWith(
      client.start(600000),
      'CONNECTFAILED',
      new RegExp(
        `^ZooKeeper at 127\\.0\\.0\\.1:${proxy.port} refused the SASL login of user "bob" \\(DIGEST-MD5: the server refused the login\\)\\. ` +
          'The password is wrong, or the server does not know this user: set the password again \\(ZooKeeper: Set Digest Credentials…\\)\\.$',
      ),
    );
    assert.equal(client.state, 'authFailed');
    assert.doesNotMatch(proxy.clientBytes().toString('latin1'), /not the password/, 'the password never crosses the wire');
    // No retry: a later connection through the same proxy (the positive signal) is only the second one.
    const sentinel = await ZkClient.connect({ connectString: proxy.connectString });
    clients.push(sentinel);
    await sentinel.exists('/');
    assert.equal(proxy.accepted, 2, 'the refused client never connected again');
    assert.equal(client.state, 'authFailed');
  });

  it('logs in again on every new TCP connection: after a cut, the sasl:bob node is still readable on the same session', async () => {
    const bob = await ZkClient.connect({ connectString: proxy.connectString, sasl: sasl(SASL_PASSWORD), sessionTimeoutMs: 30000 });
    clients.push(bob);
    const path = `/sasl-again-${Date.now()}`;
    await bob.create(path, Buffer.from('still bob'), { acl: [{ id: { scheme: 'sasl', id: SASL_USER }, perms: 31 }] });
    const session = bob.sessionId;
    const states: string[] = [];
    bob.onStateChange(({ state }) => states.push(state));
    proxy.reset();
    await eventually(() => states.includes('suspended') && bob.state === 'connected', 60000, 'a reconnect after the cut');
    assert.equal(proxy.accepted, 2);
    assert.equal(bob.sessionId, session, 'the same session');
    // Authentication belongs to the TCP connection, not the session: without a new login this is NOAUTH.
    assert.equal((await bob.get(path)).data.toString(), 'still bob');
  });
});
