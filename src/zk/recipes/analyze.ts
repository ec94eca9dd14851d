import type { ZkClient } from '../client';
import { forEachLimit } from '../concurrency';
import { isZkError } from '../errors';
import { joinPath } from '../paths';
import { recognizeCurator } from './curator';
import { recognizeKazoo } from './kazoo';
import { bySequence, dataText, toParticipant } from './participants';
import { recognizeServiceRegistry } from './services';
import type { AnalyzeContext, ChildNode, RecipeAnalysis } from './types';
import { recognizeZooKeeper } from './zookeeperRecipes';
import { t } from '../l10n';

export type * from './types';

const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * Recognizes the coordination recipe whose nodes are `children` of `parentPath` (Curator, kazoo,
 * ZooKeeper's own recipes, or a plain service registry) and says who holds, leads and waits.
 * Participants are ordered by their numeric sequence suffix, never by the plain name. Anything
 * not recognized is reported as 'unknown', with the participants listed but no roles.
 */
export function analyzeChildren(parentPath: string, children: readonly ChildNode[], context: AnalyzeContext = {}): RecipeAnalysis {
  const now = context.now ?? Date.now();
  const fresh = () => children.map((c) => toParticipant(parentPath, c, now)).sort(bySequence);
  const recognized =
    recognizeCurator(parentPath, fresh()) ??
    recognizeKazoo(parentPath, fresh(), context.parentData, context.taken) ??
    recognizeZooKeeper(parentPath, fresh()) ??
    recognizeServiceRegistry(fresh());
  if (recognized) return recognized;

  const participants = fresh();
  if (participants.length === 0) {
    const value = dataText(context.parentData)?.trim();
    if (value !== undefined && NUMBER.test(value)) {
      return { kind: 'counter', library: 'kazoo', recipe: 'kazoo Counter', holders: [], waiters: [], participants, summary: t('counter: {0}', value), notes: [] };
    }
  }
  const n = participants.length;
  const summary = n === 0 ? t('no children') : n === 1 ? t('unknown pattern ({0} child)', n) : t('unknown pattern ({0} children)', n);
  return { kind: 'unknown', library: undefined, recipe: undefined, holders: [], waiters: [], participants, summary, notes: [] };
}

export interface AnalyzeNodeOptions {
  /** Reads in flight at once (the client pipelines them). Default 32. */
  concurrency?: number;
  /** Above this many children the data is not read (the children are still listed). Default 5000. */
  maxDataReads?: number;
  now?: number;
}

/**
 * Reads `path`'s data, children, and each child's stat and data (pipelined, bounded) and analyzes
 * them. Children that vanish between the listing and the read are left out.
 */
export async function analyzeNode(client: ZkClient, path: string, options: AnalyzeNodeOptions = {}): Promise<RecipeAnalysis> {
  const [{ children: names }, parent] = await Promise.all([client.getChildren(path), client.get(path)]);
  // Curator's InterProcessSemaphoreV2 (and InterProcessSemaphoreMutex) keep the leases one level down.
  if (names.includes('leases') && names.every((n) => n === 'leases' || n === 'locks')) {
    const leasesPath = joinPath(path, 'leases');
    const leases = analyzeChildren(leasesPath, await readChildren(client, leasesPath, undefined, options), { now: options.now });
    if (leases.kind === 'semaphore') return leases;
  }
  // kazoo's LockingQueue: the items under entries, the ones being processed marked under taken.
  if (names.length === 2 && names.includes('entries') && names.includes('taken')) {
    const entriesPath = joinPath(path, 'entries');
    const [entries, taken] = await Promise.all([readChildren(client, entriesPath, undefined, options), readChildren(client, joinPath(path, 'taken'), undefined, options)]);
    const queue = analyzeChildren(entriesPath, entries, { now: options.now, taken });
    if (queue.kind === 'queue') return queue;
  }
  return analyzeChildren(path, await readChildren(client, path, names, options), { parentData: parent.data, now: options.now });
}

/** Reads the children's stats and data (pipelined, bounded); children that vanish meanwhile are left out. */
async function readChildren(client: ZkClient, path: string, known: readonly string[] | undefined, options: AnalyzeNodeOptions): Promise<ChildNode[]> {
  const names = known ?? (await client.getChildren(path)).children;
  const readData = names.length <= (options.maxDataReads ?? 5000);
  const children: ChildNode[] = [];
  await forEachLimit(names, options.concurrency ?? 32, async (name) => {
    const childPath = joinPath(path, name);
    try {
      if (readData) {
        const { data, stat } = await client.get(childPath);
        children.push({ name, stat, data });
      } else {
        const stat = await client.exists(childPath);
        if (stat) children.push({ name, stat, data: undefined });
      }
    } catch (error) {
      if (!isZkError(error, 'NONODE')) throw error;
    }
  });
  return children;
}
