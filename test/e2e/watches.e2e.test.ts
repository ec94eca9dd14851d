import { ZkClient } from '../../src/zk/client';
import { contextMenu, pick } from './support/prompts';
import { clickRow, row } from './support/tree';
import { useDemoWorkbench, type Theme, type WorkbenchSession } from './support/workbench';

describe('e2e: watches and the ZooKeeper Watches panel on the demo world', function () {
  let wb: WorkbenchSession | undefined;
  let probe: ZkClient;
  const connectString = useDemoWorkbench((session) => (wb = session));

  before(async () => {
    probe = await ZkClient.connect({ connectString });
  });

  after(async () => {
    await probe.close();
  });

  it('watches /config/app and /services/orders from the context menu', async function () {
    this.timeout(120_000);
    const page = wb!.page;
    await wb!.openView('ZooKeeper');
    for (const name of ['demo', '/', 'config']) await clickRow(wb!, name);
    await row(wb!, 'app').waitFor({ timeout: 30_000 });
    await contextMenu(wb!, 'app', 'Watch…');
    await pick(page, 'Watch /config/app on demo', 'Data');
    await row(wb!, /^app .*watching data/).waitFor({ timeout: 15_000 });
    await clickRow(wb!, 'services');
    await row(wb!, 'orders').waitFor({ timeout: 30_000 });
    await contextMenu(wb!, 'orders', 'Watch…');
    await pick(page, 'Watch /services/orders on demo', 'Children');
    await row(wb!, /^orders .*watching children/).waitFor({ timeout: 15_000 });
  });

  it('the panel shows the events after other programs change the configuration and a service comes and goes', async function () {
    this.timeout(120_000);
    const page = wb!.page;
    const current = await probe.get('/config/app');
    const config = JSON.parse(current.data.toString()) as Record<string, unknown>;
    await probe.set('/config/app', Buffer.from(JSON.stringify({ ...config, maintenance: true }, null, 2)));
    const instance = await probe.create('/services/orders/instance-', Buffer.from('{"host":"10.0.1.99","port":8080}'), { mode: 'ephemeralSequential' });
    const name = instance.path.split('/').pop()!;
    await wb!.runCommand('ZooKeeper: Focus on ZooKeeper Watches View');
    await wb!.treeItem(/data changed \(v\d+ → v\d+\)/).first().waitFor({ timeout: 20_000 });
    await wb!.treeItem(new RegExp(`children changed \\(\\+${name}\\)`)).first().waitFor({ timeout: 20_000 });
    await probe.delete(instance.path);
    await wb!.treeItem(new RegExp(`children changed \\(−${name}\\)`)).first().waitFor({ timeout: 20_000 });
    await page.mouse.move(5, 5);
    await wb!.screenshot('watches-panel');
  });

  for (const theme of ['dark'] as Theme[]) {
    it(`the panel in the ${theme} theme (screenshot)`, async function () {
      this.timeout(60_000);
      await wb!.setTheme(theme);
      await wb!.treeItem(/data changed \(v\d+ → v\d+\)/).first().waitFor({ timeout: 20_000 });
      await wb!.screenshot('watches-panel');
    });
  }
});
