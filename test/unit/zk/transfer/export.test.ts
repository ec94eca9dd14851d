import * as assert from 'node:assert/strict';
import { executeCommand, type ScriptHooks } from '../../../../src/extension/scripts/execute';
import { diagnose, parseScript } from '../../../../src/server/script';
import { digestId, Perm, type ZkAcl } from '../../../../src/zk/acl';
import { ZkClient } from '../../../../src/zk/client';
import { exportSubtree, type ExportReport } from '../../../../src/zk/transfer/export';
import { EXPORT_FORMAT, type ExportedNode } from '../../../../src/zk/transfer/exportFormat';
import { rejectsWith } from '../../../support/assertions';
import { sharedZooKeeper, type ZooKeeperServer } from '../../../support/zookeeper';

const text = (s: string): Buffer => Buffer.from(s, 'utf8');
const OPEN: ZkAcl[] = [{ perms: Perm.all, id: { scheme: 'world', id: 'anyone' } }];
const NO_READ: ZkAcl[] = [{ perms: Perm.all & ~Perm.read, id: { scheme: 'world', id: 'anyone' } }];
const BINARY = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x0d, 0x0a, 0x7f]);

interface ExportFile {
  format: string;
  version: number;
  source: { connection?: string; path: string; exportedAt: string };
  nodes: ExportedNode[];
}

const noHooks: ScriptHooks = {
  version: 'test',
  watch: () => Promise.reject(new Error('no watches in this test')),
  unwatch: () => Promise.reject(new Error('no watches in this test')),
};

