import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ZooKeeperExplorerApi } from '../../src/extension/extension';
import { COMMANDS } from '../../src/extension/commandIds';
import type { AdminCommandResult, ClusterReport } from '../../src/zk/cluster';
import type { ClusterConnectionItem, ClusterNode, ClusterServerItem, ClusterSessionItem } from '../../src/tree/clusterProvider';
import type { MetricsSample, WatchedPathsResult, WhoWatchesResult } from '../../src/zk/cluster';
import { ZkClient } from '../../src/zk/client';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { eventually } from '../support/session';
import { zookeeper, type Ensemble } from '../support/zookeeper';

const EXTENSION_ID = 'zookeeper-explorer.zookeeper-explorer';

// Items come from the bundled extension (dist/), so they are told apart by `kind`, not instanceof.
// A real 3-server ensemble: AdminServer on servers 1 and 2, off on 3, and server 3 allows only srvr.
describe('the Cluster view and its commands', function () {
  this.timeout(180000);
  const name = `cluster-${Date.now()}`;
  const global = vscode.ConfigurationTarget.Global;
  let api: ZooKeeperExplorerApi;
  let ensemble: Ensemble;

  const show = (): Thenable<ClusterReport> => vscode.commands.executeCommand<ClusterReport>(COMMANDS.showCluster, { connection: name });
  const text = (node: ClusterNode): string => {
    const item = api.cluster.provider.getTreeItem(node);
    return `${typeof item.label === 'string' ? item.label : (item.label?.label ?? '')} | ${typeof item.description === 'string' ? item.description : ''}`;
  };

  before(async () => {
    api = await vscode.extensions.getExtension<ZooKeeperExplorerApi>(EXTENSION_ID)!.activate();
    ensemble = await zookeeper.startEnsemble({
      install: true,
      serverConfig: (id): Record<string, string> => (id === 3 ? { 'admin.enableServer': 'false', '4lw.commands.whitelist': 'srvr' } : {}),
    });
    const ports = Object.fromEntries(ensemble.servers.map((s) => [`127.0.0.1:${s.port}`, s.id === 3 ? false : s.adminPort]));
    await vscode.workspace.getConfiguration('zookeeper.cluster').update('adminPorts', { [name]: ports }, global);
    await vscode.commands.executeCommand(COMMANDS.addConnection, { name, connectString: ensemble.connectString });
  });

  after(async () => {
    await vscode.commands.executeCommand(COMMANDS.removeConnection, { connection: name });
    await vscode.workspace.getConfiguration('zookeeper.cluster').update('adminPorts', undefined, global);
    await ensemble?.stop();
  });

  it('zookeeper.showCluster gives every server with role, state, source and figures, and the leader', async () => {
    const leader = await ensemble.leader();
    const report = await show();
    assert.deepEqual(report.servers.map((s) => s.address), ensemble.servers.map((s) => `127.0.0.1:${s.port}`));
    assert.equal(report.leader, `127.0.0.1:${leader.port}`);
    assert.deepEqual(report.servers.map((s) => s.state), ['serving', 'serving', 'serving']);
    assert.deepEqual(report.servers.map((s) => s.role).sort(), ['follower', 'follower', 'leader']);
    assert.deepEqual(report.servers.map((s) => s.source), ['adminserver', 'adminserver', '4lw']);
    for (const s of report.servers) assert.equal(typeof s.metrics.znodes, 'number', JSON.stringify(s));
    const notAllowed = report.warnings.find((w) => w.code === 'notAllowed');
    assert.match(notAllowed?.message ?? '', /Not allowed: add `4lw\.commands\.whitelist=srvr,mntr,conf` to its zoo\.cfg/);
  });

  it('zookeeper.runAdminCommand to all servers: JSON from the AdminServers, the sentence from server 3; and to one server', async () => {
    const all = await vscode.commands.executeCommand<AdminCommandResult[]>(COMMANDS.runAdminCommand, { connection: name, command: 'mntr', allServers: true });
    assert.deepEqual(all.map((r) => r.server), ensemble.servers.map((s) => `127.0.0.1:${s.port}`));
    assert.deepEqual(all.map((r) => r.ok), [true, true, false]);
    assert.equal(typeof all[0].json?.znode_count, 'number');
    assert.match(all[2].error ?? '', /^not allowed: add `4lw\.commands\.whitelist=srvr,mntr,conf`/);
    const third = `127.0.0.1:${ensemble.servers[2].port}`;
    const one = await vscode.commands.executeCommand<AdminCommandResult[]>(COMMANDS.runAdminCommand, { connection: name, command: 'srvr', server: third });
    assert.equal(one.length, 1);
    assert.equal(one[0].ok, true);
    assert.match(one[0].text ?? '', /^Mode: (leader|follower)$/m);
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand(COMMANDS.runAdminCommand, { connection: name, command: 'rmrf' })),
      /Unknown admin command "rmrf"/,
    );
  });

  it('"Sessions" under a server: its client sessions with exact ids and their ephemeral nodes, each a jump to the explorer; sortable', async () => {
    const server1 = `127.0.0.1:${ensemble.servers[0].port}`;
    const client = await ZkClient.connect({ connectString: server1, sessionTimeoutMs: 8000 }); // within the ensemble's 1–10 s (tickTime 500)
    const base = `/cluster-ext-${Date.now()}`;
    try {
      await client.create(base);
      await client.create(`${base}/owned`, Buffer.from(''), { mode: 'ephemeral' });
      const id = `0x${client.sessionId.toString(16)}`;
      await api.cluster.provider.refresh(name);
      const connection = (await api.cluster.provider.getChildren()).find((n): n is ClusterConnectionItem => n.kind === 'clusterConnection' && n.connection === name)!;
      const server = (await api.cluster.provider.getChildren(connection)).find((n): n is ClusterServerItem => n.kind === 'clusterServer' && n.server.address === server1)!;
      const sessionsRow = (await api.cluster.provider.getChildren(server)).find((n) => n.kind === 'clusterSessions');
      assert.ok(sessionsRow);
      const sessions = await api.cluster.provider.getChildren(sessionsRow);
      const mine = sessions.find((n): n is ClusterSessionItem => n.kind === 'clusterSession' && n.session.sessionId === id);
      assert.ok(mine, sessions.map(text).join('\n'));
      assert.match(text(mine), /\| 127\.0\.0\.1:\d+ · timeout 8 s · .* · 1 ephemeral$/);
      const [ephemeral] = await api.cluster.provider.getChildren(mine);
      const item = api.cluster.provider.getTreeItem(ephemeral);
      assert.equal(item.label, `${base}/owned`);
      assert.equal(item.command?.command, COMMANDS.goToPath);
      assert.deepEqual(item.command?.arguments, [{ connection: name, path: `${base}/owned` }]);

      // Sortable: a second session owning two ephemerals comes first by ephemerals, and back by id.
      const other = await ZkClient.connect({ connectString: server1, sessionTimeoutMs: 8000 });
      try {
        await other.create(`${base}/x`, Buffer.from(''), { mode: 'ephemeral' });
        await other.create(`${base}/y`, Buffer.from(''), { mode: 'ephemeral' });
        const otherId = `0x${other.sessionId.toString(16)}`;
        const ids = async (): Promise<string[]> =>
          (await api.cluster.provider.getChildren(sessionsRow)).filter((n): n is ClusterSessionItem => n.kind === 'clusterSession').map((n) => n.session.sessionId).filter((x) => x === id || x === otherId);
        assert.deepEqual(await vscode.commands.executeCommand(COMMANDS.sortClusterSessions, { by: 'ephemerals' }), { by: 'ephemerals' });
        assert.deepEqual(await ids(), [otherId, id]);
        await vscode.commands.executeCommand(COMMANDS.sortClusterSessions, { by: 'id' });
        assert.deepEqual(await ids(), [id, otherId].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
      } finally {
        await other.close();
        await vscode.commands.executeCommand(COMMANDS.sortClusterSessions, { by: 'id' });
      }
    } finally {
      await client.close();
    }
  });

  it('the view lists the servers with role and state, and shows a stopped follower as unreachable, then back', async () => {
    const connection = (await api.cluster.provider.getChildren()).find((n): n is ClusterConnectionItem => n.kind === 'clusterConnection' && n.connection === name);
    assert.ok(connection);
    const rows = async (): Promise<ClusterNode[]> => api.cluster.provider.getChildren(connection);
    await api.cluster.provider.refresh(name);
    const servers = (await rows()).filter((n): n is ClusterServerItem => n.kind === 'clusterServer');
    assert.equal(servers.length, 3);
    assert.ok(servers.some((s) => /\| leader · serving/.test(text(s))), servers.map(text).join('\n'));
    assert.ok((await rows()).some((n) => n.kind === 'clusterWarning' && n.warning.code === 'notAllowed'));

    const leader = await ensemble.leader();
    const follower = ensemble.servers.find((s) => s !== leader && s.id !== 3) ?? ensemble.servers.find((s) => s !== leader)!;
    const address = `127.0.0.1:${follower.port}`;
    await follower.stop();
    await api.cluster.provider.refresh(name);
    const down = (await rows()).find((n): n is ClusterServerItem => n.kind === 'clusterServer' && n.server.address === address);
    assert.ok(down);
    assert.match(text(down), /\| unreachable/);
    assert.match((await api.cluster.provider.getChildren(down)).map(text).join('\n'), /unreachable \| connection refused at 127\.0\.0\.1:\d+/);
    await follower.start();
    await eventually(
      async () => {
        await api.cluster.provider.refresh(name);
        return (await rows()).some((n) => n.kind === 'clusterServer' && n.server.address === address && n.server.state === 'serving');
      },
      60000,
      'the follower serving again in the view',
    );
  });

  it('zookeeper.whoWatches asks every server (wchp): the watching session and its server; server 3 says which whitelist line to add; zookeeper.watchedPaths (wchc)', async () => {
    const server1 = `127.0.0.1:${ensemble.servers[0].port}`;
    const client = await ZkClient.connect({ connectString: server1, sessionTimeoutMs: 8000 });
    const base = `/who-watches-ext-${Date.now()}`;
    try {
      await client.create(base);
      await client.get(base, () => undefined);
      const id = `0x${client.sessionId.toString(16)}`;
      const result = await vscode.commands.executeCommand<WhoWatchesResult>(COMMANDS.whoWatches, { connection: name, path: base });
      assert.deepEqual(result.sessions, [{ sessionId: id, server: server1 }]);
      assert.deepEqual(result.servers.map((s) => s.ok), [true, true, false]);
      assert.equal(result.servers[2].error, 'Not allowed: add `4lw.commands.whitelist=srvr,mntr,conf,wchp` to its zoo.cfg (4lw.commands.whitelist), or turn on its AdminServer.');
      assert.match(result.note, /expensive/);
      const paths = await vscode.commands.executeCommand<WatchedPathsResult>(COMMANDS.watchedPaths, { connection: name, sessionId: id });
      assert.deepEqual(paths.paths, [base]);
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand(COMMANDS.watchedPaths, { connection: name, sessionId: 'nope' })), /is not a session id/);
    } finally {
      await client.delete(base).catch(() => undefined);
      await client.close();
    }
  });

  it('zookeeper.showEnsembleConfig gives the members and version; zookeeper.reconfigure is refused with the reason when reconfig is disabled', async () => {
    const config = await vscode.commands.executeCommand<{ version?: string; members: { id: number; role: string }[]; quorum: string; quorumText: string }>(COMMANDS.showEnsembleConfig, {
      connection: name,
    });
    assert.deepEqual(config.members.map((m) => `${m.id}:${m.role}`), ['1:participant', '2:participant', '3:participant']);
    assert.match(config.version ?? '', /^[0-9a-f]+$/);
    assert.match(config.quorum, /^3 voting members \(quorum 2/);
    // The display language is English here: quorumText (the same words in it) equals the stable English field.
    assert.equal(config.quorumText, config.quorum);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand(COMMANDS.reconfigure, { connection: name, remove: 3 })), /Refused: dynamic reconfiguration is disabled on the server\. Set reconfigEnabled=true/);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand(COMMANDS.reconfigure, { connection: name, remove: 7 })), /Server 7 is not in the configuration/);
  });

  describe('the metrics panel', () => {
    const metricsName = `${name}-metrics`;
    type Shown = { connection: string; intervalMs: number; polling: boolean; samples: MetricsSample[] };
    const showMetrics = (connection: string): Thenable<Shown> => vscode.commands.executeCommand<Shown>(COMMANDS.showMetrics, { connection });

    before(async () => {
      await vscode.workspace.getConfiguration('zookeeper.cluster').update('metricsInterval', 1, global);
      // A second connection to the same ensemble: its panel is the sentinel that time went by.
      await vscode.commands.executeCommand(COMMANDS.addConnection, { name: metricsName, connectString: ensemble.connectString });
      // The Cluster view hidden (another container shown): only the panels decide whether to poll.
      await vscode.commands.executeCommand('workbench.view.explorer');
    });

    after(async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand(COMMANDS.removeConnection, { connection: metricsName });
      await vscode.workspace.getConfiguration('zookeeper.cluster').update('metricsInterval', undefined, global);
    });

    it('zookeeper.showMetrics samples every interval while visible; a stopped server is unreachable in a later sample; CSV export', async () => {
      const first = await showMetrics(name);
      assert.equal(first.intervalMs, 1000);
      assert.equal(first.polling, true);
      const samples = (): MetricsSample[] => api.cluster.metrics.samples(name);
      await eventually(() => samples().length >= 2, 60000, 'two samples');
      const latest = samples()[samples().length - 1];
      assert.deepEqual(latest.servers.map((s) => s.server), ensemble.servers.map((s) => `127.0.0.1:${s.port}`));
      for (const s of latest.servers) assert.equal(typeof s.values.znodes, 'number', JSON.stringify(s));
      assert.ok(latest.servers.some((s) => s.values.packetsReceivedPerSecond !== undefined), JSON.stringify(latest));

      const leader = await ensemble.leader();
      const follower = ensemble.servers.find((s) => s !== leader && s.id !== 3) ?? ensemble.servers.find((s) => s !== leader)!;
      const address = `127.0.0.1:${follower.port}`;
      const before = samples().length;
      await follower.stop();
      try {
        await eventually(() => samples().slice(before).some((x) => x.servers.find((s) => s.server === address)?.state === 'unreachable'), 60000, 'a sample with the stopped follower unreachable');
      } finally {
        await follower.start();
      }
      await eventually(() => samples()[samples().length - 1].servers.find((s) => s.server === address)?.state === 'serving', 60000, 'the follower serving again in a sample');

      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zke-metrics-')), 'metrics.csv');
      const exported = await vscode.commands.executeCommand<{ uri: string; rows: number; samples: number }>(COMMANDS.exportMetrics, { connection: name, uri: file });
      const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
      assert.equal(lines[0], 'time,server,role,state,avg_latency_ms,max_latency_ms,outstanding_requests,packets_received_per_s,packets_sent_per_s,connections,znodes,watches');
      assert.equal(lines.length - 1, exported.rows);
      assert.ok(exported.rows >= 3 * exported.samples - 3, JSON.stringify(exported));
      assert.ok(lines.some((l) => l.includes(`,${address},unknown,unreachable,`)), lines.join('\n'));
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    });

    it('a panel behind another editor does not poll, while a visible one does (its samples prove the time)', async () => {
      await showMetrics(name);
      assert.equal(api.cluster.metrics.isPolling(name), true);
      // Another editor over it in the same group: the panel is hidden.
      // A file on disk, not an untitled one: closing it later asks nothing.
      const coverFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zke-cover-')), 'cover.txt');
      fs.writeFileSync(coverFile, 'cover\n');
      const doc = await vscode.workspace.openTextDocument(coverFile);
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Active, preview: false });
      await eventually(() => !api.cluster.metrics.isPolling(name), 10000, 'the hidden panel stops polling');
      const hiddenCount = api.cluster.metrics.samples(name).length;
      // The sentinel: a panel in a second column, visible, gathers three samples at 1 s meanwhile.
      await vscode.commands.executeCommand('workbench.action.splitEditorRight');
      await showMetrics(metricsName);
      assert.equal(api.cluster.metrics.isPolling(metricsName), true);
      const sentinelStart = api.cluster.metrics.samples(metricsName).length;
      await eventually(() => api.cluster.metrics.samples(metricsName).length >= sentinelStart + 3, 60000, 'three samples of the visible panel');
      // At most one sample that was already in flight when the panel was hidden.
      assert.ok(api.cluster.metrics.samples(name).length <= hiddenCount + 1, `${api.cluster.metrics.samples(name).length} vs ${hiddenCount}`);
      assert.equal(api.cluster.metrics.isPolling(name), false);
    });
  });
});

