import assert from 'node:assert/strict';
import { diagnoseConnectionDirective, suggestConnection } from '../../../../src/server/script/connectionDirective';
import { parseScript } from '../../../../src/server/script/parser';

const check = (text: string, names: string[]) => diagnoseConnectionDirective(parseScript(text), names);

describe('server/script/connectionDirective', () => {
  it('says at once that "# connection: nope" names no configured connection, and which there are', () => {
    const [d, ...more] = check('# connection: nope\nls /\n', ['demo']);
    assert.equal(more.length, 0);
    assert.equal(d.message, 'No connection is named "nope". The configured connections: demo. Add it in the ZooKeeper view, or name one of them.');
    assert.equal(d.code, 'unknown-connection');
    assert.equal(d.severity, 1);
    assert.deepEqual(d.range, { start: { line: 0, character: 14 }, end: { line: 0, character: 18 } });
  });

  it('offers the closest configured name, as a quick fix, and says when only the case differs', () => {
    const [typo] = check('# connection: dmeo', ['demo', 'production']);
    assert.equal(typo.message, 'No connection is named "dmeo"; did you mean "demo"?');
    assert.deepEqual(typo.data, { replacement: 'demo' });
    const [caseOnly] = check('#connection:Demo', ['demo']);
    assert.equal(caseOnly.message, 'No connection is named "Demo"; did you mean "demo"? Connection names are case-sensitive.');
    assert.equal(suggestConnection('prod', ['demo', 'production']), undefined, 'a prefix is not a typo');
    assert.equal(suggestConnection('producton', ['demo', 'production']), 'production');
  });

  it('says nothing for a configured name, an empty directive, no directive, or when the names are not known', () => {
    assert.deepEqual(check('# connection: demo\nls /', ['demo']), []);
    assert.deepEqual(check('# connection:\nls /', ['demo']), []);
    assert.deepEqual(check('ls /\n# connection: nope', ['demo']), []);
    assert.deepEqual(check('# connection: nope', []), []);
  });

  it('lists the configured names only while they are few', () => {
    const names = ['a1', 'b2', 'c3', 'd4', 'e5', 'f6'];
    assert.equal(check('# connection: zzzzzz', names)[0].message, 'No connection is named "zzzzzz". Add it in the ZooKeeper view, or name one of them.');
  });
});
