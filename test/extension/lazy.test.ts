import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/extension/commandIds';
import type { ZooKeeperExplorerApi } from '../../src/extension/extension';
import { bundleRequire, LazyFeatures, type FeatureName, type FeatureRequire } from '../../src/extension/lazy';
import type { Logger } from '../../src/extension/logging';
import { parseEntries } from '../../src/zk/acl/model';

const EXTENSION_ID = 'zookeeper-explorer.zookeeper-explorer';

interface Manifest {
  contributes: {
    commands: { command: string }[];
    views: Record<string, { id: string }[]>;
    menus: Record<string, { command?: string }[]>;
    keybindings?: { command: string }[];
    viewsWelcome?: { contents: string }[];
    walkthroughs?: { steps: { description: string; completionEvents?: string[] }[] }[];
  };
}

/**
 * Every command package.json makes reachable: menus (commandPalette, view titles, items, editor and SCM),
 * keybindings, and the command: links and onCommand: events of the welcome views and the walkthrough
 * (their text in package.nls.json), by where each is named.
 */
function referencedCommands(manifest: Manifest, nls: Record<string, string>): Map<string, string> {
  const found = new Map<string, string>();
  const contributes = manifest.contributes;
  for (const [menu, items] of Object.entries(contributes.menus)) for (const item of items) if (item.command) found.set(item.command, `menus.${menu}`);
  for (const binding of contributes.keybindings ?? []) found.set(binding.command, 'keybindings');
  const texts = [...(contributes.viewsWelcome ?? []).map((w) => w.contents), ...(contributes.walkthroughs ?? []).flatMap((w) => w.steps.map((s) => s.description))];
  for (const text of texts) {
    const resolved = /^%(.+)%$/.exec(text) ? (nls[text.slice(1, -1)] ?? text) : text;
    for (const m of resolved.matchAll(/command:([\w.-]+)/g)) found.set(m[1], 'viewsWelcome/walkthroughs (command: link)');
  }
  for (const w of contributes.walkthroughs ?? []) for (const step of w.steps) for (const event of step.completionEvents ?? []) if (event.startsWith('onCommand:')) found.set(event.slice('onCommand:'.length), 'walkthroughs (completionEvents)');
  return found;
}

async function api(): Promise<ZooKeeperExplorerApi> {
  const extension = vscode.extensions.getExtension<ZooKeeperExplorerApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  return extension.activate();
}

/** The modules Node has loaded from the extension's dist/ folder (the bundles), by file name. */
function loadedBundles(): string[] {
  const dist = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist') + path.sep;
  return Object.keys(require.cache)
    .filter((file) => file.startsWith(dist))
    .map((file) => path.basename(file));
}