// Reconfig on an ensemble that allows it (reconfigEnabled=true) and has a super user.
describe('dynamic reconfiguration from VS Code', function () {
  this.timeout(180000);
  const name = `reconfig-${Date.now()}`;
  let ensemble: Ensemble;

  before(async () => {
    await vscode.extensions.getExtension<ZooKeeperExplorerApi>(EXTENSION_ID)!.activate();
    const digest = `super:${crypto.createHash('sha1').update('super:s3cret').digest('base64')}`;
    ensemble = await zookeeper.startEnsemble({ install: true, reconfig: true, serverConfig: () => ({ 'DigestAuthenticationProvider.superDigest': digest }) });
    await vscode.commands.executeCommand(COMMANDS.addConnection, { name, connectString: ensemble.connectString });
  });

  after(async () => {
    await vscode.commands.executeCommand(COMMANDS.removeConnection, { connection: name });
    await ensemble?.stop();
  });

  it('without rights: refused with what to do; as super: a fourth server joins, and the configuration shows it', async () => {
    const { server: fourth, spec } = await ensemble.addServer();
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand(COMMANDS.reconfigure, { connection: name, add: spec })), /Refused: you lack the rights\. A reconfig needs the super user/);
    await vscode.commands.executeCommand(COMMANDS.setCredentials, { connection: name, digest: { user: 'super', password: 's3cret' } });
    const result = await vscode.commands.executeCommand<{ summary: string; quorum: string; before: string; after: { version: string; members: { id: number; clientAddress?: string }[] } }>(COMMANDS.reconfigure, {
      connection: name,
      add: spec,
    });
    assert.match(result.summary, /^add server 4 .*Afterwards the ensemble has 4 voting members \(quorum 3/);
    assert.notEqual(result.after.version, result.before);
    assert.deepEqual(result.after.members.map((m) => m.id), [1, 2, 3, 4]);
    assert.equal(result.after.members[3].clientAddress, `127.0.0.1:${fourth.port}`);
    const shown = await vscode.commands.executeCommand<{ version: string; members: { id: number }[] }>(COMMANDS.showEnsembleConfig, { connection: name });
    assert.equal(shown.version, result.after.version);
    assert.deepEqual(shown.members.map((m) => m.id), [1, 2, 3, 4]);
  });
});
