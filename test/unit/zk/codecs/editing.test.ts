import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleLocalizer, setLocalizer, type L10nBundle } from '../../../../src/zk/l10n';
import { classifyData, CodecError, formatBase64ForEditing, formatHexForEditing, hexDump, parseView, renderView, toBase64, type DataKind, type DataView } from '../../../../src/zk/codecs';

/** The nearest folder above this file holding package.json (works from test/ and out/test/). */
function repositoryRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}

const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const asText = (data: Uint8Array): string => new TextDecoder('utf-8', { ignoreBOM: true }).decode(data);

/** Reproducible pseudo-random bytes (the same LCG as the utf8 tests). */
function randomBytes(length: number, seed: number): Uint8Array {
  let state = seed;
  return Uint8Array.from({ length }, () => (state = (state * 1103515245 + 12345) % 2147483648) & 0xff);
}

function assertText(kind: DataKind, text: string): void {
  assert.deepEqual(kind, { kind: 'text', text });
}

function assertBinary(kind: DataKind, reason: string | RegExp): void {
  assert.equal(kind.kind, 'binary');
  if (kind.kind !== 'binary') return;
  if (typeof reason === 'string') assert.equal(kind.reason, reason);
  else assert.match(kind.reason, reason);
  // No localizer is set here: the display-language text is the English one, word for word (each reason is written twice in editing.ts).
  assert.equal(kind.reasonText, kind.reason);
}

function assertCodecError(run: () => unknown, message: string, position?: { line: number; column: number }): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof CodecError, String(error));
    assert.equal(error.message, message);
    assert.deepEqual(error.position, position);
    return true;
  });
}

const EDITABLE: DataView[] = ['hex', 'base64'];

