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

export function formatAge(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function recipeTreeItem(item: RecipeItem): vscode.TreeItem {
  const { analysis } = item;
  // Collapsed: the description already says who holds and who waits; a big cluster has many recipes.
  const t = new vscode.TreeItem(item.path, analysis.participants.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  t.id = `recipe::${item.connection.name}::${item.path}`;
  t.description = item.idle ? `${analysis.recipe ?? analysis.kind}: no participants now` : analysis.summary;
  t.iconPath = new vscode.ThemeIcon(KIND_ICON[analysis.kind], item.idle ? new vscode.ThemeColor('disabledForeground') : undefined);
  t.contextValue = 'zk.recipe';
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`**${analysis.recipe ?? analysis.kind}** at \`${item.path}\`\n\n`);
  tip.appendText(item.idle ? 'No participants right now.' : analysis.summary);
  for (const note of analysis.notes) tip.appendMarkdown(`\n\n_${note.replace(/[_*`]/g, '\\$&')}_`);
  t.tooltip = tip;
  t.accessibilityInformation = { label: `${item.path} ${String(t.description)}` };
  t.command = { command: 'zookeeper.showCoordination', title: 'Show Coordination Detail', arguments: [item] };
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

function shortWho(p: Participant): string {
  const text = p.address ?? p.data?.trim();
  return text && text.length <= 40 && !text.includes('\n') ? text : (p.sequence !== undefined ? `#${p.sequence}` : p.name);
}

/** The role in this view, where the label already names the participant: "holds", "waiting on worker-1". */
export function shortRole(analysis: RecipeAnalysis, p: Participant): string | undefined {
  if (analysis.kind === 'serviceRegistry') return 'instance';
  if (analysis.leader?.path === p.path) return 'leader';
  if (analysis.holders.some((h) => h.path === p.path)) return analysis.kind === 'semaphore' ? 'holds a lease' : 'holds';
  const waiter = analysis.waiters.find((w) => w.participant.path === p.path);
  if (waiter) return waiter.waitsOn ? `waiting on ${shortWho(waiter.waitsOn)}` : 'waiting';
  return p.takenBy ? 'taken' : undefined;
}

export function participantTreeItem(item: ParticipantItem): vscode.TreeItem {
  const p = item.participant;
  const who = item.analysis.kind === 'serviceRegistry' ? (p.address ?? p.name) : label(p, 60);
  const t = new vscode.TreeItem(who, vscode.TreeItemCollapsibleState.None);
  t.id = `participant::${item.connection.name}::${p.path}`;
  const role = describeRole(item.analysis, p.path);
  t.description = [shortRole(item.analysis, p), p.sequence !== undefined ? `#${p.sequence}` : who === p.name ? undefined : p.name, `up ${formatAge(p.ageMs)}`].filter(Boolean).join(' · ');
  t.iconPath = participantIcon(item.analysis, p);
  t.contextValue = p.sessionId === 0n ? 'zk.participant' : 'zk.participant.ephemeral';
  t.tooltip = [
    p.path,
    role ? `Role: ${role}` : undefined,
    p.sequence !== undefined ? `Sequence: ${p.sequence}` : undefined,
    p.sessionId !== 0n ? `Session: ${formatHex64(p.sessionId)}` : 'Persistent node (no session)',
    `Age: ${formatAge(p.ageMs)}`,
    p.data !== undefined ? `Data: ${p.data.length > 200 ? `${p.data.slice(0, 200)}…` : p.data}` : 'Data: (empty or binary)',
  ]
    .filter(Boolean)
    .join('\n');
  t.accessibilityInformation = { label: `${who} ${String(t.description)}` };
  t.command = { command: 'zookeeper.openNode', title: 'Open Node Data', arguments: [item] };
  return t;
}
