import assert from 'node:assert/strict';
import { documentSymbols } from '../../../../src/server/script/symbols';
import { r } from './support';

describe('server/script/symbols', () => {
  it('gives one symbol per command and one for the directive', () => {
    const text = ['# connection: local', 'create -s -t 100 /a/b "secret"', '', '# a comment', 'addauth digest bob:pw', '  whoami', 'frob x', 'setAcl -R /a world:anyone:r'].join('\n');
    assert.deepEqual(documentSymbols(text), [
      { name: 'connection: local', kind: 3, range: r(0, 0, 19), selectionRange: r(0, 14, 19) },
      { name: 'create /a/b', detail: '-s -t 100', kind: 24, range: r(1, 0, 30), selectionRange: r(1, 0, 6) },
      { name: 'addauth digest', detail: undefined, kind: 12, range: r(4, 0, 21), selectionRange: r(4, 0, 7) },
      { name: 'whoami', detail: undefined, kind: 12, range: r(5, 0, 8), selectionRange: r(5, 2, 8) },
      { name: 'frob', detail: undefined, kind: 12, range: r(6, 0, 6), selectionRange: r(6, 0, 4) },
      { name: 'setAcl /a', detail: '-R', kind: 24, range: r(7, 0, 27), selectionRange: r(7, 0, 6) },
    ]);
  });

  it('never names data or credentials', () => {
    const names = documentSymbols('set /a password123\naddauth digest bob:hunter2\ncreate /b "top secret"').map((s) => s.name);
    assert.deepEqual(names, ['set /a', 'addauth digest', 'create /b']);
  });

  it('names an empty directive and selects its whole line', () => {
    assert.deepEqual(documentSymbols('# connection:'), [{ name: 'connection: ', kind: 3, range: r(0, 0, 13), selectionRange: r(0, 0, 13) }]);
  });

  it('gives nothing for an empty document', () => {
    assert.deepEqual(documentSymbols(''), []);
    assert.deepEqual(documentSymbols('\n\n# only comments\n'), []);
  });

  it('keeps selection ranges inside ranges on CRLF lines', () => {
    for (const s of documentSymbols('get /a\r\n  ls /b  \r\n')) {
      assert.ok(s.selectionRange.start.character >= s.range.start.character && s.selectionRange.end.character <= s.range.end.character);
    }
  });
});
