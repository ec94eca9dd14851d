import { parseSequence } from '../paths';
import { allHold, exclusive, plural, readWrite, type Base } from './participants';
import type { Participant, RecipeAnalysis } from './types';
import { t } from '../l10n';

/** Curator's protected names: "_c_" + a 36-character UUID + "-" + the recipe's name. */
const PROTECTED = /^_c_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-(.*)$/;

/** The recipe's own name inside a protected sequential name ("lock-", "latch-", "__READ__"…). */
function recipeName(name: string): string | undefined {
  const match = PROTECTED.exec(name);
  return match ? parseSequence(match[1])?.prefix : undefined;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6 = /^[0-9a-f:]+(%\w+)?$/i;

/** Curator's default node data is the client's local address. */
export function isDefaultCuratorData(text: string | undefined): boolean {
  return text !== undefined && (IPV4.test(text) || (text.includes(':') && IPV6.test(text)));
}

export function looksLikeElectionPath(path: string): boolean {
  return /leader|elect/i.test(path.slice(path.lastIndexOf('/') + 1)) || /\/(leader|election)s?\//i.test(`${path}/`);
}

/** Recognizes InterProcessMutex, LeaderSelector, LeaderLatch, InterProcessReadWriteLock and InterProcessSemaphoreV2's leases. */
export function recognizeCurator(parentPath: string, participants: Participant[]): RecipeAnalysis | undefined {
  if (participants.length === 0) return undefined;
  const names = new Set<string>();
  for (const p of participants) {
    const own = recipeName(p.name);
    if (own === undefined) return undefined;
    names.add(own);
  }
  const only = names.size === 1 ? [...names][0] : undefined;
  const base = (recipe: string, notes: string[] = []): Base => ({ kind: 'unknown', library: 'curator', recipe, participants, notes });
  if (only === 'lock-') {
    const defaultData = participants.every((p) => isDefaultCuratorData(p.data));
    if (!defaultData) {
      return exclusive({ ...base('Curator LeaderSelector'), kind: 'leaderElection' }, true);
    }
    if (looksLikeElectionPath(parentPath)) {
      const notes = [t('Curator LeaderSelector and InterProcessMutex make the same nodes; read as an election from the path name.')];
      return exclusive({ ...base('Curator LeaderSelector', notes), kind: 'leaderElection' }, true);
    }
    const notes = [t('A Curator LeaderSelector without a participant id makes the same nodes.')];
    return exclusive({ ...base('Curator InterProcessMutex', notes), kind: 'lock' }, false);
  }
  if (only === 'latch-') return exclusive({ ...base('Curator LeaderLatch'), kind: 'leaderLatch' }, true);
  if (only === 'lease-') {
    return allHold({ ...base('Curator InterProcessSemaphoreV2'), kind: 'semaphore' }, t('semaphore: {0}', plural(participants.length, 'lease')));
  }
  if ([...names].every((n) => n === '__READ__' || n === '__WRIT__')) {
    return readWrite({ ...base('Curator InterProcessReadWriteLock'), kind: 'readWriteLock' }, (p) => recipeName(p.name) === '__WRIT__', true);
  }
  return undefined;
}
