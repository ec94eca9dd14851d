import * as assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { Perm, type ZkAcl } from '../../../../src/zk/acl';
import { ZkClient } from '../../../../src/zk/client';
import { compareTrees } from '../../../../src/zk/transfer/compare';
import { exportSubtree } from '../../../../src/zk/transfer/export';
import { applyImport, planImport, planSummary } from '../../../../src/zk/transfer/import';
import { readImportFile, type ImportSource } from '../../../../src/zk/transfer/importFormat';
import { rejectsWith } from '../../../support/assertions';
import { eventually } from '../../../support/session';
import { sharedZooKeeper, type ZooKeeperServer } from '../../../support/zookeeper';

const text = (s: string): Buffer => Buffer.from(s, 'utf8');
const BINARY = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x0d, 0x0a, 0x7f]);
const READ_ONLY: ZkAcl[] = [{ perms: Perm.read | Perm.admin, id: { scheme: 'world', id: 'anyone' } }];
const NO_READ: ZkAcl[] = [{ perms: Perm.all & ~Perm.read, id: { scheme: 'world', id: 'anyone' } }];

/** A file's text as chunks of a few bytes, cutting lines and UTF-8 sequences: what a stream delivers. */
function chunked(content: string, size = 7): AsyncIterable<Uint8Array> {
  const bytes = Buffer.from(content, 'utf8');
  return (async function* () {
    for (let i = 0; i < bytes.length; i += size) yield await Promise.resolve(bytes.subarray(i, i + size));
  })();
}

/** ZooNavigator's export in its documented shape: base64(gzip(JSON list of {"h": {acl, path, data}, "t": [children]})). */
function zooNavigatorFile(trees: unknown[]): string {
  return gzipSync(Buffer.from(JSON.stringify(trees), 'utf8')).toString('base64');
}

