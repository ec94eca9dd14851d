import * as vscode from 'vscode';
import type { CompareOutcome, Difference } from '../zk/transfer/compare';

/** The two sides of a comparison, as people name them: connection and path. */
export interface CompareRun {
  left: { connection: string; path: string };
  right: { connection: string; path: string };
  outcome: CompareOutcome;
}

export type CompareKind = 'added' | 'removed' | 'changed';

/** What a click on a difference opens; passed to the open command as its one argument. */
export interface CompareTarget {
  kind: CompareKind;
  /** Relative to the compared nodes ("" is the node itself). */
  path: string;
  left: { connection: string; path: string };
  right: { connection: string; path: string };
  what?: Difference[];
}

const ICONS: Record<CompareKind, vscode.ThemeIcon> = {
  added: new vscode.ThemeIcon('diff-added', new vscode.ThemeColor('gitDecoration.addedResourceForeground')),
  removed: new vscode.ThemeIcon('diff-removed', new vscode.ThemeColor('gitDecoration.deletedResourceForeground')),
  changed: new vscode.ThemeIcon('diff-modified', new vscode.ThemeColor('gitDecoration.modifiedResourceForeground')),
};

/** How a side is named to people: its connection, or its path when both sides are on one connection. */
export function sideNames(left: { connection: string; path: string }, right: { connection: string; path: string }): [string, string] {
  return left.connection === right.connection ? [left.path, right.path] : [left.connection, right.connection];
}

export class CompareItem extends vscode.TreeItem {
  constructor(
    readonly target: CompareTarget,
    openCommand: string,
  ) {
    const name = target.path === '' ? vscode.l10n.t('(the compared node)') : target.path;
    super(name, vscode.TreeItemCollapsibleState.None);
    const sides = `${target.left.connection}:${target.left.path} ↔ ${target.right.connection}:${target.right.path}`;
    const [leftName, rightName] = sideNames(target.left, target.right);
    this.description =
      target.kind === 'added' ? vscode.l10n.t('only in {0}', rightName) : target.kind === 'removed' ? vscode.l10n.t('only in {0}', leftName) : vscode.l10n.t('{0} differ', (target.what ?? []).join(', '));
    this.tooltip = `${name}: ${this.description}\n${sides}`;
    this.iconPath = ICONS[target.kind];
    this.contextValue = `compare.${target.kind}`;
    this.id = `${target.kind}\u0000${target.path}`;
    this.accessibilityInformation = { label: `${name} ${this.description}` };
    this.command = { command: openCommand, title: target.kind === 'changed' ? vscode.l10n.t('Open Changes') : vscode.l10n.t('Open'), arguments: [target] };
  }
}

/**
 * The Compare view: the differences between two subtrees, changed first, then only-here and
 * only-there, each sorted by path. A changed node opens VS Code's diff of the two zk:// documents.
 */
export class CompareProvider implements vscode.TreeDataProvider<CompareItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private current: CompareRun | undefined;

  constructor(private readonly openCommand: string) {}

  get run(): CompareRun | undefined {
    return this.current;
  }

  show(run: CompareRun | undefined): void {
    this.current = run;
    this.changed.fire(undefined);
  }

  getTreeItem(item: CompareItem): vscode.TreeItem {
    return item;
  }

  getChildren(item?: CompareItem): CompareItem[] {
    const run = this.current;
    if (!run || item) return [];
    const { left, right, outcome } = run;
    const make = (kind: CompareKind, path: string, what?: Difference[]): CompareItem => new CompareItem({ kind, path, left, right, what }, this.openCommand);
    return [
      ...outcome.changed.map((c) => make('changed', c.path, c.what)),
      ...outcome.removed.map((p) => make('removed', p)),
      ...outcome.added.map((p) => make('added', p)),
    ];
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The view's message: the two sides and the counts, and what makes the answer incomplete. */
export function describeCompare(run: CompareRun): string {
  const { outcome: o } = run;
  const sides = `${run.left.connection}:${run.left.path} ↔ ${run.right.connection}:${run.right.path}`;
  const [leftName, rightName] = sideNames(run.left, run.right);
  const counts =
    o.added.length + o.removed.length + o.changed.length === 0
      ? vscode.l10n.t('the same ({0} nodes)', o.same.toLocaleString('en-US'))
      : vscode.l10n.t('{0} changed, {1} only in {2}, {3} only in {4}, {5} the same', o.changed.length, o.removed.length, leftName, o.added.length, rightName, o.same.toLocaleString('en-US'));
  const unreadable = `${o.unreadable
    .slice(0, 2)
    .map((u) => `${u.side === 'this' ? leftName : rightName}: ${u.path || vscode.l10n.t('(root)')}`)
    .join(', ')}${o.unreadable.length > 2 ? ', …' : ''}`;
  const notes = [
    o.cancelled ? vscode.l10n.t('cancelled') : '',
    o.truncated ? vscode.l10n.t('stopped at the node limit') : '',
    o.unreadable.length > 0 ? vscode.l10n.t('{0} not readable ({1})', o.unreadable.length, unreadable) : '',
  ].filter((n) => n !== '');
  return `${sides}: ${counts}${notes.length ? ` · ${notes.join(' · ')}` : ''}`;
}
