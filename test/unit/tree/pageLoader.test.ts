import * as assert from 'node:assert/strict';
import { listChildren, loadStats, STAT_CONCURRENCY } from '../../../src/tree/pageLoader';
import { ZkClient } from '../../../src/zk/client';
import { forEachLimit } from '../../../src/zk/concurrency';
import { compareBySequence, sortChildren } from '../../../src/zk/paths';
import { sharedZooKeeper } from '../../support/zookeeper';

/** Counts the exists calls a client makes (the stats loadStats fetches) and how many were in flight at once. */
function countExists(client: ZkClient): { paths: string[]; peak: () => number; restore: () => void } {
  const exists = client.exists.bind(client);
  const paths: string[] = [];
  let inFlight = 0;
  let peak = 0;
  client.exists = async (...args) => {
    paths.push(args[0]);
    peak = Math.max(peak, ++inFlight);
    try {
      return await exists(...args);
    } finally {
      inFlight--;
    }
  };
  // The method lives on the prototype: deleting the own property brings it back.
  return { paths, peak: () => peak, restore: () => delete (client as Partial<Pick<ZkClient, 'exists'>>).exists };
}

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const child = (i: number): string => `instance-${String(i).padStart(10, '0')}`;

describe('sortChildren (the listing order)', () => {
  it('gives exactly the order of compareBySequence', () => {
    const next = random(42);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    const parts = ['a', 'b', 'A', '-', '_', '0', '9', 'é', '\uff5e', '😀'];
    for (let trial = 0; trial < 2000; trial++) {
      const names = Array.from({ length: Math.floor(next() * 40) }, () => {
        const prefix = Array.from({ length: Math.floor(next() * 4) }, () => pick(parts)).join('');
        switch (Math.floor(next() * 6)) {
          case 0:
            return prefix + String(Math.floor(next() * 20)).padStart(10, '0'); // ties across prefixes
          case 1:
            return `${prefix}-${String(1 + Math.floor(next() * 5)).padStart(9, '0')}`; // negative counters
          case 2:
            return `${prefix}-2147483648`;
          case 3:
            return prefix + String(2147483647 - Math.floor(next() * 3)); // near the top, and 2147483648+ (not sequential)
          case 4:
            return prefix + String(Math.floor(next() * 1000)); // short digits: not sequential
          default:
            return prefix || 'x';
        }
      });
      assert.deepEqual(sortChildren(names), [...names].sort(compareBySequence), JSON.stringify(names));
    }
  });

  it('orders many sequential names by number and leaves its argument alone', () => {
    const next = random(7);
    const ordered = Array.from({ length: 5000 }, (_, i) => child(i * 3));
    const shuffled = [...ordered].sort(() => next() - 0.5);
    const before = [...shuffled];
    assert.deepEqual(sortChildren(shuffled), ordered);
    assert.deepEqual(shuffled, before);
    assert.deepEqual(sortChildren([]), []);
  });
});

