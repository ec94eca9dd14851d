import assert from 'node:assert/strict';
import { CodecError, parseBase64, toBase64 } from '../../../../src/zk/codecs';

const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

function assertCodecError(run: () => unknown, message: string | RegExp, position?: { line: number; column: number }): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof CodecError, String(error));
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    if (position) assert.deepEqual(error.position, position);
    return true;
  });
}

describe('zk/codecs/base64', () => {
  describe('toBase64', () => {
    // RFC 4648 section 10 test vectors.
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, encoded] of vectors) {
      it(`encodes ${JSON.stringify(plain)} as ${JSON.stringify(encoded)}`, () => assert.equal(toBase64(ascii(plain)), encoded));
      it(`decodes ${JSON.stringify(encoded)}`, () => assert.deepEqual(parseBase64(encoded), ascii(plain)));
    }

    it('uses "+" and "/"', () => assert.equal(toBase64(Uint8Array.of(0xfb, 0xff, 0xbf)), '+/+/'));

    it('reads only the view it is given', () => {
      assert.equal(toBase64(ascii('xxfooxx').subarray(2, 5)), 'Zm9v');
    });
  });

  describe('parseBase64', () => {
    it('returns a plain Uint8Array', () => {
      const bytes = parseBase64('Zm9v');
      assert.equal(Object.getPrototypeOf(bytes), Uint8Array.prototype);
    });

    const accepted: [string, string, string][] = [
      ['empty text', '', ''],
      ['whitespace only', ' \r\n\t', ''],
      ['line-wrapped text (MIME style)', 'Zm9v\r\nYmFy\r\n', 'foobar'],
      ['spaces anywhere', ' Z m 9 v Y g = = ', 'foob'],
      ['a space between padding characters', 'Zg= =', 'f'],
      ['tabs and newlines', '\tZm9v\nYmE=\n', 'fooba'],
    ];
    for (const [what, text, plain] of accepted) {
      it(`reads ${what}`, () => assert.deepEqual(parseBase64(text), ascii(plain)));
    }

    const rejected: [string, string, string, { line: number; column: number }][] = [
      ['a character outside the alphabet', 'Zm9v!', '"!" at line 1, column 5 is not a base64 character.', { line: 1, column: 5 }],
      ['base64url "-"', 'ab-c', '"-" at line 1, column 3 is not a base64 character (that is base64url; use "+" instead).', { line: 1, column: 3 }],
      ['base64url "_"', 'ab_c', '"_" at line 1, column 3 is not a base64 character (that is base64url; use "/" instead).', { line: 1, column: 3 }],
      ['a bad character on a later line', 'Zm9v\nYm.y', '"." at line 2, column 3 is not a base64 character.', { line: 2, column: 3 }],
      ['a NUL', 'Zm\u00009v', 'U+0000 at line 1, column 3 is not a base64 character.', { line: 1, column: 3 }],
      ['an emoji', 'Zm9v😀', '"😀" at line 1, column 5 is not a base64 character.', { line: 1, column: 5 }],
      ['a non-ASCII letter', 'Zm9é', '"é" at line 1, column 4 is not a base64 character.', { line: 1, column: 4 }],
      ['missing "==" padding', 'Zg', 'The base64 text ends at line 1, column 3 without its padding; add "==".', { line: 1, column: 3 }],
      ['missing "=" padding', 'Zm8', 'The base64 text ends at line 1, column 4 without its padding; add "=".', { line: 1, column: 4 }],
      ['half the padding', 'Zg=', 'The base64 text ends at line 1, column 4 without its padding; add "=".', { line: 1, column: 4 }],
      ['a lone character', 'Zm9vY', 'The base64 text ends at line 1, column 6 with a single character in its last 4-character group, which cannot encode a byte.', { line: 1, column: 6 }],
      ['the end position after a newline', 'Zg\n', 'The base64 text ends at line 2, column 1 without its padding; add "==".', { line: 2, column: 1 }],
      ['too much padding', 'Zg===', 'The padding "=" at line 1, column 5 is misplaced; "=" may only fill the last one or two characters of a 4-character group.', { line: 1, column: 5 }],
      ['padding only', '====', 'The padding "=" at line 1, column 1 is misplaced; "=" may only fill the last one or two characters of a 4-character group.', { line: 1, column: 1 }],
      ['padding after one character', 'Z===', 'The padding "=" at line 1, column 2 is misplaced; "=" may only fill the last one or two characters of a 4-character group.', { line: 1, column: 2 }],
      ['padding in a full group', 'Zm9v=', 'The padding "=" at line 1, column 5 is misplaced; "=" may only fill the last one or two characters of a 4-character group.', { line: 1, column: 5 }],
      ['data after padding', 'Zg==Zm9v', '"Z" at line 1, column 5 comes after the "=" padding, which must end the base64 text.', { line: 1, column: 5 }],
      ['data inside padding', 'Zg=A', '"A" at line 1, column 4 comes after the "=" padding, which must end the base64 text.', { line: 1, column: 4 }],
      ['leftover bits before "=="', 'Zh==', '"h" at line 1, column 2 has bits set that no byte uses; the canonical character there is "g".', { line: 1, column: 2 }],
      ['leftover bits before "="', 'Zm9=', '"9" at line 1, column 3 has bits set that no byte uses; the canonical character there is "8".', { line: 1, column: 3 }],
      ['leftover bits after whitespace', 'Zm9v\n Zh==', '"h" at line 2, column 3 has bits set that no byte uses; the canonical character there is "g".', { line: 2, column: 3 }],
    ];
    for (const [what, text, message, position] of rejected) {
      it(`refuses ${what}`, () => assertCodecError(() => parseBase64(text), message, position));
    }
  });

  describe('round trips', () => {
    it('all 256 byte values', () => {
      const encoded = toBase64(allBytes);
      assert.equal(encoded, Buffer.from(allBytes).toString('base64'));
      assert.deepEqual(parseBase64(encoded), allBytes);
    });

    it('every length from 0 to 256, so every padding case', () => {
      for (let length = 0; length <= 256; length++) {
        const bytes = allBytes.slice(256 - length);
        assert.deepEqual(parseBase64(toBase64(bytes)), bytes);
      }
    });

    it('every single byte and every byte pair ending', () => {
      for (const byte of allBytes) {
        const one = Uint8Array.of(byte);
        const two = Uint8Array.of(0x41, byte);
        assert.deepEqual(parseBase64(toBase64(one)), one);
        assert.deepEqual(parseBase64(toBase64(two)), two);
      }
    });

    it('text wrapped at 76 characters', () => {
      const big = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 131 + 17) & 0xff);
      const wrapped = toBase64(big).replace(/.{76}/g, '$&\r\n');
      assert.deepEqual(parseBase64(wrapped), big);
    });

    it('parseBase64 accepts exactly what toBase64 writes for the bytes it returns', () => {
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
      for (const c of alphabet) {
        for (const text of [`Q${c}==`, `QU${c}=`]) {
          let bytes: Uint8Array | undefined;
          try {
            bytes = parseBase64(text);
          } catch (error) {
            assert.ok(error instanceof CodecError);
          }
          if (bytes) assert.equal(toBase64(bytes), text);
        }
      }
    });
  });
});
