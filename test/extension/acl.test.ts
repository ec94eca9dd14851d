// ACLs from outside, as a task or another extension would: zookeeper.connect's identities,
// zookeeper.showAcl → zookeeper.setAcl round trips with version checks, and the traps
// (lock-out, withheld digest ids, a subtree with a node this session may not change).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ZooKeeperExplorerApi } from '../../src/extension/extension';
import { COMMANDS } from '../../src/extension/commandIds';
import type { ExplorerNode } from '../../src/tree/explorerItems';
import { digestId } from '../../src/zk/acl';
import { ZkClient } from '../../src/zk/client';
import type { SetAclReport } from '../../src/zk/acl/setAcl';
import { eventually } from '../support/session';

const EXTENSION_ID = 'zookeeper-explorer.zookeeper-explorer';

interface Entry {
  scheme: string;
  id: string;
  perms: string;
}

function run<T>(command: string, args: Record<string, unknown>): Promise<T> {
  return Promise.resolve(vscode.commands.executeCommand<T>(command, args));
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  assert.fail('expected the command to be refused, but it succeeded');
}

describe('ACL commands (zookeeper.setAcl, zookeeper.showAcl, identities)', function () {
  this.timeout(120000);
  const connectString = process.env.ZK_TEST_CONNECT!;
  const stamp = Date.now().toString(36);
  const alice = { user: `alice-${stamp}`, password: 'alice-pw' };
  const bob = { user: `bob-${stamp}`, password: 'bob-pw' };
  const withAlice = `acl-alice-${stamp}`;
  const anonymous = `acl-anon-${stamp}`;
  const aliceId = digestId(alice.user, alice.password);
  let api: ZooKeeperExplorerApi;
  let probe: ZkClient;
  let base: string;

  before(async () => {
    api = await vscode.extensions.getExtension<ZooKeeperExplorerApi>(EXTENSION_ID)!.activate();
    await run(COMMANDS.addConnection, { name: withAlice, connectString, digest: alice });
    await run(COMMANDS.addConnection, { name: anonymous, connectString });
    probe = await ZkClient.connect({ connectString });
  });

  beforeEach(async function () {
    base = `/ext-acl-${this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 30)}-${Date.now()}`;
    await probe.create(base);
  });

  after(async () => {
    for (const name of [withAlice, anonymous]) await run(COMMANDS.removeConnection, { connection: name }).catch(() => undefined);
    await probe?.close();
  });

  it("zookeeper.connect returns the server's identities (whoAmI), and the tooltip names them", async () => {
    const result = await run<{ state: string; identities: { scheme: string; id: string }[] }>(COMMANDS.connect, { connection: withAlice });
    assert.equal(result.state, 'connected');
    assert.deepEqual(
      [...result.identities].sort((a, b) => a.scheme.localeCompare(b.scheme)),
      [
        { scheme: 'digest', id: alice.user },
        { scheme: 'ip', id: '127.0.0.1' },
      ],
    );
    const node = (await api.explorer.getChildren()).find((n: ExplorerNode) => n.kind === 'connection' && n.connection.name === withAlice)!;
    await eventually(
      () => {
        const tooltip = api.explorer.getTreeItem(node).tooltip;
        return typeof tooltip === 'object' && /Identities \(whoAmI\): .*digest:alice-/.test(tooltip.value);
      },
      10000,
      'the tooltip names the identities',
    );
    // addauth on the open session (Set Credentials): the server's answer gains the new identity.
    const before = await run<{ identities: { scheme: string; id: string }[] }>(COMMANDS.connect, { connection: anonymous });
    assert.deepEqual(before.identities, [{ scheme: 'ip', id: '127.0.0.1' }]);
    assert.equal((await run<{ applied: string }>(COMMANDS.setCredentials, { connection: anonymous, digest: bob })).applied, 'session');
    const anon = await run<{ identities: { scheme: string; id: string }[] }>(COMMANDS.connect, { connection: anonymous });
    assert.ok(anon.identities.some((i) => i.scheme === 'digest' && i.id === bob.user), JSON.stringify(anon.identities));
    // Back to a session without identity for the tests below (removing credentials takes a new session).
    await run(COMMANDS.setCredentials, { connection: anonymous, digest: null });
    assert.deepEqual((await run<{ identities: unknown[] }>(COMMANDS.connect, { connection: anonymous })).identities, [{ scheme: 'ip', id: '127.0.0.1' }]);
  });

  it('showAcl → setAcl with its aversion round-trips, and the result names the new version', async () => {
    const read = await run<{ acl: Entry[]; aversion: number }>(COMMANDS.showAcl, { connection: withAlice, path: base });
    assert.deepEqual(read, { acl: [{ scheme: 'world', id: 'anyone', perms: 'cdrwa' }], aversion: 0 });
    const acl = [
      { scheme: 'digest', id: aliceId, perms: 'cdrwa' },
      { scheme: 'ip', id: '10.0.0.0/8', perms: 'r' },
      { scheme: 'world', id: 'anyone', perms: 'r' },
    ];
    const report = await run<SetAclReport>(COMMANDS.setAcl, { connection: withAlice, path: base, acl, aversion: read.aversion });
    assert.deepEqual(report, { path: base, aversion: 1, changed: 1, failed: [], total: 1, cancelled: false });
    assert.deepEqual(await run(COMMANDS.showAcl, { connection: withAlice, path: base }), { acl, aversion: 1 });
  });

  it("someone else's change between showAcl and setAcl is a conflict naming both ACLs; nothing is overwritten", async () => {
    const read = await run<{ aversion: number }>(COMMANDS.showAcl, { connection: withAlice, path: base });
    await probe.setACL(base, [{ perms: 31, id: { scheme: 'ip', id: '127.0.0.1' } }], read.aversion);
    const message = await rejection(run(COMMANDS.setAcl, { connection: withAlice, path: base, acl: [{ scheme: 'world', id: 'anyone', perms: 'cdrwa' }], aversion: read.aversion }));
    assert.match(message, /changed by someone else since it was read \(ACL version 0, now 1\): theirs is ip:127\.0\.0\.1:cdrwa; yours is world:anyone:cdrwa\. Nothing was written/);
    assert.deepEqual((await run<{ acl: Entry[] }>(COMMANDS.showAcl, { connection: withAlice, path: base })).acl, [{ scheme: 'ip', id: '127.0.0.1', perms: 'cdrwa' }]);
  });

  it('an ACL that locks the session out is refused without confirmLockout, done with it', async () => {
    const acl = [
      { scheme: 'digest', id: digestId(bob.user, bob.password), perms: 'cdrwa' },
      { scheme: 'world', id: 'anyone', perms: 'r' },
    ];
    const message = await rejection(run(COMMANDS.setAcl, { connection: withAlice, path: base, acl }));
    assert.match(message, /leaves none of this session's identities .* with ADMIN: after it, you could not change this ACL again.*confirmLockout: true/);
    const done = await run<SetAclReport>(COMMANDS.setAcl, { connection: withAlice, path: base, acl, confirmLockout: true });
    assert.equal(done.changed, 1);
  });

  it('an ACL read without ADMIN (digest ids as user:x) is refused when written back, and the editor opens it read-only', async () => {
    await run(COMMANDS.setAcl, {
      connection: withAlice,
      path: base,
      acl: [
        { scheme: 'digest', id: aliceId, perms: 'cdrwa' },
        { scheme: 'world', id: 'anyone', perms: 'r' },
      ],
    });
    const seen = await run<{ acl: Entry[]; aversion: number }>(COMMANDS.showAcl, { connection: anonymous, path: base });
    assert.deepEqual(seen.acl[0], { scheme: 'digest', id: `${alice.user}:x`, perms: 'cdrwa' });
    const message = await rejection(run(COMMANDS.setAcl, { connection: anonymous, path: base, acl: seen.acl, aversion: seen.aversion, confirmLockout: true }));
    assert.match(message, /is an id the server withheld .* An ACL read that way is read-only/);
    const opened = await run<{ readOnly: boolean; aversion: number }>(COMMANDS.editAcl, { connection: anonymous, path: base });
    assert.deepEqual(opened, { connection: anonymous, path: base, aversion: seen.aversion, readOnly: true });
    assert.ok(api.aclEditors.list().some((e) => e.connection === anonymous && e.path === base));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('recursive: every node set, a node this session may not change reported', async () => {
    for (const p of ['a', 'a/b', 'c']) await probe.create(`${base}/${p}`);
    await probe.setACL(`${base}/c`, [
      { perms: 15, id: { scheme: 'world', id: 'anyone' } },
      { perms: 16, id: { scheme: 'digest', id: digestId(bob.user, bob.password) } },
    ]);
    const acl = [
      { scheme: 'digest', id: aliceId, perms: 'cdrwa' },
      { scheme: 'world', id: 'anyone', perms: 'r' },
    ];
    const report = await run<SetAclReport>(COMMANDS.setAcl, { connection: withAlice, path: base, acl, recursive: true });
    assert.equal(report.total, 4);
    assert.equal(report.changed, 3);
    assert.deepEqual(
      report.failed.map((f) => [f.path, f.code]),
      [[`${base}/c`, 'NOAUTH']],
    );
    assert.match(report.failed[0].reason, /permission|ADMIN|not allowed|NOAUTH|authori/i);
    for (const p of ['', '/a', '/a/b']) assert.deepEqual((await run<{ acl: Entry[] }>(COMMANDS.showAcl, { connection: withAlice, path: base + p })).acl, acl);
  });

  it('bad arguments get a sentence: perms letters, ip ranges, auth without credentials', async () => {
    assert.match(await rejection(run(COMMANDS.setAcl, { connection: withAlice, path: base, acl: [{ scheme: 'world', id: 'anyone', perms: 'rwx' }] })), /"x" is not a ZooKeeper permission/);
    assert.match(await rejection(run(COMMANDS.setAcl, { connection: withAlice, path: base, acl: [{ scheme: 'ip', id: '300.1.1.1', perms: 'r' }] })), /is not an IPv4 or IPv6 address/);
    assert.match(await rejection(run(COMMANDS.setAcl, { connection: anonymous, path: base, acl: [{ scheme: 'auth', id: '', perms: 'cdrwa' }] })), /the auth scheme stands for the identities this session authenticated as, and it has none/);
    assert.match(await rejection(run(COMMANDS.setAcl, { connection: withAlice, path: base, acl: 'world:anyone:r' })), /Pass acl as a list of \{ scheme, id, perms \}/);
  });
});
