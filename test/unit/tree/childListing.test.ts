import * as assert from 'node:assert/strict';
import { ChildListing, childMatcher } from '../../../src/tree/childListing';
import type { ZnodeStat } from '../../../src/zk/stat';

const names = (count: number, prefix = 'n'): string[] => Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

const stat: ZnodeStat = { czxid: 1n, mzxid: 1n, pzxid: 1n, ctime: 0, mtime: 0, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0n, dataLength: 0, numChildren: 0 };

describe('childMatcher', () => {
  const matching = (filter: string, candidates: string[]): string[] => candidates.filter(childMatcher(filter));

  it('matches everything with an empty or blank filter', () => {
    const all = ['a', 'B', '', 'lock-0000000001'];
    assert.deepEqual(matching('', all), all);
    assert.deepEqual(matching('   ', all), all);
  });

  it('without * or ? matches a case-insensitive substring', () => {
    const all = ['broker-1', 'Broker-2', 'consumer', 'my-BROKERS'];
    assert.deepEqual(matching('broker', all), ['broker-1', 'Broker-2', 'my-BROKERS']);
    assert.deepEqual(matching('ROKER-2', all), ['Broker-2']);
    assert.deepEqual(matching('  sum  ', all), ['consumer'], 'the filter is trimmed');
    assert.deepEqual(matching('zzz', all), []);
  });

  it('treats * as any run of characters, anchored at both ends', () => {
    const all = ['lock-0000000001', 'lock-0000000002', 'unlock-1', 'lock', 'LOCK-x'];
    assert.deepEqual(matching('lock-*', all), ['lock-0000000001', 'lock-0000000002', 'LOCK-x']);
    assert.deepEqual(matching('*lock*', all), all);
    assert.deepEqual(matching('*-1', all), ['unlock-1']);
    assert.deepEqual(matching('lock*', all), ['lock-0000000001', 'lock-0000000002', 'lock', 'LOCK-x']);
    assert.deepEqual(matching('*', all), all);
  });

  it('treats ? as exactly one character', () => {
    const all = ['a1', 'a12', 'b1', 'a', 'A9'];
    assert.deepEqual(matching('a?', all), ['a1', 'A9']);
    assert.deepEqual(matching('??', all), ['a1', 'b1', 'A9']);
    assert.deepEqual(matching('a??', all), ['a12']);
  });

  it('takes regular-expression metacharacters literally', () => {
    assert.deepEqual(matching('a.b*', ['a.b1', 'axb1', 'a.b']), ['a.b1', 'a.b'], '. is a dot in a glob');
    assert.deepEqual(matching('a.b', ['a.b1', 'axb1']), ['a.b1'], '. is a dot in a substring');
    for (const special of ['+', '^', '$', '{2}', '(x)', '|', '[ab]', '\\', ']', '[']) {
      const literal = `k${special}v`;
      assert.deepEqual(matching(`${literal}*`, [literal, `${literal}9`, 'kv', 'kav']), [literal, `${literal}9`], `glob with ${special}`);
      assert.deepEqual(matching(literal, [literal, 'kv', 'kav', 'kbv']), [literal], `substring with ${special}`);
    }
    assert.doesNotThrow(() => childMatcher('(*'));
    assert.doesNotThrow(() => childMatcher('[?'));
  });
});

