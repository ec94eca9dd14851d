import { looksLikeElectionPath } from './curator';
import { allHold, dataText, exclusive, plural, readWrite, type Base } from './participants';
import type { ChildNode, Participant, RecipeAnalysis } from './types';
import { t } from '../l10n';

const LOCK = /^[0-9a-f]{32}(__lock__|__rlock__)-?\d{9,10}$/;
const PARTY = /^[0-9a-f]{32}__party__$/;
const SHALLOW_PARTY = /^[0-9a-f]{32}-./;
const SEMAPHORE = /^[0-9a-f]{32}$/;
const QUEUE = /^entry-(\d{3})-(-?\d{9,10})$/;

/** Recognizes kazoo's Lock / Election, ReadLock / WriteLock, Semaphore, Party, ShallowParty and Queue. */
export function recognizeKazoo(parentPath: string, participants: Participant[], parentData: Uint8Array | undefined, taken?: readonly ChildNode[]): RecipeAnalysis | undefined {
  if (participants.length === 0) return undefined;
  const all = (re: RegExp): boolean => participants.every((p) => re.test(p.name));
  const ephemeral = participants.every((p) => p.sessionId !== 0n);
  const base = (recipe: string, kind: Base['kind'], notes: string[] = []): Base => ({ kind, library: 'kazoo', recipe, participants, notes });

  if (all(LOCK) && ephemeral) {
    if (participants.some((p) => p.name.includes('__rlock__'))) {
      return readWrite(base('kazoo ReadLock/WriteLock', 'readWriteLock'), (p) => !p.name.includes('__rlock__'), false);
    }
    if (looksLikeElectionPath(parentPath)) {
      return exclusive(base('kazoo Election', 'leaderElection', ['kazoo Election and Lock make the same nodes; read as an election from the path name.']), true);
    }
    return exclusive(base('kazoo Lock', 'lock', [t('A kazoo Election makes the same nodes (its lock holder is the leader).')]), false);
  }
  if (all(PARTY) && ephemeral) return allHold(base('kazoo Party', 'party'), t('party: {0}', plural(participants.length, 'member')));
  if (all(SEMAPHORE) && ephemeral) {
    const max = dataText(parentData)?.trim();
    const maxLeases = max !== undefined && /^\d+$/.test(max) ? Number(max) : undefined;
    const summary = maxLeases !== undefined ? t('semaphore: {0}/{1} leases', participants.length, maxLeases) : t('semaphore: {0}', plural(participants.length, 'lease'));
    return allHold(base('kazoo Semaphore', 'semaphore'), summary);
  }
  if (all(SHALLOW_PARTY) && ephemeral && !participants.every((p) => p.sequence !== undefined)) return allHold(base('kazoo ShallowParty', 'party'), t('party: {0}', plural(participants.length, 'member')));
  if (all(QUEUE) && participants.every((p) => p.sessionId === 0n)) {
    const priority = (p: Participant): number => Number(QUEUE.exec(p.name)?.[1] ?? 0);
    participants.sort((a, b) => priority(a) - priority(b) || (a.sequence ?? 0) - (b.sequence ?? 0));
    for (const p of participants) p.role = `priority ${priority(p)}`;
    const summary = t('queue: {0}', plural(participants.length, 'item'));
    if (taken === undefined) return { ...base('kazoo Queue', 'queue'), notes: [], holders: [], waiters: [], summary };
    const takers = new Map(taken.map((t) => [t.name, t]));
    const holders: Participant[] = [];
    for (const p of participants) {
      const taker = takers.get(p.name);
      if (taker === undefined) continue;
      p.takenBy = { sessionId: taker.stat.ephemeralOwner, data: dataText(taker.data) };
      holders.push(p);
    }
    return { ...base('kazoo LockingQueue', 'queue'), notes: [], holders, waiters: [], summary: t('{0}, {1} taken', summary, holders.length) };
  }
  return undefined;
}
