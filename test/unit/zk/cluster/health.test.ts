import * as assert from 'node:assert/strict';
import { assessCluster, THRESHOLDS, type ProbeHistory } from '../../../../src/zk/cluster/health';
import { parseConf, parseMntr, parseServerLine, parseSrvr, zxidDistance } from '../../../../src/zk/cluster/parse';
import type { ServerReport } from '../../../../src/zk/cluster/types';

const server = (address: string, extra: Partial<ServerReport> = {}): ServerReport => ({ address, role: 'follower', state: 'serving', source: 'adminserver', metrics: {}, ...extra });
const codes = (reports: ServerReport[], history: ProbeHistory = {}, now = 1e12): string[] => assessCluster(reports, history, now).map((w) => w.code);

describe('cluster: health rules', () => {
  it('warns on each threshold of the monitoring guide, and not at the threshold itself', () => {
    const over = server('a:1', { role: 'standalone', metrics: { znodes: THRESHOLDS.znodes + 1, watches: 10_001, openFileDescriptors: 301, avgLatency: 100.5 } });
    assert.deepEqual(codes([over]).sort(), ['avgLatency', 'openFileDescriptors', 'watchCount', 'znodeCount']);
    const at = server('a:1', { role: 'standalone', metrics: { znodes: 1_000_000, watches: 10_000, openFileDescriptors: 300, avgLatency: 100 } });
    assert.deepEqual(codes([at]), []);
    const message = assessCluster([over], {}, 0).find((w) => w.code === 'watchCount')?.message ?? '';
    assert.match(message, /^a:1 holds 10,001 watches, over 10,000: /);
  });

  it('servers that disagree on membership or name different leaders: two ensembles mixed', () => {
    const a = server('a:1', { role: 'leader', membership: ['1=h:1:h:2:participant'] });
    const b = server('b:1', { membership: ['1=x:1:x:2:participant'], leaderId: 1 });
    assert.ok(codes([a, b]).includes('mixedEnsembles'));
    const c = server('c:1', { membership: ['1=h:1:h:2:participant'], leaderId: 1 });
    const d = server('d:1', { membership: ['1=h:1:h:2:participant'], leaderId: 2 });
    assert.deepEqual(assessCluster([c, d], {}, 0).filter((w) => w.code === 'mixedEnsembles').map((w) => w.message), [
      'The servers name different leaders (myid 1 and 2): the connect string spans two ensembles, or an election is settling.',
    ]);
    assert.ok(codes([server('e:1', { role: 'leader' }), server('f:1', { role: 'leader' })]).includes('mixedEnsembles'));
    assert.ok(!codes([server('g:1', { role: 'leader', membership: ['k'] }), server('h:1', { membership: ['k'] })]).includes('mixedEnsembles'));
  });

  it('a leader change between two probes is a recent election, for 5 minutes', () => {
    const history: ProbeHistory = {};
    assert.ok(!codes([server('a:1', { role: 'leader' })], history, 1000).includes('recentElection'));
    assert.ok(codes([server('b:1', { role: 'leader' })], history, 2000).includes('recentElection'));
    assert.ok(codes([server('b:1', { role: 'leader' })], history, 2000 + THRESHOLDS.recentElectionMs - 1).includes('recentElection'));
    assert.ok(!codes([server('b:1', { role: 'leader' })], history, 2000 + THRESHOLDS.recentElectionMs).includes('recentElection'));
  });

  it('a quorum whose members joined their leader less than 5 minutes ago: one election warning, on the leader', () => {
    const fresh = [server('l:1', { role: 'leader', metrics: { uptimeMs: 90_000 } }), server('f:1', { metrics: { uptimeMs: 89_000 } })];
    const warnings = assessCluster(fresh, {}, 0).filter((w) => w.code === 'recentElection');
    assert.deepEqual(warnings.map((w) => w.server), ['l:1']);
    assert.match(warnings[0].message, /^A leader election happened in the last 5 minutes \(the leader has led for 90 s\)\. Elections stop writes/);
    const old = [server('l:1', { role: 'leader', metrics: { uptimeMs: THRESHOLDS.recentElectionMs } }), server('f:1', { metrics: { uptimeMs: THRESHOLDS.recentElectionMs } })];
    assert.ok(!codes(old).includes('recentElection'));
    // A standalone server that just started had no election.
    assert.ok(!codes([server('s:1', { role: 'standalone', metrics: { uptimeMs: 1000 } })]).includes('recentElection'));
  });

  it('a follower still synchronizing or far behind is out of sync', () => {
    assert.ok(codes([server('a:1', { peerState: 'following - synchronization' })]).includes('followerOutOfSync'));
    assert.ok(codes([server('a:1', { peerState: 'following - broadcast', metrics: { zxidBehindLeader: 5000 } })]).includes('followerOutOfSync'));
    assert.ok(!codes([server('a:1', { peerState: 'following - broadcast', metrics: { zxidBehindLeader: 3 } })]).includes('followerOutOfSync'));
  });
});

describe('cluster: parsing what servers say', () => {
  it('srvr, mntr and conf text', () => {
    const srvr = parseSrvr('Zookeeper version: 3.8.0-abc, built on x\nLatency min/avg/max: 0/1.5/7\nReceived: 2\nSent: 1\nConnections: 1\nOutstanding: 0\nZxid: 0x100000003\nMode: follower\nNode count: 5\n');
    assert.deepEqual(srvr, { version: '3.8.0-abc, built on x', mode: 'follower', zxid: '0x100000003', nodeCount: 5, minLatency: 0, avgLatency: 1.5, maxLatency: 7, received: 2, sent: 1, connections: 1, outstanding: 0 });
    assert.deepEqual(parseMntr('zk_version\t3.8.0\nzk_znode_count\t5\n'), { version: '3.8.0', znode_count: '5' });
    const conf = parseConf('clientPort=2181\nserverId=2\nmembership: \nserver.1=10.0.0.1:2888:3888:participant;0.0.0.0:2181\nserver.2=10.0.0.2:2888:3888:observer;10.0.0.2:2182\nversion=100000000\n');
    assert.equal(conf.serverId, 2);
    assert.equal(conf.configVersion, '100000000');
    assert.deepEqual(conf.members[0].client, { host: '10.0.0.1', port: 2181 });
    assert.equal(conf.members[1].type, 'observer');
    assert.equal(parseServerLine('server.3', 'zk3:2888:3888')?.client, undefined);
  });

  it('zxid distance within and across epochs', () => {
    assert.equal(zxidDistance('0x100000009', '0x100000004'), 5);
    assert.equal(zxidDistance('0x200000003', '0x100000009'), 3);
    assert.equal(zxidDistance('0x100000000', '0x100000009'), 0);
  });
});
