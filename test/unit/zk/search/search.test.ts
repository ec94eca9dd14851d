import * as assert from 'node:assert/strict';
import { Perm, type ZkAcl } from '../../../../src/zk/acl';
import { ZkClient } from '../../../../src/zk/client';
import { searchTree, type SearchResult } from '../../../../src/zk/search/search';
import { rejectsWith } from '../../../support/assertions';
import { sharedZooKeeper, type ZooKeeperServer } from '../../../support/zookeeper';

const NO_READ: ZkAcl[] = [{ perms: Perm.all & ~Perm.read, id: { scheme: 'world', id: 'anyone' } }];
const text = (s: string): Buffer => Buffer.from(s, 'utf8');
const paths = (results: readonly SearchResult[], base: string): string[] => results.map((r) => r.path.slice(base.length));

describe('zk/search against a real ZooKeeper', function () {
  this.timeout(60000);
  let server: ZooKeeperServer;
  let admin: ZkClient;
  let client: ZkClient;
  let base: string;

  before(async () => {
    server = await sharedZooKeeper();
    admin = await ZkClient.connect({ connectString: server.connectString });
  });
  beforeEach(async function () {
    base = `/search-${this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}-${Date.now()}`;
    await admin.create(base);
    // The demo-like configuration tree every test searches.
    await admin.create(`${base}/config`);
    await admin.create(`${base}/config/app.json`, text('{\n  "db": "postgres://db1:5432/app",\n  "cache": "redis://cache1"\n}'));
    await admin.create(`${base}/config/billing.json`, text('{\n  "db": "postgres://db2:5432/billing"\n}'));
    await admin.create(`${base}/config/flags`, text('dark-mode=on\nnew-checkout=off'));
    await admin.create(`${base}/config/flags/empty`);
    await admin.create(`${base}/config/blob`, Buffer.from([0x00, 0xff, 0xca, 0xfe, 0x70, 0x6f, 0x73, 0x74, 0x67, 0x72, 0x65, 0x73]));
    await admin.create(`${base}/services`);
    await admin.create(`${base}/services/db-primary`, text('host=db1'));
    client = await ZkClient.connect({ connectString: server.connectString });
  });
  afterEach(async () => {
    await client.close();
  });
  after(async () => {
    await admin.close();
  });

  it('finds data text with line, column and the node version, sorted by path, streaming each result as found', async () => {
    await admin.set(`${base}/config/billing.json`, text('{\n  "db": "postgres://db2:5432/billing"\n}'));
    const streamed: string[] = [];
    const outcome = await searchTree(client, { root: base, dataPattern: 'postgres' }, { onResult: (r) => streamed.push(r.path) });
    assert.deepEqual(paths(outcome.results, base), ['/config/app.json', '/config/billing.json']);
    assert.deepEqual([...streamed].sort(), outcome.results.map((r) => r.path));
    const [app, billing] = outcome.results;
    assert.deepEqual([app.matches[0].line, app.matches[0].column], [2, 10]);
    assert.equal(app.version, 0);
    assert.equal(billing.version, 1);
    assert.equal(outcome.visited, 9);
    assert.equal(outcome.truncated, false);
    assert.equal(outcome.cancelled, false);
    assert.equal(outcome.skippedBinary, 1, 'the binary node was not searched, and that is said');
  });

  it('searches binary data by hex digits, or by the text bytes, only when asked', async () => {
    const byHex = await searchTree(client, { root: base, dataPattern: 'CA FE', binary: true });
    assert.deepEqual(paths(byHex.results, base), ['/config/blob']);
    assert.equal(byHex.results[0].binary, true);
    assert.equal(byHex.results[0].matches[0].column, 3, 'the byte offset + 1');
    const byText = await searchTree(client, { root: base, dataPattern: 'postgres', binary: true });
    assert.deepEqual(paths(byText.results, base), ['/config/app.json', '/config/billing.json', '/config/blob']);
    assert.equal(byText.skippedBinary, 0);
  });

  it('matches paths by glob or regex, with or without a data pattern, and nodes without data are never read', async () => {
    let reads = 0;
    const get = client.get.bind(client);
    client.get = (path, watch) => {
      reads++;
      return get(path, watch);
    };
    const byName = await searchTree(client, { root: base, pathPattern: '*.json' });
    assert.deepEqual(paths(byName.results, base), ['/config/app.json', '/config/billing.json']);
    assert.equal(reads, 0, 'a path-only search reads no data');
    const byRegex = await searchTree(client, { root: base, pathPattern: 'db-\\w+$', regex: true });
    assert.deepEqual(paths(byRegex.results, base), ['/services/db-primary']);
    const both = await searchTree(client, { root: base, pathPattern: `${base}/config/**`, dataPattern: 'db1' });
    assert.deepEqual(paths(both.results, base), ['/config/app.json']);
    assert.equal(reads, 4, 'only nodes under /config with data were read (app.json, billing.json, flags, blob)');
  });

  it('regular expressions and case in data', async () => {
    const regex = await searchTree(client, { root: base, dataPattern: 'db\\d:\\d+', regex: true });
    assert.deepEqual(paths(regex.results, base), ['/config/app.json', '/config/billing.json']);
    assert.equal(regex.results[0].matches[0].preview.slice(regex.results[0].matches[0].previewStart, regex.results[0].matches[0].previewEnd), 'db1:5432');
    assert.equal((await searchTree(client, { root: base, dataPattern: 'DARK' })).results.length, 1);
    assert.equal((await searchTree(client, { root: base, dataPattern: 'DARK', caseSensitive: true })).results.length, 0);
  });

  it('a node this session may not read is reported, not silently skipped', async () => {
    await admin.create(`${base}/config/secret`, text('postgres://root:hunter2@db9'), { acl: NO_READ });
    const outcome = await searchTree(client, { root: base, dataPattern: 'postgres' });
    assert.deepEqual(paths(outcome.results, base), ['/config/app.json', '/config/billing.json']);
    assert.deepEqual(outcome.unreadable, [`${base}/config/secret`]);
    const byPath = await searchTree(client, { root: base, pathPattern: 'secret' });
    assert.deepEqual(byPath.results, [], 'its stat could not be read either');
    assert.deepEqual(byPath.unreadable, [`${base}/config/secret`], 'but its path matched, and that is said');
    const elsewhere = await searchTree(client, { root: base, pathPattern: '*.json' });
    assert.deepEqual(elsewhere.unreadable, [], 'an unreadable node whose path does not match is not reported');
  });

  it('stops at maxResults and maxNodes and says truncated; maxDepth bounds the levels', async () => {
    const few = await searchTree(client, { root: base }, { maxResults: 3 });
    assert.equal(few.results.length, 3);
    assert.equal(few.truncated, true);
    assert.equal(few.cancelled, false);
    const small = await searchTree(client, { root: base }, { maxNodes: 4 });
    assert.equal(small.visited, 4);
    assert.equal(small.truncated, true);
    const shallow = await searchTree(client, { root: base }, { maxDepth: 1 });
    assert.deepEqual(paths(shallow.results, base), ['', '/config', '/services']);
    assert.equal(shallow.truncated, false);
  });

  it('cancelling stops the search and keeps what was found', async () => {
    for (let i = 0; i < 200; i++) await admin.create(`${base}/services/s${i}`, text(`instance ${i}`));
    const controller = new AbortController();
    const outcome = await searchTree(client, { root: base, dataPattern: 'instance' }, { concurrency: 1, signal: controller.signal, onResult: () => controller.abort() });
    assert.equal(outcome.cancelled, true);
    assert.ok(outcome.results.length >= 1 && outcome.results.length < 200, `found ${outcome.results.length}`);
  });

  it('a node deleted between its listing and its read is skipped; a missing root is a sentence', async () => {
    const get = client.get.bind(client);
    client.get = async (path, watch) => {
      if (path.endsWith('/app.json')) await admin.delete(path);
      return get(path, watch);
    };
    const outcome = await searchTree(client, { root: base, dataPattern: 'postgres' });
    assert.deepEqual(paths(outcome.results, base), ['/config/billing.json']);
    await rejectsWith(searchTree(client, { root: `${base}/nope`, dataPattern: 'x' }), 'NONODE', /does not exist/);
    await rejectsWith(searchTree(client, { root: 'relative', dataPattern: 'x' }), 'INVALIDPATH');
    await rejectsWith(searchTree(client, { root: base, dataPattern: '(', regex: true }), 'INVALIDARGUMENT', /not a valid regular expression/);
  });
});
