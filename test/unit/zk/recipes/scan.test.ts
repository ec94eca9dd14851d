import * as assert from 'node:assert/strict';
import { ZkClient } from '../../../../src/zk/client';
import { isZkError } from '../../../../src/zk/errors';
import type { MultiOp } from '../../../../src/zk/multi';
import { findEphemerals, scanRecipes, type ScanProgress } from '../../../../src/zk/recipes/scan';
import { deleteTree, walkSubtree } from '../../../../src/zk/subtree';
import { startParticipant, stopAllParticipants, type RecipeLibraryName } from '../../../support/recipes/participants';
import { sessionOf } from '../../../support/recipes/recipeFixture';
import { sharedZooKeeper } from '../../../support/zookeeper';

describe('scanRecipes / findEphemerals (real ZooKeeper, real kazoo and Curator participants)', function () {
  this.timeout(120000);
  let client: ZkClient;
  let connectString = '';
  let bases: string[] = [];
  let next = 0;

  before(async () => {
    connectString = (await sharedZooKeeper()).connectString;
    client = await ZkClient.connect({ connectString });
  });
  afterEach(async () => {
    await stopAllParticipants();
    for (const base of bases) await deleteTree(client, base);
    bases = [];
  });
  after(async () => {
    await stopAllParticipants();
    await client?.close();
  });

  /** A fresh base path for one test, deleted after it. */
  const newBase = (name: string): string => {
    const base = `/scan-${name}-${process.pid}-${Date.now()}-${next++}`;
    bases.push(base);
    return base;
  };
  /** Creates `paths` (parents listed before their children) as plain persistent nodes. */
  const createAll = async (paths: string[], data = 'plain'): Promise<void> => {
    for (let i = 0; i < paths.length; i += 500) {
      await client.multi(paths.slice(i, i + 500).map((path): MultiOp => ({ type: 'create', path, data: Buffer.from(data) })));
    }
  };
  /** base, base/g0..g{fanout-1}, and `leaves` children under each. */
  const plainTree = async (base: string, fanout: number, leaves: number): Promise<string[]> => {
    const paths = [base];
    for (let g = 0; g < fanout; g++) {
      paths.push(`${base}/g${g}`);
      for (let l = 0; l < leaves; l++) paths.push(`${base}/g${g}/leaf-${l}`);
    }
    await createAll(paths);
    return paths;
  };
  const participant = (library: RecipeLibraryName, recipe: string, path: string, id?: string, args?: string[]) => startParticipant({ library, recipe, path, id, connectString, args });

  it('finds exactly the recipes scattered in a tree of plain nodes, with their kinds, and indexes the participants by session', async () => {
    const base = newBase('recipes');
    const plain = [base, `${base}/apps`, `${base}/services`, `${base}/config`, `${base}/config/limits`, `${base}/config/build-123`];
    for (let a = 0; a < 4; a++) plain.push(`${base}/apps/app-${a}`, `${base}/apps/app-${a}/settings`, `${base}/apps/app-${a}/settings/timeout`);
    plain.push(`${base}/apps/app-1/locks`, `${base}/apps/app-2/leader`, `${base}/apps/app-3/work`);
    await createAll(plain);
    await client.set(`${base}/config/limits`, Buffer.from('42')); // a counter's data: never a scan finding

    const holder = await participant('kazoo', 'lock', `${base}/apps/app-1/locks/inventory`, 'worker-1');
    await holder.waitFor('acquired');
    const waiter = await participant('kazoo', 'lock', `${base}/apps/app-1/locks/inventory`, 'worker-2');
    const latch = await participant('curator', 'latch', `${base}/apps/app-2/leader/billing`, 'billing-1');
    await latch.waitFor('leader');
    const semaphore = await participant('curator', 'semaphore', `${base}/apps/app-3/work/slots`, 'slot-a', ['--max-leases', '2']);
    await participant('kazoo', 'lockingqueue', `${base}/apps/app-3/work/jobs`, undefined, ['--item', 'job-1', '--item', 'job-2']);
    const address = (port: number) => JSON.stringify({ host: '10.1.2.3', port });
    const payments = [
      await participant('kazoo', 'service', `${base}/services/payments`, 'instance-', ['--data', address(8080)]),
      await participant('kazoo', 'service', `${base}/services/payments`, 'instance-', ['--data', address(8081)]),
    ];

    const progress: ScanProgress[] = [];
    const result = await scanRecipes(client, { roots: [base], maxDepth: 10, onProgress: (p) => progress.push(p) });
    assert.deepEqual(
      result.recipes.map((r) => [r.path, r.analysis.kind, r.analysis.library]),
      [
        [`${base}/apps/app-1/locks/inventory`, 'lock', 'kazoo'],
        [`${base}/apps/app-2/leader/billing`, 'leaderLatch', 'curator'],
        [`${base}/apps/app-3/work/jobs`, 'queue', 'kazoo'],
        [`${base}/apps/app-3/work/slots`, 'semaphore', 'curator'],
        [`${base}/services/payments`, 'serviceRegistry', 'plain'],
      ],
    );
    const lock = result.recipes[0].analysis;
    assert.equal(lock.summary, 'lock: held by worker-1, 1 waiting');
    assert.deepEqual(result.recipes[4].analysis.participants.map((p) => p.address).sort(), ['10.1.2.3:8080', '10.1.2.3:8081']);
    assert.equal(result.truncated, false);
    assert.equal(result.cancelled, false);
    assert.deepEqual(result.missingRoots, []);
    assert.ok(result.visited > plain.length, `visited ${result.visited}`);
    assert.ok(result.durationMs > 0);
    assert.deepEqual(progress.at(-1), { visited: result.visited, candidates: progress.at(-1)?.candidates, found: 5 });

    for (const p of [holder, waiter, latch, semaphore, ...payments]) assert.deepEqual(result.ephemeralsBySession.get(sessionOf(p)), [p.node], `${p.id ?? ''} ${p.node}`);
    assert.equal(result.ephemeralsBySession.size, 6);

    const sessions = [holder, latch, ...payments].map(sessionOf);
    const found = await findEphemerals(client, sessions, { roots: [base] });
    assert.deepEqual(
      sessions.map((s) => found.bySession.get(s)),
      [holder, latch, ...payments].map((p) => [p.node]),
    );
    assert.equal(found.visited, result.visited);
  });

  it('maxDepth: a recipe node deeper than maxDepth below the root is not found, one at maxDepth is', async () => {
    const base = newBase('depth');
    await createAll([base, `${base}/a`, `${base}/a/b`, `${base}/a/b/c`]);
    const shallow = await participant('kazoo', 'lock', `${base}/shallow`, 'near');
    await shallow.waitFor('acquired');
    const deep = await participant('kazoo', 'lock', `${base}/a/b/c/deep`, 'far'); // depth 4
    await deep.waitFor('acquired');

    const paths = async (maxDepth: number, root = base) => (await scanRecipes(client, { roots: [root], maxDepth })).recipes.map((r) => r.path);
    assert.deepEqual(await paths(3), [`${base}/shallow`]);
    assert.deepEqual(await paths(4), [`${base}/a/b/c/deep`, `${base}/shallow`]);
    assert.deepEqual(await paths(0), []);
    assert.deepEqual(await paths(0, `${base}/a/b/c/deep`), [`${base}/a/b/c/deep`], 'the root itself can be the recipe');
    const limited = await scanRecipes(client, { roots: [base], maxDepth: 1 });
    assert.equal(limited.ephemeralsBySession.get(sessionOf(deep)), undefined, 'nothing below depth 2 is visited');
  });

  it('maxNodes: stops visiting at the limit and reports truncated', async () => {
    const base = newBase('max-nodes');
    const paths = await plainTree(base, 5, 5); // 31 nodes
    const cut = await scanRecipes(client, { roots: [base], maxDepth: 10, maxNodes: 10 });
    assert.equal(cut.visited, 10);
    assert.equal(cut.truncated, true);
    assert.equal(cut.cancelled, false);
    const whole = await scanRecipes(client, { roots: [base], maxDepth: 10, maxNodes: paths.length });
    assert.equal(whole.visited, paths.length);
    assert.equal(whole.truncated, false);
    const ephemerals = await findEphemerals(client, [client.sessionId], { roots: [base], maxNodes: 3 });
    assert.equal(ephemerals.visited, 3);
    assert.equal(ephemerals.truncated, true);
  });

  it('cancel: aborting stops issuing requests and resolves at once with what was found, cancelled', async () => {
    const base = newBase('cancel');
    const paths = await plainTree(base, 20, 40); // 821 nodes
    const controller = new AbortController();
    let requests = 0;
    // The same client, counting its listings: the 50th aborts the scan.
    const counting = Object.create(client) as ZkClient;
    counting.getChildren = (path: string) => {
      if (++requests === 50) controller.abort();
      return client.getChildren(path);
    };
    const result = await scanRecipes(counting, { roots: [base], maxDepth: 10, signal: controller.signal });
    assert.equal(result.cancelled, true);
    assert.ok(result.visited < 50, `visited ${result.visited}`);
    assert.deepEqual(result.recipes, []);
    // The scan resolved at once, leaving listings issued before the abort in flight. A sentinel
    // request on the same session is answered after all of them (ZooKeeper answers one session's
    // requests in order); one event-loop turn after its answer, every earlier answer has been
    // handled, so any request the walk would make after the abort has been made and counted.
    await client.getChildren(base);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(requests, 50, 'no request after the abort');
    assert.ok(paths.length > 50);

    const before = await scanRecipes(client, { roots: [base], maxDepth: 10, signal: AbortSignal.abort() });
    assert.equal(before.cancelled, true);
    assert.equal(before.visited, 0);
  });

  it('roots: a missing root (also one inside another root) is reported, not thrown; nested and repeated roots are walked once; an invalid one throws', async () => {
    const base = newBase('roots');
    const paths = await plainTree(base, 2, 2); // 7 nodes
    const absent = `${base}-absent`;
    const result = await scanRecipes(client, { roots: [base, absent, `${base}/g0`, `${base}/g0/typo`, base], maxDepth: 10 });
    assert.deepEqual(result.missingRoots, [absent, `${base}/g0/typo`], 'a missing root inside another root is reported too');
    assert.equal(result.visited, paths.length);
    const none = await scanRecipes(client, { roots: [`${base}/g1/absent`], maxDepth: 3 });
    assert.deepEqual([none.missingRoots, none.visited, none.recipes], [[`${base}/g1/absent`], 0, []]);
    await assert.rejects(scanRecipes(client, { roots: ['relative/path'], maxDepth: 3 }), (error) => isZkError(error, 'INVALIDPATH'));
  });

  it('a plain tree without sequential or ephemeral nodes gives nothing', async () => {
    const base = newBase('plain');
    const paths = await plainTree(base, 6, 8);
    await createAll([`${base}/g0/leaf-0/build-123`, `${base}/counters`, `${base}/counters/hits`], '17');
    const result = await scanRecipes(client, { roots: [base], maxDepth: 10 });
    assert.deepEqual(result.recipes, []);
    assert.equal(result.ephemeralsBySession.size, 0);
    assert.equal(result.visited, paths.length + 3);
    assert.equal(result.visited, (await walkSubtree(client, base)).paths.length);
  });

  it('findEphemerals: the ephemeral nodes of each session asked for, anywhere below the roots', async () => {
    const base = newBase('ephemerals');
    await plainTree(base, 3, 3);
    const other = await ZkClient.connect({ connectString });
    try {
      const mine = [(await client.create(`${base}/g0/mine`, null, { mode: 'ephemeral' })).path, (await client.create(`${base}/g2/leaf-1/seq-`, null, { mode: 'ephemeralSequential' })).path];
      const theirs = (await other.create(`${base}/g1/theirs`, null, { mode: 'ephemeral' })).path;
      const result = await findEphemerals(client, [client.sessionId, other.sessionId, 0x1234n], { roots: [base] });
      assert.deepEqual(result.bySession.get(client.sessionId), mine.sort());
      assert.deepEqual(result.bySession.get(other.sessionId), [theirs]);
      assert.deepEqual(result.bySession.get(0x1234n), []);
      assert.equal(result.visited, 1 + 3 + 9 + 3);
      assert.equal(result.truncated, false);
      assert.equal(result.cancelled, false);
    } finally {
      await other.close();
    }
  });
});
