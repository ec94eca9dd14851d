import * as assert from 'node:assert/strict';
import { expandPath, row } from './support/tree';
import { useDemoWorkbench, type Theme, type WorkbenchSession } from './support/workbench';

describe('e2e: the ZooKeeper explorer on the demo world', function () {
  let wb: WorkbenchSession | undefined;
  useDemoWorkbench((session) => (wb = session));

  /** The tree as the tests look at it: idempotent, so each test makes it whatever an earlier one left. */
  async function expandDemoWorld(): Promise<void> {
    await wb!.openView('ZooKeeper');
    await wb!.widenSidebar(480); // room for the descriptions ("lock: held by …", instance addresses)
    await expandPath(wb!, ['demo', '/']);
    for (const name of ['config', 'services', 'locks', 'election', 'queues', 'kafka', 'binary', 'zookeeper']) {
      await row(wb!, name).waitFor({ timeout: 30_000 });
    }
    await expandPath(wb!, ['services', 'orders']);
    await row(wb!, /^instance-0000000000/).waitFor({ timeout: 30_000 });
    await expandPath(wb!, ['locks']);
    await row(wb!, /^inventory lock: held by inventory-worker-1, 1 waiting/).waitFor({ timeout: 30_000 });
    await expandPath(wb!, ['config']);
    await row(wb!, 'app').waitFor({ timeout: 30_000 });
  }

  it('opens the ZooKeeper view, shows the connection, expands / and shows the seeded nodes', async function () {
    this.timeout(120_000);
    assert.ok(wb);
    await expandDemoWorld();
    await row(wb, /^orders 3 instances/).waitFor({ timeout: 30_000 });
    await wb.page.locator('.statusbar-item', { hasText: 'ZooKeeper: demo' }).first().waitFor({ timeout: 10_000 });
  });

  for (const theme of ['light', 'dark'] as Theme[]) {
    it(`the expanded tree in the ${theme} theme (screenshot)`, async function () {
      this.timeout(90_000);
      assert.ok(wb);
      await wb.setTheme(theme);
      await expandDemoWorld();
      await wb.screenshot('explorer-demo-world');
    });
  }
});
