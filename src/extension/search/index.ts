import * as vscode from 'vscode';
import { ConnectionItem } from '../../tree/explorerItems';
import { describeRun, SearchResultsProvider, type SearchRun, type SearchTarget } from '../../tree/searchResultsProvider';
import { normalizeUserPath, validatePath } from '../../zk/paths';
import { DEFAULT_SEARCH_MAX_NODES, DEFAULT_SEARCH_MAX_RESULTS, pathMatcher, searchTree, textMatcher, type SearchOutcome, type SearchQuery } from '../../zk/search';
import { COMMANDS, CONTEXT_SEARCH_RUNNING, CONTEXT_SEARCH_SHOWN, VIEW_SEARCH } from '../commandIds';
import { isAutomationCall, registerCommand } from '../commands/registerCommand';
import { asArgs, resolveNode } from '../commands/resolve';
import type { ConnectionManager } from '../connections/connectionManager';
import { UserError, userMessage } from '../errors';
import type { Logger } from '../logging';

/** What `zookeeper.search` returns: plain data, for tasks and other extensions. Lines and columns count from 1. */
export interface SearchCommandResult {
  connection: string;
  path: string;
  results: {
    path: string;
    version: number;
    /** The first match (absent for a path-only search). */
    line?: number;
    column?: number;
    binary?: boolean;
    matches: { line: number; column: number; length: number; text: string }[];
  }[];
  visited: number;
  truncated: boolean;
  cancelled: boolean;
  unreadable: string[];
  skippedBinary: number;
}

interface Toggles {
  caseSensitive: boolean;
  regex: boolean;
  binary: boolean;
}

function settings(): { maxResults: number; maxNodes: number } {
  const config = vscode.workspace.getConfiguration('zookeeper.search');
  return { maxResults: config.get<number>('maxResults', DEFAULT_SEARCH_MAX_RESULTS), maxNodes: config.get<number>('maxNodes', DEFAULT_SEARCH_MAX_NODES) };
}

