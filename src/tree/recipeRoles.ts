import { baseName } from '../zk/paths';
import { label } from '../zk/recipes/participants';
import type { Participant, RecipeAnalysis } from '../zk/recipes/types';

const who = (participant: Participant): string => label(participant, 40);

/** What a child does in its parent's recipe, in a few words for the tree. */
export function describeRole(analysis: RecipeAnalysis, path: string): string | undefined {
  const participant = analysis.participants.find((p) => p.path === path);
  if (!participant) return undefined;
  if (analysis.kind === 'serviceRegistry') return participant.address ? `instance: ${participant.address}` : 'instance';
  if (analysis.leader?.path === path) return `leader: ${who(participant)}`;
  if (analysis.holders.some((h) => h.path === path)) {
    return analysis.kind === 'semaphore' ? `holds a lease: ${who(participant)}` : `holds: ${who(participant)}`;
  }
  const waiter = analysis.waiters.find((w) => w.participant.path === path);
  if (waiter) return waiter.waitsOn ? `waiting on ${baseName(waiter.waitsOn.path)}` : 'waiting';
  if (participant.takenBy) return 'taken';
  return undefined;
}
