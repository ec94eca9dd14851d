import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { pickBundle, type L10nBundle } from '../zk/l10n';

/** Those who cannot call vscode.l10n and are sent their part of the bundle (l10n/consumers.json). */
export type L10nConsumer = 'aclEditor' | 'metricsPanel' | 'languageServer';

let consumers: Partial<Record<L10nConsumer, readonly string[]>> | undefined;

/**
 * The display language's bundle cut down to the keys `consumer` uses. The whole zh-cn bundle is
 * over 200 kB, and a webview page or the language server's initialize request says a few hundred of
 * its sentences at most. The key lists sit beside the bundle (l10n/consumers.json, computed from the
 * consumers' code and checked by test/unit/zk/l10n.test.ts, so no sentence they say is left out);
 * they are read only when a bundle is loaded, i.e. never in English. If they cannot be read, the
 * whole bundle is sent: more bytes, the same words.
 */
export function bundleFor(consumer: L10nConsumer): L10nBundle {
  const bundle = vscode.l10n.bundle;
  if (!bundle) return {};
  if (consumers === undefined) {
    try {
      // Sync and once: the extension host runs in Node.js here, and the file is a few kilobytes.
      consumers = vscode.l10n.uri?.scheme === 'file' ? (JSON.parse(fs.readFileSync(path.join(path.dirname(vscode.l10n.uri.fsPath), 'consumers.json'), 'utf8')) as typeof consumers) : {};
    } catch {
      consumers = {};
    }
  }
  const keys = consumers?.[consumer];
  return Array.isArray(keys) ? pickBundle(bundle, keys) : bundle;
}

/**
 * The display language's strings for a webview's script, as a JSON data block for its HTML: a
 * webview cannot call vscode.l10n, so media/acl/editor.js and media/metrics/panel.js look their
 * strings up in it (English, their keys, when the block is empty). Only the keys the script uses are
 * sent (bundleFor); the scripts stay the one place their strings are written. A data block is never
 * run: the CSP allows it.
 */
export function webviewL10nBlock(consumer: 'aclEditor' | 'metricsPanel'): string {
  // "<" escaped so that no translation can close the block.
  const json = JSON.stringify(bundleFor(consumer)).replace(/</g, '\\u003c');
  return `<script type="application/json" id="l10n">${json}</script>`;
}

/** The html element's lang: the display language (VS Code's ids, such as zh-cn, are BCP 47 tags). */
export function webviewLang(): string {
  return vscode.env.language || 'en';
}
