import * as vscode from 'vscode';
import { waitUntil } from '../waitUntil';

/** The open text document with this uri, if any. */
export function findDocument(uri: vscode.Uri | string): vscode.TextDocument | undefined {
  const key = uri.toString();
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
}

/** Equal as an editor shows them: a BOM and CRLF line breaks do not count. */
export function sameText(a: string, b: string): boolean {
  const norm = (s: string): string => s.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  return norm(a) === norm(b);
}

/**
 * Reverts the document to what its file holds ("Revert File" acts on the active editor, so show it first).
 * `force`: reads the file again even when the document has no unsaved changes (the command forces it).
 */
export async function revertDocument(document: vscode.TextDocument | undefined, options: { force?: boolean } = {}): Promise<boolean> {
  if (!document) return false;
  if (!document.isDirty && !options.force) return true;
  await vscode.window.showTextDocument(document, { preview: false, preserveFocus: false });
  await vscode.commands.executeCommand('workbench.action.files.revert');
  return waitUntil(() => !document.isDirty, 5000);
}
