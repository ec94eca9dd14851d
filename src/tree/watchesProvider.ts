import * as vscode from 'vscode';
import { describeDetection, describeType } from '../zk/watch/describe';
import type { WatchSource, WatchesSource } from './sources';
import type { WatchEventRecord } from '../zk/watch/types';

export type LoggedEvent = WatchEventRecord & { connection: string };

export class WatchGroupItem {
  readonly kind = 'group';
  constructor(readonly group: 'watches' | 'events') {}
}

export class WatchItem {
  readonly kind = 'watch';
  constructor(readonly watch: WatchSource) {}
  /** For commands shared with the explorer (copy path, unwatch). */
  get connectionName(): string {
    return this.watch.connection;
  }
  get path(): string {
    return this.watch.spec.path;
  }
}

export class WatchEventItem {
  readonly kind = 'event';
  constructor(readonly event: LoggedEvent) {}
}

export type WatchesNode = WatchGroupItem | WatchItem | WatchEventItem;

const TYPE_ICONS: Record<WatchEventRecord['type'], [string, string]> = {
  created: ['diff-added', 'gitDecoration.addedResourceForeground'],
  deleted: ['diff-removed', 'gitDecoration.deletedResourceForeground'],
  dataChanged: ['diff-modified', 'gitDecoration.modifiedResourceForeground'],
  childrenChanged: ['list-tree', 'gitDecoration.modifiedResourceForeground'],
};

