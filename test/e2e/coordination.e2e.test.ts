import { clickRow, row } from './support/tree';
import { useDemoWorkbench, type Theme, type WorkbenchSession } from './support/workbench';

describe('e2e: the Coordination and Services views on the demo world', function () {
  let wb: WorkbenchSession | undefined;
  useDemoWorkbench((session) => (wb = session));

  it('shows who holds the locks, who leads, the queue and the registries, found by a scan of the demo world', async function () {
    this.timeout(120_000);
    const page = wb!.page;
    await wb!.openView('ZooKeeper');
    await clickRow(wb!, 'demo'); // the explorer's row: connects
    // The Coordination and Services sections start collapsed (the explorer gets the room): open
    // Coordination, collapse the Explorer section, widen the sidebar.
    const header = (section: string) => page.locator('.pane-header', { hasText: new RegExp(`^${section}`) }).first();
    await header('Coordination').click();
    await header('Explorer').click();
    await wb!.widenSidebar(620);
    for (const name of [
      /^\/locks\/inventory lock: held by inventory-worker-1, 1 waiting/,
      /^\/election\/scheduler leader: scheduler-a \(2 candidates\)/,
      /^\/curator\/locks\/orders lock: held by .*, 1 waiting/,
      /^\/curator\/leader\/billing leader: billing-1/,
      /^\/queues\/jobs queue: \d+ items?/,
      /^\/kafka\/brokers\/ids 3 instances/,
      /^\/services\/orders 3 instances/,
    ]) {
      await row(wb!, name).waitFor({ timeout: 30_000 });
    }
    // Expand the inventory lock (its twistie: a click on the row opens the detail) to see the roles.
    await row(wb!, /^\/locks\/inventory /).locator('.monaco-tl-twistie').click();
    await row(wb!, /^inventory-worker-1 holds · #0 · up /).waitFor({ timeout: 10_000 });
    await row(wb!, /^inventory-worker-2 waiting on inventory-worker-1 · #1/).waitFor({ timeout: 10_000 });
    await wb!.screenshot('coordination-view');
    // Then the Services section below it.
    await header('Services').click();
    await row(wb!, /^orders 3 instances up/).waitFor({ timeout: 30_000 });
    await row(wb!, /^payments 2 instances up/).waitFor({ timeout: 30_000 });
    await row(wb!, /^10\.0\.1\.11:8080 instance-\d{10} · up /).waitFor({ timeout: 10_000 });
    await wb!.screenshot('services-view');
  });

  it('opens the detail of the inventory lock: holder, wait chain and sessions', async function () {
    this.timeout(60_000);
    const page = wb!.page;
    await row(wb!, /^\/locks\/inventory /).click();
    // The detail opens as a rendered Markdown preview (a webview: its content is two frames down).
    const preview = page.frameLocator('iframe.webview').first().frameLocator('iframe#active-frame');
    await preview.locator('h1', { hasText: 'kazoo Lock at /locks/inventory' }).waitFor({ timeout: 30_000 });
    await preview.locator('h2', { hasText: 'Wait chain' }).waitFor({ timeout: 10_000 });
    await preview.locator('td', { hasText: 'inventory-worker-2' }).first().waitFor({ timeout: 10_000 });
    await wb!.screenshot('coordination-detail');
  });

  for (const theme of ['dark'] as Theme[]) {
    it(`the views in the ${theme} theme (screenshot)`, async function () {
      this.timeout(60_000);
      await wb!.setTheme(theme);
      await row(wb!, /^\/locks\/inventory .*lock: held by/).waitFor({ timeout: 20_000 });
      await wb!.screenshot('services-view');
    });
  }
});
