import { allHold, exclusive, plural, readWrite, type Base } from './participants';
import type { Participant, RecipeAnalysis } from './types';
import { t } from '../l10n';

const SEQ = '(-?\\d{9,10})$';
const WRITE_LOCK = new RegExp(`^x--?\\d+-${SEQ}`);
const LOCK = new RegExp(`(^|-)lock-${SEQ}`);
const READ_WRITE = new RegExp(`(^|-)(read|write)-${SEQ}`);
const ELECTION = new RegExp(`(^|-)n_${SEQ}`);
const QUEUE = new RegExp(`^(queue-|qn-)${SEQ}`);

/** Recognizes the recipes of ZooKeeper's recipes page and its shipped recipe code. */
export function recognizeZooKeeper(_parentPath: string, participants: Participant[]): RecipeAnalysis | undefined {
  if (participants.length === 0) return undefined;
  const all = (re: RegExp): boolean => participants.every((p) => re.test(p.name));
  const ephemeral = participants.every((p) => p.sessionId !== 0n);
  const base = (recipe: string, kind: Base['kind'], library: Base['library'] | null = 'zookeeper', notes: string[] = []): Base => ({ kind, library: library ?? undefined, recipe, participants, notes });

  if (all(WRITE_LOCK) && ephemeral) return exclusive(base('ZooKeeper WriteLock', 'lock'), false);
  if (all(LOCK) && ephemeral) return exclusive(base('ZooKeeper lock recipe', 'lock'), false);
  if (all(READ_WRITE) && ephemeral) {
    return readWrite(base('ZooKeeper read/write lock recipe', 'readWriteLock'), (p) => READ_WRITE.exec(p.name)?.[2] === 'write', false);
  }
  if (all(ELECTION) && ephemeral) {
    const shipped = participants.every((p) => p.name.startsWith('n_'));
    return exclusive(base(shipped ? 'ZooKeeper LeaderElectionSupport' : 'ZooKeeper election recipe', 'leaderElection'), true);
  }
  if (all(QUEUE) && participants.every((p) => p.sessionId === 0n)) {
    const qn = participants.every((p) => p.name.startsWith('qn-'));
    const notes = [qn ? t("Curator's SimpleDistributedQueue and ZooKeeper's DistributedQueue make the same nodes.") : t("Curator's DistributedQueue and ZooKeeper's queue recipe make the same nodes.")];
    const analysis = allHold(base(qn ? 'SimpleDistributedQueue / DistributedQueue' : 'DistributedQueue / queue recipe', 'queue', null, notes), t('queue: {0}', plural(participants.length, 'item')));
    return { ...analysis, holders: [] };
  }
  return undefined;
}
