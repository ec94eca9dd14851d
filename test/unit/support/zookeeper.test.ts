import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { sharedZooKeeper, withEnsemble, zookeeper } from '../../support/zookeeper';

// node-zookeeper-client ships no types: just what these tests use.
interface RawClient {
  once(event: 'connected', listener: () => void): void;
  connect(): void;
  close(): void;
  create(path: string, data: Buffer, callback: (error: Error | null) => void): void;
  getData(path: string, callback: (error: Error | null, data?: Buffer) => void): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createClient } = require('node-zookeeper-client') as { createClient: (connectString: string, options?: object) => RawClient };

async function connect(connectString: string): Promise<RawClient> {
  const client = createClient(connectString, { sessionTimeout: 10000, spinDelay: 100 });
  await new Promise<void>((resolve) => {
    client.once('connected', resolve);
    client.connect();
  });
  return client;
}

const call = <T>(fn: (callback: (error: Error | null, value?: T) => void) => void) =>
  new Promise<T | undefined>((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value))));

function isAlive(pid: number): boolean {
  return zookeeper.isAlive(pid);
}

/** A listener that hangs up on every connection (so that closing it never waits). */
function listen(port = 0): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

const close = (server: net.Server) => new Promise((resolve) => server.close(resolve));

describe('scripts/lib/zookeeper (real ZooKeeper)', function () {
  this.timeout(90000);

  it('starts a shared server on a free port that answers srvr', async () => {
    const server = await sharedZooKeeper();
    assert.equal(server.host, '127.0.0.1');
    assert.equal(server.connectString, `127.0.0.1:${server.port}`);
    assert.ok(server.port > 0 && server.port !== 2181);
    assert.equal(await zookeeper.isServing(server.port), true);
    assert.match(await zookeeper.fourLetterWord('srvr', server.port), /^Mode: standalone$/m);
    assert.equal(await sharedZooKeeper(), server, 'one shared server per process');
  });

  it('isServing answers false when nothing listens', async () => {
    const port = await zookeeper.freePort();
    assert.equal(await zookeeper.isServing(port), false);
  });

  it('isServing does not hang on a listener that never answers', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      // isServing's own 300 ms limit must end the probe; if it did not, the probe would wait forever.
      // The guard is 100 times that, far above an honest run on a busy machine: no time is asserted.
      let guard: NodeJS.Timeout | undefined;
      const hang = new Promise<never>((_, reject) => {
        guard = setTimeout(() => reject(new Error('isServing hung on a listener that never answers (30 s hang guard)')), 30_000);
      });
      try {
        assert.equal(await Promise.race([zookeeper.isServing((silent.address() as net.AddressInfo).port, '127.0.0.1', 300), hang]), false);
      } finally {
        clearTimeout(guard);
      }
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await close(silent);
    }
  });

  it('runs two servers at once', async () => {
    const [a, b] = await Promise.all([zookeeper.startZooKeeper(), zookeeper.startZooKeeper()]);
    try {
      assert.notEqual(a.port, b.port);
      assert.notEqual(a.pid, b.pid);
      assert.deepEqual(await Promise.all([zookeeper.isServing(a.port), zookeeper.isServing(b.port)]), [true, true]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('stop() kills the process, frees the port and removes its temp dir', async () => {
    const server = await zookeeper.startZooKeeper();
    const { pid, port, dir } = server;
    assert.equal(isAlive(pid), true);
    await server.stop();
    assert.equal(isAlive(pid), false);
    await close(await listen(port)); // throws EADDRINUSE if the port were still held
    assert.equal(fs.existsSync(dir), false);
  });

  it('restart() keeps the data and the port', async () => {
    const server = await zookeeper.startZooKeeper();
    try {
      const first = await connect(server.connectString);
      await call((cb) => first.create('/kept', Buffer.from('hello'), cb));
      first.close();
      const oldPid = server.pid;
      await server.restart();
      assert.notEqual(server.pid, oldPid);
      assert.equal(isAlive(oldPid), false);
      const second = await connect(server.connectString);
      try {
        const data = await call<Buffer>((cb) => second.getData('/kept', cb));
        assert.equal(data?.toString(), 'hello');
      } finally {
        second.close();
      }
    } finally {
      await server.stop();
    }
  });

  it('a 3-server ensemble elects a new leader when the leader is killed', () =>
    withEnsemble(async (ensemble) => {
      assert.equal(ensemble.servers.length, 3);
      assert.equal(ensemble.connectString.split(',').length, 3);
      const modes = await Promise.all(ensemble.servers.map((s) => zookeeper.serverMode(s.port)));
      assert.deepEqual([...modes].sort(), ['follower', 'follower', 'leader']);

      const leader = await ensemble.leader();
      await leader.kill();
      assert.equal(isAlive(leader.pid), false);
      const next = await ensemble.leader(30000);
      assert.notEqual(next.id, leader.id);

      await leader.start(); // rejoins as a follower
      assert.equal(await leader.isLeader(), false);
      assert.equal(await zookeeper.serverMode(leader.port), 'follower');
    }));

  it('a start that cannot bind its port rejects with the server log instead of hanging', async () => {
    const squatter = await listen();
    try {
      const port = (squatter.address() as net.AddressInfo).port;
      await assert.rejects(zookeeper.startZooKeeper({ port, readyTimeoutMs: 30000 }), (err: Error) => {
        assert.match(err.message, /exited \(exit code \d+\) before serving/);
        assert.match(err.message, /Address already in use/);
        // Said apart from the tail, which the JVM's later lines can push the exception out of (cc23c).
        assert.match(err.message, /before serving\. A port it was given was taken \(BindException in its log\)\./);
        assert.ok(err.message.split('\n').length > 5, 'includes log lines');
        return true;
      });
    } finally {
      await close(squatter);
    }
  });

  it('a start that never becomes ready rejects after readyTimeoutMs and kills the JVM', async () => {
    // Member 1 of a 2-server ensemble whose peer never comes: it runs but never serves.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-test-'));
    try {
      fs.mkdirSync(path.join(dir, 'data'));
      fs.writeFileSync(path.join(dir, 'data', 'myid'), '1');
      const [q1, e1, q2, e2] = await zookeeper.freePorts(4);
      const extraConfig = { 'server.1': `127.0.0.1:${q1}:${e1}`, 'server.2': `127.0.0.1:${q2}:${e2}`, initLimit: '5', syncLimit: '2' };
      await assert.rejects(zookeeper.startZooKeeper({ dir, readyTimeoutMs: 3000, extraConfig }), /did not serve within 3000 ms[^]*Last lines of its log/);
      await close(await listen(q1)); // its quorum port is free again: the JVM is gone
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
