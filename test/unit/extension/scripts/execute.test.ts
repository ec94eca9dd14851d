import * as assert from 'node:assert/strict';
import { executeCommand, formatStat, parseAclList, type CommandOutcome, type ScriptHooks } from '../../../../src/extension/scripts/execute';
import { diagnose, parseScript } from '../../../../src/server/script';
import { digestId, Perm, type ZkAcl } from '../../../../src/zk/acl';
import { ZkClient } from '../../../../src/zk/client';
import { ZkError } from '../../../../src/zk/errors';
import { formatHex64 } from '../../../../src/zk/stat';
import { rejectsWith } from '../../../support/assertions';
import { eventually } from '../../../support/session';
import { sharedZooKeeper, withEnsemble, withZooKeeper, type ZooKeeperServer } from '../../../support/zookeeper';

type WatchKind = 'data' | 'children' | 'subtree';

/** Records what the runner asks of the extension's watch service. */
class FakeHooks implements ScriptHooks {
  readonly watched: [string, WatchKind][] = [];
  readonly unwatched: [string, 'data' | 'children' | undefined][] = [];
  /** What unwatch answers: the number of watches removed. */
  removed = 1;
  readonly version = 'ZooKeeper Explorer 9.9.9 (test)';

  watch(path: string, kind: WatchKind): Promise<void> {
    this.watched.push([path, kind]);
    return Promise.resolve();
  }

  unwatch(path: string, kind: 'data' | 'children' | undefined): Promise<number> {
    this.unwatched.push([path, kind]);
    return Promise.resolve(this.removed);
  }
}

/** One line of script text, parsed as the runner receives it. */
function parsed(line: string): ReturnType<typeof parseScript>['commands'][number] {
  const script = parseScript(line);
  assert.equal(script.commands.length, 1, `"${line}" is one command`);
  return script.commands[0];
}

/** Awaits `promise` and asserts it rejects with an Error (not a ZkError) whose message matches. */
async function rejectsWithSentence(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof Error, String(error));
    assert.ok(!(error instanceof ZkError), `expected a plain Error, got ZkError ${(error as ZkError).code}`);
    assert.match(error.message, message);
    return true;
  });
}

const STAT_LINE_NAMES = ['cZxid', 'ctime', 'mZxid', 'mtime', 'pZxid', 'cversion', 'dataVersion', 'aclVersion', 'ephemeralOwner', 'dataLength', 'numChildren'];

/** The stat block zkCli prints, as name → value. */
function statBlock(lines: readonly string[]): Map<string, string> {
  assert.deepEqual(
    lines.map((l) => l.split(' = ')[0]),
    STAT_LINE_NAMES,
    'the stat block has zkCli’s eleven lines in zkCli’s order',
  );
  return new Map(lines.map((l) => [l.slice(0, l.indexOf(' = ')), l.slice(l.indexOf(' = ') + 3)]));
}

