// Bundles the extension and the language server with esbuild.
//
// The extension is split so that activation loads only what the first view needs (issue 14):
// - dist/extension.js, the extension's main: src/extension/loader.ts alone, which loads the core with
//   V8's code cache (compiling the core was a third of the activation figure).
// - dist/core.js, the CORE: activate() and every module it imports statically (connections,
//   explorer, documents, status bar...).
// - dist/feature-<name>.js, one per FEATURES entry below, required by src/extension/lazy.ts on the
//   feature's first use. A feature bundle holds the feature's own modules only: each of our modules
//   that is already in the core is taken from dist/core.js at runtime (featureCorePlugin), so
//   there is ONE ZkError, UserError, ConnectionManager... whichever bundle throws or checks
//   `instanceof`. A module two features share but the core lacks is moved into the core (the build
//   says which), so that no module of ours is ever in two bundles; the build checks it.
// - dist/languageClientLibrary.js: vscode-languageclient alone (no module of ours), required when the
//   language server first starts; dist/zkClientLibrary.js: node-zookeeper-client alone (with underscore
//   and async), required on the first connection (src/zk/wire/connection.ts).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** Feature bundles: name -> entry module. Keep in step with FEATURE_BUNDLES in src/extension/lazy.ts. */
export const FEATURES = {
  coordination: 'src/extension/coordination/index.ts',
  cluster: 'src/extension/cluster/index.ts',
  search: 'src/extension/search/index.ts',
  transfer: 'src/extension/transfer/index.ts',
  staging: 'src/extension/staging/index.ts',
  acl: 'src/extension/acl/index.ts',
  watches: 'src/extension/watches/index.ts',
  scripts: 'src/extension/scripts/runScript.ts',
  // The ZooKeeper client (wire protocol, SASL, multi...): required by a connection's first connect.
  zkClient: 'src/zk/client.ts',
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  outdir: 'dist',
  external: ['vscode'],
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

/** Libraries with a bundle of their own, required from the core or a feature at run time (once, by whoever is first). */
const LIBRARIES = { 'node-zookeeper-client': './zkClientLibrary.js' };
const librariesPlugin = {
  name: 'zookeeper-explorer-libraries',
  setup(build) {
    build.onResolve({ filter: /^node-zookeeper-client$/ }, (args) => ({ path: LIBRARIES[args.path], external: true }));
  },
};

/**
 * `import * as vscode from 'vscode'` in a CommonJS bundle becomes `__toESM(require('vscode'))` in each
 * module that imports it: a copy of the whole API object (hundreds of getters) per module, 33 in the
 * core, 9 ms of the bundle's load measured (bench/bundle-load.ts). Every import of ours resolves to one
 * module that re-exports the API instead, so a bundle copies it once.
 */
const vscodeOncePlugin = {
  name: 'zookeeper-explorer-vscode-once',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) => (args.namespace === 'vscode-once' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-once' }));
    build.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({ contents: "export * from 'vscode';", loader: 'js' }));
  },
};

/** The property of dist/core.js's exports that maps each core module (path from the root) to its namespace. */
const CORE_REGISTRY = '__zookeeperExplorerCore';

/** The core entry: src/extension/extension.ts, plus a registry of every core module a feature imports. */
function coreEntry(shared) {
  const lines = [`export * from ${JSON.stringify('./src/extension/extension.ts')};`];
  const entries = [];
  [...shared].sort().forEach((file, i) => {
    lines.push(`import * as m${i} from ${JSON.stringify(`./${file}`)};`);
    entries.push(`${JSON.stringify(file)}: m${i}`);
  });
  lines.push(`export const ${CORE_REGISTRY} = { ${entries.join(', ')} };`);
  return { stdin: { contents: lines.join('\n'), resolveDir: root, sourcefile: 'core-entry.ts', loader: 'ts' }, plugins: [librariesPlugin, vscodeOncePlugin] };
}

/** In a feature bundle: a module of ours that the core holds is read from dist/core.js instead of bundled again. */
function featureCorePlugin(core) {
  return {
    name: 'zookeeper-explorer-core',
    setup(build) {
      build.onResolve({ filter: /^\./ }, async (args) => {
        if (args.namespace !== 'file' || args.pluginData?.resolving) return undefined;
        const resolved = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, pluginData: { resolving: true } });
        if (resolved.errors.length > 0) return undefined;
        const file = path.relative(root, resolved.path);
        return core.has(file) ? { path: file, namespace: 'core' } : { path: resolved.path };
      });
      build.onLoad({ filter: /.*/, namespace: 'core' }, (args) => ({
        // './core.js' is the core bundle next to this one, already loaded by src/extension/loader.ts (the same module instance).
        contents: `module.exports = require('./core.js').${CORE_REGISTRY}[${JSON.stringify(args.path)}];`,
        loader: 'js',
      }));
      build.onResolve({ filter: /^\.\/core\.js$/, namespace: 'core' }, () => ({ path: './core.js', external: true }));
      librariesPlugin.setup(build);
      vscodeOncePlugin.setup(build);
    },
  };
}

