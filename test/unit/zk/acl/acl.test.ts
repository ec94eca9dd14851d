import * as assert from 'node:assert/strict';
import { digestId } from '../../../../src/zk/acl';
import { ZkClient } from '../../../../src/zk/client';
import { effectivePermissions, locksOut } from '../../../../src/zk/acl/effective';
import { sessionIdentities, type SessionIdentities } from '../../../../src/zk/acl/identities';
import { validateEntry, validateIpId, type AclEntry } from '../../../../src/zk/acl/model';
import { readAcl, setAcl } from '../../../../src/zk/acl/setAcl';
import { rejectsWith } from '../../../support/assertions';
import { sharedZooKeeper, type ZooKeeperServer } from '../../../support/zookeeper';

const ALICE = { user: 'alice', password: 'alice-secret' };
const BOB = { user: 'bob', password: 'bob-secret' };
const world = (perms: string): AclEntry => ({ scheme: 'world', id: 'anyone', perms });
const digest = (who: { user: string; password: string }, perms: string): AclEntry => ({ scheme: 'digest', id: digestId(who.user, who.password), perms });

describe('ACLs (src/zk/acl) against a real ZooKeeper', function () {
  this.timeout(60000);
  let server: ZooKeeperServer;
  let plain: ZkClient;
  let alice: ZkClient;
  let aliceSession: SessionIdentities;
  let plainSession: SessionIdentities;
  let base: string;
  const others: ZkClient[] = [];

  before(async () => {
    server = await sharedZooKeeper();
    plain = await ZkClient.connect({ connectString: server.connectString });
    alice = await ZkClient.connect({ connectString: server.connectString, digest: [ALICE] });
    plainSession = await sessionIdentities(plain);
    aliceSession = await sessionIdentities(alice, [ALICE]);
  });

  beforeEach(async function () {
    base = `/acl-${this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}-${Date.now()}`;
    await plain.create(base);
  });

  afterEach(async () => {
    await Promise.all(others.splice(0).map((c) => c.close()));
  });

  after(async () => {
    await Promise.all([plain.close(), alice.close()]);
  });

  describe('whoAmI', () => {
    it('names the ip of an unauthenticated session, from the server', () => {
      assert.equal(plainSession.source, 'server');
      assert.deepEqual(plainSession.identities, [{ scheme: 'ip', id: '127.0.0.1' }]);
    });

    it('names the digest user after addauth, and keeps the full digest id for matching', async () => {
      assert.deepEqual(
        [...aliceSession.identities].sort((a, b) => a.scheme.localeCompare(b.scheme)),
        [
          { scheme: 'digest', id: 'alice' },
          { scheme: 'ip', id: '127.0.0.1' },
        ],
      );
      assert.equal(aliceSession.digestIds.alice, digestId(ALICE.user, ALICE.password));
      // addauth on an open session: the server lists the new identity too.
      const later = await ZkClient.connect({ connectString: server.connectString });
      others.push(later);
      later.addDigest(BOB.user, BOB.password);
      const ids = await sessionIdentities(later, [BOB]);
      assert.ok(ids.identities.some((i) => i.scheme === 'digest' && i.id === 'bob'), JSON.stringify(ids));
    });
  });

  describe('validation before anything is sent', () => {
    it('ip ids: addresses and ranges of IPv4 and IPv6, with sentences for the rest', () => {
      for (const ok of ['127.0.0.1', '10.0.0.0/8', '0.0.0.0/0', '::1', 'fd00::/8', '2001:db8::/128']) assert.equal(validateIpId(ok), undefined, ok);
      assert.match(validateIpId('10.0.0.0/33')!, /"\/33" is not a prefix length for IPv4: use a whole number from 0 to 32/);
      assert.match(validateIpId('fd00::/129')!, /from 0 to 128/);
      assert.match(validateIpId('10.0.0.256')!, /"10\.0\.0\.256" is not an IPv4 or IPv6 address/);
      assert.match(validateIpId('10.0.0.0/8/1')!, /more than one "\/"/);
    });

    it('digest ids must be user:hash, world only anyone, auth no id, perms only cdrwa', () => {
      assert.equal(validateEntry(digest(ALICE, 'cdrwa')), undefined);
      assert.match(validateEntry({ scheme: 'digest', id: 'alice:alice-secret', perms: 'r' })!, /is not a digest id: it is user:base64\(sha1\(user:password\)\)/);
      assert.match(validateEntry({ scheme: 'world', id: 'everyone', perms: 'r' })!, /one id, "anyone"/);
      assert.match(validateEntry({ scheme: 'auth', id: 'alice', perms: 'r' })!, /takes no id/);
      assert.match(validateEntry({ scheme: 'world', id: 'anyone', perms: 'rx' })!, /"x" is not a ZooKeeper permission/);
      assert.match(validateEntry({ scheme: 'world', id: 'anyone', perms: '' })!, /gives no permission/);
    });

    it('refuses an ip range the server would misread, before sending', async () => {
      await rejectsWith(setAcl(plain, { path: base, acl: [{ scheme: 'ip', id: '127.0.0.1/40', perms: 'cdrwa' }], session: plainSession }), 'INVALIDACL', /Entry 1 \(ip:127\.0\.0\.1\/40\): "\/40" is not a prefix length/);
      assert.deepEqual((await readAcl(plain, base)).acl, [world('cdrwa')]);
    });

    it('names a letter that is not a permission instead of dropping it', async () => {
      await rejectsWith(setAcl(plain, { path: base, acl: [world('rwx')], session: plainSession }), 'INVALIDACL', /"x" is not a ZooKeeper permission/);
    });

    it('explains auth on a session with no authenticated identity, before sending', async () => {
      await rejectsWith(
        setAcl(plain, { path: base, acl: [{ scheme: 'auth', id: '', perms: 'cdrwa' }], session: plainSession }),
        'INVALIDACL',
        /the auth scheme stands for the identities this session authenticated as, and it has none \(only ip:127\.0\.0\.1\)/,
      );
    });
  });

  describe('writing', () => {
    it('digest, ip and world entries round-trip, and the version moves', async () => {
      const acl = [digest(ALICE, 'cdrwa'), { scheme: 'ip', id: '10.0.0.0/8', perms: 'r' }, world('r')];
      const report = await setAcl(alice, { path: base, acl, aversion: 0, session: aliceSession });
      assert.deepEqual(report, { path: base, aversion: 1, changed: 1, failed: [], total: 1, cancelled: false });
      assert.deepEqual(await readAcl(alice, base), { acl, aversion: 1 });
    });

    it('an IPv6 ip id, valid in form, refused by the server with the reason', async () => {
      await rejectsWith(
        setAcl(plain, { path: base, acl: [world('cdrwa'), { scheme: 'ip', id: 'fd00::/8', perms: 'r' }], session: plainSession }),
        'INVALIDACL',
        /its ip scheme does not take the IPv6 id fd00::\/8 \(ZooKeeper 3\.8 accepts IPv4 addresses and ranges only\)/,
      );
    });

    it('auth expands to the digest identity of the session', async () => {
      await setAcl(alice, { path: base, acl: [{ scheme: 'auth', id: '', perms: 'cdrwa' }], session: aliceSession });
      assert.deepEqual((await readAcl(alice, base)).acl, [digest(ALICE, 'cdrwa')]);
    });

    it('an ip entry for 127.0.0.1 keeps ADMIN for this session: no lock-out question', async () => {
      const acl = [{ scheme: 'ip', id: '127.0.0.0/8', perms: 'cdrwa' }];
      assert.equal(locksOut(acl, plainSession), false);
      await setAcl(plain, { path: base, acl, session: plainSession });
      assert.equal((await readAcl(plain, base)).acl[0].id, '127.0.0.0/8');
    });

    it('a version conflict (another client between read and write) names both ACLs and writes nothing', async () => {
      const read = await readAcl(plain, base);
      const other = await ZkClient.connect({ connectString: server.connectString });
      others.push(other);
      await setAcl(other, { path: base, acl: [world('cdrw'), { scheme: 'ip', id: '127.0.0.1', perms: 'a' }], session: await sessionIdentities(other) });
      const error = await rejectsWith(
        setAcl(plain, { path: base, acl: [world('r'), { scheme: 'ip', id: '127.0.0.1', perms: 'cdrwa' }], aversion: read.aversion, session: plainSession }),
        'ACLCONFLICT',
        /was changed by someone else since it was read \(ACL version 0, now 1\): theirs is world:anyone:cdrw, ip:127\.0\.0\.1:a; yours is world:anyone:r, ip:127\.0\.0\.1:cdrwa\. Nothing was written/,
      );
      assert.equal(error.details.aversion, 1);
      assert.deepEqual((await readAcl(plain, base)).acl, [world('cdrw'), { scheme: 'ip', id: '127.0.0.1', perms: 'a' }]);
    });

    it('an ACL that leaves the session without ADMIN needs confirmLockout, and names the consequence', async () => {
      const acl = [digest(BOB, 'cdrwa'), world('r')];
      await rejectsWith(setAcl(alice, { path: base, acl, session: aliceSession }), 'ACLLOCKOUT', /leaves none of this session's identities \(.*digest:alice.*\) with ADMIN: after it, you could not change this ACL again/);
      assert.deepEqual((await readAcl(alice, base)).acl, [world('cdrwa')]);
      await setAcl(alice, { path: base, acl, session: aliceSession, confirmLockout: true });
      // The consequence, for real: the session can no longer change it.
      await rejectsWith(alice.setACL(base, [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }]), 'NOAUTH');
    });

    it('an ACL read without ADMIN shows digest ids as user:x and is never written back', async () => {
      await setAcl(alice, { path: base, acl: [digest(ALICE, 'cdrwa'), world('r')], session: aliceSession });
      const seen = await readAcl(plain, base);
      assert.deepEqual(seen.acl, [{ scheme: 'digest', id: 'alice:x', perms: 'cdrwa' }, world('r')]);
      await rejectsWith(setAcl(plain, { path: base, acl: seen.acl, aversion: seen.aversion, session: plainSession, confirmLockout: true }), 'ACLREDACTED', /digest:alice:x is an id the server withheld/);
      assert.deepEqual((await readAcl(alice, base)).acl, [digest(ALICE, 'cdrwa'), world('r')]);
    });

    it('effective permissions per identity of the session', () => {
      const acl = [digest(ALICE, 'cdrwa'), { scheme: 'ip', id: '127.0.0.1', perms: 'rw' }, world('r')];
      const rows = effectivePermissions(acl, aliceSession).map((r) => `${r.identity.scheme}:${r.identity.id}=${r.perms}`);
      assert.deepEqual(rows.sort(), ['digest:alice=cdrwa', 'ip:127.0.0.1=rw', 'world:anyone=r']);
      // An ip id still being typed (here an impossible prefix) matches nothing instead of failing.
      assert.equal(effectivePermissions([{ scheme: 'ip', id: '127.0.0.1/33', perms: 'a' }], aliceSession).find((r) => r.identity.scheme === 'ip')!.perms, '');
      // Another password of the same user is another id: it grants alice nothing.
      assert.equal(effectivePermissions([digest({ user: 'alice', password: 'other' }, 'a')], aliceSession).find((r) => r.identity.scheme === 'digest')!.perms, '');
    });
  });

  describe('recursive', () => {
    it('counts first, reports progress, sets every node, and reports a refused node', async () => {
      for (const p of ['a', 'a/x', 'a/y', 'b']) await plain.create(`${base}/${p}`);
      // A node this session may read but not administer: refused, and said so.
      await setAcl(plain, { path: `${base}/a/y`, acl: [world('cdrw'), digest(BOB, 'a')], session: plainSession, confirmLockout: true });
      const progress: string[] = [];
      const acl = [world('cdrw'), { scheme: 'ip', id: '127.0.0.1', perms: 'a' }];
      const report = await setAcl(plain, { path: base, acl, recursive: true, session: plainSession, onProgress: (p) => void progress.push(`${p.done}/${p.total}`) });
      assert.equal(report.total, 5);
      assert.equal(report.changed, 4);
      assert.equal(report.cancelled, false);
      assert.deepEqual(
        report.failed.map((f) => [f.path, f.code]),
        [[`${base}/a/y`, 'NOAUTH']],
      );
      assert.deepEqual(progress, ['0/5', '1/5', '2/5', '3/5', '4/5', '5/5']);
      for (const p of ['', '/a', '/a/x', '/b']) assert.deepEqual((await readAcl(plain, base + p)).acl, acl, p);
    });

    it('a change of the root by another client while the subtree is written is a conflict, and the root keeps theirs', async () => {
      await plain.create(`${base}/c`);
      const other = await ZkClient.connect({ connectString: server.connectString });
      others.push(other);
      const theirs = [world('cdrwa')];
      const report = setAcl(plain, {
        path: base,
        acl: [world('cdrwa'), { scheme: 'ip', id: '127.0.0.1', perms: 'cdrwa' }],
        aversion: 0,
        recursive: true,
        session: plainSession,
        // After the child is written and before the root is: the other client changes the root's ACL.
        onProgress: async ({ done }) => {
          if (done === 1) await other.setACL(base, theirs.map((e) => ({ perms: 31, id: { scheme: e.scheme, id: e.id } })), 0);
        },
      });
      await rejectsWith(report, 'ACLCONFLICT', /ACL version 0, now 1\): theirs is world:anyone:cdrwa; yours is world:anyone:cdrwa, ip:127\.0\.0\.1:cdrwa/);
      assert.deepEqual(await readAcl(plain, base), { acl: theirs, aversion: 1 });
    });

    it('stops when cancelled and says how far it got', async () => {
      for (const p of ['a', 'b', 'c']) await plain.create(`${base}/${p}`);
      const controller = new AbortController();
      const report = await setAcl(plain, {
        path: base,
        acl: [world('cdrwa'), { scheme: 'ip', id: '127.0.0.1', perms: 'cdrwa' }],
        recursive: true,
        session: plainSession,
        signal: controller.signal,
        onProgress: ({ done }) => {
          if (done === 1) controller.abort();
        },
      });
      assert.equal(report.cancelled, true);
      assert.equal(report.changed, 1);
      assert.deepEqual((await readAcl(plain, base)).acl, [world('cdrwa')]);
    });
  });
});
