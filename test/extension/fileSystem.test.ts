import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/extension/commandIds';
import type { AclResult, OpenNodeResult } from '../../src/extension/commands/dataCommands';
import { isMarkedDeleted } from '../../src/extension/fs/deletedNodes';
import { pendingConflict, resolveConflict } from '../../src/extension/fs/saveConflicts';
import { digestId, Perm } from '../../src/zk/acl';
import { ZkClient } from '../../src/zk/client';
import { hexDump, parseHex, toBase64 } from '../../src/zk/codecs';
import { toPlainStat } from '../../src/zk/stat';
import { deleteTree } from '../../src/zk/subtree';

// Everything here goes through the real zk:// provider in a real VS Code, against a real ZooKeeper.
// "Another program" is a separate ZkClient. Notifications cannot be clicked here, so conflicts are
// answered with resolveConflict(), the function the notification's buttons call.

const EXTENSION_ID = 'zookeeper-explorer.zookeeper-explorer';

function connectString(): string {
  const value = process.env.ZK_TEST_CONNECT;
  assert.ok(value, 'ZK_TEST_CONNECT must name the test ZooKeeper (the test runner sets it)');
  return value;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await sleep(25);
  }
}

function bytes(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

describe('znode data in the editor', function () {
  this.timeout(30000);
  const stamp = Date.now();
  const name = `fs-${stamp}`;
  const readOnlyName = `fs-ro-${stamp}`;
  /** A node directly under "/" for one test; what a test makes lives below it (deleted in after()). */
  const top = (label: string): string => `/fs-test-${stamp}-${label}`;
  const created: string[] = [];
  let other: ZkClient;
  let extensionSession: string;

  const zk = (path: string, query = ''): vscode.Uri => vscode.Uri.from({ scheme: 'zk', authority: name, path, query });

  async function node(path: string, data: Uint8Array | string = '', mode: 'persistent' | 'ephemeral' = 'persistent', client = other): Promise<string> {
    await client.create(path, typeof data === 'string' ? bytes(data) : data, { mode });
    if (!path.slice(1).includes('/')) created.push(path);
    return path;
  }

  async function replaceAll(document: vscode.TextDocument, text: string): Promise<void> {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), text);
    assert.ok(await vscode.workspace.applyEdit(edit), 'edit applied');
  }

  /** Makes the document dirty without changing its text: a save then writes exactly what the editor holds. */
  async function touch(document: vscode.TextDocument): Promise<void> {
    const insert = new vscode.WorkspaceEdit();
    insert.insert(document.uri, new vscode.Position(0, 0), 'x');
    assert.ok(await vscode.workspace.applyEdit(insert));
    const remove = new vscode.WorkspaceEdit();
    remove.delete(document.uri, new vscode.Range(0, 0, 0, 1));
    assert.ok(await vscode.workspace.applyEdit(remove));
    assert.ok(document.isDirty, 'the document is dirty');
  }

  async function openNode(path: string): Promise<{ result: OpenNodeResult; document: vscode.TextDocument }> {
    const result = await vscode.commands.executeCommand<OpenNodeResult>(COMMANDS.openNode, { connection: name, path });
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(result.uri));
    return { result, document };
  }

  /**
   * Opens a document without an editor. Showing an editor makes VS Code check, asynchronously, whether the
   * file is newer and reload a clean document; a change made by "another program" right after opening
   * could then land before or after that check. Editing starts from what the document holds either way.
   */
  async function openForEdit(path: string): Promise<vscode.TextDocument> {
    return vscode.workspace.openTextDocument(zk(path, 'view=text'));
  }

  /**
   * Saves a document whose node moved on: the save waits for the answer to the conflict's question (one
   * notification, no VS Code "Failed to save"), so this returns once the question is asked, with the
   * pending save (true when it ends written or discarded, false when it fails).
   */
  async function saveIntoConflict(document: vscode.TextDocument): Promise<{ saving: Thenable<boolean> }> {
    const saving = document.save();
    let settled = false;
    void saving.then(() => (settled = true), () => (settled = true));
    await eventually(() => pendingConflict(document.uri) !== undefined || settled, 'the save asks what to do', 15000);
    assert.ok(pendingConflict(document.uri), 'the save waits for an answer instead of failing');
    return { saving };
  }

  function diffTabsOf(snapshotUri: string): vscode.Tab[] {
    return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.original.toString() === snapshotUri);
  }

  async function rejection(promise: Thenable<unknown>): Promise<Error> {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof Error, 'rejects with an Error');
      return error;
    }
    return assert.fail('expected a rejection');
  }

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    await vscode.commands.executeCommand(COMMANDS.addConnection, { name, connectString: connectString() });
    await vscode.commands.executeCommand(COMMANDS.addConnection, { name: readOnlyName, connectString: connectString(), readOnly: true });
    const connected = await vscode.commands.executeCommand<{ sessionId: string }>(COMMANDS.connect, { connection: name });
    extensionSession = connected.sessionId;
    other = await ZkClient.connect({ connectString: connectString() });
  });

  afterEach(async () => {
    // Leave no unsaved editors behind (closing them would ask), then close everything.
    for (const document of vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'zk' && d.isDirty)) {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.files.revert').then(undefined, () => undefined);
      if (document.isDirty) await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor').then(undefined, () => undefined);
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    for (const path of created) await deleteTree(other, path).catch(() => undefined);
    await other?.close();
    for (const connection of [name, readOnlyName]) {
      await vscode.commands.executeCommand(COMMANDS.removeConnection, { connection }).then(undefined, () => undefined);
    }
  });

  describe('through vscode.workspace.fs, at any depth (the znode address: file and directory)', () => {
    // Another extension, a task or a keybinding sees only vscode.workspace.fs: everything here goes through it,
    // on nodes two and three levels down (VS Code's extension host stats every parent of a written uri and
    // wants it to be a directory; that is what once made every write below the top level fail).
    const NODE = vscode.FileType.File | vscode.FileType.Directory;
    const fsError = (error: Error, code: string): void => assert.ok(error instanceof vscode.FileSystemError && error.code === code, `${code}: ${String(error)}`);

    it('stat, readFile and readDirectory: every znode is a file and a directory', async () => {
      const parent = await node(`${await node(top('read'))}/app`);
      const path = await node(`${parent}/cfg`, '{"a":1}');
      await node(`${path}/b`);
      await node(`${path}/a`);
      const { stat } = await other.get(path);
      const fileStat = await vscode.workspace.fs.stat(zk(path));
      assert.equal(fileStat.type, NODE);
      assert.equal(fileStat.size, 7);
      assert.equal(fileStat.mtime, stat.mtime);
      assert.equal(fileStat.ctime, stat.ctime);
      assert.equal(fileStat.permissions, undefined, 'writable');
      assert.equal((await vscode.workspace.fs.stat(zk(`${path}/a`))).type, NODE, 'a leaf is a directory too: it may get children');
      assert.equal((await vscode.workspace.fs.stat(zk('/'))).type, NODE);
      assert.equal((await vscode.workspace.fs.stat(zk(path, 'view=text'))).type, vscode.FileType.File, "an editor's document of the data is a file only");
      assert.equal(Buffer.from(await vscode.workspace.fs.readFile(zk(path))).toString(), '{"a":1}');
      assert.deepEqual(await vscode.workspace.fs.readDirectory(zk(path)), [
        ['a', NODE],
        ['b', NODE],
      ]);
      assert.deepEqual(await vscode.workspace.fs.readDirectory(zk(`${path}/a`)), []);
      const missing = await rejection(vscode.workspace.fs.stat(zk(`${path}/nope`)));
      fsError(missing, 'FileNotFound');
      assert.match(missing.message, /does not exist/);
      fsError(await rejection(vscode.workspace.fs.readFile(zk(`${path}/nope`))), 'FileNotFound');
      fsError(await rejection(vscode.workspace.fs.readDirectory(zk(`${path}/nope`))), 'FileNotFound');
    });

    it('stat follows every change of the data (size, text or binary) and of the ACL', async () => {
      // stat() reuses what it learned from the data while the node is unchanged: none of this may be missed.
      const path = await node(`${await node(top('stat-follows'))}/n`, 'text');
      const raw = zk(path);
      const text = zk(path, 'view=text');
      const hex = zk(path, 'encoding=hex');
      const stats = async (): Promise<[vscode.FileStat, vscode.FileStat, vscode.FileStat]> => [
        await vscode.workspace.fs.stat(raw),
        await vscode.workspace.fs.stat(text),
        await vscode.workspace.fs.stat(hex),
      ];
      for (let i = 0; i < 2; i++) {
        const [rawStat, textStat, hexStat] = await stats();
        assert.equal(rawStat.size, 4);
        assert.equal(textStat.size, 4);
        assert.equal(textStat.permissions, undefined);
        assert.equal(hexStat.size, '74 65 78 74\n'.length);
      }

      await other.set(path, Buffer.from([0, 1, 2, 3]));
      let [rawStat, textStat, hexStat] = await stats();
      assert.equal(textStat.size, 4, 'the same size');
      assert.equal(textStat.permissions, vscode.FilePermission.Readonly, 'binary now, so its text document is read-only');
      assert.equal(rawStat.permissions, undefined, 'the znode itself takes any bytes');
      assert.equal(rawStat.mtime, (await other.exists(path))!.mtime);
      assert.equal(textStat.mtime, rawStat.mtime);
      assert.equal(hexStat.permissions, undefined, 'hex stays editable');

      await other.set(path, bytes('eleven char'));
      [rawStat, textStat, hexStat] = await stats();
      assert.equal(rawStat.size, 11);
      assert.equal(textStat.size, 11);
      assert.equal(textStat.permissions, undefined, 'text again');
      assert.equal(hexStat.size, '65 6c 65 76 65 6e 20 63  68 61 72\n'.length);

      await other.setACL(path, [{ perms: Perm.all & ~Perm.read, id: { scheme: 'world', id: 'anyone' } }]);
      try {
        for (const uri of [text, hex]) fsError(await rejection(vscode.workspace.fs.stat(uri)), 'NoPermissions');
        fsError(await rejection(vscode.workspace.fs.readFile(raw)), 'NoPermissions');
      } finally {
        await other.setACL(path, [{ perms: Perm.all, id: { scheme: 'world', id: 'anyone' } }]);
      }
      assert.equal((await vscode.workspace.fs.stat(text)).size, 11);
    });

    it('writeFile of an existing nested node saves with the version that was read and refuses a stale write', async () => {
      const path = await node(`${await node(`${await node(top('write'))}/hidden`)}/cfg`, 'one');
      await vscode.workspace.fs.readFile(zk(path));
      await vscode.workspace.fs.writeFile(zk(path), bytes('two'));
      let server = await other.get(path);
      assert.equal(server.data.toString(), 'two');
      assert.equal(server.stat.version, 1);
      await vscode.workspace.fs.writeFile(zk(path), bytes('three'));
      assert.equal((await other.get(path)).stat.version, 2, 'the next write builds on the version written');

      await other.set(path, bytes('from another program'));
      const error = await rejection(vscode.workspace.fs.writeFile(zk(path), bytes('four')));
      assert.match(error.message, /changed on the server since you opened it \(your version 2, the server's version 3\)/);
      server = await other.get(path);
      assert.equal(server.data.toString(), 'from another program', 'nothing was overwritten');

      // Deleted and created again by someone else: a different node, refused too.
      await vscode.workspace.fs.readFile(zk(path));
      await other.delete(path);
      await other.create(path, bytes('reborn'));
      const recreated = await rejection(vscode.workspace.fs.writeFile(zk(path), bytes('five')));
      assert.match(recreated.message, /deleted and created again by another client/);
      assert.equal((await other.get(path)).data.toString(), 'reborn');
    });

    it('writeFile creates a node under an existing parent, and missing parents like mkdir -p; bytes round-trip', async () => {
      const parent = await node(`${await node(top('create'))}/app`);
      const created = `${parent}/new-node`;
      await vscode.workspace.fs.writeFile(zk(created), ALL_BYTES);
      const server = await other.get(created);
      assert.deepEqual(server.data, ALL_BYTES, 'every byte value as given');
      assert.equal(server.stat.ephemeralOwner, 0n, 'persistent');
      assert.deepEqual(Buffer.from(await vscode.workspace.fs.readFile(zk(created))), ALL_BYTES);

      const deep = `${parent}/x/y/z`;
      await vscode.workspace.fs.writeFile(zk(deep), bytes('deep'));
      assert.equal((await other.get(deep)).data.toString(), 'deep');
      assert.equal((await other.get(`${parent}/x`)).data.length, 0, 'a missing parent is created empty');

      // Read, then deleted by another program: the write is refused once (nobody re-creates it unknowingly) …
      await vscode.workspace.fs.readFile(zk(created));
      await other.delete(created);
      const gone = await rejection(vscode.workspace.fs.writeFile(zk(created), bytes('again')));
      fsError(gone, 'FileNotFound');
      assert.match(gone.message, /deleted on the server after you read it/);
      assert.equal(await other.exists(created), undefined);
      // … and the next write creates it anew, as the message said.
      await vscode.workspace.fs.writeFile(zk(created), bytes('again'));
      assert.equal((await other.get(created)).data.toString(), 'again');

      const invalid = await rejection(vscode.workspace.fs.writeFile(zk(`${parent}/bad\u0001name`), bytes('x')));
      assert.match(invalid.message, /character|not allowed|invalid/i);
    });

    it('createDirectory makes an empty persistent node; an existing one is left as it is', async () => {
      const parent = await node(`${await node(top('mkdir'))}/app`);
      await vscode.workspace.fs.createDirectory(zk(`${parent}/dir`));
      const made = await other.get(`${parent}/dir`);
      assert.equal(made.data.length, 0);
      assert.equal(made.stat.ephemeralOwner, 0n);
      await vscode.workspace.fs.createDirectory(zk(`${parent}/a/b/c`));
      assert.ok(await other.exists(`${parent}/a/b/c`), 'missing parents made too');
      await other.set(parent, bytes('keep'));
      await vscode.workspace.fs.createDirectory(zk(parent));
      assert.equal((await other.get(parent)).data.toString(), 'keep', 'an existing node is not touched');
    });

    it('refuses data over jute.maxbuffer before sending it', async () => {
      const path = await node(`${await node(top('big'))}/n`, 'small');
      await vscode.workspace.fs.readFile(zk(path));
      const error = await rejection(vscode.workspace.fs.writeFile(zk(path), Buffer.alloc(1024 * 1024 + 100, 0x61)));
      assert.match(error.message, /jute\.maxbuffer/);
      assert.match(error.message, /1\.00 MiB \(1048676 bytes\)/);
      const server = await other.get(path);
      assert.equal(server.data.toString(), 'small');
      assert.equal(server.stat.version, 0);
      const tooBigNew = await rejection(vscode.workspace.fs.writeFile(zk(`${path}/new`), Buffer.alloc(1024 * 1024 + 100, 0x61)));
      assert.match(tooBigNew.message, /jute\.maxbuffer/);
      assert.equal(await other.exists(`${path}/new`), undefined);
    });

    it('deletes nested nodes, a subtree only when asked; never / or /zookeeper', async () => {
      const root = await node(top('delete'));
      const leaf = await node(`${root}/leaf`);
      await vscode.workspace.fs.delete(zk(leaf));
      assert.equal(await other.exists(leaf), undefined);

      const parent = await node(`${root}/parent`);
      await node(`${parent}/child`);
      await node(`${parent}/child/grandchild`);
      const notEmpty = await rejection(vscode.workspace.fs.delete(zk(parent)));
      assert.match(notEmpty.message, /still has children/);
      assert.ok(await other.exists(`${parent}/child/grandchild`), 'nothing deleted');
      await vscode.workspace.fs.delete(zk(parent), { recursive: true });
      assert.equal(await other.exists(parent), undefined);
      fsError(await rejection(vscode.workspace.fs.delete(zk(parent))), 'FileNotFound');
      for (const path of ['/', '/zookeeper']) {
        const refused = await rejection(vscode.workspace.fs.delete(zk(path), { recursive: true }));
        fsError(refused, 'NoPermissions');
      }
      assert.ok(await other.exists('/zookeeper'));
    });

    it('rename moves a subtree with its data and ACLs in one atomic batch', async () => {
      const root = await node(top('rename'));
      const source = await node(`${root}/from`, 'parent data');
      await node(`${source}/child`, ALL_BYTES);
      await node(`${source}/child/grandchild`, 'gc');
      const acl = [{ perms: Perm.read | Perm.write | Perm.create | Perm.delete, id: { scheme: 'world', id: 'anyone' } }];
      await other.setACL(`${source}/child`, acl);
      await node(`${root}/to`);

      await vscode.workspace.fs.rename(zk(source), zk(`${root}/to/moved`));
      assert.equal(await other.exists(source), undefined, 'the source is gone');
      assert.equal((await other.get(`${root}/to/moved`)).data.toString(), 'parent data');
      assert.deepEqual((await other.get(`${root}/to/moved/child`)).data, ALL_BYTES);
      assert.equal((await other.get(`${root}/to/moved/child/grandchild`)).data.toString(), 'gc');
      assert.deepEqual((await other.getACL(`${root}/to/moved/child`)).acl, acl, 'the ACL came along');

      // An existing target is never replaced (VS Code would delete it first on overwrite; we refuse instead).
      await node(`${root}/other`, 'mine');
      const exists = await rejection(vscode.workspace.fs.rename(zk(`${root}/other`), zk(`${root}/to/moved`)));
      fsError(exists, 'FileExists');
      assert.equal((await other.get(`${root}/other`)).data.toString(), 'mine');

      const into = await rejection(vscode.workspace.fs.rename(zk(`${root}/to`), zk(`${root}/to/moved/inside`)));
      assert.match(into.message, /inside|parent/i);
      assert.ok(await other.exists(`${root}/to/moved`), 'nothing moved');
    });

    it('rename refuses what it cannot carry over: ephemerals, sequential children, another connection', async () => {
      const root = await node(top('rename-refused'));
      const withEphemeral = await node(`${root}/services`);
      await other.create(`${withEphemeral}/instance`, bytes('up'), { mode: 'ephemeral' });
      const ephemeral = await rejection(vscode.workspace.fs.rename(zk(withEphemeral), zk(`${root}/moved-services`)));
      assert.match(ephemeral.message, /ephemeral node, owned by the session/);
      assert.ok(await other.exists(`${withEphemeral}/instance`));
      assert.equal(await other.exists(`${root}/moved-services`), undefined, 'nothing created');

      const queue = await node(`${root}/queue`);
      await other.create(`${queue}/item-`, bytes('job'), { mode: 'persistentSequential' });
      const sequential = await rejection(vscode.workspace.fs.rename(zk(queue), zk(`${root}/moved-queue`)));
      assert.match(sequential.message, /sequence suffix/);
      assert.equal(await other.exists(`${root}/moved-queue`), undefined);

      const plain = await node(`${root}/plain`, 'p');
      const across = await rejection(vscode.workspace.fs.rename(zk(plain), vscode.Uri.from({ scheme: 'zk', authority: readOnlyName, path: `${root}/plain2` })));
      assert.match(across.message, /inside one connection/);
      assert.ok(await other.exists(plain));
    });

    it("copy keeps the node's own data as well as its children", async () => {
      const root = await node(top('copy'));
      const source = await node(`${root}/src`, 'own data');
      await node(`${source}/c`, 'child data');
      await vscode.workspace.fs.copy(zk(source), zk(`${root}/dst`));
      assert.equal((await other.get(`${root}/dst`)).data.toString(), 'own data');
      assert.equal((await other.get(`${root}/dst/c`)).data.toString(), 'child data');
      assert.equal((await other.get(source)).data.toString(), 'own data', 'the source stays');
    });

    it('a read-only connection reports read-only nodes and refuses every write at any depth', async () => {
      const parent = await node(`${await node(top('readonly'))}/app`);
      const path = await node(`${parent}/cfg`, 'keep');
      const ro = (p: string, query = ''): vscode.Uri => vscode.Uri.from({ scheme: 'zk', authority: readOnlyName, path: p, query });
      assert.equal((await vscode.workspace.fs.stat(ro(path))).permissions, vscode.FilePermission.Readonly);
      assert.equal((await vscode.workspace.fs.stat(ro(path, 'encoding=base64'))).permissions, vscode.FilePermission.Readonly);
      await vscode.workspace.fs.readFile(ro(path));
      for (const [label, attempt] of [
        ['write', () => vscode.workspace.fs.writeFile(ro(path), bytes('changed'))],
        ['create', () => vscode.workspace.fs.writeFile(ro(`${parent}/new`), bytes('x'))],
        ['createDirectory', () => vscode.workspace.fs.createDirectory(ro(`${parent}/dir`))],
        ['delete', () => vscode.workspace.fs.delete(ro(path))],
        ['rename', () => vscode.workspace.fs.rename(ro(path), ro(`${parent}/renamed`))],
      ] as const) {
        const error = await rejection(attempt());
        fsError(error, 'NoPermissions');
        assert.match(error.message, new RegExp(`the connection "${readOnlyName}" is read-only`), label);
      }
      assert.equal((await other.get(path)).data.toString(), 'keep');
      assert.deepEqual((await other.getChildren(parent)).children, ['cfg'], 'nothing created or moved');

      const { document } = await vscode.commands
        .executeCommand<OpenNodeResult>(COMMANDS.openNode, { connection: readOnlyName, path })
        .then(async (r) => ({ document: await vscode.workspace.openTextDocument(vscode.Uri.parse(r.uri)) }));
      assert.equal(document.getText(), 'keep');
    });

    it('Open Node Data shows the exact bytes in the active editor, then gives it the language its data reads as', async () => {
      const text = '{\n  "flags": { "beta": true },\n  "n": 1\n}\n';
      const path = await node(`${await node(top('open'))}/doc.json-like`, text);
      const result = await vscode.commands.executeCommand<OpenNodeResult>(COMMANDS.openNode, { connection: name, path });
      // The editor is shown before its language is set: by the time the command returns, both are there.
      const editor = vscode.window.activeTextEditor;
      assert.equal(editor?.document.uri.toString(), result.uri);
      assert.equal(editor.document.getText(), text);
      assert.equal(editor.document.languageId, 'json');
      assert.equal(result.language, 'json');
      assert.equal(result.binary, false);
    });

    it('the znode address cannot open in an editor by mistake; documents are ?view=text, listing them is refused', async () => {
      const path = await node(`${await node(top('views'))}/n`, 'x');
      const listing = await rejection(vscode.workspace.fs.readDirectory(zk(path, 'view=text')));
      fsError(listing, 'FileNotADirectory');
      const deleteDocument = await rejection(vscode.workspace.fs.delete(zk(path, 'view=text'), { recursive: true }));
      fsError(deleteDocument, 'NoPermissions');
      assert.ok(await other.exists(path), 'deleting a document of the data does not delete the node');
      const { result } = await openNode(path);
      assert.equal(vscode.Uri.parse(result.uri).query, 'view=text', 'editors open the data document');
      // VS Code itself refuses to open a directory as text; the address for that is ?view=text.
      const asText = await rejection(vscode.workspace.openTextDocument(zk(path)));
      assert.match(asText.message, /directory/i);
      const bad = await rejection(vscode.workspace.fs.stat(zk(path, 'view=nonsense')));
      assert.match(bad.message, /not a view of znode data/);
    });
  });

  describe('saving documents', () => {
    it('save is a setData with the version that was read; later saves use the version saved', async () => {
      const path = await node(`${await node(top('docs'))}/config`, 'a=1\nb=2\n');
      const { result, document } = await openNode(path);
      assert.equal(result.binary, false);
      assert.equal(result.version, 0);
      assert.equal(result.language, 'properties');
      await replaceAll(document, 'a=1\nb=3\n');
      assert.equal(await document.save(), true);
      assert.equal(document.isDirty, false);
      let server = await other.get(path);
      assert.equal(server.data.toString(), 'a=1\nb=3\n');
      assert.equal(server.stat.version, 1);
      await replaceAll(document, 'a=2\nb=3\n');
      assert.equal(await document.save(), true);
      server = await other.get(path);
      assert.equal(server.data.toString(), 'a=2\nb=3\n');
      assert.equal(server.stat.version, 2);
    });

    it('a node changed by another program fails the save, overwrites nothing, and offers compare and overwrite', async () => {
      const path = await node(top('conflict'), '{"port": 1}');
      // setTextDocumentLanguage closes and reopens the document in the extension host: the version it holds must survive.
      const document = await vscode.languages.setTextDocumentLanguage(await openForEdit(path), 'json');
      await other.set(path, bytes('{"port": 2, "host": "b"}'));
      await replaceAll(document, '{"port": 3}');
      const { saving } = await saveIntoConflict(document);
      assert.equal(document.isDirty, true, 'nothing typed is lost');
      assert.equal((await other.get(path)).data.toString(), '{"port": 2, "host": "b"}', 'nothing was overwritten');

      const conflict = pendingConflict(document.uri);
      assert.ok(conflict, 'a conflict waits for a choice');
      assert.equal(conflict.kind, 'changed');
      assert.equal(conflict.yourVersion, 0);
      assert.equal(conflict.serverVersion, 1);
      assert.match(conflict.message, /your version 0, the server's version 1/);

      const compared = await resolveConflict(document.uri, 'compare');
      assert.equal(compared.compared, conflict.snapshotUri);
      const snapshotUri = vscode.Uri.parse(conflict.snapshotUri!);
      const snapshot = await vscode.workspace.openTextDocument(snapshotUri);
      assert.equal(snapshot.getText(), '{"port": 2, "host": "b"}', 'the diff shows the server\'s data');
      assert.equal(snapshot.languageId, 'json');
      assert.equal((await vscode.workspace.fs.stat(snapshotUri)).permissions, vscode.FilePermission.Readonly);
      assert.equal(diffTabsOf(snapshotUri.toString()).length, 1, 'a diff editor is open');
      assert.ok(pendingConflict(document.uri), 'compare leaves the choice open');

      const overwritten = await resolveConflict(document.uri, 'overwrite');
      assert.equal(overwritten.saved, true);
      assert.equal(await saving, true, 'the save that asked ends written, with no error for VS Code to show');
      assert.equal(document.isDirty, false);
      assert.equal(diffTabsOf(snapshotUri.toString()).length, 0, 'the diff against the server\'s old version 1 is closed: it no longer says anything true');
      const server = await other.get(path);
      assert.equal(server.data.toString(), '{"port": 3}');
      assert.equal(server.stat.version, 2);
      assert.equal(pendingConflict(document.uri), undefined);
    });

    it('overwrite is still conditional: a node that changed yet again asks again', async () => {
      const path = await node(top('again'), 'v0');
      const document = await openForEdit(path);
      await other.set(path, bytes('v1'));
      await replaceAll(document, 'mine');
      const { saving } = await saveIntoConflict(document);
      await other.set(path, bytes('v2'));
      const first = await resolveConflict(document.uri, 'overwrite');
      assert.equal(first.saved, false);
      assert.equal((await other.get(path)).data.toString(), 'v2');
      assert.equal(pendingConflict(document.uri)?.serverVersion, 2);
      const second = await resolveConflict(document.uri, 'overwrite');
      assert.equal(second.saved, true);
      assert.equal(await saving, true, 'one save, asked twice');
      assert.equal((await other.get(path)).data.toString(), 'mine');
    });

    it('VS Code\'s own mtime check: a later, longer change and a same-size change both end in the conflict flow', async () => {
      // VS Code refuses a save by itself only when the mtime grew AND the size changed; a same-size change
      // slips through its check. While a document is dirty the provider reports the mtime it was read at,
      // so both reach writeFile and the conditional setData, and neither overwrites anything.
      for (const [label, change] of [
        ['longer', 'a much longer value than before'],
        ['same-size', 'v9'],
      ] as const) {
        const path = await node(top(`mtime-${label}`), 'v0');
        const document = await openForEdit(path);
        const opened = await vscode.workspace.fs.stat(document.uri);
        await sleep(5);
        await other.set(path, bytes(change));
        const changed = await other.exists(path);
        assert.ok(changed && changed.mtime > opened.mtime, 'the server mtime grew');
        assert.equal((await vscode.workspace.fs.stat(document.uri)).mtime, changed.mtime, 'a clean document sees the true mtime');
        await replaceAll(document, 'v1');
        assert.equal((await vscode.workspace.fs.stat(document.uri)).mtime, opened.mtime, 'a dirty document sees the mtime it was read at');
        const { saving } = await saveIntoConflict(document);
        assert.equal(pendingConflict(document.uri)?.kind, 'changed', `${label}: our conflict flow, not VS Code's`);
        assert.equal((await other.get(path)).data.toString(), change, `${label}: nothing overwritten`);
        const discarded = await resolveConflict(document.uri, 'discard');
        assert.equal(discarded.reverted, true);
        assert.equal(await saving, true, `${label}: the save ends without an error`);
        assert.equal((await other.get(path)).data.toString(), change, `${label}: discard wrote nothing`);
      }
    });

    it('discard reverts to the server\'s data, and the next save builds on that version', async () => {
      const path = await node(top('discard'), 'original');
      const document = await openForEdit(path);
      await other.set(path, bytes('theirs'));
      await replaceAll(document, 'mine');
      const { saving } = await saveIntoConflict(document);
      const outcome = await resolveConflict(document.uri, 'discard');
      assert.equal(outcome.reverted, true);
      assert.equal(await saving, true, 'no error for VS Code to show');
      assert.equal((await other.get(path)).stat.version, 1, 'nothing was written');
      assert.equal(document.getText(), 'theirs');
      assert.equal(document.isDirty, false);
      assert.equal(pendingConflict(document.uri), undefined);
      await replaceAll(document, 'theirs, then mine');
      assert.equal(await document.save(), true, 'no false conflict after the revert');
      const server = await other.get(path);
      assert.equal(server.data.toString(), 'theirs, then mine');
      assert.equal(server.stat.version, 2);
    });

    it('a node deleted meanwhile offers re-create; cancel keeps the changes unsaved', async () => {
      const parent = await node(top('deleted'));
      const path = await node(`${parent}/gone`, 'before');
      const document = await openForEdit(path);
      await other.delete(path);
      await replaceAll(document, 'after');
      const first = await saveIntoConflict(document);
      const conflict = pendingConflict(document.uri);
      assert.equal(conflict?.kind, 'deleted');
      assert.match(conflict.message, /was deleted on the server/);
      assert.deepEqual(await resolveConflict(document.uri, 'cancel'), { choice: 'cancel' });
      assert.equal(await first.saving, false, 'cancel fails the save');
      assert.equal(document.isDirty, true);
      assert.equal(await other.exists(path), undefined);

      const again = await saveIntoConflict(document); // asks again
      const outcome = await resolveConflict(document.uri, 'recreate');
      assert.equal(outcome.saved, true);
      assert.equal(await again.saving, true);
      assert.equal(document.isDirty, false);
      const server = await other.get(path);
      assert.equal(server.data.toString(), 'after');
      assert.equal(server.stat.ephemeralOwner, 0n, 'persistent, as it was');
    });

    it('an ephemeral node deleted meanwhile is re-created as ephemeral, owned by the extension\'s session', async () => {
      const parent = await node(top('ephemeral'));
      const owner = await ZkClient.connect({ connectString: connectString() });
      const path = await node(`${parent}/lock`, 'holder-1', 'ephemeral', owner);
      const document = await openForEdit(path);
      await owner.close(); // its session ends: the node goes
      await eventually(async () => (await other.exists(path)) === undefined, 'the ephemeral node is gone');
      await replaceAll(document, 'holder-2');
      const { saving } = await saveIntoConflict(document);
      assert.equal(pendingConflict(document.uri)?.ephemeral, true);
      assert.equal((await resolveConflict(document.uri, 'recreate')).saved, true);
      assert.equal(await saving, true);
      const server = await other.get(path);
      assert.equal(server.data.toString(), 'holder-2');
      assert.equal(`0x${server.stat.ephemeralOwner.toString(16).padStart(16, '0')}`, extensionSession);
    });
  });

  describe('bytes', () => {
    it('binary data opens in a read-only hex view; ?encoding=hex round-trips all 256 byte values', async () => {
      const path = await node(top('binary'), ALL_BYTES);
      const { result, document } = await openNode(path);
      assert.equal(result.binary, true);
      assert.match(result.reason ?? '', /not valid UTF-8/);
      assert.equal(document.uri.query, 'view=hex');
      assert.equal(document.getText(), `${hexDump(ALL_BYTES)}\n`);
      assert.equal((await vscode.workspace.fs.stat(document.uri)).permissions, vscode.FilePermission.Readonly);
      assert.equal((await vscode.workspace.fs.stat(zk(path, 'view=text'))).permissions, vscode.FilePermission.Readonly, 'the text document of binary data is read-only too');
      assert.equal((await vscode.workspace.fs.stat(zk(path))).permissions, undefined, 'the znode itself takes any bytes through workspace.fs');
      const refused = await rejection(vscode.workspace.fs.writeFile(document.uri, bytes('00')));
      assert.ok(refused instanceof vscode.FileSystemError && refused.code === 'NoPermissions', String(refused));

      const { uri } = await vscode.commands.executeCommand<{ uri: string }>(COMMANDS.editAsHex, { connection: name, path });
      const hex = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
      assert.deepEqual(Buffer.from(parseHex(hex.getText())), ALL_BYTES);
      await touch(hex);
      assert.equal(await hex.save(), true);
      let server = await other.get(path);
      assert.deepEqual(server.data, ALL_BYTES, 'an unchanged save keeps every byte');
      assert.equal(server.stat.version, 0, 'and writes nothing (the hex parsed back to exactly the bytes read)');

      const reversed = Buffer.from(ALL_BYTES).reverse();
      await replaceAll(hex, reversed.toString('hex').toUpperCase());
      assert.equal(await hex.save(), true);
      server = await other.get(path);
      assert.deepEqual(server.data, reversed);
      await eventually(() => document.getText() === `${hexDump(reversed)}\n`, 'the open hex view follows the save');
    });

    it('?encoding=base64 round-trips all 256 byte values', async () => {
      const parent = await node(top('base64'));
      const path = await node(`${parent}/all-bytes`, ALL_BYTES);
      const { uri } = await vscode.commands.executeCommand<{ uri: string }>(COMMANDS.editAsBase64, { connection: name, path });
      const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
      assert.equal(document.getText().replace(/\s/g, ''), toBase64(ALL_BYTES));
      await touch(document);
      assert.equal(await document.save(), true);
      let server = await other.get(path);
      assert.deepEqual(server.data, ALL_BYTES);
      assert.equal(server.stat.version, 0, 'an unchanged save writes nothing (the base64 parsed back to exactly the bytes read)');
      const changed = Buffer.concat([ALL_BYTES, Buffer.from([0, 0xff])]);
      await replaceAll(document, toBase64(changed));
      assert.equal(await document.save(), true);
      server = await other.get(path);
      assert.deepEqual(server.data, changed);
    });

    it('bad hex or base64 fails the save with its position and writes nothing', async () => {
      const path = await node(top('badhex'), Buffer.from([1, 2, 3]));
      await vscode.workspace.fs.readFile(zk(path, 'encoding=hex'));
      const hexError = await rejection(vscode.workspace.fs.writeFile(zk(path, 'encoding=hex'), bytes('01 02\n0g')));
      assert.match(hexError.message, /"g" at line 2, column 2 is not a hex digit.*Nothing was written/);
      await vscode.workspace.fs.readFile(zk(path, 'encoding=base64'));
      const base64Error = await rejection(vscode.workspace.fs.writeFile(zk(path, 'encoding=base64'), bytes('AQID-A==')));
      assert.match(base64Error.message, /line 1, column 5 is not a base64 character/);
      const server = await other.get(path);
      assert.deepEqual(server.data, Buffer.from([1, 2, 3]));
      assert.equal(server.stat.version, 0);

      const { uri } = await vscode.commands.executeCommand<{ uri: string }>(COMMANDS.editAsHex, { connection: name, path });
      const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
      await replaceAll(document, 'zz');
      assert.equal(await document.save(), false);
      assert.equal((await other.get(path)).stat.version, 0);
    });

    it('an unchanged save keeps every byte: CRLF, a UTF-8 BOM, no final newline, compact JSON', async () => {
      const parent = await node(top('bytes'));
      const samples: [string, Buffer][] = [
        ['crlf', bytes('first\r\nsecond\r\nthird')],
        ['bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes('{"key": "value"}\n')])],
        ['no-final-newline', bytes('line one\nline two')],
        ['compact-json', bytes('{"a":[1,2,{"b":null}],"c":"\u00e9\u4e2d"}')],
        ['empty', Buffer.alloc(0)],
      ];
      for (const [label, data] of samples) {
        const path = await node(`${parent}/${label}`, data);
        const { result, document } = await openNode(path);
        assert.equal(result.binary, false, `${label} opens as text`);
        if (label === 'empty') {
          await replaceAll(document, 'x');
          await replaceAll(document, '');
        } else {
          await touch(document);
        }
        assert.equal(await document.save(), true, `${label} saves`);
        const server = await other.get(path);
        assert.deepEqual(server.data, data, `${label}: every byte kept`);
        assert.equal(server.stat.version, 0, `${label}: nothing written (the editor's bytes were exactly the server's)`);
      }

      // An edit on one CRLF line leaves the other line breaks as they were.
      const crlf = `${parent}/crlf`;
      const document = await vscode.workspace.openTextDocument(zk(crlf, 'view=text'));
      const edit = new vscode.WorkspaceEdit();
      edit.replace(document.uri, new vscode.Range(1, 0, 1, 6), 'SECOND');
      await vscode.workspace.applyEdit(edit);
      assert.equal(await document.save(), true);
      assert.equal((await other.get(crlf)).data.toString(), 'first\r\nSECOND\r\nthird');
    });

    it('mixed line endings, a lone CR and invalid UTF-8 open in the read-only hex view', async () => {
      const parent = await node(top('unsafe'));
      for (const [label, data, reason] of [
        ['mixed', bytes('a\r\nb\nc'), /mixed line endings/],
        ['lone-cr', bytes('a\rb'), /carriage return/],
        ['latin1', Buffer.from([0x63, 0x61, 0x66, 0xe9]), /not valid UTF-8/],
      ] as const) {
        const path = await node(`${parent}/${label}`, data);
        const { result } = await openNode(path);
        assert.equal(result.binary, true, label);
        assert.match(result.reason ?? '', reason);
        assert.equal((await vscode.workspace.fs.stat(zk(path, 'view=text'))).permissions, vscode.FilePermission.Readonly, `${label}: text document read-only`);
        assert.deepEqual(Buffer.from(await vscode.workspace.fs.readFile(zk(path))), data, `${label}: raw bytes still readable`);
      }
    });
  });

  describe('stat and ACL documents', () => {
    it('showStat returns every field of the stat and opens a readable document', async () => {
      const path = await node(top('stat'), 'twelve bytes');
      await node(`${path}/child`);
      const stat = await vscode.commands.executeCommand<ReturnType<typeof toPlainStat>>(COMMANDS.showStat, { connection: name, path });
      assert.deepEqual(stat, toPlainStat((await other.exists(path))!));
      assert.equal(stat.dataLength, 12);
      assert.equal(stat.numChildren, 1);
      assert.match(stat.czxid, /^0x[0-9a-f]{16}$/);
      const editor = vscode.window.activeTextEditor;
      assert.equal(editor?.document.uri.scheme, 'zk-info');
      const text = editor.document.getText();
      for (const field of ['czxid', 'mzxid', 'pzxid', 'ctime', 'mtime', 'version', 'cversion', 'aversion', 'ephemeralOwner', 'dataLength', 'numChildren']) {
        assert.match(text, new RegExp(`^${field} `, 'm'), field);
      }
      assert.match(text, /not ephemeral/);
      assert.match(text, / UTC/);
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand(COMMANDS.showStat, { connection: name, path: `${path}/nope` })), /does not exist/);
    });

    it('showAcl returns scheme, id and cdrwa letters, and the aversion', async () => {
      const path = await node(top('acl'));
      let acl = await vscode.commands.executeCommand<AclResult>(COMMANDS.showAcl, { connection: name, path });
      assert.deepEqual(acl, { acl: [{ scheme: 'world', id: 'anyone', perms: 'cdrwa' }], aversion: 0 });
      await other.setACL(path, [
        { perms: Perm.read, id: { scheme: 'world', id: 'anyone' } },
        { perms: Perm.all, id: { scheme: 'digest', id: digestId('alice', 'secret') } },
        { perms: Perm.read | Perm.write, id: { scheme: 'ip', id: '127.0.0.1' } },
      ]);
      acl = await vscode.commands.executeCommand<AclResult>(COMMANDS.showAcl, { connection: name, path });
      assert.deepEqual(acl, {
        acl: [
          { scheme: 'world', id: 'anyone', perms: 'r' },
          // ZooKeeper hides digest hashes from sessions without ADMIN on the node (this one has only world:anyone:r).
          { scheme: 'digest', id: 'alice:x', perms: 'cdrwa' },
          { scheme: 'ip', id: '127.0.0.1', perms: 'rw' },
        ],
        aversion: 1,
      });
      const text = vscode.window.activeTextEditor?.document.getText() ?? '';
      assert.match(text, /^world:anyone:r$/m);
      assert.match(text, /^digest:alice:x:cdrwa$/m);
      assert.match(text, /digest user "alice" \(password hash hidden/);
      assert.match(text, /^ip:127\.0\.0\.1:rw$/m);
    });
  });
  describe('tabs and nodes deleted on the server', () => {
    function tabOf(uri: vscode.Uri): vscode.Tab | undefined {
      return vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString());
    }

    it('the hex dump, the editable hex and the base64 of one node have tabs of their own names', async () => {
      const path = await node(top('tabs'), ALL_BYTES);
      const leaf = path.split('/').pop()!;
      const { result } = await openNode(path);
      assert.equal(result.binary, true);
      const hexDumpUri = vscode.Uri.parse(result.uri);
      const { uri: hexUri } = await vscode.commands.executeCommand<{ uri: string }>(COMMANDS.editAsHex, { connection: name, path });
      const { uri: base64Uri } = await vscode.commands.executeCommand<{ uri: string }>(COMMANDS.editAsBase64, { connection: name, path });
      const labels = [hexDumpUri, vscode.Uri.parse(hexUri), vscode.Uri.parse(base64Uri)].map((uri) => tabOf(uri)?.label);
      assert.deepEqual(labels, [`${leaf} (hex dump)`, `${leaf} (hex)`, `${leaf} (base64)`]);
      // The label is not part of the node's path: the documents read and write the node itself.
      assert.equal(vscode.Uri.parse(hexUri).path, `${path} (hex)`);
      assert.equal(vscode.Uri.parse(hexUri).query, 'encoding=hex');
      const hex = await vscode.workspace.openTextDocument(vscode.Uri.parse(hexUri));
      assert.deepEqual(Buffer.from(parseHex(hex.getText())), ALL_BYTES);
      await replaceAll(hex, '01 02');
      assert.equal(await hex.save(), true);
      assert.deepEqual((await other.get(path)).data, Buffer.from([1, 2]));
      // A uri without the label names the same node's view.
      assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(zk(path, 'encoding=hex'))).trim(), '01 02');
    });

    it('an open document of a node deleted by another client is marked, and the mark goes when the node is back', async () => {
      const path = await node(top('gone'), 'data');
      const { document } = await openNode(path);
      assert.equal(isMarkedDeleted(document.uri), false);
      await other.delete(path);
      await eventually(() => isMarkedDeleted(document.uri), 'the deleted mark', 10000);
      await other.create(path, bytes('again'));
      await eventually(() => !isMarkedDeleted(document.uri), 'the mark gone after the node is created again', 10000);
    });

    it('a node deleted with the Delete command marks its open editors, unsaved changes included', async () => {
      const path = await node(top('deleted-by-command'), 'data');
      const { document } = await openNode(path);
      await replaceAll(document, 'unsaved');
      await vscode.commands.executeCommand(COMMANDS.deleteNode, { connection: name, path });
      await eventually(() => isMarkedDeleted(document.uri), 'the deleted mark', 10000);
      assert.equal(document.isDirty, true, 'the unsaved changes stay');
      assert.equal(document.getText(), 'unsaved');
    });
  });
});
