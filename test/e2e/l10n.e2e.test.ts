import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ZkClient } from '../../src/zk/client';
import { deleteTree } from '../../src/zk/subtree';
import { exportSubtree } from '../../src/zk/transfer/export';
import { contextMenu, pick } from './support/prompts';
import { clickRow, expandPath, expandRow, row, setSection } from './support/tree';
import { openWorkbench, type Theme, type WorkbenchSession } from './support/workbench';

/** An age as formatAge says it in Chinese: 3秒, 3分2秒, 5小时1分, 2天3小时. */
const CHINESE_AGE = '\\d+(秒|分\\d+秒|小时\\d+分|天\\d+小时)';

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

  /**
   * The notification holding `text` (with the button `button`), in the notification centre: opened
   * again until it shows it (toasts are not reliably shown in this workbench; the centre always lists).
   */
  async function notification(text: RegExp, button: string): Promise<void> {
    const page = wb!.page;
    const item = page.locator('.notifications-center .notification-list-item', { hasText: text }).filter({ has: page.getByRole('button', { name: button }) });
    let shown: string[] = [];
    for (const deadline = Date.now() + 60_000; !(await item.first().isVisible()); ) {
      assert.ok(Date.now() < deadline, `no notification ${String(text)}; the centre shows ${JSON.stringify(shown)}`);
      shown = await wb!.notifications();
      await page.waitForTimeout(250);
    }
  }

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

  it('the Import plan: its tab, its document and its question read in Chinese (screenshots in both themes)', async function () {
    this.timeout(240_000);
    const page = wb!.page;
    const probe = await ZkClient.connect({ connectString });
    try {
      // /zh-import: the demo's /config with db changed, logging missing and an extra node; the file: an export of /config.
      if (await probe.exists('/zh-import')) await deleteTree(probe, '/zh-import');
      await probe.create('/zh-import');
      for (const name of (await probe.getChildren('/config')).children) {
        if (name === 'logging') continue;
        const { data } = await probe.get(`/config/${name}`);
        await probe.create(`/zh-import/${name}`, name === 'db' ? Buffer.from(`${data.toString('utf8')}\n# changed`) : data);
      }
      await probe.create('/zh-import/stale', Buffer.from('left over'));
      let text = '';
      await exportSubtree(probe, '/config', (chunk) => void (text += chunk), { format: 'json', connection: 'demo' });
      const file = path.join(wb!.folder, 'config.zk-export.json');
      fs.writeFileSync(file, text);

      await showTree();
      await contextMenu(wb!, 'zh-import', '导入…');
      await page.locator('.quick-input-widget .quick-input-title', { hasText: '导入到 demo 上的 /zh-import' }).first().waitFor({ timeout: 30_000 });
      // VS Code's own file dialog (a quick input holding a path; English: the stand-in language pack translates none of VS Code).
      const next = '将 config.zk-export.json 导入到 demo:/zh-import';
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'config.zk-export.json' }).first().waitFor({ timeout: 30_000 });
      for (let attempt = 1; ; attempt++) {
        await page.locator('.quick-input-widget input.input').fill(file);
        await page.keyboard.press('Enter');
        if (await page.locator('.quick-input-widget .quick-input-title', { hasText: next }).first().waitFor({ timeout: 10_000 }).then(() => true, () => false)) break;
        assert.ok(attempt < 3, `the file dialog did not take ${file}`);
      }
      await pick(page, next, '创建、更新和删除');
      await page.locator('.tab.active', { hasText: '导入计划 zh-import' }).first().waitFor({ timeout: 30_000 });
      /** The plan's line holding every one of `parts`. */
      const line = (...parts: string[]) => parts.reduce((lines, hasText) => lines.filter({ hasText }), page.locator('.monaco-editor .view-line')).first();
      await line('# 导入计划：config.zk-export.json（demo:/config 的导出） → demo:/zh-import').waitFor({ timeout: 30_000 });
      await line('更新 1 个 · 删除 1 个').waitFor({ timeout: 10_000 });
      await line('# 尚未写入任何内容：通知中的“应用”会严格按此计划执行。').waitFor({ timeout: 10_000 });
      await line('/zh-import/db', '更新：数据不同').waitFor({ timeout: 10_000 });
      await line('+ /zh-import/logging', '创建：').waitFor({ timeout: 10_000 });
      await line('- /zh-import/stale', '删除："left over"；文件中没有').waitFor({ timeout: 10_000 });
      await notification(/demo:\/zh-import 的导入计划：创建 \d+ 个，更新 1 个，删除 1 个/, '取消');
      for (const theme of ['light', 'dark'] as Theme[]) {
        await wb!.setTheme(theme);
        await notification(/demo:\/zh-import 的导入计划/, '取消');
        await line('/zh-import/db').waitFor({ timeout: 10_000 });
        await wb!.screenshot('zh-cn-import-plan');
      }
      await page.locator('.notifications-center .notification-list-item', { hasText: /demo:\/zh-import 的导入计划/ }).getByRole('button', { name: '取消' }).first().click();
      assert.equal(await probe.exists('/zh-import/logging'), undefined, 'nothing is written without Apply');
      await wb!.closeAllEditors();
    } finally {
      if (await probe.exists('/zh-import')) await deleteTree(probe, '/zh-import');
      await probe.close();
    }
  });

  it("a lock holder's age in the Coordination view reads in Chinese units (screenshots in both themes)", async function () {
    this.timeout(150_000);
    await wb!.openView('ZooKeeper');
    await setSection(wb!, '资源管理器', true);
    await expandRow(wb!, 'demo');
    await setSection(wb!, '协调', true);
    await setSection(wb!, '资源管理器', false);
    await setSection(wb!, '服务', false);
    await wb!.widenSidebar(620);
    await expandRow(wb!, /^\/locks\/inventory /);
    // "inventory-worker-1 持有 · #0 · 在线 3分2秒": the role, the sequence and the age, each in Chinese.
    const holder = row(wb!, new RegExp(`^inventory-worker-1 持有 · #0 · 在线 ${CHINESE_AGE}`));
    await holder.waitFor({ timeout: 30_000 });
    for (const theme of ['light', 'dark'] as Theme[]) {
      await wb!.setTheme(theme);
      await holder.waitFor({ timeout: 30_000 });
      await wb!.screenshot('zh-cn-coordination');
    }
    await setSection(wb!, '资源管理器', true);
  });
});
