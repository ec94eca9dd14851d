import assert from 'node:assert/strict';
import type { Range } from 'vscode-languageserver-types';
import { parseConfig, positionAt, trimmedValueRange, valueSubRange, type ConfigEntry } from '../../../../src/server/config/parser';

const r = (l1: number, c1: number, l2: number, c2: number): Range => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
const pairs = (text: string): [string, string][] => parseConfig(text).entries.map((e) => [e.key, e.value]);
const only = (text: string): ConfigEntry => {
  const { entries } = parseConfig(text);
  assert.equal(entries.length, 1, `one entry in ${JSON.stringify(text)}`);
  return entries[0];
};

describe('server/config/parser', () => {
  describe('blank input and comments', () => {
    it('reads nothing from an empty text', () => {
      assert.deepEqual(parseConfig(''), { entries: [], problems: [], lineStarts: [0] });
    });

    it('skips blank lines, whitespace-only lines, # and ! comments, even indented', () => {
      assert.deepEqual(pairs('\n   \n\t\f\n# tickTime=1\n  ! clientPort=1\n#\n!\n'), []);
    });

    it('treats # in the middle of a line as part of the value: zoo.cfg has no end-of-line comments', () => {
      assert.deepEqual(pairs('clientPort=2181 # the port'), [['clientPort', '2181 # the port']]);
    });

    it('does not continue a comment line that ends in a backslash', () => {
      assert.deepEqual(pairs('# note \\\ntickTime=2000'), [['tickTime', '2000']]);
    });
  });

  describe('separators', () => {
    const cases: [text: string, key: string, value: string, separator: ConfigEntry['separator']][] = [
      ['tickTime=2000', 'tickTime', '2000', '='],
      ['tickTime = 2000', 'tickTime', '2000', '='],
      ['tickTime:2000', 'tickTime', '2000', ':'],
      ['tickTime : 2000', 'tickTime', '2000', ':'],
      ['tickTime 2000', 'tickTime', '2000', ' '],
      ['tickTime\t\t2000', 'tickTime', '2000', ' '],
      ['tickTime==2000', 'tickTime', '=2000', '='],
      ['tickTime = = 2000', 'tickTime', '= 2000', '='],
      ['tickTime', 'tickTime', '', ''],
      ['tickTime=', 'tickTime', '', '='],
      ['tickTime   ', 'tickTime', '', ' '],
      ['=2000', '', '2000', '='],
      ['   dataDir=/data', 'dataDir', '/data', '='],
      ['server.1=zk1:2888:3888', 'server.1', 'zk1:2888:3888', '='],
    ];
    for (const [text, key, value, separator] of cases) {
      it(`reads ${JSON.stringify(text)}`, () => {
        const entry = only(text);
        assert.deepEqual([entry.key, entry.value, entry.separator], [key, value, separator]);
      });
    }

    it('keeps trailing whitespace in the value, as java.util.Properties does', () => {
      const entry = only('server.1=zk1:2888:3888  \t');
      assert.equal(entry.value, 'zk1:2888:3888  \t');
      assert.deepEqual(entry.valueRange, r(0, 9, 0, 25));
      assert.deepEqual(trimmedValueRange(entry), r(0, 9, 0, 22));
    });

    it('gives key and value ranges', () => {
      const entry = parseConfig('# c\n  clientPort = 2181\n').entries[0];
      assert.equal(entry.line, 1);
      assert.deepEqual(entry.keyRange, r(1, 2, 1, 12));
      assert.deepEqual(entry.valueRange, r(1, 15, 1, 19));
    });

    it('puts an empty value range just after the separator', () => {
      assert.deepEqual(only('dataDir=').valueRange, r(0, 8, 0, 8));
      assert.deepEqual(only('dataDir').valueRange, r(0, 7, 0, 7));
    });
  });

  describe('escapes', () => {
    it('decodes \\t, \\n, \\r, \\f, \\uXXXX and escaped separators', () => {
      assert.deepEqual(pairs('a\\=b\\:c\\ d=x\\ty\\nz\\u0041\\\\'), [['a=b:c d', 'x\ty\nzA\\']]);
    });

    it('drops the backslash of an unknown escape (C:\\zk becomes C:zk)', () => {
      assert.deepEqual(pairs('dataDir=C:\\zk\\data'), [['dataDir', 'C:zkdata']]);
    });

    it('reports a malformed \\u escape, which makes Java reject the file', () => {
      const parsed = parseConfig('ssl.keyStore.password=ab\\u12g4cd');
      assert.equal(parsed.problems.length, 1);
      assert.match(parsed.problems[0].message, /Malformed \\uXXXX/);
      assert.deepEqual(parsed.problems[0].range, r(0, 24, 0, 30));
      assert.equal(parsed.entries[0].key, 'ssl.keyStore.password');
    });

    it('reports a \\u escape cut short by the end of the value', () => {
      const parsed = parseConfig('a=\\u12');
      assert.equal(parsed.problems.length, 1);
      assert.deepEqual(parsed.problems[0].range, r(0, 2, 0, 6));
    });
  });

  describe('continuation lines', () => {
    it('joins lines ending in a backslash and drops the next line\'s indentation', () => {
      const entry = only('4lw.commands.whitelist=srvr, \\\n    ruok, \\\n\tmntr');
      assert.equal(entry.value, 'srvr, ruok, mntr');
      assert.deepEqual(entry.valueRange, r(0, 23, 2, 5));
    });

    it('keeps a doubled backslash at the end of a line as a literal backslash, without continuing', () => {
      assert.deepEqual(pairs('a=b\\\\\nc=d'), [['a', 'b\\'], ['c', 'd']]);
    });

    it('continues a key too', () => {
      assert.deepEqual(pairs('tick\\\n  Time=2000'), [['tickTime', '2000']]);
    });

    it('reads # and ! at the start of a continuation line as text', () => {
      assert.deepEqual(pairs('a=b\\\n#c\\\n!d'), [['a', 'b#c!d']]);
    });

    it('ends the entry at an empty continuation line', () => {
      assert.deepEqual(pairs('a=b\\\n\nc=d'), [['a', 'b'], ['c', 'd']]);
      assert.deepEqual(pairs('a=b\\\n   \nc=d'), [['a', 'b'], ['c', 'd']]);
    });

    it('ignores a backslash at the very end of the file', () => {
      assert.deepEqual(pairs('a=b\\'), [['a', 'b']]);
    });

    it('maps a slice of a continued value back to the text', () => {
      const entry = only('server.1=zk1:28\\\n   88:3888');
      assert.equal(entry.value, 'zk1:2888:3888');
      assert.deepEqual(valueSubRange(entry, 4, 8), r(0, 13, 1, 5));
      assert.deepEqual(valueSubRange(entry, 9, 13), r(1, 6, 1, 10));
    });
  });

  describe('line endings', () => {
    it('reads CRLF files without a \\r in the values', () => {
      const parsed = parseConfig('tickTime=2000\r\ndataDir=/data\r\n\r\nclientPort=2181\r\n');
      assert.deepEqual(
        parsed.entries.map((e) => [e.key, e.value, e.line]),
        [['tickTime', '2000', 0], ['dataDir', '/data', 1], ['clientPort', '2181', 3]],
      );
      assert.deepEqual(parsed.entries[2].valueRange, r(3, 11, 3, 15));
    });

    it('reads old Mac \\r line endings and mixed endings', () => {
      assert.deepEqual(pairs('a=1\rb=2\nc=3\r\nd=4'), [['a', '1'], ['b', '2'], ['c', '3'], ['d', '4']]);
      assert.deepEqual(parseConfig('a=1\rb=2\nc=3\r\nd=4').entries.map((e) => e.line), [0, 1, 2, 3]);
    });

    it('continues across CRLF', () => {
      assert.deepEqual(pairs('a=b\\\r\n  c\r\n'), [['a', 'bc']]);
    });

    it('converts offsets to positions on every kind of line ending', () => {
      const { lineStarts } = parseConfig('ab\r\ncd\ref\ngh');
      assert.deepEqual(lineStarts, [0, 4, 7, 10]);
      assert.deepEqual(positionAt(lineStarts, 5), { line: 1, character: 1 });
      assert.deepEqual(positionAt(lineStarts, 11), { line: 3, character: 1 });
    });
  });

  describe('unicode', () => {
    it('keeps non-ASCII text and counts UTF-16 code units for positions', () => {
      const entry = parseConfig('# ☃\ndataDir=/données/😀/zk\n').entries[0];
      assert.equal(entry.value, '/données/😀/zk');
      assert.deepEqual(entry.valueRange, r(1, 8, 1, 22));
    });

    it('accepts a byte order mark as part of the first key, like Java', () => {
      assert.equal(only('\ufefftickTime=2000').key, '\ufefftickTime');
    });
  });

  describe('robustness', () => {
    // The time is printed, not asserted (a busy machine is slow, not wrong); the tier's per-test
    // timeout is the hang guard.
    it('reads a huge file (time printed)', () => {
      const lines: string[] = [];
      for (let i = 0; i < 50_000; i++) lines.push(i % 5 === 0 ? `# comment ${i}` : `key${i}=value ${i} \\u0041`);
      const started = Date.now();
      const parsed = parseConfig(lines.join('\n'));
      assert.equal(parsed.entries.length, 40_000);
      assert.equal(parsed.entries[39_999].value, 'value 49999 A');
      console.log(`        parsed 50,000 lines in ${Date.now() - started} ms`);
    });

    it('never throws, whatever the input', () => {
      const alphabet = ['a', '=', ':', ' ', '\t', '\\', 'u', '0', 'f', '#', '!', '\n', '\r', '[', ']', '|', ';', '😀', '\u0000'];
      let seed = 42;
      const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (let i = 0; i < 2000; i++) {
        let text = '';
        const length = Math.floor(random() * 40);
        for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)];
        const parsed = parseConfig(text);
        for (const entry of parsed.entries) {
          trimmedValueRange(entry);
          valueSubRange(entry, 0, entry.value.length + 3);
        }
      }
    });
  });
});
