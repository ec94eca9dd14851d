import * as vscode from 'vscode';

/** The open text document with this uri, if any. */
export function findDocument(uri: vscode.Uri | string): vscode.TextDocument | undefined {
  const key = uri.toString();
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
}

async function waitUntil(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

/** Reverts the document to what its file holds ("Revert File" acts on the active editor, so show it first). */
export async function revertDocument(document: vscode.TextDocument | undefined): Promise<boolean> {
  if (!document) return false;
  if (!document.isDirty) return true;
  await vscode.window.showTextDocument(document, { preview: false, preserveFocus: false });
  await vscode.commands.executeCommand('workbench.action.files.revert');
  return waitUntil(() => !document.isDirty, 5000);
}
