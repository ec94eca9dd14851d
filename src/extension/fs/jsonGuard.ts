import * as vscode from 'vscode';
import { decodeUtf8Strict, jsonSyntaxError } from '../../zk/codecs';
import { findDocument } from './openDocuments';

/**
 * A save of a document open in the JSON language mode whose text no longer parses as JSON is refused,
 * with where and why, before anything is sent. ZooKeeper stores any bytes, so nothing downstream would
 * say a word, and the program reading the node finds out in production (users of another VS Code
 * ZooKeeper extension lost configuration that way). The way out is deliberate: fix the text, or switch
 * the editor to Plain Text to store it as it is. Empty data is let through: clearing a node is common
 * and deliberate. Only documents open in the JSON mode are checked: a workspace.fs write to a node no
 * editor shows writes raw bytes as asked, but one to a document open as JSON meets the same refusal
 * (VS Code's save and that write reach writeFile alike). The message says what and where
 * (jsonSyntaxError), never V8's own text, which quotes the data around the error.
 */
export function refuseInvalidJson(uri: vscode.Uri, path: string, bytes: Uint8Array, logRefusal: (why: string) => void): void {
  if (findDocument(uri)?.languageId !== 'json') return;
  // Not UTF-8 at all: not JSON either, and the codecs have decided how such data is shown.
  const text = decodeUtf8Strict(bytes);
  if (text === undefined || text.trim() === '') return;
  const error = jsonSyntaxError(text.replace(/^\uFEFF/, ''));
  if (error) {
    // The Output channel keeps what VS Code's save notification showed (it quotes no data either).
    logRefusal(error.message);
    throw new vscode.FileSystemError(
      vscode.l10n.t(
        'Could not save "{0}": it is open as JSON and is not valid JSON ({1}). Nothing was written. Fix it, or change the editor\'s language mode to Plain Text to save it as it is.',
        path,
        error.message,
      ),
    );
  }
}
