import assert from 'node:assert/strict';
import type { CompletionItem, MarkupContent, TextEdit } from 'vscode-languageserver-types';
import { complete } from '../../../../src/server/config/completion';
import { range } from './helpers';

const labels = (items: CompletionItem[]): string[] => items.map((i) => i.label);
const edit = (item: CompletionItem | undefined): TextEdit => item?.textEdit as TextEdit;
const find = (items: CompletionItem[], label: string): CompletionItem | undefined => items.find((i) => i.label === label);

describe('server/config/completion', () => {
  describe('keys', () => {
    it('offers every key on an empty line, inserting key=', () => {
      const items = complete('', { line: 0, character: 0 });
      const tick = find(items, 'tickTime');
      assert.ok(tick);
      assert.equal(tick.kind, 10);
      assert.equal(tick.detail, 'int (milliseconds) = 3000');
      assert.deepEqual(edit(tick), { range: range(0, 0, 0, 0), newText: 'tickTime=' });
      assert.match((tick.documentation as MarkupContent).value, /^\*\*tickTime\*\* · Minimum configuration/);
      assert.ok(items.length > 150, `${items.length} keys`);
    });

    it('sorts the minimum configuration first', () => {
      const items = complete('', { line: 0, character: 0 }).sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''));
      assert.deepEqual(labels(items).slice(0, 5), ['clientPort', 'secureClientPort', 'observerMasterPort', 'dataDir', 'tickTime']);
    });

    it('replaces the key typed so far', () => {
      const items = complete('dataDir=/d\ntick', { line: 1, character: 4 });
      assert.deepEqual(edit(find(items, 'tickTime')), { range: range(1, 0, 1, 4), newText: 'tickTime=' });
    });

    it('replaces the whole key when the cursor is inside it', () => {
      const items = complete('tickTme=2000', { line: 0, character: 2 });
      assert.deepEqual(edit(find(items, 'tickTime')).range, range(0, 0, 0, 7));
    });

    it('leaves out keys already set elsewhere and JVM-only settings', () => {
      const items = complete('dataDir=/d\nclientPort=1\n\n', { line: 2, character: 0 });
      assert.equal(find(items, 'dataDir'), undefined);
      assert.equal(find(items, 'clientPort'), undefined);
      assert.equal(find(items, 'jute.maxbuffer'), undefined);
      assert.ok(find(items, 'secureClientPort'));
    });

    it('offers the next free server id as a snippet, and the next auth provider', () => {
      const text = 'server.1=a:2888:3888\nserver.3=c:2888:3888\nauthProvider.1=x\n';
      const items = complete(text, { line: 3, character: 0 });
      const server = find(items, 'server.4');
      assert.ok(server);
      assert.equal(server.insertTextFormat, 2);
      assert.equal(edit(server).newText, 'server.4=${1:host}:${2:2888}:${3:3888}');
      assert.ok(find(items, 'authProvider.2'));
      assert.ok(find(complete('', { line: 0, character: 0 }), 'server.1'));
    });

    it('offers nothing in comments or after the start of a line with text', () => {
      assert.deepEqual(complete('# tick', { line: 0, character: 6 }), []);
      assert.deepEqual(complete('  ! x', { line: 0, character: 5 }), []);
    });
  });

  describe('values', () => {
    it('offers true and false for booleans, over what is typed', () => {
      const items = complete('standaloneEnabled=tr', { line: 0, character: 20 });
      assert.deepEqual(labels(items), ['true', 'false']);
      assert.deepEqual(edit(items[0]), { range: range(0, 18, 0, 20), newText: 'true' });
      assert.equal(items[0].detail, 'default');
    });

    it('offers yes and no where the server reads yes and no', () => {
      const items = complete('forceSync=', { line: 0, character: 10 });
      assert.deepEqual(labels(items), ['yes', 'no']);
      assert.deepEqual(edit(items[1]).range, range(0, 10, 0, 10));
    });

    it('offers the values of enumerations and known classes', () => {
      assert.deepEqual(labels(complete('ssl.clientAuth = ', { line: 0, character: 17 })), ['none', 'want', 'need']);
      assert.deepEqual(labels(complete('serverCnxnFactory=', { line: 0, character: 18 })), [
        'org.apache.zookeeper.server.NIOServerCnxnFactory',
        'org.apache.zookeeper.server.NettyServerCnxnFactory',
      ]);
      assert.deepEqual(labels(complete('snapshot.compression.method=', { line: 0, character: 28 })), ['gz', 'snappy']);
    });

    it('completes one item of the four-letter-word list, leaving out those already there', () => {
      const text = '4lw.commands.whitelist=srvr, ru, mntr';
      const items = complete(text, { line: 0, character: 31 });
      assert.ok(find(items, 'ruok'));
      assert.equal(find(items, 'srvr'), undefined);
      assert.equal(find(items, 'mntr'), undefined);
      assert.deepEqual(edit(find(items, 'ruok')).range, range(0, 29, 0, 31));
    });

    it('offers the roles after the ports of a server line', () => {
      const items = complete('server.1=zk1:2888:3888:obs', { line: 0, character: 26 });
      assert.deepEqual(labels(items), ['participant', 'observer']);
      assert.deepEqual(edit(items[1]).range, range(0, 23, 0, 26));
      assert.deepEqual(complete('server.1=zk1:28', { line: 0, character: 15 }), []);
    });

    it('offers nothing for free-form values, unknown keys and continuation lines', () => {
      assert.deepEqual(complete('tickTime=', { line: 0, character: 9 }), []);
      assert.deepEqual(complete('someKey=', { line: 0, character: 8 }), []);
      assert.deepEqual(complete('forceSync=\\\n  ', { line: 1, character: 2 }), []);
    });
  });
});
