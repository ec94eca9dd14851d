import * as assert from 'node:assert/strict';
import { ClusterProbe } from '../../../../src/zk/cluster/probe';
import { ADMIN_COMMANDS, findAdminCommand, runAdminCommand } from '../../../../src/zk/cluster/adminCommands';
import { getAdminCommand } from '../../../../src/zk/cluster/transport';
import type { ClusterReport, ServerReport } from '../../../../src/zk/cluster/types';
import { ZkClient } from '../../../../src/zk/client';
import { eventually } from '../../../support/session';
import { sharedZooKeeper, withZooKeeper, zookeeper, type Ensemble } from '../../../support/zookeeper';

const byAddress = (report: ClusterReport, port: number): ServerReport => {
  const found = report.servers.find((s) => s.address === `127.0.0.1:${port}`);
  assert.ok(found, `no server 127.0.0.1:${port} in ${JSON.stringify(report.servers.map((s) => s.address))}`);
  return found;
};

describe('cluster: probing a standalone server', function () {
  this.timeout(60000);

  it('through the AdminServer: standalone, serving, version and figures', async () => {
    const server = await sharedZooKeeper();
    const probe = new ClusterProbe({ connectString: server.connectString, adminPort: server.adminPort });
    try {
      const report = await probe.probe();
      assert.equal(report.servers.length, 1);
      const [s] = report.servers;
      assert.equal(s.address, server.connectString);
      assert.equal(s.source, 'adminserver');
      assert.equal(s.role, 'standalone');
      assert.equal(s.state, 'serving');
      assert.match(s.version ?? '', /^3\.\d+\.\d+/);
      assert.ok((s.metrics.znodes ?? 0) >= 1, JSON.stringify(s.metrics));
      assert.equal(typeof s.metrics.avgLatency, 'number');
      assert.equal(typeof s.metrics.openFileDescriptors, 'number');
      assert.match(s.metrics.lastZxid ?? '', /^0x[0-9a-f]+$/);
      assert.equal(report.leader, undefined);
      assert.deepEqual(report.warnings.filter((w) => w.code === 'mixedEnsembles' || w.code === 'noLeader'), []);
    } finally {
      probe.dispose();
    }
  });

  it('through the four-letter words when it has no AdminServer: the same role and figures', async () => {
    const server = await sharedZooKeeper();
    const probe = new ClusterProbe({ connectString: server.connectString, adminPort: false });
    try {
      const [s] = (await probe.probe()).servers;
      assert.equal(s.source, '4lw');
      assert.equal(s.role, 'standalone');
      assert.equal(s.state, 'serving');
      assert.match(s.version ?? '', /^3\.\d+\.\d+/);
      assert.ok((s.metrics.znodes ?? 0) >= 1);
      assert.equal(typeof s.metrics.watches, 'number');
      assert.equal(s.notAllowed, undefined);
    } finally {
      probe.dispose();
    }
  });

  it('a connect string spanning two standalone servers: the mixed-ensemble warning', async () => {
    const first = await sharedZooKeeper();
    await withZooKeeper(async (second) => {
      const probe = new ClusterProbe({ connectString: `${first.connectString},${second.connectString}`, adminPort: false });
      try {
        const report = await probe.probe();
        assert.deepEqual(report.servers.map((s) => s.role), ['standalone', 'standalone']);
        const mixed = report.warnings.filter((w) => w.code === 'mixedEnsembles');
        assert.equal(mixed.length, 1, JSON.stringify(report.warnings));
        assert.match(mixed[0].message, /separate standalone servers, each with its own data/);
        assert.ok(mixed[0].message.includes(first.connectString) && mixed[0].message.includes(second.connectString));
      } finally {
        probe.dispose();
      }
    });
  });
});

