import * as assert from 'node:assert/strict';
import { formatConnectString, normalizeConnectString, parseConnectString, type ParsedConnectString } from '../../../src/zk/connectString';

describe('zk/connectString', () => {
  describe('parseConnectString: valid input', () => {
    const valid: [input: string, parsed: ParsedConnectString][] = [
      ['127.0.0.1:2181', { servers: [{ host: '127.0.0.1', port: 2181 }] }],
      ['localhost:2181', { servers: [{ host: 'localhost', port: 2181 }] }],
      ['zk1.example.com:2182', { servers: [{ host: 'zk1.example.com', port: 2182 }] }],
      ['zk_1.internal-net.example:1', { servers: [{ host: 'zk_1.internal-net.example', port: 1 }] }],
      ['ZK1.Example.COM:65535', { servers: [{ host: 'ZK1.Example.COM', port: 65535 }] }],
      // The default port, as ZooKeeper's ConnectStringParser: no port, or an empty one.
      ['zk1', { servers: [{ host: 'zk1', port: 2181 }] }],
      ['zk1:', { servers: [{ host: 'zk1', port: 2181 }] }],
      ['zk1:02181', { servers: [{ host: 'zk1', port: 2181 }] }],
      [
        'zk1:2181,zk2:2182,zk3:2183',
        {
          servers: [
            { host: 'zk1', port: 2181 },
            { host: 'zk2', port: 2182 },
            { host: 'zk3', port: 2183 },
          ],
        },
      ],
      [
        'zk1,zk2:3000,zk3',
        {
          servers: [
            { host: 'zk1', port: 2181 },
            { host: 'zk2', port: 3000 },
            { host: 'zk3', port: 2181 },
          ],
        },
      ],
      ['zk1:2181,zk1:2181', { servers: [{ host: 'zk1', port: 2181 }, { host: 'zk1', port: 2181 }] }],
      // IPv6 in brackets, with and without a port.
      ['[::1]:2181', { servers: [{ host: '::1', port: 2181 }] }],
      ['[::1]', { servers: [{ host: '::1', port: 2181 }] }],
      ['[::1]:', { servers: [{ host: '::1', port: 2181 }] }],
      ['[2001:db8::7]:2888', { servers: [{ host: '2001:db8::7', port: 2888 }] }],
      ['[2001:DB8:0:0:0:0:0:7]:2181', { servers: [{ host: '2001:DB8:0:0:0:0:0:7', port: 2181 }] }],
      ['[::ffff:127.0.0.1]:2181', { servers: [{ host: '::ffff:127.0.0.1', port: 2181 }] }],
      [
        '[::1]:2181,127.0.0.1:2182,[fe80::1]',
        {
          servers: [
            { host: '::1', port: 2181 },
            { host: '127.0.0.1', port: 2182 },
            { host: 'fe80::1', port: 2181 },
          ],
        },
      ],
      // Chroot: everything from the first "/".
      ['zk1:2181/app', { servers: [{ host: 'zk1', port: 2181 }], chroot: '/app' }],
      ['zk1:2181,zk2:2181/app/kafka', { servers: [{ host: 'zk1', port: 2181 }, { host: 'zk2', port: 2181 }], chroot: '/app/kafka' }],
      ['zk1/app', { servers: [{ host: 'zk1', port: 2181 }], chroot: '/app' }],
      ['[::1]:2181/app', { servers: [{ host: '::1', port: 2181 }], chroot: '/app' }],
      ['[::1]/app', { servers: [{ host: '::1', port: 2181 }], chroot: '/app' }],
      ['zk1:2181/ä/日本語', { servers: [{ host: 'zk1', port: 2181 }], chroot: '/ä/日本語' }],
      ['zk1:2181/a.b/..c/d-e_f', { servers: [{ host: 'zk1', port: 2181 }], chroot: '/a.b/..c/d-e_f' }],
      // A bare "/" is no chroot at all.
      ['zk1:2181/', { servers: [{ host: 'zk1', port: 2181 }] }],
      // Surrounding white space is trimmed.
      ['  zk1:2181  ', { servers: [{ host: 'zk1', port: 2181 }] }],
      ['\tzk1:2181/app\n', { servers: [{ host: 'zk1', port: 2181 }], chroot: '/app' }],
    ];
    for (const [input, parsed] of valid) {
      it(JSON.stringify(input), () => {
        assert.deepEqual(parseConnectString(input), parsed);
      });
    }

    it('a "," after the chroot belongs to the chroot, as in ZooKeeper (one chroot for all hosts)', () => {
      assert.deepEqual(parseConnectString('zk1:2181/app,zk2:2181'), { servers: [{ host: 'zk1', port: 2181 }], chroot: '/app,zk2:2181' });
    });

    it('never returns a chroot key for no chroot', () => {
      const parsed = parseConnectString('zk1:2181/');
      assert.ok(typeof parsed !== 'string');
      assert.ok(!('chroot' in parsed));
    });
  });

  describe('parseConnectString: malformed input returns a sentence', () => {
    const malformed: [input: string, message: RegExp][] = [
      // Empty.
      ['', /^The connect string is empty\. Enter host:port, for example 127\.0\.0\.1:2181\.$/],
      ['   ', /^The connect string is empty/],
      ['\n', /^The connect string is empty/],
      // Spaces inside.
      ['zk1:2181, zk2:2181', /^The connect string contains spaces\. Separate hosts with commas only, for example zk1:2181,zk2:2181\.$/],
      ['zk1:2181 ,zk2:2181', /contains spaces/],
      ['zk1 :2181', /contains spaces/],
      ['zk1: 2181', /contains spaces/],
      ['zk1:2181\tzk2:2181', /contains spaces/],
      ['zk1:2181 zk2:2181', /contains spaces/],
      // Empty entries.
      ['zk1:2181,', /^The connect string "zk1:2181," has an empty host entry; remove the extra comma\.$/],
      [',zk1:2181', /empty host entry/],
      ['zk1:2181,,zk2:2181', /empty host entry/],
      [',', /empty host entry/],
      ['zk1:2181,/app', /empty host entry/],
      // No host at all before the chroot.
      ['/app', /host/],
      // Bad ports.
      ['zk1:0', /^The port in "zk1:0" must be a number from 1 to 65535\.$/],
      ['zk1:65536', /port in "zk1:65536" must be a number from 1 to 65535/],
      ['zk1:99999999999999999999', /must be a number from 1 to 65535/],
      ['zk1:00000', /must be a number from 1 to 65535/],
      ['zk1:2181,zk2:70000', /port in "zk2:70000"/],
      ['[::1]:65536', /port in "\[::1\]:65536"/],
      ['zk1:-1', /^"zk1:-1" is not host:port\. Write it like zk1\.example\.com:2181 or \[::1\]:2181\.$/],
      ['zk1:+2181', /is not host:port/],
      ['zk1:21a', /is not host:port/],
      ['zk1:0x885', /is not host:port/],
      ['zk1:1e3', /is not host:port/],
      ['zk1:２１８１', /is not host:port/],
      ['zk1:2181:2182', /is not host:port/],
      [':2181', /^":2181" is not host:port/],
      // IPv6 without brackets, or with broken ones.
      ['::1', /^"::1" is not host:port/],
      ['2001:db8::7:2181', /is not host:port/],
      ['[::1', /is not host:port/],
      ['::1]:2181', /is not host:port/],
      ['[::1]]:2181', /is not host:port/],
      ['[]:2181', /is not host:port/],
      ['[::1]x:2181', /is not host:port/],
      ['[zk1]:2181', /is not host:port/],
      ['[fe80::1%eth0]:2181', /is not host:port/],
      // Not a host name.
      ['user@zk1:2181', /^"user@zk1" is not a valid host name or address\.$/],
      ['zk#1:2181', /"zk#1" is not a valid host name or address/],
      ['zk1;zk2', /is not a valid host name or address/],
      ['zk1:2181;zk2:2181', /is not host:port/],
      // Bad chroot.
      ['zk1:2181/app/', /^The chroot "\/app\/" is not a valid path: Znode path "\/app\/" ends with "\/" at character 4; remove the trailing "\/"\.$/],
      ['zk1:2181//app', /^The chroot "\/\/app" is not a valid path: .*empty segment/],
      ['zk1:2181/app//x', /The chroot "\/app\/\/x" is not a valid path: .*empty segment at character 5/],
      ['zk1:2181/app/.', /The chroot "\/app\/\." is not a valid path: .*"\." segment/],
      ['zk1:2181/app/../x', /The chroot "\/app\/\.\.\/x" is not a valid path: .*"\.\." segment/],
      ['zk1:2181/..', /"\.\." segment/],
      ['zk1:2181/app\u0001', /The chroot .* is not a valid path: .*U\+0001 \(a control character\)/],
      ['zk1:2181/\u{1F600}', /The chroot .* is not a valid path: .*outside the Basic Multilingual Plane/],
      // A URL is not a connect string.
      ['http://zk1:2181', /./],
      ['zk://zk1:2181', /./],
    ];
    for (const [input, message] of malformed) {
      it(JSON.stringify(input), () => {
        const result = parseConnectString(input);
        assert.equal(typeof result, 'string', `accepted: ${JSON.stringify(result)}`);
        assert.match(result as string, message);
        assert.ok((result as string).endsWith('.'), result as string);
      });
    }

    it('the first problem found is the one reported', () => {
      assert.match(parseConnectString('zk1:0,zk2:99999') as string, /"zk1:0"/);
      assert.match(parseConnectString('zk1:0/app/') as string, /chroot/);
    });
  });

  describe('formatConnectString', () => {
    it('round-trips, putting IPv6 hosts back in brackets and the chroot at the end', () => {
      for (const input of ['127.0.0.1:2181', 'zk1:2181,zk2:2182/app', '[::1]:2181,zk1:2181/a/b', '[2001:db8::7]:2888']) {
        const parsed = parseConnectString(input);
        assert.ok(typeof parsed !== 'string', parsed as string);
        assert.equal(formatConnectString(parsed), input);
        assert.deepEqual(parseConnectString(formatConnectString(parsed)), parsed);
      }
    });

    it('writes the default port explicitly and drops white space and a bare "/"', () => {
      const parsed = parseConnectString(' zk1,[::1]/ ');
      assert.ok(typeof parsed !== 'string', parsed as string);
      assert.equal(formatConnectString(parsed), 'zk1:2181,[::1]:2181');
    });
  });

  describe('normalizeConnectString (the address credentials are bound to)', () => {
    it('gives every spelling of one address the same form: host order and case, default port, trailing slash', () => {
      const same = ['zk1:2181,zk2:2182/kafka', 'ZK2:2182,zk1/kafka', ' zk2:2182,Zk1:2181/kafka/ ', 'zk1:,zk2:2182,zk1:2181/kafka', 'zk1:02181,zk2:2182/kafka//'];
      for (const input of same) assert.equal(normalizeConnectString(input), 'zk1:2181,zk2:2182/kafka', input);
      assert.equal(normalizeConnectString('[::1]:2181,127.0.0.1'), '127.0.0.1:2181,[::1]:2181');
      assert.equal(normalizeConnectString('zk1:2181/'), 'zk1:2181');
    });

    it('tells different servers, ports and chroots apart', () => {
      const distinct = ['zk1:2181', 'zk1:2182', 'zk2:2181', 'zk1:2181/kafka', 'zk1:2181/Kafka', 'zk1:2181/kafka/a', 'zk1:2181,zk2:2181'];
      const forms = distinct.map((input) => normalizeConnectString(input));
      assert.equal(new Set(forms).size, distinct.length, forms.join(' | '));
      // The chroot is a znode path: its case matters, unlike the host's.
      assert.notEqual(normalizeConnectString('zk1/kafka'), normalizeConnectString('zk1/KAFKA'));
    });

    it('returns undefined for a connect string that does not parse', () => {
      for (const input of ['', 'zk1:99999', 'zk1,,zk2', 'zk1 zk2', 'zk1/bad//path']) assert.equal(normalizeConnectString(input), undefined, input);
    });
  });
});
