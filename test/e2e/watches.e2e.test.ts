import { ZkClient } from '../../src/zk/client';
import { contextMenu, pick } from './support/prompts';
import { expandPath, row } from './support/tree';
import { extensionLog, useDemoWorkbench, type Theme, type WorkbenchSession } from './support/workbench';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

describe('e2e: watches and the ZooKeeper Watches panel on the demo world', function () {
  let wb: WorkbenchSession | undefined;
  let probe: ZkClient | undefined;
  const created: string[] = [];
  const connectString = useDemoWorkbench((session) => (wb = session));

  before(async () => {
    probe = await ZkClient.connect({ connectString });
  });

  after(async () => {
    for (const path of created) await probe?.delete(path).catch(() => undefined);
    await probe?.close();
  });

  /**
   * Watches a node from its context menu in the explorer unless its row already says so: each test
   * sets up the watches it needs, whatever an earlier one left.
   */
  async function ensureWatched(path: string, kind: 'Data' | 'Children'): Promise<void> {
    const segments = path.split('/').filter(Boolean);
    const name = segments.pop()!;
    await wb!.openView('ZooKeeper');
    await expandPath(wb!, ['demo', '/', ...segments]);
    const watching = row(wb!, new RegExp(`^${escapeRegExp(name)} .*watching ${kind.toLowerCase()}`));
    await row(wb!, name).waitFor({ timeout: 30_000 });
    if (await watching.isVisible()) return;
    await contextMenu(wb!, name, 'Watch…');
    await pick(wb!.page, `Watch ${path} on demo`, kind);
    await watching.waitFor({ timeout: 15_000 });
  }

  /** Sets a key of /config/app's JSON, as another program would; returns the new version. */
  async function changeConfig(key: string, value: unknown): Promise<number> {
    const current = await probe!.get('/config/app');
    const config = JSON.parse(current.data.toString()) as Record<string, unknown>;
    const stat = await probe!.set('/config/app', Buffer.from(JSON.stringify({ ...config, [key]: value }, null, 2)));
    return stat.version;
  }

  /** An event row of the panel: "<time>  data changed (vN → vM)" with the node's path in its description. */
  function dataChanged(path: string, version: number): ReturnType<typeof row> {
    return wb!.treeItem(new RegExp(`data changed \\(v${version - 1} → v${version}\\).*${escapeRegExp(path)} · demo`)).first();
  }

  /** How many times the extension has been activated in this workbench, from its own log files. */
  function activations(): number {
    return extensionLog(wb!).split('ZooKeeper Explorer activated').length - 1;
  }

  it('watches /config/app and /services/orders from the context menu', async function () {
    this.timeout(120_000);
    await ensureWatched('/config/app', 'Data');
    await ensureWatched('/services/orders', 'Children');
  });

  it('the panel shows the events after other programs change the configuration and a service comes and goes', async function () {
    this.timeout(120_000);
    const page = wb!.page;
    await ensureWatched('/config/app', 'Data');
    await ensureWatched('/services/orders', 'Children');
    const version = await changeConfig('maintenance', true);
    const instance = await probe!.create('/services/orders/instance-', Buffer.from('{"host":"10.0.1.99","port":8080}'), { mode: 'ephemeralSequential' });
    const name = instance.path.split('/').pop()!;
    await wb!.runCommand('ZooKeeper: Focus on ZooKeeper Watches View');
    await dataChanged('/config/app', version).waitFor({ timeout: 20_000 });
    await wb!.treeItem(new RegExp(`children changed \\(\\+${name}\\)`)).first().waitFor({ timeout: 20_000 });
    await probe!.delete(instance.path);
    await wb!.treeItem(new RegExp(`children changed \\(−${name}\\)`)).first().waitFor({ timeout: 20_000 });
    await page.mouse.move(5, 5);
    await wb!.screenshot('watches-panel');
  });

  it('keeps a watch across a restart of the extension host (Reload Window): still listed, and a change after the restart shows in the panel', async function () {
    this.timeout(180_000);
    const path = `/e2e-restart-${Date.now()}`;
    await probe!.create(path, Buffer.from('before the restart'));
    created.push(path);
    await ensureWatched(path, 'Data');
    await wb!.runCommand('ZooKeeper: Focus on ZooKeeper Watches View');
    // A watch row's accessible name is its tooltip ("demo:<path>", "Watching its data."); its
    // description says whether the watch is set on the server or waiting for the connection.
    const listed = wb!.treeItem(new RegExp(`^demo:${escapeRegExp(path)}\\s+Watching its data`)).first();
    await listed.waitFor({ timeout: 20_000 });

    const before = activations();
    // The browser VS Code has no "Developer: Restart Extension Host" (a desktop-only command, absent
    // from code-server 4.139.1's workbench); reloading the window is its way to start a new
    // extension host.
    await wb!.runCommand('Developer: Reload Window');
    // The positive sign that the restart happened: the extension says it was activated once more.
    for (const deadline = Date.now() + 90_000; activations() <= before; await new Promise((resolve) => setTimeout(resolve, 200))) {
      if (Date.now() > deadline) throw new Error(`the extension was not activated again within 90 s of "Developer: Reload Window" (activations: ${activations()})`);
    }
    await wb!.waitUntilReady();
    // The new extension host lists the watch (from the workspace state) ...
    await wb!.runCommand('ZooKeeper: Focus on ZooKeeper Watches View');
    await listed.waitFor({ timeout: 30_000 });
    // ... and sets it on the server once the connection is open again (opened by hand if the
    // restored explorer has not done it already).
    await wb!.openView('ZooKeeper');
    await expandPath(wb!, ['demo']);
    await wb!.runCommand('ZooKeeper: Focus on ZooKeeper Watches View');
    await wb!.page
      .getByRole('treeitem', { name: new RegExp(`^demo:${escapeRegExp(path)}\\s+Watching its data`) })
      .filter({ hasText: 'data · demo' })
      .filter({ hasNotText: 'waiting for the connection' })
      .first()
      .waitFor({ timeout: 30_000 });
    const stat = await probe!.set(path, Buffer.from('after the restart'));
    await dataChanged(path, stat.version).waitFor({ timeout: 30_000 });
    await wb!.screenshot('watches-after-restart');
  });

  for (const theme of ['light', 'dark'] as Theme[]) {
    it(`Compare Before and After opens the data change in the node's language, not Plain Text (${theme}, screenshot)`, async function () {
      this.timeout(120_000);
      const page = wb!.page;
      await wb!.setTheme(theme);
      await page.keyboard.press('Escape');
      await wb!.closeAllEditors();
      await ensureWatched('/config/app', 'Data');
      const version = await changeConfig('compare', theme);
      await wb!.runCommand('ZooKeeper: Focus on ZooKeeper Watches View');
      const event = dataChanged('/config/app', version);
      await event.waitFor({ timeout: 20_000 });
      await event.hover();
      await event.locator('.action-label[aria-label="Compare Before and After"]').click();
      const diff = page.locator('.monaco-diff-editor').filter({ visible: true }).first();
      await diff.waitFor({ timeout: 15_000 });
      await diff.locator('.view-line', { hasText: `"compare": "${theme}"` }).first().waitFor({ timeout: 15_000 });
      // The language of the active (diff) editor, as the status bar shows it.
      await page.locator('.statusbar-item', { hasText: /^JSON$/ }).first().waitFor({ timeout: 15_000 });
      await wb!.screenshot('watch-event-compare');
    });
  }

  for (const theme of ['dark'] as Theme[]) {
    it(`the panel in the ${theme} theme (screenshot)`, async function () {
      this.timeout(90_000);
      await wb!.setTheme(theme);
      await ensureWatched('/config/app', 'Data');
      const version = await changeConfig('screenshot', theme);
      await wb!.runCommand('ZooKeeper: Focus on ZooKeeper Watches View');
      await dataChanged('/config/app', version).waitFor({ timeout: 20_000 });
      await wb!.screenshot('watches-panel');
    });
  }
});
