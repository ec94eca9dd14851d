import * as vscode from 'vscode';
import type { DataMatch, SearchOutcome, SearchResult } from '../zk/search';

/** What a click on a result opens: the node, at a match when there is one. Passed to the open command as its one argument. */
export interface SearchTarget {
  connection: string;
  path: string;
  /** From 1, as in the results. */
  line?: number;
  column?: number;
  length?: number;
  binary?: boolean;
}

/** One search: what was asked, on which connection, and what was found so far. */
export interface SearchRun {
  connection: string;
  root: string;
  /** How the query reads to a person, for the view's message: `"postgres" in /config (paths *.json)`. */
  description: string;
  results: SearchResult[];
  outcome?: SearchOutcome;
  error?: string;
}

export class SearchNodeItem extends vscode.TreeItem {
  constructor(
    readonly run: SearchRun,
    readonly result: SearchResult,
    openCommand: string,
  ) {
    const name = result.path === '/' ? '/' : result.path.slice(result.path.lastIndexOf('/') + 1);
    super(name, result.matches.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    const parent = result.path.slice(0, result.path.lastIndexOf('/')) || '/';
    const count = result.matches.length === 0 ? '' : ` · ${result.matches.length === 1 ? vscode.l10n.t('1 match') : vscode.l10n.t('{0} matches', result.matches.length)}`;
    this.description = `${result.path === '/' ? '' : parent} · v${result.version}${result.binary ? ` · ${vscode.l10n.t('binary')}` : ''}${count}`;
    const size = result.dataLength.toLocaleString('en-US');
    this.tooltip = `${run.connection}: ${result.path}\n${
      result.binary ? vscode.l10n.t('version {0}, {1} bytes (binary: matched by hex digits)', result.version, size) : vscode.l10n.t('version {0}, {1} bytes', result.version, size)
    }`;
    this.iconPath = new vscode.ThemeIcon(result.binary ? 'file-binary' : 'symbol-file');
    // Screen readers (and the e2e tier) read the row as it looks, not its tooltip.
    this.accessibilityInformation = { label: `${name} ${this.description}` };
    this.contextValue = 'searchResult';
    this.id = `${run.connection}\u0000${result.path}`;
    this.resourceUri = undefined;
    const target: SearchTarget = { connection: run.connection, path: result.path, binary: result.binary };
    if (result.matches.length === 0) this.command = { command: openCommand, title: vscode.l10n.t('Open'), arguments: [target] };
  }
}

export class SearchMatchItem extends vscode.TreeItem {
  constructor(
    readonly node: SearchNodeItem,
    readonly match: DataMatch,
    openCommand: string,
  ) {
    // Leading blanks would push the highlight out of sight in a narrow view.
    const trimmed = match.preview.replace(/^\s+/, '');
    const cut = match.preview.length - trimmed.length;
    super({ label: trimmed, highlights: [[Math.max(0, match.previewStart - cut), Math.max(0, match.previewEnd - cut)]] }, vscode.TreeItemCollapsibleState.None);
    this.description = node.result.binary ? vscode.l10n.t('byte {0}', match.column - 1) : vscode.l10n.t('line {0}, col {1}', match.line, match.column);
    this.contextValue = 'searchMatch';
    this.id = `${node.id ?? ''}\u0000${match.line}:${match.column}`;
    const { connection, path, binary } = { connection: node.run.connection, path: node.result.path, binary: node.result.binary };
    const target: SearchTarget = { connection, path, line: match.line, column: match.column, length: match.length, binary };
    this.command = { command: openCommand, title: vscode.l10n.t('Open at the Match'), arguments: [target] };
  }
}

export type SearchItem = SearchNodeItem | SearchMatchItem;

/** Streamed results arrive one by one; the view redraws at most this often. */
const REDRAW_MS = 100;

/**
 * The Search Results view: the nodes of the last search, each with its matching lines. Results are
 * added as the search finds them (kept sorted by path) and the view redraws in batches, so a search
 * that finds thousands of nodes costs a handful of redraws.
 */
export class SearchResultsProvider implements vscode.TreeDataProvider<SearchItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SearchItem | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private current: SearchRun | undefined;
  private sorted = true;
  private redraw: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly openCommand: string) {}

  get run(): SearchRun | undefined {
    return this.current;
  }

  start(run: SearchRun): void {
    this.current = run;
    this.sorted = true;
    this.fire(true);
  }

  add(result: SearchResult): void {
    if (!this.current) return;
    const results = this.current.results;
    if (results.length > 0 && results[results.length - 1].path > result.path) this.sorted = false;
    results.push(result);
    this.fire(false);
  }

  finish(outcome: SearchOutcome | undefined, error?: string): void {
    if (!this.current) return;
    if (outcome) this.current.results = outcome.results.slice();
    this.current.outcome = outcome;
    this.current.error = error;
    this.sorted = true;
    this.fire(true);
  }

  clear(): void {
    this.current = undefined;
    this.fire(true);
  }

  getTreeItem(item: SearchItem): vscode.TreeItem {
    return item;
  }

  getChildren(item?: SearchItem): SearchItem[] {
    const run = this.current;
    if (!run) return [];
    if (!item) {
      if (!this.sorted) {
        run.results.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        this.sorted = true;
      }
      return run.results.map((result) => new SearchNodeItem(run, result, this.openCommand));
    }
    if (item instanceof SearchNodeItem) return item.result.matches.map((match) => new SearchMatchItem(item, match, this.openCommand));
    return [];
  }

  getParent(item: SearchItem): SearchItem | undefined {
    return item instanceof SearchMatchItem ? item.node : undefined;
  }

  private fire(now: boolean): void {
    if (now) {
      if (this.redraw) clearTimeout(this.redraw);
      this.redraw = undefined;
      this.changed.fire(undefined);
      return;
    }
    this.redraw ??= setTimeout(() => {
      this.redraw = undefined;
      this.changed.fire(undefined);
    }, REDRAW_MS);
  }

  dispose(): void {
    if (this.redraw) clearTimeout(this.redraw);
    this.changed.dispose();
  }
}

