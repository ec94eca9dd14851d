// Runs the extension tests in a desktop VS Code downloaded by @vscode/test-electron.
// Needs internet access (downloads VS Code on first use). On machines without internet use the
// offline runner (scripts/lib/vscodeHost.js runExtensionTests), which loads the same index.js.
//   npx tsc -p tsconfig.test.json && npm run build && node out/test/extension/runElectron.js
// Environment: VSCODE_TEST_VERSION (default "stable"); every ZK_* / ZKE_* variable is passed on
// to the extension host.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<number> {
  const extensionDevelopmentPath = path.resolve(__dirname, '../../..'); // out/test/extension -> project root
  const extensionTestsPath = path.resolve(__dirname, 'index.js');
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'zke-electron-ws-'));
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zke-electron-ud-'));
  const extensionTestsEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (/^ZKE?_/.test(k) && v !== undefined) extensionTestsEnv[k] = v;
  try {
    return await runTests({
      version: process.env.VSCODE_TEST_VERSION || 'stable',
      extensionDevelopmentPath,
      extensionTestsPath,
      extensionTestsEnv,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', `--user-data-dir=${userDataDir}`],
    });
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    return 1;
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
