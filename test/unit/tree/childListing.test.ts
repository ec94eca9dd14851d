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
  describe('ranges', () => {
    it('has none when the children fit in one range (they are shown directly)', () => {
      assert.deepEqual(new ChildListing(names(10)).ranges(10), []);
      assert.deepEqual(new ChildListing([]).ranges(10), []);
    });

    it('groups more children into consecutive ranges that cover each child exactly once', () => {
      const listing = new ChildListing(names(25));
      const ranges = listing.ranges(10);
      assert.deepEqual(ranges, [
        { start: 0, end: 10, first: 'n000', last: 'n009' },
        { start: 10, end: 20, first: 'n010', last: 'n019' },
        { start: 20, end: 25, first: 'n020', last: 'n024' },
      ]);
      assert.deepEqual(ranges.flatMap((r) => listing.slice(r.start, r.end)), names(25));
    });

    it('grows linearly: 50,000 children make 100 ranges of 500, the last child in the last one', () => {
      const all = Array.from({ length: 50_000 }, (_, i) => `c-${String(i).padStart(5, '0')}`);
      const listing = new ChildListing(all);
      const ranges = listing.ranges(500);
      assert.equal(ranges.length, 100);
      assert.deepEqual(listing.rangeOf('c-49999', 500), ranges[99]);
      assert.deepEqual(listing.rangeOf('c-00500', 500), ranges[1]);
      assert.equal(listing.slice(ranges[99].start, ranges[99].end).at(-1), 'c-49999');
    });

    it('rangeOf: undefined for a child shown directly or not a child', () => {
      assert.equal(new ChildListing(names(5)).rangeOf('n001', 10), undefined);
      assert.equal(new ChildListing(names(25)).rangeOf('nope', 10), undefined);
    });

    it('keeps the names in the order given', () => {
      const listing = new ChildListing(['z', 'a', 'm']);
      assert.deepEqual(listing.ranges(2).map((r) => [r.first, r.last]), [['z', 'a'], ['m', 'm']]);
      assert.deepEqual(listing.matches, ['z', 'a', 'm']);
    });
  });

  describe('filter', () => {
    const all = [...names(30, 'broker-'), ...names(30, 'consumer-')];

    it('counts the matches and ranges over them only', () => {
      const listing = new ChildListing(all);
      listing.setFilter('consumer');
      assert.equal(listing.filter, 'consumer');
      assert.equal(listing.matchCount, 30);
      assert.deepEqual(listing.matches, names(30, 'consumer-'));
      assert.deepEqual(listing.ranges(20).map((r) => [r.first, r.last]), [['consumer-000', 'consumer-019'], ['consumer-020', 'consumer-029']]);
      assert.deepEqual(listing.rangeOf('consumer-025', 20), { start: 20, end: 30, first: 'consumer-020', last: 'consumer-029' });
      assert.equal(listing.rangeOf('broker-025', 20), undefined, 'hidden by the filter');
    });

    it('positions follow a new filter', () => {
      const listing = new ChildListing(all);
      assert.equal(listing.rangeOf('consumer-000', 10)?.start, 30);
      listing.setFilter('consumer');
      assert.equal(listing.rangeOf('consumer-000', 10)?.start, 0);
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
      assert.deepEqual(listing.matches, all);
    });

    it('can match nothing', () => {
      const listing = new ChildListing(all);
      listing.setFilter('nothing-like-this');
      assert.equal(listing.matchCount, 0);
      assert.deepEqual(listing.ranges(10), []);
    });

    it('keeps the stats already fetched', () => {
      const listing = new ChildListing(all);
      listing.stats.set('broker-000', stat);
      listing.setFilter('broker');
      assert.equal(listing.stats.get('broker-000'), stat);
    });
  });

  describe('pins', () => {
    it('ignores names that are not children', () => {
      const listing = new ChildListing(names(20));
      listing.pin('nope');
      listing.pin('');
      assert.equal(listing.pinned.size, 0);
    });

    it('a pinned name the filter hides is shown after the matches (hiddenPins), once', () => {
      const listing = new ChildListing([...names(20, 'a'), ...names(20, 'b')]);
      listing.pin('a007');
      listing.pin('a007');
      listing.pin('b015');
      assert.deepEqual(listing.hiddenPins(), [], 'nothing hidden without a filter');
      listing.setFilter('b*');
      assert.deepEqual(listing.hiddenPins(), ['a007']);
    });
  });
});
