#!/usr/bin/env node
'use strict';
// Fills a ZooKeeper with the demo world (real kazoo + Curator recipe clients, scripts/lib/demo.js),
// prints the resulting tree and keeps the world alive until Ctrl-C.
//
//   node scripts/seed.js [--connect 127.0.0.1:2181] [--big 10000]
//
// Without --connect it uses .sandbox/zookeeper.json (written by scripts/zk.js).

const fs = require('node:fs');
const path = require('node:path');
const { TextDecoder } = require('node:util');
const { startDemoWorld } = require('./lib/demo.js');

const USAGE = 'usage: node scripts/seed.js [--connect HOST:PORT[,HOST:PORT...]] [--big N] [--quiet]';
// ZKE_SANDBOX_DIR: the sandbox folder scripts/zk.js was given (default .sandbox in the project).
const SANDBOX_FILE = path.join(process.env.ZKE_SANDBOX_DIR ? path.resolve(process.env.ZKE_SANDBOX_DIR) : path.join(__dirname, '..', '.sandbox'), 'zookeeper.json');

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {{ connect?: string, big: number, quiet: boolean }} */
  const args = { big: 0, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    if (flag === '--connect') args.connect = value();
    else if (flag === '--big') {
      const raw = value();
      args.big = Number(raw);
      if (!Number.isInteger(args.big) || args.big < 0) throw new Error(`--big needs a non-negative integer, got ${raw}`);
    } else if (flag === '--quiet') args.quiet = true;
    else if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  return args;
}

/** @param {number} pid */
function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === 'EPERM';
  }
}

/** The connect string from --connect, else from .sandbox/zookeeper.json. */
function resolveConnect(connect) {
  if (connect) return connect;
  if (fs.existsSync(SANDBOX_FILE)) {
    const info = JSON.parse(fs.readFileSync(SANDBOX_FILE, 'utf8'));
    if (info && typeof info.pid === 'number' && !isRunning(info.pid)) {
      throw new Error(`The sandbox ZooKeeper in ${SANDBOX_FILE} (pid ${info.pid}) is not running: start it with npm run zk:start, or pass --connect HOST:PORT.`);
    }
    if (info && typeof info.connectString === 'string') return info.connectString;
    throw new Error(`${SANDBOX_FILE} has no connectString`);
  }
  throw new Error(`No --connect given and no ${path.relative(process.cwd(), SANDBOX_FILE)}: start a sandbox ZooKeeper first (npm run zk:start) or pass --connect HOST:PORT.\n${USAGE}`);
}

// ---------------------------------------------------------------------------------------------
// Tree printing (node-zookeeper-client)

/** A short, printable view of a node's data. @param {Buffer} data */
function preview(data) {
  if (!data || data.length === 0) return '';
  let textValue;
  try {
    textValue = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return `(binary, ${data.length} bytes)`;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000e-\u001f]/.test(textValue)) return `(binary, ${data.length} bytes)`;
  let firstLine = textValue.trim().split('\n')[0];
  try {
    if (/^[[{]/.test(textValue.trim())) firstLine = JSON.stringify(JSON.parse(textValue)); // pretty-printed JSON on one line
  } catch {
    // not JSON
  }
  const shown = firstLine.length > 48 ? `${firstLine.slice(0, 47)}…` : firstLine;
  const more = textValue.trim().includes('\n') || firstLine.length > 48 ? ` (${data.length} bytes)` : '';
  return `${shown.startsWith('{') || shown.startsWith('[') ? shown : JSON.stringify(shown)}${more}`;
}

/**
 * Prints the tree under `root` (skipping /zookeeper), `ls -R`-like with data previews and
 * ephemeral owners. Folders with more than `maxChildren` children are cut short.
 * @param {string} connectString
 * @param {{ root?: string, maxChildren?: number, write?: (line: string) => void }} [options]
 * @returns {Promise<number>} how many nodes the tree holds
 */
async function printTree(connectString, options = {}) {
  const zk = require('node-zookeeper-client');
  const write = options.write ?? ((line) => console.log(line));
  const maxChildren = options.maxChildren ?? 12;
  const client = zk.createClient(connectString, { sessionTimeout: 10000, spinDelay: 100 });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`could not connect to ${connectString}`)), 15000);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    client.connect();
  });
  const call = (method, p) =>
    new Promise((resolve, reject) => client[method](p, (error, value, stat) => (error ? reject(error) : resolve({ value, stat }))));
  let count = 0;

  /** @param {string} p @param {string} prefix @param {string} label */
  async function visit(p, prefix, label) {
    const [{ value: data, stat }, { value: kids }] = await Promise.all([call('getData', p), call('getChildren', p)]);
    count++;
    const owner = stat.ephemeralOwner.toString('hex').replace(/^0+/, '');
    const notes = [preview(data), owner ? `[ephemeral 0x${owner}]` : ''].filter(Boolean).join('  ');
    write(`${label}${notes ? `  ${notes}` : ''}`);
    const names = /** @type {string[]} */ (kids).filter((name) => !(p === '/' && name === 'zookeeper')).sort();
    const shown = names.length > maxChildren ? names.slice(0, 3) : names;
    for (const [i, name] of shown.entries()) {
      const last = i === shown.length - 1 && shown.length === names.length;
      await visit(p === '/' ? `/${name}` : `${p}/${name}`, prefix + (last ? '    ' : '│   '), `${prefix}${last ? '└── ' : '├── '}${name}`);
    }
    if (shown.length < names.length) {
      write(`${prefix}└── … ${names.length - shown.length} more (${names.length} children)`);
      count += names.length - shown.length;
    }
  }

  try {
    const root = options.root ?? '/';
    await visit(root, '', root);
  } finally {
    client.close();
  }
  return count;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const connectString = resolveConnect(args.connect);
  const log = args.quiet ? undefined : (/** @type {string} */ msg) => console.error(`[demo] ${msg}`);
  console.error(`Seeding the demo world into ${connectString}${args.big ? ` (with ${args.big} children under /big/children)` : ''}...`);

  const world = await startDemoWorld({ connectString, big: args.big, log });
  let stopping = false;
  const shutdown = async (why) => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${why}: stopping the demo clients (their sessions, locks and leaders go away; the persistent data stays)...`);
    await world.stop();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void shutdown(signal));

  const { kazoo, curator, timings } = world.summary;
  console.log(`\nZooKeeper ${connectString}: demo world ready in ${timings.totalMs} ms (pids ${world.pids.join(', ')})\n`);
  await printTree(connectString);
  console.log('');
  console.log(`kazoo Lock      ${kazoo.lock.path}: held by ${kazoo.lock.holder}, waiting: ${kazoo.lock.contenders.slice(1).join(', ')}`);
  console.log(`kazoo Election  ${kazoo.election.path}: leader ${kazoo.election.leader}, waiting: ${kazoo.election.contenders.slice(1).join(', ')}`);
  console.log(`Curator mutex   ${curator.mutex.path}: held by ${curator.mutex.holder}, waiting: ${curator.mutex.waiting.join(', ')}`);
  console.log(`Curator latch   ${curator.latch.path}: leader ${curator.latch.leader}`);
  console.log(`services        ${kazoo.services.map((s) => s.path).join(', ')}`);
  console.log('\nRunning. Press Ctrl-C to stop the demo clients.');

  const exit = await world.exited;
  if (!stopping) {
    console.error(`${exit.name} exited unexpectedly (${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}); stopping the rest.`);
    stopping = true;
    await world.stop();
    process.exit(1);
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`seed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}

module.exports = { printTree, parseArgs, resolveConnect };
