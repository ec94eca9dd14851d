import { formatHex64 } from '../stat';
import type { Participant, RecipeAnalysis } from './types';

/** A participant as a JSON-safe object (the session id as 0x… hex, like the Stat document). */
export interface PlainParticipant {
  name: string;
  path: string;
  sequence: number | null;
  session: string | null;
  data: string | null;
  ageMs: number;
  role: string | null;
  address: string | null;
}

export interface PlainRecipe {
  path: string;
  kind: RecipeAnalysis['kind'];
  library: string | null;
  recipe: string | null;
  summary: string;
  holders: PlainParticipant[];
  leader: PlainParticipant | null;
  waiters: { participant: PlainParticipant; waitsOn: string | null }[];
  participants: PlainParticipant[];
  notes: string[];
}

export function plainParticipant(p: Participant): PlainParticipant {
  return {
    name: p.name,
    path: p.path,
    sequence: p.sequence ?? null,
    session: p.sessionId === 0n ? null : formatHex64(p.sessionId),
    data: p.data ?? null,
    ageMs: p.ageMs,
    role: p.role ?? null,
    address: p.address ?? null,
  };
}

/** The analysis as a plain object for commands and automation (no bigints, no undefined). */
export function plainRecipe(path: string, analysis: RecipeAnalysis): PlainRecipe {
  return {
    path,
    kind: analysis.kind,
    library: analysis.library ?? null,
    recipe: analysis.recipe ?? null,
    summary: analysis.summary,
    holders: analysis.holders.map(plainParticipant),
    leader: analysis.leader ? plainParticipant(analysis.leader) : null,
    waiters: analysis.waiters.map((w) => ({ participant: plainParticipant(w.participant), waitsOn: w.waitsOn?.path ?? null })),
    participants: analysis.participants.map(plainParticipant),
    notes: [...analysis.notes],
  };
}
