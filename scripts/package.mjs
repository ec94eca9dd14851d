// `npm run package`: a production bundle, then a .vsix with @vscode/vsce; prints its size and contents.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

fs.rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { stdio: 'inherit' });
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
const out = `${pkg.name}-${pkg.version}.vsix`;
// Dependencies are bundled by esbuild, so vsce must not add node_modules.
execFileSync(process.execPath, ['node_modules/@vscode/vsce/vsce', 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '-o', out], { stdio: 'inherit' });
const size = fs.statSync(out).size;
console.log(`${out}: ${(size / 1024).toFixed(1)} KiB`);
