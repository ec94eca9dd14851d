// How tests reach scripts/lib/*.js (the harness libraries in plain Node): loaded at run time by
// absolute path, because a static import would point into out/ once the tests are compiled.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root: the nearest folder above this file holding package.json (works from test/ and out/test/). */
export function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}

/** scripts/lib/<name>.js; give its .d.ts module as T (`scriptsLib<typeof ZooKeeperLib>('zookeeper')`). */
export function scriptsLib<T>(name: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(repoRoot(), 'scripts', 'lib', `${name}.js`)) as T;
}
