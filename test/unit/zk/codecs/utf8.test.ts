import assert from 'node:assert/strict';
import { decodeText, decodeUtf8Strict, encodeUtf8, isText } from '../../../../src/zk/codecs';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('zk/codecs/utf8', () => {
  describe('decodeUtf8Strict', () => {
    it('decodes valid UTF-8', () => {
      assert.equal(decodeUtf8Strict(utf8('héllo, 世界 😀')), 'héllo, 世界 😀');
      assert.equal(decodeUtf8Strict(new Uint8Array()), '');
    });

    it('keeps a leading BOM as U+FEFF', () => {
      assert.equal(decodeUtf8Strict(bytes(0xef, 0xbb, 0xbf, 0x61)), '\ufeffa');
    });

    it('decodes a view into a larger buffer without reading outside it', () => {
      const whole = utf8('xxhelloxx');
      assert.equal(decodeUtf8Strict(whole.subarray(2, 7)), 'hello');
    });

    const invalid: [string, Uint8Array][] = [
      ['a lone continuation byte', bytes(0x80)],
      ['a truncated 2-byte sequence', bytes(0xc3)],
      ['a truncated 3-byte sequence', bytes(0xe4, 0xb8)],
      ['a truncated 4-byte sequence', bytes(0xf0, 0x9f, 0x98)],
      ['an overlong "/"', bytes(0xc0, 0xaf)],
      ['an overlong NUL', bytes(0xc0, 0x80)],
      ['an overlong 3-byte form', bytes(0xe0, 0x80, 0xaf)],
      ['an encoded surrogate', bytes(0xed, 0xa0, 0x80)],
      ['a code point above U+10FFFF', bytes(0xf4, 0x90, 0x80, 0x80)],
      ['0xFF', bytes(0xff)],
      ['0xFE', bytes(0xfe)],
      ['Latin-1 text', bytes(0x63, 0x61, 0x66, 0xe9)],
      ['a UTF-16 BOM', bytes(0xff, 0xfe, 0x61, 0x00)],
      ['a Java serialized object header', bytes(0xac, 0xed, 0x00, 0x05)],
    ];
    for (const [what, input] of invalid) {
      it(`refuses ${what}`, () => {
        assert.equal(decodeUtf8Strict(input), undefined);
        assert.equal(isText(input), false);
      });
    }
  });

  describe('isText', () => {
    const text = [
      '',
      'plain',
      'line 1\nline 2\n',
      'windows\r\nline ends\r\n',
      'old mac\rline ends',
      'tab\tseparated',
      'form\ffeed and vertical\vtab',
      '\u001b[31mred\u001b[0m',
      '{"host":"broker1","port":9092}',
      '\ufeff{"bom":true}',
      'emoji 😀👍🏽 and 🇫🇷',
      'ünïcödé 中文 العربية',
      '\u00a0non-breaking',
    ];
    for (const sample of text) {
      it(`accepts ${JSON.stringify(sample)}`, () => {
        assert.equal(isText(utf8(sample)), true);
        assert.equal(decodeText(utf8(sample)), sample);
      });
    }

    const binary: [string, string][] = [
      ['a NUL', 'a\u0000b'],
      ['a trailing NUL (C string)', 'abc\u0000'],
      ['U+0001', '\u0001'],
      ['a bell', 'ding\u0007'],
      ['a backspace', 'a\bb'],
      ['U+001A', '\u001a'],
      ['U+001C', '\u001c'],
      ['U+001F', '\u001f'],
      ['DEL', 'a\u007f'],
      ['a C1 control', 'a\u0085b'],
      ['U+009F', '\u009f'],
    ];
    for (const [what, sample] of binary) {
      it(`refuses ${what}`, () => {
        assert.equal(isText(utf8(sample)), false);
        assert.equal(decodeText(utf8(sample)), undefined);
      });
    }

    it('refuses typical binary values', () => {
      assert.equal(isText(bytes(0x00, 0x00, 0x00, 0x2a)), false); // a big-endian int
      assert.equal(isText(bytes(0x1f, 0x8b, 0x08, 0x00)), false); // gzip
      assert.equal(isText(bytes(0x89, 0x50, 0x4e, 0x47)), false); // PNG
    });
  });

  describe('round trip', () => {
    const roundTrips = (input: Uint8Array): void => {
      assert.equal(isText(input), true);
      const text = decodeUtf8Strict(input);
      assert.notEqual(text, undefined);
      assert.deepEqual(encodeUtf8(text ?? ''), input);
    };

    it('gives back the same bytes for a BOM at the start', () => roundTrips(bytes(0xef, 0xbb, 0xbf, 0x68, 0x69)));
    it('gives back the same bytes for a BOM alone', () => roundTrips(bytes(0xef, 0xbb, 0xbf)));
    it('gives back the same bytes for two BOMs', () => roundTrips(bytes(0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf)));
    it('gives back CRLF, LF and CR line ends as they were', () => roundTrips(utf8('a\r\nb\nc\rd\r\n\r\n')));
    it('gives back 4-byte emoji', () => roundTrips(bytes(0xf0, 0x9f, 0x98, 0x80, 0xf0, 0x9f, 0x91, 0x8d, 0xf0, 0x9f, 0x8f, 0xbd)));
    it('gives back the highest code point', () => roundTrips(bytes(0xf4, 0x8f, 0xbf, 0xbf)));
    it('gives back U+FFFD, U+FFFE and U+FFFF as stored', () => roundTrips(utf8('\ufffd\ufffe\uffff')));
    it('gives back a trailing newline and trailing spaces', () => roundTrips(utf8('value  \n')));
    it('gives back a realistic config with a BOM and CRLF', () => roundTrips(utf8('\ufeffserver.1=zk1:2888:3888\r\nserver.2=zk2:2888:3888\r\n')));

    it('holds for every single byte and every valid 2-byte sequence that isText accepts', () => {
      for (let a = 0; a < 256; a++) {
        const one = bytes(a);
        if (isText(one)) assert.deepEqual(encodeUtf8(decodeUtf8Strict(one) ?? ''), one);
        for (let b = 0; b < 256; b++) {
          const two = bytes(a, b);
          if (isText(two)) assert.deepEqual(encodeUtf8(decodeUtf8Strict(two) ?? ''), two);
        }
      }
    });

    it('holds for random byte strings', () => {
      let seed = 42;
      const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) & 0xff;
      const pool = [0x41, 0x0a, 0x0d, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xef, 0xbb, 0xbf, 0x80, 0xbf];
      let accepted = 0;
      for (let n = 0; n < 5000; n++) {
        const input = Uint8Array.from({ length: 1 + (next() % 12) }, () => pool[next() % pool.length]);
        if (isText(input)) {
          accepted++;
          assert.deepEqual(encodeUtf8(decodeUtf8Strict(input) ?? ''), input);
        }
      }
      assert.ok(accepted > 100, `only ${accepted} samples were text`);
    });
  });
});
