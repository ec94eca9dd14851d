import assert from 'node:assert/strict';
import type { MarkupContent } from 'vscode-languageserver-types';
import { hover } from '../../../../src/server/config/hover';
import { parseConfig } from '../../../../src/server/config/parser';
import { range } from './helpers';

const markdown = (text: string, line: number, character: number): string | undefined =>
  (hover(text, { line, character })?.contents as MarkupContent | undefined)?.value;

describe('server/config/hover', () => {
  const text = 'tickTime=2000\n# comment\n  clientPort = 2181\nserver.12=zk:2888:3888\nunknownKey=1\njute.maxbuffer=1\n';

  it('documents the key under the cursor, with type, default and section', () => {
    const result = hover(text, { line: 0, character: 3 });
    assert.ok(result);
    assert.deepEqual(result.range, range(0, 0, 0, 8));
    const value = (result.contents as MarkupContent).value;
    assert.equal((result.contents as MarkupContent).kind, 'markdown');
    assert.match(value, /^\*\*tickTime\*\* · Minimum configuration\n\nLength of one tick/);
    assert.match(value, /- Type: `int \(milliseconds\)`/);
    assert.match(value, /- Default: `3000`/);
  });

  it('works at both ends of the key and after indentation', () => {
    assert.ok(markdown(text, 0, 0));
    assert.ok(markdown(text, 0, 8));
    assert.match(markdown(text, 2, 2) ?? '', /\*\*clientPort\*\*/);
    assert.equal(markdown(text, 2, 1), undefined);
  });

  it('shows nothing on values, comments, blank lines or unknown keys', () => {
    assert.equal(hover(text, { line: 0, character: 10 }), null);
    assert.equal(hover(text, { line: 1, character: 3 }), null);
    assert.equal(hover(text, { line: 4, character: 2 }), null);
    assert.equal(hover(text, { line: 6, character: 0 }), null);
    assert.equal(hover(text, { line: 99, character: 0 }), null);
  });

  it('documents pattern keys under their own name', () => {
    const value = markdown(text, 3, 4) ?? '';
    assert.match(value, /^\*\*server\.12\*\* · Cluster options/);
    assert.match(value, /myid/);
  });

  it('says how to set JVM-only settings and which system property a setting becomes', () => {
    assert.match(markdown(text, 5, 2) ?? '', /Only as a JVM option: `-Djute\.maxbuffer`/);
    assert.match(markdown('snapCount=5', 0, 2) ?? '', /Becomes the system property `zookeeper\.snapCount`/);
    assert.match(markdown('authProvider.7=x', 0, 2) ?? '', /`zookeeper\.authProvider\.7`/);
  });

  it("documents a guide name or a zookeeper.-prefixed key with the key to write instead", () => {
    assert.match(markdown('connectionMaxTokens=1', 0, 3) ?? '', /In zoo.cfg write `connection_throttle_tokens`/);
    assert.match(markdown('zookeeper.forceSync=no', 0, 3) ?? '', /\*\*forceSync\*\*[\s\S]*In zoo.cfg write `forceSync`/);
  });

  it('accepts an already parsed document', () => {
    assert.ok(hover(parseConfig(text), { line: 0, character: 1 }));
  });
});
