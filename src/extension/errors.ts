import * as vscode from 'vscode';
import { UserError, ZkError } from '../zk/errors';
import { InvalidPathError } from '../zk/paths';

/** Any error as the sentence a user sees; ZooKeeper errors are already translated by src/zk/errors.ts. */
export function userMessage(error: unknown): string {
  if (error instanceof ZkError || error instanceof InvalidPathError) return error.message;
  if (error instanceof UserError) return error.message;
  if (error instanceof Error) return vscode.l10n.t('Unexpected error: {0}. See the "ZooKeeper" output channel for details.', error.message);
  return vscode.l10n.t('Unexpected error: {0}.', String(error));
}

// Defined beside ZkError so that the views (src/tree) can raise it without importing src/extension.
export { DisconnectedError, UserError } from '../zk/errors';
