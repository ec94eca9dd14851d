import * as vscode from 'vscode';
import { decodeUtf8Strict } from '../../zk/codecs';
import { findDocument } from './openDocuments';

/**
 * A save of a document open in the JSON language mode whose text no longer parses as JSON is refused,
 * with where and why, before anything is sent. ZooKeeper stores any bytes, so nothing downstream would
 * say a word, and the program reading the node finds out in production (users of another VS Code
 * ZooKeeper extension lost configuration that way). The way out is deliberate: fix the text, or switch
 * the editor to Plain Text to store it as it is. Empty data is let through: clearing a node is common
 * and deliberate. Only documents open in the JSON mode are checked: a workspace.fs write to a node no
 * editor shows writes raw bytes as asked, but one to a document open as JSON meets the same refusal
 * (VS Code's save and that write reach writeFile alike).
 */
export function refuseInvalidJson(uri: vscode.Uri, path: string, bytes: Uint8Array): void {
  if (findDocument(uri)?.languageId !== 'json') return;
  // Not UTF-8 at all: not JSON either, and the codecs have decided how such data is shown.
  const text = decodeUtf8Strict(bytes);
  if (text === undefined || text.trim() === '') return;
  try {
    JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new vscode.FileSystemError(
      vscode.l10n.t(
        'Could not save "{0}": it is open as JSON and is not valid JSON ({1}). Nothing was written. Fix it, or change the editor\'s language mode to Plain Text to save it as it is.',
        path,
        describeJsonError(text.replace(/^\uFEFF/, ''), error),
      ),
    );
  }
}

/** V8's message ("Unexpected token } in JSON at position 12") with the position as line and column, as an editor shows them. */
function describeJsonError(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const at = /\s*in JSON at position (\d+)(?: \(line \d+ column \d+\))?/.exec(message);
  if (!at) return message;
  const position = Number(at[1]);
  const before = text.slice(0, position).split('\n');
  const where = vscode.l10n.t('line {0}, column {1}', before.length, before[before.length - 1].length + 1);
  return `${message.slice(0, at.index)}${message.slice(at.index + at[0].length)}, ${where}`;
}