describe('pageLoader against a real ZooKeeper', function () {
  this.timeout(60000);
  let client: ZkClient;
  let base: string;

  /** Creates `count` children of `parent` named child(i), child i holding i bytes of data. */
  const createChildren = async (parent: string, count: number): Promise<void> => {
    await forEachLimit(
      Array.from({ length: count }, (_, i) => i),
      64,
      async (i) => {
        await client.create(`${parent}/${child(i)}`, Buffer.alloc(i, 'x'));
      },
    );
  };

  before(async () => {
    const server = await sharedZooKeeper();
    client = await ZkClient.connect({ connectString: server.connectString, sessionTimeoutMs: 10000 });
  });

  beforeEach(async function () {
    base = `/pl-${this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}-${Date.now()}`;
    await client.create(base);
  });

  after(async () => {
    await client.close();
  });

  it('listChildren sorts sequential siblings by sequence, whatever their prefix, then the others by name', async () => {
    const created: string[] = [];
    for (const prefix of ['zeta-', 'alpha-', 'm-', 'alpha-', 'b-']) {
      const { path } = await client.create(`${base}/${prefix}`, null, { mode: 'persistentSequential' });
      created.push(path.slice(base.length + 1));
    }
    await client.create(`${base}/plain`);
    await client.create(`${base}/Plain`);
    const listing = await listChildren(client, base);
    assert.deepEqual(listing.names, [...created, 'Plain', 'plain']);
    assert.deepEqual(listing.names.slice(0, 5).map((n) => n.slice(0, n.indexOf('-'))), ['zeta', 'alpha', 'm', 'alpha', 'b']);
    assert.equal(listing.stats.size, 0);
  });

  it('listChildren fails with NONODE for a missing node', async () => {
    await assert.rejects(listChildren(client, `${base}/missing`), (error: Error & { code?: string }) => error.code === 'NONODE');
  });

  it('loadStats returns exactly the names asked for, with the right stats, one exists each', async () => {
    await createChildren(base, 30);
    const listing = await listChildren(client, base);
    const counter = countExists(client);
    let result;
    try {
      result = await loadStats(client, base, listing, listing.slice(10, 22));
    } finally {
      counter.restore();
    }
    assert.deepEqual(
      result.map((e) => e.name),
      Array.from({ length: 12 }, (_, i) => child(10 + i)),
    );
    for (const { name, stat } of result) {
      assert.equal(stat.dataLength, Number(name.slice(-3)), name);
      assert.deepEqual(stat, await client.exists(`${base}/${name}`));
      assert.equal(listing.stats.get(name), stat);
    }
    assert.equal(counter.paths.length, 12, 'one exists per child asked for, none for the others');
    assert.equal(listing.stats.size, 12);
  });

  it('loadStats fetches stats only for names it has not fetched yet', async () => {
    await createChildren(base, 20);
    const listing = await listChildren(client, base);
    await loadStats(client, base, listing, listing.slice(0, 5));
    const counter = countExists(client);
    try {
      const again = await loadStats(client, base, listing, listing.slice(0, 5));
      assert.equal(counter.paths.length, 0, 'the same names again: no request');
      assert.equal(again.length, 5);
      const more = await loadStats(client, base, listing, listing.slice(0, 8));
      assert.deepEqual([...counter.paths].sort(), [5, 6, 7].map((i) => `${base}/${child(i)}`));
      assert.equal(more.length, 8);
    } finally {
      counter.restore();
    }
  });

  it('loadStats keeps at most STAT_CONCURRENCY (256) stat requests in flight, and more than one (pipelined)', async () => {
    await createChildren(base, 600);
    const listing = await listChildren(client, base);
    const counter = countExists(client);
    let result;
    try {
      result = await loadStats(client, base, listing, listing.slice(0, 550));
    } finally {
      counter.restore();
    }
    assert.equal(STAT_CONCURRENCY, 256);
    assert.equal(counter.paths.length, 550);
    assert.ok(counter.peak() <= STAT_CONCURRENCY, `peak ${counter.peak()} in flight`);
    assert.ok(counter.peak() > 1, `peak ${counter.peak()} in flight: not pipelined`);
    assert.equal(result.length, 550);
  });

  it('loadStats leaves out a child deleted between the listing and the stats', async () => {
    await createChildren(base, 10);
    const listing = await listChildren(client, base);
    await client.delete(`${base}/${child(3)}`);
    const result = await loadStats(client, base, listing, listing.slice(0, 5));
    assert.deepEqual(
      result.map((e) => e.name),
      [0, 1, 2, 4].map(child),
    );
    assert.equal(listing.stats.has(child(3)), false);
  });

  it('ranges of a filtered listing hold the filtered names only', async () => {
    await createChildren(base, 30);
    const listing = await listChildren(client, base);
    listing.setFilter('*2?');
    assert.equal(listing.matchCount, 10);
    const ranges = listing.ranges(4);
    assert.deepEqual(ranges.map((r) => listing.slice(r.start, r.end)), [[20, 21, 22, 23], [24, 25, 26, 27], [28, 29]].map((g) => g.map(child)));
    const result = await loadStats(client, base, listing, listing.slice(ranges[2].start, ranges[2].end));
    assert.deepEqual(result.map((e) => e.stat.dataLength), [28, 29]);
  });
});
