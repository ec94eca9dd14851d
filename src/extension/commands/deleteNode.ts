import * as vscode from 'vscode';
import { ZkError } from '../../zk/errors';
import { isServerOwned } from '../../zk/paths';
import { deleteTree, type DeleteTreeReport } from '../../zk/subtree';
import type { ZkConnection } from '../connections/zkConnection';
import { UserError } from '../errors';
import type { Logger } from '../logging';

/** At most one progress report per this long while a subtree is deleted. */
const PROGRESS_INTERVAL_MS = 100;

export interface DeleteResult {
  deleted: number;
  total: number;
  cancelled: boolean;
  failed: DeleteTreeReport['failed'];
}

function refuseProtected(connection: ZkConnection, path: string): void {
  if (connection.readOnly) throw new UserError(vscode.l10n.t('The connection "{0}" is read-only: deleting nodes is refused.', connection.name));
  if (isServerOwned(path)) {
    throw new UserError(vscode.l10n.t('"{0}" belongs to ZooKeeper itself (the root or /zookeeper) and cannot be deleted.', path));
  }
}

/** Automation: deletes without prompts; without `recursive` a node with children fails with NOTEMPTY. */
export async function deleteNodeQuietly(connection: ZkConnection, path: string, recursive: boolean): Promise<DeleteResult> {
  refuseProtected(connection, path);
  const client = await connection.connect();
  if (!recursive) {
    await client.delete(path);
    return { deleted: 1, total: 1, cancelled: false, failed: [] };
  }
  const report = await deleteTree(client, path);
  return { deleted: report.deleted, total: report.total, cancelled: report.cancelled, failed: report.failed };
}

/** The UI: a confirmation that states how many nodes go, progress with cancel, and a report of what stayed. */
export async function deleteNodeInteractively(connection: ZkConnection, path: string, log: Logger): Promise<DeleteResult | undefined> {
  refuseProtected(connection, path);
  const client = await connection.connect();
  const stat = await client.exists(path);
  if (!stat) throw new ZkError('NONODE', 'delete', path);
  let descendants = 0;
  if (stat.numChildren > 0) {
    descendants = await client.getAllChildrenNumber(path).catch(() => stat.numChildren);
  }
  const question =
    descendants > 0
      ? vscode.l10n.t('Delete "{0}" on {1} and everything below it: {2} nodes in all? This cannot be undone.', path, connection.name, (descendants + 1).toLocaleString('en-US'))
      : vscode.l10n.t('Delete "{0}" on {1}? This cannot be undone.', path, connection.name);
  const confirm = descendants > 0 ? vscode.l10n.t('Delete {0} Nodes', (descendants + 1).toLocaleString('en-US')) : vscode.l10n.t('Delete');
  const answer = await vscode.window.showWarningMessage(question, { modal: true }, confirm);
  if (answer !== confirm) return undefined;
  if (descendants === 0) {
    await client.delete(path);
    return { deleted: 1, total: 1, cancelled: false, failed: [] };
  }
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Deleting {0}', path), cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      let reported = 0;
      let reportedAt = 0;
      try {
        return await deleteTree(client, path, {
          signal: abort.signal,
          onProgress: ({ deleted, total }) => {
            // Each report is a message to the window: one per node (1,111 for a 1,111-node subtree)
            // slowed the deletion itself. A few per second, and the last one, say the same.
            const now = Date.now();
            if (deleted < total && now - reportedAt < PROGRESS_INTERVAL_MS) return;
            reportedAt = now;
            const percent = total > 0 ? (deleted / total) * 100 : 0;
            progress.report({ message: vscode.l10n.t('{0} of {1} nodes', deleted.toLocaleString('en-US'), total.toLocaleString('en-US')), increment: percent - reported });
            reported = percent;
          },
        });
      } finally {
        sub.dispose();
      }
    },
  );
  if (report.failed.length > 0 || report.cancelled) {
    for (const failure of report.failed) log.warn(`not deleted: ${failure.path}: ${failure.message}`);
    const summary = report.cancelled
      ? vscode.l10n.t('Deletion of "{0}" cancelled after {1} of {2} nodes.', path, report.deleted.toLocaleString('en-US'), report.total.toLocaleString('en-US'))
      : vscode.l10n.t('Deleted {0} of {1} nodes under "{2}"; {3} could not be deleted, e.g. {4}', report.deleted.toLocaleString('en-US'), report.total.toLocaleString('en-US'), path, report.failed.length, report.failed[0].message);
    const showDetails = vscode.l10n.t('Show Details');
    const choice = await vscode.window.showWarningMessage(summary, showDetails);
    if (choice === showDetails) log.show();
  } else {
    vscode.window.setStatusBarMessage(vscode.l10n.t('Deleted {0} nodes under {1}', report.deleted.toLocaleString('en-US'), path), 5000);
  }
  return { deleted: report.deleted, total: report.total, cancelled: report.cancelled, failed: report.failed };
}