describe('extension/scripts/execute against a real ZooKeeper', function () {
  this.timeout(60000);
  let server: ZooKeeperServer;
  let client: ZkClient;
  let hooks: FakeHooks;
  let base: string;
  const others: ZkClient[] = [];

  const run = (line: string, on: ZkClient = client): Promise<CommandOutcome> => executeCommand(on, parsed(line), hooks);
  const dataOf = async (path: string, on: ZkClient = client): Promise<string> => (await on.get(path)).data.toString('utf8');
  const another = async (): Promise<ZkClient> => {
    const c = await ZkClient.connect({ connectString: server.connectString });
    others.push(c);
    return c;
  };

  before(async () => {
    server = await sharedZooKeeper();
    client = await ZkClient.connect({ connectString: server.connectString, sessionTimeoutMs: 10000 });
  });

  beforeEach(async function () {
    hooks = new FakeHooks();
    base = `/exec-${this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}-${Date.now()}`;
    await client.create(base);
  });

  afterEach(async () => {
    await Promise.all(others.splice(0).map((c) => c.close()));
    // deleteall through the runner: also a check that it cleans up whatever a test left.
    if (await client.exists(base)) await run(`deleteall ${base}`);
  });

  after(async () => {
    await client.close();
  });

  describe('create', () => {
    it('a plain node with data: "Created <path>", the parent reported as changed', async () => {
      const outcome = await run(`create ${base}/plain hello`);
      assert.deepEqual(outcome, { output: `Created ${base}/plain`, changed: [base] });
      const { data, stat } = await client.get(`${base}/plain`);
      assert.equal(data.toString('utf8'), 'hello');
      assert.equal(stat.ephemeralOwner, 0n);
      assert.deepEqual((await client.getACL(`${base}/plain`)).acl, [{ id: { scheme: 'world', id: 'anyone' }, perms: Perm.all }], 'the default ACL is world:anyone:cdrwa');
    });

    it('a node without data gets empty data', async () => {
      assert.equal((await run(`create ${base}/empty`)).output, `Created ${base}/empty`);
      assert.equal((await client.get(`${base}/empty`)).stat.dataLength, 0);
    });

    it('data with quotes and escapes arrives unquoted and unescaped, as UTF-8', async () => {
      await run(`create ${base}/dq "two words \\"quoted\\"\\n\\ttab \\u00e9 \\x41"`);
      assert.equal(await dataOf(`${base}/dq`), 'two words "quoted"\n\ttab é A');
      await run(`create ${base}/sq 'single \\'q\\' {"json": 1}'`);
      assert.equal(await dataOf(`${base}/sq`), 'single \'q\' {"json": 1}');
      await run(`create ${base}/json {"a":[1,2]}`);
      assert.equal(await dataOf(`${base}/json`), '{"a":[1,2]}', 'unquoted data is taken as written');
      await run(`create ${base}/dash "-v"`);
      assert.equal(await dataOf(`${base}/dash`), '-v', 'quoted data that looks like a flag is data');
    });

    it('-s: sequential, the created name printed and its parent changed', async () => {
      const first = await run(`create -s ${base}/job- a`);
      const second = await run(`create -s ${base}/job- b`);
      const name = new RegExp(`^Created ${base}/job-(\\d{10})$`);
      const [n1, n2] = [Number(name.exec(first.output)?.[1]), Number(name.exec(second.output)?.[1])];
      assert.ok(Number.isInteger(n1) && n2 === n1 + 1, `${first.output} then ${second.output}`);
      assert.deepEqual(first.changed, [base]);
      assert.equal(await dataOf(first.output.slice('Created '.length)), 'a');
    });

    it('-e: ephemeral, owned by this session; getEphemerals lists it', async () => {
      const outcome = await run(`create -e ${base}/eph x`);
      assert.equal(outcome.output, `Created ${base}/eph`);
      const stat = (await client.exists(`${base}/eph`))!;
      assert.equal(stat.ephemeralOwner, client.sessionId);
      const seq = await run(`create -e -s ${base}/eseq- y`);
      const seqPath = seq.output.slice('Created '.length);
      assert.match(seqPath, /\/eseq-\d{10}$/);
      assert.equal((await client.exists(seqPath))!.ephemeralOwner, client.sessionId, '-e -s: ephemeral sequential');
      assert.equal((await run(`getEphemerals ${base}`)).output, `[${[`${base}/eph`, seqPath].sort().join(', ')}]`);
      const all = (await run('getEphemerals')).output;
      assert.ok(all.startsWith('[') && all.endsWith(']') && all.includes(`${base}/eph`), all);
      // Another session owns none of them.
      const other = await another();
      assert.equal((await executeCommand(other, parsed(`getEphemerals ${base}`), hooks)).output, '[]');
    });

    it('-c: a container, reaped by the server once its last child is gone', async () => {
      assert.equal((await run(`create -c ${base}/box`)).output, `Created ${base}/box`);
      await run(`create ${base}/box/item`);
      await run(`delete ${base}/box/item`);
      await eventually(async () => (await client.exists(`${base}/box`)) === undefined, 20000, 'the container to be reaped');
    });

    it('-t: a TTL node (the test server has extendedTypesEnabled), persistent until its TTL passes', async () => {
      assert.equal((await run(`create -t 60000 ${base}/ttl data`)).output, `Created ${base}/ttl`);
      const stat = (await client.exists(`${base}/ttl`))!;
      assert.equal(stat.ephemeralOwner, 0n, 'a TTL node reports no owner');
      const seq = await run(`create -s -t 60000 ${base}/ttlseq-`);
      assert.match(seq.output, new RegExp(`^Created ${base}/ttlseq-\\d{10}$`));
      await run(`create -t 1 ${base}/short`);
      await eventually(async () => (await client.exists(`${base}/short`)) === undefined, 20000, 'the TTL node to expire');
      assert.ok(await client.exists(`${base}/ttl`), 'the long TTL node stays');
    });

    it('-t with a TTL that is not a positive whole number is refused with a sentence', async () => {
      await rejectsWithSentence(run(`create -t soon ${base}/t`), /^The TTL must be a whole number, not "soon"\.$/);
      await rejectsWith(run(`create -t 0 ${base}/t`), 'INVALIDARGUMENT', /a TTL node needs a time to live in whole milliseconds from 1 to/);
      assert.equal(await client.exists(`${base}/t`), undefined);
    });

    it('-t on a server without extendedTypesEnabled fails with how to enable it', async () => {
      await withZooKeeper(
        async (plain) => {
          const c = await ZkClient.connect({ connectString: plain.connectString });
          try {
            await rejectsWith(executeCommand(c, parsed('create -t 1000 /ttl'), hooks), 'UNIMPLEMENTED', /does not support TTL nodes\. Enable them with extendedTypesEnabled=true in zoo\.cfg/);
            assert.equal(await c.exists('/ttl'), undefined);
          } finally {
            await c.close();
          }
        },
        { extendedTypes: false },
      );
    });

    it('an ACL argument: world:anyone:r is what getAcl shows, and writes are refused', async () => {
      await run(`create ${base}/ro data world:anyone:r`);
      assert.equal((await run(`getAcl ${base}/ro`)).output, "'world,'anyone\n: r");
      await rejectsWith(run(`set ${base}/ro other`), 'NOAUTH', /not authorized by the node's ACL/);
      assert.equal(await dataOf(`${base}/ro`), 'data');
      await run(`create ${base}/multi "" world:anyone:cdr,ip:127.0.0.1:cdrwa`);
      assert.equal((await run(`getAcl ${base}/multi`)).output, "'world,'anyone\n: cdr\n'ip,'127.0.0.1\n: cdrwa");
    });

    it('errors: the node exists, the parent is missing, a bad path, a bad ACL', async () => {
      await run(`create ${base}/twice`);
      await rejectsWith(run(`create ${base}/twice`), 'NODEEXISTS', /already exists/);
      await rejectsWith(run(`create ${base}/missing/child`), 'NONODE', /its parent does not exist/);
      await rejectsWith(run(`create ${base}/bad/`), 'INVALIDPATH');
      await rejectsWithSentence(run(`create ${base}/acl x world:anyone`), /"world:anyone" is not an ACL entry: write scheme:id:perms/);
      await rejectsWithSentence(run(`create ${base}/acl x world:anyone:rwx`), /"x" is not a ZooKeeper permission/);
      await rejectsWithSentence(run('create'), /^create needs a path\.$/);
      assert.equal(await client.exists(`${base}/acl`), undefined);
    });
  });

  describe('set, get, stat', () => {
    it('set -v: the right version writes, a stale one fails with BADVERSION', async () => {
      await run(`create ${base}/n v0`);
      assert.deepEqual(await run(`set -v 0 ${base}/n v1`), { output: '', changed: [`${base}/n`] });
      assert.equal(await dataOf(`${base}/n`), 'v1');
      await rejectsWith(run(`set -v 0 ${base}/n v2`), 'BADVERSION', /changed by another client since it was read \(expected version 0\)/);
      assert.equal(await dataOf(`${base}/n`), 'v1');
      await run(`set -v -1 ${base}/n v3`);
      assert.equal(await dataOf(`${base}/n`), 'v3', '-v -1 writes whatever the version');
      await rejectsWithSentence(run(`set -v one ${base}/n v4`), /^The version must be a whole number, not "one"\.$/);
      await rejectsWithSentence(run(`set ${base}/n`), /^set needs the data to write\.$/);
      await rejectsWith(run(`set ${base}/gone x`), 'NONODE');
    });

    it('set -s prints the new stat', async () => {
      await run(`create ${base}/n v0`);
      const outcome = await run(`set -s ${base}/n "new data"`);
      const stat = await client.exists(`${base}/n`);
      assert.equal(outcome.output, formatStat(stat!));
      const fields = statBlock(outcome.output.split('\n'));
      assert.equal(fields.get('dataVersion'), '1');
      assert.equal(fields.get('dataLength'), '8');
      assert.deepEqual(outcome.changed, [`${base}/n`]);
    });

    it('get prints the data; -s adds the stat block; the empty node prints nothing', async () => {
      await run(`create ${base}/n "multi\\nline"`);
      assert.deepEqual(await run(`get ${base}/n`), { output: 'multi\nline', changed: [] });
      const withStat = (await run(`get -s ${base}/n`)).output.split('\n');
      assert.deepEqual(withStat.slice(0, 2), ['multi', 'line']);
      const fields = statBlock(withStat.slice(2));
      const stat = (await client.exists(`${base}/n`))!;
      assert.equal(fields.get('cZxid'), formatHex64(stat.czxid));
      assert.match(fields.get('cZxid')!, /^0x[0-9a-f]{16}$/);
      assert.match(fields.get('ctime')!, /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d\d \d\d:\d\d:\d\d UTC \d{4}$/, 'Java’s Date.toString in UTC');
      assert.equal(fields.get('ephemeralOwner'), '0x0000000000000000');
      assert.equal(fields.get('dataLength'), '10');
      await run(`create ${base}/empty`);
      assert.equal((await run(`get ${base}/empty`)).output, '');
      assert.deepEqual(hooks.watched, [], 'no watch without -w');
      await rejectsWith(run(`get ${base}/gone`), 'NONODE', /the node does not exist/);
    });

    it('get -w leaves a data watch through the hooks', async () => {
      await run(`create ${base}/n x`);
      assert.equal((await run(`get -w ${base}/n`)).output, 'x');
      assert.deepEqual(hooks.watched, [[`${base}/n`, 'data']]);
      await rejectsWith(run(`get -w ${base}/gone`), 'NONODE');
      assert.equal(hooks.watched.length, 1, 'no watch for a node that could not be read');
    });

    it('stat prints the stat block; a missing node fails with NONODE', async () => {
      await run(`create ${base}/n abc`);
      await run(`create ${base}/n/c`);
      const outcome = await run(`stat ${base}/n`);
      assert.equal(outcome.output, formatStat((await client.exists(`${base}/n`))!));
      const fields = statBlock(outcome.output.split('\n'));
      assert.equal(fields.get('numChildren'), '1');
      assert.equal(fields.get('dataLength'), '3');
      assert.equal(fields.get('cversion'), '1');
      await rejectsWith(run(`stat ${base}/gone`), 'NONODE', new RegExp(`^Could not read the stat of "${base}/gone": the node does not exist`));
    });

    it('stat -w watches the node, even one that does not exist yet (as zkCli’s exists watch)', async () => {
      await run(`create ${base}/n`);
      await run(`stat -w ${base}/n`);
      await rejectsWith(run(`stat -w ${base}/later`), 'NONODE');
      assert.deepEqual(hooks.watched, [
        [`${base}/n`, 'data'],
        [`${base}/later`, 'data'],
      ]);
    });
  });

  describe('ls', () => {
    beforeEach(async () => {
      for (const name of ['b', 'a', 'c']) await client.create(`${base}/${name}`);
      await client.create(`${base}/a/x`);
      await client.create(`${base}/a/x/deep`);
      await client.create(`${base}/c/y`);
    });

    it('lists the children sorted, in brackets; -s adds the stat', async () => {
      assert.deepEqual(await run(`ls ${base}`), { output: '[a, b, c]', changed: [] });
      assert.equal((await run(`ls ${base}/b`)).output, '[]');
      const lines = (await run(`ls -s ${base}`)).output.split('\n');
      assert.equal(lines[0], '[a, b, c]');
      assert.equal(statBlock(lines.slice(1)).get('numChildren'), '3');
      await rejectsWith(run(`ls ${base}/gone`), 'NONODE');
    });

    it('-R lists the whole subtree, one path a line, depth first like zkCli', async () => {
      const paths = (await run(`ls -R ${base}`)).output.split('\n');
      assert.deepEqual(paths, [base, `${base}/a`, `${base}/a/x`, `${base}/a/x/deep`, `${base}/b`, `${base}/c`, `${base}/c/y`]);
      assert.equal((await run(`ls -R ${base}/b`)).output, `${base}/b`, 'a leaf lists itself');
      await rejectsWith(run(`ls -R ${base}/gone`), 'NONODE');
    });

    it('-w leaves a children watch through the hooks', async () => {
      assert.equal((await run(`ls -w ${base}`)).output, '[a, b, c]');
      assert.deepEqual(hooks.watched, [[base, 'children']]);
    });
  });

  describe('delete and deleteall', () => {
    it('delete -v: the wrong version fails with BADVERSION, the right one deletes; parent and path changed', async () => {
      await run(`create ${base}/n v0`);
      await run(`set ${base}/n v1`);
      await rejectsWith(run(`delete -v 0 ${base}/n`), 'BADVERSION', /expected version 0/);
      assert.ok(await client.exists(`${base}/n`));
      assert.deepEqual(await run(`delete -v 1 ${base}/n`), { output: '', changed: [base, `${base}/n`] });
      assert.equal(await client.exists(`${base}/n`), undefined);
      await rejectsWith(run(`delete ${base}/n`), 'NONODE');
    });

    it('delete refuses a node with children (NOTEMPTY)', async () => {
      await run(`create ${base}/p`);
      await run(`create ${base}/p/c`);
      await rejectsWith(run(`delete ${base}/p`), 'NOTEMPTY', /still has children/);
    });

    it('deleteall removes the whole subtree (also with -b); a missing node is NONODE', async () => {
      for (const p of ['/t', '/t/a', '/t/a/1', '/t/a/2', '/t/b', '/t/b/c', '/t/b/c/d']) await client.create(`${base}${p}`);
      assert.deepEqual(await run(`deleteall ${base}/t`), { output: '', changed: [base, `${base}/t`] });
      assert.equal(await client.exists(`${base}/t`), undefined);
      assert.deepEqual((await client.getChildren(base)).children, []);
      for (const p of ['/u', '/u/a', '/u/b', '/u/c']) await client.create(`${base}${p}`);
      await run(`deleteall ${base}/u -b 2`);
      assert.equal(await client.exists(`${base}/u`), undefined);
      await rejectsWith(run(`deleteall ${base}/gone`), 'NONODE', new RegExp(`^Could not delete "${base}/gone": the node does not exist`));
    });

    it('deleteall that cannot delete everything says how far it got and the first reason', async () => {
      for (const p of ['/t', '/t/a', '/t/locked', '/t/locked/c']) await client.create(`${base}${p}`);
      await run(`setAcl ${base}/t/locked world:anyone:cra`); // no "d": its child cannot be deleted
      await rejectsWithSentence(
        run(`deleteall ${base}/t`),
        new RegExp(`^deleteall ${base}/t: 1 of 4 nodes deleted; 3 could not be \\(${base}/t/locked/c: Could not delete "${base}/t/locked/c": not authorized`),
      );
      assert.equal(await client.exists(`${base}/t/a`), undefined);
      assert.ok(await client.exists(`${base}/t/locked/c`));
      await run(`setAcl ${base}/t/locked world:anyone:cdrwa`);
    });
  });

  describe('ACLs and auth', () => {
    it('setAcl replaces the ACL; -s prints the stat with the new aclVersion; -v checks the ACL version', async () => {
      await run(`create ${base}/n`);
      assert.deepEqual(await run(`setAcl ${base}/n world:anyone:rwa`), { output: '', changed: [] });
      assert.equal((await run(`getAcl ${base}/n`)).output, "'world,'anyone\n: rwa");
      const withStat = await run(`setAcl -s ${base}/n world:anyone:cdrwa`);
      assert.equal(statBlock(withStat.output.split('\n')).get('aclVersion'), '2');
      await rejectsWith(run(`setAcl -v 0 ${base}/n world:anyone:ra`), 'BADVERSION');
      assert.equal((await client.getACL(`${base}/n`)).acl[0].perms, Perm.all, 'a refused setAcl changes nothing');
      await run(`setAcl -v 2 ${base}/n world:anyone:ra`);
      const lines = (await run(`getAcl -s ${base}/n`)).output.split('\n');
      assert.deepEqual(lines.slice(0, 2), ["'world,'anyone", ': ra']);
      assert.equal(statBlock(lines.slice(2)).get('aclVersion'), '3');
      await rejectsWith(run(`set ${base}/n x`), 'NOAUTH');
      await rejectsWith(run(`getAcl ${base}/gone`), 'NONODE');
      await rejectsWithSentence(run(`setAcl ${base}/n world:anyone`), /is not an ACL entry/);
    });

    it('setAcl -R applies the ACL to every node of the subtree, the rest untouched', async () => {
      for (const p of ['/t', '/t/a', '/t/a/deep', '/t/b', '/other']) await client.create(`${base}${p}`);
      assert.deepEqual(await run(`setAcl -R ${base}/t world:anyone:cdra`), { output: '', changed: [] });
      const expected: ZkAcl[] = [{ id: { scheme: 'world', id: 'anyone' }, perms: Perm.create | Perm.delete | Perm.read | Perm.admin }];
      for (const p of ['/t', '/t/a', '/t/a/deep', '/t/b']) assert.deepEqual((await client.getACL(`${base}${p}`)).acl, expected, p);
      assert.equal((await client.getACL(`${base}/other`)).acl[0].perms, Perm.all, 'outside the subtree nothing changes');
      assert.equal((await client.getACL(base)).acl[0].perms, Perm.all, 'the parent keeps its ACL');
      await rejectsWith(run(`set ${base}/t/a/deep x`), 'NOAUTH');
    });

    it('setAcl -R on a subtree with a node it cannot list fails instead of skipping what lies below it', async () => {
      for (const p of ['/t', '/t/hidden', '/t/hidden/deep']) await client.create(`${base}${p}`);
      await run(`setAcl ${base}/t/hidden world:anyone:cdwa`); // no "r": its children cannot be listed
      await rejectsWith(run(`setAcl -R ${base}/t world:anyone:cdra`), 'NOAUTH', new RegExp(`"${base}/t/hidden"`));
      assert.equal((await client.getACL(`${base}/t/hidden/deep`)).acl[0].perms, Perm.all);
      await rejectsWith(run(`ls -R ${base}/t`), 'NOAUTH', new RegExp(`"${base}/t/hidden"`));
      await run(`setAcl ${base}/t/hidden world:anyone:cdrwa`);
    });

    it('addauth digest user:pass, then create with an auth ACL: the digest is stored, others are refused', async () => {
      const mine = await another();
      assert.deepEqual(await run('addauth digest alice:s3cret', mine), { output: '', changed: [] });
      await run(`create ${base}/private secret auth::cdrwa`, mine);
      assert.equal((await run(`getAcl ${base}/private`, mine)).output, `'digest,'${digestId('alice', 's3cret')}\n: cdrwa`);
      assert.equal(await dataOf(`${base}/private`, mine), 'secret');
      await rejectsWith(run(`get ${base}/private`), 'NOAUTH', /Add credentials that the ACL grants/);
      assert.match((await run('whoami', mine)).output, /^Auth scheme: User\n(.+\n)*digest: alice(\n|$)/);
      // The digest ACL written out in full works the same.
      await run(`create ${base}/explicit x digest:${digestId('alice', 's3cret')}:r`, mine);
      assert.equal(await dataOf(`${base}/explicit`, mine), 'x');
      await rejectsWith(run(`get ${base}/explicit`), 'NOAUTH');
      // The cleanup's session has no credentials: open the nodes up again.
      await run(`setAcl ${base}/private world:anyone:cdrwa`, mine);
    });

    it('addauth accepts only digest user:password', async () => {
      await rejectsWithSentence(run('addauth ip 127.0.0.1'), /^Only digest credentials can be added from a script: addauth digest user:password\.$/);
      await rejectsWithSentence(run('addauth digest nopassword'), /Only digest credentials/);
      await rejectsWithSentence(run('addauth digest :pass'), /Only digest credentials/);
    });

    it('parseAclList keeps the colons of digest and IPv6 ids', () => {
      assert.deepEqual(parseAclList('digest:bob:abc=:rw,ip:::1:r'), [
        { id: { scheme: 'digest', id: 'bob:abc=' }, perms: Perm.read | Perm.write },
        { id: { scheme: 'ip', id: '::1' }, perms: Perm.read },
      ]);
    });
  });

  describe('watches through the hooks', () => {
    it('addWatch: PERSISTENT_RECURSIVE (the default) watches the subtree', async () => {
      const outcome = await run(`addWatch ${base}`);
      assert.deepEqual(hooks.watched, [[base, 'subtree']]);
      assert.deepEqual(outcome, { output: `Watching ${base} (PERSISTENT_RECURSIVE); the events appear in the ZooKeeper Watches panel.`, changed: [] });
      hooks.watched.length = 0;
      await run(`addWatch -m PERSISTENT_RECURSIVE ${base}/not-yet`);
      assert.deepEqual(hooks.watched, [[`${base}/not-yet`, 'subtree']], 'the node need not exist');
    });

    it('addWatch -m PERSISTENT watches data and children of the node', async () => {
      const outcome = await run(`addWatch -m PERSISTENT ${base}`);
      assert.deepEqual(hooks.watched, [
        [base, 'data'],
        [base, 'children'],
      ]);
      assert.equal(outcome.output, `Watching ${base} (PERSISTENT); the events appear in the ZooKeeper Watches panel.`);
    });

    it('addWatch -m ignores case, as zkCli (and the diagnostics) do', async () => {
      const recursive = await run(`addWatch -m persistent_recursive ${base}`);
      const plain = await run(`addWatch -m Persistent ${base}/p`);
      assert.deepEqual(hooks.watched, [
        [base, 'subtree'],
        [`${base}/p`, 'data'],
        [`${base}/p`, 'children'],
      ]);
      assert.equal(recursive.output, `Watching ${base} (PERSISTENT_RECURSIVE); the events appear in the ZooKeeper Watches panel.`);
      assert.equal(plain.output, `Watching ${base}/p (PERSISTENT); the events appear in the ZooKeeper Watches panel.`);
      assert.deepEqual(diagnose(`addWatch -m persistent_recursive ${base}\naddWatch -m Persistent ${base}/p`), [], 'the diagnostics let these lines run');
    });

    it('removewatches: -c children, -d data, -a or nothing every kind; none removed is NOWATCHER', async () => {
      await run(`removewatches ${base} -c`);
      await run(`removewatches ${base} -d`);
      await run(`removewatches ${base} -a`);
      assert.deepEqual(await run(`removewatches ${base}`), { output: '', changed: [] });
      assert.deepEqual(hooks.unwatched, [
        [base, 'children'],
        [base, 'data'],
        [base, undefined],
        [base, undefined],
      ]);
      hooks.removed = 0;
      await rejectsWith(run(`removewatches ${base}/none`), 'NOWATCHER', /there is no such watch/);
    });
  });

  describe('session and server commands', () => {
    it('sync prints "Sync is OK"', async () => {
      assert.deepEqual(await run(`sync ${base}`), { output: 'Sync is OK', changed: [] });
      assert.equal((await run('sync /')).output, 'Sync is OK');
    });

    it('getAllChildrenNumber counts every descendant', async () => {
      for (const p of ['/a', '/a/1', '/a/2', '/b', '/b/c', '/b/c/d']) await client.create(`${base}${p}`);
      assert.equal((await run(`getAllChildrenNumber ${base}`)).output, '6');
      assert.equal((await run(`getAllChildrenNumber ${base}/b`)).output, '2');
      assert.equal((await run(`getAllChildrenNumber ${base}/a/1`)).output, '0');
    });

    it('whoami prints the header and this session’s identities', async () => {
      const output = (await run('whoami')).output;
      assert.equal(output, 'Auth scheme: User\nip: 127.0.0.1', 'an unauthenticated session from loopback is its address');
    });

    it('config on the standalone test server: /zookeeper/config is empty, so are config and config -c; -s adds its stat', async () => {
      const { data, stat } = await client.get('/zookeeper/config');
      assert.equal(data.length, 0, 'a standalone server without dynamic reconfiguration keeps the node empty');
      assert.deepEqual(await run('config'), { output: '', changed: [] });
      assert.equal((await run('config -c')).output, '');
      const withStat = (await run('config -s')).output.split('\n');
      assert.equal(withStat[0], '', 'the (empty) data, then the stat block');
      assert.equal(statBlock(withStat.slice(1)).get('cZxid'), formatHex64(stat.czxid));
    });

    it('config on a real ensemble prints its dynamic configuration', async function () {
      this.timeout(120000);
      await withEnsemble(async (ensemble) => {
        const c = await ZkClient.connect({ connectString: ensemble.connectString });
        try {
          const text = (await c.get('/zookeeper/config')).data.toString('utf8');
          const output = (await executeCommand(c, parsed('config'), hooks)).output;
          assert.equal(output, text);
          assert.deepEqual(
            output.split('\n').map((l) => l.replace(/=.*/, '')),
            ['server.1', 'server.2', 'server.3', 'version'],
          );
          assert.match(output, /^server\.1=127\.0\.0\.1:\d+:\d+:participant$/m);
          // The test ensemble gives each server a static clientPort, so the dynamic configuration has no
          // client addresses (";host:port") and there is no connect string to print.
          assert.equal((await executeCommand(c, parsed('config -c'), hooks)).output, '');
        } finally {
          await c.close();
        }
      });
    });

    it('config -c turns server lines with client addresses into a connect string (the wildcard address replaced by the host)', async () => {
      const stat = (await client.exists('/zookeeper/config'))!;
      const text = [
        'server.1=10.0.0.1:2888:3888:participant;0.0.0.0:2181',
        'server.2=10.0.0.2:2888:3888:participant;10.0.1.2:2182',
        'server.3=zk3:2888:3888:observer;2183',
        'version=100000000',
      ].join('\n');
      // Only an ensemble started with dynamic client addresses has such a node: a stand-in client serves it.
      const asked: string[] = [];
      const fake = {
        get: (path: string) => {
          asked.push(path);
          return Promise.resolve({ data: Buffer.from(text, 'utf8'), stat });
        },
      } as unknown as ZkClient;
      assert.equal((await executeCommand(fake, parsed('config -c'), hooks)).output, '10.0.0.1:2181,10.0.1.2:2182,zk3:2183');
      assert.equal((await executeCommand(fake, parsed('config'), hooks)).output, text);
      assert.deepEqual(asked, ['/zookeeper/config', '/zookeeper/config']);
    });

    it('version prints the hooks’ version line', async () => {
      assert.deepEqual(await run('version'), { output: 'ZooKeeper Explorer 9.9.9 (test)', changed: [] });
    });

    it('an unknown or unsupported command is refused with a sentence, nothing runs', async () => {
      await rejectsWithSentence(run(`crate ${base}/x`), /^"crate" is not a command this runner knows\.$/);
      await rejectsWithSentence(run('connect localhost:2181'), /^"connect" is not a command this runner knows\.$/);
      await rejectsWithSentence(run(`"create" ${base}/x`), /is not a command this runner knows/);
      assert.equal(await client.exists(`${base}/x`), undefined);
    });
  });
});
