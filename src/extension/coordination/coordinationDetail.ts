import * as vscode from 'vscode';
import type { ZkClient } from '../../zk/client';
import { isZkError } from '../../zk/errors';
import { analyzeNode } from '../../zk/recipes/analyze';
import { plainRecipe, type PlainParticipant, type PlainRecipe } from '../../zk/recipes/plain';
import { findEphemerals } from '../../zk/recipes/scan';
import { formatHex64 } from '../../zk/stat';
import { formatAge } from '../../tree/coordinationItems';
import { describeRole } from '../../tree/recipeRoles';

export interface SessionEphemerals {
  session: string;
  /** This window's own session (listed by the server itself with getEphemerals). */
  own: boolean;
  ephemerals: string[];
  /** 'getEphemerals': the server's own list; 'walk': found by walking the tree (bounded, see complete). */
  source: 'getEphemerals' | 'walk';
  /** false when the walk stopped at its node limit: the session may own more. */
  complete: boolean;
}

export interface CoordinationDetail extends PlainRecipe {
  connection: string;
  readAt: string;
  /** Each participant's role in a few words, by path. */
  roles: Record<string, string>;
  sessions: SessionEphemerals[];
}

/**
 * Reads a recipe and, for every session taking part, the ephemeral nodes it owns: the server lists
 * them only for the caller's own session (getEphemerals), so other sessions' are found by a walk of
 * the tree, bounded by maxNodes.
 */
/** Other sessions' ephemeral nodes: found by a bounded walk (callers may cache the answer). */
export type EphemeralsLookup = (client: ZkClient, sessionIds: bigint[]) => Promise<Map<bigint, { paths: string[]; complete: boolean }>>;

export function walkForEphemerals(maxNodes: number): EphemeralsLookup {
  return async (client, sessionIds) => {
    const found = await findEphemerals(client, sessionIds, { roots: ['/'], maxNodes });
    return new Map(sessionIds.map((id) => [id, { paths: found.bySession.get(id) ?? [], complete: !found.truncated }]));
  };
}

export async function loadDetail(client: ZkClient, connection: string, path: string, ephemeralsOf: EphemeralsLookup): Promise<CoordinationDetail> {
  const analysis = await analyzeNode(client, path);
  const plain = plainRecipe(path, analysis);
  const roles: Record<string, string> = {};
  for (const p of analysis.participants) {
    const role = describeRole(analysis, p.path);
    if (role) roles[p.path] = role;
  }
  const sessionIds = [...new Set(analysis.participants.map((p) => p.sessionId).filter((id) => id !== 0n))];
  const sessions: SessionEphemerals[] = [];
  const others = sessionIds.filter((id) => id !== client.sessionId);
  if (sessionIds.includes(client.sessionId)) {
    try {
      sessions.push({ session: formatHex64(client.sessionId), own: true, ephemerals: (await client.getEphemerals('/')).sort(), source: 'getEphemerals', complete: true });
    } catch (error) {
      if (!isZkError(error, 'UNIMPLEMENTED')) throw error;
      others.push(client.sessionId); // a server older than 3.6: walk for it like for the others
    }
  }
  if (others.length > 0) {
    const found = await ephemeralsOf(client, others);
    for (const id of others) {
      const entry = found.get(id) ?? { paths: [], complete: false };
      sessions.push({ session: formatHex64(id), own: id === client.sessionId, ephemerals: [...entry.paths].sort(), source: 'walk', complete: entry.complete });
    }
  }
  sessions.sort((a, b) => (a.session < b.session ? -1 : a.session > b.session ? 1 : 0));
  return { ...plain, connection, readAt: new Date().toISOString(), roles, sessions };
}

function who(p: PlainParticipant): string {
  const text = p.address ?? p.data?.trim();
  return text && text.length <= 60 && !text.includes('\n') ? `${p.name} (${text})` : p.name;
}

