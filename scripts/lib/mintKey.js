'use strict';
// Preloaded (node --require) into code-server's VS Code server, which startVSCodeServer runs without
// code-server's own web server. The browser workbench keeps SecretStorage (an extension's
// context.secrets) in localStorage, encrypted with a key whose server half it fetches with
// `POST <base>/mint-key` (vs/code/browser/workbench/workbench.js, ServerKeyedAESCrypto). code-server's
// router answers that (out/node/routes/vscode.js: a 32-byte key kept in
// <user-data-dir>/serve-web-key-half); the bare VS Code server answers every non-GET with
// "405 Unsupported method", so nothing stored in SecretStorage survived a reload of the window
// (ZooKeeper Explorer's digest credentials among it). This answers the request the way code-server does.
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const at = process.argv.indexOf('--user-data-dir');
const file = at >= 0 && process.argv[at + 1] ? path.join(process.argv[at + 1], 'serve-web-key-half') : undefined;
let key;

/** The server's half of the key: the same for every window and restart of this user-data-dir. */
function serverKeyHalf() {
  if (key) return key;
  try {
    const stored = file ? fs.readFileSync(file) : undefined;
    if (stored && stored.length === 32) return (key = stored);
  } catch {
    // none yet
  }
  key = crypto.randomBytes(32);
  if (file) fs.writeFileSync(file, key, { mode: 0o600 });
  return key;
}

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, ...args) {
  const [req, res] = args;
  if (event === 'request' && req.method === 'POST' && /\/mint-key$/.test((req.url || '').split('?')[0])) {
    const body = serverKeyHalf();
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length, 'Cache-Control': 'no-store' });
    res.end(body);
    return true;
  }
  return emit.call(this, event, ...args);
};