describe('zk/transfer/import against a real ZooKeeper', function () {
  this.timeout(90000);
  let server: ZooKeeperServer;
  let client: ZkClient;
  let base: string;

  before(async () => {
    server = await sharedZooKeeper();
    client = await ZkClient.connect({ connectString: server.connectString });
  });
  beforeEach(async function () {
    base = `/import-${this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}-${Date.now()}`;
    await client.create(base);
  });
  after(async () => {
    await client.close();
  });

  const exportText = async (root: string, includeEphemeral = false): Promise<string> => {
    let out = '';
    await exportSubtree(client, root, (chunk) => void (out += chunk), { format: 'json', includeEphemeral });
    return out;
  };
  // Small files in chunks of a few bytes; large ones in 64 KiB (as a file stream gives them: a generator of
  // tiny chunks never lets the event loop run, so the session's pings would wait for the whole parse).
  const fromText = (content: string): Promise<ImportSource> => readImportFile(chunked(content, content.length > 100_000 ? 65536 : 7));

  /** Source tree: text (with a multi-byte character), binary, empty, an ACL, sequential children. */
  const plantSource = async (root: string): Promise<void> => {
    await client.create(root, text('root'));
    await client.create(`${root}/app.json`, text('{\n  "db": "pg://db1",\n  "name": "Zürich ✓"\n}'));
    await client.create(`${root}/blob`, BINARY);
    await client.create(`${root}/empty`);
    await client.create(`${root}/locked`, text('ro'), { acl: READ_ONLY });
    await client.create(`${root}/queue`);
    for (let i = 0; i < 3; i++) await client.create(`${root}/queue/item-`, text(`job ${i}`), { mode: 'persistentSequential' });
  };

  it('round-trips an export into a new place: every byte, ACLs and sequential names, and a sequential create continues after them', async () => {
    await plantSource(`${base}/src`);
    const source = await fromText(await exportText(`${base}/src`));
    assert.equal(source.format, 'zookeeper-explorer');
    assert.equal(source.nodes.length, 9);
    const plan = await planImport(client, `${base}/copy`, source);
    assert.deepEqual(plan.counts, { create: 9, update: 0, unchanged: 0, delete: 0 });
    assert.equal(plan.entries[0].path, `${base}/copy`, 'parents first');
    assert.equal(await client.exists(`${base}/copy`), undefined, 'a plan writes nothing');
    const report = await applyImport(client, plan);
    assert.equal(report.created, 9);
    assert.deepEqual(report.failed, []);
    const diff = await compareTrees({ client, path: `${base}/src` }, { client, path: `${base}/copy` }, { compareAcl: true });
    assert.deepEqual({ added: diff.added, removed: diff.removed, changed: diff.changed }, { added: [], removed: [], changed: [] });
    assert.equal(diff.same, 9);
    assert.deepEqual((await client.get(`${base}/copy/blob`)).data, BINARY);
    assert.equal((await client.get(`${base}/copy/empty`)).data.length, 0);
    assert.deepEqual((await client.get(`${base}/copy/queue/item-0000000001`)).data, text('job 1'));
    // Three creates under the copy's queue moved its counter to 3, past the highest name (2): nothing to note.
    assert.deepEqual(report.counters, []);
    // A sequential create there now continues after the copied names.
    const next = await client.create(`${base}/copy/queue/item-`, null, { mode: 'persistentSequential' });
    assert.equal(next.path, `${base}/copy/queue/item-0000000003`);
  });

  it('notes a parent whose counter stays below the imported sequence numbers', async () => {
    await client.create(`${base}/src`);
    await client.create(`${base}/src/q`);
    // Push the source counter up, then keep one late child: its number is far above what a fresh parent counts.
    for (let i = 0; i < 5; i++) await client.create(`${base}/src/q/t-`, null, { mode: 'persistentSequential' });
    for (let i = 0; i < 4; i++) await client.delete(`${base}/src/q/t-000000000${i}`);
    const plan = await planImport(client, `${base}/copy`, await fromText(await exportText(`${base}/src`)));
    const report = await applyImport(client, plan);
    assert.deepEqual(report.counters, [{ parent: `${base}/copy/q`, counter: 1, highest: 4 }]);
    assert.ok(await client.exists(`${base}/copy/q/t-0000000004`), 'the name is kept');
  });

  it('plans updates with what differs, unchanged nodes, and deletes only when asked', async () => {
    await plantSource(`${base}/src`);
    await plantSource(`${base}/dst`);
    await client.set(`${base}/dst/app.json`, text('{"db":"old"}'));
    await client.setACL(`${base}/dst/empty`, READ_ONLY);
    await client.create(`${base}/dst/extra`, text('not in the file'));
    await client.create(`${base}/dst/extra/deeper`);
    const source = await fromText(await exportText(`${base}/src`));

    const keep = await planImport(client, `${base}/dst`, source);
    assert.deepEqual(keep.counts, { create: 0, update: 2, unchanged: 7, delete: 0 });
    const summary = planSummary(keep);
    assert.deepEqual(summary.update, [
      { path: `${base}/dst/app.json`, changes: ['data'] },
      { path: `${base}/dst/empty`, changes: ['acl'] },
    ]);
    const app = keep.entries.find((e) => e.path === `${base}/dst/app.json`)!;
    assert.deepEqual(app.before, text('{"db":"old"}'), 'the plan keeps the target data for the diff');

    const sweep = await planImport(client, `${base}/dst`, source, { deleteExtra: true });
    assert.deepEqual(planSummary(sweep).delete, [`${base}/dst/extra/deeper`, `${base}/dst/extra`], 'children before parents');
    const report = await applyImport(client, sweep);
    assert.deepEqual({ updated: report.updated, aclSet: report.aclSet, deleted: report.deleted, failed: report.failed }, { updated: 2, aclSet: 1, deleted: 2, failed: [] });
    const diff = await compareTrees({ client, path: `${base}/src` }, { client, path: `${base}/dst` }, { compareAcl: true });
    assert.deepEqual({ added: diff.added, removed: diff.removed, changed: diff.changed }, { added: [], removed: [], changed: [] });
  });

  it('stops the batch holding a node changed between plan and apply, reports it, and applies the other batches', async () => {
    await client.create(`${base}/dst`);
    for (let i = 0; i < 6; i++) await client.create(`${base}/dst/n${i}`, text('old'));
    const file = JSON.stringify({ format: 'zookeeper-explorer/export', version: 1, source: { path: '/x' }, nodes: [] });
    const lines = [{ path: '', data: '' }, ...Array.from({ length: 6 }, (_, i) => ({ path: `n${i}`, data: 'new' }))].map((n) => `    ${JSON.stringify({ ...n, acl: [] })}`);
    const content = file.replace('"nodes":[]', `"nodes": [\n${lines.join(',\n')}\n  ]`);
    const plan = await planImport(client, `${base}/dst`, await fromText(content));
    assert.equal(plan.counts.update, 6);
    // Another client changes n4 after the plan and before apply: exactly the moment the check exists for.
    await client.set(`${base}/dst/n4`, text('theirs'));
    const report = await applyImport(client, plan, { maxOpsPerBatch: 2 });
    assert.equal(report.batches, 3);
    assert.deepEqual(report.failed, [{ batch: 3, ops: 2, path: `${base}/dst/n4`, code: 'BADVERSION', reason: 'another client changed it since the plan' }]);
    assert.equal(report.updated, 4);
    const data = await Promise.all(Array.from({ length: 6 }, (_, i) => client.get(`${base}/dst/n${i}`).then((r) => r.data.toString())));
    assert.deepEqual(data, ['new', 'new', 'new', 'new', 'theirs', 'old'], 'the failed batch applied nothing, the others all');
  });

  it('imports a 1.5 MB subtree in several batches under jute.maxbuffer', async () => {
    await client.create(`${base}/src`);
    const big = (i: number): Buffer => Buffer.alloc(100 * 1024, i);
    for (let i = 0; i < 15; i++) await client.create(`${base}/src/b${i}`, big(i));
    const plan = await planImport(client, `${base}/copy`, await fromText(await exportText(`${base}/src`)));
    const progress: number[] = [];
    const report = await applyImport(client, plan, { onProgress: ({ applied }) => progress.push(applied) });
    assert.ok(report.batches >= 2, `${report.batches} batches`);
    assert.equal(report.created, 16);
    assert.equal(progress.at(-1), 16);
    for (let i = 0; i < 15; i++) assert.deepEqual((await client.get(`${base}/copy/b${i}`)).data, big(i));
  });

  it('creates container and TTL nodes from the file with their modes', async () => {
    const nodes = [
      { path: '', acl: [] },
      { path: 'box', mode: 'container', acl: [] },
      { path: 'box/item', data: 'x', acl: [] },
      { path: 'lease', mode: 'ttl', ttl: 1, acl: [] },
    ].map((n) => `    ${JSON.stringify(n)}`);
    const content = `{\n  "format": "zookeeper-explorer/export",\n  "version": 1,\n  "source": {"path": "/x"},\n  "nodes": [\n${nodes.join(',\n')}\n  ]\n}\n`;
    const plan = await planImport(client, `${base}/dst`, await fromText(content));
    const report = await applyImport(client, plan);
    assert.equal(report.created, 4);
    // A TTL node without children expires; a container goes once its last child does: neither would if made persistent.
    await eventually(async () => (await client.exists(`${base}/dst/lease`)) === undefined, 30000, 'the TTL node to expire');
    await client.delete(`${base}/dst/box/item`);
    await eventually(async () => (await client.exists(`${base}/dst/box`)) === undefined, 30000, 'the emptied container to go');
  });

  it('reads ZooNavigator exports: nested trees, ACL words, text and byte-list data', async () => {
    const file = zooNavigatorFile([
      {
        // Read-only: its children could not be created under it, so it gets this ACL after them.
        h: { path: '/config', data: 'top', acl: [{ scheme: 'world', id: 'anyone', permissions: ['Read', 'Admin'] }] },
        t: [
          { h: { path: '/config/db', data: 'pg://db1', acl: [{ scheme: 'world', id: 'anyone', permissions: ['READ', 'ADMIN'] }] }, t: [] },
          { h: { path: '/config/bin', data: [0, -1, 16, -128], acl: [] }, t: [{ h: { path: '/config/bin/empty', data: null }, t: [] }] },
        ],
      },
    ]);
    const source = await readImportFile(chunked(file, 5));
    assert.equal(source.format, 'zoonavigator');
    assert.deepEqual(source.nodes.map((n) => n.path), ['', 'db', 'bin', 'bin/empty']);
    const report = await applyImport(client, await planImport(client, `${base}/zn`, source));
    assert.deepEqual({ created: report.created, aclSet: report.aclSet, failed: report.failed }, { created: 4, aclSet: 1, failed: [] });
    assert.deepEqual((await client.getACL(`${base}/zn`)).acl, READ_ONLY);
    assert.deepEqual((await client.get(`${base}/zn/db`)).data, text('pg://db1'));
    assert.deepEqual((await client.getACL(`${base}/zn/db`)).acl, READ_ONLY);
    assert.deepEqual((await client.get(`${base}/zn/bin`)).data, Buffer.from([0, 255, 16, 128]));
    assert.equal((await client.get(`${base}/zn/bin/empty`)).data.length, 0);
  });

  it('leaves ephemeral nodes of the file out and unreadable target nodes alone, and says so', async () => {
    await client.create(`${base}/src`);
    await client.create(`${base}/src/session`, text('me'), { mode: 'ephemeral' });
    await client.create(`${base}/src/secret`, text('file'));
    await client.create(`${base}/dst`);
    await client.create(`${base}/dst/secret`, text('target'), { acl: NO_READ });
    const plan = await planImport(client, `${base}/dst`, await fromText(await exportText(`${base}/src`, true)));
    assert.deepEqual(plan.skipped.map((s) => s.path), [`${base}/dst/session`]);
    assert.match(plan.skipped[0].reason, /ephemeral/);
    assert.deepEqual(plan.unreadable, [`${base}/dst/secret`]);
    assert.deepEqual(plan.counts, { create: 0, update: 0, unchanged: 1, delete: 0 });
    const report = await applyImport(client, plan);
    assert.equal(report.skipped.length, 1);
    assert.equal(await client.exists(`${base}/dst/session`), undefined);
  });

  it('stops between batches when cancelled, and counts what it did not apply', async () => {
    const nodes = [{ path: '' }, ...Array.from({ length: 10 }, (_, i) => ({ path: `n${i}` }))].map((n) => `    ${JSON.stringify(n)}`);
    const content = `{\n  "format": "zookeeper-explorer/export",\n  "version": 1,\n  "source": {"path": "/x"},\n  "nodes": [\n${nodes.join(',\n')}\n  ]\n}\n`;
    const plan = await planImport(client, `${base}/dst`, await fromText(content));
    const abort = new AbortController();
    // Cancelled as the first batch's answer arrives: batches already sent complete, no new one starts.
    const report = await applyImport(client, plan, { maxOpsPerBatch: 1, signal: abort.signal, onProgress: () => abort.abort() });
    assert.equal(report.cancelled, true);
    assert.ok(report.created >= 1 && report.created <= 4, `${report.created} created`);
    assert.equal(report.created + report.notApplied, 11);
  });

  it('refuses files it cannot read, saying why', async () => {
    const head = '{\n  "format": "zookeeper-explorer/export",\n  "version": 1,\n  "source": {"path": "/x"},\n  "nodes": [\n    {"path":""},\n';
    await rejectsWith(fromText(head), 'INVALIDARGUMENT', /ends before its nodes do/);
    await rejectsWith(fromText(head.replace('"version": 1', '"version": 9') + '  ]\n}\n'), 'INVALIDARGUMENT', /version 9/);
    await rejectsWith(fromText('not base64 at all!'), 'INVALIDARGUMENT', /neither/);
    await rejectsWith(fromText(head + '    {"path":"/abs"}\n  ]\n}\n'), 'INVALIDARGUMENT', /not a relative znode path/);
    await rejectsWith(planImport(client, `${base}/missing/deeper`, await fromText(head + '  ]\n}\n')), 'NONODE', /Create it first/);
  });
});
