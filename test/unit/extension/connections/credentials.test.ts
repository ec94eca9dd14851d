// CredentialStore without VS Code: SecretStorage is a plain key/value store, so an in-memory one
// (the same three methods, no behaviour of its own) shows exactly what would be stored.
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { CredentialStore, UNKNOWN_ADDRESS } from '../../../../src/extension/connections/credentials';
import { SecuritySecrets } from '../../../../src/extension/connections/securitySecrets';

class MemorySecrets {
  readonly values = new Map<string, string>();
  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.values.get(key));
  }
  store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
    return Promise.resolve();
  }
  delete(key: string): Promise<void> {
    this.values.delete(key);
    return Promise.resolve();
  }
}

function setup(): { secrets: MemorySecrets; store: CredentialStore } {
  const secrets = new MemorySecrets();
  return { secrets, store: new CredentialStore(secrets as unknown as vscode.SecretStorage) };
}

const ops = { user: 'ops', password: 's3cret' };

describe('extension/connections/credentials', () => {
  it('gives credentials only to the address they were stored for (any spelling of it)', async () => {
    const { store } = setup();
    assert.deepEqual(await store.lookup('prod', 'zk1:2181'), { kind: 'none' });
    await store.set('prod', 'zk1:2181,zk2:2181/kafka', ops);
    assert.deepEqual(await store.lookup('prod', 'ZK2,zk1:2181/kafka/'), { kind: 'digest', digest: ops });
    assert.deepEqual(await store.lookup('prod', 'evil.example:2181'), { kind: 'addressChanged', from: ['zk1:2181,zk2:2181/kafka'], to: 'evil.example:2181' });
    assert.deepEqual(await store.lookup('prod', 'zk1:2181,zk2:2181'), { kind: 'addressChanged', from: ['zk1:2181,zk2:2181/kafka'], to: 'zk1:2181,zk2:2181' }, 'another chroot is another address');
    assert.deepEqual(await store.lookup('other', 'zk1:2181,zk2:2181/kafka'), { kind: 'none' }, 'and only to their name');
  });

  it('revoke: "connect without" for one address keeps the others; with none left the secret is deleted', async () => {
    const { secrets, store } = setup();
    await store.set('prod', 'zk1:2181', ops);
    await store.revoke('prod', 'evil:2181');
    assert.deepEqual(await store.lookup('prod', 'evil:2181'), { kind: 'declined' });
    assert.deepEqual(await store.lookup('prod', 'zk1:2181'), { kind: 'digest', digest: ops });
    assert.deepEqual(await store.describe('prod'), [
      { address: 'zk1:2181', user: 'ops' },
      { address: 'evil:2181', user: null },
    ]);
    await store.revoke('prod', 'zk1:2181');
    assert.equal(secrets.values.size, 0, 'only markers left: nothing stored');
    assert.deepEqual(await store.lookup('prod', 'zk1:2181'), { kind: 'none' });
  });

  it('rename moves everything; carryOver moves one address on purpose; delete keeps what another definition needs', async () => {
    const { secrets, store } = setup();
    await store.set('a', 'zk1:2181', ops);
    await store.rename('a', 'b');
    assert.deepEqual([...secrets.values.keys()], ['zookeeper.digest/b']);
    assert.equal(await store.carryOver('b', 'zk9:2181', 'zk2:2181'), false, 'nothing stored for zk9');
    assert.equal(await store.carryOver('b', 'zk1', 'zk2:2181'), true);
    assert.deepEqual(await store.describe('b'), [{ address: 'zk2:2181', user: 'ops' }]);
    await store.set('b', 'ws:2181', { user: 'w', password: 'x' });
    await store.delete('b', 'zk2:2181');
    assert.deepEqual(await store.describe('b'), [{ address: 'zk2:2181', user: 'ops' }]);
    await store.delete('b');
    assert.equal(secrets.values.size, 0);
  });

  it('credentials stored before address binding go to the user-level address only, or to no address', async () => {
    const { secrets, store } = setup();
    await secrets.store('zookeeper.digest/prod', JSON.stringify(ops));
    assert.deepEqual(await store.lookup('prod', 'evil:2181'), { kind: 'addressChanged', from: [UNKNOWN_ADDRESS], to: 'evil:2181' }, 'no user-level definition: nobody gets them');
    assert.deepEqual(await store.lookup('prod', 'evil:2181', 'zk1:2181'), { kind: 'addressChanged', from: ['zk1:2181'], to: 'evil:2181' });
    assert.deepEqual(await store.lookup('prod', 'zk1:2181'), { kind: 'digest', digest: ops }, 'bound (and stored so) to the user-level address');
    assert.deepEqual(JSON.parse(secrets.values.get('zookeeper.digest/prod')!), { v: 2, byAddress: { 'zk1:2181': ops } });
  });

  it("a workspace's definition never takes the user's own credentials: rename keeps them, carryOver copies, delete keeps", async () => {
    const { store } = setup();
    await store.set('prod', 'zk1:2181', ops);
    await store.set('prod', 'ws:2181', { user: 'ws', password: 'ws-pw' });
    // The workspace's "prod" (ws:2181) is renamed; the user's own "prod" (zk1:2181) stays.
    await store.rename('prod', 'prod2', 'zk1:2181');
    assert.deepEqual(await store.lookup('prod', 'zk1:2181'), { kind: 'digest', digest: ops }, "the user's entry stays");
    assert.deepEqual(await store.describe('prod2'), [{ address: 'ws:2181', user: 'ws' }]);
    // Carrying the user's address over to a workspace's new address copies, never moves.
    assert.equal(await store.carryOver('prod', 'zk1:2181', 'zk9:2181', true), true);
    assert.deepEqual(await store.lookup('prod', 'zk1:2181'), { kind: 'digest', digest: ops });
    assert.deepEqual(await store.lookup('prod', 'zk9:2181'), { kind: 'digest', digest: ops });
  });

  it('credentials from before address binding are bound to the user-level address on every path, also delete and revoke', async () => {
    const secrets = new MemorySecrets();
    await secrets.store('zookeeper.digest/prod', JSON.stringify(ops));
    const store = new CredentialStore(secrets as unknown as vscode.SecretStorage, (name) => (name === 'prod' ? 'zk1:2181' : undefined));
    // Removing a workspace's "prod" keeps what the user's "prod" needs, though nothing bound it yet.
    await store.delete('prod', 'zk1:2181');
    assert.deepEqual(await store.lookup('prod', 'zk1:2181'), { kind: 'digest', digest: ops });
    await secrets.store('zookeeper.digest/prod', JSON.stringify(ops));
    await store.revoke('prod', 'evil:2181');
    assert.deepEqual(await store.lookup('prod', 'zk1:2181'), { kind: 'digest', digest: ops }, 'revoking another address first does not lose it');
    assert.deepEqual(await store.lookup('prod', 'evil:2181'), { kind: 'declined' });
  });
  it('changes of one name made at once all land (each waits for the one before): two addresses set together, then a carry-over beside a revoke', async () => {
    const { store } = setup();
    await Promise.all([store.set('prod', 'zk1:2181', ops), store.set('prod', 'zk2:2181', { user: 'app', password: 'p' }), store.set('dev', 'zk3:2181', ops)]);
    assert.deepEqual(await store.describe('prod'), [
      { address: 'zk1:2181', user: 'ops' },
      { address: 'zk2:2181', user: 'app' },
    ]);
    assert.deepEqual(await store.describe('dev'), [{ address: 'zk3:2181', user: 'ops' }]);
    await Promise.all([store.carryOver('prod', 'zk1:2181', 'zk9:2181'), store.revoke('prod', 'zk2:2181'), store.rename('dev', 'qa')]);
    assert.deepEqual(await store.describe('prod'), [
      { address: 'zk2:2181', user: null },
      { address: 'zk9:2181', user: 'ops' },
    ]);
    assert.deepEqual(await store.describe('qa'), [{ address: 'zk3:2181', user: 'ops' }]);
  });

  it('a change that fails (the keychain refused the write) does not hold up the changes queued after it', async () => {
    const { secrets, store } = setup();
    const storeOnce = secrets.store.bind(secrets);
    let refuse = true;
    secrets.store = (key: string, value: string): Promise<void> => {
      if (refuse) {
        refuse = false;
        return Promise.reject(new Error('keychain locked'));
      }
      return storeOnce(key, value);
    };
    const [first, second] = await Promise.allSettled([store.set('prod', 'zk1:2181', ops), store.set('prod', 'zk2:2181', ops)]);
    assert.equal(first.status, 'rejected');
    assert.equal(second.status, 'fulfilled');
    assert.deepEqual(await store.describe('prod'), [{ address: 'zk2:2181', user: 'ops' }]);
  });
});

describe('extension/connections/securitySecrets', () => {
  it('a SASL password and a TLS key passphrase set at once for one name are both kept', async () => {
    const secrets = new MemorySecrets();
    const security = new SecuritySecrets(secrets as unknown as vscode.SecretStorage);
    await Promise.all([security.setSasl('prod', 'zk1:2181', { user: 'svc', password: 'pw' }), security.setKeyPassphrase('prod', 'zk1:2181', 'key-pass'), security.setSasl('prod', 'zk2:2181', { user: 'b', password: 'q' })]);
    assert.equal(await security.saslPassword('prod', 'zk1:2181', 'svc'), 'pw');
    assert.equal(await security.keyPassphrase('prod', 'zk1:2181'), 'key-pass');
    assert.equal(await security.saslPassword('prod', 'zk2:2181', 'b'), 'q');
  });
});
