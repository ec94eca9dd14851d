import * as assert from 'node:assert/strict';
import { formatWatchers, watchTableFromJson, watchTableFromText, watchedPaths, watchesExpensiveNote, whoWatches } from '../../../../src/zk/cluster/watchers';
import { parseLosslessJson } from '../../../../src/zk/cluster/losslessJson';
import type { JsonObject } from '../../../../src/zk/cluster/transport';
import { ZkClient } from '../../../../src/zk/client';
import { sharedZooKeeper, withZooKeeper } from '../../../support/zookeeper';

describe('cluster: who watches this (wchp / wchc)', function () {
  this.timeout(60000);

  it('parses the text replies: paths with their session ids, sessions with their paths', () => {
    const wchp = watchTableFromText('/a\n\t0x100000abc000001\n\t0x1\n/b/c\n\t0x2\n', false);
    assert.deepEqual([...wchp], [['/a', ['0x1', '0x100000abc000001']], ['/b/c', ['0x2']]]);
    const wchc = watchTableFromText('0x100000abc000001\n\t/x\n\t/a\n0x2\n\t/b\n', true);
    assert.deepEqual([...wchc], [['0x100000abc000001', ['/a', '/x']], ['0x2', ['/b']]]);
  });

  it('parses the AdminServer replies without rounding 64-bit session ids', () => {
    // 0x100000abc000001 = 72057640141717505, beyond 2^53: JSON.parse would round it.
    const wchp = parseLosslessJson('{"path_to_session_ids":{"/a":[72057640141717505,2]},"command":"watches_by_path","error":null}') as JsonObject;
    assert.deepEqual([...watchTableFromJson(wchp, 'path_to_session_ids')], [['/a', ['0x100000abc000001', '0x2']]]);
    const wchc = parseLosslessJson('{"session_id_to_watched_paths":{"72057640141717505":["/b","/a"]},"command":"watches","error":null}') as JsonObject;
    assert.deepEqual([...watchTableFromJson(wchc, 'session_id_to_watched_paths')], [['0x100000abc000001', ['/a', '/b']]]);
  });

  for (const via of ['adminserver', '4lw'] as const) {
    it(`on a real server through ${via === 'adminserver' ? 'the AdminServer' : 'the four-letter words'}: the watching session of a node, and a session's watched paths`, async () => {
      const server = await sharedZooKeeper();
      const endpoint = { host: '127.0.0.1', port: server.port };
      const adminEndpoint = (): { host: string; port: number } | undefined => (via === 'adminserver' ? { host: '127.0.0.1', port: server.adminPort } : undefined);
      const client = await ZkClient.connect({ connectString: server.connectString, sessionTimeoutMs: 10000 });
      const base = `/who-watches-${via}-${Date.now()}`;
      try {
        await client.create(base);
        await client.create(`${base}/child`);
        await client.get(`${base}/child`, () => undefined);
        // A child watch too: ZooKeeper's wchp/wchc list data watches only (exists/getData), so it is not in the result.
        await client.getChildren(base, () => undefined);
        const id = `0x${client.sessionId.toString(16)}`;
        const watchers = await whoWatches([endpoint], `${base}/child`, { adminEndpoint });
        assert.deepEqual(watchers.sessions, [{ sessionId: id, server: server.connectString }]);
        assert.equal(watchers.servers[0].source, via);
        assert.equal(watchers.note, watchesExpensiveNote());
        const none = await whoWatches([endpoint], `${base}/nobody`, { adminEndpoint });
        assert.deepEqual(none.sessions, []);
        assert.match(formatWatchers(none), /No session watches it\./);
        const paths = await watchedPaths([endpoint], id, { adminEndpoint });
        assert.deepEqual(paths.paths, [`${base}/child`]);
        assert.match(formatWatchers(paths), new RegExp(`# Paths watched by session ${id}[\\s\\S]*expensive`));
      } finally {
        await client.delete(`${base}/child`).catch(() => undefined);
        await client.delete(base).catch(() => undefined);
        await client.close();
      }
    });
  }

  it('a server that does not allow wchp says which line to add, not an error', async () => {
    await withZooKeeper(
      async (server) => {
        const result = await whoWatches([{ host: '127.0.0.1', port: server.port }], '/', { adminEndpoint: () => undefined });
        assert.equal(result.servers[0].ok, false);
        assert.equal(result.servers[0].notAllowed, true);
        assert.equal(result.servers[0].error, 'Not allowed: add `4lw.commands.whitelist=srvr,mntr,conf,wchp` to its zoo.cfg (4lw.commands.whitelist), or turn on its AdminServer.');
      },
      { extraConfig: { '4lw.commands.whitelist': 'srvr', 'admin.enableServer': 'false' } },
    );
  });
});
