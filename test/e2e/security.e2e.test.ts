// Adding a TLS connection as a person does: Add Connection…, "Secured (TLS, SASL)…", TLS, the CA
// file chosen in the file picker (the browser VS Code's simple file dialog, where the path is
// typed), then connected and browsable. Against a real ZooKeeper with a TLS port started here.
import { startSecuredZooKeeper, testCertificates } from '../support/security';
import type { ZooKeeperServer } from '../support/zookeeper';
import { answer, pick } from './support/prompts';
import { expandPath, expanded, row } from './support/tree';
import { openWorkbench, type Theme, type WorkbenchSession } from './support/workbench';

describe('e2e: a TLS connection added through the UI with the file picker', function () {
  let wb: WorkbenchSession | undefined;
  let server: (ZooKeeperServer & { securePort: number; secureConnectString: string }) | undefined;

  before(async function () {
    this.timeout(180_000);
    server = await startSecuredZooKeeper();
    wb = await openWorkbench({ theme: 'light' });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.captureFailure(this.currentTest.title);
  });
  after(async () => {
    await wb?.close();
    await server?.stop();
  });

  for (const theme of ['light', 'dark'] as Theme[]) {
    it(`adds, connects and browses a TLS connection, the CA file typed in the file picker (${theme})`, async function () {
      this.timeout(180_000);
      const page = wb!.page;
      const certs = testCertificates();
      const name = `tls-${theme}`;
      await wb!.setTheme(theme);
      await wb!.openView('ZooKeeper');
      await wb!.runCommand('ZooKeeper: Add Connection…');
      await answer(page, '(1/3)', name);
      await answer(page, '(2/3)', server!.secureConnectString);
      await pick(page, '(3/3)', 'Secured (TLS, SASL)…');
      await page.locator('.quick-input-widget .quick-input-title', { hasText: `Security of ${name}` }).first().waitFor({ timeout: 30_000 });
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Mutual TLS' }).first().waitFor({ timeout: 30_000 });
      await wb!.screenshot('tls-add-security-kinds');
      await pick(page, `Security of ${name}`, "the server's TLS port");
      await pick(page, `CA certificate (PEM) that signed ${name}`, 'Choose a PEM file…');
      // The simple file dialog: a quick input whose box holds a path; type the CA file's and accept.
      const title = page.locator('.quick-input-widget .quick-input-title', { hasText: `CA certificate (PEM) that signed ${name}` }).first();
      await title.waitFor({ timeout: 30_000 });
      const input = page.locator('.quick-input-widget input.input');
      // The dialog fills in its starting folder once it has read it, replacing anything typed before:
      // wait for that (a path in the box and the folder listed), then type.
      await page.waitForFunction(() => {
        const box = (globalThis as unknown as { document: { querySelector(s: string): { value?: string } | null } }).document.querySelector('.quick-input-widget input.input');
        return !!box?.value && box.value.endsWith('/');
      }, undefined, { timeout: 30_000 });
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: '..' }).first().waitFor({ timeout: 30_000 });
      await input.fill(certs.ca);
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'ca.pem' }).first().waitFor({ timeout: 30_000 });
      if ((await input.inputValue()) !== certs.ca) throw new Error(`the file dialog shows ${await input.inputValue()}, not the path typed`);
      await wb!.screenshot('tls-add-file-picker');
      await page.locator('.quick-input-widget .monaco-button', { hasText: 'Use This File' }).first().click();
      await pick(page, `Access of ${name}`, 'Read and write');
      await row(wb!, name).waitFor({ timeout: 30_000 });
      // The other theme's connection (same server) collapsed: the "/" and "zookeeper" rows below are this one's.
      for (const other of ['tls-light', 'tls-dark'].filter((n) => n !== name)) {
        const open = expanded(wb!, other);
        if ((await open.count()) > 0) await open.locator('.monaco-tl-twistie').click();
        await expanded(wb!, other).waitFor({ state: 'detached', timeout: 30_000 });
      }
      await expandPath(wb!, [name, '/']);
      await row(wb!, 'zookeeper').first().waitFor({ timeout: 30_000 });
      await page.locator('.monaco-list-row', { hasText: new RegExp(`${name}\\s*connected`) }).first().waitFor({ timeout: 30_000 });
      await wb!.screenshot('tls-connected');
    });
  }
});
