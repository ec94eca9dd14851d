// The demo world (scripts/lib/demo.js): real kazoo and Curator recipe clients against a real
// ZooKeeper, checked with a raw node-zookeeper-client.
import * as assert from 'node:assert/strict';
import type * as DemoLib from '../../../scripts/lib/demo';
import { zookeeper, type ZooKeeperServer } from '../../support/zookeeper';
import { scriptsLib } from '../../support/scriptsLib';

/** scripts/lib/demo.js, loaded at run time: a static import would point into out/ once compiled. */
const demo = scriptsLib<typeof DemoLib>('demo');

// node-zookeeper-client ships no types: just what these tests use.
interface Stat {
  ephemeralOwner: Buffer;
  numChildren: number;
}
interface RawClient {
  once(event: 'connected', listener: () => void): void;
  connect(): void;
  close(): void;
  getData(path: string, callback: (error: (Error & { code?: number }) | null, data?: Buffer, stat?: Stat) => void): void;
  getChildren(path: string, callback: (error: (Error & { code?: number }) | null, children?: string[]) => void): void;
  exists(path: string, callback: (error: Error | null, stat?: Stat) => void): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createClient } = require('node-zookeeper-client') as { createClient: (connectString: string, options?: object) => RawClient };

const NO_NODE = -101;
const log = process.env.ZK_TEST_LOG ? (message: string) => console.log(`[demo] ${message}`) : undefined;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function connect(connectString: string): Promise<RawClient> {
  const client = createClient(connectString, { sessionTimeout: 10000, spinDelay: 100 });
  await new Promise<void>((resolve) => {
    client.once('connected', resolve);
    client.connect();
  });
  return client;
}

/** Polls `check` until it returns true (no fixed sleeps). */
async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const sessionOf = (stat: Stat) => stat.ephemeralOwner.toString('hex');
const isEphemeral = (stat: Stat) => stat.ephemeralOwner.some((byte) => byte !== 0);
/** The 10-digit sequence suffix that decides lock/leader order. */
const sequence = (name: string) => Number(/(\d{10})$/.exec(name)?.[1] ?? NaN);

