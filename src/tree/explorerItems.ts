import * as vscode from 'vscode';
import type { ConnectionSource } from './sources';
import { baseName, isServerOwned, parseSequence } from '../zk/paths';
import { describeStatBriefly, znodeKind } from './statText';
import { isEphemeral, type ZnodeStat } from '../zk/stat';

export class ConnectionItem {
  readonly kind = 'connection';
  constructor(readonly connection: ConnectionSource) {}
}

export class ZnodeItem {
  readonly kind = 'znode';
  constructor(
    readonly connection: ConnectionSource,
    readonly path: string,
    /** Updated in place when a newer stat is read: VS Code knows the element by this very object. */
    public stat: ZnodeStat | undefined,
  ) {}
}

/**
 * A run of a wide node's children, by position (`start` to `end`, exclusive, among the children the
 * filter lets through): it expands to those children. first/last are updated when the node is listed again.
 */
export class RangeItem {
  readonly kind = 'range';
  constructor(
    readonly connection: ConnectionSource,
    readonly parentPath: string,
    readonly start: number,
    readonly end: number,
    public first: string,
    public last: string,
  ) {}
}

/** A line that says what the tree is waiting for or why it cannot show more, with an action when there is one. */
export class MessageItem {
  readonly kind = 'message';
  constructor(
    readonly parentId: string,
    readonly text: string,
    readonly icon: string,
    readonly command?: vscode.Command,
    readonly tooltip?: string,
  ) {}
}

export type ExplorerNode = ConnectionItem | ZnodeItem | RangeItem | MessageItem;

export function itemId(connection: string, path: string): string {
  return `${connection}::${path}`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function statusIcon(connection: ConnectionSource): vscode.ThemeIcon {
  switch (connection.status) {
    case 'connected':
    case 'readOnly':
      return new vscode.ThemeIcon('server-environment', new vscode.ThemeColor('testing.iconPassed'));
    case 'connecting':
    case 'suspended':
    case 'expired':
      return new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.yellow'));
    case 'failed':
    case 'authFailed':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    default:
      return new vscode.ThemeIcon('server-environment');
  }
}

export function connectionTreeItem(item: ConnectionItem): vscode.TreeItem {
  const { connection } = item;
  const treeItem = new vscode.TreeItem(connection.name, vscode.TreeItemCollapsibleState.Collapsed);
  treeItem.id = itemId(connection.name, '');
  // A connection from workspace or folder settings was chosen by whoever wrote the workspace: say so.
  const origin = connection.origin === 'user' ? '' : ` · ${connection.origin === 'folder' ? vscode.l10n.t('folder settings') : vscode.l10n.t('workspace settings')}`;
  treeItem.description = `${connection.statusText} · ${connection.config.connectString}${connection.readOnly ? ` · ${vscode.l10n.t('read-only')}` : ''}${origin}`;
  treeItem.iconPath = statusIcon(connection);
  const open = connection.isOpen ? 'connected' : 'disconnected';
  treeItem.contextValue = `connection.${open}${connection.readOnly ? '.readOnly' : ''}`;
  const tooltip = new vscode.MarkdownString(undefined, true);
  tooltip.appendMarkdown(`**${connection.name}**  \n`);
  tooltip.appendText(`${connection.config.connectString}\n`);
  tooltip.appendMarkdown(`\n${vscode.l10n.t('State: {0}', connection.statusText)}`);
  const session = connection.describeSession();
  if (session) tooltip.appendMarkdown(`  \n${session}`);
  if (connection.sessionUsers.length > 0) {
    tooltip.appendMarkdown(`  \n${vscode.l10n.t('Digest user:')} `);
    tooltip.appendText(connection.sessionUsers.join(', '));
  }
  const who = connection.identities;
  if (who && who.identities.length > 0) {
    tooltip.appendMarkdown(`  \n${who.source === 'server' ? vscode.l10n.t('Identities (whoAmI):') : vscode.l10n.t('Identities (sent; the server is too old for whoAmI):')} `);
    tooltip.appendText(who.identities.map((i) => `${i.scheme}:${i.id}`).join(', '));
  }
  if (connection.readOnly) tooltip.appendMarkdown(`  \n${vscode.l10n.t('Read-only: writes are refused.')}`);
  if (connection.origin !== 'user') {
    tooltip.appendMarkdown(
      `  \n$(warning) ${
        connection.origin === 'folder'
          ? vscode.l10n.t('Defined in workspace folder settings, not in your user settings: credentials you stored for another address of this name are not sent to it.')
          : vscode.l10n.t('Defined in workspace settings, not in your user settings: credentials you stored for another address of this name are not sent to it.')
      }`,
    );
  }
  if (connection.lastError) tooltip.appendText(`\n\n${connection.lastError}`);
  treeItem.tooltip = tooltip;
  return treeItem;
}

function znodeIcon(name: string, stat: ZnodeStat | undefined): vscode.ThemeIcon {
  if (!stat) return new vscode.ThemeIcon('question');
  const sequential = parseSequence(name) !== undefined;
  if (isEphemeral(stat)) return new vscode.ThemeIcon(sequential ? 'pulse' : 'flame', new vscode.ThemeColor('charts.orange'));
  if (sequential) return new vscode.ThemeIcon('list-ordered');
  return new vscode.ThemeIcon(stat.numChildren > 0 ? 'folder' : 'file');
}

/** Text shown as itself in a MarkdownString (appendText would also turn every space into &nbsp;, so nothing wraps). */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~$]/g, '\\$&');
}

/** Nodes that hold data (or are leaves) open it on click and Enter; pure folders only expand (their twistie works either way). */
export function opensOnClick(item: ZnodeItem): boolean {
  return item.stat !== undefined && (item.stat.dataLength > 0 || item.stat.numChildren === 0);
}

