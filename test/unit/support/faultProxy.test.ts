import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { ZkClient } from '../../../src/zk/client';
import { OpCode } from '../../../src/zk/wire/protocol';
import { startFaultProxy, type FaultProxy } from '../../support/faultProxy';
import { eventually, expireSession } from '../../support/session';
import { sharedZooKeeper, type ZooKeeperServer } from '../../support/zookeeper';

/** Opens a raw socket to `port`, sends `request`, and resolves with everything read until the socket closes, and how it closed. */
function exchange(port: number, request: string): Promise<{ reply: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let reply = '';
    let error: string | undefined;
    socket.on('data', (chunk) => (reply += chunk.toString()));
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code));
    socket.on('close', () => resolve({ reply, ...(error ? { error } : {}) }));
  });
}

describe('fault proxy in front of a real ZooKeeper', function () {
  this.timeout(120000);
  let server: ZooKeeperServer;
  let proxy: FaultProxy;
  const cleanup: (() => Promise<unknown>)[] = [];
  let base: string;
  let direct: ZkClient;

  const viaProxy = async (options: Partial<Parameters<typeof ZkClient.connect>[0]> = {}): Promise<ZkClient> => {
    const client = await ZkClient.connect({ connectString: proxy.connectString, sessionTimeoutMs: 4000, spinDelayMs: 50, ...options });
    cleanup.push(() => client.close());
    return client;
  };

  before(async () => {
    server = await sharedZooKeeper();
  });

  beforeEach(async function () {
    proxy = await startFaultProxy(server.connectString);
    cleanup.push(() => proxy.close());
    direct = await ZkClient.connect({ connectString: server.connectString });
    cleanup.push(() => direct.close());
    base = `/proxy-${this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 30)}-${Date.now()}`;
    await direct.create(base);
  });

  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  });

  it('passes both ways by default, counts connections and records what clients sent', async () => {
    assert.equal(proxy.connectString, `127.0.0.1:${proxy.port}`);
    assert.equal(proxy.mode, 'pass');
    assert.deepEqual(await exchange(proxy.port, 'ruok'), { reply: 'imok' });
    const client = await viaProxy();
    await client.create(`${base}/through`, Buffer.from('sent-through-the-proxy'));
    assert.equal((await direct.get(`${base}/through`)).data.toString(), 'sent-through-the-proxy');
    assert.equal(proxy.accepted, 2);
    const sent = proxy.clientBytes();
    assert.ok(sent.includes('ruok'));
    assert.ok(sent.includes(`${base}/through`));
    assert.ok(sent.includes('sent-through-the-proxy'));
  });

  it('delay holds every chunk back in both directions, keeps them in order, and 0 removes it', async () => {
    const client = await viaProxy({ sessionTimeoutMs: 10000 });
    proxy.delay(250);
    const started = Date.now();
    await client.exists(base);
    // A lower bound only: the request and its reply each waited at least 250 ms.
    assert.ok(Date.now() - started >= 500, `a round trip took ${Date.now() - started} ms`);
    // Pipelined requests and replies keep their order (the client drops the connection otherwise).
    const session = client.sessionId;
    const writes = Array.from({ length: 20 }, (_, i) => client.create(`${base}/n-`, Buffer.from(String(i)), { mode: 'persistentSequential' }));
    const created = await Promise.all(writes);
    assert.deepEqual(
      created.map((c) => c.path),
      [...created.map((c) => c.path)].sort(),
    );
    assert.equal(client.sessionId, session);
    assert.equal(client.state, 'connected');
    proxy.delay(0);
    assert.equal((await client.getChildren(base)).children.length, 20);
  });

  it('blackHole keeps sockets open and drops every byte: the client notices, the server expires the session, pass lets a new one in', async () => {
    const client = await viaProxy();
    const eph = await client.create(`${base}/eph`, null, { mode: 'ephemeral' });
    const states: string[] = [];
    client.onStateChange(({ state }) => states.push(state));
    const session = client.sessionId;
    proxy.blackHole();
    assert.equal(proxy.mode, 'blackhole');
    // The client gives the silent connection up (its read timeout) and tries again through the proxy…
    await client.waitFor((s) => s === 'suspended', 30000);
    await eventually(() => proxy.accepted >= 2, 30000, 'a reconnect attempt through the proxy');
    // …which is accepted but hears nothing, so the server never hears from the session again.
    await eventually(async () => (await direct.exists(eph.path)) === undefined, 60000, 'the server to expire the session');
    assert.notEqual(client.state, 'connected');
    proxy.pass();
    await eventually(() => client.state === 'connected' && client.sessionId !== session, 60000, 'a new session');
    assert.ok(states.includes('expired'), states.join(','));
  });

  it('expireSession expires a session through the proxy, and runs whileExpired while the server has dropped it', async () => {
    const client = await viaProxy();
    const session = client.sessionId;
    let during: string | undefined;
    await expireSession(client, proxy, server.connectString, {
      whileExpired: async () => {
        during = client.state;
        await direct.set(base, Buffer.from('changed while expired'));
      },
    });
    assert.notEqual(during, 'connected');
    assert.notEqual(client.sessionId, session);
    assert.equal(client.state, 'connected');
    assert.equal((await client.get(base)).data.toString(), 'changed while expired');
    assert.deepEqual(await client.getChildren('/').then((r) => r.children.filter((c) => c.startsWith('zke-expiry-'))), [], 'the marker went with the session');
  });

  it('reset kills current connections with a RST; the client reconnects on the same session', async () => {
    const client = await viaProxy({ sessionTimeoutMs: 20000 });
    const session = client.sessionId;
    const raw = new Promise<{ reply: string; error?: string }>((resolve) => {
      const socket = net.connect(proxy.port, '127.0.0.1');
      let error: string | undefined;
      socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code));
      // Held open (no 4lw sent) until the proxy resets it.
      socket.on('close', () => resolve({ reply: '', ...(error ? { error } : {}) }));
      socket.on('connect', () => void eventually(() => proxy.open >= 2, 10000, 'both connections open').then(() => proxy.reset()));
    });
    const suspended = client.waitFor((s) => s === 'suspended', 30000);
    assert.deepEqual(await raw, { reply: '', error: 'ECONNRESET' });
    await suspended;
    await client.waitFor((s) => s === 'connected', 30000);
    assert.equal(client.sessionId, session);
    assert.ok(await client.exists(base));
  });

  it('refuse closes new connections at once and resets current ones; pass lets clients back on the same session', async () => {
    const client = await viaProxy({ sessionTimeoutMs: 20000 });
    const session = client.sessionId;
    const accepted = proxy.accepted;
    const suspended = client.waitFor((s) => s === 'suspended', 30000);
    proxy.refuse();
    await suspended;
    const refused = await exchange(proxy.port, 'ruok');
    assert.equal(refused.reply, '');
    await eventually(() => proxy.accepted >= accepted + 3, 30000, 'reconnect attempts');
    assert.equal(client.state, 'suspended');
    proxy.pass();
    await client.waitFor((s) => s === 'connected', 30000);
    assert.equal(client.sessionId, session);
  });

  it('partition(ms) black-holes for that long, then passes again', async () => {
    const started = Date.now();
    const ended = proxy.partition(300);
    assert.equal(proxy.mode, 'blackhole');
    await ended;
    assert.ok(Date.now() - started >= 295, `ended after ${Date.now() - started} ms`);
    assert.equal(proxy.mode, 'pass');
    assert.deepEqual(await exchange(proxy.port, 'ruok'), { reply: 'imok' });
  });

  it('onClientData sees each chunk before it is forwarded: a black hole started there drops the request that triggered it', async () => {
    const client = await viaProxy({ sessionTimeoutMs: 20000, operationTimeoutMs: 1500 });
    const sub = proxy.onClientData(() => {
      if (proxy.requestsSent(OpCode.create2) === 3) proxy.blackHole();
    });
    await client.create(`${base}/one`);
    await client.create(`${base}/two`);
    assert.equal(proxy.requestsSent(OpCode.create2), 2);
    const third = client.create(`${base}/three`).catch((e: unknown) => e);
    const error = await third;
    assert.ok(error instanceof Error && /no answer from ZooKeeper within 1500 ms/.test(error.message), String(error));
    assert.equal(proxy.requestsSent(OpCode.create2), 3);
    sub.dispose();
    // The third create never reached the server.
    assert.deepEqual((await direct.getChildren(base)).children.sort(), ['one', 'two']);
  });

  it('retarget sends new connections elsewhere; current ones stay where they were', async () => {
    const client = await viaProxy({ sessionTimeoutMs: 20000 });
    const echo = net.createServer((socket) => socket.on('data', (d) => socket.end(`echo:${d.toString()}`)));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => echo.close(resolve)));
    proxy.retarget(`127.0.0.1:${(echo.address() as net.AddressInfo).port}`);
    assert.deepEqual(await exchange(proxy.port, 'ruok'), { reply: 'echo:ruok' });
    assert.ok(await client.exists(base), 'the existing connection still reaches ZooKeeper');
    proxy.retarget(server.connectString);
    assert.deepEqual(await exchange(proxy.port, 'ruok'), { reply: 'imok' });
  });
});
