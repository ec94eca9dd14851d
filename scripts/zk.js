#!/usr/bin/env node
'use strict';
// The sandbox's ZooKeeper: node scripts/zk.js start|stop|status [--port N] [--dir D]
// State (pid, ports, dir) lives in .sandbox/zookeeper.json; data in .sandbox/zookeeper/ (kept across runs).
// ZKE_SANDBOX_DIR moves that folder (the walkthrough's "Start the Demo ZooKeeper" and its test use it).
// Exit codes: 0 ok (status: serving), 1 failure (status: process alive but not answering), 2 usage,
// 3 status: not running.

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { parseArgs } = require('node:util');
const zk = require('./lib/zookeeper');

const ROOT = path.resolve(__dirname, '..');
const SANDBOX_DIR = process.env.ZKE_SANDBOX_DIR ? path.resolve(process.env.ZKE_SANDBOX_DIR) : path.join(ROOT, '.sandbox');
const STATE_FILE = path.join(SANDBOX_DIR, 'zookeeper.json');
const DEFAULT_DIR = path.join(SANDBOX_DIR, 'zookeeper');
const USAGE = 'usage: node scripts/zk.js start|stop|status [--port N] [--dir D]';

/** @returns {{ pid: number, port: number, adminPort: number, dir: string, logFile: string, connectString: string } | null} */
function readState() {
  try {
    return JSON.parse(fs.readFileSync(STATE_FILE, 'utf8'));
  } catch {
    return null;
  }
}

/** The state, if its PID is still a ZooKeeper JVM (guards against PID reuse where /proc exists). */
function liveState() {
  const state = readState();
  if (!state || !zk.isAlive(state.pid)) return null;
  try {
    if (!fs.readFileSync(`/proc/${state.pid}/cmdline`, 'utf8').includes('QuorumPeerMain')) return null;
  } catch {
    // no /proc: trust the PID
  }
  return state;
}

/** The state when its PID is alive with an empty cmdline (a process in the middle of exiting), else null. */
function exitingState() {
  const state = readState();
  if (!state || !zk.isAlive(state.pid)) return null;
  try {
    return fs.readFileSync(`/proc/${state.pid}/cmdline`, 'utf8') === '' ? state : null;
  } catch {
    return null;
  }
}

/** @param {number} port @returns {Promise<boolean>} */
function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** @param {{ port?: string, dir?: string }} values */
async function start(values) {
  const running = liveState();
  if (running) {
    console.log(`ZooKeeper is already running (pid ${running.pid}): ${running.connectString}`);
    return 0;
  }
  let port = values.port ? Number(values.port) : 2181;
  if (!values.port && !(await portIsFree(port))) {
    port = await zk.freePort();
    console.log(`Port 2181 is busy; using ${port}.`);
  }
  const dir = path.resolve(values.dir ?? DEFAULT_DIR);
  fs.mkdirSync(dir, { recursive: true });
  const server = await zk.startZooKeeper({ dir, port, forceSync: true, persistent: true, install: true, log: (m) => console.log(m) });
  const state = { pid: server.pid, port, adminPort: server.adminPort, dir, logFile: server.logFile, connectString: server.connectString };
  fs.mkdirSync(path.dirname(STATE_FILE), { recursive: true });
  fs.writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
  console.log(`ZooKeeper started (pid ${server.pid}): ${server.connectString}`);
  console.log(`AdminServer: http://127.0.0.1:${server.adminPort}/commands  data: ${dir}  log: ${server.logFile}`);
  return 0;
}

async function stop() {
  // A JVM already exiting (its task's terminal was closed first) has an empty cmdline but still holds
  // its port: it is still ours to wait for.
  const state = liveState() ?? exitingState();
  fs.rmSync(STATE_FILE, { force: true });
  if (!state) {
    console.log('ZooKeeper is not running.');
    return 0;
  }
  await zk.stopPid(state.pid);
  console.log(`ZooKeeper stopped (pid ${state.pid}).`);
  return 0;
}

async function status() {
  const state = liveState();
  if (!state) {
    console.log('ZooKeeper is not running.');
    return 3;
  }
  const srvr = await zk.fourLetterWord('srvr', state.port);
  const serving = /^Mode: /m.test(srvr);
  console.log(`ZooKeeper is ${serving ? 'running' : 'NOT answering'} (pid ${state.pid}): ${state.connectString}`);
  console.log(`AdminServer: http://127.0.0.1:${state.adminPort}/commands  data: ${state.dir}  log: ${state.logFile}`);
  if (serving) console.log(`\n${srvr.trimEnd()}`);
  return serving ? 0 : 1;
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { port: { type: 'string' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : err}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1 || !['start', 'stop', 'status'].includes(command)) {
    console.error(USAGE);
    return 2;
  }
  if (values.port && !/^\d+$/.test(values.port)) {
    console.error(`--port must be a number, got "${values.port}"\n${USAGE}`);
    return 2;
  }
  if (command === 'start') return start(values);
  return command === 'stop' ? stop() : status();
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(`zk ${process.argv[2] ?? ''}: ${err instanceof Error ? err.message : err}`);
    process.exitCode = 1;
  },
);
