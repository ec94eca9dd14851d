import * as vscode from 'vscode';

/**
 * The display language's bundle for a webview's script, as a JSON data block for its HTML: a
 * webview cannot call vscode.l10n, so media/acl/editor.js and media/metrics/panel.js look their
 * strings up in it (English, their keys, when the block is empty). The whole bundle is sent, not a
 * list of the script's keys, so the scripts stay the one place their strings are written; the l10n
 * unit test checks each of them has a zh-cn entry. A data block is never run: the CSP allows it.
 */
export function webviewL10nBlock(): string {
  // "<" escaped so that no translation can close the block.
  const json = JSON.stringify(vscode.l10n.bundle ?? {}).replace(/</g, '\\u003c');
  return `<script type="application/json" id="l10n">${json}</script>`;
}

/** The html element's lang: the display language (VS Code's ids, such as zh-cn, are BCP 47 tags). */
export function webviewLang(): string {
  return vscode.env.language || 'en';
}
