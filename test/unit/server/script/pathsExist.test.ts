import assert from 'node:assert/strict';
import { diagnosePathsExist } from '../../../../src/server/script/pathsExist';
import { r } from './support';

/** A server holding `nodes` (and "/"), recording what it was asked. */
function server(...nodes: string[]) {
  const present = new Set(['/', ...nodes]);
  const asked: string[] = [];
  return {
    asked,
    exists: (path: string) => {
      asked.push(path);
      return Promise.resolve(present.has(path));
    },
  };
}

async function warnings(text: string, ...nodes: string[]) {
  const found = await diagnosePathsExist(text, server(...nodes).exists);
  for (const d of found) assert.equal(d.severity, 2);
  return found.map((d) => [d.message, d.range]);
}

describe('server/script/pathsExist', () => {
  it('warns when a node a command needs does not exist', async () => {
    assert.deepEqual(await warnings('get /a'), [['Node "/a" does not exist.', r(0, 4, 6)]]);
    for (const command of ['set /a x', 'ls /a', 'stat /a', 'delete /a', 'deleteall /a', 'getAcl /a', 'setAcl /a world:anyone:r', 'getAllChildrenNumber /a']) {
      assert.equal((await warnings(command)).length, 1, command);
      assert.deepEqual(await warnings(command, '/a'), [], command);
    }
  });

  it('does not ask about commands that work on missing nodes', async () => {
    const s = server();
    assert.deepEqual(await diagnosePathsExist('addWatch /a\nsync /a\nremovewatches /a\ngetEphemerals /a\nwhoami', s.exists), []);
    assert.deepEqual(s.asked, []);
  });

  it('warns when the parent of a created node does not exist', async () => {
    const found = await diagnosePathsExist('create /a/b x', server().exists);
    assert.deepEqual(
      found.map((d) => [d.message, d.range, d.code]),
      [['Cannot create "/a/b": its parent "/a" does not exist.', r(0, 7, 11), 'no-parent']],
    );
  });

  it('warns when the created node already exists', async () => {
    assert.deepEqual(await warnings('create /a', '/a'), [['Node "/a" already exists; create will fail.', r(0, 7, 9)]]);
  });

  it('counts what earlier lines create', async () => {
    const s = server();
    const found = await diagnosePathsExist('create /a\ncreate /a/b\nget /a/b\nls /a\ncreate /a/b/c', s.exists);
    assert.deepEqual(found, []);
    assert.deepEqual(s.asked, ['/a', '/a/b', '/a/b/c']);
  });

  it('warns about creating the same node twice', async () => {
    assert.deepEqual(await warnings('create /a\n\ncreate /a'), [['Node "/a" already exists by line 1; create will fail.', r(2, 7, 9)]]);
  });

  it('counts what earlier lines delete, subtrees included', async () => {
    assert.deepEqual(await warnings('delete /a\nget /a', '/a'), [['Node "/a" is deleted by line 1.', r(1, 4, 6)]]);
    assert.deepEqual(await warnings('deleteall /a\ncreate /a/b', '/a', '/a/b'), [['Cannot create "/a/b": its parent "/a" is deleted by line 1.', r(1, 7, 11)]]);
    assert.deepEqual(await warnings('deleteall /a\nget /a/b/c', '/a', '/a/b', '/a/b/c'), [['Node "/a/b/c" is deleted by line 1.', r(1, 4, 10)]]);
  });

  it('lets a later create bring a deleted node back', async () => {
    assert.deepEqual(await warnings('deleteall /a\ncreate /a\ncreate /a/b\nget /a/b\ndelete /a/b\ncreate /a/b', '/a', '/a/b'), []);
  });

  it('asks only about the parent of a sequential create, then knows it exists', async () => {
    const s = server('/q');
    assert.deepEqual(await diagnosePathsExist('create -s /q/item-\ncreate -s /q/\nls /q', s.exists), []);
    assert.deepEqual(s.asked, ['/q']);
    assert.deepEqual(await warnings('create -s /missing/'), [['Cannot create "/missing/": its parent "/missing" does not exist.', r(0, 10, 19)]]);
  });

  it('asks once per path, however often it is used', async () => {
    const s = server('/a');
    await diagnosePathsExist('get /a\nstat /a\nls /a\ncreate /a/b\ncreate /a/c', s.exists);
    assert.deepEqual(s.asked.sort(), ['/a', '/a/b', '/a/c']);
  });

  it('says nothing when the server cannot tell', async () => {
    assert.deepEqual(await diagnosePathsExist('get /a\ncreate /b/c', () => Promise.resolve(undefined)), []);
    assert.deepEqual(await diagnosePathsExist('get /a', () => Promise.reject(new Error('connection loss'))), []);
    assert.deepEqual(
      await diagnosePathsExist('get /a', () => {
        throw new Error('synchronous');
      }),
      [],
    );
  });

  it('skips invalid paths and unknown commands, and never asks about the root', async () => {
    const s = server();
    assert.deepEqual(await diagnosePathsExist('get a\nget /a/\ncrate /x\nget\nls /', s.exists), []);
    assert.deepEqual(await warnings('create /'), [['Node "/" already exists; create will fail.', r(0, 7, 8)]]);
    assert.deepEqual(s.asked, []);
  });

  it('uses the unescaped value of a quoted path', async () => {
    assert.deepEqual(await warnings('get "/a b"'), [['Node "/a b" does not exist.', r(0, 4, 10)]]);
  });
});
