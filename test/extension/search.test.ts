import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ZooKeeperExplorerApi } from '../../src/extension/extension';
import type { SearchCommandResult } from '../../src/extension/search';
import { SearchMatchItem, SearchNodeItem, describeRun } from '../../src/tree/searchResultsProvider';
import { Perm } from '../../src/zk/acl';
import { ZkClient } from '../../src/zk/client';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';
import { eventually } from '../support/session';

const EXTENSION_ID = 'zookeeper-explorer.zookeeper-explorer';
const text = (s: string): Buffer => Buffer.from(s, 'utf8');

/** Everything here goes through the public contract: command ids as strings and argument objects, as a task or another extension would call them. */
describe('search (zookeeper.search and the Search Results view)', function () {
  this.timeout(60000);
  const stamp = Date.now();
  const name = `search-${stamp}`;
  const base = `/ext-search-${stamp}`;
  const connectString = process.env.ZK_TEST_CONNECT!;
  let api: ZooKeeperExplorerApi;
  let probe: ZkClient;

  before(async () => {
    api = await vscode.extensions.getExtension<ZooKeeperExplorerApi>(EXTENSION_ID)!.activate();
    await vscode.commands.executeCommand('zookeeper.addConnection', { name, connectString });
    probe = await ZkClient.connect({ connectString });
    await probe.create(base);
    await probe.create(`${base}/config`);
    await probe.create(`${base}/config/app.json`, text('{\n  "db": "postgres://db1:5432/app",\n  "timeoutMs": 3000\n}'));
    await probe.create(`${base}/config/billing.json`, text('{\n  "db": "postgres://db2:5432/billing"\n}'));
    await probe.create(`${base}/config/secret`, text('postgres://root@db9'), { acl: [{ perms: Perm.all & ~Perm.read, id: { scheme: 'world', id: 'anyone' } }] });
    await probe.create(`${base}/config/blob`, Buffer.from([0x00, 0xff, 0xca, 0xfe]));
  });

  after(async () => {
    await vscode.commands.executeCommand('zookeeper.clearSearch');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('zookeeper.removeConnection', { connection: name });
    await probe.close();
  });

  it('returns every match with line, column and version, says what it could not read, and shows the same in the view', async () => {
    const result = await vscode.commands.executeCommand<SearchCommandResult>('zookeeper.search', { connection: name, path: `${base}/config`, dataPattern: 'POSTGRES' });
    assert.deepEqual(
      result.results.map((r) => [r.path.slice(base.length), r.line, r.column, r.version, r.matches[0].text]),
      [
        ['/config/app.json', 2, 10, 0, 'postgres'],
        ['/config/billing.json', 2, 10, 0, 'postgres'],
      ],
    );
    assert.deepEqual(result.unreadable, [`${base}/config/secret`]);
    assert.equal(result.skippedBinary, 1);
    assert.equal(result.visited, 4, 'config and three children; the unreadable one is reported instead');
    assert.equal(result.cancelled, false);
    assert.equal(result.truncated, false);

    const nodes = api.search.getChildren();
    assert.deepEqual(
      nodes.map((n) => n.label),
      ['app.json', 'billing.json'],
    );
    const [app] = nodes as SearchNodeItem[];
    assert.match(String(app.description), /\/config · v0 · 1 match/);
    const [match] = api.search.getChildren(app) as SearchMatchItem[];
    const label = match.label as vscode.TreeItemLabel;
    assert.equal(label.label, '"db": "postgres://db1:5432/app",');
    assert.deepEqual(label.highlights, [[7, 15]], 'the match is highlighted in the line');
    assert.equal(match.description, 'line 2, col 10');
    const message = describeRun(api.search.run!, false);
    assert.match(message, /^2 matches in 2 nodes for "POSTGRES" in .*\/config on search-\d+ · 4 znodes searched/);
    assert.match(message, /1 matching node not readable with this session's credentials/);
    assert.match(message, /1 binary node not searched/);
  });

  it('a click on a match opens the node with the match selected', async () => {
    await vscode.commands.executeCommand('zookeeper.search', { connection: name, path: base, dataPattern: '3000' });
    const [node] = api.search.getChildren() as SearchNodeItem[];
    const [match] = api.search.getChildren(node) as SearchMatchItem[];
    await vscode.commands.executeCommand(match.command!.command, ...(match.command!.arguments as unknown[]));
    await eventually(() => vscode.window.activeTextEditor?.document.uri.path === `${base}/config/app.json`, 10000, 'the editor of app.json');
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.getText(editor.selection), '3000');
    assert.equal(editor.selection.start.line, 2);
  });

  it('path patterns (glob and regex), binary data by hex, and a result limit', async () => {
    const byGlob = await vscode.commands.executeCommand<SearchCommandResult>('zookeeper.search', { connection: name, path: base, pathPattern: '*.json' });
    assert.deepEqual(
      byGlob.results.map((r) => r.path.slice(base.length)),
      ['/config/app.json', '/config/billing.json'],
    );
    const byRegex = await vscode.commands.executeCommand<SearchCommandResult>('zookeeper.search', { connection: name, path: base, pathPattern: 'b[a-z]+\\.json$', regex: true });
    assert.deepEqual(
      byRegex.results.map((r) => r.path.slice(base.length)),
      ['/config/billing.json'],
    );
    const binary = await vscode.commands.executeCommand<SearchCommandResult>('zookeeper.search', { connection: name, path: base, dataPattern: 'cafe', binary: true });
    assert.deepEqual(
      binary.results.map((r) => [r.path.slice(base.length), r.binary, r.column]),
      [['/config/blob', true, 3]],
    );
    const limited = await vscode.commands.executeCommand<SearchCommandResult>('zookeeper.search', { connection: name, path: base, pathPattern: '*', maxResults: 2 });
    assert.equal(limited.results.length, 2);
    assert.equal(limited.truncated, true);
  });

  it('bad arguments are rejected with a sentence that says what to pass', async () => {
    const rejects = async (args: Record<string, unknown>, message: RegExp): Promise<void> => {
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('zookeeper.search', args)), (error: Error) => {
        assert.match(error.message, message);
        return true;
      });
    };
    await rejects({ connection: name, path: base }, /at least one of the two patterns/);
    await rejects({ connection: name, path: base, dataPattern: '(', regex: true }, /data pattern is not a valid regular expression/);
    await rejects({ connection: name, path: 'config', dataPattern: 'x' }, /absolute|start with/i);
    await rejects({ connection: name, path: `${base}/nope`, dataPattern: 'x' }, /does not exist/);
    await rejects({ connection: 'no-such-connection', path: base, dataPattern: 'x' }, /no-such-connection/);
    await rejects({ connection: name, path: base, dataPattern: 'x', maxResults: -1 }, /maxResults/);
  });

  describe('cancelling', () => {
    let proxy: FaultProxy;
    const slow = `search-slow-${stamp}`;
    before(async () => {
      for (let i = 0; i < 300; i++) await probe.create(`${base}/config/item-${String(i).padStart(3, '0')}`, text(`value ${i}`));
      proxy = await startFaultProxy(connectString);
      await vscode.commands.executeCommand('zookeeper.addConnection', { name: slow, connectString: proxy.connectString, sessionTimeoutMs: 40000 });
    });
    after(async () => {
      await vscode.commands.executeCommand('zookeeper.removeConnection', { connection: slow });
      await proxy.close();
    });

    it('Cancel Search ends a search at once, even over a stalled connection', async () => {
      // The connection stalls at the search's first data read (the very chunk is dropped): the
      // search cannot finish by itself, only the cancel can end it.
      const stall = proxy.onClientData(() => {
        if (proxy.requestsSent(4 /* getData */) > 0) proxy.blackHole();
      });
      try {
        const searching = Promise.resolve(vscode.commands.executeCommand<SearchCommandResult>('zookeeper.search', { connection: slow, path: base, dataPattern: 'value' }));
        await eventually(() => proxy.mode === 'blackhole', 20000, 'the stall at the first data read');
        await vscode.commands.executeCommand('zookeeper.cancelSearch');
        const result = await searching;
        assert.equal(result.cancelled, true);
        assert.equal(result.truncated, false);
        assert.deepEqual(
          result.results.map((r) => r.path),
          api.search.run!.results.map((r) => r.path),
          'the view keeps exactly what the command returns',
        );
        assert.match(describeRun(api.search.run!, false), / · cancelled/);
      } finally {
        stall.dispose();
        proxy.pass();
      }
    });
  });
});