function cell(text: string | null | undefined): string {
  return (text ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').slice(0, 80);
}

/** Why there is no detail to show: a sentence, not a heading like "Unrecognized pattern". */
export function notARecipeSentence(path: string, children: number): string {
  if (children === 0) return vscode.l10n.t('{0} is not a coordination recipe: it has no children. Nothing is guessed.', path);
  return children === 1
    ? vscode.l10n.t('{0} is not a coordination recipe: its child does not follow the layout of any lock, election, latch, semaphore, queue, party or service registry that ZooKeeper Explorer knows. Nothing is guessed.', path)
    : vscode.l10n.t(
        '{0} is not a coordination recipe: its {1} children do not follow the layout of any lock, election, latch, semaphore, queue, party or service registry that ZooKeeper Explorer knows. Nothing is guessed.',
        path,
        children,
      );
}

/** The detail as Markdown: who holds, who leads, the wait chain, the participants and each session's ephemerals. */
export function renderDetail(d: CoordinationDetail): string {
  const l10n = vscode.l10n;
  const none = '—';
  const lines: string[] = [];
  lines.push(d.recipe ? '# ' + l10n.t('{0} at {1}', d.recipe, d.path) : '# ' + l10n.t('{0}: no recipe recognized', d.path), '');
  lines.push(l10n.t('Connection **{0}**, read {1}. {2}.', d.connection, d.readAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'), d.summary), '');
  if (d.kind === 'unknown') lines.push(notARecipeSentence(d.path, d.participants.length), '');
  if (d.leader) lines.push('## ' + l10n.t('Leader'), '', '- ' + l10n.t('{0}, session {1}, up {2}', who(d.leader), d.leader.session ?? none, formatAge(d.leader.ageMs)), '');
  if (d.holders.length > 0 && d.kind !== 'serviceRegistry') {
    lines.push('## ' + (d.holders.length === 1 ? l10n.t('Holder') : l10n.t('Holders')), '');
    for (const h of d.holders) lines.push('- ' + l10n.t('{0}, session {1}, holding for {2}', who(h), h.session ?? none, formatAge(h.ageMs)));
    lines.push('');
  }
  if (d.kind === 'serviceRegistry') {
    lines.push('## ' + l10n.t('Instances'), '');
    for (const p of d.participants) lines.push('- ' + l10n.t('{0} (`{1}`), session {2}, up {3}', p.address ?? p.name, p.name, p.session ?? none, formatAge(p.ageMs)));
    lines.push('');
  }
  if (d.waiters.length > 0) {
    lines.push('## ' + l10n.t('Wait chain'), '', l10n.t('Each waiter watches the node before it; when that node goes, the next one in line takes over.'), '');
    d.waiters.forEach((w, i) =>
      lines.push(`${i + 1}. ` + l10n.t('{0} waits on `{1}`', who(w.participant), w.waitsOn ? w.waitsOn.slice(w.waitsOn.lastIndexOf('/') + 1) : none)),
    );
    lines.push('');
  }
  if (d.participants.length > 0) {
    const headings = [l10n.t('Node'), l10n.t('Sequence'), l10n.t('Role'), l10n.t('Session'), l10n.t('Age'), l10n.t('Data')];
    lines.push('## ' + l10n.t('Participants (in sequence order)'), '', `| ${headings.join(' | ')} |`, '| --- | ---: | --- | --- | --- | --- |');
    for (const p of d.participants) {
      lines.push(`| ${cell(p.name)} | ${p.sequence ?? ''} | ${cell(d.roles[p.path] ?? '')} | ${p.session ?? l10n.t('persistent')} | ${formatAge(p.ageMs)} | ${cell(p.data)} |`);
    }
    lines.push('');
  }
  if (d.sessions.length > 0) {
    lines.push('## ' + l10n.t('Sessions and the ephemeral nodes they own'), '');
    for (const s of d.sessions) {
      const how =
        s.source === 'getEphemerals'
          ? l10n.t('listed by the server (getEphemerals)')
          : s.complete
            ? l10n.t('found by walking the whole tree')
            : l10n.t('found by a walk that stopped at zookeeper.coordination.maxNodes: there may be more');
      const count = s.ephemerals.length;
      const heading = s.own
        ? count === 1
          ? l10n.t('{0} (this window): 1 ephemeral node', s.session)
          : l10n.t('{0} (this window): {1} ephemeral nodes', s.session, count)
        : count === 1
          ? l10n.t('{0}: 1 ephemeral node', s.session)
          : l10n.t('{0}: {1} ephemeral nodes', s.session, count);
      lines.push(`### ${heading}`, '', `_${how}_`, '');
      for (const e of s.ephemerals) lines.push(`- \`${e}\``);
      lines.push('');
    }
  }
  if (d.notes.length > 0) {
    lines.push('## ' + l10n.t('Notes'), '');
    for (const n of d.notes) lines.push(`- ${n}`);
    lines.push('');
  }
  return lines.join('\n');
}