describe('ChildListing', () => {
  describe('paging', () => {
    it('shows nothing until a page is asked for, then one page', () => {
      const listing = new ChildListing(names(25));
      assert.deepEqual(listing.page(), { names: [], remaining: 25 });
      listing.showPage(10);
      assert.deepEqual(listing.page(), { names: names(10), remaining: 15 });
    });

    it('grows by one page per "more" and stops at the end', () => {
      const listing = new ChildListing(names(25));
      listing.showPage(10);
      listing.showPage(10, true);
      assert.deepEqual(listing.page(), { names: names(20), remaining: 5 });
      listing.showPage(10, true);
      assert.deepEqual(listing.page(), { names: names(25), remaining: 0 });
      listing.showPage(10, true);
      assert.equal(listing.shown, 25);
      assert.equal(listing.page().remaining, 0);
    });

    it('keeps what is shown when asked for one page again (a refresh of the same node)', () => {
      const listing = new ChildListing(names(25));
      listing.showPage(10);
      listing.showPage(10, true);
      listing.showPage(10);
      assert.equal(listing.page().names.length, 20);
    });

    it('shows every child when there are fewer than a page', () => {
      const listing = new ChildListing(names(3));
      listing.showPage(500);
      assert.deepEqual(listing.page(), { names: names(3), remaining: 0 });
    });

    it('handles a node without children', () => {
      const listing = new ChildListing([]);
      listing.showPage(10);
      listing.showPage(10, true);
      assert.deepEqual(listing.page(), { names: [], remaining: 0 });
      assert.equal(listing.matchCount, 0);
    });

    it('keeps the names in the order given', () => {
      const listing = new ChildListing(['z', 'a', 'm']);
      listing.showPage(2);
      assert.deepEqual(listing.page().names, ['z', 'a']);
    });
  });

  describe('filter', () => {
    const all = [...names(30, 'broker-'), ...names(30, 'consumer-')];

    it('counts the matches and pages through them only', () => {
      const listing = new ChildListing(all);
      listing.setFilter('consumer');
      assert.equal(listing.filter, 'consumer');
      assert.equal(listing.matchCount, 30);
      listing.showPage(10);
      assert.deepEqual(listing.page(), { names: names(10, 'consumer-'), remaining: 20 });
    });

    it('resets paging to the start', () => {
      const listing = new ChildListing(all);
      listing.showPage(10);
      listing.showPage(10, true);
      listing.showPage(10, true);
      listing.setFilter('broker-*');
      assert.equal(listing.shown, 0);
      listing.showPage(10);
      assert.deepEqual(listing.page(), { names: names(10, 'broker-'), remaining: 20 });
    });

    it('is trimmed, and cleared by undefined or blank text', () => {
      const listing = new ChildListing(all);
      listing.setFilter('  broker-01?  ');
      assert.equal(listing.filter, 'broker-01?');
      assert.equal(listing.matchCount, 10);
      listing.setFilter('   ');
      assert.equal(listing.filter, undefined);
      assert.equal(listing.matchCount, 60);
      listing.setFilter('x');
      listing.setFilter(undefined);
      assert.equal(listing.filter, undefined);
      listing.showPage(100);
      assert.deepEqual(listing.page(), { names: all, remaining: 0 });
    });

    it('can match nothing', () => {
      const listing = new ChildListing(all);
      listing.setFilter('nothing-like-this');
      listing.showPage(10);
      assert.equal(listing.matchCount, 0);
      assert.deepEqual(listing.page(), { names: [], remaining: 0 });
    });

    it('keeps the stats already fetched', () => {
      const listing = new ChildListing(all);
      listing.stats.set('broker-000', stat);
      listing.setFilter('broker');
      assert.equal(listing.stats.get('broker-000'), stat);
    });
  });

  describe('pins', () => {
    it('shows a pinned name beyond the page once, after the page, and does not count it as remaining', () => {
      const listing = new ChildListing(names(50));
      listing.pin('n042');
      listing.pin('n042');
      listing.showPage(10);
      assert.deepEqual(listing.page(), { names: [...names(10), 'n042'], remaining: 39 });
    });

    it('shows a pinned name within the page only in its place', () => {
      const listing = new ChildListing(names(50));
      listing.pin('n003');
      listing.showPage(10);
      assert.deepEqual(listing.page(), { names: names(10), remaining: 40 });
    });

    it('moves a pinned name into its place once the pages reach it, still counted once', () => {
      const listing = new ChildListing(names(50));
      listing.pin('n015');
      listing.pin('n045');
      listing.showPage(10);
      assert.deepEqual(listing.page(), { names: [...names(10), 'n015', 'n045'], remaining: 38 });
      listing.showPage(10, true);
      const page = listing.page();
      assert.deepEqual(page.names, [...names(20), 'n045']);
      assert.equal(page.remaining, 29);
      assert.equal(new Set(page.names).size, page.names.length);
      listing.showPage(100, true);
      assert.deepEqual(listing.page(), { names: names(50), remaining: 0 });
    });

    it('ignores names that are not children', () => {
      const listing = new ChildListing(names(20));
      listing.pin('nope');
      listing.pin('');
      assert.equal(listing.pinned.size, 0);
      listing.showPage(5);
      assert.deepEqual(listing.page(), { names: names(5), remaining: 15 });
    });

    it('shows a pinned name that the filter hides, without counting it among the matches', () => {
      const listing = new ChildListing([...names(20, 'a'), ...names(20, 'b')]);
      listing.pin('a007');
      listing.pin('b015');
      listing.setFilter('b*');
      listing.showPage(5);
      assert.deepEqual(listing.page(), { names: [...names(5, 'b'), 'a007', 'b015'], remaining: 14 });
    });

    it('shows pins before any page is asked for', () => {
      const listing = new ChildListing(names(20));
      listing.pin('n010');
      assert.deepEqual(listing.page(), { names: ['n010'], remaining: 19 });
    });
  });
});
