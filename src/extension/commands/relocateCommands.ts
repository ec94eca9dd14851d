import * as vscode from 'vscode';
import { baseName, isAncestor, isServerOwned, normalizeUserPath, parentPath, validatePath } from '../../zk/paths';
import { COMMANDS } from '../commandIds';
import type { ConnectionManager } from '../connections/connectionManager';
import type { ZkConnection } from '../connections/zkConnection';
import { UserError } from '../errors';
import type { Logger } from '../logging';
import { parseDocumentUri } from '../fs/documentAddress';
import { stagingHook } from '../staging/hook';
import { ZK_SCHEME, ZkUri } from '../zkUri';
import type { Reveal } from './nodeCommands';
import { asArgs, resolveNode } from './resolve';
import { registerCommand } from './registerCommand';

/**
 * "Move or Rename…" and "Copy To…" on a node of the explorer: users of other ZooKeeper tools asked for
 * them for years (ZooNavigator 21, 32). The work is the zk:// file system's rename and copy (one
 * atomic multi on the server: the node, its data, its ACLs and its whole subtree, or nothing; see
 * src/zk/transfer/relocate.ts), so an editor open on a moved node follows it, and what cannot be
 * carried over (ephemerals, sequential children, an existing target) is refused there with a sentence.
 * Automation passes { connection, path, to }.
 */
export function registerRelocateCommands(subscriptions: vscode.Disposable[], log: Logger, connections: ConnectionManager, refreshParentOf: (connection: ZkConnection, path: string) => void, reveal: Reveal): void {
  const relocate = async (arg: unknown, move: boolean): Promise<{ connection: string; path: string; to: string } | undefined> => {
    const { connection, path } = await resolveNode(connections, arg);
    if (path === '/' || isServerOwned(path)) {
      throw new UserError(
        move
          ? vscode.l10n.t('"{0}" belongs to the server and cannot be moved.', path)
          : vscode.l10n.t('"{0}" belongs to the server and cannot be copied.', path),
      );
    }
    const problemOf = (input: string): string | undefined => {
      const target = normalizeUserPath(input);
      if (target === path) return vscode.l10n.t('That is where "{0}" is already: type another path.', path);
      if (isAncestor(path, target)) return vscode.l10n.t('"{0}" cannot go inside itself.', path);
      return validatePath(target);
    };
    const args = asArgs(arg);
    let typed: string | undefined;
    if (args) {
      if (typeof args.to !== 'string') throw new UserError(vscode.l10n.t('Pass the new path: { connection, path, to: "/…" }.'));
      typed = args.to;
    } else {
      const name = baseName(path);
      typed = await vscode.window.showInputBox({
        title: move ? vscode.l10n.t('Move or Rename {0} on {1}', path, connection.name) : vscode.l10n.t('Copy {0} on {1} To', path, connection.name),
        prompt: move
          ? vscode.l10n.t('The new path. The node, its data, ACL and whole subtree move in one atomic batch.')
          : vscode.l10n.t('The path of the copy. The node, its data, ACL and whole subtree are copied in one atomic batch.'),
        value: move ? path : `${path}-copy`,
        // The name is selected, so typing renames; the parent path stays for a move elsewhere.
        valueSelection: [path.length - name.length, move ? path.length : path.length + '-copy'.length],
        validateInput: (value) => problemOf(value),
      });
      if (typed === undefined) return undefined;
    }
    const problem = problemOf(typed);
    if (problem) throw new UserError(problem);
    const to = normalizeUserPath(typed);
    refuseOverPendingWork(connection.name, path, to, move);
    const from = ZkUri.create(connection.name, path).toUri();
    const target = ZkUri.create(connection.name, to).toUri();
    if (move) await vscode.workspace.fs.rename(from, target, { overwrite: false });
    else await vscode.workspace.fs.copy(from, target, { overwrite: false });
    log.info(`${connection.name}: ${move ? 'moved' : 'copied'} ${path} to ${to}`);
    if (move) refreshParentOf(connection, path);
    if (parentPath(to) !== parentPath(path) || !move) refreshParentOf(connection, to);
    if (!args) await reveal(connection, to);
    return { connection: connection.name, path, to };
  };

  registerCommand(subscriptions, log, COMMANDS.moveNode, (arg?: unknown) => relocate(arg, true));
  registerCommand(subscriptions, log, COMMANDS.copyNode, (arg?: unknown) => relocate(arg, false));
}

/** Up to three paths, then how many more. */
function listPaths(paths: string[]): string {
  return paths.length > 3 ? vscode.l10n.t('{0} and {1} more', paths.slice(0, 3).join(', '), paths.length - 3) : paths.join(', ');
}

/**
 * Move and Copy work on the server's data at once, so work not yet on the server would be lost or
 * left behind: a staged change under the source (a move strands it at the old path, where a later
 * commit would re-create the node; a copy takes the server's data, not the staged data the editor
 * shows) or at the target, and, for a move, an editor with unsaved changes under the source (it would
 * be marked deleted, and its save could not go anywhere). Refused with what to do, nothing moved.
 */
function refuseOverPendingWork(connection: string, path: string, to: string, move: boolean): void {
  const staged = [...new Set([...(stagingHook.current?.stagedPathsUnder(connection, path) ?? []), ...(stagingHook.current?.stagedPathsUnder(connection, to) ?? [])])];
  if (staged.length > 0) {
    throw new UserError(
      move
        ? vscode.l10n.t('"{0}" was not moved: staged changes wait at {1}. Commit or discard them first (the ZooKeeper Changes view).', path, listPaths(staged))
        : vscode.l10n.t('"{0}" was not copied: staged changes wait at {1}. Commit or discard them first (the ZooKeeper Changes view).', path, listPaths(staged)),
    );
  }
  if (!move) return;
  const prefix = `${path}/`;
  const dirty = new Set<string>();
  for (const document of vscode.workspace.textDocuments) {
    if (!document.isDirty || document.uri.scheme !== ZK_SCHEME) continue;
    let address: { connection: string; path: string };
    try {
      address = parseDocumentUri(document.uri);
    } catch {
      continue; // not a node's document
    }
    if (address.connection === connection && (address.path === path || address.path.startsWith(prefix))) dirty.add(address.path);
  }
  if (dirty.size > 0) {
    throw new UserError(vscode.l10n.t('"{0}" was not moved: {1} has unsaved changes in an editor. Save or revert them first.', path, listPaths([...dirty].sort())));
  }
}