describe('cluster: probing a 3-server ensemble (AdminServer on 1 and 2, off on 3; server 3 allows only srvr)', function () {
  this.timeout(180000);
  let ensemble: Ensemble;
  let probe: ClusterProbe;
  const port = (id: number): number => ensemble.servers[id - 1].port;

  before(async () => {
    ensemble = await zookeeper.startEnsemble({
      install: true,
      serverConfig: (id): Record<string, string> => (id === 3 ? { 'admin.enableServer': 'false', '4lw.commands.whitelist': 'srvr' } : {}),
    });
    // Server 3's AdminServer port is given but nothing listens there: the probe must fall back.
    const adminPorts = new Map(ensemble.servers.map((s) => [s.port, s.adminPort]));
    probe = new ClusterProbe({ connectString: ensemble.connectString, adminPort: (server) => adminPorts.get(server.port) });
  });

  after(async () => {
    probe?.dispose();
    await ensemble?.stop();
  });

  it('shows every server with its role, source and one leader', async () => {
    const leader = await ensemble.leader();
    const report = await probe.probe();
    assert.equal(report.servers.length, 3, JSON.stringify(report.servers));
    assert.equal(report.leader, `127.0.0.1:${leader.port}`);
    assert.deepEqual(report.servers.map((s) => s.state), ['serving', 'serving', 'serving']);
    assert.deepEqual(report.servers.map((s) => s.role).sort(), ['follower', 'follower', 'leader']);
    assert.deepEqual(report.servers.map((s) => s.source), ['adminserver', 'adminserver', '4lw']);
    assert.equal(byAddress(report, port(1)).sid, 1);
    assert.equal(byAddress(report, port(2)).sid, 2);
    const leaderReport = byAddress(report, leader.port);
    if (leaderReport.source === 'adminserver') assert.equal(leaderReport.metrics.syncedFollowers, 2);
    for (const s of report.servers.filter((x) => x.role === 'follower' && x.source === 'adminserver')) {
      assert.equal(typeof s.metrics.zxidBehindLeader, 'number');
      assert.equal(s.leaderId, leader.id);
    }
    assert.deepEqual(report.warnings.filter((w) => w.code === 'mixedEnsembles'), []);
  });

  it('a word outside the whitelist is "not allowed" with the zoo.cfg line, not an error', async () => {
    const report = await probe.probe();
    const third = byAddress(report, port(3));
    assert.equal(third.state, 'serving');
    assert.deepEqual(third.notAllowed, ['mntr', 'conf']);
    assert.equal(third.reason, undefined);
    const warning = report.warnings.find((w) => w.code === 'notAllowed');
    assert.ok(warning, JSON.stringify(report.warnings));
    assert.equal(warning.server, `127.0.0.1:${port(3)}`);
    assert.match(warning.message, /Not allowed: add `4lw\.commands\.whitelist=srvr,mntr,conf` to its zoo\.cfg/);
    // srvr still gives its figures.
    assert.equal(typeof third.metrics.znodes, 'number');
  });

  it('runAdminCommand: JSON from the AdminServers, "not allowed" from server 3', async () => {
    const mntr = findAdminCommand('mntr');
    assert.ok(mntr);
    const adminPorts = new Map(ensemble.servers.map((s) => [s.port, s.adminPort]));
    const results = await runAdminCommand(
      ensemble.servers.map((s) => ({ host: '127.0.0.1', port: s.port })),
      mntr,
      { adminEndpoint: (server) => ({ host: server.host, port: adminPorts.get(server.port) ?? 8080 }) },
    );
    assert.equal(results.length, 3);
    assert.deepEqual(results.map((r) => r.ok), [true, true, false]);
    assert.equal(typeof results[0].json?.znode_count, 'number');
    assert.match(results[2].error ?? '', /^not allowed: add `4lw\.commands\.whitelist=srvr,mntr,conf` to zoo\.cfg/);
    const srvr = await runAdminCommand([{ host: '127.0.0.1', port: port(3) }], findAdminCommand('srvr')!, { adminEndpoint: () => undefined });
    assert.equal(srvr[0].ok, true);
    assert.match(srvr[0].text ?? '', /^Mode: (leader|follower)$/m);
    assert.ok(ADMIN_COMMANDS.every((c) => c.description.length > 10));
  });

  it('a server missing from the connect string still shows, with a note, from the ensemble\'s configuration', async () => {
    const adminPorts = new Map(ensemble.servers.map((s) => [s.port, s.adminPort]));
    const partial = new ClusterProbe({ connectString: `127.0.0.1:${port(1)},127.0.0.1:${port(2)}`, adminPort: (server) => adminPorts.get(server.port) });
    try {
      const report = await partial.probe();
      assert.equal(report.servers.length, 3, JSON.stringify(report.servers));
      const third = report.servers[2];
      assert.equal(third.sid, 3);
      assert.match(third.note ?? '', /^not in the connect string: server\.3 of the ensemble's configuration/);
      // The test ensemble's server lines carry no client port, so it cannot be asked: said, not guessed.
      assert.match(third.reason ?? '', /gives no client address/);
    } finally {
      partial.dispose();
    }
  });

  it('a real session id (>= 2^56) survives the AdminServer JSON of cons', async () => {
    const client = await ZkClient.connect({ connectString: `127.0.0.1:${port(1)}`, sessionTimeoutMs: 10000 });
    try {
      const id = client.sessionId;
      assert.ok(id >= 2n ** 56n, `session id 0x${id.toString(16)} is below 2^56`);
      const reply = await getAdminCommand({ host: '127.0.0.1', port: ensemble.servers[0].adminPort }, 'connections', 5000);
      assert.equal(reply.kind, 'ok');
      const connections = (reply.kind === 'ok' ? reply.json.connections : []) as { session_id: string | number }[];
      const ids = connections.map((c) => String(c.session_id));
      assert.ok(ids.includes(id.toString()), `${id} not among ${ids.join(', ')}`);
    } finally {
      await client.close();
    }
  });

  it('a follower stopped is unreachable with why, and serving again once started', async () => {
    const leader = await ensemble.leader();
    const follower = ensemble.servers.find((s) => s !== leader && s.id !== 3) ?? ensemble.servers.find((s) => s !== leader)!;
    await follower.stop();
    const down = byAddress(await probe.probe(), follower.port);
    assert.equal(down.state, 'unreachable');
    assert.match(down.reason ?? '', new RegExp(`connection refused at 127\\.0\\.0\\.1:${follower.port}`));
    const report = await probe.probe();
    assert.ok(report.warnings.some((w) => w.code === 'unreachable' && w.server === `127.0.0.1:${follower.port}`));
    if (leader.id !== 3) {
      // The leader notices the lost follower when its socket closes: wait for that, then read the sentence.
      let later = report;
      await eventually(async () => {
        later = await probe.probe();
        return byAddress(later, leader.port).metrics.syncedFollowers === 1;
      }, 30000, 'the leader to count 1 synced follower');
      assert.ok(later.warnings.some((w) => w.code === 'followerOutOfSync' && /has 1 of 2 followers in sync/.test(w.message)), JSON.stringify(later.warnings));
    }
    await follower.start();
    await eventually(async () => byAddress(await probe.probe(), follower.port).state === 'serving', 60000, 'the follower to serve again');
    assert.equal(byAddress(await probe.probe(), follower.port).role, 'follower');
  });

  it('the leader stopped: a new leader, and the election is reported', async () => {
    const before = await ensemble.leader();
    assert.equal((await probe.probe()).leader, `127.0.0.1:${before.port}`);
    await before.kill();
    let report: ClusterReport | undefined;
    await eventually(
      async () => {
        report = await probe.probe();
        return report.leader !== undefined && report.leader !== `127.0.0.1:${before.port}`;
      },
      60000,
      'a new leader',
    );
    assert.ok(report);
    assert.equal(byAddress(report, before.port).state, 'unreachable');
    const newLeader = report.leader!;
    assert.ok(report.warnings.some((w) => w.code === 'recentElection' && w.server === newLeader), JSON.stringify(report.warnings));
    await before.start();
  });
});
