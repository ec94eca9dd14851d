'use strict';
// A stand-in for Microsoft's "Chinese (Simplified) Language Pack for Visual Studio Code", for tests
// that run VS Code in Chinese without internet access.
//
// Facts verified with code-server 4.139.1 (VS Code 1.139.1), see the notes in vscodeHost.js:
// - The VS Code server picks the display language from `--locale`, argv.json's "locale", the
//   `vscode.nls.locale` cookie or the browser's Accept-Language, in that order. But a language other
//   than English is used only when a language pack for it is installed (the server's
//   `<user-data-dir>/languagepacks.json` lists it): otherwise the workbench, and with it
//   `vscode.env.language`, package.nls.<locale>.json and the l10n bundles, all stay English.
// - languagepacks.json is written by the server process itself when it installs an extension that
//   contributes `localizations`: `--install-extension <vsix> --start-server` does that at start. A
//   pack installed by a separate CLI run (or copied into the extensions folder) is not listed.
// - That install runs after the server reports it listens: a window opened before
//   languagepacks.json lists the language comes up in English. waitForLanguagePack waits for it.
// So: a tiny pack (zh-cn, no translations of VS Code's own strings: VS Code's UI stays English,
// which tests do not need) is packaged with vsce and installed by the server at start. Our
// extension's strings are then Chinese exactly as with the real pack.
const fs = require('node:fs');
const path = require('node:path');
const cp = require('node:child_process');

const ROOT = path.resolve(__dirname, '..', '..');

/** The pack's manifest: what VS Code reads of a language pack (contributes.localizations). */
const MANIFEST = {
  name: 'zke-test-language-pack-zh-cn',
  displayName: 'Chinese (Simplified) language pack stand-in for ZooKeeper Explorer tests',
  description: 'Makes VS Code run in zh-cn offline; translates nothing of VS Code itself.',
  publisher: 'zke-test',
  version: '0.0.1',
  engines: { vscode: '^1.80.0' },
  categories: ['Language Packs'],
  contributes: {
    localizations: [
      {
        languageId: 'zh-cn',
        languageName: 'Chinese Simplified',
        localizedLanguageName: '中文(简体)',
        translations: [{ id: 'vscode', path: './translations/main.i18n.json' }],
      },
    ],
  },
};

/**
 * Packages the stand-in pack into `<dir>/zh-cn-language-pack.vsix` (once per dir).
 * @param {{ dir: string, log?: (message: string) => void }} opts
 * @returns {string} the .vsix path
 */
function buildZhCnLanguagePack({ dir, log = () => {} }) {
  const vsix = path.join(dir, 'zh-cn-language-pack.vsix');
  if (fs.existsSync(vsix)) return vsix;
  const source = path.join(dir, 'zh-cn-language-pack');
  fs.mkdirSync(path.join(source, 'translations'), { recursive: true });
  fs.writeFileSync(path.join(source, 'package.json'), JSON.stringify(MANIFEST, null, 2));
  fs.writeFileSync(path.join(source, 'translations', 'main.i18n.json'), JSON.stringify({ version: '1.0.0', contents: {} }));
  fs.writeFileSync(path.join(source, 'README.md'), `# ${MANIFEST.displayName}\n\n${MANIFEST.description}\n`);
  const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = cp.spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', vsix], { cwd: source, encoding: 'utf8', timeout: 120000 });
  if (r.status !== 0 || !fs.existsSync(vsix)) throw new Error(`packaging the zh-cn language pack stand-in failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  log(`packaged the zh-cn language pack stand-in: ${vsix}`);
  return vsix;
}

/**
 * Server arguments that start VS Code in `locale` with the pack installed by the server at start.
 * @param {string} vsix from buildZhCnLanguagePack
 * @param {string} [locale]
 * @returns {string[]}
 */
function localeServerArgs(vsix, locale = 'zh-cn') {
  return ['--install-extension', vsix, '--start-server', '--locale', locale];
}

/**
 * Waits until the server lists a language pack for `locale` in `<userDataDir>/languagepacks.json`
 * (written once its install at start is done); a window opened before would be English.
 * @param {string} userDataDir the server's user data folder
 * @param {string} [locale]
 * @param {number} [timeoutMs] a hang guard, far above the second or two an install takes
 * @returns {Promise<void>}
 */
async function waitForLanguagePack(userDataDir, locale = 'zh-cn', timeoutMs = 120000) {
  const file = path.join(userDataDir, 'languagepacks.json');
  for (const deadline = Date.now() + timeoutMs; ; ) {
    try {
      if (JSON.parse(fs.readFileSync(file, 'utf8'))[locale]) return;
    } catch {
      // not written yet (or being written)
    }
    if (Date.now() > deadline) throw new Error(`the VS Code server did not list a ${locale} language pack in ${file} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A font with Chinese glyphs for chromium: without one, Chinese text renders as empty boxes (seen in
 * the first zh-cn screenshots on a Debian machine with only DejaVu). `fc-list :lang=zh` says whether
 * one is there; otherwise Debian's fonts-wqy-microhei (1.6 MB) is installed when root.
 * @param {{ log?: (message: string) => void }} [opts]
 * @returns {Promise<void>}
 */
async function ensureCjkFont(opts = {}) {
  const log = opts.log || (() => {});
  const listed = () => {
    const r = cp.spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
    return r.status === 0 && r.stdout.trim() !== '';
  };
  if (listed()) return;
  const { aptInstall, canAptInstall } = require('./apt');
  if (!canAptInstall()) {
    log('no font with Chinese glyphs (fc-list :lang=zh lists none): Chinese text in screenshots shows as boxes; install one, e.g. fonts-wqy-microhei');
    return;
  }
  await aptInstall(['fonts-wqy-microhei'], { log, noInstallRecommends: true });
  if (!listed()) throw new Error('apt-get installed fonts-wqy-microhei but fc-list :lang=zh still lists no font');
}

module.exports = { buildZhCnLanguagePack, localeServerArgs, waitForLanguagePack, ensureCjkFont, MANIFEST };
