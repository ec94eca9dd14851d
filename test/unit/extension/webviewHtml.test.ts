import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { webviewHtml, type WebviewPage } from '../../../src/extension/webviewHtml';

// What webviewHtml needs of a vscode.Webview: its CSP source and the URI mapping, here to a made-up
// scheme so that the test sees the mapping was applied.
const webview = {
  cspSource: 'https://file+.vscode-resource.test',
  asWebviewUri: (uri: vscode.Uri) => ({ toString: () => `webview:${String(uri)}` }) as vscode.Uri,
};
const uri = (path: string) => ({ toString: () => path }) as vscode.Uri;
const page = (style: WebviewPage['style']): WebviewPage => ({
  lang: 'zh-cn',
  title: 'A <b> & "c"',
  body: '<main id="app"></main>',
  l10n: '<script type="application/json" id="l10n">{}</script>',
  script: uri('/ext/media/page.js'),
  style,
});

const csp = (html: string) => /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';
const nonces = (html: string) => [...html.matchAll(/nonce="([^"]+)"/g)].map((m) => m[1]);

describe('webviewHtml', () => {
  it('lets only the page script run, with a fresh nonce each page, and a style sheet from the webview source', () => {
    const html = webviewHtml(webview, page({ file: uri('/ext/media/page.css') }));
    const [nonce] = nonces(html);
    assert.ok(nonce && nonce.length >= 16, html);
    assert.equal(csp(html), `default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';`);
    assert.deepEqual(nonces(html), [nonce], 'only the script carries the nonce');
    assert.match(html, /<script nonce="[^"]+" src="webview:\/ext\/media\/page\.js"><\/script>/);
    assert.match(html, /<link rel="stylesheet" href="webview:\/ext\/media\/page\.css">/);
    assert.notEqual(nonces(webviewHtml(webview, page({ file: uri('/x.css') })))[0], nonce, 'a new nonce per page');
  });

  it('inline CSS gets the nonce and the CSP allows styles by nonce only', () => {
    const html = webviewHtml(webview, page({ css: 'body { color: red; }' }));
    const [styleNonce, scriptNonce] = nonces(html);
    assert.equal(styleNonce, scriptNonce);
    assert.equal(csp(html), `default-src 'none'; style-src 'nonce-${styleNonce}'; script-src 'nonce-${styleNonce}';`);
    assert.match(html, /<style nonce="[^"]+">body \{ color: red; \}<\/style>/);
    assert.equal(html.includes(webview.cspSource), false);
  });

  it('escapes the title and lang, and puts the body, then the l10n block, then the script', () => {
    const html = webviewHtml(webview, page({ file: uri('/a.css') }));
    assert.match(html, /<html lang="zh-cn">/);
    assert.match(html, /<title>A &lt;b&gt; &amp; &quot;c&quot;<\/title>/);
    const body = html.indexOf('<main id="app">');
    const l10n = html.indexOf('id="l10n"');
    const script = html.indexOf('src="webview:/ext/media/page.js"');
    assert.ok(body > html.indexOf('<body>') && body < l10n && l10n < script, html);
  });
});
