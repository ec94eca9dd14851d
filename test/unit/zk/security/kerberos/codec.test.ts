import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCcache, CcacheFormatError } from '../../../../../src/zk/security/kerberos/ccache';
import { decode, DerError, Fields, integer, readInteger, readTime, sequence, explicit, time, tlv, readTlv, generalString } from '../../../../../src/zk/security/kerberos/der';
import { describeDuration, kdcErrorToKerberosError } from '../../../../../src/zk/security/kerberos/errors';
import { parseKeytab, KeytabFormatError } from '../../../../../src/zk/security/kerberos/keytab';
import { configFromProfile, locateKrb5Conf, parseKdcAddress, parseProfile, ProfileError, readKrb5Conf } from '../../../../../src/zk/security/kerberos/krb5conf';
import {
  decodeKdcReq,
  decodeKrbError,
  encodeKdcReq,
  encodeKdcReqBody,
  etypeInfo2FromEdata,
  parsePrincipal,
  principalToString,
  type KrbError,
} from '../../../../../src/zk/security/kerberos/messages';
import { assertSentence } from './kdcSupport';

describe('Kerberos DER codec', () => {
  it('encodes INTEGERs minimally in two\'s complement, and reads them back', () => {
    const cases: [number, string][] = [
      [0, '020100'],
      [127, '02017f'],
      [128, '02020080'],
      [256, '02020100'],
      [-1, '0201ff'],
      [-129, '0202ff7f'],
      [0x7fffffff, '02047fffffff'],
      [0xffffffff, '020500ffffffff'],
      [-0x80000000, '020480000000'],
    ];
    for (const [value, hex] of cases) {
      assert.equal(integer(value).toString('hex'), hex, String(value));
      assert.equal(readInteger(decode(Buffer.from(hex, 'hex'))), value);
    }
    assert.throws(() => integer(2 ** 33), DerError);
  });

  it('uses the long length form past 127 bytes, and refuses truncated or trailing input', () => {
    const long = tlv(0x04, Buffer.alloc(300, 7));
    assert.equal(long.subarray(0, 4).toString('hex'), '0482012c');
    assert.equal(decode(long).value.length, 300);
    assert.throws(() => readTlv(long.subarray(0, 100)), /truncated/);
    assert.throws(() => decode(Buffer.concat([long, Buffer.from([0])])), /trailing bytes/);
    assert.throws(() => decode(Buffer.from('1f0100', 'hex')), /high tag numbers/);
  });

  it('KerberosTime is GeneralizedTime YYYYMMDDHHMMSSZ without fractions (and fractions are read)', () => {
    const at = Date.UTC(2026, 11, 3, 12, 5, 41, 999);
    assert.equal(decode(time(at)).value.toString('ascii'), '20261203120541Z');
    assert.equal(readTime(decode(time(at))), Date.UTC(2026, 11, 3, 12, 5, 41));
    assert.equal(readTime({ tag: 0x18, value: Buffer.from('20261203120541.5Z') }), Date.UTC(2026, 11, 3, 12, 5, 41));
    assert.throws(() => readTime({ tag: 0x18, value: Buffer.from('2026') }), /malformed KerberosTime/);
  });

  it('reads SEQUENCEs of [n] EXPLICIT fields, and names a missing one', () => {
    const fields = new Fields(decode(sequence(explicit(0, integer(5)), explicit(2, generalString('x')))), 'Test');
    assert.equal(fields.int(0), 5);
    assert.equal(fields.string(2), 'x');
    assert.equal(fields.optional(1), undefined);
    assert.throws(() => fields.get(1), /Test: field \[1\] is missing/);
  });
});