describe('zk/transfer/export against a real ZooKeeper', function () {
  this.timeout(60000);
  let server: ZooKeeperServer;
  let client: ZkClient;
  let base: string;

  const exportTo = async (root: string, options: Parameters<typeof exportSubtree>[3]): Promise<{ out: string; report: ExportReport }> => {
    let out = '';
    const report = await exportSubtree(client, root, (chunk) => void (out += chunk), options);
    return { out, report };
  };

  before(async () => {
    server = await sharedZooKeeper();
    client = await ZkClient.connect({ connectString: server.connectString });
  });
  beforeEach(async function () {
    base = `/export-${this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}-${Date.now()}`;
    await client.create(base, text('root data'));
    await client.create(`${base}/app.json`, text('{\n  "db": "postgres://db1",\n  "quote": "say \\"hi\\"\\ttab"\n}'));
    await client.create(`${base}/blob`, BINARY);
    await client.create(`${base}/empty`);
    await client.create(`${base}/empty/deeper`, text('ünïcödé ✓'));
    await client.create(`${base}/locked`, text('for ops only'), { acl: [{ perms: Perm.read | Perm.write, id: { scheme: 'digest', id: digestId('ops', 'secret') } }, { perms: Perm.read, id: { scheme: 'world', id: 'anyone' } }] });
    await client.create(`${base}/queue`, null, { acl: [{ perms: Perm.all, id: { scheme: 'ip', id: '127.0.0.1' } }, { perms: Perm.read | Perm.create | Perm.delete | Perm.write, id: { scheme: 'world', id: 'anyone' } }] });
    await client.create(`${base}/queue/item-`, text('job 1'), { mode: 'persistentSequential' });
  });
  after(async () => {
    await client.close();
  });

  it('JSON: every node with its data (text as text, binary as base64), ACL and stat, parents first, paths relative', async () => {
    const { out, report } = await exportTo(base, { format: 'json', connection: 'dev', now: new Date('2026-12-03T06:00:00Z') });
    const file = JSON.parse(out) as ExportFile;
    assert.equal(file.format, EXPORT_FORMAT);
    assert.equal(file.version, 1);
    assert.deepEqual(file.source, { connection: 'dev', path: base, exportedAt: '2026-12-03T06:00:00.000Z' });
    const byPath = new Map(file.nodes.map((n) => [n.path, n]));
    assert.deepEqual(
      file.nodes.map((n) => n.path),
      ['', 'app.json', 'blob', 'empty', 'locked', 'queue', 'empty/deeper', 'queue/item-0000000000'],
      'breadth-first: a parent always before its children',
    );
    assert.equal(byPath.get('')!.data, 'root data');
    assert.equal(byPath.get('app.json')!.data, '{\n  "db": "postgres://db1",\n  "quote": "say \\"hi\\"\\ttab"\n}');
    assert.deepEqual(Buffer.from(byPath.get('blob')!.dataBase64!, 'base64'), BINARY, 'binary survives byte for byte');
    assert.equal(byPath.get('blob')!.data, undefined);
    assert.equal(byPath.get('empty')!.data, '');
    assert.equal(byPath.get('empty/deeper')!.data, 'ünïcödé ✓');
    // Read without ADMIN on it, the server hides the digest hash: said, never passed off as the ACL.
    assert.deepEqual(byPath.get('locked')!.acl, ['digest:ops:x:rw', 'world:anyone:r']);
    assert.equal(byPath.get('locked')!.aclMasked, true);
    assert.deepEqual(report.aclMasked, [`${base}/locked`]);
    assert.equal(byPath.get('app.json')!.aclMasked, undefined);
    assert.deepEqual(byPath.get('app.json')!.acl, ['world:anyone:cdrwa']);
    assert.equal(byPath.get('queue/item-0000000000')!.sequential, true);
    assert.equal(byPath.get('queue')!.stat.cversion, 1, "the parent's cversion: where its sequence counter stands");
    assert.match(byPath.get('')!.stat.mtime, /^\d{4}-\d\d-\d\dT/);
    assert.equal(report.exported, 8);
    assert.equal(report.truncated, false);
    assert.equal(report.cancelled, false);
    assert.equal(report.written, out.length);
    assert.equal(out.split('\n').filter((l) => l.startsWith('    {"path"')).length, 8, 'one node a line, for people and diffs');
  });

  it('ephemeral nodes are left out unless asked for; nodes that may not be read are reported', async () => {
    const owner = await ZkClient.connect({ connectString: server.connectString });
    try {
      await owner.create(`${base}/queue/worker`, text('10.0.0.1'), { mode: 'ephemeral' });
      await client.create(`${base}/secret`, text('hidden'), { acl: NO_READ });
      const without = await exportTo(base, { format: 'json' });
      assert.equal(without.report.skippedEphemeral, 1);
      assert.deepEqual(without.report.unreadable, [`${base}/secret`]);
      assert.ok(!without.out.includes('"queue/worker"'));
      assert.ok(!without.out.includes('hidden'));
      const withEphemeral = await exportTo(base, { format: 'json', includeEphemeral: true });
      const worker = (JSON.parse(withEphemeral.out) as ExportFile).nodes.find((n) => n.path === 'queue/worker')!;
      assert.equal(worker.mode, 'ephemeral');
      assert.match(worker.stat.ephemeralOwner!, /^0x[0-9a-f]{16}$/);
    } finally {
      await owner.close();
    }
  });

  it('.zk: a script that recreates the subtree through our own script runner, data and ACLs included; binary said, not faked', async () => {
    const { out, report } = await exportTo(base, { format: 'zk', connection: 'dev' });
    assert.equal(report.binaryWithoutData, 1);
    assert.match(out, new RegExp(`# ${base}/blob holds 7 bytes of binary data, which a script cannot carry`));
    const script = parseScript(out);
    assert.deepEqual(diagnose(script).filter((d) => d.severity === 1), [], 'the language server finds no error in it');
    // Move the original away, then run the script: the same tree comes back.
    const original = new Map<string, { data: Buffer; acl: ZkAcl[] }>();
    for (const rel of ['', '/app.json', '/empty', '/empty/deeper', '/locked', '/queue', '/queue/item-0000000000']) {
      const { data } = await client.get(base + rel);
      const { acl } = await client.getACL(base + rel);
      original.set(rel, { data, acl });
    }
    await executeCommand(client, parseScript(`deleteall ${base}`).commands[0], noHooks);
    for (const command of script.commands) await executeCommand(client, command, noHooks);
    for (const [rel, { data, acl }] of original) {
      assert.deepEqual((await client.get(base + rel)).data, data, `${rel} data`);
      if (rel !== '/locked') assert.deepEqual((await client.getACL(base + rel)).acl, acl, `${rel} ACL`);
    }
    // The masked ACL is not written back (it would lock everyone out): the script says so instead.
    assert.match(out, new RegExp(`# ${base}/locked: its ACL \\(digest:ops:x:rw,world:anyone:r\\) was read without ADMIN permission`));
    assert.ok(!out.includes(`setAcl ${base}/locked`));
    assert.deepEqual((await client.getACL(`${base}/locked`)).acl, OPEN);
    assert.deepEqual((await client.get(`${base}/blob`)).data.length, 0, 'the binary node exists, without its data (as the comment says)');
    assert.deepEqual((await client.getACL(`${base}/app.json`)).acl, OPEN);
  });

  it('streams: a slow sink slows the reads (bounded buffer), the order holds, and a failing sink fails the export without hanging', async () => {
    for (let i = 0; i < 300; i++) await client.create(`${base}/empty/n${String(i).padStart(3, '0')}`, text(`v${i}`));
    let inFlight = 0;
    let peak = 0;
    const get = client.get.bind(client);
    client.get = async (path, watch) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        return await get(path, watch);
      } finally {
        inFlight--;
      }
    };
    try {
      const chunks: string[] = [];
      const report = await exportSubtree(client, base, (chunk) => new Promise<void>((resolve) => setImmediate(() => (chunks.push(chunk), resolve()))), { format: 'json' });
      const file = JSON.parse(chunks.join('')) as ExportFile;
      assert.equal(file.nodes.length, 308);
      assert.equal(report.exported, 308);
      const names = file.nodes.filter((n) => n.path.startsWith('empty/n')).map((n) => n.path);
      assert.deepEqual(names, [...names].sort(), 'siblings in listing order');
      assert.ok(peak <= 128, `at most 128 reads in flight (saw ${peak})`);
      let writes = 0;
      await assert.rejects(
        exportSubtree(client, base, () => (++writes === 20 ? Promise.reject(new Error('disk full')) : undefined), { format: 'json' }),
        /disk full/,
      );
    } finally {
      client.get = get;
    }
  });

  it('cancelling stops it and writes no closing part; a missing root is a sentence', async () => {
    const controller = new AbortController();
    let written = 0;
    const report = await exportSubtree(
      client,
      base,
      () => {
        if (++written === 3) controller.abort();
      },
      { format: 'json', signal: controller.signal },
    );
    assert.equal(report.cancelled, true);
    assert.ok(report.exported < 8);
    await rejectsWith(exportSubtree(client, `${base}/nope`, () => undefined, { format: 'json' }), 'NONODE', /does not exist/);
  });
});