const ours = (file) => file.startsWith('src/');
const inputsOf = (metafile) => Object.keys(metafile.inputs).filter(ours);

/**
 * Works out the split: the core's modules, the ones features import from it (the registry), and
 * which modules shared by two features must move into the core. Returns the esbuild options of every bundle.
 */
async function plan() {
  const probe = (options) => esbuild.build({ ...common, ...options, write: false, metafile: true, sourcemap: false, logLevel: 'silent' }).then((r) => r.metafile);
  let hoisted = new Set();
  for (let round = 0; ; round++) {
    const core = new Set(inputsOf(await probe(coreEntry(hoisted))));
    const owners = new Map();
    const imported = new Set();
    for (const [name, entry] of Object.entries(FEATURES)) {
      if (core.has(entry)) throw new Error(`feature "${name}" (${entry}) is imported statically by the core: import it with \`import type\` and load it through src/extension/lazy.ts`);
      const meta = await probe({ entryPoints: { [`feature-${name}`]: entry }, plugins: [featureCorePlugin(core)] });
      for (const file of Object.keys(meta.inputs)) {
        if (file.startsWith('core:')) imported.add(file.slice('core:'.length));
        else if (ours(file)) owners.set(file, [...(owners.get(file) ?? []), name]);
      }
    }
    const shared = [...owners].filter(([, names]) => names.length > 1).map(([file]) => file);
    if (shared.length === 0) return { core, registry: new Set([...imported, ...hoisted]), hoisted };
    if (round > 5) throw new Error(`the bundle split does not settle; shared: ${shared.join(', ')}`);
    hoisted = new Set([...hoisted, ...shared]);
  }
}

async function main() {
  const split = await plan();
  if (split.hoisted.size > 0) console.log(`core also holds, shared by features: ${[...split.hoisted].sort().join(', ')}`);
  const entries = [
    { ...coreEntry(split.registry), outfile: 'dist/core.js', outdir: undefined },
    // The main: the loader alone (it imports nothing of ours but types).
    { entryPoints: { extension: 'src/extension/loader.ts' } },
    ...Object.entries(FEATURES).map(([name, entry]) => ({ entryPoints: { [`feature-${name}`]: entry }, plugins: [featureCorePlugin(split.core)] })),
    // vscode-languageclient, required by the extension only when the language server first starts
    // (src/extension/language/clientLibrary.ts): half the extension's code, kept out of activation.
    { entryPoints: { languageClientLibrary: 'src/extension/language/clientLibrary.ts' } },
    // node-zookeeper-client (and its underscore and async): a third of the core's bytes, needed from the first connection on.
    { entryPoints: { zkClientLibrary: 'node_modules/node-zookeeper-client/index.js' } },
    // The language server: its own process, talked to over IPC (src/extension/language).
    { entryPoints: { server: 'src/server/server.ts' }, external: [] },
    // The metrics panel's script: runs in a webview (a browser), with the chart geometry of src/zk/cluster.
    { entryPoints: { metrics: 'media/metrics/panel.js' }, platform: 'browser', format: 'iife', target: 'chrome110', external: [] },
  ];
  // Bundles of an older split would be required by nobody: start clean.
  for (const file of fs.existsSync(path.join(root, 'dist')) ? fs.readdirSync(path.join(root, 'dist')) : []) {
    if (/^feature-/.test(file)) fs.rmSync(path.join(root, 'dist', file));
  }
  const outputs = new Map();
  for (const entry of entries) {
    const options = { ...common, ...entry, metafile: true };
    if (watch) {
      const ctx = await esbuild.context(options);
      await ctx.watch();
    } else {
      const result = await esbuild.build(options);
      for (const [out, meta] of Object.entries(result.metafile.outputs)) if (!out.endsWith('.map')) outputs.set(out, Object.keys(meta.inputs).filter(ours));
    }
  }
  if (watch) return;
  // One copy of each module of ours among the extension's bundles (the server is its own process).
  const seen = new Map();
  for (const [out, files] of outputs) {
    if (!/dist\/(extension|core|feature-|languageClientLibrary|zkClientLibrary)/.test(out)) continue;
    for (const file of files) {
      if (seen.has(file)) throw new Error(`${file} is in both ${seen.get(file)} and ${out}: its classes would exist twice`);
      seen.set(file, out);
    }
  }
  console.log(`built ${entries.length} bundle(s) into dist/`);
}

await main();
