// Bundles the extension and the language server with esbuild.
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** @type {import('esbuild').BuildOptions[]} */
const entries = [
  { entryPoints: { extension: 'src/extension/extension.ts' } },
  // vscode-languageclient, required by the extension only when the language server first starts
  // (src/extension/language/clientLibrary.ts): half the extension's code, kept out of activation.
  { entryPoints: { languageClientLibrary: 'src/extension/language/clientLibrary.ts' } },
  // The language server: its own process, talked to over IPC (src/extension/language).
  { entryPoints: { server: 'src/server/server.ts' }, external: [] },
  // The metrics panel's script: runs in a webview (a browser), with the chart geometry of src/zk/cluster.
  { entryPoints: { metrics: 'media/metrics/panel.js' }, platform: 'browser', format: 'iife', target: 'chrome110', external: [] },
];

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

for (const entry of entries) {
  const options = { ...common, ...entry };
  if (watch) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  } else {
    await esbuild.build(options);
  }
}
if (!watch) console.log(`built ${entries.length} bundle(s) into dist/`);
