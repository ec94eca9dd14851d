import assert from 'node:assert/strict';
import type { CompletionItem, TextEdit } from 'vscode-languageserver-types';
import { COMMANDS } from '../../../../src/server/script/commands';
import { complete, type ChildrenAnswer, type ChildrenLookup } from '../../../../src/server/script/completion';
import { parseCommandline } from './completionSupport';
import { r } from './support';

const noChildren: ChildrenLookup = () => Promise.resolve(undefined);

/** A lookup's answer holding every name (not cut); undefined stays undefined. */
function all(names: readonly string[]): ChildrenAnswer;
function all(names: readonly string[] | undefined): ChildrenAnswer | undefined;
function all(names: readonly string[] | undefined): ChildrenAnswer | undefined {
  return names && { names, total: names.length };
}

function labels(items: CompletionItem[]): string[] {
  return items.map((i) => i.label);
}

function edit(item: CompletionItem): TextEdit {
  assert.ok(item.textEdit && 'range' in item.textEdit, `${item.label} has a TextEdit`);
  return item.textEdit;
}

/**
 * The order VS Code's suggest widget shows items in before anything is typed (its defaultComparator:
 * sortText, lowercased, where a missing sortText is the label; then the label; then the kind).
 */
function vscodeOrder(items: CompletionItem[]): string[] {
  const key = (i: CompletionItem): string => (i.sortText ?? i.label).toLowerCase();
  const compare = (a: CompletionItem, b: CompletionItem): number =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.label < b.label ? -1 : a.label > b.label ? 1 : (a.kind ?? 0) - (b.kind ?? 0);
  return labels([...items].sort(compare));
}

/** `|` marks the cursor. */
async function completeAt(textWithCursor: string, children: ChildrenLookup = noChildren): Promise<CompletionItem[]> {
  const { text, position } = parseCommandline(textWithCursor);
  return complete(text, position, children);
}