function optionalString(args: Record<string, unknown>, key: string): string | undefined {
  const value = args[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new UserError(`"${key}" must be a string; got ${typeof value}.`);
  return value;
}

function optionalNumber(args: Record<string, unknown>, key: string): number | undefined {
  const value = args[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new UserError(`"${key}" must be a whole number of 0 or more; got ${JSON.stringify(value)}.`);
  return value;
}

function describeQuery(query: SearchQuery): string {
  const parts: string[] = [];
  if (query.dataPattern) parts.push(`${query.regex ? `/${query.dataPattern}/` : `"${query.dataPattern}"`}${query.caseSensitive ? ' (match case)' : ''}`);
  if (query.pathPattern) parts.push(`paths ${query.regex ? `/${query.pathPattern}/` : query.pathPattern}`);
  return `${parts.join(', ')} in ${query.root}`;
}

/** describeQuery in the user's language, for the view (the log line above stays English, for bug reports). */
function describeQueryShown(query: SearchQuery): string {
  const parts: string[] = [];
  if (query.dataPattern) {
    const pattern = query.regex ? `/${query.dataPattern}/` : `"${query.dataPattern}"`;
    parts.push(query.caseSensitive ? vscode.l10n.t('{0} (match case)', pattern) : pattern);
  }
  if (query.pathPattern) parts.push(vscode.l10n.t('paths {0}', query.regex ? `/${query.pathPattern}/` : query.pathPattern));
  return vscode.l10n.t('{0} in {1}', parts.join(vscode.l10n.t(', ')), query.root);
}

function toCommandResult(connection: string, root: string, outcome: SearchOutcome): SearchCommandResult {
  return {
    connection,
    path: root,
    results: outcome.results.map((r) => ({
      path: r.path,
      version: r.version,
      ...(r.matches.length > 0 ? { line: r.matches[0].line, column: r.matches[0].column } : {}),
      ...(r.binary ? { binary: true } : {}),
      matches: r.matches.map((m) => ({ line: m.line, column: m.column, length: m.length, text: m.preview.slice(m.previewStart, m.previewEnd) })),
    })),
    visited: outcome.visited,
    truncated: outcome.truncated,
    cancelled: outcome.cancelled,
    unreadable: outcome.unreadable,
    skippedBinary: outcome.skippedBinary,
  };
}

/** Step 1 of 2: the text to find, with Match Case / Regular Expression / Binary toggles as buttons. */
async function askData(root: string, connection: string, toggles: Toggles): Promise<string | undefined> {
  const box = vscode.window.createInputBox();
  box.title = vscode.l10n.t('Search {0} on {1} (1/2)', root, connection);
  box.placeholder = vscode.l10n.t('Text to find in the data (empty: match paths only)');
  const buttons = (): vscode.QuickInputButton[] => [
    { iconPath: new vscode.ThemeIcon(toggles.caseSensitive ? 'case-sensitive' : 'whole-word'), tooltip: toggles.caseSensitive ? vscode.l10n.t('Match Case: on (click to ignore case)') : vscode.l10n.t('Match Case: off (click to match case)') },
    { iconPath: new vscode.ThemeIcon(toggles.regex ? 'regex' : 'symbol-text'), tooltip: toggles.regex ? vscode.l10n.t('Regular Expression: on (click for plain text)') : vscode.l10n.t('Regular Expression: off (click to use one)') },
    { iconPath: new vscode.ThemeIcon(toggles.binary ? 'file-binary' : 'file-text'), tooltip: toggles.binary ? vscode.l10n.t('Binary data: searched by hex digits too (click for text only)') : vscode.l10n.t('Binary data: not searched (click to search it by hex digits)') },
  ];
  const describe = (): void => {
    const on = vscode.l10n.t('on');
    const off = vscode.l10n.t('off');
    box.prompt = vscode.l10n.t(
      'Match case: {0} · regular expression: {1} · binary data: {2} (the buttons above switch them)',
      toggles.caseSensitive ? on : off,
      toggles.regex ? on : off,
      toggles.binary ? vscode.l10n.t('by hex digits') : vscode.l10n.t('skipped'),
    );
    box.buttons = buttons();
    box.validationMessage = validateData(box.value, toggles);
  };
  describe();
  return new Promise<string | undefined>((resolve) => {
    let answered = false;
    box.onDidTriggerButton((button) => {
      const index = box.buttons.indexOf(button);
      if (index === 0) toggles.caseSensitive = !toggles.caseSensitive;
      if (index === 1) toggles.regex = !toggles.regex;
      if (index === 2) toggles.binary = !toggles.binary;
      describe();
    });
    box.onDidChangeValue(() => (box.validationMessage = validateData(box.value, toggles)));
    box.onDidAccept(() => {
      if (validateData(box.value, toggles)) return;
      answered = true;
      resolve(box.value);
      box.hide();
    });
    box.onDidHide(() => {
      if (!answered) resolve(undefined);
      box.dispose();
    });
    box.show();
  });
}

function validateData(value: string, toggles: Toggles): string | undefined {
  if (!value || !toggles.regex) return undefined;
  try {
    textMatcher(value, { regex: true });
    return undefined;
  } catch (error) {
    return userMessage(error);
  }
}

/** The Search Results view, `zookeeper.search` and the commands of the view. */
export function registerSearch(context: vscode.ExtensionContext, log: Logger, connections: ConnectionManager): SearchResultsProvider {
  const provider = new SearchResultsProvider(COMMANDS.openSearchResult);
  const view = vscode.window.createTreeView(VIEW_SEARCH, { treeDataProvider: provider, showCollapseAll: true });
  const commandLog = log.scoped('search');
  const toggles: Toggles = { caseSensitive: false, regex: false, binary: false };
  let running: vscode.CancellationTokenSource | undefined;
  let last: { connection: string; query: SearchQuery } | undefined;
  context.subscriptions.push(provider, view, { dispose: () => running?.cancel() });

  const setRunning = (source: vscode.CancellationTokenSource | undefined): void => {
    running = source;
    void vscode.commands.executeCommand('setContext', CONTEXT_SEARCH_RUNNING, source !== undefined);
  };

  const run = async (connectionName: string, query: SearchQuery, options: { maxResults?: number; maxDepth?: number; reveal: boolean }): Promise<SearchCommandResult | undefined> => {
    const connection = connections.require(connectionName);
    const limits = settings();
    running?.cancel();
    const source = new vscode.CancellationTokenSource();
    setRunning(source);
    last = { connection: connection.name, query };
    const entry: SearchRun = { connection: connection.name, root: query.root, description: describeQueryShown(query), results: [] };
    provider.start(entry);
    void vscode.commands.executeCommand('setContext', CONTEXT_SEARCH_SHOWN, true);
    view.message = describeRun(entry, true);
    if (options.reveal) await vscode.commands.executeCommand(`${VIEW_SEARCH}.focus`);
    const abort = new AbortController();
    const cancelled = source.token.onCancellationRequested(() => abort.abort());
    try {
      const client = await connection.connect();
      const outcome = await vscode.window.withProgress({ location: { viewId: VIEW_SEARCH } }, () =>
        searchTree(client, query, {
          maxResults: options.maxResults ?? limits.maxResults,
          maxNodes: limits.maxNodes,
          maxDepth: options.maxDepth,
          signal: abort.signal,
          onResult: (result) => provider.add(result),
          onProgress: () => {
            if (provider.run === entry) view.message = describeRun(entry, true);
          },
        }),
      );
      if (provider.run === entry) {
        provider.finish(outcome);
        view.message = describeRun(entry, false);
      }
      commandLog.info(`searched ${describeQuery(query)} on ${connection.name}: ${outcome.results.length} nodes, ${outcome.visited} visited${outcome.cancelled ? ', cancelled' : ''}${outcome.truncated ? ', truncated' : ''}`);
      return toCommandResult(connection.name, query.root, outcome);
    } catch (error) {
      if (provider.run === entry) {
        provider.finish(undefined, userMessage(error));
        view.message = describeRun(entry, false);
      }
      throw error;
    } finally {
      cancelled.dispose();
      source.dispose();
      if (running === source) setRunning(undefined);
    }
  };

  registerCommand(context.subscriptions, commandLog, COMMANDS.search, async (...argv: unknown[]) => {
    const arg = argv[0];
    const args = asArgs(arg);
    if (args && isAutomationCall(argv)) {
      const path = args.path === undefined ? '/' : args.path;
      if (typeof path !== 'string') throw new UserError('"path" must be a string: the subtree to search, e.g. "/config".');
      const problem = validatePath(path);
      if (problem) throw new UserError(problem);
      const query: SearchQuery = {
        root: path,
        pathPattern: optionalString(args, 'pathPattern'),
        dataPattern: optionalString(args, 'dataPattern'),
        regex: args.regex === true,
        caseSensitive: args.caseSensitive === true,
        binary: args.binary === true,
      };
      if (!query.pathPattern && !query.dataPattern) throw new UserError('Pass what to search for: { connection, path, dataPattern?, pathPattern? } with at least one of the two patterns.');
      // Checked here so a bad pattern is a rejection with a sentence, not an empty result.
      pathMatcher(query.pathPattern, query);
      if (query.dataPattern) textMatcher(query.dataPattern, query);
      if (typeof args.connection !== 'string') throw new UserError('Pass the connection by name: { connection: "dev", … }.');
      return run(args.connection, query, { maxResults: optionalNumber(args, 'maxResults'), maxDepth: optionalNumber(args, 'maxDepth'), reveal: args.reveal === true });
    }
    // A connection row searches the whole tree; a node row its subtree; the palette asks.
    const { connection, path } = arg instanceof ConnectionItem ? { connection: arg.connection, path: '/' } : await resolveNode(connections, arg);
    const dataPattern = await askData(path, connection.name, toggles);
    if (dataPattern === undefined) return undefined;
    const pathPattern = await vscode.window.showInputBox({
      title: vscode.l10n.t('Search {0} on {1} (2/2)', path, connection.name),
      prompt: dataPattern
        ? vscode.l10n.t('Only in nodes whose path matches (empty: every node). Finding "{0}" in the data.', dataPattern)
        : toggles.regex
          ? vscode.l10n.t('Nodes whose path matches: a glob such as *.json (the name) or /config/**/db* (the whole path), or a regular expression')
          : vscode.l10n.t('Nodes whose path matches: a glob such as *.json (the name) or /config/**/db* (the whole path)'),
      placeHolder: toggles.regex ? vscode.l10n.t('A regular expression searched in the path') : '*.json, /config/**/db*, node-{a,b}',
      validateInput: (value) => {
        if (!value && !dataPattern) return vscode.l10n.t('Type a path pattern, or go back and type text to find in the data.');
        try {
          pathMatcher(value, toggles);
          return undefined;
        } catch (error) {
          return userMessage(error);
        }
      },
    });
    if (pathPattern === undefined) return undefined;
    return run(connection.name, { root: path, dataPattern, pathPattern, ...toggles }, { reveal: true });
  });

  registerCommand(context.subscriptions, commandLog, COMMANDS.searchAgain, async () => {
    if (!last) throw new UserError(vscode.l10n.t('Nothing was searched yet in this window: run "ZooKeeper: Search…" on a connection or a node.'));
    return run(last.connection, last.query, { reveal: false });
  });
  registerCommand(context.subscriptions, commandLog, COMMANDS.cancelSearch, () => {
    running?.cancel();
  });
  registerCommand(context.subscriptions, commandLog, COMMANDS.clearSearch, () => {
    running?.cancel();
    provider.clear();
    view.message = undefined;
    last = undefined;
    void vscode.commands.executeCommand('setContext', CONTEXT_SEARCH_SHOWN, false);
  });
  registerCommand(context.subscriptions, commandLog, COMMANDS.openSearchResult, async (arg?: unknown) => {
    const target = arg as Partial<SearchTarget> | undefined;
    if (!target || typeof target.connection !== 'string' || typeof target.path !== 'string') throw new UserError('Pass a search result: { connection, path, line?, column? }.');
    const opened = await vscode.commands
      .executeCommand<{ uri?: string; binary?: boolean } | undefined>(COMMANDS.openNode, { connection: target.connection, path: normalizeUserPath(target.path) })
      .then(undefined, (error: unknown) => {
        // openNode, called with an argument object, rejects with its sentence (a plain Error once it crosses executeCommand): already the user's message, not an unexpected one.
        throw new UserError(error instanceof Error ? error.message : String(error));
      });
    if (!opened?.uri || opened.binary || target.line === undefined) return opened;
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === opened.uri);
    if (!editor) return opened;
    // The node may have changed since the search: clamp to what the document holds now.
    const line = Math.min(target.line - 1, editor.document.lineCount - 1);
    const start = new vscode.Position(line, Math.max(0, (target.column ?? 1) - 1));
    const range = editor.document.validateRange(new vscode.Range(start, start.translate(0, target.length ?? 0)));
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(editor.selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return opened;
  });
  return provider;
}
