import assert from 'node:assert/strict';
import type { Diagnostic, TextEdit } from 'vscode-languageserver-types';
import { codeActions } from '../../../../src/server/config/codeActions';
import { diagnose } from '../../../../src/server/config/diagnostics';
import { range } from './helpers';

const URI = 'file:///etc/zookeeper/zoo.cfg';

/** Applies edits (non-overlapping) to a text, as an editor would. */
function apply(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (line: number, character: number): number => lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + character;
  return [...edits]
    .sort((a, b) => offset(b.range.start.line, b.range.start.character) - offset(a.range.start.line, a.range.start.character))
    .reduce((t, e) => t.slice(0, offset(e.range.start.line, e.range.start.character)) + e.newText + t.slice(offset(e.range.end.line, e.range.end.character)), text);
}

/** Runs diagnose, then applies the quick fix of every diagnostic with `code`. */
function fixAll(text: string, code: string): string {
  const actions = codeActions(URI, diagnose(text).filter((d) => d.code === code));
  return apply(text, actions.flatMap((a) => a.edit?.changes?.[URI] ?? []));
}

describe('server/config/codeActions', () => {
  it('replaces a misspelt key with the suggestion', () => {
    const text = 'ticktime=2000\ndataDir=/d\nclientPort=2181\n';
    const actions = codeActions(URI, diagnose(text));
    assert.deepEqual(actions, [
      {
        title: "Change to 'tickTime'",
        kind: 'quickfix',
        diagnostics: [diagnose(text)[0]],
        isPreferred: true,
        edit: { changes: { [URI]: [{ range: range(0, 0, 0, 8), newText: 'tickTime' }] } },
      },
    ]);
    assert.equal(fixAll(text, 'unknown-key'), 'tickTime=2000\ndataDir=/d\nclientPort=2181\n');
  });

  it('renames guide names and zookeeper.-prefixed keys to what works in zoo.cfg', () => {
    const text = 'tickTime=2000\ndataDir=/d\nclientPort=2181\nconnectionMaxTokens=5\nzookeeper.snapCount=1000\n';
    const fixed = fixAll(fixAll(text, 'guide-name'), 'zookeeper-prefix');
    assert.equal(fixed, 'tickTime=2000\ndataDir=/d\nclientPort=2181\nconnection_throttle_tokens=5\nsnapCount=1000\n');
    assert.deepEqual(diagnose(fixed), []);
  });

  it('removes trailing whitespace from a server line', () => {
    const text = 'tickTime=2000\ndataDir=/d\nclientPort=2181\ninitLimit=5\nsyncLimit=2\nserver.1=a:2888:3888  \nserver.2=b:2888:3888\t\nserver.3=c:2888:3888;2181 \n';
    const fixed = fixAll(text, 'trailing-whitespace');
    assert.equal(fixed, 'tickTime=2000\ndataDir=/d\nclientPort=2181\ninitLimit=5\nsyncLimit=2\nserver.1=a:2888:3888\nserver.2=b:2888:3888\nserver.3=c:2888:3888;2181\n');
    assert.deepEqual(diagnose(fixed), []);
  });

  it('removes an overridden duplicate line, keeping the one ZooKeeper uses', () => {
    const text = 'tickTime=2000\ndataDir=/d\nclientPort=2181\nclientPort=2182\n';
    const actions = codeActions(URI, diagnose(text));
    assert.deepEqual(actions.map((a) => [a.title, a.isPreferred]), [['Remove this overridden clientPort line', false]]);
    assert.equal(fixAll(text, 'duplicate-key'), 'tickTime=2000\ndataDir=/d\nclientPort=2182\n');
  });

  it('removes a continued duplicate entirely', () => {
    const text = 'tickTime=2000\ndataDir=/d\n4lw.commands.whitelist=srvr,\\\n  ruok\nclientPort=2181\n4lw.commands.whitelist=*\n';
    assert.equal(fixAll(text, 'duplicate-key'), 'tickTime=2000\ndataDir=/d\nclientPort=2181\n4lw.commands.whitelist=*\n');
  });

  it('offers nothing for diagnostics without a fix, from other sources, or with foreign data', () => {
    const foreign: Diagnostic[] = [
      { range: range(0, 0, 0, 1), message: 'x', source: 'other', data: { fix: { title: 't', newText: 'n' } } },
      { range: range(0, 0, 0, 1), message: 'x', source: 'zookeeper-config', data: 'nonsense' },
      { range: range(0, 0, 0, 1), message: 'x', source: 'zookeeper-config', data: { fix: { title: 1 } } },
      { range: range(0, 0, 0, 1), message: 'x', source: 'zookeeper-config' },
    ];
    assert.deepEqual(codeActions(URI, foreign), []);
    assert.deepEqual(codeActions(URI, diagnose('dataDir=/d\n')), []);
  });

  it('survives the JSON round trip of diagnostic data through the client', () => {
    const text = 'tickTme=2000\ndataDir=/d\nclientPort=2181\n';
    const roundTripped = JSON.parse(JSON.stringify(diagnose(text))) as Diagnostic[];
    assert.equal(codeActions(URI, roundTripped)[0].title, "Change to 'tickTime'");
  });
});
