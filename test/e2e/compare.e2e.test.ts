import * as assert from 'node:assert/strict';
import { ZkClient } from '../../src/zk/client';
import { deleteTree } from '../../src/zk/subtree';
import { answer, contextMenu, pick } from './support/prompts';
import { expandPath, row } from './support/tree';
import { useDemoWorkbench, type Theme, type WorkbenchSession } from './support/workbench';

const connectString = process.env.ZK_E2E_CONNECT;

describe('e2e: Compare With… on the demo world', function () {
  let wb: WorkbenchSession | undefined;
  let probe: ZkClient | undefined;
  useDemoWorkbench((session) => (wb = session));

  before(async function () {
    this.timeout(60_000);
    assert.ok(connectString, 'ZK_E2E_CONNECT names the demo ZooKeeper (npm test sets it)');
    probe = await ZkClient.connect({ connectString });
    // A "production" copy of the demo's /config with one change, one node more and one less.
    if (!(await probe.exists('/config-prod'))) {
      await probe.create('/config-prod');
      for (const name of (await probe.getChildren('/config')).children) {
        if (name === 'logging') continue;
        const { data } = await probe.get(`/config/${name}`);
        await probe.create(`/config-prod/${name}`, name === 'db' ? Buffer.from(data.toString('utf8').replace('port: 5432', 'port: 6432')) : data);
      }
      await probe.create('/config-prod/audit', Buffer.from('enabled=true'));
    }
  });
  after(async () => {
    // The demo world is shared by the tier: leave it as it was.
    if (probe) await deleteTree(probe, '/config-prod');
    await probe?.close();
  });

  async function compareConfig(): Promise<void> {
    const page = wb!.page;
    await wb!.openView('ZooKeeper');
    await wb!.widenSidebar(560);
    await expandPath(wb!, ['demo', '/']);
    await contextMenu(wb!, 'config', 'Compare With…');
    await pick(page, 'Compare /config on demo with… (1/2)', 'demo');
    await answer(page, 'Compare /config on demo with a node on demo (2/2)', '/config-prod');
    await page.locator('.pane-header', { hasText: /^Compare/ }).first().waitFor({ timeout: 30_000 });
    await row(wb!, /^db data differ/).waitFor({ timeout: 30_000 });
    await row(wb!, /^logging only in \/config(\s|$)/).waitFor({ timeout: 30_000 });
    await row(wb!, /^audit only in \/config-prod/).waitFor({ timeout: 30_000 });
    await page.locator('.pane-body .message', { hasText: /demo:\/config ↔ demo:\/config-prod: 1 changed, 1 only in \/config, 1 only in \/config-prod, \d+ the same/ }).first().waitFor({ timeout: 30_000 });
  }

  it('compares /config with /config-prod and opens the changed node as a diff', async function () {
    this.timeout(120_000);
    await compareConfig();
    await row(wb!, /^db data differ/).click();
    await wb!.page.locator('.tab.active', { hasText: /db \(\/config ↔ \/config-prod\)/ }).first().waitFor({ timeout: 30_000 });
    await wb!.page.locator('.monaco-diff-editor').first().waitFor({ timeout: 30_000 });
  });

  for (const theme of ['light', 'dark'] as Theme[]) {
    it(`the Compare view and the diff in the ${theme} theme (screenshot)`, async function () {
      this.timeout(120_000);
      await wb!.setTheme(theme);
      await compareConfig();
      await row(wb!, /^db data differ/).click();
      await wb!.page.locator('.monaco-diff-editor').first().waitFor({ timeout: 30_000 });
      await wb!.screenshot('compare');
    });
  }
});
