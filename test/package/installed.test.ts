// The package tier: checks the extension as a user gets it, i.e. the .vsix that
// scripts/lib/packageCheck.js built and installed with code-server's CLI into a fresh extensions
// folder. Nothing here imports the project's sources: the code under test is the installed bundle.
// Environment (set by packageCheck): ZKE_PACKAGE_EXTENSIONS_DIR, ZKE_PACKAGE_VERSION,
// ZKE_PACKAGE_CONNECTION (a connection in the user setting zookeeper.connections),
// ZKE_PACKAGE_PROJECT_ROOT (where the development copy lives, which must not be what runs).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'zookeeper-explorer.zookeeper-explorer';
/** What an installed copy of the .vsix may hold at its top level (.vsixmanifest: written by the installer). */
const INSTALLED_ENTRIES = /^(package\.json|readme\.md|license(\.md|\.txt)?|changelog\.md|\.vsixmanifest|package\.nls(\.[a-z-]+)?\.json|l10n|dist|media|syntaxes)$/i;

interface Manifest {
  version: string;
  main: string;
  contributes: { commands: { command: string }[] };
}

function env(name: string): string {
  const value = process.env[name];
  assert.ok(value, `${name} must be set (scripts/lib/packageCheck.js sets it)`);
  return value;
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(fs.realpathSync(parent), fs.realpathSync(child));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function installed(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  const others = vscode.extensions.all.map((e) => e.id).filter((id) => !id.startsWith('vscode.'));
  assert.ok(extension, `${EXTENSION_ID} is not installed; extensions seen: ${others.join(', ') || '(none)'}`);
  return extension;
}

/** Resolves with the document's diagnostics once `accept` likes them; rejects after `hangGuardMs` (a hang guard only). */
function diagnosticsOf(uri: vscode.Uri, accept: (d: readonly vscode.Diagnostic[]) => boolean, hangGuardMs: number): Promise<readonly vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const found = vscode.languages.getDiagnostics(uri);
      if (!accept(found)) return false;
      clearTimeout(timer);
      subscription.dispose();
      resolve(found);
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`no matching diagnostics for ${uri.toString()} within ${hangGuardMs} ms (hang guard); have ${JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => d.message))}`));
    }, hangGuardMs);
    check();
  });
}

