import assert from 'node:assert/strict';
import {
  InvalidPathError,
  ancestors,
  assertValidPath,
  baseName,
  compareBySequence,
  compareCodePoints,
  isAncestor,
  isServerOwned,
  joinPath,
  normalizeUserPath,
  parentPath,
  parseSequence,
  pathSegments,
  sortChildren,
  validateNodeName,
  validatePath,
} from '../../../src/zk/paths';

describe('zk/paths', () => {
  describe('validatePath', () => {
    const valid = [
      '/',
      '/a',
      '/zookeeper',
      '/zookeeper/quota',
      '/brokers/ids/0',
      '/a/b/c/d/e',
      '/...',
      '/a/.b',
      '/a/..b',
      '/a/b.',
      '/a b/c d',
      '/ä/日本語',
      '/lock-0000000001',
      '/a-b_c:d@e=f',
      '/\u00a0',
      '/\u00a0/\ud7ff/\uf900/\uffef',
    ];
    for (const path of valid) {
      it(`accepts ${JSON.stringify(path)}`, () => assert.equal(validatePath(path), undefined));
    }

    it('names the empty path', () => {
      assert.equal(validatePath(''), 'Znode path is empty; it must start with "/".');
    });

    for (const path of ['a', 'a/b', ' /a', '.', '..', 'zookeeper/']) {
      it(`requires a leading "/" in ${JSON.stringify(path)}`, () => {
        assert.equal(validatePath(path), `Znode path "${path}" must start with "/".`);
      });
    }

    it('reports an empty segment with its position', () => {
      assert.equal(validatePath('/a//b'), 'Znode path "/a//b" has an empty segment at character 3; remove the extra "/".');
      assert.match(validatePath('//') ?? '', /empty segment at character 1;/);
      assert.match(validatePath('//a') ?? '', /empty segment at character 1;/);
      assert.match(validatePath('/a/b//') ?? '', /empty segment at character 5;/);
      assert.match(validatePath('/a///b') ?? '', /empty segment at character 3;/);
    });

    it('reports a trailing slash', () => {
      assert.equal(validatePath('/a/'), 'Znode path "/a/" ends with "/" at character 2; remove the trailing "/".');
      assert.match(validatePath('/a/b/c/') ?? '', /ends with "\/" at character 6/);
    });

    for (const [path, dots, at] of [
      ['/.', '.', 1],
      ['/..', '..', 1],
      ['/a/.', '.', 3],
      ['/a/..', '..', 3],
      ['/a/./b', '.', 3],
      ['/a/../b', '..', 3],
      ['/./a', '.', 1],
    ] as const) {
      it(`refuses the relative segment in ${path}`, () => {
        assert.equal(validatePath(path), `Znode path "${path}" has a "${dots}" segment at character ${at}; ZooKeeper paths cannot be relative.`);
      });
    }

    it('refuses the null character, escaped in the message', () => {
      assert.equal(
        validatePath('/a\u0000b'),
        'Znode path "/a\\u0000b" contains U+0000 (a null character) at character 2; ZooKeeper does not allow it.',
      );
    });

    // Both ends of every documented range, plus one inside.
    const disallowed: [number, string][] = [
      [0x01, 'a control character'],
      [0x09, 'a control character'],
      [0x0a, 'a control character'],
      [0x1f, 'a control character'],
      [0x7f, 'a control character'],
      [0x85, 'a control character'],
      [0x9f, 'a control character'],
      [0xd800, 'a character outside the Basic Multilingual Plane, like an emoji'],
      [0xdfff, 'a character outside the Basic Multilingual Plane, like an emoji'],
      [0xe000, 'a private-use character'],
      [0xf8ff, 'a private-use character'],
      [0xfff0, 'a Unicode special character'],
      [0xfffd, 'a Unicode special character'],
      [0xffff, 'a Unicode special character'],
    ];
    for (const [unit, kind] of disallowed) {
      const hex = unit.toString(16).toUpperCase().padStart(4, '0');
      it(`refuses U+${hex}`, () => {
        const path = `/ok/x${String.fromCharCode(unit)}y`;
        assert.equal(validatePath(path), `Znode path "/ok/x\\u${hex}y" contains U+${hex} (${kind}) at character 5; ZooKeeper does not allow it.`);
      });
    }

    for (const unit of [0x20, 0x7e, 0xa0, 0xd7ff, 0xf900, 0xffef]) {
      it(`accepts U+${unit.toString(16).toUpperCase().padStart(4, '0')}, just outside a range`, () => {
        assert.equal(validatePath(`/a${String.fromCharCode(unit)}`), undefined);
      });
    }

    it('names the code point of an emoji and keeps it readable', () => {
      assert.equal(
        validatePath('/a/😀'),
        'Znode path "/a/😀" contains U+1F600 (a character outside the Basic Multilingual Plane, like an emoji) at character 3; ZooKeeper does not allow it.',
      );
    });

    it('escapes characters that would not display', () => {
      assert.match(validatePath('/a\u0007\ue000') ?? '', /^Znode path "\/a\\u0007\\uE000" contains U\+0007/);
    });

    it('reports the first problem from the left', () => {
      assert.match(validatePath('/a\u0001//') ?? '', /U\+0001/);
      assert.match(validatePath('/a//\u0001') ?? '', /empty segment at character 3/);
      assert.match(validatePath('/../a//') ?? '', /"\.\." segment at character 1/);
      assert.match(validatePath('/a//') ?? '', /empty segment at character 3/);
    });

    describe('with allowSequentialSuffix', () => {
      for (const path of ['/', '/a/', '/a/lock-', '/a/.', '/a/..', '/a/b']) {
        it(`accepts ${JSON.stringify(path)}`, () => assert.equal(validatePath(path, true), undefined));
      }
      it('still refuses other mistakes', () => {
        assert.match(validatePath('/a//', true) ?? '', /empty segment at character 3/);
        assert.match(validatePath('/a/./b-', true) ?? '', /"\." segment at character 3/);
        assert.match(validatePath('/../', true) ?? '', /"\.\." segment at character 1/);
        assert.match(validatePath('a/', true) ?? '', /must start with/);
        assert.match(validatePath('', true) ?? '', /is empty/);
        assert.match(validatePath('/a/\u0001', true) ?? '', /U\+0001/);
      });
    });
  });

  describe('assertValidPath', () => {
    it('passes valid paths', () => {
      assertValidPath('/');
      assertValidPath('/a/b');
      assertValidPath('/a/', true);
    });

    it('throws InvalidPathError carrying the path and the sentence', () => {
      assert.throws(
        () => assertValidPath('/a//b'),
        (error: unknown) => {
          assert.ok(error instanceof InvalidPathError);
          assert.ok(error instanceof Error);
          assert.equal(error.name, 'InvalidPathError');
          assert.equal(error.path, '/a//b');
          assert.equal(error.message, validatePath('/a//b'));
          return true;
        },
      );
    });

    it('refuses a trailing slash unless the create is sequential', () => {
      assert.throws(() => assertValidPath('/a/'), InvalidPathError);
      assert.throws(() => assertValidPath('/a/', false), InvalidPathError);
      assert.doesNotThrow(() => assertValidPath('/a/', true));
    });
  });

  describe('validateNodeName', () => {
    for (const name of ['a', 'broker-1', '...', '.a', 'a.', 'lock-0000000001', 'with space', '日本']) {
      it(`accepts ${JSON.stringify(name)}`, () => assert.equal(validateNodeName(name), undefined));
    }

    it('refuses an empty name', () => assert.equal(validateNodeName(''), 'Node name is empty; type a name.'));

    it('refuses "/"', () => {
      assert.equal(validateNodeName('a/b'), 'Node name "a/b" contains "/" at character 1; a name is a single path segment.');
      assert.match(validateNodeName('/') ?? '', /contains "\/" at character 0/);
      assert.match(validateNodeName('/a') ?? '', /contains "\/" at character 0/);
    });

    for (const name of ['.', '..']) {
      it(`refuses ${JSON.stringify(name)}`, () => {
        assert.equal(validateNodeName(name), `Node name "${name}" is not allowed; ZooKeeper paths cannot be relative.`);
      });
    }

    it('refuses disallowed characters with their position', () => {
      assert.equal(validateNodeName('ab\tc'), 'Node name "ab\\u0009c" contains U+0009 (a control character) at character 2; ZooKeeper does not allow it.');
      assert.match(validateNodeName('\u0000') ?? '', /U\+0000 \(a null character\) at character 0/);
      assert.match(validateNodeName('x😀') ?? '', /U\+1F600/);
      assert.match(validateNodeName('\uffff') ?? '', /U\+FFFF/);
    });

    it('allows an empty or dotted prefix for a sequential create', () => {
      assert.equal(validateNodeName('', true), undefined);
      assert.equal(validateNodeName('.', true), undefined);
      assert.equal(validateNodeName('..', true), undefined);
      assert.match(validateNodeName('a/', true) ?? '', /contains "\/"/);
    });
  });

  describe('joinPath', () => {
    it('joins with exactly one slash', () => {
      assert.equal(joinPath('/', 'a'), '/a');
      assert.equal(joinPath('/a', 'b'), '/a/b');
      assert.equal(joinPath('/a/b', 'lock-0000000001'), '/a/b/lock-0000000001');
    });

    it('keeps names the server listed even if our stricter rules would refuse them', () => {
      assert.equal(joinPath('/a', '\u001f'), '/a/\u001f');
    });

    it('refuses a relative parent or a child that is not one segment', () => {
      assert.throws(() => joinPath('a', 'b'), InvalidPathError);
      assert.throws(() => joinPath('', 'b'), InvalidPathError);
      assert.throws(() => joinPath('/a', ''), InvalidPathError);
      assert.throws(() => joinPath('/a', 'b/c'), InvalidPathError);
      assert.throws(() => joinPath('/a', '/b'), /Child name "\/b" must be a single, non-empty path segment\./);
    });
  });

  describe('parentPath, baseName, pathSegments, ancestors', () => {
    it('parentPath', () => {
      assert.equal(parentPath('/'), undefined);
      assert.equal(parentPath('/a'), '/');
      assert.equal(parentPath('/a/b'), '/a');
      assert.equal(parentPath('/a/b/c'), '/a/b');
      assert.equal(parentPath('a'), undefined);
      assert.equal(parentPath(''), undefined);
    });

    it('baseName', () => {
      assert.equal(baseName('/'), '');
      assert.equal(baseName('/a'), 'a');
      assert.equal(baseName('/a/b.c'), 'b.c');
      assert.equal(baseName('/brokers/ids/1001'), '1001');
    });

    it('pathSegments', () => {
      assert.deepEqual(pathSegments('/'), []);
      assert.deepEqual(pathSegments('/a'), ['a']);
      assert.deepEqual(pathSegments('/a/b/c'), ['a', 'b', 'c']);
    });

    it('ancestors, root first, without the path itself', () => {
      assert.deepEqual(ancestors('/'), []);
      assert.deepEqual(ancestors('/a'), ['/']);
      assert.deepEqual(ancestors('/a/b/c'), ['/', '/a', '/a/b']);
    });

    it('rebuilds a path from its segments', () => {
      for (const path of ['/a', '/a/b/c', '/x/y']) {
        assert.equal(pathSegments(path).reduce(joinPath, '/'), path);
        assert.equal(joinPath(parentPath(path) ?? '', baseName(path)), path);
      }
    });
  });

  describe('isServerOwned', () => {
    it('is the root and /zookeeper with everything below it, nothing else', () => {
      for (const path of ['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config', '/zookeeper/quota/app/zookeeper_limits']) assert.equal(isServerOwned(path), true, path);
      for (const path of ['/zookeeper2', '/zookeeperx/a', '/app/zookeeper', '/config', '/a']) assert.equal(isServerOwned(path), false, path);
    });
  });

  describe('isAncestor', () => {
    it('is true for proper ancestors only', () => {
      assert.equal(isAncestor('/', '/a'), true);
      assert.equal(isAncestor('/', '/a/b'), true);
      assert.equal(isAncestor('/a', '/a/b'), true);
      assert.equal(isAncestor('/a', '/a/b/c'), true);
      assert.equal(isAncestor('/a/b', '/a/b/c'), true);
    });

    it('is false for the path itself, siblings sharing a prefix, and descendants', () => {
      assert.equal(isAncestor('/', '/'), false);
      assert.equal(isAncestor('/a', '/a'), false);
      assert.equal(isAncestor('/a', '/ab'), false);
      assert.equal(isAncestor('/a', '/ab/c'), false);
      assert.equal(isAncestor('/a/b', '/a'), false);
      assert.equal(isAncestor('/a', '/'), false);
      assert.equal(isAncestor('/a', 'a/b'), false);
    });
  });

  describe('normalizeUserPath', () => {
    const cases: [string, string][] = [
      ['/a/b', '/a/b'],
      ['a/b', '/a/b'],
      ['  /a/b  ', '/a/b'],
      ['\t a \n', '/a'],
      ['/a/b/', '/a/b'],
      ['a/', '/a'],
      ['/', '/'],
      ['', '/'],
      ['   ', '/'],
      ['//', '/'],
    ];
    for (const [input, output] of cases) {
      it(`${JSON.stringify(input)} → ${JSON.stringify(output)}`, () => assert.equal(normalizeUserPath(input), output));
    }

    it('leaves other mistakes for validation to report', () => {
      for (const input of ['/a//b', '/a/b//', '///', '/a/./b', '/a/\u0001', 'a/../b']) {
        const normalized = normalizeUserPath(input);
        assert.notEqual(validatePath(normalized), undefined, normalized);
      }
      assert.equal(normalizeUserPath('/a/b//'), '/a/b/');
      assert.equal(normalizeUserPath('/a b'), '/a b');
    });
  });

  describe('parseSequence', () => {
    const parsed: [string, string, number][] = [
      ['lock-0000000000', 'lock-', 0],
      ['lock-0000000001', 'lock-', 1],
      ['0000000042', '', 42],
      ['x2147483647', 'x', 2147483647],
      ['_c_2c9e4f5b-7a1c-4b7f-9d7e-1f0b8e6e6f8a-lock-0000000017', '_c_2c9e4f5b-7a1c-4b7f-9d7e-1f0b8e6e6f8a-lock-', 17],
      ['4a1b__lock__0000000003', '4a1b__lock__', 3],
      ['n_0000000005', 'n_', 5],
      // After the signed 32-bit counter wraps: %010d counts the sign in the width.
      ['lock--000000001', 'lock-', -1],
      ['lock--999999999', 'lock-', -999999999],
      ['-000000001', '', -1],
      ['lock-000000001', 'lock', -1],
      ['x-2147483648', 'x', -2147483648],
      ['-2147483648', '', -2147483648],
      ['a00000000001', 'a0', 1],
      // Ambiguous with the 11-character negative form; read as the positive counter.
      ['x-1500000000', 'x-', 1500000000],
      ['lock--1000000000', 'lock--', 1000000000],
    ];
    for (const [name, prefix, sequence] of parsed) {
      it(`${name} → ${JSON.stringify(prefix)} + ${sequence}`, () => assert.deepEqual(parseSequence(name), { prefix, sequence }));
    }

    const unparsed = [
      '',
      'lock',
      'lock-1',
      '000000001',
      'x2147483648',
      'x9999999999',
      'x-2147483649',
      'x-000000000',
      'lock-00000000a1',
      'lock-0000000001 ',
      'lock-0000000001x',
      'lock-+000000001',
      'lock-０００００００００１',
      '--00000001',
    ];
    for (const name of unparsed) {
      it(`no suffix in ${JSON.stringify(name)}`, () => assert.equal(parseSequence(name), undefined));
    }
  });

  describe('compareCodePoints', () => {
    it('orders by code point, not UTF-16 unit', () => {
      // U+FF5E is one unit 0xFF5E; U+1F600 starts with 0xD83D, which `<` would put first.
      assert.ok('😀' < '\uff5e');
      assert.equal(compareCodePoints('😀', '\uff5e'), 1);
      assert.equal(compareCodePoints('\uff5e', '😀'), -1);
      assert.equal(compareCodePoints('a', 'b'), -1);
      assert.equal(compareCodePoints('B', 'a'), -1);
      assert.equal(compareCodePoints('a', 'a'), 0);
      assert.equal(compareCodePoints('a', 'ab'), -1);
      assert.equal(compareCodePoints('ab', 'a'), 1);
      assert.equal(compareCodePoints('', ''), 0);
      assert.equal(compareCodePoints('😀a', '😀b'), -1);
    });
  });

  describe('compareBySequence and sortChildren', () => {
    it('orders sequential siblings by number, whatever their prefix', () => {
      const names = ['b-0000000010', 'a-0000000002', 'c-0000000001', 'a-0000000100'];
      assert.deepEqual(sortChildren(names), ['c-0000000001', 'a-0000000002', 'b-0000000010', 'a-0000000100']);
    });

    it('puts names without a suffix after sequential ones, by code point', () => {
      const names = ['zeta', 'lock-0000000002', 'Alpha', 'alpha', 'lock-0000000001', '10', '9'];
      assert.deepEqual(sortChildren(names), ['lock-0000000001', 'lock-0000000002', '10', '9', 'Alpha', 'alpha', 'zeta']);
    });

    it('uses plain numeric order after overflow: negative counters first', () => {
      const names = ['n_2147483647', 'n_-000000001', 'n_0000000000', 'n-2147483648', 'n_-000000002'];
      assert.deepEqual(sortChildren(names), ['n-2147483648', 'n_-000000002', 'n_-000000001', 'n_0000000000', 'n_2147483647']);
    });

    it('breaks ties by name', () => {
      assert.deepEqual(sortChildren(['b-0000000001', 'a-0000000001']), ['a-0000000001', 'b-0000000001']);
      assert.equal(compareBySequence('a-0000000001', 'a-0000000001'), 0);
    });

    it('is antisymmetric', () => {
      const names = ['a', 'b', 'x-0000000001', 'y-0000000001', 'x--000000001', '😀', '\uff5e'];
      for (const a of names) {
        for (const b of names) assert.equal(Math.sign(compareBySequence(a, b)) + Math.sign(compareBySequence(b, a)), 0, `${a} vs ${b}`);
      }
    });

    it('does not change its argument', () => {
      const names = ['b', 'a'];
      assert.deepEqual(sortChildren(names), ['a', 'b']);
      assert.deepEqual(names, ['b', 'a']);
      assert.deepEqual(sortChildren([]), []);
    });
  });
});
