import * as assert from 'node:assert/strict';
import { ZkClient, type ConnectionState, type SessionRenewal } from '../../../src/zk/client';
import { eventually } from '../../support/session';
import { withEnsemble, type Ensemble, type EnsembleServer } from '../../support/zookeeper';

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

/** The ensemble member `client` is talking to, found by the port of its socket's remote address. */
function connectedServer(ensemble: Ensemble, client: ZkClient): EnsembleServer {
  const address = client.serverAddress;
  assert.ok(address, 'the client has a socket');
  const match = /^127\.0\.0\.1:(\d+)$/.exec(address);
  assert.ok(match, `unexpected server address ${address}`);
  const server = ensemble.servers.find((s) => s.port === Number(match[1]));
  assert.ok(server, `${address} is not a member of ${ensemble.connectString}`);
  return server;
}

interface Watched {
  client: ZkClient;
  states: ConnectionState[];
  renewals: SessionRenewal[];
  /** Requests issued the moment the client reported 'suspended', before it had another server. */
  whileSuspended: Promise<unknown>[];
}

/** Connects with the full connect string and records what the client goes through. */
async function connectWatched(ensemble: Ensemble, prefix: string): Promise<Watched> {
  const client = await ZkClient.connect({ connectString: ensemble.connectString, sessionTimeoutMs: 10000, spinDelayMs: 100, connectTimeoutMs: 20000 });
  const watched: Watched = { client, states: [], renewals: [], whileSuspended: [] };
  client.onStateChange(({ state }) => {
    watched.states.push(state);
    if (state === 'suspended' && watched.whileSuspended.length === 0) {
      for (let i = 0; i < 20; i++) {
        watched.whileSuspended.push(i % 2 === 0 ? client.create(`${prefix}/queued-${i}`, text(String(i))) : client.exists(prefix));
      }
    }
  });
  client.onSessionRenewed((renewal) => watched.renewals.push(renewal));
  return watched;
}

/** What must hold after a failover: same session, ephemeral kept, every request answered, no renewal. */
async function assertSurvived(ensemble: Ensemble, watched: Watched, session: bigint, ephemeral: string, prefix: string, killed: EnsembleServer): Promise<void> {
  const { client } = watched;
  // The kill returns once the process is gone; the client (or its follower) may notice a moment later.
  await eventually(() => watched.states.includes('suspended'), 20000, 'the client to report suspended');
  await client.waitFor((s) => s === 'connected', 30000);
  const answers = await Promise.all(watched.whileSuspended);
  assert.equal(answers.length, 20);
  for (const [i, answer] of answers.entries()) {
    if (i % 2 === 0) assert.deepEqual((answer as { path: string }).path, `${prefix}/queued-${i}`);
    else assert.ok(answer, `exists ${i} found the prefix`);
  }

  assert.equal(client.sessionId, session, 'the same session');
  assert.deepEqual(watched.renewals, [], 'no session renewal');
  assert.equal(watched.states[0], 'suspended', watched.states.join(' → '));
  assert.equal(watched.states.at(-1), 'connected', watched.states.join(' → '));
  assert.ok(
    watched.states.every((s) => s === 'suspended' || s === 'connected'),
    `only suspended and connected, never expired: ${watched.states.join(' → ')}`,
  );
  assert.notEqual(connectedServer(ensemble, client).id, killed.id, 'moved to a live server');

  const observer = await ZkClient.connect({ connectString: ensemble.connectString, connectTimeoutMs: 20000 });
  try {
    await observer.sync(prefix);
    const stat = await observer.exists(ephemeral);
    assert.ok(stat, 'the ephemeral node survived');
    assert.equal(stat.ephemeralOwner, session);
    const children = (await observer.getChildren(prefix)).children.filter((c) => c.startsWith('queued-'));
    assert.equal(children.length, 10, 'every create issued while failing over was applied once');
  } finally {
    await observer.close();
  }
}

describe('ZkClient against a 3-server ensemble', function () {
  this.timeout(180000);

  it('keeps its session and ephemeral node when the server it is connected to is killed', () =>
    withEnsemble(async (ensemble) => {
      const watched = await connectWatched(ensemble, '/failover');
      const { client } = watched;
      try {
        await client.create('/failover');
        const ephemeral = (await client.create('/failover/owner', null, { mode: 'ephemeral' })).path;
        const session = client.sessionId;
        const victim = connectedServer(ensemble, client);
        await victim.kill('SIGKILL');
        await assertSurvived(ensemble, watched, session, ephemeral, '/failover', victim);
      } finally {
        await client.close();
      }
    }));

  it('keeps its session and ephemeral node when the leader is killed while it talks to a follower', () =>
    withEnsemble(async (ensemble) => {
      const leader = await ensemble.leader();
      // The servers are tried in random order: reconnect until the session is on a follower.
      let watched = await connectWatched(ensemble, '/leaderless');
      for (let attempt = 0; attempt < 20 && connectedServer(ensemble, watched.client).id === leader.id; attempt++) {
        await watched.client.close();
        watched = await connectWatched(ensemble, '/leaderless');
      }
      const { client } = watched;
      try {
        assert.notEqual(connectedServer(ensemble, client).id, leader.id, 'could not get a session on a follower');
        await client.create('/leaderless');
        const ephemeral = (await client.create('/leaderless/owner', null, { mode: 'ephemeral' })).path;
        const session = client.sessionId;
        await leader.kill('SIGKILL');
        await assertSurvived(ensemble, watched, session, ephemeral, '/leaderless', leader);
        const newLeader = await ensemble.leader();
        assert.notEqual(newLeader.id, leader.id);
      } finally {
        await client.close();
      }
    }));

  it('a sequence of writes by a client on one server is all visible on another server after sync', () =>
    withEnsemble(async (ensemble) => {
      const [first, second] = ensemble.servers;
      const writer = await ZkClient.connect({ connectString: `127.0.0.1:${first.port}` });
      const reader = await ZkClient.connect({ connectString: `127.0.0.1:${second.port}` });
      try {
        await writer.create('/seq', text('v0'));
        await reader.sync('/seq');
        assert.equal((await reader.get('/seq')).data.toString(), 'v0');
        for (let i = 1; i <= 100; i++) await writer.set('/seq', text(`v${i}`));
        for (let i = 0; i < 30; i++) await writer.create(`/seq/c${i}`);

        // Pipelined: the read is sent right behind the sync on the same session and still sees every write.
        const [, read, listed] = await Promise.all([reader.sync('/seq'), reader.get('/seq'), reader.getChildren('/seq')]);
        assert.equal(read.data.toString(), 'v100');
        assert.equal(read.stat.version, 100);
        assert.equal(listed.children.length, 30);

        const lastWrite = await writer.set('/seq', text('last'));
        await reader.sync('/seq');
        const after = await reader.get('/seq');
        assert.equal(after.data.toString(), 'last');
        assert.equal(after.stat.mzxid, lastWrite.mzxid);
      } finally {
        await Promise.all([writer.close(), reader.close()]);
      }
    }));
});
