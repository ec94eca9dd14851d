import assert from 'node:assert/strict';
import { isComment, lexLine, splitLines } from '../../../../src/server/script/lexer';
import { commandAt, directive, parseScript } from '../../../../src/server/script/parser';
import { r } from './support';

function only(text: string) {
  const script = parseScript(text);
  assert.equal(script.commands.length, 1, `one command in ${JSON.stringify(text)}`);
  return { command: script.commands[0], errors: script.errors };
}

describe('server/script/parser', () => {
  describe('blank and comment lines', () => {
    for (const text of ['', ' ', '   \t  ', '\t', '\n\n\n', '\r\n\r\n', '# a comment', '   # indented', '\t#tab', '#', '\u000b\f']) {
      it(`finds no command in ${JSON.stringify(text)}`, () => {
        const script = parseScript(text);
        assert.deepEqual(script.commands, []);
        assert.deepEqual(script.errors, []);
      });
    }

    it('keeps every line, split on \\n, \\r\\n and \\r', () => {
      assert.deepEqual(splitLines('a\nb\r\nc\rd'), ['a', 'b', 'c', 'd']);
      assert.deepEqual(parseScript('x\r\n').lines, ['x', '']);
    });

    it('treats only a line that starts with "#" as a comment', () => {
      assert.equal(isComment('  # x'), true);
      assert.equal(isComment('\uFEFF# x'), true);
      assert.equal(isComment('get /a#b'), false);
      assert.equal(isComment(''), false);
      const { command } = only('create /a #notacomment');
      assert.deepEqual(
        command.args.map((a) => a.value),
        ['/a', '#notacomment'],
      );
    });
  });

  describe('commands', () => {
    it('splits a command into name, flags and typed arguments with ranges', () => {
      const { command, errors } = only('create -s -e /a/b "hello world" world:anyone:cdrwa');
      assert.deepEqual(errors, []);
      assert.equal(command.name, 'create');
      assert.equal(command.spec?.name, 'create');
      assert.deepEqual(command.nameRange, r(0, 0, 6));
      assert.deepEqual(
        command.flags.map((f) => [f.flag, f.range]),
        [
          ['-s', r(0, 7, 9)],
          ['-e', r(0, 10, 12)],
        ],
      );
      assert.deepEqual(
        command.args.map((a) => [a.text, a.value, a.kind, a.quoted, a.range]),
        [
          ['/a/b', '/a/b', 'path', false, r(0, 13, 17)],
          ['"hello world"', 'hello world', 'data', true, r(0, 18, 31)],
          ['world:anyone:cdrwa', 'world:anyone:cdrwa', 'acl', false, r(0, 32, 50)],
        ],
      );
      assert.deepEqual(command.range, r(0, 0, 50));
    });

    it('accepts flags after the path, as zkCli does', () => {
      const { command } = only('deleteall /a -b 100');
      assert.deepEqual(command.flags.map((f) => [f.flag, f.value?.value]), [['-b', '100']]);
      assert.deepEqual(command.args.map((a) => a.value), ['/a']);
    });

    it('gives a flag its value, "-1" included', () => {
      const { command } = only('delete -v -1 /a');
      assert.equal(command.flags[0].value?.value, '-1');
      assert.deepEqual(command.flags[0].value?.range, r(0, 10, 12));
      assert.deepEqual(command.args.map((a) => a.value), ['/a']);
    });

    it('does not take a flag or a path as a flag value', () => {
      const ttlThenPath = only('create -t /a').command;
      assert.equal(ttlThenPath.flags[0].value, undefined);
      assert.deepEqual(ttlThenPath.args.map((a) => a.value), ['/a']);
      const ttlThenFlag = only('create -t -e /a').command;
      assert.deepEqual(ttlThenFlag.flags.map((f) => [f.flag, f.value]), [['-t', undefined], ['-e', undefined]]);
      assert.equal(only('create -t').command.flags[0].value, undefined);
    });

    it('takes a quoted path-like text as a flag value', () => {
      assert.equal(only('addWatch -m "/x" /a').command.flags[0].value?.value, '/x');
    });

    it('reads quoted and numeric "-" tokens, "-" alone and everything after "--" as arguments', () => {
      assert.deepEqual(only('set /a "-x"').command.args.map((a) => a.value), ['/a', '-x']);
      assert.deepEqual(only('set /a -').command.args.map((a) => a.value), ['/a', '-']);
      assert.deepEqual(only('set /a -5').command.args.map((a) => a.value), ['/a', '-5']);
      const { command } = only('set -- /a -x');
      assert.deepEqual(command.flags, []);
      assert.deepEqual(command.args.map((a) => [a.value, a.kind]), [['/a', 'path'], ['-x', 'data']]);
    });

    it('keeps stray and unknown flags, without a spec', () => {
      const { command } = only('get -x /a --long');
      assert.deepEqual(command.flags.map((f) => [f.flag, f.spec]), [['-x', undefined], ['--long', undefined]]);
      const stray = only('-s /a').command;
      assert.equal(stray.name, '-s');
      assert.equal(stray.spec, undefined);
    });

    it('leaves the kind of an extra argument and of an unknown command undefined', () => {
      assert.deepEqual(only('get /a /b').command.args.map((a) => a.kind), ['path', undefined]);
      assert.deepEqual(only('frob /a').command.args.map((a) => a.kind), [undefined]);
    });

    it('looks command names up case-sensitively, and a quoted name never matches', () => {
      assert.equal(only('getacl /a').command.spec, undefined);
      assert.equal(only('getAcl /a').command.spec?.name, 'getAcl');
      assert.equal(only('"get" /a').command.spec, undefined);
    });

    it('numbers lines across CRLF, LF and CR, and keeps "\\r" out of ranges', () => {
      const script = parseScript('get /a\r\n\r\nls /b\rstat /c\n');
      assert.deepEqual(
        script.commands.map((c) => [c.line, c.name, c.range]),
        [
          [0, 'get', r(0, 0, 6)],
          [2, 'ls', r(2, 0, 5)],
          [3, 'stat', r(3, 0, 7)],
        ],
      );
      assert.equal(script.commands[0].args[0].value, '/a');
    });

    it('counts positions in UTF-16 units, as LSP does', () => {
      const { command } = only('create /ä/日本語 "😀 x" \u00a0');
      assert.deepEqual(command.args.map((a) => [a.value, a.range]), [
        ['/ä/日本語', r(0, 7, 13)],
        ['😀 x', r(0, 14, 20)],
        ['\u00a0', r(0, 21, 22)],
      ]);
    });

    it('skips a byte-order mark at the start', () => {
      assert.deepEqual(only('\uFEFFget /a').command.nameRange, r(0, 1, 4));
    });

    it('finds the command of a line', () => {
      const script = parseScript('# c\nget /a\n\nls /b');
      assert.equal(commandAt(script, 1)?.name, 'get');
      assert.equal(commandAt(script, 3)?.name, 'ls');
      assert.equal(commandAt(script, 0), undefined);
      assert.equal(commandAt(script, 2), undefined);
      assert.equal(commandAt(script, 99), undefined);
    });
  });

  describe('quotes', () => {
    it('resolves escapes in double and single quotes', () => {
      const { command, errors } = only(String.raw`set /a "a\nb\t\"c\\ \x41\u00e9\r\0\'"`);
      assert.deepEqual(errors, []);
      assert.equal(command.args[1].value, 'a\nb\t"c\\ A\u00e9\r\0\'');
      assert.equal(only(String.raw`set /a 'it\'s "x"'`).command.args[1].value, 'it\'s "x"');
    });

    it('keeps quotes inside a bare word', () => {
      assert.equal(only(`set /a it's"`).command.args[1].value, `it's"`);
    });

    it('reports an unterminated string from the quote to the end of the line', () => {
      const { command, errors } = only('set /a "abc  ');
      assert.deepEqual(errors, [{ message: 'Unterminated string: add the closing ".', range: r(0, 7, 13), code: 'unterminated-string' }]);
      assert.equal(command.args[1].value, 'abc  ');
      assert.equal(only("set /a 'x").errors[0].message, "Unterminated string: add the closing '.");
    });

    it('counts a backslash before the end of the line as unterminated', () => {
      assert.deepEqual(only('set /a "abc\\').errors.map((e) => e.code), ['unterminated-string']);
      assert.deepEqual(only('"').errors.map((e) => [e.code, e.range]), [['unterminated-string', r(0, 0, 1)]]);
    });

    it('reports unknown and short escapes where they are', () => {
      assert.deepEqual(only(String.raw`set /a "x\qy"`).errors, [{ message: 'Unknown escape "\\q"; write "\\\\" for a backslash.', range: r(0, 9, 11), code: 'bad-escape' }]);
      assert.deepEqual(only(String.raw`set /a "\x4g"`).errors, [{ message: '"\\x" needs 2 hex digits, e.g. \\x41.', range: r(0, 8, 11), code: 'bad-escape' }]);
      assert.deepEqual(only(String.raw`set /a "\u12"`).errors.map((e) => e.range), [r(0, 8, 12)]);
      assert.equal(only(String.raw`set /a "x\qy"`).command.args[1].value, 'x\\qy');
    });

    it('reports text glued to a closing quote and keeps it in the token', () => {
      const { command, errors } = only('set /a "x"yz next');
      assert.deepEqual(errors.map((e) => [e.code, e.range]), [['text-after-quote', r(0, 10, 12)]]);
      assert.deepEqual(command.args.map((a) => a.value), ['/a', 'xyz', 'next']);
    });

    it('collects errors from every line', () => {
      const script = parseScript('set /a "x\nset /b "y\nget /c');
      assert.deepEqual(script.errors.map((e) => e.range.start.line), [0, 1]);
      assert.equal(script.commands.length, 3);
    });
  });

  describe('directive', () => {
    it('reads "# connection: <name>" on the first line', () => {
      assert.deepEqual(directive('# connection: local dev  \nget /a'), { name: 'local dev', range: r(0, 14, 23), line: 0 });
      assert.deepEqual(directive('#connection:prod'), { name: 'prod', range: r(0, 12, 16), line: 0 });
      assert.equal(directive('  # Connection :  x\r\n')?.name, 'x');
      assert.deepEqual(parseScript('# connection: a').directive, { name: 'a', range: r(0, 14, 15), line: 0 });
    });

    it('gives an empty name while it is being typed', () => {
      assert.deepEqual(directive('# connection: '), { name: '', range: r(0, 14, 14), line: 0 });
    });

    it('only counts the first line', () => {
      assert.equal(directive('get /a\n# connection: x'), undefined);
      assert.equal(directive('# connect: x'), undefined);
      assert.equal(directive(''), undefined);
      assert.deepEqual(parseScript('# connection: x').commands, []);
    });
  });

  describe('robustness', () => {
    it('lexes a huge line in one pass', () => {
      const path = `/${'a'.repeat(1_000_000)}`;
      const { command } = only(`get ${path}`);
      assert.equal(command.args[0].value, path);
      const escapes = lexLine(`set /a "${'\\q'.repeat(50_000)}"`, 0);
      assert.equal(escapes.errors.length, 50_000);
      assert.equal(escapes.tokens.length, 3);
      assert.equal(parseScript(`set /a ${'x '.repeat(100_000)}`).commands[0].args.length, 100_001);
    });

    it('parses a document of many lines', () => {
      const script = parseScript('get /a\n'.repeat(20_000));
      assert.equal(script.commands.length, 20_000);
      assert.equal(script.commands[19_999].line, 19_999);
    });
  });
});
