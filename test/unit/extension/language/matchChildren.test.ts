import assert from 'node:assert/strict';
import { matchChildren } from '../../../../src/extension/language/matchChildren';
import { sortChildren } from '../../../../src/zk/paths';

/** A small seeded generator: the same names on every run. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

describe('extension/language/matchChildren', () => {
  it('over the limit: exactly the first `limit` of sortChildren, for plain, sequential, mixed-case and astral names', () => {
    const next = random(7);
    const kinds = [
      (i: number) => `node-${Math.floor(next() * 1e6)}-${i}`,
      (i: number) => `lock-${String(Math.floor(next() * 1e9)).padStart(10, '0')}${i % 2 ? '' : ''}`,
      (i: number) => `${next() < 0.5 ? 'N' : 'n'}ode-${i}`,
      (i: number) => `${String.fromCodePoint(0x1f600 + (i % 40))}-${i}`,
      (i: number) => `${String.fromCodePoint(0xff00 + (i % 200))}-${i}`,
    ];
    for (let round = 0; round < 30; round++) {
      const names = [...new Set(Array.from({ length: 500 + Math.floor(next() * 1500) }, (_, i) => kinds[Math.floor(next() * (round % 5 === 0 ? 5 : 3))](i)))];
      const limit = 1 + Math.floor(next() * 120);
      const matched = matchChildren(names, '', limit);
      assert.equal(matched.total, names.length);
      assert.deepEqual(matched.names, sortChildren(names).slice(0, limit), `round ${round}, limit ${limit}`);
    }
  });

  it('filters by the prefix ignoring case, and under the limit returns every match, sorted', () => {
    const names = ['beta', 'Alpha', 'alpine', 'ALPS', 'gamma', 'al'];
    assert.deepEqual(matchChildren(names, 'AL', 10), { names: ['ALPS', 'Alpha', 'al', 'alpine'], total: 4 });
    assert.deepEqual(matchChildren(names, 'alp', 2), { names: ['ALPS', 'Alpha'], total: 3 });
    assert.deepEqual(matchChildren(names, 'x', 10), { names: [], total: 0 });
    assert.deepEqual(matchChildren([], '', 10), { names: [], total: 0 });
  });

  it('does not change the names it is given (the cache shares them)', () => {
    const names = ['c', 'a', 'b', 'd'];
    matchChildren(names, '', 2);
    matchChildren(names, '', 10);
    assert.deepEqual(names, ['c', 'a', 'b', 'd']);
  });
});