describe('server/script/completion', () => {
  describe('commands', () => {
    it('offers every command on an empty line, inserted as plain text', async () => {
      const items = await completeAt('|');
      assert.deepEqual(labels(items), COMMANDS.map((c) => c.name));
      const create = items.find((i) => i.label === 'create');
      assert.equal(create?.detail, 'create [-s] [-e] [-c] [-t ttl] path [data] [acl]');
      assert.equal(create?.insertTextFormat, 1);
      assert.match(JSON.stringify(create?.documentation), /Creates a node/);
      assert.deepEqual(create && edit(create), { range: r(0, 0, 0), newText: 'create' });
    });

    it('replaces the word being typed', async () => {
      const items = await completeAt('  cr|eate');
      assert.deepEqual(edit(items[0]).range, r(0, 2, 8));
      assert.deepEqual(edit((await completeAt('get /a\n\tse|'))[0]).range, r(1, 1, 3));
    });

    it('offers nothing in comments and in the connection directive', async () => {
      assert.deepEqual(await completeAt('# connection: |'), []);
      assert.deepEqual(await completeAt('  # get |'), []);
      assert.deepEqual(await complete('get /a', { line: 5, character: 0 }, noChildren), []);
    });
  });

  describe('flags', () => {
    it('offers the flags of the command, with their docs', async () => {
      const items = await completeAt('create -|');
      assert.deepEqual(labels(items), ['-s', '-e', '-c', '-t']);
      assert.deepEqual(edit(items[0]), { range: r(0, 7, 8), newText: '-s' });
      assert.match(items[0].detail ?? '', /^Sequential/);
    });

    it('leaves out flags already used and flags they exclude', async () => {
      assert.deepEqual(labels(await completeAt('create -e -|')), ['-s']);
      assert.deepEqual(labels(await completeAt('create -c -|')), []);
      assert.deepEqual(labels(await completeAt('create -t 100 -|')), ['-s']);
      assert.deepEqual(labels(await completeAt('removewatches /a -d -|')), ['-l']);
      assert.deepEqual(labels(await completeAt('get -s /a -|')), ['-w']);
    });

    it('offers nothing after "--" but arguments', async () => {
      assert.deepEqual(labels(await completeAt('set -- /a |')), []);
    });

    it('offers flags and paths where either may come', async () => {
      const items = await completeAt('get |', () => Promise.resolve(all(['zookeeper', 'app'])));
      assert.deepEqual(labels(items), ['-s', '-w', '/app', '/zookeeper']);
      assert.deepEqual(edit(items[2]), { range: r(0, 4, 4), newText: '/app' });
    });

    it('offers flags only where no argument is left', async () => {
      assert.deepEqual(labels(await completeAt('get /a |', () => Promise.resolve(all(['x'])))), ['-s', '-w']);
      assert.deepEqual(labels(await completeAt('set /a |')), ['-s', '-v']);
      assert.deepEqual(await completeAt('whoami |'), []);
    });

    it('offers nothing for an unknown command', async () => {
      assert.deepEqual(await completeAt('frob |'), []);
      assert.deepEqual(await completeAt('frob -|'), []);
    });
  });

  describe('values', () => {
    it('offers watch modes after -m', async () => {
      const items = await completeAt('addWatch -m PER|');
      assert.deepEqual(labels(items), ['PERSISTENT', 'PERSISTENT_RECURSIVE']);
      assert.deepEqual(edit(items[1]).range, r(0, 12, 15));
      assert.deepEqual(labels(await completeAt('addWatch -m |')), ['PERSISTENT', 'PERSISTENT_RECURSIVE']);
    });

    it('offers nothing for a number', async () => {
      assert.deepEqual(await completeAt('delete -v |'), []);
      assert.deepEqual(await completeAt('create -t 1|'), []);
    });

    it('offers schemes to addauth', async () => {
      const items = await completeAt('addauth di|');
      assert.deepEqual(labels(items), ['digest', 'sasl', 'x509', 'ip']);
      assert.deepEqual(edit(items[0]).range, r(0, 8, 10));
      assert.deepEqual(await completeAt('addauth digest |'), []);
    });

    it('offers ACL templates to setAcl and create', async () => {
      assert.deepEqual(labels(await completeAt('setAcl /a |')).slice(0, 6), ['-s', '-v', '-R', 'world:anyone:cdrwa', 'world:anyone:r', 'auth::cdrwa']);
      assert.ok(labels(await completeAt('create /a data w|')).includes('digest:'));
      assert.deepEqual(await completeAt('setAcl /a world:|'), []);
    });
  });

  describe('paths', () => {
    const asked: string[] = [];
    const tree: Record<string, string[]> = {
      '/': ['zookeeper', 'app', 'App2'],
      '/app': ['config', 'lock-0000000010', 'lock-0000000002', 'cache', 'lock-0000000001'],
      '/app/config': [],
    };
    const prefixes: string[] = [];
    const children = (path: string, prefix: string) => {
      asked.push(path);
      prefixes.push(prefix);
      return Promise.resolve(all(tree[path]));
    };
    beforeEach(() => {
      asked.length = 0;
      prefixes.length = 0;
    });

    it('asks for the children with the segment typed so far, as typed', async () => {
      await completeAt('get /app/Co|nfig', children);
      await completeAt('get /|', children);
      assert.deepEqual(prefixes, ['Co', '']);
    });

    it('a cut answer: its names in order, then one last item saying how many more match, all kept in order by sortText', async () => {
      const names = Array.from({ length: 12 }, (_, i) => `child-${String(i).padStart(2, '0')}`);
      const cut: ChildrenLookup = () => Promise.resolve({ names: names.slice(0, 10), total: 1234 });
      const items = await completeAt('get /big/child-|', cut);
      assert.deepEqual(labels(items).slice(0, 10), names.slice(0, 10));
      assert.equal(items.length, 11);
      const more = items[10];
      assert.equal(more.label, '… 1,224 more: type to narrow the list');
      // VS Code ranks by how well the typed text matches the filter text before sortText: the last
      // name's, so the row matches as well as that name and no better (test/e2e/wide.e2e.test.ts).
      assert.equal(more.filterText, 'child-09', 'filtered and ranked as the last name');
      assert.deepEqual(edit(more), { range: r(0, 9, 15), newText: 'child-' }, 'choosing it leaves the text as it is');
      assert.equal(more.command?.command, 'editor.action.triggerSuggest');
      assert.deepEqual(vscodeOrder(items), labels(items), 'VS Code shows "… more" last');
      assert.ok(items.every((i) => i.sortText !== undefined));
      // Under the limit: no "… more".
      const whole = await completeAt('get /big/child-|', () => Promise.resolve(all(names)));
      assert.deepEqual(labels(whole), names);
    });

    it('completes the last segment from the children of its parent', async () => {
      const items = await completeAt('get /app/c|', children);
      assert.deepEqual(asked, ['/app']);
      assert.deepEqual(labels(items), ['cache', 'config']);
      assert.deepEqual(edit(items[0]), { range: r(0, 9, 10), newText: 'cache' });
      assert.equal(items[0].kind, 19);
    });

    it('completes under the root', async () => {
      const items = await completeAt('ls /|', children);
      assert.deepEqual(asked, ['/']);
      assert.deepEqual(labels(items), ['App2', 'app', 'zookeeper']);
      assert.deepEqual(edit(items[0]).range, r(0, 4, 4));
    });

    it('matches the typed prefix whatever its case', async () => {
      assert.deepEqual(labels(await completeAt('ls /AP|', children)), ['App2', 'app']);
    });

    it('puts sequential siblings in sequence order, by sortText', async () => {
      const items = await completeAt('delete /app/|', children);
      assert.deepEqual(labels(items), ['lock-0000000001', 'lock-0000000002', 'lock-0000000010', 'cache', 'config']);
      assert.deepEqual(
        items.map((i) => i.sortText),
        ['0', '1', '2', '3', '4'],
      );
    });

    it('gives a sortText only when VS Code would not show the names in their order by itself', async () => {
      // Plain names already in VS Code's order (the lowercased label): no sortText, a fifth less JSON for 10,000 children.
      const plain = await completeAt('get /app/c|', children);
      assert.ok(plain.every((i) => i.sortText === undefined));
      assert.deepEqual(vscodeOrder(plain), labels(plain));
      // "App2" before "app" by code unit, after it lowercased: sortTexts keep our order.
      const mixedCase = await completeAt('ls /|', children);
      assert.deepEqual(labels(mixedCase), ['App2', 'app', 'zookeeper']);
      assert.deepEqual(vscodeOrder(mixedCase), labels(mixedCase));
      // Sequence order is not label order: sortTexts keep it.
      const sequential = await completeAt('delete /app/|', children);
      assert.deepEqual(vscodeOrder(sequential), labels(sequential));
      // Without the sortTexts VS Code would reorder these: the check above is not vacuous.
      assert.notDeepEqual(vscodeOrder(sequential.map(({ sortText: _, ...rest }) => rest)), labels(sequential));
    });

    it('replaces the segment under the cursor up to the next "/"', async () => {
      const items = await completeAt('get /app/lo|ck-x/deeper', children);
      assert.deepEqual(edit(items[0]).range, r(0, 9, 15));
      const atEnd = await completeAt('get /app/lo|ck-x', children);
      assert.deepEqual(edit(atEnd[0]).range, r(0, 9, 15));
    });

    it('completes the path of a command with flags before it', async () => {
      assert.deepEqual(labels(await completeAt('create -s -e /app/config/|', children)), []);
      assert.deepEqual(asked, ['/app/config']);
      assert.deepEqual(labels(await completeAt('delete -v 3 /app/ca|', children)), ['cache']);
    });

    it('asks nothing for an invalid parent, a relative path or a quoted token', async () => {
      assert.deepEqual(await completeAt('get //x|', children), []);
      assert.deepEqual(await completeAt('get /a//|', children), []);
      assert.deepEqual(await completeAt('get /./|', children), []);
      assert.deepEqual(await completeAt('get app|', children), []);
      assert.deepEqual(await completeAt('get "/app/|', children), []);
      assert.deepEqual(asked, []);
    });

    it('offers nothing when the children are unknown', async () => {
      assert.deepEqual(await completeAt('get /nothing/|', children), []);
    });

    it('completes on the right line of a CRLF document', async () => {
      const items = await completeAt('get /a\r\nls /app/co|\r\n', children);
      assert.deepEqual(edit(items[0]), { range: r(1, 8, 10), newText: 'config' });
    });

    describe('with 10,000 children', () => {
      const names: string[] = [];
      for (let i = 0; i < 5000; i++) names.push(`item-${i}`, `lock-${String((i * 7919) % 5000).padStart(10, '0')}`);
      const big = (path: string) => Promise.resolve(all(path === '/big' ? names : undefined));

      it('returns every sequential sibling in sequence order', async () => {
        const items = await completeAt('get /big/lock|', big);
        assert.equal(items.length, 5000);
        const sequences = items.map((i) => Number(i.label.slice(5)));
        assert.deepEqual(sequences, [...sequences].sort((a, b) => a - b));
        assert.equal(sequences[0], 0);
        const sortTexts = items.map((i) => i.sortText ?? '');
        assert.deepEqual(sortTexts, [...sortTexts].sort());
        assert.deepEqual(edit(items[4999]), { range: r(0, 9, 13), newText: 'lock-0000004999' });
      });

      it('filters by prefix', async () => {
        const items = await completeAt('get /big/ITEM-99|', big);
        assert.deepEqual(labels(items), ['item-99', ...Array.from({ length: 10 }, (_, i) => `item-99${i}`)]);
        assert.deepEqual(edit(items[0]).range, r(0, 9, 16));
      });

      it('returns all of them for an empty prefix', async () => {
        assert.equal((await completeAt('get /big/|', big)).length, 10_000);
      });
    });
  });
});
