import * as assert from 'node:assert/strict';
import { clickRow, expandPath, row } from './support/tree';
import { openWorkbench, type Theme, type WorkbenchSession } from './support/workbench';

// ZooKeeper Explorer with VS Code's display language set to Chinese (Simplified): the views, rows,
// notifications and settings a user reads are the extension's zh-cn translations. VS Code's own
// words stay English here (the stand-in language pack translates nothing of VS Code; see
// scripts/lib/languagePack.js), so the Chinese on screen is ours. Screenshots in light and dark:
// .test-output/screenshots/{light,dark}/zh-cn-*.png.
describe('e2e zh-cn: ZooKeeper Explorer in Chinese on the demo world', function () {
  const connectString = process.env.ZK_E2E_CONNECT ?? '';
  let wb: WorkbenchSession | undefined;

  before(async function () {
    this.timeout(180_000);
    if (!connectString) throw new Error('ZK_E2E_CONNECT names the demo ZooKeeper (npm test sets it)');
    wb = await openWorkbench({ theme: 'light', locale: 'zh-cn', settings: { 'zookeeper.connections': [{ name: 'demo', connectString }] } });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.captureFailure(this.currentTest.title);
  });
  after(async () => {
    await wb?.close();
  });

  /** The tree with /config expanded; idempotent. */
  async function showTree(): Promise<void> {
    await wb!.openView('ZooKeeper');
    await wb!.widenSidebar(480);
    await expandPath(wb!, ['demo', '/', 'config']);
    await row(wb!, 'app').waitFor({ timeout: 30_000 });
  }

  it('the explorer section, the connection row and a node row read in Chinese; a node opens', async function () {
    this.timeout(120_000);
    await showTree();
    const page = wb!.page;
    await page.locator('.pane-header', { hasText: /^资源管理器/ }).first().waitFor({ timeout: 30_000 });
    // A row's accessible name is its label and description: "demo 已连接 · 127.0.0.1:…".
    await row(wb!, /^demo 已连接 · /).waitFor({ timeout: 30_000 });
    await row(wb!, /^config \d+ 个子节点/).waitFor({ timeout: 30_000 });
    await clickRow(wb!, 'app');
    await page.locator('.tabs-container .tab', { hasText: 'app' }).first().waitFor({ timeout: 30_000 });
  });

  for (const theme of ['light', 'dark'] as Theme[]) {
    it(`the explorer with a node open, in Chinese, ${theme} theme (screenshot)`, async function () {
      this.timeout(120_000);
      await wb!.setTheme(theme);
      await showTree();
      await clickRow(wb!, 'app');
      await row(wb!, /^config \d+ 个子节点/).waitFor({ timeout: 30_000 });
      await wb!.screenshot('zh-cn-explorer');
    });
  }

  it('opening binary data says why it is a hex dump, in Chinese (notification; screenshots in both themes)', async function () {
    this.timeout(150_000);
    await showTree();
    await expandPath(wb!, ['binary']);
    await clickRow(wb!, 'protobuf-sample');
    // Notification toasts are hidden under the smoke-test driver: the notification centre lists them.
    let shown: string[] = [];
    for (const deadline = Date.now() + 30_000; !shown.some((s) => s.includes('因此以只读的十六进制转储显示')); ) {
      shown = await wb!.notifications();
      if (Date.now() > deadline) break;
    }
    assert.ok(
      shown.some((s) => s.startsWith('“/binary/protobuf-sample”') && s.includes('因此以只读的十六进制转储显示')),
      `the notification centre shows: ${JSON.stringify(shown)}`,
    );
    const centre = wb!.page.locator('.notifications-center');
    await centre.locator('.monaco-button', { hasText: '以十六进制编辑' }).first().waitFor({ timeout: 10_000 });
    for (const theme of ['light', 'dark'] as Theme[]) {
      await wb!.setTheme(theme);
      if (!(await centre.isVisible())) await wb!.notifications();
      await centre.locator('.monaco-button', { hasText: '以十六进制编辑' }).first().waitFor({ timeout: 10_000 });
      await wb!.screenshot('zh-cn-notification');
    }
    await wb!.page.keyboard.press('Escape');
  });

  it('the settings UI shows the extension\'s settings in Chinese (screenshots in both themes)', async function () {
    this.timeout(150_000);
    const page = wb!.page;
    await wb!.runCommand('Preferences: Open Settings (UI)');
    const editor = page.locator('.settings-editor');
    const box = editor.locator('.settings-header .suggest-input-container').first();
    // The first settings found (in package.json's order, or by name) with their zh-cn descriptions.
    const described = editor.locator('.setting-item-description', { hasText: /^(资源管理器中显示的 ZooKeeper 集群。密码从不保存在这里|每个连接的 AdminServer \(HTTP\) 端口)/ }).first();
    /**
     * Types the search like a person (the box has the focus when the editor opens; VS Code 1.139's
     * editors take keys through an EditContext element, not a textarea), then moves the focus to the
     * setting found: an Escape (runCommand presses one; so does the harness to send a lasting tooltip
     * away) clears a focused search box. Polled with isVisible(), which runs no tooltip handler.
     */
    const search = async (): Promise<void> => {
      for (let attempt = 0; ; attempt++) {
        await box.waitFor({ timeout: 30_000 });
        if (attempt > 0) {
          await box.click();
          await page.keyboard.press('Control+A');
        }
        await page.keyboard.type('@ext:zookeeper-explorer.zookeeper-explorer');
        for (const deadline = Date.now() + 10_000; Date.now() < deadline && !(await described.isVisible()); ) await page.waitForTimeout(200);
        if (await described.isVisible()) break;
        if (attempt >= 3) throw new Error('the settings search for the extension shows none of its settings in Chinese');
      }
      await described.click();
    };
    await box.waitFor({ timeout: 30_000 });
    await search();
    for (const theme of ['light', 'dark'] as Theme[]) {
      await wb!.setTheme(theme);
      if (!(await described.isVisible())) await search();
      await wb!.screenshot('zh-cn-settings');
      assert.ok(await described.isVisible(), `the ${theme} screenshot shows the extension's settings`);
    }
  });
});
