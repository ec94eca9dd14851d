import * as vscode from 'vscode';
import type { ConnectionSource as ZkConnection } from './sources';
import { label } from '../zk/recipes/participants';
import { formatHex64 } from '../zk/stat';
import type { Participant, RecipeAnalysis, RecipeKind } from '../zk/recipes/types';
import type { MessageItem } from './explorerItems';
import { describeRole } from './recipeRoles';

export class ScanConnectionItem {
  readonly kind = 'scanConnection';
  constructor(readonly connection: ZkConnection) {}
}

export class RecipeItem {
  readonly kind = 'recipe';
  constructor(
    readonly connection: ZkConnection,
    readonly path: string,
    /** Updated in place by live changes, so redrawing this item shows them. */
    public analysis: RecipeAnalysis,
    /** The participants are gone but the node is still there (a free lock, an empty registry). */
    public idle: boolean,
  ) {}
}

export class ParticipantItem {
  readonly kind = 'participant';
  constructor(
    readonly connection: ZkConnection,
    readonly recipePath: string,
    readonly analysis: RecipeAnalysis,
    readonly participant: Participant,
  ) {}

  /** The explorer's commands (open, stat, watch) take { connection, path }. */
  get path(): string {
    return this.participant.path;
  }
}

export type CoordinationNode = ScanConnectionItem | RecipeItem | ParticipantItem | MessageItem;

const KIND_ICON: Record<RecipeKind, string> = {
  lock: 'lock',
  readWriteLock: 'lock',
  leaderElection: 'star-full',
  leaderLatch: 'star-full',
  semaphore: 'layers',
  queue: 'list-ordered',
  party: 'organization',
  counter: 'symbol-number',
  serviceRegistry: 'server-environment',
  unknown: 'question',
};

/**
 * How long a participant has been there, in the two largest units ("3m 2s", "3分2秒" in Chinese).
 * Unit letters and their order are the translation's: each form is one whole message, plural-free.
 */
export function formatAge(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return vscode.l10n.t('{0}s', s);
  const m = Math.floor(s / 60);
  if (m < 60) return vscode.l10n.t('{0}m {1}s', m, s % 60);
  const h = Math.floor(m / 60);
  if (h < 48) return vscode.l10n.t('{0}h {1}m', h, m % 60);
  return vscode.l10n.t('{0}d {1}h', Math.floor(h / 24), h % 24);
}

