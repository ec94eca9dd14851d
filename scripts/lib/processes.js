'use strict';
// What the test harness starts (ZooKeeper JVMs, KDCs, code-server, npm installs) and the temp
// folders it makes are tracked here, and SIGKILLed / removed if this Node process goes away
// first. One place, so that every library follows the same signal rule (below) and a Ctrl-C
// runs one cleanup, not one per library racing to exit. Node built-ins only; types in processes.d.ts.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** @typedef {{ cleanupSync(): void }} Resource */

/** PIDs we started and still own (SIGKILLed on exit). */
const pids = /** @type {Set<number>} */ (new Set());
/** Anything else that needs a synchronous last-resort cleanup (a process group, say). */
const resources = /** @type {Set<Resource>} */ (new Set());
/** Temp folders we created and still own. */
const tempDirs = /** @type {Set<string>} */ (new Set());
let handlersInstalled = false;

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

function cleanupSync() {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  pids.clear();
  for (const resource of resources) resource.cleanupSync();
  resources.clear();
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

function installExitHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', cleanupSync);
  for (const signal of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    const onSignal = () => {
      const listeners = process.listeners(signal);
      // A program's own handler (the sandbox) owns the shutdown and stops its servers in order;
      // the 'exit' handler still kills whatever it leaves behind.
      if (listeners.some((l) => !(/** @type {any} */ (l).zkeCleanup))) return;
      cleanupSync();
      // Ours is the only handler left: dying of the signal is what Node would have done without it.
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    /** @type {any} */ (onSignal).zkeCleanup = true;
    process.on(signal, onSignal);
  }
}

/** @param {number} pid */
function trackPid(pid) {
  installExitHandlers();
  pids.add(pid);
}

/** @param {number} pid */
function untrackPid(pid) {
  pids.delete(pid);
}

/** @param {Resource} resource */
function track(resource) {
  installExitHandlers();
  resources.add(resource);
}

/** @param {Resource} resource */
function untrack(resource) {
  resources.delete(resource);
}

/** A fresh folder in the system temp dir, removed on exit unless removeTempDir ran first. @param {string} prefix */
function makeTempDir(prefix) {
  installExitHandlers();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** @param {string} dir */
function removeTempDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** True when `pid` is a live process (a zombie counts as gone). @param {number} pid @returns {boolean} */
function isAlive(pid) {
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS)
  }
}

/** Stops any process by PID: SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. @param {number} pid @param {number} [graceMs] */
async function stopPid(pid, graceMs = 5000) {
  const signal = (/** @type {NodeJS.Signals} */ sig) => {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  signal('SIGCONT'); // a SIGSTOPped JVM only acts on SIGTERM once continued
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  if (!isAlive(pid)) return;
  signal('SIGKILL');
  while (isAlive(pid)) await sleep(50);
}

module.exports = { trackPid, untrackPid, track, untrack, makeTempDir, removeTempDir, isAlive, stopPid };
