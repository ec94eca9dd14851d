import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { digestId, formatAcl } from '../../src/zk/acl';
import { ZkClient } from '../../src/zk/client';
import { contextMenu } from './support/prompts';
import { expandPath, row } from './support/tree';
import { useDemoWorkbench, type WorkbenchSession } from './support/workbench';

/** The ACL editor (issue 10): a person edits an ACL with clicks and keys, meets a conflict, and chooses. */
describe('e2e: the ACL editor', function () {
  let wb: WorkbenchSession | undefined;
  const connectString = useDemoWorkbench((session) => (wb = session));
  let probe: ZkClient | undefined;
  // A fresh node per run: the demo server may be reused.
  const name = `e2e-acl-${Date.now().toString(36)}`;
  const path = `/${name}`;
  const aliceId = digestId('alice', 'alice-pw');

  before(async () => {
    probe = await ZkClient.connect({ connectString });
    await probe.create(path);
  });
  after(async () => {
    // Open again, so the demo world's cleanup (and a rerun) can delete it.
    await probe?.setACL(path, [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }]).catch(() => undefined);
    await probe?.delete(path).catch(() => undefined);
    await probe?.close();
  });

  const aclText = async (): Promise<string[]> => (await probe!.getACL(path)).acl.map(formatAcl);

  /** The editor's form: a webview, two frames down. */
  const form = (): FrameLocator => wb!.page.frameLocator('iframe.webview').first().frameLocator('iframe#active-frame');

  it('edits an ACL with clicks and keys: a row added, toggles, the digest generator, preview, who can do what; applies it', async function () {
    this.timeout(180_000);
    const page = wb!.page;
    await wb!.openView('ZooKeeper');
    await wb!.widenSidebar(420);
    await expandPath(wb!, ['demo', '/']);
    await row(wb!, name).waitFor({ timeout: 30_000 });
    await contextMenu(wb!, name, 'Edit ACL…');
    const f = form();
    await f.locator('h1', { hasText: `ACL of ${path}` }).waitFor({ timeout: 30_000 });
    await f.getByLabel('Scheme of entry 1').waitFor();
    assert.equal(await f.getByLabel('Scheme of entry 1').inputValue(), 'world');

    // Entry 1, world:anyone: read only. Keys: focus c and Space, Tab along to d, w, a.
    await f.getByLabel('c (create) for entry 1').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab'); // r stays
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    assert.equal(await f.getByLabel('r (read) for entry 1').isChecked(), true);
    assert.equal(await f.getByLabel('a (admin) for entry 1').isChecked(), false);
    // Without ADMIN for any identity of the session, the form says what that means.
    await f.locator('#problems', { hasText: 'None of your identities keeps ADMIN' }).waitFor({ timeout: 30_000 });

    // A new row by a click: ip 127.0.0.1 with everything.
    await f.getByRole('button', { name: 'Add Entry' }).click();
    await f.getByLabel('Scheme of entry 2').fill('ip');
    await page.keyboard.press('Tab');
    await page.keyboard.type('127.0.0.1');
    for (const letter of ['c (create)', 'd (delete)', 'w (write)', 'a (admin)']) await f.getByLabel(`${letter} for entry 2`).click();

    // A digest entry from the generator: the password field is empty again at once.
    await f.getByLabel('Digest user').fill('alice');
    await f.getByLabel('Digest password').fill('alice-pw');
    await f.getByLabel('Digest password').press('Enter');
    await f.getByLabel('Id of entry 3').waitFor({ timeout: 30_000 });
    assert.equal(await f.getByLabel('Id of entry 3').inputValue(), aliceId);
    assert.equal(await f.getByLabel('Digest password').inputValue(), '');
    for (const letter of ['c (create)', 'd (delete)', 'a (admin)']) await f.getByLabel(`${letter} for entry 3`).click();

    // The preview and "who can do what" follow every edit.
    const preview = f.locator('#preview');
    await preview.locator('li', { hasText: '~ world:anyone:r (was cdrwa)' }).waitFor({ timeout: 30_000 });
    await preview.locator('li', { hasText: '+ ip:127.0.0.1:cdrwa' }).waitFor({ timeout: 30_000 });
    await preview.locator('li', { hasText: `+ digest:${aliceId}:rw` }).waitFor({ timeout: 30_000 });
    // Who can do what: anyone drops to r (marked as a change); this session keeps everything through its ip entry.
    await f.locator('#who tr', { hasText: 'anyone' }).locator('td.changed', { hasText: /^r$/ }).waitFor({ timeout: 30_000 });
    assert.deepEqual(await f.locator('#who tr', { hasText: 'ip:127.0.0.1' }).locator('td').allInnerTexts(), ['ip:127.0.0.1', 'cdrwa', 'cdrwa']);
    await f.locator('#problems', { hasText: 'None of your identities keeps ADMIN' }).waitFor({ state: 'detached', timeout: 30_000 });
    await wb!.screenshot('acl-editor');

    // Ctrl+Enter applies to this node.
    await f.getByLabel('Id of entry 2').focus();
    await page.keyboard.press('Control+Enter');
    await f.locator('#status', { hasText: 'ACL set on 1 node of 1 node.' }).waitFor({ timeout: 30_000 });
    assert.deepEqual(await aclText(), ['world:anyone:r', 'ip:127.0.0.1:cdrwa', `digest:${aliceId}:rw`]);
    await f.locator('h1', { hasText: 'ACL version 1' }).waitFor({ timeout: 30_000 });
  });

  it('a change by someone else is shown as a conflict with both ACLs; Overwrite With Mine writes mine', async function () {
    this.timeout(120_000);
    const f = form();
    await f.locator('h1', { hasText: 'ACL version 1' }).waitFor({ timeout: 30_000 });
    // Someone else, between the editor's read and its write.
    await probe!.setACL(
      path,
      [
        { perms: 31, id: { scheme: 'ip', id: '127.0.0.1' } },
        { perms: 1, id: { scheme: 'world', id: 'anyone' } },
      ],
      1,
    );
    await f.getByLabel('w (write) for entry 1').click();
    await f.getByRole('button', { name: 'Apply to This Node' }).click();
    const conflict = f.locator('#conflict');
    await conflict.locator('h3', { hasText: 'Theirs (ACL version 2)' }).waitFor({ timeout: 30_000 });
    await conflict.locator('li', { hasText: 'world:anyone:rw' }).waitFor();
    assert.deepEqual(await aclText(), ['ip:127.0.0.1:cdrwa', 'world:anyone:r'], 'nothing was overwritten unasked');
    await wb!.screenshot('acl-editor-conflict');
    await conflict.getByRole('button', { name: 'Overwrite With Mine' }).click();
    await f.locator('#status', { hasText: 'ACL set on 1 node' }).waitFor({ timeout: 30_000 });
    assert.deepEqual(await aclText(), ['world:anyone:rw', 'ip:127.0.0.1:cdrwa', `digest:${aliceId}:rw`]);
  });

  it('taking ADMIN away from every identity of the session asks first, naming the consequence; Cancel writes nothing', async function () {
    this.timeout(120_000);
    const page = wb!.page;
    const f = form();
    await f.locator('h1', { hasText: 'ACL version 3' }).waitFor({ timeout: 30_000 });
    await f.getByLabel('a (admin) for entry 2').click();
    await f.locator('#problems', { hasText: 'None of your identities keeps ADMIN' }).waitFor({ timeout: 30_000 });
    await f.getByRole('button', { name: 'Apply to This Node' }).click();
    const dialog = page.locator('.monaco-dialog-box').filter({ visible: true }).first();
    await dialog.filter({ hasText: 'leaves none of this session' }).waitFor({ timeout: 30_000 });
    assert.match(await dialog.innerText(), /you could not change this ACL again \(only a super user could\)/);
    await wb!.screenshot('acl-editor-lockout');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    // The positive signal first: the form says nothing was applied; then the server still has version 3.
    await f.locator('#status', { hasText: 'Nothing was applied.' }).waitFor({ timeout: 30_000 });
    assert.equal((await probe!.getACL(path)).stat.aversion, 3);
    assert.deepEqual(await aclText(), ['world:anyone:rw', 'ip:127.0.0.1:cdrwa', `digest:${aliceId}:rw`]);
    await f.getByLabel('a (admin) for entry 2').click();
  });

  it('the editor in the dark theme (screenshot)', async function () {
    this.timeout(90_000);
    await wb!.setTheme('dark');
    const f = form();
    await f.locator('h1', { hasText: 'ACL version 3' }).waitFor({ timeout: 30_000 });
    await f.getByRole('button', { name: 'Add Entry' }).click();
    await f.getByLabel('Scheme of entry 4').fill('ip');
    await f.getByLabel('Id of entry 4').fill('10.0.0.0/33');
    await f.locator('#problems', { hasText: '"/33" is not a prefix length for IPv4' }).waitFor({ timeout: 30_000 });
    assert.equal(await f.getByRole('button', { name: 'Apply to This Node' }).isDisabled(), true);
    await wb!.screenshot('acl-editor');
  });
});
