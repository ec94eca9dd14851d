import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

// publisher.name from package.json; ZKE_TEST_EXTENSION_ID overrides it (runner development only).
const EXTENSION_ID = process.env.ZKE_TEST_EXTENSION_ID || 'zookeeper-explorer.zookeeper-explorer';

describe('smoke', () => {
  it('runs inside a real VS Code', () => {
    console.log(`vscode.version=${vscode.version} remoteName=${vscode.env.remoteName ?? '(local)'} node=${process.version}`);
    assert.ok(vscode.version);
  });

  it(`extension ${EXTENSION_ID} is present and activates`, async function () {
    this.timeout(60_000);
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} not found; installed: ${vscode.extensions.all.map((e) => e.id).filter((id) => !id.startsWith('vscode.')).join(', ')}`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });
});