/** The view's message: what was searched, what was found, and every reason the answer may be incomplete. */
export function describeRun(run: SearchRun, running: boolean): string {
  if (run.error) return vscode.l10n.t('Search {0} on {1} failed: {2}', run.description, run.connection, run.error);
  const nodes = run.results.length;
  const matches = run.results.reduce((sum, r) => sum + r.matches.length, 0);
  const nodeCount = nodes === 1 ? vscode.l10n.t('1 node') : vscode.l10n.t('{0} nodes', fmt(nodes));
  const found =
    nodes === 0 ? vscode.l10n.t('No results') : matches > 0 ? vscode.l10n.t('{0} in {1}', matches === 1 ? vscode.l10n.t('1 match') : vscode.l10n.t('{0} matches', fmt(matches)), nodeCount) : nodeCount;
  if (running || !run.outcome) {
    return nodes > 0
      ? vscode.l10n.t('Searching {0} on {1}… {2} so far', run.description, run.connection, found)
      : vscode.l10n.t('Searching {0} on {1}…', run.description, run.connection);
  }
  const o = run.outcome;
  const unreadable = `${o.unreadable.slice(0, 3).join(', ')}${o.unreadable.length > 3 ? ', …' : ''}`;
  const notes = [
    o.cancelled ? vscode.l10n.t('cancelled') : '',
    o.truncated ? vscode.l10n.t('stopped at a limit (zookeeper.search.maxResults / maxNodes)') : '',
    o.unreadable.length === 1 ? vscode.l10n.t("1 matching node not readable with this session's credentials ({0})", unreadable) : '',
    o.unreadable.length > 1 ? vscode.l10n.t("{0} matching nodes not readable with this session's credentials ({1})", fmt(o.unreadable.length), unreadable) : '',
    o.skippedBinary === 1 ? vscode.l10n.t('1 binary node not searched (turn on "binary data" to search them by hex)') : '',
    o.skippedBinary > 1 ? vscode.l10n.t('{0} binary nodes not searched (turn on "binary data" to search them by hex)', fmt(o.skippedBinary)) : '',
  ].filter((n) => n !== '');
  const summary = vscode.l10n.t('{0} for {1} on {2} · {3} znodes searched in {4} s', found, run.description, run.connection, fmt(o.visited), (o.durationMs / 1000).toFixed(1));
  return `${summary}${notes.length > 0 ? ` · ${notes.join(' · ')}` : ''}`;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
