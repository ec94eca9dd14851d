import assert from 'node:assert/strict';
import { ZkClient } from '../../../../src/zk/client';
import { isZkError } from '../../../../src/zk/errors';
import { startFaultProxy, type FaultProxy } from '../../../support/faultProxy';
import { sharedZooKeeper, type ZooKeeperServer } from '../../../support/zookeeper';

/**
 * The server's getChildren2 reply with `children` names, with its vector count replaced by
 * `count`: frames are [length][xid][zxid][err][count]…; the first such frame of a chunk is changed.
 */
function corruptChildrenCount(children: number, count: number): (chunk: Buffer) => Buffer {
  let done = false;
  return (chunk) => {
    for (let at = 0; !done && at + 24 <= chunk.length; at += 4 + chunk.readInt32BE(at)) {
      if (chunk.readInt32BE(at + 4) > 0 && chunk.readInt32BE(at + 16) === 0 && chunk.readInt32BE(at + 20) === children) {
        const copy = Buffer.from(chunk);
        copy.writeInt32BE(count, at + 20);
        done = true;
        return copy;
      }
    }
    return chunk;
  };
}

describe('wire: a malformed reply from a real ZooKeeper (corrupted on purpose by a proxy)', function () {
  this.timeout(60000);
  let server: ZooKeeperServer;
  let proxy: FaultProxy;
  let client: ZkClient;
  const base = `/malformed-${Date.now()}`;

  before(async () => {
    server = await sharedZooKeeper();
    proxy = await startFaultProxy(server.connectString);
    client = await ZkClient.connect({ connectString: proxy.connectString });
    await client.create(base);
    for (const name of ['a', 'b', 'c']) await client.create(`${base}/${name}`);
  });

  after(async () => {
    proxy.rewriteServerData(undefined);
    for (const name of ['a', 'b', 'c']) await client.delete(`${base}/${name}`).catch(() => undefined);
    await client.delete(base).catch(() => undefined);
    await client.close();
    await proxy.close();
  });

  for (const [what, count] of [
    ['a count the reply cannot hold', 0x7fffffff],
    ['one name more than the reply holds', 4],
  ] as const) {
    it(`getChildren with ${what}: a ZkError (MARSHALLINGERROR) for that call, and the session goes on`, async () => {
      proxy.rewriteServerData(corruptChildrenCount(3, count));
      await assert.rejects(client.getChildren(base), (error: unknown) => {
        assert.ok(isZkError(error, 'MARSHALLINGERROR'), `a ZkError MARSHALLINGERROR, got ${String(error)}`);
        assert.match(error.message, new RegExp(base));
        return true;
      });
      proxy.rewriteServerData(undefined);
      // The frame's own length was right, so the stream stays in step: the next call is answered.
      const sessionId = client.sessionId;
      assert.deepEqual((await client.getChildren(base)).children.sort(), ['a', 'b', 'c']);
      assert.equal(client.sessionId, sessionId, 'the same session');
    });
  }
});
