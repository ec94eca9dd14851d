import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { ReconfigRefused, applyReconfig, describeQuorum, parseEnsembleConfig, planReconfig, readEnsembleConfig } from '../../../../src/zk/cluster/reconfig';
import { ZkClient } from '../../../../src/zk/client';
import { sharedZooKeeper, zookeeper, type Ensemble } from '../../../support/zookeeper';

const CONFIG = ['server.1=127.0.0.1:4001:5001:participant;127.0.0.1:2181', 'server.2=127.0.0.1:4002:5002:participant;127.0.0.1:2182', 'server.3=127.0.0.1:4003:5003:observer;2183', 'version=100000000', ''].join('\n');

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

  it('refused with the reason on a server where reconfig is disabled (the default)', async () => {
    const server = await sharedZooKeeper();
    const client = await ZkClient.connect({ connectString: server.connectString });
    try {
      const config = await readEnsembleConfig(client);
      const plan = { joining: 'server.9=127.0.0.1:1:2;127.0.0.1:3', after: [], summary: '', quorum: '' };
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
