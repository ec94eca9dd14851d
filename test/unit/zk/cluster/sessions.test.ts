import * as assert from 'node:assert/strict';
import { readEphemerals, readSessions } from '../../../../src/zk/cluster/sessions';
import { ZkClient } from '../../../../src/zk/client';
import { sharedZooKeeper, withZooKeeper } from '../../../support/zookeeper';

describe('cluster: sessions (cons) and their ephemeral nodes (dump) from a real server', function () {
  this.timeout(60000);

  for (const source of ['adminserver', '4lw'] as const) {
    it(`through ${source === 'adminserver' ? 'the AdminServer' : 'the four-letter words'}: the session with its exact id, and its ephemerals`, async () => {
      const server = await sharedZooKeeper();
      const adminAt = source === 'adminserver' ? { host: '127.0.0.1', port: server.adminPort } : undefined;
      const client = await ZkClient.connect({ connectString: server.connectString, sessionTimeoutMs: 12000 });
      const base = `/cluster-sessions-${source}-${Date.now()}`;
      try {
        await client.create(base);
        await client.create(`${base}/b`, Buffer.from(''), { mode: 'ephemeral' });
        await client.create(`${base}/a`, Buffer.from(''), { mode: 'ephemeral' });
        const id = `0x${client.sessionId.toString(16)}`;
        const sessions = await readSessions({ host: '127.0.0.1', port: server.port }, adminAt);
        assert.ok(sessions.ok, JSON.stringify(sessions));
        assert.equal(sessions.source, source);
        const mine = sessions.sessions.find((s) => s.sessionId === id);
        assert.ok(mine, `${id} not among ${sessions.sessions.map((s) => s.sessionId).join(', ')}`);
        assert.equal(mine.timeoutMs, 12000);
        assert.match(mine.address, /^127\.0\.0\.1:\d+$/);
        const ephemerals = await readEphemerals({ host: '127.0.0.1', port: server.port }, adminAt);
        assert.ok(ephemerals.ok, JSON.stringify(ephemerals));
        assert.deepEqual(ephemerals.bySession.get(id), [`${base}/a`, `${base}/b`]);
      } finally {
        await client.close();
      }
    });
  }

  it('cons and dump outside the whitelist: "not allowed" with the zoo.cfg line', async () => {
    await withZooKeeper(
      async (server) => {
        const sessions = await readSessions({ host: '127.0.0.1', port: server.port }, undefined);
        assert.deepEqual(sessions, { ok: false, error: 'not allowed: add `4lw.commands.whitelist=srvr,mntr,conf,cons` to zoo.cfg (4lw.commands.whitelist), or turn on the AdminServer' });
        const dump = await readEphemerals({ host: '127.0.0.1', port: server.port }, undefined);
        assert.equal(dump.ok, false);
      },
      { extraConfig: { '4lw.commands.whitelist': 'srvr', 'admin.enableServer': 'false' } },
    );
  });
});
