// Benchmark: the code-loading half of activation, without VS Code (issue 14).
//
//   npm run bench:bundle-load    (builds, then: node out/bench/bundle-load.js [--runs 30] [--extension PATH]...)
//
// VS Code's "Load Code" figure is require() of the extension's main bundle: reading, compiling and
// evaluating dist/extension.js. Here each measurement is a new Node process that requires the bundle
// (with a stand-in `vscode` module: every API name a callable proxy), timing the require alone, so
// the figure depends on the bundle and the machine, not on a workbench. Builds given with --extension
// (a folder with package.json and dist/; default this project) are measured in turn, the order
// alternating, --runs times each. Prints the median and the fastest run (the least disturbed one on a
// busy machine). The whole activation, as VS Code reports it, is bench/activation.ts.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { median, parseBuildFlags, printTable, repoRoot, runBench } from './support';

/** Run in the child: stand in for `vscode`, require the bundle, print the milliseconds. */
const CHILD = `
const Module = require('module');
const fs = require('fs');
const { performance } = require('perf_hooks');
const d = fs.readFileSync(process.argv[2], 'utf8');
const names = [...new Set([...d.matchAll(/^\\t(?:export )?(?:namespace|class|enum|const|function|let) (\\w+)/gm)].map((m) => m[1]))];
const any = new Proxy(function () {}, { get: (t, k) => (k === Symbol.toPrimitive ? () => 1 : any), apply: () => any, construct: () => any });
const stub = { version: '1.139.1' };
for (const n of names) stub[n] = any;
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? stub : load.call(this, request, ...rest); };
const t = performance.now();
require(process.argv[3]);
process.stdout.write(String(performance.now() - t));
`;

function main(): Promise<void> {
  const { runs, extensions } = parseBuildFlags(process.argv.slice(2), 'node out/bench/bundle-load.js [--runs N] [--extension PATH]...', 30);
  const root = repoRoot();
  const typings = path.join(root, 'node_modules', '@types', 'vscode', 'index.d.ts');
  const child = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zke-bundle-load-')), 'child.js');
  fs.writeFileSync(child, CHILD);
  const times = new Map(extensions.map((e) => [e, [] as number[]]));
  console.log(`${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  for (let i = 0; i < runs; i++) {
    for (const extension of i % 2 === 0 ? extensions : [...extensions].reverse()) {
      const bundle = path.join(extension, 'dist', 'extension.js');
      const result = spawnSync(process.execPath, [child, typings, bundle], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`requiring ${bundle} failed:\n${result.stderr}`);
      times.get(extension)!.push(Number(result.stdout));
    }
  }
  fs.rmSync(path.dirname(child), { recursive: true, force: true });
  printTable(
    ['build', 'dist/extension.js', 'require() median', 'fastest', 'slowest'],
    extensions.map((e) => {
      const t = times.get(e)!;
      return [path.basename(e), `${(fs.statSync(path.join(e, 'dist', 'extension.js')).size / 1024).toFixed(0)} KB`, `${median(t).toFixed(1)} ms`, `${Math.min(...t).toFixed(1)} ms`, `${Math.max(...t).toFixed(1)} ms`];
    }),
  );
  return Promise.resolve();
}

runBench(main);