describe('zk/codecs/editing', () => {
  describe('classifyData', () => {
    const text: [string, string][] = [
      ['empty data', ''],
      ['ASCII', 'hello'],
      ['UTF-8 beyond ASCII', 'héllo, 世界 😀'],
      ['LF line breaks only', 'a=1\nb=2\n'],
      ['CRLF line breaks only', 'first\r\nsecond\r\nthird'],
      ['a single CRLF at the end', 'line\r\n'],
      ['tab, vertical tab, form feed and ESC', 'a\tb\u000bc\u000cd\u001b[31mred\u001b[0m'],
      ['JSON without a final newline', '{"a":[1,2,{"b":null}]}'],
    ];
    for (const [what, value] of text) {
      it(`reads ${what} as text`, () => assertText(classifyData(utf8(value)), value));
    }

    it('reads a UTF-8 BOM as text, keeping it as U+FEFF', () => {
      assertText(classifyData(bytes(0xef, 0xbb, 0xbf, ...utf8('{"key": "value"}\n'))), '\ufeff{"key": "value"}\n');
    });

    const invalid: [string, Uint8Array][] = [
      ['Latin-1 text', bytes(0x63, 0x61, 0x66, 0xe9)],
      ['a lone continuation byte', bytes(0x61, 0x80)],
      ['a truncated sequence', bytes(0xe4, 0xb8)],
      ['an overlong NUL', bytes(0xc0, 0x80)],
      ['all 256 byte values', allBytes],
    ];
    for (const [what, data] of invalid) {
      it(`reads ${what} as binary: not valid UTF-8`, () => assertBinary(classifyData(data), 'is not valid UTF-8'));
    }

    const controls: [string, Uint8Array][] = [
      ['a NUL', bytes(0x61, 0x00, 0x62)],
      ['only a NUL', bytes(0x00)],
      ['U+0001', bytes(0x01)],
      ['a backspace', utf8('a\bb')],
      ['DEL', bytes(0x61, 0x7f)],
      ['a C1 control (U+0085)', bytes(0x61, 0xc2, 0x85)],
    ];
    for (const [what, data] of controls) {
      it(`reads ${what} as binary: control characters`, () => assertBinary(classifyData(data), 'contains control characters (such as NUL) that text does not have'));
    }

    it('reads mixed CRLF and LF line breaks as binary, with the counts', () => {
      assertBinary(classifyData(utf8('a\r\nb\nc\r\nd')), 'has mixed line endings (2 CRLF and 1 LF), which the text editor would normalize on save');
      assertBinary(classifyData(utf8('a\nb\r\n')), 'has mixed line endings (1 CRLF and 1 LF), which the text editor would normalize on save');
    });

    const loneCr: [string, string][] = [
      ['between two characters', 'a\rb'],
      ['at the end', 'a\r'],
      ['before an LF the other way round', 'a\n\rb'],
      ['after CRLF line breaks', 'a\r\nb\r\rc'],
    ];
    for (const [what, value] of loneCr) {
      it(`reads a lone CR ${what} as binary`, () => {
        assertBinary(classifyData(utf8(value)), 'has a carriage return (CR) that does not end a CRLF line break, which the text editor would normalize on save');
      });
    }

    it('says each reason in the display language beside the English one (zh-cn bundle as localizer)', () => {
      const bundle = JSON.parse(fs.readFileSync(path.join(repositoryRoot(), 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as L10nBundle;
      const registration = setLocalizer(bundleLocalizer(bundle));
      let kinds: DataKind[];
      try {
        kinds = [bytes(0x63, 0x61, 0x66, 0xe9), bytes(0x61, 0x00), utf8('a\rb'), utf8('a\r\nb\nc\r\n')].map(classifyData);
      } finally {
        registration.dispose();
      }
      assert.deepEqual(
        kinds.map((k) => (k.kind === 'binary' ? [k.reason, k.reasonText] : k.kind)),
        [
          ['is not valid UTF-8', '不是有效的 UTF-8'],
          ['contains control characters (such as NUL) that text does not have', '含有文本中不应出现的控制字符（如 NUL）'],
          [
            'has a carriage return (CR) that does not end a CRLF line break, which the text editor would normalize on save',
            '含有不属于 CRLF 换行的回车符（CR），文本编辑器保存时会将其规范化',
          ],
          ['has mixed line endings (2 CRLF and 1 LF), which the text editor would normalize on save', '混用了换行符（2 个 CRLF 和 1 个 LF），文本编辑器保存时会将其规范化'],
        ],
      );
    });

    it('checks line endings after the BOM too', () => {
      assertBinary(classifyData(bytes(0xef, 0xbb, 0xbf, ...utf8('a\r\nb\n'))), /mixed line endings/);
    });
  });

  describe('formatHexForEditing', () => {
    it('writes nothing for empty data', () => assert.equal(formatHexForEditing(new Uint8Array()), ''));

    it('writes 16 lowercase pairs a line, a wider gap after 8, and a final newline', () => {
      assert.equal(
        formatHexForEditing(Uint8Array.from({ length: 18 }, (_, i) => i + 0xa0)),
        'a0 a1 a2 a3 a4 a5 a6 a7  a8 a9 aa ab ac ad ae af\nb0 b1\n',
      );
    });

    it('has no gap when a line holds 8 bytes or fewer', () => {
      assert.equal(formatHexForEditing(allBytes.subarray(0, 8)), '00 01 02 03 04 05 06 07\n');
      assert.equal(formatHexForEditing(allBytes.subarray(0, 9)), '00 01 02 03 04 05 06 07  08\n');
    });

    it('writes all 256 byte values in 16 full lines', () => {
      const lines = formatHexForEditing(allBytes).split('\n');
      assert.equal(lines.length, 17);
      assert.equal(lines[16], '');
      assert.equal(lines[15], 'f0 f1 f2 f3 f4 f5 f6 f7  f8 f9 fa fb fc fd fe ff');
    });
  });

  describe('formatBase64ForEditing', () => {
    it('writes nothing for empty data', () => assert.equal(formatBase64ForEditing(new Uint8Array()), ''));

    it('writes lines of 76 characters, as MIME does, and a final newline', () => {
      const data = randomBytes(200, 7);
      const text = formatBase64ForEditing(data);
      const lines = text.split('\n');
      assert.deepEqual(
        lines.map((line) => line.length),
        [76, 76, 76, 40, 0],
      );
      assert.equal(lines.join(''), toBase64(data));
    });

    it('breaks no line when the base64 fills exactly one', () => {
      assert.equal(formatBase64ForEditing(randomBytes(57, 3)), `${toBase64(randomBytes(57, 3))}\n`);
      assert.equal(formatBase64ForEditing(randomBytes(58, 3)).split('\n').length, 3);
    });
  });

  describe('renderView', () => {
    it('shows the text view as the bytes themselves', () => {
      const data = allBytes.subarray(10, 20);
      assert.equal(renderView('text', data), data);
    });

    it('shows the hex dump view as hexDump with a final newline', () => {
      assert.equal(asText(renderView('hexdump', allBytes)), `${hexDump(allBytes)}\n`);
      assert.equal(asText(renderView('hexdump', new Uint8Array())), '0 bytes\n');
    });

    it('shows hex and base64 as their editing formats, in UTF-8', () => {
      assert.equal(asText(renderView('hex', allBytes)), formatHexForEditing(allBytes));
      assert.equal(asText(renderView('base64', allBytes)), formatBase64ForEditing(allBytes));
    });

    it('shows empty data as an empty file in every view but the hex dump', () => {
      for (const view of ['text', 'hex', 'base64'] as const) assert.equal(renderView(view, new Uint8Array()).length, 0, view);
    });
  });

  describe('parseView', () => {
    it('saves the text view as the bytes the editor wrote', () => {
      const content = utf8('a=1\r\n');
      assert.equal(parseView('text', content), content);
    });

    for (const view of EDITABLE) {
      describe(`${view} round trips`, () => {
        it('all 256 byte values', () => assert.deepEqual(parseView(view, renderView(view, allBytes)), allBytes));

        it('empty data', () => assert.deepEqual(parseView(view, renderView(view, new Uint8Array())), new Uint8Array()));

        it('random buffers of many lengths', () => {
          for (let length = 0; length <= 130; length++) {
            const data = randomBytes(length, length + 1);
            assert.deepEqual(parseView(view, renderView(view, data)), data, `length ${length}`);
          }
          const large = randomBytes(100_000, 99);
          assert.deepEqual(parseView(view, renderView(view, large)), large, 'length 100000');
        });

        it('the editor\'s CRLF line breaks and a BOM', () => {
          const data = randomBytes(100, 5);
          const edited = `\ufeff${asText(renderView(view, data)).replace(/\n/g, '\r\n')}`;
          assert.deepEqual(parseView(view, utf8(edited)), data);
        });
      });
    }

    it('reads the hex dump view back too', () => {
      assert.deepEqual(parseView('hexdump', renderView('hexdump', allBytes)), allBytes);
    });

    it('reads hex typed by hand: upper case, no spaces, 0x prefixes', () => {
      assert.deepEqual(parseView('hex', utf8('DEADbeef\n0x00 0xFF')), bytes(0xde, 0xad, 0xbe, 0xef, 0x00, 0xff));
    });

    it('refuses bad hex with a CodecError naming the position', () => {
      assertCodecError(() => parseView('hex', utf8('01 02\n0g')), '"g" at line 2, column 2 is not a hex digit.', { line: 2, column: 2 });
      assertCodecError(() => parseView('hex', utf8('01 2')), '"2" at line 1, column 4 has an odd number of hex digits (1); each byte needs two.', { line: 1, column: 4 });
    });

    it('counts positions after a BOM from the first visible character', () => {
      assertCodecError(() => parseView('hex', utf8('\ufeffzz')), '"z" at line 1, column 1 is not a hex digit.', { line: 1, column: 1 });
    });

    it('refuses bad base64 with a CodecError naming the position', () => {
      assertCodecError(() => parseView('base64', utf8('AQID-A==')), '"-" at line 1, column 5 is not a base64 character (that is base64url; use "+" instead).', { line: 1, column: 5 });
      assertCodecError(() => parseView('base64', utf8('AQID\nAQ')), 'The base64 text ends at line 2, column 3 without its padding; add "==".', { line: 2, column: 3 });
    });

    it('refuses hex or base64 text that is not UTF-8', () => {
      assertCodecError(() => parseView('hex', bytes(0x30, 0x30, 0xff)), 'The hex text is not valid UTF-8.');
      assertCodecError(() => parseView('base64', bytes(0xc3)), 'The base64 text is not valid UTF-8.');
    });
  });
});