export interface ZnodeDecorations {
  filter?: string | undefined;
  watched?: readonly string[];
  /** The recognized recipe's summary ("lock: held by worker-1, 1 waiting"). */
  recipe?: string | undefined;
  /** This node's role in its parent's recipe ("holds the lock", "waiting on …"). */
  role?: string | undefined;
}

export function znodeTreeItem(item: ZnodeItem, { filter, watched = [], recipe, role }: ZnodeDecorations = {}): vscode.TreeItem {
  const name = item.path === '/' ? '/' : baseName(item.path);
  const { stat } = item;
  const collapsible = !stat || stat.numChildren > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
  const treeItem = new vscode.TreeItem(name, collapsible);
  treeItem.id = itemId(item.connection.name, item.path);
  treeItem.iconPath = znodeIcon(name, stat);
  // .serverOwned: the root and /zookeeper are never offered for deletion (the command would refuse).
  treeItem.contextValue = `znode${isServerOwned(item.path) ? '.serverOwned' : ''}${stat && isEphemeral(stat) ? '.ephemeral' : ''}${item.connection.readOnly ? '.readOnly' : ''}${filter ? '.filtered' : ''}${watched.length ? '.watched' : ''}${recipe ? '.recipe' : ''}`;
  if (opensOnClick(item)) {
    treeItem.command = { command: 'zookeeper.openNode', title: vscode.l10n.t('Open Node Data'), arguments: [item] };
  }
  if (stat) {
    const parts: string[] = [];
    if (recipe) parts.push(recipe);
    if (role) parts.push(role);
    if (stat.numChildren > 0 && !recipe) parts.push(stat.numChildren === 1 ? vscode.l10n.t('1 child') : vscode.l10n.t('{0} children', stat.numChildren.toLocaleString('en-US')));
    if (stat.dataLength > 0) parts.push(formatSize(stat.dataLength));
    else if (stat.numChildren === 0) parts.push(vscode.l10n.t('empty'));
    if (isEphemeral(stat)) parts.push(vscode.l10n.t('ephemeral'));
    if (watched.length) parts.push(vscode.l10n.t('watching {0}', watched.join(', ')));
    if (filter) parts.push(vscode.l10n.t('filter: {0}', filter));
    treeItem.description = parts.join(' · ');
  }
  // No tooltip here: the provider's resolveTreeItem builds it on hover (znodeTooltip). VS Code turns
  // every Markdown tooltip it is handed into its wire form (a Markdown parse for links) when the row
  // is sent: 200 rows cost that 200 times on each expansion, for hovers that mostly never come.
  return treeItem;
}

/** A node row's hover: what it is, its path and a few stat lines, and its recipe and role whole. */
export function znodeTooltip(item: ZnodeItem, { recipe, role }: ZnodeDecorations = {}): vscode.MarkdownString | undefined {
  const { stat } = item;
  if (!stat) return undefined;
  const name = item.path === '/' ? '/' : baseName(item.path);
  const tooltip = new vscode.MarkdownString(undefined, true);
  tooltip.appendMarkdown(`**${escapeMarkdown(name)}** — `);
  // One line each (hard breaks, not paragraphs; spaces kept so long lines wrap): the hover stays as small as its text.
  tooltip.appendMarkdown([znodeKind(name, stat), item.path, ...describeStatBriefly(stat)].map(escapeMarkdown).join('  \n'));
  // Whole here: a narrow view cuts the recipe's summary and the role short in the description.
  for (const text of [recipe, role]) if (text) tooltip.appendMarkdown(`  \n${escapeMarkdown(text)}`);
  return tooltip;
}

/** The id of a range row: by position, so an expanded range stays expanded when the node is listed again. */
export function rangeId(connection: string, parentPath: string, start: number, end: number): string {
  return `${itemId(connection, parentPath)}::range::${start}-${end}`;
}

export function rangeTreeItem(item: RangeItem): vscode.TreeItem {
  // The names first: what a person scanning for a child reads (and what the tree's type-to-find matches).
  const treeItem = new vscode.TreeItem(`${item.first} … ${item.last}`, vscode.TreeItemCollapsibleState.Collapsed);
  treeItem.id = rangeId(item.connection.name, item.parentPath, item.start, item.end);
  treeItem.iconPath = new vscode.ThemeIcon('symbol-array');
  const from = (item.start + 1).toLocaleString('en-US');
  const to = item.end.toLocaleString('en-US');
  treeItem.description = `${from}–${to}`;
  treeItem.contextValue = 'range';
  treeItem.tooltip = vscode.l10n.t('Children {0} to {1} of {2}: {3} to {4}', from, to, item.parentPath, item.first, item.last);
  // Read out as it reads (a string tooltip would otherwise be the row's accessible name).
  treeItem.accessibilityInformation = { label: vscode.l10n.t('{0} … {1}, children {2} to {3}', item.first, item.last, from, to) };
  return treeItem;
}

export function messageTreeItem(item: MessageItem): vscode.TreeItem {
  const treeItem = new vscode.TreeItem(item.text, vscode.TreeItemCollapsibleState.None);
  treeItem.id = `${item.parentId}::message::${item.text}`;
  treeItem.iconPath = new vscode.ThemeIcon(item.icon);
  treeItem.contextValue = 'message';
  if (item.command) treeItem.command = item.command;
  treeItem.tooltip = item.tooltip ?? item.text;
  // The row is read out by what it says (a string tooltip would otherwise be its accessible name).
  treeItem.accessibilityInformation = { label: item.text };
  return treeItem;
}

