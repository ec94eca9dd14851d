import assert from 'node:assert/strict';
import { CodecError, hexDump, parseHex, toHex } from '../../../../src/zk/codecs';

const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

function assertCodecError(run: () => unknown, message: string | RegExp, position?: { line: number; column: number }): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof CodecError, String(error));
    assert.equal(error.name, 'CodecError');
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    if (position) assert.deepEqual(error.position, position);
    return true;
  });
}

describe('zk/codecs/hex', () => {
  describe('toHex', () => {
    it('writes two lowercase digits a byte', () => {
      assert.equal(toHex(new Uint8Array()), '');
      assert.equal(toHex(Uint8Array.of(0, 1, 0x0f, 0x10, 0xab, 0xff)), '00010f10abff');
      assert.equal(toHex(ascii('Hello')), '48656c6c6f');
    });

    it('matches Buffer for all 256 byte values', () => {
      assert.equal(toHex(allBytes), Buffer.from(allBytes).toString('hex'));
    });

    it('reads only the view it is given', () => {
      assert.equal(toHex(allBytes.subarray(254)), 'feff');
    });
  });

  describe('hexDump', () => {
    it('writes offset, hex and ascii columns and the length', () => {
      assert.equal(
        hexDump(ascii('Hello, ZooKeeper!\n')),
        [
          '00000000  48 65 6c 6c 6f 2c 20 5a  6f 6f 4b 65 65 70 65 72  |Hello, ZooKeeper|',
          '00000010  21 0a                                             |!.|',
          '18 bytes',
        ].join('\n'),
      );
    });

    it('shows non-printable bytes as "." in the ascii column', () => {
      assert.equal(
        hexDump(Uint8Array.of(0x00, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0xff)),
        '00000000  00 1f 20 7e 7f 80 ff                              |.. ~...|\n7 bytes',
      );
    });

    it('writes just the length for empty data', () => {
      assert.equal(hexDump(new Uint8Array()), '0 bytes');
    });

    it('says "1 byte"', () => {
      assert.equal(hexDump(Uint8Array.of(0x41)).split('\n')[1], '1 byte');
    });

    it('fills exactly 16 bytes on a line', () => {
      const lines = hexDump(allBytes.subarray(0, 32)).split('\n');
      assert.equal(lines.length, 3);
      assert.equal(lines[1], '00000010  10 11 12 13 14 15 16 17  18 19 1a 1b 1c 1d 1e 1f  |................|');
    });

    it('keeps the ascii column aligned on every line', () => {
      const lines = hexDump(allBytes).split('\n');
      assert.equal(lines.length, 17);
      for (const line of lines.slice(0, -1)) assert.equal(line.indexOf('|'), 60, line);
      assert.equal(lines[16], '256 bytes');
      assert.equal(lines[15].slice(0, 8), '000000f0');
      assert.equal(lines[4], '00000040  40 41 42 43 44 45 46 47  48 49 4a 4b 4c 4d 4e 4f  |@ABCDEFGHIJKLMNO|');
    });

    it('takes another line width', () => {
      assert.equal(hexDump(ascii('abcdef'), { bytesPerLine: 4 }), '00000000  61 62 63 64  |abcd|\n00000004  65 66        |ef|\n6 bytes');
      assert.equal(hexDump(ascii('abc'), { bytesPerLine: 1 }), '00000000  61  |a|\n00000001  62  |b|\n00000002  63  |c|\n3 bytes');
      const wide = hexDump(allBytes.subarray(0, 20), { bytesPerLine: 20 }).split('\n')[0];
      assert.equal(wide, '00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  10 11 12 13  |....................|');
    });

    it('stops at maxBytes and says how many bytes are not shown', () => {
      assert.equal(hexDump(ascii('Hello, world'), { maxBytes: 5 }), '00000000  48 65 6c 6c 6f                                    |Hello|\n12 bytes (7 not shown)');
      assert.equal(hexDump(ascii('Hi'), { maxBytes: 0 }), '2 bytes (2 not shown)');
      assert.equal(hexDump(ascii('Hi'), { maxBytes: 2 }), hexDump(ascii('Hi')));
      assert.equal(hexDump(ascii('Hi'), { maxBytes: 100 }), hexDump(ascii('Hi')));
      assert.equal(hexDump(allBytes, { maxBytes: 32 }).split('\n').length, 3);
    });

    it('refuses nonsense options', () => {
      assert.throws(() => hexDump(allBytes, { bytesPerLine: 0 }), RangeError);
      assert.throws(() => hexDump(allBytes, { bytesPerLine: 2.5 }), RangeError);
      assert.throws(() => hexDump(allBytes, { bytesPerLine: NaN }), RangeError);
      assert.throws(() => hexDump(allBytes, { maxBytes: -1 }), RangeError);
      assert.throws(() => hexDump(new Uint8Array(), { maxBytes: 1.5 }), RangeError);
    });
  });

  describe('parseHex', () => {
    const accepted: [string, string, number[]][] = [
      ['empty text', '', []],
      ['whitespace only', ' \n\t ', []],
      ['packed digits', '48656c6c6f', [0x48, 0x65, 0x6c, 0x6c, 0x6f]],
      ['upper case', 'DEADBEEF', [0xde, 0xad, 0xbe, 0xef]],
      ['mixed case', 'dEaD', [0xde, 0xad]],
      ['spaced pairs', '48 65 6c', [0x48, 0x65, 0x6c]],
      ['groups of four', 'dead beef', [0xde, 0xad, 0xbe, 0xef]],
      ['tabs and line breaks', '\tde\r\nad\nbe\ref  ', [0xde, 0xad, 0xbe, 0xef]],
      ['0x prefixes', '0x48 0x65 0X6C', [0x48, 0x65, 0x6c]],
      ['a 0x prefix on a long token', '0xdeadbeef', [0xde, 0xad, 0xbe, 0xef]],
      ['leading zeros', '00 00 01', [0, 0, 1]],
    ];
    for (const [what, text, expected] of accepted) {
      it(`reads ${what}`, () => assert.deepEqual(parseHex(text), Uint8Array.from(expected)));
    }

    it('reads its own dump, ignoring offsets, ascii and the length line', () => {
      const dump = hexDump(ascii('Hello, ZooKeeper!\n'));
      assert.deepEqual(parseHex(dump), ascii('Hello, ZooKeeper!\n'));
    });

    it('reads a dump whose ascii column holds "|", digits and spaces', () => {
      const data = ascii('|ab 12| |00000000  ff|');
      assert.deepEqual(parseHex(hexDump(data)), data);
    });

    it('reads a dump with CRLF line ends, indentation and a trailing newline', () => {
      const data = ascii('0123456789abcdefXYZ');
      const dump = hexDump(data)
        .split('\n')
        .map((line) => `  ${line}  `)
        .join('\r\n');
      assert.deepEqual(parseHex(`${dump}\r\n`), data);
    });

    it('reads a dump that was edited: bytes added, ascii column dropped on one line', () => {
      const dump = '00000000  48 65 6c 6c 6f  |Hello|\n00000005  21 21\n5 bytes';
      assert.deepEqual(parseHex(dump), ascii('Hello!!'));
    });

    it('reads dumps of other widths', () => {
      assert.deepEqual(parseHex(hexDump(allBytes, { bytesPerLine: 7 })), allBytes);
      assert.deepEqual(parseHex(hexDump(allBytes, { bytesPerLine: 1 })), allBytes);
      assert.deepEqual(parseHex(hexDump(allBytes, { bytesPerLine: 32 })), allBytes);
    });

    it('refuses a dump that was cut short', () => {
      const dump = hexDump(allBytes, { maxBytes: 16 });
      assertCodecError(
        () => parseHex(dump),
        'The hex dump says at line 2, column 1 that 240 bytes are not shown, so it cannot be read back as the whole value.',
        { line: 2, column: 1 },
      );
      assertCodecError(() => parseHex('00000000  41  |A|\n2 bytes (1 not shown)'), /that 1 byte is not shown/);
    });

    it('takes 8 leading digits as an offset only in a dump', () => {
      assert.deepEqual(parseHex('00000000  41'), Uint8Array.of(0, 0, 0, 0, 0x41));
      assert.deepEqual(parseHex('00000000  41\n1 byte'), Uint8Array.of(0x41));
    });

    const rejected: [string, string, string, { line: number; column: number }][] = [
      ['a letter beyond f', 'zz', '"z" at line 1, column 1 is not a hex digit.', { line: 1, column: 1 }],
      ['a bad digit mid-token', '48 6g', '"g" at line 1, column 5 is not a hex digit.', { line: 1, column: 5 }],
      ['a bad digit on a later line', '00\n11\n  2x', '"x" at line 3, column 4 is not a hex digit.', { line: 3, column: 4 }],
      ['a bad digit after CRLF', '00\r\n0q', '"q" at line 2, column 2 is not a hex digit.', { line: 2, column: 2 }],
      ['an odd token', '48 656', '"656" at line 1, column 4 has an odd number of hex digits (3); each byte needs two.', { line: 1, column: 4 }],
      ['a single digit', 'f', '"f" at line 1, column 1 has an odd number of hex digits (1); each byte needs two.', { line: 1, column: 1 }],
      ['an odd 0x token', '0x123', '"0x123" at line 1, column 1 has an odd number of hex digits (3); each byte needs two.', { line: 1, column: 1 }],
      ['a bare 0x', '41 0x', '"0x" at line 1, column 4 has no hex digits after its "0x".', { line: 1, column: 4 }],
      ['a doubled 0x', '0x0x41', '"x" at line 1, column 4 is not a hex digit.', { line: 1, column: 4 }],
      ['a 0x inside a token', '410x42', '"x" at line 1, column 4 is not a hex digit.', { line: 1, column: 4 }],
      ['commas', '41,42', '"," at line 1, column 3 is not a hex digit.', { line: 1, column: 3 }],
      ['a minus sign', '-1', '"-" at line 1, column 1 is not a hex digit.', { line: 1, column: 1 }],
      ['a control character', '41\u000042', 'U+0000 at line 1, column 3 is not a hex digit.', { line: 1, column: 3 }],
      ['an emoji', '41😀', '"😀" at line 1, column 3 is not a hex digit.', { line: 1, column: 3 }],
      ['a fullwidth digit', '４１', '"４" at line 1, column 1 is not a hex digit.', { line: 1, column: 1 }],
      ['a "|" outside a dump', '41 |A|', '"|" at line 1, column 4 is not a hex digit.', { line: 1, column: 4 }],
      ['a bad digit in a dump line', '00000000  41 4g  |A.|\n2 bytes', '"g" at line 1, column 15 is not a hex digit.', { line: 1, column: 15 }],
      ['an odd token in a dump line', '00000000  41 4  |A.|', '"4" at line 1, column 14 has an odd number of hex digits (1); each byte needs two.', { line: 1, column: 14 }],
    ];
    for (const [what, text, message, position] of rejected) {
      it(`refuses ${what}`, () => assertCodecError(() => parseHex(text), message, position));
    }
  });

  describe('round trips with all 256 byte values', () => {
    it('toHex → parseHex', () => assert.deepEqual(parseHex(toHex(allBytes)), allBytes));
    it('toHex in upper case → parseHex', () => assert.deepEqual(parseHex(toHex(allBytes).toUpperCase()), allBytes));
    it('hexDump → parseHex', () => assert.deepEqual(parseHex(hexDump(allBytes)), allBytes));
    it('hexDump of reversed bytes → parseHex', () => {
      const reversed = allBytes.slice().reverse();
      assert.deepEqual(parseHex(hexDump(reversed)), reversed);
    });
    it('every single byte on its own', () => {
      for (const byte of allBytes) {
        const one = Uint8Array.of(byte);
        assert.deepEqual(parseHex(toHex(one)), one);
        assert.deepEqual(parseHex(hexDump(one)), one);
        assert.deepEqual(parseHex(`0x${toHex(one)}`), one);
      }
    });
    it('a large value', () => {
      const big = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 31 + 7) & 0xff);
      assert.deepEqual(parseHex(hexDump(big)), big);
      assert.deepEqual(parseHex(toHex(big)), big);
    });
  });
});
