import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as vscode from 'vscode';
import type { ZooKeeperExplorerApi } from '../../src/extension/extension';
import type * as loader from '../../src/extension/loader';

const EXTENSION_ID = 'zookeeper-explorer.zookeeper-explorer';

// dist/extension.js (src/extension/loader.ts) loads dist/core.js with V8's code cache. The second
// window's use of the cache is test/e2e/codeCache.e2e.test.ts; here, in the window that made it (or
// used it: a test profile kept from an earlier run), what the next window will read.
describe('the core loaded through the code cache (src/extension/loader.ts)', function () {
  this.timeout(60_000);

  it('leaves a cache of dist/core.js that V8 accepts, and core.js is the one module the features share', async () => {
    const extension = vscode.extensions.getExtension<ZooKeeperExplorerApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    await extension.activate();
    const dist = path.join(extension.extensionPath, 'dist');
    const main = require.cache[path.join(dist, 'extension.js')]?.exports as typeof loader | undefined;
    assert.ok(main?.codeCache, 'VS Code loaded dist/extension.js, the loader, as the main');
    const { codeCache } = main;
    assert.ok(codeCache.use === 'made' || codeCache.use === 'used', `the core was loaded with a cache file in global storage (${codeCache.use})`);
    // Made 10 s after activation (the first view's code in it too); the timer is well under the hang guard.
    await codeCache.written;
    assert.ok(codeCache.file && fs.existsSync(codeCache.file), `the cache is at ${codeCache.file}`);
    assert.ok(codeCache.file.startsWith(extension.extensionPath) === false, 'the cache is in global storage, not in the extension (read-only when installed)');

    // What the next window does with it: V8 must accept it for this very source.
    const core = path.join(dist, 'core.js');
    const script = new vm.Script((Module as unknown as { wrap(source: string): string }).wrap(fs.readFileSync(core, 'utf8')), {
      filename: core,
      cachedData: fs.readFileSync(codeCache.file),
    });
    assert.equal(script.cachedDataRejected, false, 'V8 accepts the cache for dist/core.js');

    // The core is registered as require() would have: the feature bundles' require('./core.js') gets
    // this instance, not a second copy (one ZkError class; test/extension/lazy.test.ts uses it).
    const record = require.cache[core];
    assert.ok(record?.loaded, 'dist/core.js is in require.cache, loaded');
    assert.equal(typeof (record.exports as { activate?: unknown }).activate, 'function');
    assert.ok(Object.keys((record.exports as { __zookeeperExplorerCore?: object }).__zookeeperExplorerCore ?? {}).length > 0, 'the core exports its registry');
  });
});
