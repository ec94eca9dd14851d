import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { ConnectionItem } from '../../tree/explorerItems';
import type { ZkClient } from '../../zk/client';
import { baseName } from '../../zk/paths';
import { applyImport, planImport, planSummary, type ImportPlan, type ImportReport } from '../../zk/transfer/import';
import { readImportFile, type ImportSource } from '../../zk/transfer/importFormat';
import { describePlan } from '../../tree/importPlan';
import { COMMANDS } from '../commandIds';
import { isAutomationCall, registerCommand } from '../commands/registerCommand';
import { asArgs, resolveNode } from '../commands/resolve';
import type { ConnectionManager } from '../connections/connectionManager';
import type { ZkConnection } from '../connections/zkConnection';
import { UserError } from '../errors';
import type { Logger } from '../logging';

export const PLAN_SCHEME = 'zookeeper-plan';

export interface ImportCommandResult {
  connection: string;
  path: string;
  uri: string;
  plan: ReturnType<typeof planSummary>;
  /** Absent for a dry run. */
  report?: ImportReport;
}

/** The plan documents, by uri: read-only text the editor shows (in the diff language, for its colours). */
export class PlanDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private counter = 0;

  add(title: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/${++this.counter}/${title}.diff` });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? vscode.l10n.t('This plan is no longer available: make a new one.');
  }

  dispose(): void {
    this.changed.dispose();
    this.texts.clear();
  }
}

/** A file's chunks: a local file streams; any other file system is read whole through vscode.workspace.fs. */
async function readSource(uri: vscode.Uri): Promise<ImportSource> {
  if (uri.scheme === 'file') {
    try {
      await fs.promises.access(uri.fsPath, fs.constants.R_OK);
    } catch {
      throw new UserError(vscode.l10n.t('Could not read {0}: it does not exist or may not be read.', uri.fsPath));
    }
    return readImportFile(fs.createReadStream(uri.fsPath));
  }
  const bytes = await vscode.workspace.fs.readFile(uri);
  return readImportFile([bytes]);
}

export function describeImportReport(report: ImportReport, target: string): string {
  // Paths, reasons and error codes inside the notes stay as they are: they are data and server words.
  const done = vscode.l10n.t('{0} created, {1} updated, {2} deleted, {3} unchanged', report.created, report.updated, report.deleted, report.unchanged);
  const failed = `${report.failed
    .slice(0, 2)
    .map((f) => `${f.path}: ${f.reason}`)
    .join('; ')}${report.failed.length > 2 ? '; …' : ''}`;
  const counters = report.counters.map((c) => vscode.l10n.t('{0} (next {1}, highest imported {2})', c.parent, c.counter, c.highest)).join(vscode.l10n.t(', '));
  const notes = [
    report.failed.length === 0
      ? ''
      : report.failed.length === 1
        ? vscode.l10n.t('1 batch not applied ({0})', failed)
        : vscode.l10n.t('{0} batches not applied ({1})', report.failed.length, failed),
    report.aclFailed.length === 0
      ? ''
      : report.aclFailed.length === 1
        ? vscode.l10n.t('1 ACL not set ({0}: {1})', report.aclFailed[0].path, report.aclFailed[0].code)
        : vscode.l10n.t('{0} ACLs not set ({1}: {2})', report.aclFailed.length, report.aclFailed[0].path, report.aclFailed[0].code),
    report.skipped.length > 0 ? vscode.l10n.t('{0} left out ({1}: {2})', report.skipped.length, report.skipped[0].path, report.skipped[0].reason) : '',
    report.counters.length > 0 ? vscode.l10n.t('sequence counter below the imported names under {0}: a sequential create there could collide', counters) : '',
    report.cancelled ? vscode.l10n.t('cancelled: {0} not applied', report.notApplied) : '',
  ].filter((n) => n !== '');
  return notes.length ? vscode.l10n.t('Imported into {0}: {1} — {2}.', target, done, notes.join('; ')) : vscode.l10n.t('Imported into {0}: {1}.', target, done);
}

/**
 * Runs a plan with progress and cancel; shared by Import… and the Compare view's copy. Refuses a
 * read-only connection here too, whoever made the plan.
 */
export async function applyWithProgress(connection: ZkConnection, client: ZkClient, plan: ImportPlan, title: string): Promise<ImportReport> {
  if (connection.readOnly) throw new UserError(vscode.l10n.t('{0} is read-only: nothing was imported.', connection.name));
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    let last = 0;
    return applyImport(client, plan, {
      signal: abort.signal,
      onProgress: ({ applied, total }) => {
        progress.report({ message: vscode.l10n.t('{0} of {1}', applied.toLocaleString('en-US'), total.toLocaleString('en-US')), increment: total > 0 ? ((applied - last) / total) * 100 : 0 });
        last = applied;
      },
    });
  });
}

/** Shows a plan as a document and asks to apply it; resolves with the report, or undefined when not applied. */
export async function showPlanAndAsk(
  documents: PlanDocuments,
  log: Logger,
  connection: ZkConnection,
  client: ZkClient,
  plan: ImportPlan,
  what: string,
): Promise<ImportReport | undefined> {
  const uri = documents.add(vscode.l10n.t('Import plan {0}', baseName(plan.root) || connection.name), describePlan(plan, what, connection.name));
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(document, 'diff');
  await vscode.window.showTextDocument(document, { preview: true });
  const c = plan.counts;
  const work = c.create + c.update + c.delete;
  if (work === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Nothing to apply: {0} already matches {1} ({2} unchanged).', `${connection.name}:${plan.root}`, what, c.unchanged));
    return undefined;
  }
  const apply = vscode.l10n.t('Apply');
  const choice = await vscode.window.showInformationMessage(
    vscode.l10n.t('Import plan for {0}: {1} to create, {2} to update, {3} to delete, {4} unchanged. Apply it?', `${connection.name}:${plan.root}`, c.create, c.update, c.delete, c.unchanged),
    apply,
    vscode.l10n.t('Cancel'),
  );
  if (choice !== apply) return undefined;
  const report = await applyWithProgress(connection, client, plan, vscode.l10n.t('Importing into {0}', `${connection.name}:${plan.root}`));
  const message = describeImportReport(report, `${connection.name}:${plan.root}`);
  log.info(message);
  if (report.failed.length > 0 || report.aclFailed.length > 0) void vscode.window.showWarningMessage(message);
  else void vscode.window.showInformationMessage(message);
  return report;
}

/** Import…: `zookeeper.importSubtree`, from a node's context menu, the palette, or automation. */
export function registerImport(context: vscode.ExtensionContext, log: Logger, connections: ConnectionManager): PlanDocuments {
  const documents = new PlanDocuments();
  context.subscriptions.push(documents, vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, documents));

  registerCommand(context.subscriptions, log, COMMANDS.importSubtree, async (...argv: unknown[]): Promise<ImportCommandResult | undefined> => {
    const arg = argv[0];
    const args = isAutomationCall(argv) ? asArgs(arg) : undefined;
    const { connection, path } = arg instanceof ConnectionItem ? { connection: connections.require(arg.connection.name), path: '/' } : await resolveNode(connections, arg);
    if (connection.readOnly) throw new UserError(vscode.l10n.t('{0} is read-only: Import writes, so it is refused here.', connection.name));
    let uri: vscode.Uri;
    let deleteExtra = false;
    if (args) {
      if (typeof args.uri !== 'string') throw new UserError('Pass the file to import: { connection, path, uri: "file:///…/config.zk-export.json", deleteExtra?, dryRun? }.');
      try {
        uri = vscode.Uri.parse(args.uri, true);
      } catch {
        throw new UserError(`"${args.uri}" is not a uri; pass one such as file:///home/me/config.zk-export.json.`);
      }
      deleteExtra = args.deleteExtra === true;
    } else {
      const picked = await vscode.window.showOpenDialog({
        title: vscode.l10n.t('Import into {0} on {1}', path, connection.name),
        canSelectMany: false,
        filters: { [vscode.l10n.t('ZooKeeper exports (ours, ZooNavigator)')]: ['json', 'txt', 'b64', '*'] },
        openLabel: vscode.l10n.t('Plan Import'),
      });
      if (!picked?.[0]) return undefined;
      uri = picked[0];
      const mode = await vscode.window.showQuickPick(
        [
          { label: vscode.l10n.t('Create and update'), description: vscode.l10n.t('nodes in the target that the file lacks stay'), deleteExtra: false },
          { label: vscode.l10n.t('Create, update and delete'), description: vscode.l10n.t('nodes in the target that the file lacks are deleted (listed in the plan first)'), deleteExtra: true },
        ],
        { title: vscode.l10n.t('Import {0} into {1}', baseName(uri.path), `${connection.name}:${path}`), placeHolder: vscode.l10n.t('What the plan may do') },
      );
      if (!mode) return undefined;
      deleteExtra = mode.deleteExtra;
    }
    const source = await readSource(uri);
    const client = await connection.connect();
    const plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Planning the import into {0}', `${connection.name}:${path}`), cancellable: true }, (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return planImport(client, path, source, { deleteExtra, signal: abort.signal, onProgress: ({ read, total }) => progress.report({ message: vscode.l10n.t('{0} of {1} nodes', read.toLocaleString('en-US'), total.toLocaleString('en-US')) }) });
    });
    const result: ImportCommandResult = { connection: connection.name, path, uri: uri.toString(), plan: planSummary(plan) };
    const origin = source.source?.path ? `${source.source.connection ? `${source.source.connection}:` : ''}${source.source.path}` : undefined;
    const from =
      origin === undefined
        ? baseName(uri.path)
        : source.format === 'zoonavigator'
          ? vscode.l10n.t('{0} (ZooNavigator export of {1})', baseName(uri.path), origin)
          : vscode.l10n.t('{0} (export of {1})', baseName(uri.path), origin);
    if (args) {
      if (args.dryRun === true) return result;
      const report = await applyImport(client, plan);
      log.info(describeImportReport(report, `${connection.name}:${path}`));
      return { ...result, report };
    }
    const report = await showPlanAndAsk(documents, log, connection, client, plan, from);
    return report ? { ...result, report } : result;
  });
  return documents;
}
