import * as vscode from 'vscode';
import { formatPerms } from '../../zk/acl';
import { classifyData, detectLanguage, type DataView } from '../../zk/codecs';
import { ZkError } from '../../zk/errors';
import { toPlainStat, type PlainStat } from '../../zk/stat';
import { COMMANDS } from '../commandIds';
import type { ConnectionManager } from '../connections/connectionManager';
import { documentUri } from '../fs/documentAddress';
import { infoUri, renderAcl, renderStat, type InfoDocumentProvider } from '../fs/infoDocuments';
import type { Logger } from '../logging';
import { itemId } from '../../tree/explorerItems';
import { openGesture } from '../../tree/openGesture';
import { asArgs, resolveNode } from './resolve';
import { registerCommand } from './registerCommand';

export interface OpenNodeResult {
  uri: string;
  /** True when the data is shown as a read-only hex dump (not valid UTF-8, control characters, or mixed line endings). */
  binary: boolean;
  /** The editor's language id ('plaintext' for the hex dump). */
  language: string;
  /** The node's data version when it was opened. */
  version: number;
  /** Why the data is not shown as text (binary only), in English whatever the display language: callers may match on it. */
  reason?: string;
  /** The same reason in VS Code's display language (binary only), for a caller that shows it to a person. */
  reasonText?: string;
}

export interface AclResult {
  acl: { scheme: string; id: string; perms: string }[];
  aversion: number;
}

/** Automation gets editors that stay open (no preview); the UI follows the user's preview setting. */
function showOptions(arg: unknown): vscode.TextDocumentShowOptions {
  return asArgs(arg) ? { preview: false } : {};
}

/**
 * A tree row (not automation, not the palette): a click previews and leaves the focus in the tree,
 * so arrow keys keep moving there; a double-click or Enter pins the tab and focuses the editor.
 */
function openOptions(arg: unknown, connection: string, path: string): vscode.TextDocumentShowOptions {
  if (arg === undefined || asArgs(arg)) return showOptions(arg);
  return openGesture.next(itemId(connection, path)) === 'pinned' ? { preview: false, preserveFocus: false } : { preserveFocus: true };
}

async function openEncoded(connections: ConnectionManager, arg: unknown, view: DataView): Promise<{ uri: string }> {
  const { connection, path } = await resolveNode(connections, arg);
  const client = await connection.connect();
  if (!(await client.exists(path))) throw new ZkError('NONODE', 'edit the data of', path);
  const uri = documentUri(connection.name, path, view);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, showOptions(arg));
  return { uri: uri.toString() };
}

/**
 * Opening znode data in editors, and the Stat and ACL documents. A click on a znode in the tree runs
 *   { command: COMMANDS.openNode, title: 'Open Node Data', arguments: [znodeItem] }
 */
export function registerDataCommands(subscriptions: vscode.Disposable[], log: Logger, connections: ConnectionManager, info: InfoDocumentProvider): void {
  registerCommand(subscriptions, log, COMMANDS.openNode, async (arg?: unknown): Promise<OpenNodeResult> => {
    const { connection, path } = await resolveNode(connections, arg);
    const client = await connection.connect();
    const { data, stat } = await client.get(path);
    const verdict = classifyData(data);
    const binary = verdict.kind === 'binary';
    const uri = documentUri(connection.name, path, binary ? 'hexdump' : 'text');
    const detected = verdict.kind === 'text' ? detectLanguage(verdict.text) : 'plaintext';
    // Asked meanwhile, not one round trip after another.
    const languages = detected === 'plaintext' ? undefined : vscode.languages.getLanguages();
    // Shown first, given its language after: the text is on screen one round trip sooner, and the
    // language's first use in a window (VS Code activates its extensions, e.g. four on onLanguage:json,
    // in this same extension host; measured 170-530 ms on a busy machine) comes after the text, not before.
    let document = (await vscode.window.showTextDocument(uri, openOptions(arg, connection.name, path))).document;
    if (languages && detected !== document.languageId && (await languages).includes(detected)) {
      document = await vscode.languages.setTextDocumentLanguage(document, detected);
    }
    if (verdict.kind === 'binary' && !asArgs(arg)) {
      const reason = verdict.reasonText;
      const asHex = vscode.l10n.t('Edit as Hex');
      const asBase64 = vscode.l10n.t('Edit as Base64');
      void vscode.window
        .showInformationMessage(
          vscode.l10n.t('"{0}" {1}, so it is shown as a read-only hex dump. To change it, edit it as hex or base64: saving those writes back exactly the bytes they describe.', path, reason ?? ''),
          asHex,
          asBase64,
        )
        .then((picked) => {
          if (picked === asHex) void vscode.commands.executeCommand(COMMANDS.editAsHex, { connection: connection.name, path });
          if (picked === asBase64) void vscode.commands.executeCommand(COMMANDS.editAsBase64, { connection: connection.name, path });
        });
    }
    return {
      uri: uri.toString(),
      binary,
      language: document.languageId,
      version: stat.version,
      ...(verdict.kind === 'binary' ? { reason: verdict.reason, reasonText: verdict.reasonText } : {}),
    };
  });

  registerCommand(subscriptions, log, COMMANDS.editAsHex, (arg?: unknown) => openEncoded(connections, arg, 'hex'));
  registerCommand(subscriptions, log, COMMANDS.editAsBase64, (arg?: unknown) => openEncoded(connections, arg, 'base64'));

  registerCommand(subscriptions, log, COMMANDS.showStat, async (arg?: unknown): Promise<PlainStat> => {
    const { connection, path } = await resolveNode(connections, arg);
    const client = await connection.connect();
    const stat = await client.exists(path);
    if (!stat) throw new ZkError('NONODE', 'show the stat of', path);
    await info.show(infoUri(connection.name, path, 'stat'), renderStat(connection.name, path, stat, client.sessionId), showOptions(arg));
    return toPlainStat(stat);
  });

  registerCommand(subscriptions, log, COMMANDS.showAcl, async (arg?: unknown): Promise<AclResult> => {
    const { connection, path } = await resolveNode(connections, arg);
    const client = await connection.connect();
    const { acl, stat } = await client.getACL(path);
    await info.show(infoUri(connection.name, path, 'acl'), renderAcl(connection.name, path, acl, stat.aversion), showOptions(arg));
    return { acl: acl.map((entry) => ({ scheme: entry.id.scheme, id: entry.id.id, perms: formatPerms(entry.perms) })), aversion: stat.aversion };
  });
}