export function recipeTreeItem(item: RecipeItem): vscode.TreeItem {
  const { analysis } = item;
  // Collapsed: the description already says who holds and who waits; a big cluster has many recipes.
  const t = new vscode.TreeItem(item.path, analysis.participants.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  t.id = `recipe::${item.connection.name}::${item.path}`;
  t.description = item.idle ? vscode.l10n.t('{0}: no participants now', analysis.recipe ?? analysis.kind) : analysis.summary;
  t.iconPath = new vscode.ThemeIcon(KIND_ICON[analysis.kind], item.idle ? new vscode.ThemeColor('disabledForeground') : undefined);
  t.contextValue = 'zk.recipe';
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`${vscode.l10n.t('{0} at {1}', `**${analysis.recipe ?? analysis.kind}**`, `\`${item.path}\``)}\n\n`);
  // The summary whole (a narrow view cuts the description short), then who is who.
  tip.appendText(item.idle ? vscode.l10n.t('No participants right now.') : analysis.summary);
  if (!item.idle && analysis.participants.length > 0) {
    const names = participantNames(analysis);
    const shown = analysis.participants.slice(0, 10);
    tip.appendText(`\n\n${shown.map((p) => `${names.get(p.path) ?? p.name}: ${shortRole(analysis, p, names) ?? vscode.l10n.t('participant')}`).join('\n')}`);
    if (analysis.participants.length > shown.length) tip.appendText(`\n${vscode.l10n.t('… and {0} more', analysis.participants.length - shown.length)}`);
  }
  for (const note of analysis.notes) tip.appendMarkdown(`\n\n_${note.replace(/[_*`]/g, '\\$&')}_`);
  t.tooltip = tip;
  t.accessibilityInformation = { label: `${item.path} ${String(t.description)}` };
  t.command = { command: 'zookeeper.showCoordination', title: vscode.l10n.t('Show Coordination Detail'), arguments: [item] };
  return t;
}

function participantIcon(analysis: RecipeAnalysis, p: Participant): vscode.ThemeIcon {
  if (analysis.leader?.path === p.path) return new vscode.ThemeIcon('star-full', new vscode.ThemeColor('charts.yellow'));
  if (analysis.holders.some((h) => h.path === p.path)) {
    return new vscode.ThemeIcon(analysis.kind === 'serviceRegistry' ? 'pass-filled' : 'key', new vscode.ThemeColor('testing.iconPassed'));
  }
  if (analysis.waiters.some((w) => w.participant.path === p.path)) return new vscode.ThemeIcon('watch', new vscode.ThemeColor('charts.orange'));
  return new vscode.ThemeIcon('circle-outline');
}

/**
 * What each participant of a recipe is called in its rows, by path: its data (an id, an address)
 * when that is short text, else its node name; and where two participants would be called alike —
 * a Curator mutex stores the client's IP address, the same for every process on one host — the
 * name gets its sequence number ("127.0.0.1 #1"), else its session, else its node name, so that
 * "A waiting on B" never reads "127.0.0.1 waiting on 127.0.0.1".
 */
export function participantNames(analysis: RecipeAnalysis, maxLength = 60): Map<string, string> {
  const base = (p: Participant): string => (analysis.kind === 'serviceRegistry' ? (p.address ?? p.name) : label(p, maxLength));
  const count = new Map<string, number>();
  for (const p of analysis.participants) count.set(base(p), (count.get(base(p)) ?? 0) + 1);
  const sessions = new Map<bigint, number>();
  for (const p of analysis.participants) sessions.set(p.sessionId, (sessions.get(p.sessionId) ?? 0) + 1);
  const names = new Map<string, string>();
  for (const p of analysis.participants) {
    const name = base(p);
    if (count.get(name) === 1 || name === p.name) names.set(p.path, name);
    else if (p.sequence !== undefined) names.set(p.path, `${name} #${p.sequence}`);
    else if (p.sessionId !== 0n && sessions.get(p.sessionId) === 1) names.set(p.path, vscode.l10n.t('{0} (session {1})', name, formatHex64(p.sessionId)));
    else names.set(p.path, `${name} (${p.name})`);
  }
  return names;
}

/** The role in this view, where the label already names the participant: "holds", "waiting on worker-1". */
export function shortRole(analysis: RecipeAnalysis, p: Participant, names: Map<string, string> = participantNames(analysis)): string | undefined {
  if (analysis.kind === 'serviceRegistry') return vscode.l10n.t('instance');
  if (analysis.leader?.path === p.path) return vscode.l10n.t('leader');
  if (analysis.holders.some((h) => h.path === p.path)) return analysis.kind === 'semaphore' ? vscode.l10n.t('holds a lease') : vscode.l10n.t('holds');
  const waiter = analysis.waiters.find((w) => w.participant.path === p.path);
  if (waiter) return waiter.waitsOn ? vscode.l10n.t('waiting on {0}', names.get(waiter.waitsOn.path) ?? waiter.waitsOn.name) : vscode.l10n.t('waiting');
  return p.takenBy ? vscode.l10n.t('taken') : undefined;
}

export function participantTreeItem(item: ParticipantItem): vscode.TreeItem {
  const p = item.participant;
  const names = participantNames(item.analysis);
  const who = names.get(p.path) ?? p.name;
  const t = new vscode.TreeItem(who, vscode.TreeItemCollapsibleState.None);
  t.id = `participant::${item.connection.name}::${p.path}`;
  const role = describeRole(item.analysis, p.path);
  // The sequence once: a name made distinct by it already ends with it.
  const sequence = p.sequence !== undefined && !who.endsWith(`#${p.sequence}`) ? `#${p.sequence}` : undefined;
  t.description = [shortRole(item.analysis, p, names), sequence ?? (who === p.name || p.sequence !== undefined ? undefined : p.name), vscode.l10n.t('up {0}', formatAge(p.ageMs))].filter(Boolean).join(' · ');
  t.iconPath = participantIcon(item.analysis, p);
  t.contextValue = p.sessionId === 0n ? 'zk.participant' : 'zk.participant.ephemeral';
  t.tooltip = [
    // The row whole: a narrow view cuts its description short.
    `${who} — ${t.description}`,
    p.path,
    role ? vscode.l10n.t('Role: {0}', role) : undefined,
    p.sequence !== undefined ? vscode.l10n.t('Sequence: {0}', p.sequence) : undefined,
    p.sessionId !== 0n ? vscode.l10n.t('Session: {0}', formatHex64(p.sessionId)) : vscode.l10n.t('Persistent node (no session)'),
    vscode.l10n.t('Age: {0}', formatAge(p.ageMs)),
    p.data !== undefined ? vscode.l10n.t('Data: {0}', p.data.length > 200 ? `${p.data.slice(0, 200)}…` : p.data) : vscode.l10n.t('Data: (empty or binary)'),
  ]
    .filter(Boolean)
    .join('\n');
  t.accessibilityInformation = { label: `${who} ${String(t.description)}` };
  t.command = { command: 'zookeeper.openNode', title: vscode.l10n.t('Open Node Data'), arguments: [item] };
  return t;
}
