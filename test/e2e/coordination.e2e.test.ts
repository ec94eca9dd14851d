import * as assert from 'node:assert/strict';
import { clickRow, row } from './support/tree';
import { openWorkbench, type Theme, type WorkbenchSession } from './support/workbench';

describe('e2e: the Coordination and Services views on the demo world', function () {
  let wb: WorkbenchSession | undefined;
  const connectString = process.env.ZK_E2E_CONNECT;

  before(async function () {
    this.timeout(180_000);
    assert.ok(connectString, 'ZK_E2E_CONNECT names the demo ZooKeeper (npm test sets it)');
    wb = await openWorkbench({ theme: 'light', settings: { 'zookeeper.connections': [{ name: 'demo', connectString }] } });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.captureFailure(this.currentTest.title);
  });

  after(async () => {
    await wb?.close();
  });

  it('shows who holds the locks, who leads, the queue and the registries, found by a scan of the demo world', async function () {
    this.timeout(120_000);
    const page = wb!.page;
    await wb!.openView('ZooKeeper');
    await clickRow(wb!, 'demo'); // the explorer's row: connects
    // Give the Coordination and Services views the room: collapse the Explorer section.
    await page.locator('.pane-header', { hasText: /^Explorer/ }).first().click();
    for (const name of [
      /^\/locks\/inventory .*lock: held by inventory-worker-1, 1 waiting/,
      /^\/election\/scheduler .*leader: scheduler-a/,
      /^\/curator\/locks\/orders .*lock: held by orders-worker-A, 1 waiting/,
      /^\/curator\/leader\/billing .*leader: billing-1/,
      /^\/queues\/jobs .*queue: \d+ items?/,
      /^\/services\/orders .*instances/,
    ]) {
      await row(wb!, name).waitFor({ timeout: 30_000 });
    }
    await row(wb!, /^inventory-worker-1 .*holds: inventory-worker-1/).waitFor({ timeout: 10_000 });
    await row(wb!, /^inventory-worker-2 .*waiting on /).waitFor({ timeout: 10_000 });
    await row(wb!, /^orders .*instances up/).waitFor({ timeout: 30_000 });
    await row(wb!, /^payments .*instances? up/).waitFor({ timeout: 30_000 });
    await wb!.screenshot('coordination-view');
  });

  it('opens the detail of the inventory lock: holder, wait chain and sessions', async function () {
    this.timeout(60_000);
    const page = wb!.page;
    await row(wb!, /^\/locks\/inventory /).click();
    const editor = page.locator('.editor-instance .view-lines');
    await editor.filter({ hasText: 'kazoo Lock at /locks/inventory' }).first().waitFor({ timeout: 30_000 });
    await editor.filter({ hasText: 'Wait chain' }).first().waitFor({ timeout: 10_000 });
    await wb!.screenshot('coordination-detail');
  });

  for (const theme of ['dark'] as Theme[]) {
    it(`the views in the ${theme} theme (screenshot)`, async function () {
      this.timeout(60_000);
      await wb!.setTheme(theme);
      await row(wb!, /^\/locks\/inventory .*lock: held by/).waitFor({ timeout: 20_000 });
      await wb!.screenshot('coordination-view');
    });
  }
});
