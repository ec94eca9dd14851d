import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { openWorkbench, type Theme, type WorkbenchSession } from './support/workbench';

describe('e2e smoke: the workbench with the extension under development', function () {
  let wb: WorkbenchSession | undefined;

  before(async function () {
    this.timeout(180_000); // the first run may install code-server (~2 min)
    wb = await openWorkbench({ theme: 'light' });
  });

  after(async function () {
    await wb?.close();
  });

  for (const theme of ['light', 'dark'] as Theme[]) {
    it(`renders in the ${theme} theme (screenshot)`, async function () {
      assert.ok(wb);
      await wb.setTheme(theme);
      const file = await wb.screenshot('workbench');
      assert.ok(fs.statSync(file).size > 10_000, `screenshot ${file} looks empty`);
    });
  }

  it('shows the ZooKeeper view container in the activity bar', async function () {
    assert.ok(wb);
    const item = wb.page.locator('.part.activitybar li.action-item a.action-label[aria-label*="ZooKeeper"]');
    await item.first().waitFor({ state: 'attached', timeout: 20_000 }).catch(() => undefined);
    const labels = await wb.activityBarLabels();
    assert.ok(
      labels.some((l) => l.includes('ZooKeeper')),
      `no activity-bar item with "ZooKeeper" in its aria-label; found: ${JSON.stringify(labels)}`,
    );
  });
});
