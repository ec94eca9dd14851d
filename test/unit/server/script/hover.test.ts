import assert from 'node:assert/strict';
import type { MarkupContent } from 'vscode-languageserver-types';
import { commandMarkdown, findCommand } from '../../../../src/server/script/commands';
import { hover } from '../../../../src/server/script/hover';
import { at, r } from './support';

function recorder(answer?: string) {
  const asked: string[] = [];
  return { asked, describe: (path: string) => (asked.push(path), Promise.resolve(answer)) };
}

function value(h: Awaited<ReturnType<typeof hover>>): string {
  assert.ok(h, 'a hover');
  return (h.contents as MarkupContent).value;
}

describe('server/script/hover', () => {
  it('shows the syntax and doc of a command', async () => {
    const h = await hover('  create -s /a', at(0, 4), recorder().describe);
    const create = findCommand('create');
    assert.ok(create);
    assert.deepEqual(h, { contents: { kind: 'markdown', value: commandMarkdown(create) }, range: r(0, 2, 8) });
    assert.match(value(h), /^```zookeeper-script\ncreate \[-s\] \[-e\] \[-c\] \[-t ttl\] path \[data\] \[acl\]\n```\n\nCreates a node/);
    assert.match(value(h), /- `-t` TTL:/);
  });

  it('shows the doc of a flag', async () => {
    const h = await hover('get -w /a', at(0, 5), recorder().describe);
    assert.deepEqual(h, { contents: { kind: 'markdown', value: '`-w` Leave a data watch on the node.' }, range: r(0, 4, 6) });
  });

  it('asks the caller to describe a path', async () => {
    const { asked, describe } = recorder('**/a b** version 3');
    const h = await hover('get /x\nset "/a b" data', at(1, 5), describe);
    assert.deepEqual(asked, ['/a b']);
    assert.deepEqual(h, { contents: { kind: 'markdown', value: '**/a b** version 3' }, range: r(1, 4, 10) });
  });

  it('shows nothing when the caller knows nothing about the path', async () => {
    assert.equal(await hover('get /a', at(0, 4), recorder(undefined).describe), undefined);
  });

  it('does not describe data, invalid paths or extra arguments', async () => {
    const { asked, describe } = recorder('x');
    assert.equal(await hover('set /a /b', at(0, 8), describe), undefined);
    assert.equal(await hover('get a/b', at(0, 5), describe), undefined);
    assert.equal(await hover('get /a /b', at(0, 8), describe), undefined);
    assert.deepEqual(asked, []);
  });

  it('shows nothing on blanks, comments, unknown commands and past the end', async () => {
    const { asked, describe } = recorder('x');
    const text = 'get  /a\n# get /a\nfrob /a';
    for (const position of [at(0, 3), at(0, 7), at(0, 50), at(1, 3), at(1, 6), at(2, 1), at(2, 6), at(9, 0)]) {
      assert.equal(await hover(text, position, describe), undefined, JSON.stringify(position));
    }
    assert.deepEqual(asked, []);
  });
});
