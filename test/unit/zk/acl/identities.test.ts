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
});
