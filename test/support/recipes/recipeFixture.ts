// Shared setup of the recipe-recognition suites (test/unit/zk/recipes/{curator,kazoo,zookeeperRecipes}.test.ts):
// one ZkClient on the shared ZooKeeper, a per-suite base path, a participant launcher and an
// analyze() helper, both relative to that base; participants are stopped after every test.
import { ZkClient } from '../../../src/zk/client';
import { analyzeNode, type RecipeAnalysis } from '../../../src/zk/recipes/analyze';
import { sharedZooKeeper } from '../zookeeper';
import { startParticipant, stopAllParticipants, type RecipeLibraryName, type RecipeProcess } from './participants';

export const sessionOf = (proc: RecipeProcess): bigint => BigInt(proc.session);
export const sessions = (list: { sessionId: bigint }[]): bigint[] => list.map((p) => p.sessionId);
export const ids = (list: { data: string | undefined }[]): (string | undefined)[] => list.map((p) => p.data);

export interface RecipeFixture {
  /** Starts a participant of `library` running `recipe` on `${base}${path}`. */
  participant: (recipe: string, path: string, id?: string, args?: string[]) => Promise<RecipeProcess>;
  /** analyzeNode() on `${base}${path}`. */
  analyze: (path: string) => Promise<RecipeAnalysis>;
}

/**
 * Call inside a mocha describe(): registers the before/afterEach/after hooks and returns the helpers.
 * `basePrefix` names the suite's base path: `/${basePrefix}-<pid>-<now>`.
 */
export function useRecipeFixture(library: RecipeLibraryName, basePrefix: string): RecipeFixture {
  let client: ZkClient | undefined;
  let connectString = '';
  const base = `/${basePrefix}-${process.pid}-${Date.now()}`;

  before(async () => {
    connectString = (await sharedZooKeeper()).connectString;
    client = await ZkClient.connect({ connectString });
  });
  afterEach(stopAllParticipants);
  after(async () => {
    await stopAllParticipants();
    await client?.close();
  });

  return {
    participant: (recipe, path, id, args) =>
      startParticipant({ library, recipe, path: `${base}${path}`, id, connectString, args }),
    analyze: (path) => {
      if (!client) throw new Error('recipe fixture: not connected (analyze() called outside a test)');
      return analyzeNode(client, `${base}${path}`);
    },
  };
}
