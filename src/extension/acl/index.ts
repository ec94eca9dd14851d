import type * as vscode from 'vscode';
import { parseEntries } from '../../zk/acl/model';
import type { SetAclReport } from '../../zk/acl/setAcl';
import { COMMANDS } from '../commandIds';
import { isAutomationCall, registerCommand } from '../commands/registerCommand';
import { asArgs, resolveNode } from '../commands/resolve';
import type { ConnectionManager } from '../connections/connectionManager';
import { UserError } from '../errors';
import type { Logger } from '../logging';
import { AclEditorPanels } from './aclEditor';
import { applyAcl, describeReport, type AclRequest } from './apply';

/** What `zookeeper.setAcl` returns (see the README's contract). */
export type SetAclResult = SetAclReport;

function requestFromArgs(args: Record<string, unknown>, path: string): AclRequest {
  const acl = parseEntries(args.acl);
  if (typeof acl === 'string') throw new UserError(acl);
  if (args.recursive !== undefined && typeof args.recursive !== 'boolean') throw new UserError('"recursive" must be true or false.');
  if (args.aversion !== undefined && (typeof args.aversion !== 'number' || !Number.isInteger(args.aversion) || args.aversion < 0)) {
    throw new UserError(`"aversion" must be the ACL version read with zookeeper.showAcl (a whole number); got ${JSON.stringify(args.aversion)}.`);
  }
  return { path, acl, recursive: args.recursive === true, aversion: args.aversion, confirmLockout: args.confirmLockout === true };
}

/** zookeeper.setAcl (automation) and "Edit ACL…" (the editor). */
export function registerAcl(context: vscode.ExtensionContext, log: Logger, connections: ConnectionManager): AclEditorPanels {
  const panels = new AclEditorPanels(context.extensionUri, log);
  context.subscriptions.push(panels);

  registerCommand(context.subscriptions, log, COMMANDS.setAcl, async (arg?: unknown): Promise<SetAclResult> => {
    const args = asArgs(arg);
    if (!args) throw new UserError('zookeeper.setAcl takes { connection, path, acl: [{ scheme, id, perms }], recursive?, aversion?, confirmLockout? }; to edit an ACL by hand, use "Edit ACL…".');
    const { connection, path } = await resolveNode(connections, args);
    const report = await applyAcl(connection, requestFromArgs(args, path), !isAutomationCall([arg]));
    log.info(`setAcl ${connection.name}:${path}: ${describeReport(report)}`);
    return report;
  });

  registerCommand(context.subscriptions, log, COMMANDS.editAcl, async (arg?: unknown) => {
    const { connection, path } = await resolveNode(connections, arg);
    await connection.connect();
    return panels.open(connection, path);
  });
  return panels;
}
