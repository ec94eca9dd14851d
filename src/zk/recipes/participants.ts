import { joinPath, sequenceOf } from '../paths';
import type { ChildNode, Participant, RecipeAnalysis, RecipeKind, RecipeLibrary, Waiter } from './types';
import { t } from '../l10n';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The data as text when it is valid UTF-8 without control characters other than whitespace. */
export function dataText(data: Uint8Array | undefined): string | undefined {
  if (data === undefined || data.length === 0) return undefined;
  try {
    const text = utf8.decode(data);
    // eslint-disable-next-line no-control-regex
    return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

export function toParticipant(parentPath: string, child: ChildNode, now: number): Participant {
  return {
    name: child.name,
    path: joinPath(parentPath, child.name),
    sequence: sequenceOf(child.name),
    sessionId: child.stat.ephemeralOwner,
    data: dataText(child.data),
    ageMs: Math.max(0, now - child.stat.ctime),
  };
}

/** Numeric sequence order (never the plain name order); ties and names without a sequence by name. */
export function bySequence(a: Participant, b: Participant): number {
  if (a.sequence !== undefined && b.sequence !== undefined && a.sequence !== b.sequence) return a.sequence - b.sequence;
  if (a.sequence !== undefined && b.sequence === undefined) return -1;
  if (a.sequence === undefined && b.sequence !== undefined) return 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** What a participant is called in a summary: its data (id or address) when it is short text, else its node name. */
export function label(p: Participant, maxLength = 80): string {
  const text = p.data?.trim();
  return text && text.length <= maxLength && !text.includes('\n') ? text : p.name;
}

export interface Base {
  kind: RecipeKind;
  library: RecipeLibrary | undefined;
  recipe: string | undefined;
  participants: Participant[];
  notes?: string[];
}

/** An exclusive sequential lock: the lowest holds, each waiter watches the node just before it. */
export function exclusive(base: Base, asLeader: boolean): RecipeAnalysis {
  const [first, ...rest] = base.participants;
  const waiters: Waiter[] = rest.map((participant, i) => ({ participant, waitsOn: base.participants[i] }));
  const holders = first ? [first] : [];
  let summary: string;
  if (asLeader) {
    const n = base.participants.length;
    summary = first ? (n === 1 ? t('leader: {0} ({1} candidate)', label(first), n) : t('leader: {0} ({1} candidates)', label(first), n)) : t('leader: none');
  } else {
    summary = first ? t('lock: held by {0}, {1} waiting', label(first), waiters.length) : t('lock: free');
  }
  return { ...base, notes: base.notes ?? [], holders, ...(asLeader && first ? { leader: first } : {}), waiters, summary };
}

/**
 * A read/write lock in sequence order. A writer waits on the node just before it (any kind); a reader
 * on the last writer before it, or with `readerWatchesFirstWriter` (Curator) on the first writer.
 * A participant without anything to wait on holds.
 */
export function readWrite(base: Base, isWriter: (p: Participant) => boolean, readerWatchesFirstWriter: boolean): RecipeAnalysis {
  const holders: Participant[] = [];
  const waiters: Waiter[] = [];
  let firstWriter: Participant | undefined;
  let lastWriter: Participant | undefined;
  base.participants.forEach((p, i) => {
    const writer = isWriter(p);
    p.role = writer ? 'write' : 'read';
    const waitsOn = writer ? base.participants[i - 1] : readerWatchesFirstWriter ? firstWriter : lastWriter;
    if (waitsOn) waiters.push({ participant: p, waitsOn });
    else holders.push(p);
    if (writer) {
      firstWriter ??= p;
      lastWriter = p;
    }
  });
  let summary: string;
  if (holders.length === 0) summary = t('read/write lock: free');
  else if (isWriter(holders[0])) summary = t('read/write lock: write-held by {0}, {1} waiting', label(holders[0]), waiters.length);
  else summary = holders.length === 1 ? t('read/write lock: read-held by {0} reader, {1} waiting', holders.length, waiters.length) : t('read/write lock: read-held by {0} readers, {1} waiting', holders.length, waiters.length);
  return { ...base, notes: base.notes ?? [], holders, waiters, summary };
}

/** Every participant holds (a lease, a membership, a registration). */
export function allHold(base: Base, summary: string): RecipeAnalysis {
  return { ...base, notes: base.notes ?? [], holders: [...base.participants], waiters: [], summary };
}

/** The counted words of recipe summaries, each in the user's language (other words stay English). */
const COUNTED: Readonly<Record<string, (n: number) => string>> = {
  item: (n) => (n === 1 ? t('{0} item', n) : t('{0} items', n)),
  lease: (n) => (n === 1 ? t('{0} lease', n) : t('{0} leases', n)),
  member: (n) => (n === 1 ? t('{0} member', n) : t('{0} members', n)),
  instance: (n) => (n === 1 ? t('{0} instance', n) : t('{0} instances', n)),
};

export function plural(n: number, word: string): string {
  return COUNTED[word]?.(n) ?? `${n} ${word}${n === 1 ? '' : 's'}`;
}
