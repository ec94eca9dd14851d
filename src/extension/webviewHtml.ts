import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

/** What differs between the extension's webviews; everything else in their HTML is the shell below. */
export interface WebviewPage {
  /** The html element's lang (webviewLang()). */
  lang: string;
  /** The page title (plain text, escaped here). */
  title: string;
  /** Markup of the body, before the l10n block and the script. */
  body: string;
  /** The l10n data block (webviewL10nBlock()): after the body, before the script that reads it. */
  l10n: string;
  /** The page's one script, a file under the panel's localResourceRoots. */
  script: vscode.Uri;
  /** Its style: a style sheet file (allowed by the webview's cspSource), or CSS inlined with the nonce. */
  style: { file: vscode.Uri } | { css: string };
}

const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The HTML of a webview page. The CSP allows nothing but the page's own script and style: the
 * script only with a fresh nonce per page (so an injected <script> never runs), no inline style
 * attributes and no inline handlers. The l10n block is a JSON data block, which a CSP does not
 * govern because it is never run.
 */
export function webviewHtml(webview: Pick<vscode.Webview, 'cspSource' | 'asWebviewUri'>, page: WebviewPage): string {
  const nonce = randomBytes(16).toString('base64');
  const styleSrc = 'file' in page.style ? webview.cspSource : `'nonce-${nonce}'`;
  const style =
    'file' in page.style ? `<link rel="stylesheet" href="${webview.asWebviewUri(page.style.file).toString()}">` : `<style nonce="${nonce}">${page.style.css}</style>`;
  const csp = `default-src 'none'; style-src ${styleSrc}; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="${escapeHtml(page.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${style}
<title>${escapeHtml(page.title)}</title>
</head>
<body>
${page.body}
${page.l10n}
<script nonce="${nonce}" src="${webview.asWebviewUri(page.script).toString()}"></script>
</body>
</html>`;
}
