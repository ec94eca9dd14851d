import * as vscode from 'vscode';
import { CompareProvider, describeCompare, sideNames, type CompareRun, type CompareTarget } from '../../tree/compareProvider';
import { detectLanguage } from '../../zk/codecs/language';
import { ConnectionItem } from '../../tree/explorerItems';
import { baseName, normalizeUserPath, validatePath } from '../../zk/paths';
import { compareTrees, type CompareOutcome } from '../../zk/transfer/compare';
import { COMMANDS, CONTEXT_COMPARE_SHOWN, VIEW_COMPARE } from '../commandIds';
import { isAutomationCall, registerCommand } from '../commands/registerCommand';
import { asArgs, resolveNode } from '../commands/resolve';
import type { ConnectionManager } from '../connections/connectionManager';
import { UserError } from '../errors';
import type { ConnectionSource } from '../../tree/sources';
import { documentUri } from '../fs/documentAddress';
import type { Logger } from '../logging';

export type CompareCommandResult = CompareOutcome & { connection: string; path: string; otherConnection: string; otherPath: string };

const absolute = (root: string, rel: string): string => (rel === '' ? root : root === '/' ? `/${rel}` : `${root}/${rel}`);

function ignoreOptions(value: unknown): { paths?: string[]; ephemeral?: boolean; acl?: boolean } {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new UserError('"ignore" is an object: { paths?: ["locks/**"], ephemeral?: true, acl?: true }.');
  const { paths, ephemeral, acl } = value as Record<string, unknown>;
  if (paths !== undefined && !(Array.isArray(paths) && paths.every((p) => typeof p === 'string'))) throw new UserError('"ignore.paths" is a list of globs, e.g. ["locks/**", "*.tmp"].');
  return { paths: paths, ephemeral: ephemeral === undefined ? undefined : ephemeral !== false, acl: acl === undefined ? undefined : acl !== false };
}

/** Compare With…: `zookeeper.compare` and the Compare view. */
/** What a comparison was asked for: kept so that a copy can run it again. */
interface CompareRequest {
  connection: ConnectionSource;
  path: string;
  other: ConnectionSource;
  otherPath: string;
  ignore: { paths?: string[]; ephemeral?: boolean; acl?: boolean };
}

