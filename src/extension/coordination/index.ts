import * as vscode from 'vscode';
import { CoordinationProvider, scanSettings } from '../../tree/coordinationProvider';
import { RecipeItem } from '../../tree/coordinationItems';
import { ServicesProvider } from '../../tree/servicesProvider';
import { COMMANDS, VIEW_COORDINATION, VIEW_SERVICES } from '../commandIds';
import { registerCommand } from '../commands/registerCommand';
import { asArgs, resolveConnection, resolveNode } from '../commands/resolve';
import type { ConnectionManager } from '../connections/connectionManager';
import type { Logger } from '../logging';
import { notARecipeSentence, type CoordinationDetail } from './coordinationDetail';
import { COORDINATION_SCHEME, CoordinationDocuments, detailUri } from './detailDocuments';

export interface Coordination {
  provider: CoordinationProvider;
  services: ServicesProvider;
  /** zk-coordination: documents (a recipe's detail). */
  documents: CoordinationDocuments;
}

/** The Coordination and Services views, the coordination detail documents and their commands. */
export function registerCoordination(context: vscode.ExtensionContext, log: Logger, connections: ConnectionManager): Coordination {
  const provider = new CoordinationProvider(connections);
  const services = new ServicesProvider(connections);
  const documents = new CoordinationDocuments(connections, () => scanSettings().maxNodes);
  const view = vscode.window.createTreeView(VIEW_COORDINATION, { treeDataProvider: provider, showCollapseAll: true });
  const servicesView = vscode.window.createTreeView(VIEW_SERVICES, { treeDataProvider: services });
  // Uptimes tick only while the view can be seen: no timer for a collapsed or hidden view.
  services.setVisible(servicesView.visible);
  context.subscriptions.push(servicesView.onDidChangeVisibility((e) => services.setVisible(e.visible)));
  context.subscriptions.push(
    provider,
    services,
    documents,
    view,
    servicesView,
    vscode.workspace.registerTextDocumentContentProvider(COORDINATION_SCHEME, documents),
    provider.onDidChangeRecipe(({ connection, path }) => documents.recipeChanged(connection, path)),
    provider.onDidStartScan(() => (view.message = undefined)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('zookeeper.coordination')) view.message = vscode.l10n.t('The scan settings changed: run "Scan for Recipes" to scan again with them.');
    }),
  );
  const commandLog = log.scoped('commands');

  registerCommand(context.subscriptions, commandLog, COMMANDS.scanCoordination, async (arg?: unknown) => {
    const connection = await resolveConnection(connections, arg, vscode.l10n.t('Scan which connection for locks, leaders, queues and services?'));
    await connection.connect();
    const result = await vscode.window.withProgress(
      { location: { viewId: VIEW_COORDINATION } },
      () =>
        vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Scanning {0} for recipes', connection.name), cancellable: true }, (progress, token) =>
          provider.scan(connection, token, (visited, found) => progress.report({ message: vscode.l10n.t('{0} nodes, {1} found', visited.toLocaleString('en-US'), found) })),
        ),
    );
    if (!result) return undefined;
    return {
      connection: connection.name,
      visited: result.visited,
      truncated: result.truncated,
      cancelled: result.cancelled,
      missingRoots: result.missingRoots,
      recipes: result.recipes.map((r) => ({ path: r.path, kind: r.analysis.kind, recipe: r.analysis.recipe ?? null, summary: r.analysis.summary })),
    };
  });

  registerCommand(context.subscriptions, commandLog, COMMANDS.cancelCoordinationScan, async (arg?: unknown) => {
    const connection = await resolveConnection(connections, arg);
    provider.cancel(connection.name);
  });

  registerCommand(context.subscriptions, commandLog, COMMANDS.showCoordination, async (arg?: unknown): Promise<CoordinationDetail> => {
    const { connection, path } = arg instanceof RecipeItem ? { connection: arg.connection, path: arg.path } : await resolveNode(connections, arg);
    const detail = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Reading {0}', path) }, () => documents.load(connection.name, path));
    const args = asArgs(arg);
    // Nothing to detail: say so in a sentence rather than open a page that says little more.
    if (!args && detail.kind === 'unknown') {
      void vscode.window.showInformationMessage(notARecipeSentence(path, detail.participants.length));
      return detail;
    }
    const document = await vscode.workspace.openTextDocument(detailUri(connection.name, path));
    await vscode.languages.setTextDocumentLanguage(document, 'markdown').then(undefined, () => undefined);
    if (args) {
      if (args.reveal !== false) await vscode.window.showTextDocument(document, { preview: false, preserveFocus: true });
      return detail;
    }
    // A person gets it rendered (tables, headings); without the built-in Markdown extension, the text.
    const rendered = await vscode.commands.executeCommand('markdown.showPreview', document.uri).then(
      () => true,
      () => false,
    );
    if (!rendered) await vscode.window.showTextDocument(document, { preview: true });
    return detail;
  });

  registerCommand(context.subscriptions, commandLog, COMMANDS.refreshServices, () => {
    services.refresh();
  });

  return { provider, services, documents };
}
