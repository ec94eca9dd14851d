import * as assert from 'node:assert/strict';
import { ClusterInfo, type SendRequest } from '../../../src/server/clusterInfo';
import type { ChildrenAnswer } from '../../../src/server/script';
import { CHILDREN_REQUEST, CONNECTIONS_REQUEST, DESCRIBE_REQUEST, EXISTS_REQUEST, type ChildrenParams, type ConnectionsResult } from '../../../src/server/protocol';

interface Sent {
  method: string;
  params: unknown;
}

interface Deferred {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * Stands in for the LSP connection: records every request and answers with `answer`, or, when
 * `hold` is set, leaves the answer to the test (one Deferred per request, in order).
 */
class FakeExtension {
  readonly sent: Sent[] = [];
  readonly held: Deferred[] = [];
  hold = false;
  answer: (method: string, params: unknown) => unknown = () => null;

  readonly send: SendRequest = <R>(method: string, params?: unknown): Promise<R> => {
    this.sent.push({ method, params });
    if (this.hold) return new Promise<R>((resolve, reject) => this.held.push({ resolve: (v) => resolve(v as R), reject }));
    try {
      const value = this.answer(method, params);
      return value instanceof Error ? Promise.reject(value) : Promise.resolve(value as R);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };

  count(method: string): number {
    return this.sent.filter((s) => s.method === method).length;
  }
}

/** Children answers from a small tree per connection ('' is what the active connection answers). */
function childrenFrom(trees: Record<string, Record<string, string[]>>): (method: string, params: unknown) => unknown {
  return (method, params) => {
    assert.equal(method, CHILDREN_REQUEST);
    const { connection, path } = params as ChildrenParams;
    const children = trees[connection ?? '']?.[path];
    return { connection: connection ?? 'active', children: children ?? null };
  };
}

/** The names of an answer (what most of these tests look at). */
function namesOf(answer: Promise<ChildrenAnswer | undefined>): Promise<readonly string[] | undefined> {
  return answer.then((a) => a?.names);
}

describe('server/ClusterInfo', () => {
  let fake: FakeExtension;
  let now: number;
  let info: ClusterInfo;

  beforeEach(() => {
    fake = new FakeExtension();
    now = 1_000_000;
    info = new ClusterInfo(fake.send, () => now);
  });

  describe('children', () => {
    beforeEach(() => {
      fake.answer = childrenFrom({
        '': { '/': ['app', 'zookeeper'], '/app': ['a', 'b'] },
        prod: { '/': ['prod-only'], '/app': ['p1'] },
        test: { '/app': ['t1'] },
      });
    });

    it('asks once per connection and path, then serves the cache', async () => {
      assert.deepEqual(await namesOf(info.childrenOf(undefined, '/app')), ['a', 'b']);
      assert.deepEqual(await namesOf(info.childrenOf(undefined, '/app')), ['a', 'b']);
      assert.deepEqual(fake.sent, [{ method: CHILDREN_REQUEST, params: { path: '/app' } }], 'no connection param for the active connection');
      assert.deepEqual(info.stats, { hits: 1, requests: 1 });
      assert.deepEqual(await namesOf(info.childrenOf('prod', '/app')), ['p1']);
      assert.deepEqual(await namesOf(info.childrenOf('prod', '/app')), ['p1']);
      assert.deepEqual(fake.sent[1], { method: CHILDREN_REQUEST, params: { connection: 'prod', path: '/app' } });
      assert.equal(fake.count(CHILDREN_REQUEST), 2);
      assert.deepEqual(info.stats, { hits: 2, requests: 2 });
    });

    it('"" names the active connection as undefined does: the same entry', async () => {
      await namesOf(info.childrenOf('', '/app'));
      await namesOf(info.childrenOf(undefined, '/app'));
      assert.equal(fake.count(CHILDREN_REQUEST), 1);
      assert.deepEqual(fake.sent[0].params, { path: '/app' });
    });

    describe('by typed prefix', () => {
      /** Answers like the extension: the names starting with the prefix (ignoring case), at most `limit`, and how many match. */
      const limited = (names: string[], limit: number) => (method: string, params: unknown) => {
        assert.equal(method, CHILDREN_REQUEST);
        const prefix = ((params as ChildrenParams).prefix ?? '').toLowerCase();
        const matching = names.filter((n) => n.toLowerCase().startsWith(prefix));
        return { connection: 'prod', children: matching.slice(0, limit), total: matching.length };
      };
      const prefixesSent = (): (string | undefined)[] => fake.sent.map((s) => (s.params as ChildrenParams).prefix);

      it('sends the prefix; an answer that was not cut serves every longer prefix, filtered here, whatever the case', async () => {
        fake.answer = limited(['Alpha', 'alpine', 'beta', 'alps-9'], 10);
        assert.deepEqual(await info.childrenOf('prod', '/app', 'al'), { names: ['Alpha', 'alpine', 'alps-9'], total: 3 });
        assert.deepEqual(await info.childrenOf('prod', '/app', 'ALP'), { names: ['Alpha', 'alpine', 'alps-9'], total: 3 });
        assert.deepEqual(await info.childrenOf('prod', '/app', 'alpi'), { names: ['alpine'], total: 1 });
        assert.deepEqual(await info.childrenOf('prod', '/app', 'alpx'), { names: [], total: 0 });
        assert.deepEqual(prefixesSent(), ['al']);
        // A shorter prefix than any answer asked for is asked.
        assert.deepEqual(await info.childrenOf('prod', '/app', ''), { names: ['Alpha', 'alpine', 'beta', 'alps-9'], total: 4 });
        assert.deepEqual(prefixesSent(), ['al', undefined], 'nothing typed: no prefix parameter');
      });

      it('a cut answer is asked again for each longer prefix (the names it left out may be the ones that match), then served once not cut', async () => {
        const names = Array.from({ length: 50 }, (_, i) => `child-${String(i).padStart(2, '0')}`);
        fake.answer = limited(names, 5);
        assert.deepEqual(await info.childrenOf('prod', '/big', ''), { names: names.slice(0, 5), total: 50 });
        assert.deepEqual(await info.childrenOf('prod', '/big', ''), { names: names.slice(0, 5), total: 50 }, 'the same prefix again: cached');
        assert.deepEqual(await info.childrenOf('prod', '/big', 'child-4'), { names: names.slice(40, 45), total: 10 });
        assert.deepEqual(await info.childrenOf('prod', '/big', 'child-49'), { names: ['child-49'], total: 1 });
        assert.deepEqual(await info.childrenOf('prod', '/big', 'child-49x'), { names: [], total: 0 });
        assert.deepEqual(prefixesSent(), [undefined, 'child-4', 'child-49']);
      });

      it('an invalidation of the path forgets every prefix of it', async () => {
        fake.answer = limited(['a1', 'a2', 'b1'], 10);
        await info.childrenOf('prod', '/app', 'a');
        await info.childrenOf('prod', '/app', 'b');
        info.invalidate({ connection: 'prod', path: '/app' });
        fake.answer = limited(['a1', 'a2', 'a3', 'b1'], 10);
        assert.deepEqual(await info.childrenOf('prod', '/app', 'a'), { names: ['a1', 'a2', 'a3'], total: 3 });
        assert.deepEqual(await info.childrenOf('prod', '/app', 'a3'), { names: ['a3'], total: 1 });
        assert.deepEqual(prefixesSent(), ['a', 'b', 'a']);
      });
    });

    it('concurrent calls share one request', async () => {
      fake.hold = true;
      const calls = [namesOf(info.childrenOf('prod', '/app')), namesOf(info.childrenOf('prod', '/app')), namesOf(info.childrenOf('prod', '/app'))];
      assert.equal(fake.sent.length, 1);
      fake.held[0].resolve({ connection: 'prod', children: ['x'] });
      assert.deepEqual(await Promise.all(calls), [['x'], ['x'], ['x']]);
    });

    it('null children (no such node, not connected) are undefined and not cached', async () => {
      assert.equal(await namesOf(info.childrenOf(undefined, '/missing')), undefined);
      assert.equal(await namesOf(info.childrenOf(undefined, '/missing')), undefined);
      assert.equal(fake.count(CHILDREN_REQUEST), 2, 'the next keystroke asks again');
      assert.equal(await namesOf(info.childrenOf('nowhere', '/')), undefined, 'an unknown connection answers null too');
    });

    it('a failed request is undefined and not cached', async () => {
      fake.answer = () => new Error('the extension host went away');
      assert.equal(await namesOf(info.childrenOf('prod', '/app')), undefined);
      fake.answer = childrenFrom({ prod: { '/app': ['back'] } });
      assert.deepEqual(await namesOf(info.childrenOf('prod', '/app')), ['back']);
      assert.equal(fake.count(CHILDREN_REQUEST), 2);
    });

    it('an empty list is an answer, and cached', async () => {
      fake.answer = () => ({ connection: 'prod', children: [] });
      assert.deepEqual(await namesOf(info.childrenOf('prod', '/leaf')), []);
      assert.deepEqual(await namesOf(info.childrenOf('prod', '/leaf')), []);
      assert.equal(fake.count(CHILDREN_REQUEST), 1);
    });

    it('children do not expire with time: only an invalidation forgets them', async () => {
      await namesOf(info.childrenOf('prod', '/app'));
      now += 24 * 60 * 60 * 1000;
      await namesOf(info.childrenOf('prod', '/app'));
      assert.equal(fake.count(CHILDREN_REQUEST), 1);
    });

    describe('invalidate', () => {
      /** Fills the cache with every (connection, path) pair below, then invalidates and says which are asked again. */
      async function reaskedAfter(params: Parameters<ClusterInfo['invalidate']>[0]): Promise<string[]> {
        const keys: [string | undefined, string][] = [
          [undefined, '/app'],
          [undefined, '/'],
          ['prod', '/app'],
          ['prod', '/'],
          ['test', '/app'],
        ];
        for (const [c, p] of keys) await namesOf(info.childrenOf(c, p));
        const before = fake.sent.length;
        info.invalidate(params);
        for (const [c, p] of keys) await namesOf(info.childrenOf(c, p));
        return fake.sent.slice(before).map((s) => {
          const { connection, path } = s.params as ChildrenParams;
          return `${connection ?? ''}::${path}`;
        });
      }

      it('connection and path: that entry, and the active connection’s entry for the path (it may be that connection)', async () => {
        assert.deepEqual(await reaskedAfter({ connection: 'prod', path: '/app' }), ['::/app', 'prod::/app']);
      });

      it('children entries go for the exact path only, not for descendants', async () => {
        fake.answer = childrenFrom({ prod: { '/app': ['a'], '/app/a': ['x'], '/application': [] } });
        await namesOf(info.childrenOf('prod', '/app'));
        await namesOf(info.childrenOf('prod', '/app/a'));
        await namesOf(info.childrenOf('prod', '/application'));
        info.invalidate({ connection: 'prod', path: '/app' });
        await namesOf(info.childrenOf('prod', '/app'));
        await namesOf(info.childrenOf('prod', '/app/a'));
        await namesOf(info.childrenOf('prod', '/application'));
        assert.deepEqual(
          fake.sent.slice(3).map((s) => (s.params as ChildrenParams).path),
          ['/app'],
        );
        info.invalidate({ connection: 'prod', path: '/' });
        await namesOf(info.childrenOf('prod', '/app'));
        assert.equal(fake.sent.length, 4, 'invalidating "/" is about the children of the root only');
      });

      it('connection only: every entry of it and of the active connection', async () => {
        assert.deepEqual(await reaskedAfter({ connection: 'prod' }), ['::/app', '::/', 'prod::/app', 'prod::/']);
      });

      it('path only: that path under every connection', async () => {
        assert.deepEqual(await reaskedAfter({ path: '/app' }), ['::/app', 'prod::/app', 'test::/app']);
      });

      it('nothing named: everything', async () => {
        assert.deepEqual(await reaskedAfter({}), ['::/app', '::/', 'prod::/app', 'prod::/', 'test::/app']);
      });

      it('an invalidation while a request is in flight: later calls ask again, not the stale answer', async () => {
        fake.hold = true;
        const stale = namesOf(info.childrenOf('prod', '/app'));
        info.invalidate({ connection: 'prod', path: '/app' });
        const fresh = namesOf(info.childrenOf('prod', '/app'));
        assert.equal(fake.sent.length, 2);
        fake.held[0].resolve({ connection: 'prod', children: ['old'] });
        fake.held[1].resolve({ connection: 'prod', children: ['old', 'new'] });
        assert.deepEqual(await stale, ['old']);
        assert.deepEqual(await fresh, ['old', 'new']);
        assert.deepEqual(await namesOf(info.childrenOf('prod', '/app')), ['old', 'new']);
        assert.equal(fake.sent.length, 2);
      });

      it('a request from before an invalidation that comes back empty-handed does not drop the newer entry', async () => {
        fake.hold = true;
        const first = namesOf(info.childrenOf('prod', '/app'));
        info.invalidate({ connection: 'prod', path: '/app' });
        const second = namesOf(info.childrenOf('prod', '/app'));
        fake.held[1].resolve({ connection: 'prod', children: ['now'] });
        assert.deepEqual(await second, ['now']);
        fake.held[0].resolve({ connection: 'prod', children: null }); // e.g. answered while reconnecting
        assert.equal(await first, undefined);
        fake.hold = false;
        fake.answer = () => ({ connection: 'prod', children: ['asked again'] });
        assert.deepEqual(await namesOf(info.childrenOf('prod', '/app')), ['now']);
        assert.equal(fake.sent.length, 2, 'the newer answer stays cached');
      });

      it('a request from before an invalidation that fails does not drop the newer entry', async () => {
        fake.hold = true;
        const first = namesOf(info.childrenOf('test', '/app'));
        info.invalidate({ connection: 'test' });
        const second = namesOf(info.childrenOf('test', '/app'));
        fake.held[1].resolve({ connection: 'test', children: ['t'] });
        assert.deepEqual(await second, ['t']);
        fake.held[0].reject(new Error('lost'));
        assert.equal(await first, undefined);
        fake.hold = false;
        fake.answer = () => ({ connection: 'test', children: ['asked again'] });
        assert.deepEqual(await namesOf(info.childrenOf('test', '/app')), ['t']);
        assert.equal(fake.sent.length, 2, 'the newer answer stays cached');
      });
    });
  });

  describe('exists and describe: short-lived', () => {
    it('exists asks with one path, caches the answer for 5 s by the injected clock', async () => {
      fake.answer = (method, params) => {
        assert.equal(method, EXISTS_REQUEST);
        return (params as { paths: string[] }).paths.map((p) => p === '/app');
      };
      assert.equal(await info.existsOf('prod', '/app'), true);
      assert.deepEqual(fake.sent[0], { method: EXISTS_REQUEST, params: { paths: ['/app'], connection: 'prod' } });
      assert.equal(await info.existsOf(undefined, '/nope'), false);
      assert.deepEqual(fake.sent[1].params, { paths: ['/nope'] });
      now += 4999;
      assert.equal(await info.existsOf('prod', '/app'), true);
      assert.equal(fake.count(EXISTS_REQUEST), 2, 'within 5 s: cached');
      now += 1;
      assert.equal(await info.existsOf('prod', '/app'), true);
      assert.equal(fake.count(EXISTS_REQUEST), 3, 'after 5 s: asked again');
    });

    it('exists: null (unknown) and a failed request are undefined, kept for the same short time', async () => {
      fake.answer = () => [null];
      assert.equal(await info.existsOf('prod', '/app'), undefined);
      fake.answer = () => new Error('no extension');
      assert.equal(await info.existsOf('prod', '/other'), undefined);
      fake.answer = () => [true];
      assert.equal(await info.existsOf('prod', '/app'), undefined, 'still the cached "unknown"');
      now += 5000;
      assert.equal(await info.existsOf('prod', '/app'), true);
      assert.equal(await info.existsOf('prod', '/other'), true);
    });

    it('describe asks for the Markdown, caches it for 5 s; null is undefined', async () => {
      fake.answer = (method, params) => {
        assert.equal(method, DESCRIBE_REQUEST);
        const { path } = params as { path: string };
        return path === '/app' ? `**${path}** 3 children` : null;
      };
      assert.equal(await info.describe('prod', '/app'), '**/app** 3 children');
      assert.equal(await info.describe('prod', '/app'), '**/app** 3 children');
      assert.equal(await info.describe(undefined, '/gone'), undefined);
      assert.deepEqual(fake.sent, [
        { method: DESCRIBE_REQUEST, params: { path: '/app', connection: 'prod' } },
        { method: DESCRIBE_REQUEST, params: { path: '/gone' } },
      ]);
      now += 5000;
      await info.describe('prod', '/app');
      assert.equal(fake.count(DESCRIBE_REQUEST), 3);
    });

    it('invalidate drops exists and describe answers for the path and everything below it', async () => {
      fake.answer = (method) => (method === EXISTS_REQUEST ? [true] : 'text');
      const paths = ['/app', '/app/a', '/app/a/b', '/application', '/other'];
      for (const p of paths) {
        await info.existsOf('prod', p);
        await info.describe('prod', p);
      }
      const asked = (): string[] =>
        fake.sent.splice(0).map((s) => (s.method === EXISTS_REQUEST ? `exists ${(s.params as { paths: string[] }).paths[0]}` : `describe ${(s.params as { path: string }).path}`));
      asked();
      info.invalidate({ connection: 'prod', path: '/app' });
      for (const p of paths) {
        await info.existsOf('prod', p);
        await info.describe('prod', p);
      }
      assert.deepEqual(asked(), ['exists /app', 'describe /app', 'exists /app/a', 'describe /app/a', 'exists /app/a/b', 'describe /app/a/b']);
      info.invalidate({ connection: 'prod', path: '/' });
      for (const p of paths) await info.existsOf('prod', p);
      assert.equal(asked().length, paths.length, '"/" is every path');
      info.invalidate({ connection: 'test' });
      for (const p of paths) await info.existsOf('prod', p);
      assert.deepEqual(asked(), [], 'another connection’s invalidation keeps them');
    });
  });

  describe('connections', () => {
    it('returns what the extension lists', async () => {
      const list: ConnectionsResult = [
        { name: 'prod', active: true, readOnly: true },
        { name: 'test', active: false, readOnly: false },
      ];
      fake.answer = (method, params) => {
        assert.equal(method, CONNECTIONS_REQUEST);
        assert.equal(params, undefined);
        return list;
      };
      assert.deepEqual(await info.connections(), list);
    });

    it('is kept a few seconds (every check of a script asks), and asked again once the connections change', async () => {
      fake.answer = () => [{ name: 'prod', active: true, readOnly: false }];
      await info.connections();
      now += 4_000;
      await info.connections();
      assert.equal(fake.count(CONNECTIONS_REQUEST), 1, 'typing does not ask on each check');
      // The extension says the connections changed (added, removed, renamed): no connection named.
      info.invalidate({});
      await info.connections();
      assert.equal(fake.count(CONNECTIONS_REQUEST), 2);
      // A change of one connection's nodes keeps the list.
      info.invalidate({ connection: 'prod', path: '/app' });
      await info.connections();
      assert.equal(fake.count(CONNECTIONS_REQUEST), 2);
      now += 5_000;
      await info.connections();
      assert.equal(fake.count(CONNECTIONS_REQUEST), 3, 'settings may change without a word: asked again after a few seconds');
    });

    it('a failed request is an empty list, and not kept', async () => {
      fake.answer = () => new Error('no handler');
      assert.deepEqual(await info.connections(), []);
      fake.answer = () => [{ name: 'prod', active: true, readOnly: false }];
      assert.deepEqual(await info.connections(), [{ name: 'prod', active: true, readOnly: false }]);
    });
  });
});