/** HH:MM:SS.mmm in local time. */
export function formatTime(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

export function canCompare(event: WatchEventRecord): boolean {
  return event.type === 'dataChanged' && event.before?.data !== undefined && event.after?.data !== undefined;
}

/** The ZooKeeper Watches panel: the active watches, then the event log, newest first. */
export class WatchesProvider implements vscode.TreeDataProvider<WatchesNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<WatchesNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly groups = { watches: new WatchGroupItem('watches'), events: new WatchGroupItem('events') };
  private readonly disposables: vscode.Disposable[] = [];
  private filter: { path?: string; types?: WatchEventRecord['type'][] } = {};
  private pending: NodeJS.Timeout | undefined;

  constructor(private readonly service: WatchesSource) {
    this.disposables.push(
      service.onDidChangeWatches(() => this.changeEmitter.fire(undefined)),
      // The log coalesces its notifications; the view refreshes at most a few times a second on top.
      service.log.onDidChange(() => this.scheduleEventsRefresh()),
    );
  }

  private scheduleEventsRefresh(): void {
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      this.changeEmitter.fire(undefined);
    }, 100);
  }

  setFilter(filter: { path?: string; types?: WatchEventRecord['type'][] }): void {
    this.filter = filter;
    this.changeEmitter.fire(undefined);
  }

  get currentFilter(): { path?: string; types?: WatchEventRecord['type'][] } {
    return this.filter;
  }

  /** The events the panel shows now, newest first (after the filter). */
  shownEvents(): LoggedEvent[] {
    const active = this.filter.path || this.filter.types?.length;
    return (active ? this.service.log.filter(this.filter) : this.service.log.entries());
  }

  getTreeItem(element: WatchesNode): vscode.TreeItem {
    switch (element.kind) {
      case 'group': {
        if (element.group === 'watches') {
          const count = this.service.list().length;
          const item = new vscode.TreeItem(vscode.l10n.t('Watching ({0})', count), vscode.TreeItemCollapsibleState.Expanded);
          item.id = 'group:watches';
          item.iconPath = new vscode.ThemeIcon('eye');
          return item;
        }
        const shown = this.shownEvents().length;
        const total = this.service.log.entries().length;
        const dropped = this.service.log.dropped;
        const item = new vscode.TreeItem(vscode.l10n.t('Events'), vscode.TreeItemCollapsibleState.Expanded);
        item.id = 'group:events';
        item.description = [
          shown === total ? `${total}` : vscode.l10n.t('{0} of {1} (filtered)', shown, total),
          dropped > 0 ? vscode.l10n.t('{0} older dropped (zookeeper.watches.logSize)', dropped.toLocaleString('en-US')) : '',
        ]
          .filter(Boolean)
          .join(' · ');
        item.iconPath = new vscode.ThemeIcon('history');
        return item;
      }
      case 'watch': {
        const { watch } = element;
        const item = new vscode.TreeItem(watch.spec.path, vscode.TreeItemCollapsibleState.None);
        item.id = `watch:${watch.connection}:${watch.spec.kind}:${watch.spec.path}`;
        const mode = watch.mode === 'one-shot' ? ` · ${vscode.l10n.t('re-armed one-shot watches (server older than 3.6)')}` : '';
        item.description = `${watch.spec.kind} · ${watch.connection}${watch.connected ? '' : ` · ${vscode.l10n.t('waiting for the connection')}`}${mode}`;
        item.iconPath = new vscode.ThemeIcon(watch.connected ? 'eye' : 'eye-closed');
        item.contextValue = 'watch';
        const watching =
          watch.spec.kind === 'subtree'
            ? vscode.l10n.t('Watching every node below it (and itself).')
            : watch.spec.kind === 'children'
              ? vscode.l10n.t('Watching its children.')
              : vscode.l10n.t('Watching its data.');
        item.tooltip = `${watch.connection}:${watch.spec.path}\n${watching}`;
        item.command = { command: 'zookeeper.goToPath', title: vscode.l10n.t('Reveal'), arguments: [{ connection: watch.connection, path: watch.spec.path }] };
        return item;
      }
      case 'event': {
        const { event } = element;
        const item = new vscode.TreeItem(`${formatTime(event.time)}  ${describeType(event)}`, vscode.TreeItemCollapsibleState.None);
        // No id: a reconnect starts a new watch manager whose sequence numbers start again.
        item.description = `${event.path} · ${event.connection}${event.detectedBy !== 'event' ? ` · ${describeDetection(event.detectedBy)}` : ''}`;
        const [icon, color] = TYPE_ICONS[event.type];
        item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
        const compare = canCompare(event);
        item.contextValue = compare ? 'watchEvent.compare' : 'watchEvent';
        const tooltip = new vscode.MarkdownString(undefined, true);
        tooltip.appendMarkdown(`**${describeType(event)}**  \n`);
        tooltip.appendText(`${event.connection}:${event.path}\n${new Date(event.time).toISOString()}\n${vscode.l10n.t('watch: {0} on {1}', event.watch.kind, event.watch.path)}\n`);
        if (event.detectedBy !== 'event') tooltip.appendText(`${describeDetection(event.detectedBy)}\n`);
        if (event.added?.length) tooltip.appendText(`${vscode.l10n.t('added: {0}', event.added.join(', '))}\n`);
        if (event.removed?.length) tooltip.appendText(`${vscode.l10n.t('removed: {0}', event.removed.join(', '))}\n`);
        if (compare) tooltip.appendMarkdown(`\n${vscode.l10n.t('Click to compare the data before and after.')}`);
        item.tooltip = tooltip;
        item.command = compare
          ? { command: 'zookeeper.compareWatchEvent', title: vscode.l10n.t('Compare'), arguments: [element] }
          : { command: 'zookeeper.goToPath', title: vscode.l10n.t('Reveal'), arguments: [{ connection: event.connection, path: event.path }] };
        return item;
      }
    }
  }

  getChildren(element?: WatchesNode): WatchesNode[] {
    // Nothing watched and nothing logged: no rows, so VS Code shows the panel's welcome text (how to add a watch).
    if (!element) return this.service.list().length === 0 && this.service.log.entries().length === 0 ? [] : [this.groups.watches, this.groups.events];
    if (element.kind !== 'group') return [];
    if (element.group === 'watches') return this.service.list().map((w) => new WatchItem(w));
    return this.shownEvents().map((e) => new WatchEventItem(e));
  }

  dispose(): void {
    clearTimeout(this.pending);
    for (const d of this.disposables) d.dispose();
    this.changeEmitter.dispose();
  }
}
