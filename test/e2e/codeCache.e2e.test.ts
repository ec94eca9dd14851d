// The core is loaded through V8's code cache (src/extension/loader.ts): the first window of a build
// compiles dist/core.js and leaves the cache in global storage; the next window (here: a reload, the
// issue's measurement of activation) uses it, and works as before.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expandPath, row } from './support/tree';
import { extensionLog, openWorkbench, type WorkbenchSession } from './support/workbench';

/** The "activated" lines of the log, each with how the core was loaded. */
const activations = (log: string): string[] => [...log.matchAll(/ZooKeeper Explorer activated \(.*code cache (\w+)\)/g)].map((m) => m[1]);

async function until<T>(what: string, probe: () => T | undefined): Promise<T> {
  for (const deadline = Date.now() + 90_000; ; ) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within 90 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('e2e: the core loads through the code cache the previous window left', function () {
  const connectString = process.env.ZK_E2E_CONNECT ?? '';
  let wb: WorkbenchSession | undefined;
  let folder: string | undefined;

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.captureFailure(this.currentTest.title);
    await wb?.close();
    wb = undefined;
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
    folder = undefined;
  });

  it('a new profile compiles and makes the cache; after a reload the core comes from it and the explorer browses', async function () {
    this.timeout(240_000);
    if (!connectString) throw new Error('ZK_E2E_CONNECT names the demo ZooKeeper (npm test sets it)');
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'zke-e2e-code-cache-'));
    wb = await openWorkbench({ folder, settings: { 'zookeeper.connections': [{ name: 'demo', connectString }], 'zookeeper.walkthrough.openOnFirstRun': false } });
    const session = wb;
    await session.openView('ZooKeeper');
    await row(session, 'demo').waitFor({ timeout: 60_000 });
    assert.deepEqual(await until('the first activation in the log', () => (activations(extensionLog(session)).length > 0 ? activations(extensionLog(session)) : undefined)), ['made']);
    // The cache appears in the profile's global storage some seconds after activation.
    const storage = path.join(session.server.userDataDir, 'User', 'globalStorage', 'zookeeper-explorer.zookeeper-explorer', 'code-cache');
    const made = await until('the code cache file', () => (fs.existsSync(storage) ? fs.readdirSync(storage).find((f) => f.endsWith('.v8')) : undefined));

    await session.reload();
    await session.openView('ZooKeeper').catch(() => session.openView('ZooKeeper'));
    await expandPath(session, ['demo', '/']);
    await row(session, 'config').waitFor({ timeout: 60_000 });
    assert.deepEqual(await until('the second activation in the log', () => (activations(extensionLog(session)).length > 1 ? activations(extensionLog(session)) : undefined)), ['made', 'used']);
    // Used, so not made again: the one file is still the one there.
    assert.deepEqual(fs.readdirSync(storage), [made]);
    await session.screenshot('code-cache-reloaded');
  });
});
