import assert from 'node:assert/strict';
import type { Range } from 'vscode-languageserver-types';
import { complete, diagnose, diagnosePathsExist, documentSymbols, hover, parseScript } from '../../../../src/server/script';
import { random } from './support';

const PIECES = ['create', 'set', 'get', 'ls', 'delete', 'setAcl', 'addWatch', 'addauth', 'crate', ' ', ' ', '\t', '\n', '\r\n', '\r', '-', '-s', '-e', '-c', '-t', '-v', '-m', '-R', '--', '/', '/a', '//', '/.', 'x', '"', "'", '\\', '\\x', '\\u', '#', '# connection:', ':', ',', 'world:anyone:', 'digest:', 'ip:', '-1', '0', '99999999999', 'ä', '😀', '\ud800', '\u0000', '\uFEFF', 'PERSISTENT'];

function inside(range: Range, lines: string[]): boolean {
  const line = lines[range.start.line];
  return line !== undefined && range.start.line === range.end.line && 0 <= range.start.character && range.start.character <= range.end.character && range.end.character <= line.length;
}

describe('server/script robustness', () => {
  it('never throws and keeps every range on its line, whatever the input', async () => {
    const next = random(20240611);
    for (let round = 0; round < 400; round++) {
      let text = '';
      const length = Math.floor(next() * 30);
      for (let i = 0; i < length; i++) text += PIECES[Math.floor(next() * PIECES.length)];
      const script = parseScript(text);
      const where = JSON.stringify(text);
      for (const d of diagnose(script)) assert.ok(inside(d.range, script.lines), `${where}: ${JSON.stringify(d)}`);
      for (const s of documentSymbols(script)) assert.ok(inside(s.range, script.lines) && inside(s.selectionRange, script.lines), where);
      for (const d of await diagnosePathsExist(script, (p) => Promise.resolve(p.length % 2 === 0))) assert.ok(inside(d.range, script.lines), where);
      const line = Math.floor(next() * script.lines.length);
      const position = { line, character: Math.floor(next() * (script.lines[line].length + 2)) };
      for (const item of await complete(script, position, () => Promise.resolve({ names: ['a', 'b-0000000001'], total: 5 }))) {
        if (item.textEdit && 'range' in item.textEdit) assert.ok(inside(item.textEdit.range, script.lines), where);
      }
      await hover(script, position, () => Promise.resolve('node'));
    }
  });
});
