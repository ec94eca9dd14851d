'use strict';
// The one way scripts/lib installs Debian packages. Two `apt-get install`s at once fail with
// "Could not get lock /var/lib/dpkg/lock-frontend" (seen on a fresh CI machine when the demo world
// set up kazoo and Curator in parallel), so:
// - in this process, installs run one at a time (a promise chain: callers may start them in a
//   Promise.all and still get them in turn);
// - against other processes (another test run, unattended-upgrades), apt-get waits for dpkg's lock
//   for up to 10 minutes (`-o DPkg::Lock::Timeout=600`) instead of failing at once.
// Node built-ins only; types in apt.d.ts.

const fs = require('node:fs');
const { spawn, spawnSync } = require('node:child_process');

const LOCK_TIMEOUT_S = 600;
const LOCK_OPTION = ['-o', `DPkg::Lock::Timeout=${LOCK_TIMEOUT_S}`];

/** True when we may install with apt-get: root on a Debian-like Linux with apt-get. */
function canAptInstall() {
  return (
    process.platform === 'linux' &&
    process.getuid?.() === 0 &&
    fs.existsSync('/etc/debian_version') &&
    spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0
  );
}

/**
 * Runs apt-get to completion, output appended to logFile (when given) and kept for the error.
 * Never rejects: a spawn error comes back as code -1.
 * @param {string[]} args @param {{ logFile?: string }} options
 * @returns {Promise<{ code: number, output: string }>}
 */
function runAptGet(args, { logFile }) {
  return new Promise((resolve) => {
    let output = '';
    const append = (/** @type {string} */ text) => {
      output += text;
      if (logFile) fs.appendFileSync(logFile, text);
    };
    append(`\n$ apt-get ${args.join(' ')}\n`);
    let child;
    try {
      child = spawn('apt-get', args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      resolve({ code: -1, output: output + String(err) });
      return;
    }
    child.stdout?.on('data', (d) => append(String(d)));
    child.stderr?.on('data', (d) => append(String(d)));
    child.on('error', (err) => resolve({ code: -1, output: output + String(err) }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), output }));
  });
}

/**
 * Makes a serialized installer around `runner` (apt-get itself by default; the unit test passes a
 * recorder to see the order and arguments without installing anything).
 * @param {(args: string[], options: { logFile?: string }) => Promise<{ code: number, output: string }>} runner
 */
function createAptInstaller(runner) {
  /** The tail of the queue: each install starts when the one before has settled (either way). */
  let queue = Promise.resolve();

  /**
   * `apt-get install -y PACKAGES`, with one `apt-get update` first if it fails without.
   * @param {string[]} packages
   * @param {{ log?: (message: string) => void, logFile?: string, noInstallRecommends?: boolean }} [options]
   * @returns {Promise<void>}
   */
  function aptInstall(packages, options = {}) {
    const log = options.log ?? (() => {});
    const install = [...LOCK_OPTION, 'install', '-y', ...(options.noInstallRecommends ? ['--no-install-recommends'] : []), ...packages];
    const job = queue.then(async () => {
      log(`apt-get install -y ${packages.join(' ')}${options.logFile ? ` (log: ${options.logFile})` : ''}`);
      let result = await runner(install, options);
      if (result.code !== 0) {
        log('apt-get install failed; running apt-get update and retrying');
        await runner([...LOCK_OPTION, 'update'], options);
        result = await runner(install, options);
      }
      if (result.code !== 0) {
        const tail = result.output.trim().split('\n').slice(-20).join('\n');
        throw new Error(`apt-get install -y ${packages.join(' ')} failed (exit ${result.code}):\n${tail}`);
      }
    });
    queue = job.catch(() => {});
    return job;
  }
  return aptInstall;
}

/** The process-wide installer every script in scripts/lib uses. */
const aptInstall = createAptInstaller(runAptGet);

module.exports = { aptInstall, canAptInstall, createAptInstaller, LOCK_TIMEOUT_S };