describe('Kerberos messages', () => {
  it('parses principals: name, name@REALM, service/host@REALM, escapes, and a default realm', () => {
    assert.deepEqual(parsePrincipal('alice', 'EXAMPLE.TEST'), { name: { type: 1, components: ['alice'] }, realm: 'EXAMPLE.TEST' });
    assert.deepEqual(parsePrincipal('alice@OTHER.TEST', 'EXAMPLE.TEST'), { name: { type: 1, components: ['alice'] }, realm: 'OTHER.TEST' });
    assert.deepEqual(parsePrincipal('zookeeper/zk1.example.com@EXAMPLE.TEST'), { name: { type: 2, components: ['zookeeper', 'zk1.example.com'] }, realm: 'EXAMPLE.TEST' });
    const escaped = parsePrincipal('a\\/b\\@c@R');
    assert.deepEqual(escaped.name.components, ['a/b@c']);
    assert.equal(principalToString(escaped.name, escaped.realm), 'a\\/b\\@c@R');
  });

  it('an AS-REQ decodes back to what was encoded (body bytes kept for the TGS checksum)', () => {
    const body = encodeKdcReqBody({ options: 0x10, cname: { type: 1, components: ['alice'] }, realm: 'EXAMPLE.TEST', sname: { type: 2, components: ['krbtgt', 'EXAMPLE.TEST'] }, till: Date.UTC(2030, 0, 1), nonce: 0x7fffffff, etypes: [18, 17] });
    const request = encodeKdcReq(10, [{ type: 128, value: Buffer.from('3005a0030101ff', 'hex') }], body);
    assert.equal(request[0], 0x6a, '[APPLICATION 10]');
    const decoded = decodeKdcReq(request);
    assert.equal(decoded.msgType, 10);
    assert.deepEqual(decoded.padata.map((pa) => pa.type), [128]);
    const fields = new Fields(decoded.body, 'KDC-REQ-BODY');
    assert.equal(fields.string(2), 'EXAMPLE.TEST');
    assert.equal(fields.int(7), 0x7fffffff);
  });

  it("reads ETYPE-INFO2 from a real MIT KDC's PREAUTH_REQUIRED e-data (captured), and nothing from one with no key of ours", () => {
    // krb5kdc 1.20.1, AS-REQ for sha2user (only an aes256-cts-hmac-sha384-192 key): PA 136, ETYPE-INFO2 (19), ENC-TIMESTAMP (2), 133.
    const sha2 = Buffer.from(
      '3052300aa10402020088a2020400302aa103020113a2230421301f301da003020114a1161b144558414d504c452e5445535473686132757365723009a103020102a2020400300da10402020085a20504034d4954',
      'hex',
    );
    assert.deepEqual(etypeInfo2FromEdata(sha2), [{ etype: 20, salt: 'EXAMPLE.TESTsha2user', s2kparams: undefined }]);
    // The same for camel (only camellia keys): no ETYPE-INFO2 and no ENC-TIMESTAMP.
    const camel = Buffer.from('301b300aa10402020088a2020400300da10402020085a20504034d4954', 'hex');
    assert.deepEqual(etypeInfo2FromEdata(camel), []);
    assert.deepEqual(etypeInfo2FromEdata(Buffer.from('not DER')), []);
  });

  it('decodes a KRB-ERROR', () => {
    const der = tlv(
      0x7e,
      sequence(
        explicit(0, integer(5)),
        explicit(1, integer(30)),
        explicit(4, time(Date.UTC(2026, 0, 1))),
        explicit(5, integer(5000)),
        explicit(6, integer(37)),
        explicit(9, generalString('EXAMPLE.TEST')),
        explicit(10, sequence(explicit(0, integer(2)), explicit(1, sequence(generalString('krbtgt'), generalString('EXAMPLE.TEST'))))),
        explicit(11, generalString('Clock skew too great')),
      ),
    );
    const error = decodeKrbError(der);
    assert.equal(error.code, 37);
    assert.equal(error.susec, 5000);
    assert.equal(error.text, 'Clock skew too great');
    assert.equal(principalToString(error.sname, error.realm), 'krbtgt/EXAMPLE.TEST@EXAMPLE.TEST');
  });
});

