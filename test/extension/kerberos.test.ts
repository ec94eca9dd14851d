// Kerberos (SASL GSSAPI) connections inside VS Code, against a real MIT KDC and a Kerberized
// ZooKeeper started by this suite: a keytab connection, a password kept in SecretStorage bound to
// the address (set with zookeeper.setCredentials, never in a log), the failure sentences a user
// sees, whoAmI's sasl identity, and the ACL editor with sasl ids (accepted and enforced).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ZooKeeperExplorerApi } from '../../src/extension/extension';
import { COMMANDS } from '../../src/extension/commandIds';
import { ALICE, BOB, startKdc, startKerberizedZooKeeper, type Kdc } from '../support/kerberos';
import { eventually } from '../support/session';
import type { ZooKeeperServer } from '../support/zookeeper';
import { activateExtension, failure, run, suiteConnections, unique, vscodeLogFiles } from './support/connections';

interface Entry {
  scheme: string;
  id: string;
  perms: string;
}

describe('Kerberos connections (SASL GSSAPI, real KDC)', function () {
  this.timeout(180000);
  let api: ZooKeeperExplorerApi;
  let kdc: Kdc;
  let server: ZooKeeperServer;
  const connections = suiteConnections(() => api);

  /** Adds a user-level connection; removed in after() if a test did not remove it. */
  const addConnection = connections.add;

  before(async () => {
    api = await activateExtension();
    kdc = await startKdc();
    server = await startKerberizedZooKeeper(kdc);
  });

  after(async () => {
    await connections.removeAll();
    await server?.stop();
    await kdc?.dispose();
  });

  it('a keytab connection: connected as sasl:alice (zookeeper.connect, the tooltip identities), browsable', async () => {
    const name = await addConnection({ name: unique('krb-keytab'), connectString: server.connectString, sasl: { mechanism: 'GSSAPI', principal: ALICE.principal, keytab: kdc.principals.alice.keytab, krb5Conf: kdc.krb5Conf } });
    assert.deepEqual(api.connections.get(name)!.config.sasl, { mechanism: 'GSSAPI', principal: ALICE.principal, keytab: kdc.principals.alice.keytab, krb5Conf: kdc.krb5Conf });
    const connected = await run<{ state: string; identities: { scheme: string; id: string }[] }>(COMMANDS.connect, { connection: name });
    assert.equal(connected.state, 'connected');
    assert.ok(connected.identities.some((id) => id.scheme === 'sasl' && id.id === 'alice'), JSON.stringify(connected.identities));
    const client = api.connections.get(name)!.activeClient!;
    assert.ok((await client.getChildren('/')).children.includes('zookeeper'));
    await run(COMMANDS.disconnect, { connection: name });
  });

  it('a password connection: the password set with setCredentials { sasl: { user: <principal>, password } } (never echoed, never logged); a wrong one is the KDC\'s sentence', async () => {
    const name = await addConnection({ name: unique('krb-pw'), connectString: server.connectString, sasl: { mechanism: 'GSSAPI', principal: BOB.principal, krb5Conf: kdc.krb5Conf, ccache: path.join(kdc.dir, 'no-such-cache') } });
    const wrong = unique('wrong-pw');
    const setWrong = await run<Record<string, unknown>>(COMMANDS.setCredentials, { connection: name, sasl: { user: BOB.principal, password: wrong } });
    assert.deepEqual(setWrong, { connection: name, sasl: { user: BOB.principal }, applied: 'nextConnect' });
    const message = await failure(COMMANDS.connect, { connection: name });
    assert.match(message, /^Kerberos pre-authentication failed for bob@EXAMPLE\.TEST: the password is wrong\./);
    assert.equal(api.connections.get(name)!.status, 'failed');

    await run(COMMANDS.setCredentials, { connection: name, sasl: { user: BOB.principal, password: BOB.password } });
    const connected = await run<{ state: string; identities: { scheme: string; id: string }[] }>(COMMANDS.connect, { connection: name });
    assert.equal(connected.state, 'connected');
    assert.ok(connected.identities.some((id) => id.scheme === 'sasl' && id.id === 'bob'), JSON.stringify(connected.identities));
    await run(COMMANDS.disconnect, { connection: name });

    // The connect line is written after every line that could hold a password: on disk first, then absence means something.
    await eventually(() => vscodeLogFiles().some((file) => fs.readFileSync(file, 'utf8').includes(`(Kerberos ${BOB.principal})`)), 20000, 'the connect line on disk');
    for (const file of vscodeLogFiles()) {
      const text = fs.readFileSync(file, 'utf8');
      assert.equal(text.includes(wrong), false, `the wrong password is in ${file}`);
      assert.equal(text.includes(BOB.password), false, `the password is in ${file}`);
    }
  });

  it('failures are sentences: an unknown service principal names it; no ticket says to run kinit', async () => {
    const wrongHost = await addConnection({
      name: unique('krb-host'),
      connectString: server.connectString,
      sasl: { mechanism: 'GSSAPI', principal: ALICE.principal, keytab: kdc.principals.alice.keytab, krb5Conf: kdc.krb5Conf, serviceHost: 'zk.nowhere.test' },
    });
    assert.match(await failure(COMMANDS.connect, { connection: wrongHost }), /zookeeper\/zk\.nowhere\.test@EXAMPLE\.TEST/);
    const noTicket = await addConnection({ name: unique('krb-noticket'), connectString: server.connectString, sasl: { mechanism: 'GSSAPI', krb5Conf: kdc.krb5Conf, ccache: path.join(kdc.dir, 'empty.cc') } });
    assert.match(await failure(COMMANDS.connect, { connection: noTicket }), /kinit/);
  });

  it('the ACL editor takes sasl ids and the server enforces them: alice keeps her node, bob is refused; a sasl:bob-only ACL would lock alice out', async () => {
    const alice = await addConnection({ name: unique('krb-alice'), connectString: server.connectString, sasl: { mechanism: 'GSSAPI', principal: ALICE.principal, keytab: kdc.principals.alice.keytab, krb5Conf: kdc.krb5Conf } });
    const bob = await addConnection({ name: unique('krb-bob'), connectString: server.connectString, sasl: { mechanism: 'GSSAPI', principal: BOB.principal, keytab: kdc.principals.bob.keytab, krb5Conf: kdc.krb5Conf } });
    await run(COMMANDS.connect, { connection: alice });
    await run(COMMANDS.connect, { connection: bob });
    const node = `/krb-acl-${Date.now()}`;
    await api.connections.get(alice)!.activeClient!.create(node, Buffer.from('alice only'));
    const acl: Entry[] = [{ scheme: 'sasl', id: 'alice', perms: 'cdrwa' }];
    await run(COMMANDS.setAcl, { connection: alice, path: node, acl });
    assert.deepEqual((await run<{ acl: Entry[] }>(COMMANDS.showAcl, { connection: alice, path: node })).acl, acl);
    assert.equal((await api.connections.get(alice)!.activeClient!.get(node)).data.toString(), 'alice only');
    await assert.rejects(api.connections.get(bob)!.activeClient!.get(node), (error: Error & { code?: string }) => error.code === 'NOAUTH');
    // The lock-out check knows alice is sasl:alice, not sasl:bob.
    assert.match(await failure(COMMANDS.setAcl, { connection: alice, path: node, acl: [{ scheme: 'sasl', id: 'bob', perms: 'cdrwa' }] }), /lock|out|confirmLockout/i);
    await run(COMMANDS.disconnect, { connection: alice });
    await run(COMMANDS.disconnect, { connection: bob });
  });
});
