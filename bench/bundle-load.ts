// Benchmark: the code-loading half of activation, without VS Code (issue 14).
//
//   npm run bench:bundle-load    (builds, then: node out/bench/bundle-load.js [--runs 30] [--extension PATH]...)
//
// VS Code's "Load Code" figure is require() of the extension's main. The main (dist/extension.js,
// src/extension/loader.ts) is a few lines; what costs is the core it loads, dist/core.js: V8 compiles
// it, from source in the first window of a build, from the code cache the first window left in the
// next ones. Here each measurement is a new Node process (with a stand-in `vscode` module: every API
// name a callable proxy) that loads the core as the loader does and times it, in wall-clock time and
// in the process's CPU time (which a busy machine disturbs less):
//   - cold:   compiled from source (the first window of a build);
//   - cached: from a code cache made by an earlier process that loaded the core (as the loader makes
//             it after activation; that one also holds activate()'s own functions, so VS Code's gain
//             is larger than this one).
// A build without dist/core.js (before the loader) is measured by requiring its dist/extension.js,
// cold only. Builds given with --extension (a folder with package.json and dist/; default this
// project) are measured in turn, the order alternating. Prints medians and the fastest run (the least
// disturbed one on a busy machine). The whole activation, as VS Code reports it, is bench/activation.ts.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { median, parseBuildFlags, printTable, repoRoot, runBench } from './support';

/** Run in the child: stand in for `vscode`, load the bundle (argv: typings, bundle, cache file, mode), print JSON. */
const CHILD = `
const Module = require('module');
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const { performance } = require('perf_hooks');
const d = fs.readFileSync(process.argv[2], 'utf8');
const names = [...new Set([...d.matchAll(/^\\t(?:export )?(?:namespace|class|enum|const|function|let) (\\w+)/gm)].map((m) => m[1]))];
const any = new Proxy(function () {}, { get: (t, k) => (k === Symbol.toPrimitive ? () => 1 : any), apply: () => any, construct: () => any });
const stub = { version: '1.139.1' };
for (const n of names) stub[n] = any;
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? stub : load.call(this, request, ...rest); };
// The extension host has these loaded before any extension: not the bundle's cost.
for (const builtin of ['crypto', 'net', 'tls', 'http', 'https', 'child_process', 'os']) require(builtin);
const [file, cacheFile, mode] = process.argv.slice(3);
const cpu0 = process.cpuUsage();
const t = performance.now();
let script;
if (mode === 'require') require(file);
else {
  // What src/extension/loader.ts does.
  const cachedData = mode === 'cached' ? fs.readFileSync(cacheFile) : undefined;
  script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  if (mode === 'cached' && script.cachedDataRejected) throw new Error('V8 rejected the cache');
  const record = new Module(file, module);
  record.filename = file;
  record.paths = Module._nodeModulePaths(path.dirname(file));
  Module._cache[file] = record;
  script.runInThisContext().call(record.exports, record.exports, Module.createRequire(file), record, file, path.dirname(file));
}
const wall = performance.now() - t;
const cpu = process.cpuUsage(cpu0);
if (mode === 'make') fs.writeFileSync(cacheFile, script.createCachedData());
process.stdout.write(JSON.stringify({ wall, cpu: (cpu.user + cpu.system) / 1000 }));
`;

interface Sample {
  wall: number;
  cpu: number;
}

function main(): Promise<void> {
  const { runs, extensions } = parseBuildFlags(process.argv.slice(2), 'node out/bench/bundle-load.js [--runs N] [--extension PATH]...', 30);
  const root = repoRoot();
  const typings = path.join(root, 'node_modules', '@types', 'vscode', 'index.d.ts');
  const child = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zke-bundle-load-')), 'child.js');
  fs.writeFileSync(child, CHILD);
  const cores = new Map(extensions.map((e) => [e, fs.existsSync(path.join(e, 'dist', 'core.js')) ? path.join(e, 'dist', 'core.js') : undefined]));
  const cacheOf = (extension: string): string => path.join(path.dirname(child), `${path.basename(extension)}-${extensions.indexOf(extension)}.v8`);
  const run = (extension: string, mode: 'require' | 'cold' | 'cached' | 'make'): Sample => {
    const file = cores.get(extension) ?? path.join(extension, 'dist', 'extension.js');
    const result = spawnSync(process.execPath, [child, typings, file, cacheOf(extension), mode], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`loading ${file} (${mode}) failed:\n${result.stderr}`);
    return JSON.parse(result.stdout) as Sample;
  };
  for (const extension of extensions) if (cores.get(extension)) run(extension, 'make');
  const samples = new Map<string, Sample[]>();
  const add = (key: string, sample: Sample): void => void samples.set(key, [...(samples.get(key) ?? []), sample]);
  console.log(`${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  for (let i = 0; i < runs; i++) {
    for (const extension of i % 2 === 0 ? extensions : [...extensions].reverse()) {
      if (!cores.get(extension)) add(`${extension}\0require`, run(extension, 'require'));
      else {
        add(`${extension}\0cold`, run(extension, 'cold'));
        add(`${extension}\0cached`, run(extension, 'cached'));
      }
    }
  }
  console.log(`load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);
  fs.rmSync(path.dirname(child), { recursive: true, force: true });
  const ms = (v: number): string => `${v.toFixed(1)} ms`;
  printTable(
    ['build', 'bundle', 'size', 'how', 'wall median', 'fastest', 'CPU median', 'CPU fastest'],
    [...samples].map(([key, list]) => {
      const [extension, mode] = key.split('\0');
      const file = cores.get(extension) ?? path.join(extension, 'dist', 'extension.js');
      const how = mode === 'require' ? 'require() (no loader)' : mode === 'cold' ? 'compiled from source' : 'from the code cache';
      const wall = list.map((s) => s.wall);
      const cpu = list.map((s) => s.cpu);
      return [path.basename(extension), path.relative(extension, file), `${(fs.statSync(file).size / 1024).toFixed(0)} KB`, how, ms(median(wall)), ms(Math.min(...wall)), ms(median(cpu)), ms(Math.min(...cpu))];
    }),
  );
  return Promise.resolve();
}

runBench(main);
