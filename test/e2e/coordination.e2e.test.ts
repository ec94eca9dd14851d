import { expandRow, row, setSection as setSectionOf } from './support/tree';
import { useDemoWorkbench, type Theme, type WorkbenchSession } from './support/workbench';

describe('e2e: the Coordination and Services views on the demo world', function () {
  let wb: WorkbenchSession | undefined;
  useDemoWorkbench((session) => (wb = session));

  const setSection = (section: string, open: boolean): Promise<void> => setSectionOf(wb!, section, open);

  /**
   * The Coordination section open on the demo world, the Explorer and Services sections collapsed (they
   * take its room otherwise), a wide sidebar, and the recipes found. Idempotent: each test starts with it.
   */
  async function showCoordination(): Promise<void> {
    await wb!.openView('ZooKeeper');
    await setSection('Explorer', true);
    await expandRow(wb!, 'demo'); // the explorer's row: connects
    await setSection('Coordination', true);
    await setSection('Explorer', false);
    // Services shares the height with Coordination, whose rows below the fold are not rendered.
    await setSection('Services', false);
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
  }

  /**
   * The Curator mutex's contenders, told apart: Curator stores the client's IP address, the same
   * 127.0.0.1 for both demo processes, so each is named with its sequence number.
   */
  async function showCuratorLock(): Promise<void> {
    await expandRow(wb!, /^\/curator\/locks\/orders /);
    const holder = row(wb!, /^127\.0\.0\.1 #\d+ holds · up /);
    await holder.waitFor({ timeout: 10_000 });
    const holderName = /^(127\.0\.0\.1 #\d+) /.exec((await holder.getAttribute('aria-label')) ?? '')![1];
    await row(wb!, new RegExp(`^127\\.0\\.0\\.1 #\\d+ waiting on ${holderName.replace(/\./g, '\\.')} · up `)).waitFor({ timeout: 10_000 });
    await wb!.screenshot('coordination-curator-lock');
  }

  /** The Services section open below Coordination, with the demo world's registries. */
  async function showServices(): Promise<void> {
    await setSection('Services', true);
    await row(wb!, /^orders 3 instances up/).waitFor({ timeout: 30_000 });
    await row(wb!, /^payments 2 instances up/).waitFor({ timeout: 30_000 });
  }

  it('shows who holds the locks, who leads, the queue and the registries, found by a scan of the demo world', async function () {
    this.timeout(120_000);
    await showCoordination();
    // Expand the inventory lock (its twistie: a click on the row opens the detail) to see the roles.
    await expandRow(wb!, /^\/locks\/inventory /);
    await row(wb!, /^inventory-worker-1 holds · #0 · up /).waitFor({ timeout: 10_000 });
    await row(wb!, /^inventory-worker-2 waiting on inventory-worker-1 · #1/).waitFor({ timeout: 10_000 });
    await wb!.screenshot('coordination-view');
    await showCuratorLock();
    await showServices();
    await row(wb!, /^10\.0\.1\.11:8080 instance-\d{10} · up /).waitFor({ timeout: 10_000 });
    await wb!.screenshot('services-view');
  });

  it('opens the detail of the inventory lock: holder, wait chain and sessions', async function () {
    this.timeout(90_000);
    const page = wb!.page;
    await showCoordination();
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
      this.timeout(90_000);
      await wb!.setTheme(theme);
      await showCoordination();
      await expandRow(wb!, /^\/locks\/inventory /);
      await row(wb!, /^inventory-worker-1 holds · #0 · up /).waitFor({ timeout: 10_000 });
      await showCuratorLock();
      await showServices();
        await row(wb!, /^10\.0\.1\.11:8080 instance-\d{10} · up /).waitFor({ timeout: 10_000 });
      await wb!.screenshot('services-view');
    });
  }
});
