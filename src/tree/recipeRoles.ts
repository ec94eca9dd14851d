import { t } from '../zk/l10n';
import { baseName } from '../zk/paths';
import { label } from '../zk/recipes/participants';
import type { Participant, RecipeAnalysis } from '../zk/recipes/types';

const who = (participant: Participant): string => label(participant, 40);

/** What a child does in its parent's recipe, in a few words for the tree (through src/zk's seam: no vscode here). */
export function describeRole(analysis: RecipeAnalysis, path: string): string | undefined {
  const participant = analysis.participants.find((p) => p.path === path);
  if (!participant) return undefined;
  if (analysis.kind === 'serviceRegistry') return participant.address ? t('instance: {0}', participant.address) : t('instance');
  if (analysis.leader?.path === path) return t('leader: {0}', who(participant));
  if (analysis.holders.some((h) => h.path === path)) {
    return analysis.kind === 'semaphore' ? t('holds a lease: {0}', who(participant)) : t('holds: {0}', who(participant));
  }
  const waiter = analysis.waiters.find((w) => w.participant.path === path);
  if (waiter) return waiter.waitsOn ? t('waiting on {0}', baseName(waiter.waitsOn.path)) : t('waiting');
  if (participant.takenBy) return t('taken');
  return undefined;
}