describe('scripts/lib/demo startDemoWorld (real kazoo + Curator)', function () {
  this.timeout(120000);

  let server: ZooKeeperServer | undefined;
  let world: DemoLib.DemoWorld | undefined;
  let client: RawClient;

  const get = (p: string) =>
    new Promise<{ data: Buffer; stat: Stat }>((resolve, reject) =>
      client.getData(p, (error, data, stat) => (error ? reject(error) : resolve({ data: data ?? Buffer.alloc(0), stat: stat as Stat }))),
    );
  /** Children of `p`, [] when it does not exist (Curator's containers are reaped once empty). */
  const children = (p: string) =>
    new Promise<string[]>((resolve, reject) =>
      client.getChildren(p, (error, names) => (error ? (error.code === NO_NODE ? resolve([]) : reject(error)) : resolve(names ?? []))),
    );
  const exists = (p: string) =>
    new Promise<boolean>((resolve, reject) => client.exists(p, (error, stat) => (error ? reject(error) : resolve(Boolean(stat)))));
  const text = async (p: string) => (await get(p)).data.toString('utf8');

  before(async function () {
    // A server of its own: the demo world fills the tree, other tests may list "/".
    server = await zookeeper.startZooKeeper({ install: true, log });
    world = await demo.startDemoWorld({ connectString: server.connectString, log });
    client = await connect(server.connectString);
  });

  after(async () => {
    client?.close();
    await world?.stop();
    await server?.stop();
  });

  it('reports what it made', () => {
    assert.ok(world);
    const { kazoo, curator, timings } = world.summary;
    assert.equal(world.pids.length, 2);
    assert.equal(kazoo.lock.holder, 'inventory-worker-1');
    assert.deepEqual(kazoo.lock.contenders, ['inventory-worker-1', 'inventory-worker-2']);
    assert.deepEqual(kazoo.election.contenders, ['scheduler-a', 'scheduler-b']);
    assert.equal(curator.latch.leader, 'billing-1');
    assert.equal(kazoo.services.length, 5);
    assert.ok(kazoo.created.includes('/config/app'), 'a fresh server: the config was created');
    assert.ok(timings.totalMs > 0);
  });

  it('writes realistic persistent config: JSON, YAML, properties, XML, text', async () => {
    const app = JSON.parse(await text('/config/app')) as { http: { port: number } };
    assert.equal(app.http.port, 8080);
    assert.match(await text('/config/app'), /\n {2}"/, 'pretty-printed');
    const features = JSON.parse(await text('/config/features')) as Record<string, { enabled: boolean }>;
    assert.equal(typeof features.newCheckout?.enabled, 'boolean');

    const yaml = await text('/config/db');
    assert.match(yaml, /^primary:\n {2}driver: postgresql$/m);
    assert.doesNotMatch(yaml, /\t/, 'YAML has no tabs');
    assert.ok(yaml.split('\n').every((line) => line === '' || /^\s*(#.*|- .*|[\w.-]+:( .*)?)$/.test(line)), 'every line is a YAML key, item or comment');

    const properties = await text('/config/logging');
    assert.ok(properties.split('\n').every((line) => line === '' || line.startsWith('#') || /^[\w.]+=.+$/.test(line)), 'key=value lines');
    assert.match(properties, /^log4j\.rootLogger=/m);

    const xml = await text('/config/solr');
    assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8" \?>\n/);
    assert.match(xml, /<config>[\s\S]*<requestHandler name="\/select"[\s\S]*<\/config>\s*$/);

    assert.match(await text('/config/message'), /^Maintenance window: /);
  });

  it('holds non-UTF-8 bytes in /binary/protobuf-sample and an ASCII kazoo Counter', async () => {
    const { data } = await get('/binary/protobuf-sample');
    assert.ok(data.includes(0x00), 'has a NUL');
    assert.ok(data.some((byte) => byte >= 0x80), 'has bytes >= 0x80');
    assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(data), TypeError);
    assert.equal(await text('/binary/counter'), '42');
  });

  it('fills /queues/jobs through kazoo Queue: 5 persistent entry-<priority>-<seq> nodes', async () => {
    const entries = await children('/queues/jobs');
    assert.equal(entries.length, 5);
    for (const name of entries) {
      assert.match(name, /^entry-\d{3}-\d{10}$/);
      const { data, stat } = await get(`/queues/jobs/${name}`);
      assert.equal(isEphemeral(stat), false);
      assert.match((JSON.parse(data.toString()) as { jobId: string }).jobId, /^job-\d+$/);
    }
  });

  it('registers 3 Kafka brokers as ephemeral nodes of distinct sessions', async () => {
    const ids = (await children('/kafka/brokers/ids')).sort();
    assert.deepEqual(ids, ['1', '2', '3']);
    const sessions = new Set<string>();
    for (const id of ids) {
      const { data, stat } = await get(`/kafka/brokers/ids/${id}`);
      assert.ok(isEphemeral(stat));
      sessions.add(sessionOf(stat));
      const registration = JSON.parse(data.toString()) as { port: number; endpoints: string[] };
      assert.equal(registration.port, 9092);
      assert.ok(registration.endpoints.length > 0);
    }
    assert.equal(sessions.size, 3);
    assert.ok(isEphemeral((await get('/kafka/controller')).stat));
  });

  it('registers services as ephemeral sequential instance- nodes', async () => {
    for (const [service, count] of [['orders', 3], ['payments', 2]] as const) {
      const names = await children(`/services/${service}`);
      assert.equal(names.length, count, service);
      for (const name of names) {
        assert.match(name, /^instance-\d{10}$/);
        const { data, stat } = await get(`/services/${service}/${name}`);
        assert.ok(isEphemeral(stat), `${service}/${name} is ephemeral`);
        const instance = JSON.parse(data.toString()) as { host: string; port: number; version: string };
        assert.match(instance.host, /^10\.0\.1\.\d+$/);
        assert.equal(typeof instance.port, 'number');
        assert.equal(typeof instance.version, 'string');
      }
    }
  });

  it('has a kazoo Lock with 2 contenders on different sessions, the lowest held by inventory-worker-1', async () => {
    const names = (await children('/locks/inventory')).sort((a, b) => sequence(a) - sequence(b));
    assert.equal(names.length, 2);
    names.forEach((name) => assert.match(name, /^[0-9a-f]{32}__lock__\d{10}$/));
    const [holder, waiter] = await Promise.all(names.map((name) => get(`/locks/inventory/${name}`)));
    assert.equal(holder.data.toString(), 'inventory-worker-1');
    assert.equal(waiter.data.toString(), 'inventory-worker-2');
    assert.ok(isEphemeral(holder.stat) && isEphemeral(waiter.stat));
    assert.notEqual(sessionOf(holder.stat), sessionOf(waiter.stat));
  });

  it('has a kazoo Election led by scheduler-a with scheduler-b waiting', async () => {
    const names = (await children('/election/scheduler')).sort((a, b) => sequence(a) - sequence(b));
    assert.equal(names.length, 2);
    const [leader, follower] = await Promise.all(names.map((name) => get(`/election/scheduler/${name}`)));
    assert.equal(leader.data.toString(), 'scheduler-a');
    assert.equal(follower.data.toString(), 'scheduler-b');
    assert.notEqual(sessionOf(leader.stat), sessionOf(follower.stat));
  });

  it('has a Curator InterProcessMutex with two _c_...-lock- children and a LeaderLatch led by billing-1', async () => {
    const mutex = await children('/curator/locks/orders');
    assert.equal(mutex.length, 2);
    mutex.forEach((name) => assert.match(name, /^_c_[0-9a-f-]{36}-lock-\d{10}$/));
    const owners = await Promise.all(mutex.map(async (name) => sessionOf((await get(`/curator/locks/orders/${name}`)).stat)));
    assert.notEqual(owners[0], owners[1]);

    const latch = (await children('/curator/leader/billing')).sort((a, b) => sequence(a) - sequence(b));
    assert.equal(latch.length, 2);
    latch.forEach((name) => assert.match(name, /^_c_[0-9a-f-]{36}-latch-\d{10}$/));
    assert.equal(await text(`/curator/leader/billing/${latch[0]}`), 'billing-1');
    assert.equal(await text(`/curator/leader/billing/${latch[1]}`), 'billing-2');
  });

  it('after stop() the ephemeral world is gone and the persistent data stays', async () => {
    assert.ok(world);
    const appBefore = await text('/config/app');
    const pids = world.pids;
    await world.stop();
    for (const exit of await world.allExited) assert.deepEqual([exit.name, exit.code], [exit.name, 0], `${exit.name} exits 0 on SIGTERM`);
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), `pid ${pid} is gone`);

    const ephemeralParents = ['/services/orders', '/services/payments', '/kafka/brokers/ids', '/locks/inventory', '/election/scheduler', '/curator/locks/orders', '/curator/leader/billing'];
    await waitFor('the demo sessions to close', async () => (await Promise.all(ephemeralParents.map(children))).every((names) => names.length === 0));
    assert.equal(await exists('/kafka/controller'), false);

    assert.equal(await text('/config/app'), appBefore);
    assert.equal((await children('/queues/jobs')).length, 5);
    assert.equal(await text('/binary/counter'), '42');
  });

  it('runs again against the existing world without duplicating it, and adds --big children', async () => {
    assert.ok(server);
    world = await demo.startDemoWorld({ connectString: server.connectString, big: 1000, log });
    const { kazoo } = world.summary;
    assert.deepEqual(kazoo.created, [], 'nothing persistent is created twice');
    assert.equal(kazoo.queue.added, 0);
    assert.equal((await children('/queues/jobs')).length, 5);
    assert.equal(await text('/binary/counter'), '42');
    assert.equal((await children('/services/orders')).length, 3);
    const big = await children('/big/children');
    assert.equal(big.length, 1000);
    assert.ok(big.includes('child-00000') && big.includes('child-00999'));
    await world.stop();
    world = undefined;
  });
});
