// Connections as a person meets them: the status bar (connected, disconnected, its menu and switching),
// Disconnect that stays disconnected in the tree, and digest credentials that survive a window reload.
import * as assert from 'node:assert/strict';
import { digestId, Perm } from '../../src/zk/acl';
import { ZkClient } from '../../src/zk/client';
import { answer, contextMenu, pick } from './support/prompts';
import { expandPath, row } from './support/tree';
import { openWorkbench, type Theme, type WorkbenchSession } from './support/workbench';

describe('e2e: connections, the status bar and credentials', function () {
  const connectString = process.env.ZK_E2E_CONNECT ?? '';
  let wb: WorkbenchSession | undefined;

  before(async function () {
    this.timeout(180_000);
    if (!connectString) throw new Error('ZK_E2E_CONNECT names the demo ZooKeeper (npm test sets it)');
    wb = await openWorkbench({
      theme: 'light',
      settings: {
        'zookeeper.connections': [
          { name: 'demo', connectString },
          { name: 'staging', connectString },
          // Only the credentials test uses it: its tree is listed for the first time there.
          { name: 'secure', connectString },
        ],
      },
    });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.captureFailure(this.currentTest.title);
  });
  after(async () => {
    await wb?.close();
  });

  const statusItem = (text: string | RegExp) => wb!.page.locator('.statusbar-item', { hasText: text }).first();
  /** Clicks the ZooKeeper status bar item (whatever connection it shows) and waits for its menu. */
  async function openStatusMenu(): Promise<void> {
    await wb!.page.keyboard.press('Escape');
    const item = wb!.page.locator('.statusbar-item', { hasText: 'ZooKeeper: ' }).first();
    await item.waitFor({ timeout: 30_000 });
    await item.click();
    await wb!.page.locator('.quick-input-widget .quick-input-title', { hasText: 'ZooKeeper' }).first().waitFor({ timeout: 30_000 });
  }
  /**
   * Each test starts from the state it needs, whatever an earlier one left: demo is the active
   * connection and connected. (Selecting another connection's row in the tree, or a reload that
   * restores that selection, makes that one active.)
   */
  async function demoActiveAndConnected(): Promise<void> {
    const page = wb!.page;
    await openStatusMenu();
    const title = (await page.locator('.quick-input-widget .quick-input-title').first().innerText()).trim();
    if (!title.startsWith('ZooKeeper: demo')) await pick(page, 'ZooKeeper:', 'demo');
    else await page.keyboard.press('Escape');
    await statusItem(/ZooKeeper: demo \(/).waitFor({ timeout: 30_000 });
    if (!(await statusItem('ZooKeeper: demo (connected)').isVisible())) {
      await openStatusMenu();
      await pick(page, 'ZooKeeper: demo', 'Connect demo');
    }
    await statusItem('ZooKeeper: demo (connected)').waitFor({ timeout: 30_000 });
  }
  /** The status bar as a picture (a strip of the bottom of the window, with the item's neighbours). */
  async function shootStatusBar(name: string): Promise<void> {
    await wb!.screenshot(name, { locator: wb!.page.locator('.part.statusbar') });
  }

  for (const theme of ['light', 'dark'] as Theme[]) {
    it(`the status bar shows the connection connected and disconnected; Disconnect holds in the tree (${theme}, screenshots)`, async function () {
      this.timeout(120_000);
      assert.ok(wb);
      await wb.setTheme(theme);
      await wb.openView('ZooKeeper');
      await wb.widenSidebar(420);
      // Expanding a connection not yet connected in this window is the user's act: it connects.
      await expandPath(wb, ['demo', '/']);
      await row(wb, 'config').waitFor({ timeout: 30_000 });
      await statusItem('ZooKeeper: demo (connected)').waitFor({ timeout: 30_000 });
      await shootStatusBar('statusbar-connected');

      await openStatusMenu();
      await pick(wb.page, 'ZooKeeper: demo', 'Disconnect demo');
      await statusItem('ZooKeeper: demo (disconnected)').waitFor({ timeout: 30_000 });
      // The expanded tree redraws and says so, instead of opening a new session.
      await row(wb, /^Disconnected — Connect/).waitFor({ timeout: 30_000 });
      await shootStatusBar('statusbar-disconnected');
      await wb.screenshot('explorer-disconnected');
      // The positive signal that the tree had every chance to reconnect: a refresh of everything ran and drew.
      await wb.runCommand('ZooKeeper: Refresh');
      await row(wb, /^Disconnected — Connect/).waitFor({ timeout: 30_000 });
      assert.equal(await statusItem('ZooKeeper: demo (disconnected)').isVisible(), true, 'still disconnected after the refresh');

      // Clicking the tree's Connect item connects again.
      await row(wb, /^Disconnected — Connect/).click();
      await statusItem('ZooKeeper: demo (connected)').waitFor({ timeout: 30_000 });
      await expandPath(wb, ['/']);
      await row(wb, 'config').waitFor({ timeout: 30_000 });
    });
  }

  for (const theme of ['light', 'dark'] as Theme[]) {
    it(`the status bar menu lists the other connections with their state and switches to one (${theme}, screenshot)`, async function () {
      this.timeout(120_000);
      assert.ok(wb);
      await wb.setTheme(theme);
      await demoActiveAndConnected();
      await openStatusMenu();
      // The other connection with its state (waited for: the list draws its rows' parts one after the other).
      const staging = wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: /staging[\s\S]*disconnected/ }).first();
      await staging.waitFor({ timeout: 30_000 });
      await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Reconnect demo' }).first().waitFor({ timeout: 10_000 });
      await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Add Connection' }).first().waitFor({ timeout: 10_000 });
      await wb.screenshot('statusbar-menu');
      await staging.click();
      await statusItem('ZooKeeper: staging (disconnected)').waitFor({ timeout: 30_000 });

      // The menu of the active connection now offers to connect it.
      await openStatusMenu();
      await pick(wb.page, 'ZooKeeper: staging', 'Connect staging');
      await statusItem('ZooKeeper: staging (connected)').waitFor({ timeout: 30_000 });
      // Leave it as found (disconnected) and go back to demo, for the next test.
      await openStatusMenu();
      await pick(wb.page, 'ZooKeeper: staging', 'Disconnect staging');
      await statusItem('ZooKeeper: staging (disconnected)').waitFor({ timeout: 30_000 });
      await openStatusMenu();
      await pick(wb.page, 'ZooKeeper: staging', 'demo');
      await statusItem('ZooKeeper: demo (connected)').waitFor({ timeout: 30_000 });
    });
  }

  it('Set Digest Credentials opens a guarded node without a reconnect, and the credentials survive a window reload', async function () {
    this.timeout(240_000);
    assert.ok(wb);
    const user = `e2e-${Date.now().toString(36)}`;
    const password = `pw-${Math.random().toString(36).slice(2, 10)}`;
    const guarded = `e2e-guarded-${Date.now().toString(36)}`;
    const probe = await ZkClient.connect({ connectString });
    try {
      await probe.create(`/${guarded}`);
      await probe.create(`/${guarded}/inside`);
      await probe.setACL(`/${guarded}`, [{ perms: Perm.all, id: { scheme: 'digest', id: digestId(user, password) } }]);
      await wb.setTheme('light');
      await wb.openView('ZooKeeper');
      // Only one "/" row on screen: the one of secure (demo's is folded away).
      if ((await row(wb, 'demo').getAttribute('aria-expanded')) === 'true') await row(wb, 'demo').locator('.monaco-tl-twistie').click();
      await expandPath(wb, ['secure', '/', guarded]);
      await row(wb, /not authorized/i).waitFor({ timeout: 30_000 });

      await contextMenu(wb, 'secure', 'Set Digest Credentials…');
      // By step: the widget is reused from one step to the next, and both titles name the connection.
      await answer(wb.page, '(1/2)', user);
      await answer(wb.page, '(2/2)', password);
      await wb.page.keyboard.press('Escape');
      const said = await wb.notifications();
      assert.ok(
        said.some((m) => m.includes(`secure is now authenticated as ${user}; the session stayed`)),
        `a notification says the session stayed: ${JSON.stringify(said)}`,
      );
      await contextMenu(wb, guarded, 'Refresh');
      await expandPath(wb, [guarded]);
      await row(wb, 'inside').waitFor({ timeout: 30_000 });

      // A reload restarts the extension host: the credentials must come back from the secret storage.
      await wb.reload();
      // The workbench restores the open ZooKeeper view by itself (a click on its icon then would close it).
      if (!(await row(wb, 'secure').waitFor({ timeout: 30_000 }).then(() => true, () => false))) await wb.openView('ZooKeeper');
      await expandPath(wb, ['secure', '/', guarded]);
      await row(wb, 'inside').waitFor({ timeout: 30_000 });
      assert.equal(await row(wb, /not authorized/i).count(), 0);

      // Other credentials on the open session: a session cannot drop an identity, so a new session is
      // needed, and the user is asked before its ephemeral nodes go (light: cancelled, dark: kept for later).
      for (const theme of ['light', 'dark'] as Theme[]) {
        await wb.setTheme(theme);
        await contextMenu(wb, 'secure', 'Set Digest Credentials…');
        await answer(wb.page, '(1/2)', `${user}-2`);
        await answer(wb.page, '(2/2)', 'other');
        const dialog = wb.page.locator('.monaco-dialog-box').first();
        await dialog.waitFor({ timeout: 30_000 });
        const question = await dialog.innerText();
        assert.match(question, new RegExp(`Use ${user}-2 instead of ${user} on secure: reconnect now\\?`));
        assert.match(question, /it owns no ephemeral nodes now|deletes its (\d+ )?ephemeral nodes?/);
        await wb.screenshot('credentials-reconnect-question');
        await dialog.locator('.monaco-button', { hasText: theme === 'light' ? 'Cancel' : 'At Next Connect' }).first().click();
        await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
      }
      // The session stayed as it was: the guarded node still opens.
      await contextMenu(wb, guarded, 'Refresh');
      await expandPath(wb, [guarded]);
      await row(wb, 'inside').waitFor({ timeout: 30_000 });
      await wb.page.keyboard.press('Escape');
      const later = await wb.notifications();
      assert.ok(later.some((m) => m.includes(`secure uses them from the next connect`)), JSON.stringify(later));
    } finally {
      probe.addDigest(user, password);
      await probe.delete(`/${guarded}/inside`).catch(() => undefined);
      await probe.delete(`/${guarded}`).catch(() => undefined);
      await probe.close();
    }
  });
});
