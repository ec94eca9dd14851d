// The optional native provider (the `kerberos` npm package) against the same real KDC and Kerberized
// ZooKeeper. The package is not a dependency of this project (nor of the .vsix): the login test runs
// when ZKE_NATIVE_KERBEROS names an installed copy (or `kerberos` resolves), and is listed as pending
// otherwise; the sentence for a missing package is always tested.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ZkClient } from '../../src/zk/client';
import { KerberosError } from '../../src/zk/security/kerberos';
import { rejectsWith } from '../support/assertions';
import { startFaultProxy } from '../support/faultProxy';
import { ALICE, sharedKerberizedZooKeeper, type Kdc } from '../support/kerberos';
import { eventually } from '../support/session';
import type { ZooKeeperServer } from '../support/zookeeper';

function nativeModulePath(): string | undefined {
  const configured = process.env.ZKE_NATIVE_KERBEROS;
  if (configured) return fs.existsSync(configured) ? configured : undefined;
  try {
    return path.dirname(require.resolve('kerberos/package.json'));
  } catch {
    return undefined;
  }
}

describe('Kerberos: the optional native provider (kerberos npm package)', function () {
  this.timeout(120000);
  let kdc: Kdc;
  let server: ZooKeeperServer;
  const clients: ZkClient[] = [];

  // The native library reads its settings from the environment, which the provider sets for the whole process: put it back.
  const saved = { KRB5_CONFIG: process.env.KRB5_CONFIG, KRB5CCNAME: process.env.KRB5CCNAME, KRB5_CLIENT_KTNAME: process.env.KRB5_CLIENT_KTNAME };

  before(async () => {
    ({ kdc, server } = await sharedKerberizedZooKeeper());
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('a missing package is one sentence that says how to get it or go back to the built-in client', async () => {
    const missing = path.join(kdc.dir, 'no-kerberos-package-here');
    const client = new ZkClient({ connectString: server.connectString, sasl: { mechanism: 'GSSAPI', native: { modulePath: missing }, krb5Conf: kdc.krb5Conf } });
    clients.push(client);
    const error = await rejectsWith(client.start(60000), 'CONNECTFAILED');
    assert.ok(client.saslError instanceof KerberosError && client.saslError.kind === 'badConfig', error.message);
    assert.match(error.message, /^The native Kerberos provider needs the "kerberos" npm package, which could not be loaded from .*no-kerberos-package-here .*remove "sasl\.provider" to use the built-in Kerberos client\.$/);
  });

  it('logs in from a keytab through the native library (async SASL steps), and again after a cut', async function () {
    const modulePath = nativeModulePath();
    if (!modulePath) this.skip();
    const proxy = await startFaultProxy(server.connectString);
    try {
      const alice = await ZkClient.connect({
        connectString: proxy.connectString,
        connectTimeoutMs: 60000,
        sasl: { mechanism: 'GSSAPI', native: { modulePath }, principal: ALICE.principal, keytab: kdc.principals.alice.keytab, krb5Conf: kdc.krb5Conf, ccache: path.join(kdc.dir, 'native-alice.cc') },
      });
      clients.push(alice);
      assert.deepEqual((await alice.whoAmI()).find((id) => id.scheme === 'sasl'), { scheme: 'sasl', user: 'alice' });
      const session = alice.sessionId;
      const states: string[] = [];
      alice.onStateChange(({ state }) => states.push(state));
      proxy.reset();
      await eventually(() => states.includes('suspended') && alice.state === 'connected', 60000, 'a reconnect after the cut');
      assert.equal(alice.sessionId, session);
      assert.deepEqual((await alice.whoAmI()).find((id) => id.scheme === 'sasl'), { scheme: 'sasl', user: 'alice' });
    } finally {
      await proxy.close();
    }
  });
});
