import { expandRow, row, setSection as setSectionOf } from './support/tree';
import { openWorkbench, type WorkbenchSession } from './support/workbench';
import { zookeeper, type Ensemble } from '../support/zookeeper';

// The Cluster view on a real 3-server ensemble of its own (AdminServer on servers 1 and 2, off on 3,
// which allows only srvr), as a person sees it: roles, states, figures, warnings; light and dark.
describe('e2e: the Cluster view on a 3-server ensemble', function () {
  let wb: WorkbenchSession | undefined;
  let ensemble: Ensemble | undefined;

  before(async function () {
    this.timeout(240_000);
    ensemble = await zookeeper.startEnsemble({
      install: true,
      serverConfig: (id): Record<string, string> => (id === 3 ? { 'admin.enableServer': 'false', '4lw.commands.whitelist': 'srvr' } : {}),
    });
    const ports = Object.fromEntries(ensemble.servers.map((s) => [`127.0.0.1:${s.port}`, s.id === 3 ? false : s.adminPort]));
    wb = await openWorkbench({
      theme: 'light',
      settings: {
        'zookeeper.connections': [{ name: 'ensemble', connectString: ensemble.connectString }],
        'zookeeper.cluster.adminPorts': { ensemble: ports },
        'zookeeper.cluster.refreshInterval': 2,
        'zookeeper.cluster.metricsInterval': 1,
      },
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.captureFailure(this.currentTest.title);
  });

  after(async () => {
    await wb?.close();
    await ensemble?.stop();
  });

  /** Opens or closes a section of the ZooKeeper view by its header, whatever state it is in. */
  const setSection = (section: string, open: boolean): Promise<void> => setSectionOf(wb!, section, open);

  /** The Cluster section open alone and wide; then the connection's row says how many servers serve. */
  async function showCluster(serving = '3/3'): Promise<void> {
    await wb!.openView('ZooKeeper');
    await setSection('Cluster', true);
    for (const other of ['Explorer', 'Coordination', 'Services']) await setSection(other, false);
    await wb!.widenSidebar(700);
    await row(wb!, new RegExp(`^ensemble ${serving} serving · leader 127\\.0\\.0\\.1:\\d+`)).waitFor({ timeout: 60_000 });
    await row(wb!, /^127\.0\.0\.1:\d+ leader · serving/).waitFor({ timeout: 30_000 });
  }

  it('shows the servers with their roles, the leader\'s figures and the "not allowed" warning', async function () {
    this.timeout(120_000);
    await showCluster();
    await row(wb!, /does not allow the four-letter words mntr, conf/).waitFor({ timeout: 30_000 });
    // The figures of server 1 (AdminServer): expand its row.
    await expandRow(wb!, new RegExp(`^127\\.0\\.0\\.1:${ensemble!.servers[0].port} (leader|follower) · serving`));
    await row(wb!, /^znodes \d+/).waitFor({ timeout: 30_000 });
    await row(wb!, /^source AdminServer \(HTTP\)/).waitFor({ timeout: 30_000 });
    await wb!.screenshot('cluster-view');
  });

  it('a stopped follower turns unreachable within one interval, in the dark theme too', async function () {
    this.timeout(180_000);
    const leader = await ensemble!.leader();
    const follower = ensemble!.servers.find((s) => s !== leader && s.id !== 3) ?? ensemble!.servers.find((s) => s !== leader)!;
    await follower.stop();
    await wb!.setTheme('dark');
    await showCluster('2/3');
    await row(wb!, new RegExp(`^127\\.0\\.0\\.1:${follower.port} unreachable`)).waitFor({ timeout: 60_000 });
    await wb!.screenshot('cluster-view-follower-down');
    await follower.start();
    await row(wb!, new RegExp(`^127\\.0\\.0\\.1:${follower.port} follower · serving`)).waitFor({ timeout: 60_000 });
    await wb!.screenshot('cluster-view');
  });

  /** The mouse parked on the Cluster view's empty space, away from the charts (which would show a hover). */
  async function screenshotWithoutHover(name: string): Promise<void> {
    const page = wb!.page;
    const size = page.viewportSize() ?? { width: 1400, height: 900 };
    await page.mouse.move(200, size.height - 150);
    const panel = page.frameLocator('iframe.webview').first().frameLocator('iframe#active-frame');
    await panel.locator('#tooltip.shown').waitFor({ state: 'detached', timeout: 10_000 });
    await wb!.screenshot(name, { keepMouse: true });
  }

  it('the metrics panel charts every server live, shows values on hover, in the dark and light themes', async function () {
    this.timeout(180_000);
    const page = wb!.page;
    await showCluster();
    await wb!.runCommand('ZooKeeper: Show Metrics');
    // The panel is a webview: its content is two frames down.
    const panel = page.frameLocator('iframe.webview').first().frameLocator('iframe#active-frame');
    await panel.locator('strong', { hasText: 'ensemble' }).first().waitFor({ timeout: 30_000 });
    // Enough samples that every line is a line, not a dot: the count is on the body.
    await panel.locator('body[data-samples="6"], body[data-samples="7"], body[data-samples="8"], body[data-samples="9"]').first().waitFor({ timeout: 60_000 });
    for (const chart of ['latency', 'outstanding', 'packets', 'connections', 'znodes', 'watches']) {
      // attached, not visible: a flat line (all zero) has an empty box, which Playwright calls hidden.
      await panel.locator(`section[data-chart="${chart}"] svg path.line`).first().waitFor({ state: 'attached', timeout: 10_000 });
    }
    for (const s of ensemble!.servers) await panel.locator('.legend-item', { hasText: `127.0.0.1:${s.port}` }).waitFor({ timeout: 10_000 });
    await screenshotWithoutHover('metrics-panel');
    // Hover a chart: the values of every server at that sample.
    // hover() scrolls the chart into view and retries while a new sample redraws it.
    await panel.locator('section[data-chart="znodes"] rect.hit').hover({ timeout: 20_000 });
    const tooltip = panel.locator('#tooltip.shown');
    await tooltip.waitFor({ timeout: 10_000 });
    for (const s of ensemble!.servers) await tooltip.locator('div', { hasText: new RegExp(`127\\.0\\.0\\.1:${s.port}: \\d+`) }).first().waitFor({ timeout: 10_000 });
    await wb!.screenshot('metrics-panel-hover', { keepMouse: true });
    await wb!.setTheme(wb!.theme === 'dark' ? 'light' : 'dark');
    await panel.locator('section[data-chart="latency"] svg path.line').first().waitFor({ state: 'attached', timeout: 10_000 });
    await screenshotWithoutHover('metrics-panel');
  });
});