describe('the installed .vsix', function () {
  this.timeout(60_000);

  it('is the copy in the fresh extensions folder, not a development copy', () => {
    const extension = installed();
    const manifest = extension.packageJSON as Manifest;
    console.log(`${EXTENSION_ID} ${manifest.version} at ${extension.extensionPath} (VS Code ${vscode.version}, node ${process.version}, remote ${vscode.env.remoteName ?? '(none)'})`);
    assert.equal(extension.extensionUri.scheme, 'file');
    assert.ok(isInside(extension.extensionPath, env('ZKE_PACKAGE_EXTENSIONS_DIR')), `${extension.extensionPath} is inside ${env('ZKE_PACKAGE_EXTENSIONS_DIR')}`);
    assert.ok(!isInside(extension.extensionPath, env('ZKE_PACKAGE_PROJECT_ROOT')), `${extension.extensionPath} is not inside the project`);
    assert.equal(manifest.version, env('ZKE_PACKAGE_VERSION'));
    assert.equal(vscode.extensions.all.filter((e) => e.id.toLowerCase() === EXTENSION_ID).length, 1, 'exactly one copy is loaded');
    const entries = fs.readdirSync(extension.extensionPath);
    assert.ok(entries.includes('.vsixmanifest'), `installed from a .vsix (has .vsixmanifest): ${entries.join(', ')}`);
    assert.deepEqual(entries.filter((e) => !INSTALLED_ENTRIES.test(e)), [], 'nothing but the packaged files');
    assert.ok(fs.existsSync(path.join(extension.extensionPath, manifest.main)), `main ${manifest.main} is in the package`);
  });

  it('carries what its extension page shows: a 128×128 icon, a CHANGELOG of this version, the README\'s images and the walkthrough\'s', () => {
    const extension = installed();
    const root = extension.extensionPath;
    const manifest = extension.packageJSON as Manifest & {
      icon?: string;
      galleryBanner?: { color?: string };
      categories?: string[];
      keywords?: string[];
      contributes: { walkthroughs?: { steps: { id: string; media: { image?: Record<string, string> } }[] }[] };
    };
    assert.ok(manifest.icon, 'package.json names an icon');
    const icon = fs.readFileSync(path.join(root, manifest.icon));
    assert.equal(icon.subarray(1, 4).toString('latin1'), 'PNG', 'the icon is a PNG');
    assert.deepEqual([icon.readUInt32BE(16), icon.readUInt32BE(20)], [128, 128], 'the icon is 128×128');
    assert.ok(manifest.galleryBanner?.color, 'a gallery banner colour');
    assert.ok((manifest.categories ?? []).length > 0 && (manifest.keywords ?? []).includes('zookeeper'), 'categories and keywords');
    // vsce stores the readme and changelog under lower-case names.
    const changelogName = fs.readdirSync(root).find((e) => /^changelog\.md$/i.test(e));
    assert.ok(changelogName, 'a CHANGELOG');
    const changelog = fs.readFileSync(path.join(root, changelogName), 'utf8');
    assert.match(changelog, new RegExp(`^## ${manifest.version.replace(/\./g, '\\.')}$`, 'm'), `the CHANGELOG has a section for ${manifest.version}`);
    // The extension's page renders the README from the installed folder: its images must be in it.
    const readmeName = fs.readdirSync(root).find((e) => /^readme\.md$/i.test(e));
    assert.ok(readmeName, 'a README');
    const images = [...fs.readFileSync(path.join(root, readmeName), 'utf8').matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((src) => !/^[a-z]+:/i.test(src));
    assert.ok(images.length > 0, 'the README shows images');
    assert.deepEqual(images.filter((src) => !fs.existsSync(path.join(root, src))), [], 'README images missing from the package');
    const walkthrough = manifest.contributes.walkthroughs?.[0];
    assert.ok(walkthrough && walkthrough.steps.length >= 6, 'a walkthrough of at least six steps');
    const media = walkthrough.steps.flatMap((step) => Object.values(step.media.image ?? {}));
    assert.deepEqual(media.filter((file) => !fs.existsSync(path.join(root, file))), [], 'walkthrough images missing from the package');
    assert.ok(walkthrough.steps.every((step) => ['light', 'dark'].every((theme) => step.media.image?.[theme])), 'every step has a light and a dark image');
  });

  it('activates', async () => {
    const extension = installed();
    const api = (await extension.activate()) as { connections?: unknown } | undefined;
    assert.equal(extension.isActive, true);
    assert.ok(api && api.connections, 'activate() returns the API (connections)');
    // An installed copy hands other extensions a summary, never objects that lead to the credential store.
    assert.equal((api.connections as Record<string, unknown>).credentials, undefined, 'no credential store in the public API');
    assert.equal((api as Record<string, unknown>).explorer, undefined, 'no internals in the public API');
  });

  it('registers every command its package.json declares', async () => {
    const extension = installed();
    await extension.activate();
    const declared = (extension.packageJSON as Manifest).contributes.commands.map((c) => c.command);
    assert.ok(declared.length > 0);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(declared.filter((id) => !registered.has(id)), [], 'declared commands that are not registered');
  });

  it('connects to a real ZooKeeper through zookeeper.connect and lists its root', async () => {
    const name = env('ZKE_PACKAGE_CONNECTION');
    await installed().activate();
    const configured = vscode.workspace.getConfiguration('zookeeper').get<{ name: string; connectString: string }[]>('connections') ?? [];
    const config = configured.find((c) => c.name === name);
    assert.ok(config, `the setting zookeeper.connections names "${name}": ${JSON.stringify(configured)}`);
    try {
      const result = await vscode.commands.executeCommand<{ connection: string; state: string; sessionId?: string }>('zookeeper.connect', { connection: name });
      console.log(`zookeeper.connect ${config.connectString} -> ${JSON.stringify(result)}`);
      assert.equal(result.state, 'connected');
      assert.equal(result.connection, name);
      assert.match(result.sessionId ?? '', /^0x[0-9a-f]+$/i);
      const root = await vscode.workspace.fs.readDirectory(vscode.Uri.from({ scheme: 'zk', authority: name, path: '/' }));
      assert.ok(root.some(([child]) => child === 'zookeeper'), `zk://${name}/ lists /zookeeper: ${root.map(([child]) => child).join(', ')}`);
    } finally {
      await vscode.commands.executeCommand('zookeeper.disconnect', { connection: name }).then(undefined, () => undefined);
    }
  });

  it('connects over Kerberos (SASL GSSAPI with a keytab, no native module) as sasl:alice', async () => {
    const name = env('ZKE_PACKAGE_KERBEROS_CONNECTION');
    await installed().activate();
    try {
      const result = await vscode.commands.executeCommand<{ state: string; identities: { scheme: string; id: string }[] }>('zookeeper.connect', { connection: name });
      assert.equal(result.state, 'connected');
      assert.ok(result.identities.some((id) => id.scheme === 'sasl' && id.id === 'alice'), `granted sasl:alice: ${JSON.stringify(result.identities)}`);
      const root = await vscode.workspace.fs.readDirectory(vscode.Uri.from({ scheme: 'zk', authority: name, path: '/' }));
      assert.ok(root.some(([child]) => child === 'zookeeper'), `zk://${name}/ lists /zookeeper`);
    } finally {
      await vscode.commands.executeCommand('zookeeper.disconnect', { connection: name }).then(undefined, () => undefined);
    }
  });

  it('ships the metrics panel\'s script, and the panel samples the real ZooKeeper', async () => {
    const name = env('ZKE_PACKAGE_CONNECTION');
    const extension = installed();
    await extension.activate();
    assert.ok(fs.existsSync(path.join(extension.extensionPath, 'dist', 'metrics.js')), 'dist/metrics.js (the webview script) is in the package');
    type Shown = { polling: boolean; samples: { servers: { state: string; values: { znodes?: number } }[] }[] };
    try {
      let shown = await vscode.commands.executeCommand<Shown>('zookeeper.showMetrics', { connection: name });
      assert.equal(shown.polling, true);
      // Wait for the first sample (a positive signal); the deadline is only a hang guard.
      for (const deadline = Date.now() + 45_000; shown.samples.length === 0 && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        shown = await vscode.commands.executeCommand<Shown>('zookeeper.showMetrics', { connection: name });
      }
      assert.ok(shown.samples.length > 0, 'a sample within the hang guard');
      assert.equal(shown.samples[0].servers[0].state, 'serving', JSON.stringify(shown.samples[0]));
      assert.equal(typeof shown.samples[0].servers[0].values.znodes, 'number', JSON.stringify(shown.samples[0]));
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('starts its installed language server with the first script, which checks the script', async function () {
    this.timeout(180_000);
    const extension = installed();
    await extension.activate();
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'zke-package-lang-'));
    const file = path.join(folder, 'check.zk');
    fs.writeFileSync(file, 'crate /a\nls /\n');
    try {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      await vscode.window.showTextDocument(document);
      assert.equal(document.languageId, 'zookeeper-script', 'the installed manifest maps .zk to ZooKeeper scripts');
      const found = await diagnosticsOf(document.uri, (ds) => ds.some((d) => d.source === 'zookeeper-script' && d.range.start.line === 0), 120_000);
      const typo = found.find((d) => d.source === 'zookeeper-script' && d.range.start.line === 0)!;
      assert.equal(typo.severity, vscode.DiagnosticSeverity.Error);
      assert.match(typo.message, /did you mean "create"/i);
      assert.ok(!found.some((d) => d.range.start.line === 1), `line 2 (ls /) is fine: ${JSON.stringify(found.map((d) => d.message))}`);

      // The server answering is the installed one: its process runs dist/server.js from the
      // installed copy (the language API is part of what activate() returns).
      const api = extension.exports as { language?: { serverPid(): Promise<number> } } | undefined;
      assert.ok(api?.language, 'activate() returns the language client API');
      const pid = await api.language.serverPid();
      console.log(`language server pid ${pid}`);
      if (process.platform === 'linux') {
        const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
        const script = args.find((a) => path.isAbsolute(a) && /server\.js$/.test(a) && fs.existsSync(a));
        assert.ok(script, `the server's command line names its bundle: ${args.join(' ')}`);
        assert.ok(isInside(script, extension.extensionPath), `${script} is inside the installed ${extension.extensionPath}`);
        assert.ok(!isInside(script, env('ZKE_PACKAGE_PROJECT_ROOT')), `${script} is not the development copy`);
      }
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
