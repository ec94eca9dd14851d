import * as vscode from 'vscode';
import { CompareItem, type CompareTarget } from '../../tree/compareProvider';
import { validatePath } from '../../zk/paths';
import { readLiveSource } from '../../zk/transfer/copy';
import { applyImport, planImport, planSummary, type ImportReport } from '../../zk/transfer/import';
import { COMMANDS } from '../commandIds';
import { isAutomationCall, registerCommand } from '../commands/registerCommand';
import { asArgs } from '../commands/resolve';
import type { ConnectionManager } from '../connections/connectionManager';
import { UserError } from '../errors';
import type { Logger } from '../logging';
import { describeImportReport, showPlanAndAsk, type PlanDocuments } from './importCommand';

const absolute = (root: string, rel: string): string => (rel === '' ? root : root === '/' ? `/${rel}` : `${root}/${rel}`);

export interface CopyCommandResult {
  from: { connection: string; path: string };
  to: { connection: string; path: string };
  plan: ReturnType<typeof planSummary>;
  report?: ImportReport;
}

function targetOf(arg: unknown): CompareTarget {
  const target = arg instanceof CompareItem ? arg.target : (arg as CompareTarget | undefined);
  const side = (s: unknown): boolean => typeof s === 'object' && s !== null && typeof (s as { connection?: unknown }).connection === 'string' && typeof (s as { path?: unknown }).path === 'string';
  if (!target || typeof target.path !== 'string' || !side(target.left) || !side(target.right)) {
    throw new UserError('Pass a difference from the Compare view, or { path, left: { connection, path }, right: { connection, path }, kind? }.');
  }
  for (const root of [target.left.path, target.right.path]) {
    const problem = validatePath(root);
    if (problem) throw new UserError(problem);
  }
  return target;
}

/**
 * "Copy to the other side" in the Compare view: the node (or its subtree) is read from the side that
 * has it — or, for a changed node, from this side (left) — and goes to the other side through the
 * same plan and apply as Import, so the user sees what will change before anything does.
 */
export function registerCopy(context: vscode.ExtensionContext, log: Logger, connections: ConnectionManager, documents: PlanDocuments, refreshCompare: () => Promise<void>): void {
  /** After a copy was applied, the Compare view runs its comparison again (its differences are out of date). */
  const refreshed = (): Promise<void> =>
    refreshCompare().catch((error: unknown) => log.warn(`the comparison could not run again after the copy: ${error instanceof Error ? error.message : String(error)}`));
  const copy = (subtree: boolean) => async (...argv: unknown[]): Promise<CopyCommandResult | undefined> => {
    const arg = argv[0];
    const args = isAutomationCall(argv) ? asArgs(arg) : undefined;
    const target = targetOf(arg);
    const [fromSide, toSide] = target.kind === 'added' ? [target.right, target.left] : [target.left, target.right];
    const from = { connection: fromSide.connection, path: absolute(fromSide.path, target.path) };
    const to = { connection: toSide.connection, path: absolute(toSide.path, target.path) };
    const source = connections.require(from.connection);
    const destination = connections.require(to.connection);
    if (destination.readOnly) throw new UserError(vscode.l10n.t('{0} is read-only: nothing is copied to it.', destination.name));
    const [sourceClient, client] = await Promise.all([source.connect(), destination.connect()]);
    const plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Planning the copy of {0} to {1}', `${from.connection}:${from.path}`, `${to.connection}:${to.path}`), cancellable: true }, async (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const live = await readLiveSource(sourceClient, from.path, { subtree, connection: from.connection, signal: abort.signal });
      const planned = await planImport(client, to.path, live.source, { signal: abort.signal });
      planned.skipped.push(
        ...live.unreadable.map((path) => ({ path, reason: `not readable on ${from.connection} with its credentials, so not copied` })),
        ...live.ephemeral.map((path) => ({ path, reason: `ephemeral on ${from.connection}: it belongs to a session there, so it is not copied` })),
      );
      return planned;
    });
    const result: CopyCommandResult = { from, to, plan: planSummary(plan) };
    if (args) {
      if (args.dryRun === true) return result;
      const report = await applyImport(client, plan);
      log.info(`copy: ${describeImportReport(report, `${to.connection}:${to.path}`)}`);
      await refreshed();
      return { ...result, report };
    }
    const report = await showPlanAndAsk(documents, log, destination, client, plan, subtree ? vscode.l10n.t('{0} and its subtree', `${from.connection}:${from.path}`) : vscode.l10n.t('{0} (the node alone)', `${from.connection}:${from.path}`));
    if (report) await refreshed();
    return report ? { ...result, report } : result;
  };
  registerCommand(context.subscriptions, log, COMMANDS.copyToOtherSide, copy(true));
  registerCommand(context.subscriptions, log, COMMANDS.copyNodeToOtherSide, copy(false));
}
