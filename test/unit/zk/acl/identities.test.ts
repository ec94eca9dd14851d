import * as assert from 'node:assert/strict';
import { sessionIdentities } from '../../../../src/zk/acl/identities';
import { ZkClient } from '../../../../src/zk/client';
import { OpCode } from '../../../../src/zk/wire/protocol';
import { startFaultProxy, type FaultProxy } from '../../../support/faultProxy';
import { eventually } from '../../../support/session';
import { sharedZooKeeper } from '../../../support/zookeeper';

/** An opcode no ZooKeeper knows: the server hands it to its UnimplementedRequestProcessor. */
const UNKNOWN_OPCODE = 9999;

/**
 * sessionIdentities against a real ZooKeeper (3.7+, which answers whoAmI) and the same server made
 * to look older: the fault proxy forwards whoAmI under an opcode the server does not know, so the
 * server itself answers UNIMPLEMENTED, exactly as a 3.6 server answers whoAmI.
 */
describe('sessionIdentities (whoAmI, and its fallback for servers before 3.7)', function () {
  this.timeout(60000);
  const digest = [{ user: `carol-${Date.now()}`, password: 'pw' }];
  let proxy: FaultProxy;
  const clients: ZkClient[] = [];

  before(async () => {
    proxy = await startFaultProxy((await sharedZooKeeper()).connectString);
  });
  after(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await proxy?.close();
  });

  async function connect(): Promise<ZkClient> {
    const client = await ZkClient.connect({ connectString: proxy.connectString, digest });
    clients.push(client);
    return client;
  }

  it("a 3.7+ server's own answer: source server, its ip and digest identities", async () => {
    const session = await sessionIdentities(await connect(), digest);
    assert.equal(session.source, 'server');
    assert.equal(session.note, undefined);
    assert.ok(session.identities.some((i) => i.scheme === 'ip' && i.id === '127.0.0.1'), JSON.stringify(session.identities));
    assert.ok(session.identities.some((i) => i.scheme === 'digest' && i.id === digest[0].user), JSON.stringify(session.identities));
  });

  it('a server that answers whoAmI UNIMPLEMENTED (and drops the connection): what the client sent, said to be derived; the session lives on', async () => {
    proxy.renameRequests(OpCode.whoAmI, UNKNOWN_OPCODE);
    const before = proxy.requestsSent(OpCode.whoAmI);
    const client = await connect();
    const session = await sessionIdentities(client, digest);
    assert.equal(proxy.requestsSent(OpCode.whoAmI), before + 1, 'whoAmI was asked (and forwarded renamed)');
    assert.equal(session.source, 'derived');
    assert.match(session.note ?? '', /does not answer whoAmI \(it needs ZooKeeper 3\.7 or newer\)/);
    assert.deepEqual(session.identities, [
      { scheme: 'ip', id: '127.0.0.1' },
      { scheme: 'digest', id: digest[0].user },
    ]);
    assert.ok(session.digestIds[digest[0].user]?.startsWith(`${digest[0].user}:`));
    // A real server answers an op it does not know with UNIMPLEMENTED and then closes the connection
    // (UnimplementedRequestProcessor.sendCloseSession), as one before 3.7 does for whoAmI. The
    // session lives on: the client reconnects to it and the next request is served there.
    const sessionId = client.sessionId;
    const accepted = proxy.accepted;
    const served = () => client.getChildren('/').then((r) => r.children.includes('zookeeper'), () => false);
    await eventually(served, 30000, 'a request served after the reconnect');
    assert.ok(proxy.accepted > accepted, 'the server closed the connection; the client came back on a new one');
    assert.equal(client.sessionId, sessionId, 'the same session');
  });

  const proxies: FaultProxy[] = [];
  /** A proxy of its own that makes the real server look older than 3.7 (whoAmI renamed to an opcode it does not know). */
  async function oldServerProxy(): Promise<FaultProxy> {
    const own = await startFaultProxy((await sharedZooKeeper()).connectString);
    own.renameRequests(OpCode.whoAmI, UNKNOWN_OPCODE);
    proxies.push(own);
    return own;
  }
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(proxies.splice(0).map((p) => p.close()));
  });

  /** True once a read is served: after a dropped connection, only on the new one. */
  const served = (client: ZkClient) => () => client.getChildren('/').then((r) => r.children.includes('zookeeper'), () => false);

  it('a server that refused whoAmI is not asked again: later answers are derived without a request, and cost no reconnect', async () => {
    const old = await oldServerProxy();
    const client = await ZkClient.connect({ connectString: old.connectString, digest });
    clients.push(client);
    let drops = 0;
    client.onStateChange(({ state, previous }) => {
      if (previous === 'connected' && state !== 'connected') drops++;
    });
    const first = await sessionIdentities(client, digest);
    assert.equal(first.source, 'derived');
    assert.equal(old.requestsSent(OpCode.whoAmI), 1, 'asked once');
    // The one reconnect the refusal costs (the server closes the connection after UNIMPLEMENTED).
    await eventually(async () => old.accepted === 2 && (await served(client)()), 30000, 'the reconnect after the refusal, and a read served there');
    assert.equal(drops, 1, 'the refusal dropped the connection once');
    for (let i = 0; i < 3; i++) {
      const again = await sessionIdentities(client, digest);
      assert.equal(again.source, 'derived');
      assert.match(again.note ?? '', /does not answer whoAmI/);
      assert.deepEqual(again.identities, first.identities);
    }
    // Asked, whoAmI would have been counted before its answer could come back; then a read served
    // on the same connection, which a server closing it after a refusal would never answer there.
    assert.equal(old.requestsSent(OpCode.whoAmI), 1, 'not asked again');
    assert.ok(await served(client)(), 'a read served after the derived answers');
    assert.equal(old.accepted, 2, 'no further connection');
    assert.equal(drops, 1, 'no further drop');
    // The client's own whoAmI answers alike without asking (the script console calls it).
    await assert.rejects(client.whoAmI(), (error: unknown) => error instanceof Error && /needs ZooKeeper 3\.7 or newer/.test(error.message));
    assert.equal(old.requestsSent(OpCode.whoAmI), 1);
  });

  it('another server of the ensemble is asked again (it may be newer): what one server refused is remembered for that server only', async () => {
    const [a, b] = [await oldServerProxy(), await oldServerProxy()];
    // Pinned to a at first: b closes every connection at once, as a server that is down does.
    b.refuse();
    const client = await ZkClient.connect({ connectString: `${a.connectString},${b.connectString}`, digest });
    clients.push(client);
    assert.equal(client.serverAddress, a.connectString);
    assert.equal((await sessionIdentities(client, digest)).source, 'derived');
    await eventually(async () => a.accepted === 2 && (await served(client)()), 30000, 'the reconnect to a after its refusal');
    assert.equal((await sessionIdentities(client, digest)).source, 'derived');
    assert.equal(a.requestsSent(OpCode.whoAmI), 1, 'a is not asked twice');
    // Now a goes down and b comes up: the session moves to b, which has not been asked.
    b.pass();
    a.refuse();
    await eventually(async () => client.serverAddress === b.connectString && (await served(client)()), 30000, 'the session moved to b');
    const onB = await sessionIdentities(client, digest);
    assert.equal(onB.source, 'derived');
    assert.equal(b.requestsSent(OpCode.whoAmI), 1, 'b was asked');
    assert.equal(a.requestsSent(OpCode.whoAmI), 1);
  });
});
