import * as assert from 'node:assert/strict';
import { useDemoWorkbench, type Theme, type WorkbenchSession } from './support/workbench';


describe('e2e: the ZooKeeper explorer on the demo world', function () {
  let wb: WorkbenchSession | undefined;
  useDemoWorkbench((session) => (wb = session));

  it('opens the ZooKeeper view, shows the connection, expands / and shows the seeded nodes', async function () {
    this.timeout(120_000);
    assert.ok(wb);
    await wb.openView('ZooKeeper');
    const connection = wb.treeItem(/^demo/);
    await connection.first().waitFor({ timeout: 30_000 });
    await connection.first().click();
    const root = wb.treeItem(/^\/(\s|,|$)/);
    await root.first().waitFor({ timeout: 30_000 });
    await root.first().click();
    for (const name of ['config', 'services', 'locks', 'election', 'queues', 'kafka', 'binary', 'zookeeper']) {
      await wb.treeItem(new RegExp(`^${name}(\\s|,|$)`)).first().waitFor({ timeout: 30_000 });
    }
    await wb.treeItem(/^services(\s|,|$)/).first().click();
    await wb.treeItem(/^orders(\s|,|$)/).first().click();
    await wb.treeItem(/^instance-0000000000/).first().waitFor({ timeout: 30_000 });
    await wb.treeItem(/^locks(\s|,|$)/).first().click();
    await wb.treeItem(/^inventory lock: held by inventory-worker-1, 1 waiting/).first().waitFor({ timeout: 30_000 });
    await wb.treeItem(/^orders 3 instances/).first().waitFor({ timeout: 30_000 });
    await wb.treeItem(/^config(\s|,|$)/).first().click();
    await wb.treeItem(/^app(\s|,|$)/).first().waitFor({ timeout: 30_000 });
    const status = wb.page.locator('.statusbar-item', { hasText: 'ZooKeeper: demo' });
    await status.first().waitFor({ timeout: 10_000 });
  });

  for (const theme of ['light', 'dark'] as Theme[]) {
    it(`the expanded tree in the ${theme} theme (screenshot)`, async function () {
      this.timeout(60_000);
      assert.ok(wb);
      await wb.setTheme(theme);
      await wb.treeItem(/^instance-0000000000/).first().waitFor({ timeout: 30_000 });
      await wb.screenshot('explorer-demo-world');
    });
  }
});