export function registerCompare(context: vscode.ExtensionContext, log: Logger, connections: ConnectionManager): { provider: CompareProvider; refresh: () => Promise<void> } {
  const provider = new CompareProvider(COMMANDS.openCompareResult);
  const view = vscode.window.createTreeView(VIEW_COMPARE, { treeDataProvider: provider });
  context.subscriptions.push(provider, view);

  let last: CompareRequest | undefined;
  /** Compares the two sides and shows the result in the view (the view's last request is kept for refresh). */
  const runCompare = async (request: CompareRequest): Promise<CompareOutcome> => {
    const { connection, path, other, otherPath, ignore } = request;
    const [leftClient, rightClient] = await Promise.all([connection.connect(), other.connect()]);
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Comparing {0} with {1}', `${connection.name}:${path}`, `${other.name}:${otherPath}`), cancellable: true },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return compareTrees(
          { client: leftClient, path },
          { client: rightClient, path: otherPath },
          {
            ignorePaths: ignore.paths,
            ignoreEphemeral: ignore.ephemeral,
            compareAcl: ignore.acl === false,
            signal: abort.signal,
            onProgress: (p) => progress.report({
              message:
                p.phase === 'walking'
                  ? vscode.l10n.t('{0} nodes listed', p.done.toLocaleString('en-US'))
                  : vscode.l10n.t('{0} of {1} compared', p.done.toLocaleString('en-US'), (p.total ?? 0).toLocaleString('en-US')),
            }),
          },
        );
      },
    );
    last = request;
    const run: CompareRun = { left: { connection: connection.name, path }, right: { connection: other.name, path: otherPath }, outcome };
    provider.show(run);
    view.message = describeCompare(run);
    void vscode.commands.executeCommand('setContext', CONTEXT_COMPARE_SHOWN, true);
    log.info(`compared ${connection.name}:${path} with ${other.name}:${otherPath}: ${outcome.changed.length} changed, ${outcome.removed.length} removed, ${outcome.added.length} added, ${outcome.same} same`);
    return outcome;
  };

  registerCommand(context.subscriptions, log, COMMANDS.compare, async (...argv: unknown[]): Promise<CompareCommandResult | undefined> => {
    const arg = argv[0];
    const args = isAutomationCall(argv) ? asArgs(arg) : undefined;
    const { connection, path } = arg instanceof ConnectionItem ? { connection: arg.connection, path: '/' } : await resolveNode(connections, arg);
    let other: typeof connection;
    let otherPath: string;
    let ignore: { paths?: string[]; ephemeral?: boolean; acl?: boolean } = {};
    if (args) {
      if (typeof args.otherConnection !== 'string' && args.otherConnection !== undefined) throw new UserError('"otherConnection" is a connection name.');
      other = connections.require(args.otherConnection ?? connection.name);
      if (typeof args.otherPath !== 'string') throw new UserError('Pass the other side: { connection, path, otherConnection, otherPath }.');
      const problem = validatePath(args.otherPath);
      if (problem) throw new UserError(problem);
      otherPath = args.otherPath;
      ignore = ignoreOptions(args.ignore);
    } else {
      const all = connections.list();
      const picked = await vscode.window.showQuickPick(
        [...all.filter((c) => c.name !== connection.name), connection].map((c) => ({ label: c.name, description: c === connection ? vscode.l10n.t('this connection') : c.config.connectString, detail: c.statusText, connection: c })),
        { title: vscode.l10n.t('Compare {0} on {1} with… (1/2)', path, connection.name), placeHolder: vscode.l10n.t('The connection of the other side') },
      );
      if (!picked) return undefined;
      other = picked.connection;
      const typed = await vscode.window.showInputBox({
        title: vscode.l10n.t('Compare {0} on {1} with a node on {2} (2/2)', path, connection.name, other.name),
        prompt: vscode.l10n.t('The other node; its subtree is compared with this one (ephemeral nodes are left out; ACLs are not compared).'),
        value: path,
        validateInput: (value) => validatePath(normalizeUserPath(value)) ?? (other === connection && normalizeUserPath(value) === path ? vscode.l10n.t('That is the same node: choose another path or another connection.') : undefined),
      });
      if (typed === undefined) return undefined;
      otherPath = normalizeUserPath(typed);
    }
    const outcome = await runCompare({ connection, path, other, otherPath, ignore });
    if (!args || args.reveal === true) await vscode.commands.executeCommand(`${VIEW_COMPARE}.focus`);
    return { connection: connection.name, path, otherConnection: other.name, otherPath, ...outcome };
  });

  registerCommand(context.subscriptions, log, COMMANDS.openCompareResult, async (arg?: unknown) => {
    const target = arg as CompareTarget | undefined;
    if (!target || typeof target.path !== 'string' || !target.left || !target.right) throw new UserError('Pass a difference from the Compare view.');
    const left = documentUri(target.left.connection, absolute(target.left.path, target.path));
    const right = documentUri(target.right.connection, absolute(target.right.path, target.path));
    if (target.kind === 'changed') {
      const name = target.path === '' ? baseName(target.left.path) || '/' : target.path;
      const [leftName, rightName] = sideNames(target.left, target.right);
      // Both sides in the node's language (JSON, YAML…), as the editor opens it, not Plain Text.
      const documents = await Promise.all([left, right].map((uri) => vscode.workspace.openTextDocument(uri)));
      const detected = detectLanguage(documents[0].getText());
      if (detected !== 'plaintext' && (await vscode.languages.getLanguages()).includes(detected)) {
        for (const document of documents) if (document.languageId !== detected) await vscode.languages.setTextDocumentLanguage(document, detected);
      }
      await vscode.commands.executeCommand('vscode.diff', left, right, `${name} (${leftName} ↔ ${rightName})`, { preview: true });
      return { left: left.toString(), right: right.toString() };
    }
    const node = target.kind === 'added' ? { connection: target.right.connection, path: absolute(target.right.path, target.path) } : { connection: target.left.connection, path: absolute(target.left.path, target.path) };
    return vscode.commands.executeCommand(COMMANDS.openNode, node);
  });

  registerCommand(context.subscriptions, log, COMMANDS.clearCompare, () => {
    last = undefined;
    provider.show(undefined);
    view.message = undefined;
    void vscode.commands.executeCommand('setContext', CONTEXT_COMPARE_SHOWN, false);
  });
  // After a copy to the other side the shown differences are out of date: the same comparison runs again.
  const refresh = async (): Promise<void> => {
    if (last && provider.run) await runCompare(last);
  };
  return { provider, refresh };
}
