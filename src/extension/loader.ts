// dist/extension.js, the extension's `main`: a few lines that load the core (dist/core.js, built from
// src/extension/extension.ts: activate() and what the first view needs) with V8's code cache.
//
// Why: VS Code's activation figure ("Developer: Show Running Extensions") is the require() of `main`
// plus activate()'s synchronous body, and a third of it was V8 compiling the core's 340 KB and then
// compiling lazily, one by one, each function activate() runs for the first time (issue 14). The code
// cache V8 makes after activation holds the bytecode of all of them; the next window deserialises it
// instead. The first window after an install or an update compiles as before and leaves the cache
// behind, in the extension's global storage (private to the user, one file per build of the core).
//
// Nothing here imports `vscode` or a module of ours: this file is all that loads before the cache is read.
import * as fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import type * as vscode from 'vscode';
import type * as core from './extension';

type Core = typeof core;

/** How long after activation the cache is made: the first view has drawn by then, so its code is in it too. */
const CACHE_DELAY_MS = 10_000;

let loaded: Core | undefined;

/** How the core was loaded this time, for the log (activate's second argument) and the tests: from the
 * cache; compiled, the cache to be made after activation; compiled, with nowhere to keep a cache. */
export type CodeCacheUse = 'used' | 'made' | 'none';
export const codeCache: { use: CodeCacheUse; file: string | undefined; written: Promise<void> | undefined } = { use: 'none', file: undefined, written: undefined };

/** Node's CommonJS internals this needs (stable since Node 0.x, not in @types/node). */
interface ModuleInternals {
  _cache: Record<string, Module>;
  _nodeModulePaths(from: string): string[];
  wrap(source: string): string;
}

/**
 * Loads dist/core.js as require() would (the same module record, in require.cache: the feature bundles
 * require('./core.js') and must get this instance), but compiled from `cachedData` when V8 accepts it.
 * Returns the script, for a cache to be made from it later, and whether the cache was used.
 */
function loadCore(file: string, cachedData: Buffer | undefined): { exports: Core; script: vm.Script; cacheUsed: boolean } {
  const internals = Module as unknown as ModuleInternals;
  const source = fs.readFileSync(file, 'utf8');
  // The wrapper Node puts around every CommonJS module: the same line and column numbers (source maps
  // and stack traces read as if Node had loaded the file).
  const script = new vm.Script(internals.wrap(source), { filename: file, cachedData });
  const record = new Module(file, module);
  record.filename = file;
  record.paths = internals._nodeModulePaths(path.dirname(file));
  internals._cache[file] = record;
  try {
    const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
    wrapper.call(record.exports, record.exports, createRequire(file), record, file, path.dirname(file));
  } catch (error) {
    // As require() does: a module that failed to evaluate is not left in the cache.
    delete internals._cache[file];
    throw error;
  }
  record.loaded = true;
  return { exports: record.exports as Core, script, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}

/** The cache file for this build of the core: a rebuild, an update or another core never reads another's. */
function cacheFile(context: vscode.ExtensionContext, core: string): string {
  const { size, mtimeMs } = fs.statSync(core);
  const version = String((context.extension.packageJSON as { version?: unknown }).version);
  // V8 refuses a cache made by another V8 version or with other flags, and one for a source of another
  // length; the name covers a same-length change of the source.
  return path.join(context.globalStorageUri.fsPath, 'code-cache', `core-${version}-${size}-${Math.round(mtimeMs)}.v8`);
}

function readCache(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined; // the first window of this build: compiled from source, and the cache made below
  }
}

/** Writes the cache (after the first view has drawn) and removes the caches of other builds. */
function scheduleCacheWrite(context: vscode.ExtensionContext, file: string, script: vm.Script): Promise<void> {
  let settle: () => void = () => undefined;
  const written = new Promise<void>((resolve) => (settle = resolve));
  const timer = setTimeout(() => {
    void (async () => {
      const data = script.createCachedData();
      const dir = path.dirname(file);
      await fs.promises.mkdir(dir, { recursive: true });
      for (const old of await fs.promises.readdir(dir)) if (old !== path.basename(file)) await fs.promises.rm(path.join(dir, old), { force: true });
      // Written whole under another name, then renamed: a window starting meanwhile never reads half a cache.
      const partial = `${file}.${process.pid}.partial`;
      await fs.promises.writeFile(partial, data);
      await fs.promises.rename(partial, file);
    })()
      .catch(() => undefined) // only an optimisation: without the cache the next window compiles, as the first did
      .finally(settle);
  }, CACHE_DELAY_MS);
  timer.unref();
  context.subscriptions.push({
    dispose: () => {
      clearTimeout(timer);
      settle();
    },
  });
  return written;
}

export function activate(context: vscode.ExtensionContext): ReturnType<Core['activate']> {
  const core = path.join(__dirname, 'core.js');
  let cache: string | undefined;
  try {
    cache = cacheFile(context, core);
  } catch {
    cache = undefined; // no global storage, or no core to stat (loadCore's read then says why)
  }
  const cachedData = cache === undefined ? undefined : readCache(cache);
  const { exports, script, cacheUsed } = loadCore(core, cachedData);
  loaded = exports;
  codeCache.file = cache;
  codeCache.use = cacheUsed ? 'used' : cache !== undefined ? 'made' : 'none';
  if (cache !== undefined && !cacheUsed) codeCache.written = scheduleCacheWrite(context, cache, script);
  return exports.activate(context, codeCache.use);
}

export function deactivate(): Promise<void> | undefined {
  return loaded?.deactivate();
}
