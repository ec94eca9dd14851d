import * as assert from 'node:assert/strict';
import { ZkClient } from '../../src/zk/client';
import { readEnsembleConfig } from '../../src/zk/cluster';
import { eventually } from '../support/session';
import { openWorkbench, type WorkbenchSession } from './support/workbench';
import { zookeeper, type Ensemble } from '../support/zookeeper';

// "Reconfigure Ensemble…" as a person runs it from the command palette, on a real 3-server ensemble
// with dynamic reconfiguration on: the action quick pick, the server line typed into the input box
// (checked as it is typed), the member quick pick and the modal confirmation. Whether the ensemble
// changed is read from outside, in /zookeeper/config through a client of the test's own.
describe('e2e: reconfiguring the ensemble from the quick picks', function () {
  let wb: WorkbenchSession | undefined;
  let ensemble: Ensemble | undefined;
  let probe: ZkClient | undefined;

  before(async function () {
    this.timeout(240_000);
    // skipACL: a reconfig otherwise needs the super user, whose password this test would have to type.
    ensemble = await zookeeper.startEnsemble({ install: true, reconfig: true, serverConfig: () => ({ skipACL: 'yes' }) });
    probe = await ZkClient.connect({ connectString: ensemble.connectString });
    wb = await openWorkbench({ theme: 'light', settings: { 'zookeeper.connections': [{ name: 'ensemble', connectString: ensemble.connectString }] } });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.captureFailure(this.currentTest.title);
  });

  after(async () => {
    await wb?.close();
    await probe?.close();
    await ensemble?.stop();
  });

  const widget = () => wb!.page.locator('.quick-input-widget');
  const option = (text: string | RegExp) => widget().locator('.monaco-list-row[role="option"]', { hasText: text }).first();
  const members = async (): Promise<number[]> => (await readEnsembleConfig(probe!)).members.map((m) => m.id);

  /** Confirms the modal naming `what`, then waits for the server's configuration to show `expected`. */
  async function confirm(what: RegExp, screenshot: string, expected: number[]): Promise<void> {
    const dialog = wb!.page.locator('.monaco-dialog-box').filter({ visible: true }).first();
    await dialog.filter({ hasText: what }).waitFor({ timeout: 30_000 });
    assert.match(await dialog.innerText(), /Applied only if the configuration is still version [0-9a-f]+/);
    await wb!.screenshot(screenshot);
    await dialog.getByRole('button', { name: 'Reconfigure', exact: true }).click();
    await eventually(async () => JSON.stringify(await members()) === JSON.stringify(expected), 60_000, `members ${expected.join(',')} in /zookeeper/config`);
  }

  it('adds a fourth server through the action pick and the checked input box, then removes it through the member pick', async function () {
    this.timeout(240_000);
    const { spec } = await ensemble!.addServer();
    assert.deepEqual(await members(), [1, 2, 3]);

    await wb!.runCommand('ZooKeeper: Reconfigure Ensemble…');
    // The placeholder says what is there before anything changes.
    await widget().locator('input.input[placeholder*="3 voting members"]').waitFor({ timeout: 30_000 });
    await option('Remove a server…').waitFor({ timeout: 30_000 });
    await option("Change a server's role…").waitFor({ timeout: 30_000 });
    await wb!.screenshot('reconfigure-actions');
    await option('Add a server…').click();

    // The input box starts with the next id and checks the line as it is typed.
    const input = widget().locator('input.input');
    await eventually(async () => (await input.inputValue()) === 'server.4=', 30_000, 'the input box prefilled with server.4=');
    // The message line always says something: the prompt (the format) until the check's answer for
    // the typed line replaces it. Each state is waited for by its own text (e2e full run beside two
    // busy loops: the prompt, read before the check answered, was taken for the complaint).
    const message = widget().locator('.quick-input-message');
    await input.fill('server.4=nonsense');
    await message.filter({ hasText: '"server.4=nonsense" is not a server line' }).waitFor({ timeout: 30_000 });
    await wb!.screenshot('reconfigure-add-invalid');
    await input.fill(spec);
    // A valid line: the prompt is back in place of the complaint.
    await message.filter({ hasText: /^server\.N=host:quorumPort/ }).waitFor({ timeout: 30_000 });
    await wb!.page.keyboard.press('Enter');
    await confirm(/add server 4/, 'reconfigure-add-confirm', [1, 2, 3, 4]);

    await wb!.runCommand('ZooKeeper: Reconfigure Ensemble…');
    await option('Remove a server…').click();
    await option('server.4').waitFor({ timeout: 30_000 });
    await wb!.screenshot('reconfigure-pick-member');
    await option('server.4').click();
    await confirm(/remove server 4/, 'reconfigure-remove-confirm', [1, 2, 3]);
  });
});