describe('Kerberos error sentences for KDC codes not provoked against the test KDC', () => {
  const error = (code: number, extra: Partial<KrbError> = {}): KrbError => ({ code, stime: Date.UTC(2026, 0, 1), susec: 0, realm: 'EXAMPLE.TEST', sname: { type: 2, components: ['krbtgt', 'EXAMPLE.TEST'] }, ...extra });
  const context = { kdc: '127.0.0.1:88', client: 'alice@EXAMPLE.TEST', service: 'zookeeper/zk1@EXAMPLE.TEST', source: 'ticket' as const, sentAt: Date.UTC(2026, 0, 1), allowedSkewMs: 300000 };

  it('31, 32, 41: the ticket is expired or no longer matches the keys → run kinit again', () => {
    for (const code of [31, 32, 41]) {
      const e = kdcErrorToKerberosError(error(code), context);
      assert.equal(e.kind, 'expired');
      assert.equal(e.details.code, code);
      assert.match(e.message, /run kinit again/);
      assertSentence(e.message);
    }
  });

  it('23 password expired, 68 wrong realm, and an unnamed code with the KDC\'s e-text', () => {
    assert.match(kdcErrorToKerberosError(error(23), context).message, /The password of alice@EXAMPLE\.TEST has expired .*: change it with kpasswd/);
    assert.equal(kdcErrorToKerberosError(error(68), context).kind, 'badConfig');
    const generic = kdcErrorToKerberosError(error(12, { text: 'KDC policy rejects request' }), context);
    assert.equal(generic.kind, 'protocol');
    assert.match(generic.message, /refused the request for zookeeper\/zk1@EXAMPLE\.TEST: KDC_ERR_POLICY \(error 12\), "KDC policy rejects request"\. Check/);
    for (const code of [23, 68, 12, 99]) assertSentence(kdcErrorToKerberosError(error(code), context).message);
  });

  it('37: the skew is our clock minus the KDC\'s stime (with its microseconds)', () => {
    const e = kdcErrorToKerberosError(error(37, { stime: Date.UTC(2026, 0, 1) - 90_000, susec: 500_000 }), context);
    assert.equal(e.details.skewMs, 89_500);
    assert.match(e.message, /is 1 minute 30 seconds ahead of the Kerberos server's/);
    assert.equal(describeDuration(3_725_000), '1 hour 2 minutes 5 seconds');
    assert.equal(describeDuration(-1000), '1 second');
  });
});

describe('Kerberos krb5.conf (MIT profile format)', () => {
  const text = [
    '# a comment',
    '[libdefaults]',
    '  default_realm = EXAMPLE.TEST',
    '  clockskew = 120',
    '; another comment',
    '[realms]',
    '  EXAMPLE.TEST = {',
    '    kdc = kdc1.example.test',
    '    kdc = tcp/kdc2.example.test:750',
    '    kdc = [::1]:88',
    '    admin_server = kdc1.example.test',
    '    auth_to_local = {',
    '      nested = yes',
    '    }',
    '  }',
    '  OTHER.TEST = {',
    '    kdc = https://proxy.example/KdcProxy',
    '    kdc = 10.0.0.1 *',
    '  }*',
    '[domain_realm]',
    '  .example.test = EXAMPLE.TEST',
    '  .sub.example.test = OTHER.TEST',
    '  special.example.test = OTHER.TEST',
    '',
  ].join('\n');

  it('reads default_realm, clockskew, the KDCs of a realm in order (ports, tcp/ prefix, IPv6), skipping KKDCP proxies', () => {
    const config = configFromProfile(parseProfile(text));
    assert.equal(config.defaultRealm, 'EXAMPLE.TEST');
    assert.equal(config.clockSkewMs, 120000);
    assert.deepEqual(config.kdcs('EXAMPLE.TEST'), [
      { host: 'kdc1.example.test', port: 88 },
      { host: 'kdc2.example.test', port: 750 },
      { host: '::1', port: 88 },
    ]);
    assert.deepEqual(config.kdcs('OTHER.TEST'), [{ host: '10.0.0.1', port: 88 }]);
    assert.deepEqual(config.kdcs('NONE.TEST'), []);
    assert.equal(configFromProfile({}).clockSkewMs, 300000, "MIT's default");
  });

  it('maps hosts to realms by [domain_realm]: the exact name first, then the longest .domain', () => {
    const config = configFromProfile(parseProfile(text));
    assert.equal(config.realmOfHost('zk1.example.test'), 'EXAMPLE.TEST');
    assert.equal(config.realmOfHost('ZK1.SUB.EXAMPLE.TEST'), 'OTHER.TEST');
    assert.equal(config.realmOfHost('special.example.test'), 'OTHER.TEST');
    assert.equal(config.realmOfHost('localhost'), undefined);
  });

  it('follows include and includedir', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zke-krb5conf-'));
    try {
      fs.mkdirSync(path.join(dir, 'conf.d'));
      fs.writeFileSync(path.join(dir, 'conf.d', 'realm'), '[realms]\n  INC.TEST = {\n    kdc = inc:88\n  }\n');
      fs.writeFileSync(path.join(dir, 'extra.conf'), '[domain_realm]\n  inc.host = INC.TEST\n');
      fs.writeFileSync(path.join(dir, 'krb5.conf'), `include ${path.join(dir, 'extra.conf')}\nincludedir ${path.join(dir, 'conf.d')}\n[libdefaults]\n  default_realm = INC.TEST\n`);
      const config = readKrb5Conf(path.join(dir, 'krb5.conf'));
      assert.deepEqual(config.kdcs('INC.TEST'), [{ host: 'inc', port: 88 }]);
      assert.equal(config.realmOfHost('inc.host'), 'INC.TEST');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('locates krb5.conf: the explicit file, else the first existing file of KRB5_CONFIG, else the platform default', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zke-krb5conf-'));
    try {
      const second = path.join(dir, 'second.conf');
      fs.writeFileSync(second, '');
      assert.equal(locateKrb5Conf('/explicit.conf', { KRB5_CONFIG: second }), '/explicit.conf');
      assert.equal(locateKrb5Conf(undefined, { KRB5_CONFIG: [path.join(dir, 'missing.conf'), second].join(path.delimiter) }), second);
      assert.equal(locateKrb5Conf(undefined, { KRB5_CONFIG: path.join(dir, 'missing.conf') }), path.join(dir, 'missing.conf'), 'named, so its absence can be reported');
      if (process.platform === 'linux') assert.equal(locateKrb5Conf(undefined, {}), fs.existsSync('/etc/krb5.conf') ? '/etc/krb5.conf' : undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unclosed {, an unmatched }, a relation outside a section, and a KDC port that is not a number', () => {
    assert.throws(() => parseProfile('[realms]\n  A = {\n    kdc = x\n'), ProfileError);
    assert.throws(() => parseProfile('[realms]\n}\n'), /unmatched \}/);
    assert.throws(() => parseProfile('kdc = x\n'), /line 1: cannot read/);
    assert.equal(parseKdcAddress('host:notaport'), undefined);
  });
});

describe('Kerberos keytab and credential cache formats', () => {
  /** One keytab entry of version 0502. */
  const entry = (realm: string, components: string[], etype: number, key: Buffer, kvno: number, kvno32?: number): Buffer => {
    const parts: Buffer[] = [];
    const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
    const u32 = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(n, 0);
      return b;
    };
    const counted = (s: string | Buffer) => {
      const b = typeof s === 'string' ? Buffer.from(s) : s;
      return Buffer.concat([u16(b.length), b]);
    };
    parts.push(u16(components.length), counted(realm), ...components.map(counted), u32(1), u32(1700000000), Buffer.from([kvno & 0xff]), u16(etype), counted(key));
    if (kvno32 !== undefined) parts.push(u32(kvno32));
    const body = Buffer.concat(parts);
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length, 0);
    return Buffer.concat([size, body]);
  };

  it('reads 0502 entries, skips holes left by deleted entries, and prefers the 32-bit kvno', () => {
    const hole = Buffer.alloc(4 + 10);
    hole.writeInt32BE(-10, 0);
    const data = Buffer.concat([Buffer.from([5, 2]), entry('R', ['alice'], 18, Buffer.alloc(32, 1), 3), hole, entry('R', ['zookeeper', 'h'], 17, Buffer.alloc(16, 2), 255, 300)]);
    const entries = parseKeytab(data);
    assert.deepEqual(
      entries.map((e) => [e.principal, e.kvno, e.key.etype, e.key.value.length]),
      [
        ['alice@R', 3, 18, 32],
        ['zookeeper/h@R', 300, 17, 16],
      ],
    );
    assert.throws(() => parseKeytab(Buffer.from([5, 3])), KeytabFormatError);
    assert.throws(() => parseKeytab(Buffer.concat([Buffer.from([5, 2]), entry('R', ['a'], 18, Buffer.alloc(32), 1)]).subarray(0, 20)), /runs past the end/);
  });

  it('refuses what is not a FILE ccache, and a truncated one', () => {
    assert.throws(() => parseCcache(Buffer.from([5, 2, 0, 0])), CcacheFormatError);
    const header = Buffer.from('0504000c00010008fffffffa00000000', 'hex');
    assert.throws(() => parseCcache(header), /truncated/);
  });
});
