import * as vscode from 'vscode';
import { isZkError } from '../../zk/errors';
import { sessionIdentities, type SessionIdentities } from '../../zk/acl/identities';
import type { AclEntry } from '../../zk/acl/model';
import { setAcl, type SetAclReport } from '../../zk/acl/setAcl';
import type { ZkConnection } from '../connections/zkConnection';
import { UserError } from '../errors';

export interface AclRequest {
  path: string;
  acl: AclEntry[];
  recursive: boolean;
  aversion?: number;
  confirmLockout: boolean;
}

/** The session's identities: the ones read after connecting, or read now (a connection opened before they were known). */
export async function identitiesOf(connection: ZkConnection): Promise<SessionIdentities> {
  const known = connection.identities;
  if (known) return known;
  return sessionIdentities(await connection.connect());
}

/**
 * Sets an ACL through the one ZooKeeper-layer operation, with VS Code's progress (cancellable for a
 * subtree). `ask`: a person is there, so a lock-out is a modal question instead of a refusal.
 */
export async function applyAcl(connection: ZkConnection, request: AclRequest, ask: boolean): Promise<SetAclReport> {
  if (connection.readOnly) throw new UserError(vscode.l10n.t('The connection "{0}" is read-only: changing ACLs is refused.', connection.name));
  const client = await connection.connect();
  const session = await identitiesOf(connection);
  const run = (confirmLockout: boolean): Thenable<SetAclReport> =>
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: request.recursive ? vscode.l10n.t('Setting the ACL of {0} and its subtree', request.path) : vscode.l10n.t('Setting the ACL of {0}', request.path), cancellable: request.recursive },
      (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        let last = 0;
        return setAcl(client, {
          ...request,
          confirmLockout,
          session,
          signal: controller.signal,
          onProgress: ({ done, total }) => {
            progress.report({ message: vscode.l10n.t('{0} of {1} nodes', done, total), increment: ((done - last) / total) * 100 });
            last = done;
          },
        }).finally(() => {
          sub.dispose();
        });
      },
    );
  try {
    return await run(request.confirmLockout);
  } catch (error) {
    if (!ask || !isZkError(error, 'ACLLOCKOUT')) throw error;
    // The refusal without its "confirm with confirmLockout" sentence, which is for API callers.
    const question = typeof error.details.question === 'string' ? error.details.question : error.message;
    const lockMeOut = vscode.l10n.t('Lock Myself Out');
    const answer = await vscode.window.showWarningMessage(question, { modal: true, detail: vscode.l10n.t('Cancel keeps the current ACL; nothing is written.') }, lockMeOut);
    if (answer !== lockMeOut) throw new vscode.CancellationError();
    return run(true);
  }
}

/** A sentence for the report of a subtree: how many changed, which were refused and why. */
export function describeReport(report: SetAclReport): string {
  const nodes = (n: number): string => (n === 1 ? vscode.l10n.t('{0} node', n) : vscode.l10n.t('{0} nodes', n));
  const parts = [report.cancelled ? vscode.l10n.t('Cancelled: ACL set on {0} of {1}', nodes(report.changed), nodes(report.total)) : vscode.l10n.t('ACL set on {0} of {1}', nodes(report.changed), nodes(report.total))];
  if (report.changed < report.total - report.failed.length && !report.cancelled) parts.push(vscode.l10n.t('{0} already had it', nodes(report.total - report.failed.length - report.changed)));
  if (report.failed.length > 0) parts.push(vscode.l10n.t('refused on {0}: {1}', nodes(report.failed.length), report.failed.map((f) => `${f.path} (${f.code})`).join(', ')));
  return vscode.l10n.t('{0}.', parts.join(vscode.l10n.t('; ')));
}

