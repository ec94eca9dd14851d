import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ReconfigRefused, applyReconfig, describeQuorum, describeQuorumText, parseEnsembleConfig, planReconfig, readEnsembleConfig, type ConfigMember, type ReconfigChange } from '../../../../src/zk/cluster/reconfig';
import { bundleLocalizer, setLocalizer, type L10nBundle } from '../../../../src/zk/l10n';
import { ZkClient } from '../../../../src/zk/client';
import { sharedZooKeeper, zookeeper, type Ensemble } from '../../../support/zookeeper';

const CONFIG = ['server.1=127.0.0.1:4001:5001:participant;127.0.0.1:2181', 'server.2=127.0.0.1:4002:5002:participant;127.0.0.1:2182', 'server.3=127.0.0.1:4003:5003:observer;2183', 'version=100000000', ''].join('\n');

/** `voters` participants then `observers` observers, ids from 1. */
function members(voters: number, observers: number): ConfigMember[] {
  return Array.from({ length: voters + observers }, (_, i) => ({ id: i + 1, peerAddress: `127.0.0.1:${4001 + i}:${5001 + i}`, role: i < voters ? 'participant' : 'observer', spec: '' }));
}

/** Every case describeQuorum words differently: one voter; none, one or several voting members tolerated down; no, one or several observers. */
const QUORUM_CASES: [voters: number, observers: number][] = [
  [1, 0], [1, 1], [1, 2],
  [2, 0], [2, 1], [2, 2],
  [3, 0], [4, 1], [3, 2],
  [5, 0], [5, 1], [7, 2],
];

/** One change of each kind planReconfig words differently, against CONFIG. */
const CHANGES: ReconfigChange[] = [
  { kind: 'add', server: 'server.4=127.0.0.1:4004:5004:participant;127.0.0.1:2184' },
  { kind: 'add', server: 'server.4=127.0.0.1:4004:5004:observer;127.0.0.1:2184' },
  { kind: 'remove', id: 2 },
  { kind: 'remove', id: 3 },
  { kind: 'setRole', id: 3, role: 'participant' },
  { kind: 'setRole', id: 2, role: 'observer' },
];