/** The rejection's message of a command run as automation (the command wrapper rethrows its sentence). */
async function rejection(command: string, args: unknown): Promise<string> {
  try {
    await vscode.commands.executeCommand(command, args);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  assert.fail(`${command} did not fail`);
}

// Which features have loaded depends on the tests that ran before (one window for the whole tier):
// these tests hold whichever it is. "Nothing loads at activation" and "first use from each entry
// point" need a fresh window each: test/e2e/lazyLoading.e2e.test.ts.
describe('lazily loaded features (src/extension/lazy.ts, one bundle each)', function () {
  this.timeout(60_000);
  const name = `lazy-${Date.now()}`;

  before(async () => {
    await api();
    const connectString = process.env.ZK_TEST_CONNECT;
    assert.ok(connectString, 'ZK_TEST_CONNECT names the test ZooKeeper');
    await vscode.commands.executeCommand(COMMANDS.addConnection, { name, connectString });
  });

  after(async () => {
    await vscode.commands.executeCommand(COMMANDS.removeConnection, { connection: name }).then(undefined, () => undefined);
  });

  it('an error thrown in a lazily loaded feature is still the one sentence, whichever bundle made it', async () => {
    // Made in the ACL feature's bundle (UserError from requestFromArgs), caught by the command wrapper:
    // with a second copy of UserError in that bundle, the wrapper's instanceof would fail and the user
    // would read "Unexpected error: …".
    const expected = parseEntries('nonsense');
    assert.equal(typeof expected, 'string');
    assert.equal(await rejection(COMMANDS.setAcl, { connection: name, path: '/', acl: 'nonsense' }), expected);
    // Made in the core (the ZooKeeper client's NoNode, translated there), thrown through the feature's code.
    const missing = `/zke-lazy-missing-${Date.now()}`;
    const message = await rejection(COMMANDS.setAcl, { connection: name, path: missing, acl: [{ scheme: 'world', id: 'anyone', perms: 'cdrwa' }] });
    assert.doesNotMatch(message, /Unexpected error|Unknown error/);
    assert.match(message, /the node does not exist/);
    assert.ok(loadedBundles().includes('feature-acl.js'), `the ACL feature came from its own bundle; loaded: ${loadedBundles().join(', ')}`);
    assert.ok(loadedBundles().includes('extension.js'));
  });

  it('every command a menu, keybinding, welcome view or walkthrough names is declared and registered, loaded or not', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const manifest = extension.packageJSON as Manifest;
    const nls = JSON.parse(fs.readFileSync(path.join(extension.extensionPath, 'package.nls.json'), 'utf8')) as Record<string, string>;
    const referenced = referencedCommands(manifest, nls);
    // The welcome view's and palette's own commands must be among them, or the collection above missed a place.
    assert.ok(referenced.has(COMMANDS.addConnection) && referenced.has(COMMANDS.runScript) && referenced.has(COMMANDS.showMetrics), [...referenced.keys()].join(', '));
    const declared = new Set(manifest.contributes.commands.map((c) => c.command));
    // VS Code's own commands of our views (zookeeper.explorer.focus…) are registered, not declared.
    const viewIds = Object.values(manifest.contributes.views).flat().map((v) => v.id);
    const ours = (id: string): boolean => id.startsWith('zookeeper.') && !viewIds.some((view) => id.startsWith(`${view}.`));
    const registered = new Set(await vscode.commands.getCommands(true));
    const problems = [...referenced]
      .filter(([id]) => (ours(id) && !declared.has(id)) || !registered.has(id))
      .map(([id, where]) => `${id} (named in ${where}): ${declared.has(id) ? 'declared' : 'NOT declared'}, ${registered.has(id) ? 'registered' : 'NOT registered'}`);
    assert.deepEqual(problems, []);
  });

  it('every feature loads from its own bundle, and then the commands are still exactly those package.json declares', async () => {
    const exports = await api();
    // Reading a feature of the API loads it, as its first use would.
    void [exports.watches, exports.coordination, exports.cluster, exports.search, exports.compare, exports.aclEditors];
    // Staged editing: a command of its own, whose first call (a stand-in's, unless an earlier test ran
    // one) hands back the real command's answer: an empty list for a connection with nothing staged.
    assert.deepEqual(await vscode.commands.executeCommand(COMMANDS.listStaged, { connection: name }), []);
    // The script runner: the first script opened.
    await vscode.workspace.openTextDocument({ language: 'zookeeper-script', content: 'ls /\n' });
    for (const deadline = Date.now() + 30_000; !exports.features.loaded().includes('scripts'); ) {
      if (Date.now() > deadline) assert.fail(`opening a script did not load the script runner; loaded: ${exports.features.loaded().join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const all: FeatureName[] = ['acl', 'cluster', 'coordination', 'scripts', 'search', 'staging', 'transfer', 'watches'];
    assert.deepEqual([...exports.features.loaded()].sort(), all);
    for (const feature of all) assert.ok(loadedBundles().includes(`feature-${feature}.js`), `feature-${feature}.js loaded: ${loadedBundles().join(', ')}`);
    // A stand-in left behind, or a command a feature registers that had none, shows here.
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as Manifest;
    const declared = manifest.contributes.commands.map((c) => c.command).sort();
    const viewIds = Object.values(manifest.contributes.views).flat().map((v) => v.id);
    const registered = (await vscode.commands.getCommands(true))
      .filter((id) => id.startsWith('zookeeper.'))
      .filter((id) => !viewIds.some((view) => id.startsWith(`${view}.`)))
      .sort();
    assert.deepEqual(registered, declared);
  });
});

// What VS Code restores after a reload: an editor (or a diff side) of a feature's scheme, asked for in
// a window where the feature has not loaded and where what the document showed lived only in memory.
describe('documents of lazily loaded features, asked for when their content is gone (after a reload)', function () {
  this.timeout(60_000);

  it('package.json activates the extension for every scheme and webview type a feature declares (a restored editor of one must find its provider)', async () => {
    const exports = await api();
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { activationEvents: string[] };
    const declared = exports.features.declared();
    assert.deepEqual(declared.schemes.sort(), ['zk-coordination', 'zk-watch', 'zookeeper-cluster', 'zookeeper-plan', 'zookeeper-staged']);
    assert.deepEqual(declared.webviewPanels.sort(), ['zookeeper.aclEditor', 'zookeeper.metrics']);
    const missing = [...declared.schemes.map((s) => `onFileSystem:${s}`), ...declared.webviewPanels.map((v) => `onWebviewPanel:${v}`)].filter((e) => !manifest.activationEvents.includes(e));
    assert.deepEqual(missing, []);
  });

  it('a watch event, a staged change, an import plan and a cluster result no longer kept each say so and what to do', async () => {
    await api();
    const stamp = Date.now().toString(36);
    const cases: [vscode.Uri, RegExp][] = [
      [vscode.Uri.from({ scheme: 'zk-watch', path: `/nowhere-${stamp}/999999/before/config`, query: 'version=1' }), /^This watch event is no longer in the log: .*Compare a newer event from the ZooKeeper Watches panel\.\n$/],
      [vscode.Uri.from({ scheme: 'zookeeper-staged', authority: `nowhere-${stamp}`, path: '/config' }), /^Nothing is staged for \/config on nowhere-\w+: .*Edit the node again to stage a change\.\n$/],
      [vscode.Uri.from({ scheme: 'zookeeper-staged', authority: `nowhere-${stamp}`, path: '/config', query: 'staged' }), /^Nothing is staged for \/config on nowhere-\w+: /],
      [vscode.Uri.from({ scheme: 'zookeeper-plan', path: `/Import plan ${stamp}` }), /^This plan is no longer available: make a new one\.$/],
      [vscode.Uri.from({ scheme: 'zookeeper-cluster', authority: `nowhere-${stamp}`, path: '/srvr 1.txt' }), /^This result is no longer kept: run the command again\.$/],
    ];
    for (const [uri, expected] of cases) {
      const document = await vscode.workspace.openTextDocument(uri);
      assert.match(document.getText(), expected, uri.toString());
    }
  });
});

/** A Logger that keeps what it is told (the detail of a failure must reach the log). */
function recordingLogger(lines: string[]): Logger {
  const logger: Logger = {
    trace: () => undefined,
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message, error) => lines.push(`error ${message}${error instanceof Error ? `\n${error.stack ?? error.message}` : ''}`),
    scoped: () => logger,
    show: () => undefined,
  };
  return logger;
}

// The composition root's LazyFeatures, reading its bundles from a folder of this test's own (never the
// real dist/): a feature-search.js that is missing, then throws at its top level, then is corrupt, then
// is whole. The stand-in command is a real VS Code command; the calls are automation calls (an argument
// object), which get the sentence back as the rejection, as the real command wrapper does.
describe('a feature bundle that fails to load (src/extension/lazy.ts)', function () {
  this.timeout(60_000);
  let dir: string;
  let features: LazyFeatures | undefined;
  const registered: vscode.Disposable[] = [];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zke-lazy-bundles-'));
  });

  afterEach(() => {
    features?.dispose();
    features = undefined;
    for (const d of registered.splice(0)) d.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps its commands, answers each use with one sentence (what failed, what to do), logs the detail, and loads on the next use once the bundle is whole', async () => {
    const lines: string[] = [];
    features = new LazyFeatures(recordingLogger(lines), bundleRequire(dir));
    const id = `zookeeper.test.lazyLoadFailure${Date.now()}`;
    // The stand-in's "feature": what its bundle exports decides what the real command answers.
    features.add('search', { commands: [id] }, (module) => {
      const answer = (module as unknown as { answer: string }).answer;
      registered.push(vscode.commands.registerCommand(id, () => answer));
      return answer;
    });
    const bundle = path.join(dir, 'feature-search.js');
    const attempts: { write?: string; cause: RegExp }[] = [
      { cause: /Cannot find module/ }, // missing
      { write: "throw new Error('zke-test: thrown at the top level');\n", cause: /zke-test: thrown at the top level/ },
      { write: 'module.exports = {\n', cause: /Unexpected end of input/ }, // corrupt: cut short
    ];
    for (const attempt of attempts) {
      if (attempt.write !== undefined) fs.writeFileSync(bundle, attempt.write);
      const before = lines.length;
      const message = await rejection(id, { connection: 'any' });
      assert.match(message, /^ZooKeeper Explorer could not load its "search" feature \(.+\): reload the window, and if it keeps failing, reinstall the extension; the details are in the "ZooKeeper" output\.$/);
      assert.match(message, attempt.cause);
      assert.doesNotMatch(message, /\n/, 'one sentence, no stack');
      const logged = lines.slice(before).join('\n');
      assert.match(logged, /could not load feature search/);
      assert.match(logged, attempt.cause);
      assert.match(logged, /\n\s+at /, `the log has the stack: ${logged}`);
      assert.ok((await vscode.commands.getCommands(true)).includes(id), 'the stand-in is still there');
      assert.deepEqual(features.loaded(), []);
    }
    // Whole now: the next use loads it and runs the real command.
    fs.writeFileSync(bundle, "module.exports = { answer: 'zke-test: loaded' };\n");
    assert.equal(await vscode.commands.executeCommand(id, { connection: 'any' }), 'zke-test: loaded');
    assert.deepEqual(features.loaded(), ['search']);
    assert.equal(await vscode.commands.executeCommand(id, { connection: 'any' }), 'zke-test: loaded');
    assert.match(lines.join('\n'), /loaded feature search in \d+ ms/);
  });
});

// Task of LazyFeature.get(): a registration that throws part-way (here after the first of two commands)
// must leave the user where they were before the attempt: both commands there (stand-ins), one sentence,
// and the next use registers the feature whole. The half-made registration is in `subscriptions`, as the
// real features put theirs in context.subscriptions.
describe('a feature whose registration throws part-way (src/extension/lazy.ts)', function () {
  this.timeout(60_000);
  let features: LazyFeatures | undefined;
  const subscriptions: vscode.Disposable[] = [];

  afterEach(() => {
    features?.dispose();
    features = undefined;
    for (const d of subscriptions.splice(0)) d.dispose();
  });

  it('keeps both stand-ins, answers with one sentence, logs the stack, and registers whole on the next use', async () => {
    const lines: string[] = [];
    const stamp = Date.now();
    const [first, second] = [`zookeeper.test.halfFirst${stamp}`, `zookeeper.test.halfSecond${stamp}`];
    let attempts = 0;
    const fakeModule = { answer: 'zke-test: registered whole' };
    features = new LazyFeatures(recordingLogger(lines), (() => fakeModule) as unknown as FeatureRequire, subscriptions);
    features.add('search', { commands: [first, second] }, () => {
      attempts++;
      subscriptions.push(vscode.commands.registerCommand(first, () => `${fakeModule.answer} (first)`));
      if (attempts === 1) throw new Error('zke-test: thrown after registering one command of two');
      subscriptions.push(vscode.commands.registerCommand(second, () => `${fakeModule.answer} (second)`));
      return attempts;
    });
    for (const id of [second, first]) {
      const before = lines.length;
      const message = await rejection(id, { connection: 'any' });
      assert.match(message, /^ZooKeeper Explorer could not load its "search" feature \(zke-test: thrown after registering one command of two\): reload the window/);
      assert.doesNotMatch(message, /\n/, 'one sentence, no stack');
      const logged = lines.slice(before).join('\n');
      assert.match(logged, /could not register feature search/);
      assert.match(logged, /\n\s+at /, `the log has the stack: ${logged}`);
      const registered = await vscode.commands.getCommands(true);
      assert.ok(registered.includes(first) && registered.includes(second), 'both commands are there again (stand-ins)');
      assert.deepEqual(features.loaded(), []);
      assert.equal(subscriptions.length, 0, 'what the failed registration made was disposed');
      // The next attempt must succeed: from here on the registration does not throw.
      if (id === first) break;
      attempts = 0;
    }
    assert.equal(attempts, 1);
    // Whole now: the first use after the failure registers it and runs the real command.
    assert.equal(await vscode.commands.executeCommand(second, { connection: 'any' }), 'zke-test: registered whole (second)');
    assert.equal(await vscode.commands.executeCommand(first, { connection: 'any' }), 'zke-test: registered whole (first)');
    assert.deepEqual(features.loaded(), ['search']);
    assert.equal(attempts, 2);
    assert.equal(subscriptions.length, 2);
  });
});

// A document of a feature's scheme asked for before the feature has loaded: what VS Code does with an
// editor or a diff side it restores after a reload (the e2e tier reloads a real window: lazyLoading.e2e).
describe('a document of a lazily loaded feature, opened before the feature (src/extension/lazy.ts)', function () {
  this.timeout(60_000);
  let features: LazyFeatures | undefined;
  const subscriptions: vscode.Disposable[] = [];

  afterEach(() => {
    features?.dispose();
    features = undefined;
    for (const d of subscriptions.splice(0)) d.dispose();
  });

  it('loads the feature and shows the real provider\'s text; a feature that cannot load shows the sentence instead, and the next document loads it', async () => {
    const lines: string[] = [];
    const scheme = `zke-test-lazy-${Date.now().toString(36)}`;
    let whole = false;
    const requireFeature = ((): unknown => {
      if (!whole) throw new Error('zke-test: the bundle is missing');
      return { prefix: 'zke-test: from the real provider' };
    }) as unknown as FeatureRequire;
    features = new LazyFeatures(recordingLogger(lines), requireFeature, subscriptions);
    features.add('coordination', { schemes: { [scheme]: (made: vscode.TextDocumentContentProvider) => made } }, (module) => {
      const { prefix } = module as unknown as { prefix: string };
      const provider: vscode.TextDocumentContentProvider = { provideTextDocumentContent: (uri) => `${prefix} ${uri.path}\n` };
      subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(scheme, provider));
      return provider;
    });
    const failed = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme, path: '/first' }));
    assert.match(failed.getText(), /^ZooKeeper Explorer could not load its "coordination" feature \(zke-test: the bundle is missing\): reload the window/);
    assert.deepEqual(features.loaded(), []);
    assert.match(lines.join('\n'), /could not load feature coordination/);
    whole = true;
    const loaded = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme, path: '/second' }));
    assert.equal(loaded.getText(), 'zke-test: from the real provider /second\n');
    assert.deepEqual(features.loaded(), ['coordination']);
    // From now on the feature's own provider answers (the stand-in went when the feature loaded).
    const later = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme, path: '/third' }));
    assert.equal(later.getText(), 'zke-test: from the real provider /third\n');
  });
});

/**
 * The dist/ file `name` moved away for the duration of `body`, out of Node's module cache too (as in a
 * window that had not loaded it yet); afterwards it is back, and so are the cache entries the rest of
 * the suite's connections use.
 */
async function withoutDistFile(name: string, body: () => Promise<void>): Promise<void> {
  const dist = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist');
  const cached = new Map([[path.join(dist, name), require.cache[path.join(dist, name)]]]);
  const moved: [string, string][] = [];
  try {
    for (const file of cached.keys()) {
      delete require.cache[file];
      fs.renameSync(file, `${file}.zke-test-moved`);
      moved.push([`${file}.zke-test-moved`, file]);
    }
    await body();
  } finally {
    for (const [from, to] of moved) fs.renameSync(from, to);
    for (const [file, entry] of cached) {
      if (entry) require.cache[file] = entry;
      else delete require.cache[file];
    }
  }
}

// The ZooKeeper client is the one bundle loaded by a connect rather than by a feature's trigger: a
// missing dist/feature-zkClient.js or dist/zkClientLibrary.js (a broken install, an antivirus) must be
// the same sentence as any feature's, the connection kept, and Connect again must work once it is back.
describe('the ZooKeeper client bundle fails to load at the first connect (requireZkClient)', function () {
  this.timeout(120_000);
  const name = `lazy-client-${Date.now()}`;

  before(async () => {
    await api();
    const connectString = process.env.ZK_TEST_CONNECT;
    assert.ok(connectString, 'ZK_TEST_CONNECT names the test ZooKeeper');
    await vscode.commands.executeCommand(COMMANDS.addConnection, { name, connectString });
  });

  after(async () => {
    await vscode.commands.executeCommand(COMMANDS.removeConnection, { connection: name }).then(undefined, () => undefined);
  });

  for (const missing of ['feature-zkClient.js', 'zkClientLibrary.js']) {
    it(`${missing} missing: Connect answers with the feature sentence, keeps the connection, and connects once the file is back`, async () => {
      const exports = await api();
      await vscode.commands.executeCommand(COMMANDS.disconnect, { connection: name }).then(undefined, () => undefined);
      // The library is required by the (loaded) client bundle at each new connection: out of the cache
      // and moved away, its require fails there, as in a window where it never loaded.
      await withoutDistFile(missing, async () => {
        const message = await rejection(COMMANDS.connect, { connection: name });
        assert.match(message, /^ZooKeeper Explorer could not load its "zkClient" feature \((Cannot find module|ENOENT: no such file or directory).*\): reload the window, and if it keeps failing, reinstall the extension; the details are in the "ZooKeeper" output\.$/);
        assert.ok(message.includes(missing), `the sentence names the missing file: ${message}`);
        assert.doesNotMatch(message, /\n/);
        const connection = exports.connections.get(name);
        assert.ok(connection, 'the connection is kept');
        assert.equal(connection.status, 'failed');
      });
      const connected = await vscode.commands.executeCommand<{ status?: string }>(COMMANDS.connect, { connection: name });
      assert.equal(exports.connections.get(name)?.status, 'connected', JSON.stringify(connected));
      await vscode.commands.executeCommand(COMMANDS.disconnect, { connection: name });
    });
  }
});
