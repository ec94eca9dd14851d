import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { parseLosslessJson, sessionIdHex } from '../../../../src/zk/cluster/losslessJson';
import { describeNetworkError, getAdminCommand, sendFourLetterWord } from '../../../../src/zk/cluster/transport';
import { bundleLocalizer, setLocalizer, type L10nBundle } from '../../../../src/zk/l10n';

function repositoryRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}

describe('cluster: lossless JSON', () => {
  it('parses like JSON.parse for ordinary values', () => {
    const text = '{"a":[1,2.5,-3e2,true,false,null,"x\\n\\u00e9"],"b":{"c":{}},"d":[]}';
    assert.deepEqual(parseLosslessJson(text), JSON.parse(text));
  });

  it('keeps integers beyond 2^53 exact as decimal strings (a ZooKeeper session id)', () => {
    // 0x1000003a0b60001: a session of myid 1, as an ensemble hands them out (>= 2^56).
    const id = 0x1000003a0b60001n;
    const text = `{"session_id" : ${id.toString()}, "small" : 42}`;
    const parsed = parseLosslessJson(text) as { session_id: string; small: number };
    assert.equal(parsed.session_id, id.toString());
    assert.equal(sessionIdHex(parsed.session_id), '0x1000003a0b60001');
    assert.equal(parsed.small, 42);
    // What the parser exists for: JSON.parse rounds the same id to another session.
    assert.notEqual(BigInt((JSON.parse(text) as { session_id: number }).session_id), id);
  });

  it('keeps "__proto__" an ordinary key and rejects malformed text', () => {
    const parsed = parseLosslessJson('{"__proto__": {"x": 1}}') as Record<string, unknown>;
    assert.deepEqual(Object.keys(parsed), ['__proto__']);
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    for (const bad of ['{', '[1,]', '{"a" 1}', '01', '"unterminated', '{} x']) assert.throws(() => parseLosslessJson(bad), /position/, bad);
  });
});

describe('cluster: transport never hangs', () => {
  let silent: net.Server;
  let port: number;
  const sockets = new Set<net.Socket>();

  before(async () => {
    // A listener that accepts and never answers: what a ZooKeeper still starting does.
    silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    port = (silent.address() as net.AddressInfo).port;
  });

  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('a four-letter word to a silent server ends with "no answer" after its timeout', async () => {
    const reply = await sendFourLetterWord({ host: '127.0.0.1', port }, 'srvr', 300);
    assert.equal(reply.kind, 'unreachable');
    assert.match(reply.kind === 'unreachable' ? reply.reason : '', /no answer from 127\.0\.0\.1:\d+ within 300 ms/);
  });

  it('an AdminServer request to a silent server ends with "no answer" after its timeout', async () => {
    const reply = await getAdminCommand({ host: '127.0.0.1', port }, 'monitor', 300);
    assert.equal(reply.kind, 'unreachable');
    assert.match(reply.kind === 'unreachable' ? reply.reason : '', /no answer .* within 300 ms/);
  });

  it('a closed port is "connection refused", with the address', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const reply = await sendFourLetterWord({ host: '127.0.0.1', port: closedPort }, 'srvr', 5000);
    assert.deepEqual(reply, { kind: 'unreachable', reason: `connection refused at 127.0.0.1:${closedPort}: nothing listens there (the server is stopped or listens elsewhere)` });
  });

  it('a closed port is "connection refused" in Chinese too, with the zh-cn bundle as localizer (the Cluster view shows the reason)', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const bundle = JSON.parse(fs.readFileSync(path.join(repositoryRoot(), 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as L10nBundle;
    const registration = setLocalizer(bundleLocalizer(bundle));
    try {
      const reply = await sendFourLetterWord({ host: '127.0.0.1', port: closedPort }, 'srvr', 5000);
      assert.deepEqual(reply, { kind: 'unreachable', reason: `127.0.0.1:${closedPort} 拒绝连接：该地址上没有程序监听（服务器已停止，或在别处监听）` });
      // Each other way a network fails, as one whole sentence.
      assert.deepEqual(
        ['TIMEOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND'].map((code) => describeNetworkError({ code }, 'h:1', 300)),
        ['h:1 在 300 毫秒内没有回复（服务器或网络卡住了）', 'h:1 在回复前关闭了连接', '无法到达 h:1（没有通往该主机的路由）', 'h:1 中的主机名无法解析'],
      );
    } finally {
      registration.dispose();
    }
  });
});