/** Runs `fn` with t() answering from the zh-cn bundle. */
function inChinese<T>(fn: () => T): T {
  const bundle = JSON.parse(fs.readFileSync(path.join(repositoryRoot(), 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as L10nBundle;
  const registration = setLocalizer(bundleLocalizer(bundle));
  try {
    return fn();
  } finally {
    registration.dispose();
  }
}

function repositoryRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}

/** zoo.cfg's superDigest value for super:<password>. */
function superDigest(password: string): string {
  return `super:${crypto.createHash('sha1').update(`super:${password}`).digest('base64')}`;
}

describe('cluster: dynamic reconfiguration', function () {
  this.timeout(180000);

  it('reads the configuration: members, roles, client addresses and version', () => {
    const config = parseEnsembleConfig(CONFIG);
    assert.equal(config.version, '100000000');
    assert.deepEqual(
      config.members.map((m) => [m.id, m.peerAddress, m.role, m.clientAddress]),
      [
        [1, '127.0.0.1:4001:5001', 'participant', '127.0.0.1:2181'],
        [2, '127.0.0.1:4002:5002', 'participant', '127.0.0.1:2182'],
        [3, '127.0.0.1:4003:5003', 'observer', '0.0.0.0:2183'],
      ],
    );
  });

  it('plans a change with the quorum it leaves, and refuses what cannot be', () => {
    const config = parseEnsembleConfig(CONFIG);
    assert.equal(describeQuorum(config.members), '2 voting members and 1 observer (quorum 2: it keeps serving with no voting member down)');
    const add = planReconfig(config, { kind: 'add', server: 'server.4=127.0.0.1:4004:5004:participant;127.0.0.1:2184' });
    assert.equal(add.joining, 'server.4=127.0.0.1:4004:5004:participant;127.0.0.1:2184');
    assert.equal(add.quorum, '3 voting members and 1 observer (quorum 2: it keeps serving with 1 voting member down)');
    const role = planReconfig(config, { kind: 'setRole', id: 3, role: 'participant' });
    assert.equal(role.joining, 'server.3=127.0.0.1:4003:5003:participant;0.0.0.0:2183');
    const remove = planReconfig(config, { kind: 'remove', id: 2 });
    assert.equal(remove.leaving, '2');
    assert.match(remove.summary, /^remove server 2 .*Afterwards the ensemble has 1 voting member and 1 observer \(quorum 1/);
    assert.throws(() => planReconfig(config, { kind: 'remove', id: 9 }), /Server 9 is not in the configuration/);
    assert.throws(() => planReconfig(config, { kind: 'add', server: 'server.1=127.0.0.1:1:2;127.0.0.1:3' }), /already a member/);
    assert.throws(() => planReconfig(config, { kind: 'add', server: 'server.5=127.0.0.1:1:2' }), /names no client port/);
    assert.throws(() => planReconfig(parseEnsembleConfig('server.1=h:1:2;3\n'), { kind: 'remove', id: 1 }), /no voting member/);
  });

  it('words the quorum in English as before, for every case, and quorumText says the same in English', () => {
    assert.deepEqual(
      QUORUM_CASES.map(([v, o]) => describeQuorum(members(v, o))),
      [
        '1 voting member (quorum 1: it keeps serving with no voting member down)',
        '1 voting member and 1 observer (quorum 1: it keeps serving with no voting member down)',
        '1 voting member and 2 observers (quorum 1: it keeps serving with no voting member down)',
        '2 voting members (quorum 2: it keeps serving with no voting member down)',
        '2 voting members and 1 observer (quorum 2: it keeps serving with no voting member down)',
        '2 voting members and 2 observers (quorum 2: it keeps serving with no voting member down)',
        '3 voting members (quorum 2: it keeps serving with 1 voting member down)',
        '4 voting members and 1 observer (quorum 3: it keeps serving with 1 voting member down)',
        '3 voting members and 2 observers (quorum 2: it keeps serving with 1 voting member down)',
        '5 voting members (quorum 3: it keeps serving with 2 voting members down)',
        '5 voting members and 1 observer (quorum 3: it keeps serving with 2 voting members down)',
        '7 voting members and 2 observers (quorum 4: it keeps serving with 3 voting members down)',
      ],
    );
    for (const [v, o] of QUORUM_CASES) assert.equal(describeQuorumText(members(v, o)), describeQuorum(members(v, o)), `${v} voters, ${o} observers`);
  });

  it('words each change in English as before (summary, the command result\'s stable field), and summaryText says the same in English', () => {
    const config = parseEnsembleConfig(CONFIG);
    const plans = CHANGES.map((change) => planReconfig(config, change));
    const before = 'instead of 2 voting members and 1 observer (quorum 2: it keeps serving with no voting member down).';
    assert.deepEqual(
      plans.map((p) => p.summary),
      [
        `add server 4 (127.0.0.1:4004:5004, participant, clients at 127.0.0.1:2184). Afterwards the ensemble has 3 voting members and 1 observer (quorum 2: it keeps serving with 1 voting member down), ${before}`,
        `add server 4 (127.0.0.1:4004:5004, observer, clients at 127.0.0.1:2184). Afterwards the ensemble has 2 voting members and 2 observers (quorum 2: it keeps serving with no voting member down), ${before}`,
        `remove server 2 (127.0.0.1:4002:5002, participant). Afterwards the ensemble has 1 voting member and 1 observer (quorum 1: it keeps serving with no voting member down), ${before}`,
        `remove server 3 (127.0.0.1:4003:5003, observer). Afterwards the ensemble has 2 voting members (quorum 2: it keeps serving with no voting member down), ${before}`,
        `make server 3 a voting participant. Afterwards the ensemble has 3 voting members (quorum 2: it keeps serving with 1 voting member down), ${before}`,
        `make server 2 an observer (no vote). Afterwards the ensemble has 1 voting member and 2 observers (quorum 1: it keeps serving with no voting member down), ${before}`,
      ],
    );
    for (const plan of plans) {
      assert.equal(plan.summaryText, plan.summary);
      assert.equal(plan.quorumText, plan.quorum);
    }
  });

  it('says the quorum and each change in Chinese (zh-cn bundle as localizer), whole sentences, while the English fields stay English', () => {
    const config = parseEnsembleConfig(CONFIG);
    const [quorums, plans] = inChinese(() => [QUORUM_CASES.map(([v, o]) => describeQuorumText(members(v, o))), CHANGES.map((change) => planReconfig(config, change))] as const);
    const V = '有投票权的成员';
    assert.deepEqual(quorums, [
      `1 个${V}（法定人数 1：不能容忍任何${V}宕机）`,
      `1 个${V}和 1 个观察者（法定人数 1：不能容忍任何${V}宕机）`,
      `1 个${V}和 2 个观察者（法定人数 1：不能容忍任何${V}宕机）`,
      `2 个${V}（法定人数 2：不能容忍任何${V}宕机）`,
      `2 个${V}和 1 个观察者（法定人数 2：不能容忍任何${V}宕机）`,
      `2 个${V}和 2 个观察者（法定人数 2：不能容忍任何${V}宕机）`,
      `3 个${V}（法定人数 2：可容忍 1 个${V}宕机）`,
      `4 个${V}和 1 个观察者（法定人数 3：可容忍 1 个${V}宕机）`,
      `3 个${V}和 2 个观察者（法定人数 2：可容忍 1 个${V}宕机）`,
      `5 个${V}（法定人数 3：可容忍 2 个${V}宕机）`,
      `5 个${V}和 1 个观察者（法定人数 3：可容忍 2 个${V}宕机）`,
      `7 个${V}和 2 个观察者（法定人数 4：可容忍 3 个${V}宕机）`,
    ]);
    const before = `此前为 2 个${V}和 1 个观察者（法定人数 2：不能容忍任何${V}宕机）。`;
    assert.deepEqual(
      plans.map((p) => p.summaryText),
      [
        `添加服务器 4（127.0.0.1:4004:5004，参与者，客户端地址 127.0.0.1:2184）。之后集群将有 3 个${V}和 1 个观察者（法定人数 2：可容忍 1 个${V}宕机），${before}`,
        `添加服务器 4（127.0.0.1:4004:5004，观察者，客户端地址 127.0.0.1:2184）。之后集群将有 2 个${V}和 2 个观察者（法定人数 2：不能容忍任何${V}宕机），${before}`,
        `移除服务器 2（127.0.0.1:4002:5002，参与者）。之后集群将有 1 个${V}和 1 个观察者（法定人数 1：不能容忍任何${V}宕机），${before}`,
        `移除服务器 3（127.0.0.1:4003:5003，观察者）。之后集群将有 2 个${V}（法定人数 2：不能容忍任何${V}宕机），${before}`,
        `将服务器 3 设为有投票权的参与者。之后集群将有 3 个${V}（法定人数 2：可容忍 1 个${V}宕机），${before}`,
        `将服务器 2 设为观察者（无投票权）。之后集群将有 1 个${V}和 2 个观察者（法定人数 1：不能容忍任何${V}宕机），${before}`,
      ],
    );
    for (const plan of plans) assert.ok(plan.summaryText.includes(`之后集群将有 ${plan.quorumText}，`), plan.summaryText);
    // The English fields do not follow the display language: automation matches on them.
    assert.match(plans[2].summary, /^remove server 2 \(127\.0\.0\.1:4002:5002, participant\)\. Afterwards the ensemble has 1 voting member and 1 observer/);
    assert.equal(plans[2].quorum, '1 voting member and 1 observer (quorum 1: it keeps serving with no voting member down)');
  });

  it('refused with the reason on a server where reconfig is disabled (the default)', async () => {
    const server = await sharedZooKeeper();
    const client = await ZkClient.connect({ connectString: server.connectString });
    try {
      const config = await readEnsembleConfig(client);
      const plan = { joining: 'server.9=127.0.0.1:1:2;127.0.0.1:3', after: [], summary: '', quorum: '', summaryText: '', quorumText: '' };
      await assert.rejects(applyReconfig(client, config, plan), (error: unknown) => error instanceof ReconfigRefused && error.code === 'RECONFIGDISABLED' && /reconfigEnabled=true/.test(error.message));
    } finally {
      await client.close();
    }
  });

  describe('on a real 3-server ensemble with reconfigEnabled=true', () => {
    let ensemble: Ensemble;
    before(async () => {
      ensemble = await zookeeper.startEnsemble({ install: true, reconfig: true, serverConfig: () => ({ 'DigestAuthenticationProvider.superDigest': superDigest('s3cret') }) });
    });
    after(async () => {
      await ensemble?.stop();
    });

    it('without rights: refused (NOAUTH) with what to do; as super: a fourth server added, version-checked', async () => {
      const { server: fourth, spec } = await ensemble.addServer();
      const client = await ZkClient.connect({ connectString: ensemble.connectString });
      try {
        const before = await readEnsembleConfig(client);
        assert.equal(before.members.length, 3);
        assert.ok(before.version, before.text);
        const plan = planReconfig(before, { kind: 'add', server: spec });
        assert.match(plan.quorum, /^4 voting members \(quorum 3/);
        await assert.rejects(applyReconfig(client, before, plan), (error: unknown) => error instanceof ReconfigRefused && error.code === 'NOAUTH' && /superDigest/.test(error.message));

        client.addDigest('super', 's3cret');
        const stale = { ...before, version: (BigInt(`0x${before.version}`) - 1n).toString(16) };
        await assert.rejects(applyReconfig(client, stale, plan), (error: unknown) => error instanceof ReconfigRefused && error.code === 'BADVERSION');

        const after = await applyReconfig(client, before, plan);
        assert.deepEqual(after.members.map((m) => m.id), [1, 2, 3, 4]);
        assert.notEqual(after.version, before.version);
        assert.equal(after.members[3].clientAddress, `127.0.0.1:${fourth.port}`);
        const reread = await readEnsembleConfig(client);
        assert.deepEqual(reread.members.map((m) => m.id), [1, 2, 3, 4]);
        // The new member votes: the server says it is a follower (or, after an election, the leader).
        assert.match(String(await zookeeper.serverMode(fourth.port)), /^(follower|leader)$/);
      } finally {
        await client.close();
      }
    });
  });
});
