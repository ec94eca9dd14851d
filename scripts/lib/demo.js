'use strict';
// The demo world that `npm run sandbox` shows and the e2e tests look at: a real kazoo process
// (scripts/demo/world.py) and a real Apache Curator process (scripts/demo/CuratorDemo.java) that
// make a ZooKeeper look like a real user's cluster. Node built-ins only; types in demo.d.ts.

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { aptInstall, canAptInstall } = require('./apt');
const { track, untrack } = require('./processes');

const DEMO_DIR = path.join(__dirname, '..', 'demo');
const WORLD_PY = path.join(DEMO_DIR, 'world.py');
const CURATOR_SOURCE = path.join(DEMO_DIR, 'CuratorDemo.java');
/** Jars CuratorDemo needs, by base name (Debian layout: /usr/share/java/NAME.jar). */
const CURATOR_JARS = ['curator-client', 'curator-framework', 'curator-recipes', 'zookeeper', 'zookeeper-jute', 'guava', 'slf4j-api', 'slf4j-nop'];
/**
 * Guava 27+ needs com.google.common.util.concurrent.internal.InternalFutureFailureAccess from
 * failureaccess.jar; Debian's guava.jar bundles that class, other layouts ship it separately.
 */
const OPTIONAL_JARS = ['failureaccess'];
/** Debian package that provides each jar. */
const JAR_PACKAGES = {
  'curator-client': 'libcurator-client-java',
  'curator-framework': 'libcurator-framework-java',
  'curator-recipes': 'libcurator-recipes-java',
  zookeeper: 'libzookeeper-java',
  'zookeeper-jute': 'libzookeeper-java',
  guava: 'libguava-java',
  'slf4j-api': 'libslf4j-java',
  'slf4j-nop': 'libslf4j-java',
};
/** Fast start for a small, short-lived client JVM. */
const CURATOR_JVM_OPTIONS = ['-Xmx64m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto'];
const STOP_GRACE_MS = 5000;

/** Paths the demo world makes (see world.py / CuratorDemo.java); handy for tests and docs. */
const DEMO_PATHS = Object.freeze({
  config: ['/config/app', '/config/features', '/config/db', '/config/logging', '/config/solr', '/config/message'],
  kafkaBrokers: '/kafka/brokers/ids',
  kafkaController: '/kafka/controller',
  services: { orders: '/services/orders', payments: '/services/payments' },
  queue: '/queues/jobs',
  binary: '/binary/protobuf-sample',
  counter: '/binary/counter',
  kazooLock: '/locks/inventory',
  kazooElection: '/election/scheduler',
  curatorMutex: '/curator/locks/orders',
  curatorLatch: '/curator/leader/billing',
  big: '/big/children',
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const noop = () => {};

// ---------------------------------------------------------------------------------------------
// Small process helpers

/**
 * Runs a command to completion; never rejects (spawn errors come back as code -1).
 * @param {string} cmd @param {string[]} args @param {import('node:child_process').SpawnOptions} [options]
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>}
 */
function run(cmd, args, options = {}) {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let child;
    try {
      child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      resolve({ code: -1, stdout, stderr: String(err) });
      return;
    }
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    child.on('error', (err) => resolve({ code: -1, stdout, stderr: stderr + String(err) }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr }));
  });
}

/** @param {string} file */
function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** First `name` on PATH (or null). @param {string} name */
function which(name) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Python + kazoo

const KAZOO_HOW_TO =
  'The demo world needs Python 3 with kazoo: `sudo apt-get install -y python3-kazoo` (Debian/Ubuntu, used with /usr/bin/python3), ' +
  'or `python3 -m pip install kazoo`; set ZK_DEMO_PYTHON to the interpreter that has it.';

/** @param {string} python @returns {Promise<string | null>} kazoo's version, or null when it does not import */
async function kazooVersion(python) {
  const result = await run(python, ['-c', 'import kazoo.client, kazoo.version; print(kazoo.version.__version__)']);
  return result.code === 0 ? result.stdout.trim() : null;
}

/**
 * Finds a Python 3 that imports kazoo: $ZK_DEMO_PYTHON, else /usr/bin/python3 (Debian's
 * python3-kazoo is only visible to it), else `python3` on PATH. As root on Debian, installs
 * python3-kazoo when missing.
 * @param {(msg: string) => void} log
 * @returns {Promise<{ python: string, kazoo: string }>}
 */
async function findPython(log) {
  if (process.env.ZK_DEMO_PYTHON) {
    const version = await kazooVersion(process.env.ZK_DEMO_PYTHON);
    if (version) return { python: process.env.ZK_DEMO_PYTHON, kazoo: version };
    throw new Error(`ZK_DEMO_PYTHON=${process.env.ZK_DEMO_PYTHON} cannot import kazoo. ${KAZOO_HOW_TO}`);
  }
  const candidates = ['/usr/bin/python3', which('python3')].filter((p, i, all) => p && isExecutable(p) && all.indexOf(p) === i);
  for (const python of /** @type {string[]} */ (candidates)) {
    const version = await kazooVersion(python);
    if (version) return { python, kazoo: version };
  }
  if (canAptInstall()) {
    await aptInstall(['python3-kazoo'], { log });
    const version = await kazooVersion('/usr/bin/python3');
    if (version) return { python: '/usr/bin/python3', kazoo: version };
  }
  throw new Error(`No Python 3 with kazoo found (tried ${candidates.join(', ') || 'python3'}). ${KAZOO_HOW_TO}`);
}

// ---------------------------------------------------------------------------------------------
// Java + Curator

const CURATOR_HOW_TO =
  'The demo world needs Java 11+ (javac) and Apache Curator 5 jars: `sudo apt-get install -y libcurator-recipes-java libcurator-framework-java default-jdk-headless` ' +
  '(Debian/Ubuntu), or put curator-client/framework/recipes, zookeeper, zookeeper-jute, guava, failureaccess, slf4j-api and slf4j-nop jars in one folder and set ZK_DEMO_JAR_DIR to it.';

/** @param {string} name @returns {string | null} */
function findJdkTool(name) {
  if (process.env.JAVA_HOME && isExecutable(path.join(process.env.JAVA_HOME, 'bin', name))) return path.join(process.env.JAVA_HOME, 'bin', name);
  return which(name);
}

/** Folder holding the Curator jars ($ZK_DEMO_JAR_DIR, default /usr/share/java). */
function jarDir() {
  return process.env.ZK_DEMO_JAR_DIR || '/usr/share/java';
}

/** @returns {string[]} base names of required jars that are missing */
function missingJars() {
  return CURATOR_JARS.filter((name) => !fs.existsSync(path.join(jarDir(), `${name}.jar`)));
}

/**
 * Java, javac and the Curator classpath; as root on Debian installs the Curator packages when jars are missing.
 * @param {(msg: string) => void} log
 */
async function findCurator(log) {
  let missing = missingJars();
  let java = findJdkTool('java');
  let javac = findJdkTool('javac');
  if ((missing.length > 0 || !javac) && canAptInstall() && !process.env.ZK_DEMO_JAR_DIR) {
    const packages = new Set(['libcurator-recipes-java', 'libcurator-framework-java']);
    for (const jar of missing) packages.add(JAR_PACKAGES[/** @type {keyof typeof JAR_PACKAGES} */ (jar)]);
    if (!javac) packages.add('default-jdk-headless');
    await aptInstall([...packages], { log });
    missing = missingJars();
    java = findJdkTool('java');
    javac = findJdkTool('javac');
  }
  if (missing.length > 0) throw new Error(`Missing ${missing.map((n) => `${n}.jar`).join(', ')} in ${jarDir()}. ${CURATOR_HOW_TO}`);
  if (!java || !javac) throw new Error(`No ${java ? 'javac' : 'java'} found ($JAVA_HOME/bin or PATH). ${CURATOR_HOW_TO}`);
  const jars = [...CURATOR_JARS, ...OPTIONAL_JARS.filter((name) => fs.existsSync(path.join(jarDir(), `${name}.jar`)))];
  return { java, javac, classpath: jars.map((name) => path.join(jarDir(), `${name}.jar`)) };
}

/** ${XDG_CACHE_HOME:-~/.cache}/zookeeper-explorer/curator-demo */
function curatorCacheDir() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'zookeeper-explorer', 'curator-demo');
}

/**
 * Compiles CuratorDemo.java into the cache, keyed by the source's SHA-256; reuses it when unchanged.
 * @param {string} javac @param {string[]} classpath @param {(msg: string) => void} log
 * @returns {Promise<{ classesDir: string, compiled: boolean, ms: number }>}
 */
async function compileCurator(javac, classpath, log) {
  const started = Date.now();
  const source = fs.readFileSync(CURATOR_SOURCE);
  const hash = crypto.createHash('sha256').update(source).digest('hex').slice(0, 16);
  const cache = curatorCacheDir();
  const classesDir = path.join(cache, hash);
  if (fs.existsSync(path.join(classesDir, 'CuratorDemo.class'))) return { classesDir, compiled: false, ms: Date.now() - started };

  fs.mkdirSync(cache, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(cache, 'tmp-'));
  try {
    log(`compiling ${path.relative(process.cwd(), CURATOR_SOURCE)} into ${classesDir}`);
    const result = await run(javac, ['-nowarn', '-Xlint:none', '-encoding', 'UTF-8', '-cp', classpath.join(path.delimiter), '-d', tmp, CURATOR_SOURCE]);
    if (result.code !== 0) throw new Error(`javac CuratorDemo.java failed (exit ${result.code}):\n${`${result.stdout}${result.stderr}`.trim()}`);
    try {
      fs.renameSync(tmp, classesDir);
    } catch (err) {
      // Another process compiled the same source meanwhile: use theirs.
      if (!fs.existsSync(path.join(classesDir, 'CuratorDemo.class'))) throw err;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  // Drop builds of older sources (best effort).
  for (const entry of fs.readdirSync(cache)) {
    if (/^[0-9a-f]{16}$/.test(entry) && entry !== hash) fs.rmSync(path.join(cache, entry), { recursive: true, force: true });
  }
  return { classesDir, compiled: true, ms: Date.now() - started };
}

// ---------------------------------------------------------------------------------------------
// The two demo processes

/**
 * @typedef {{ name: string, child: import('node:child_process').ChildProcess, exit: Promise<{ code: number | null, signal: string | null }>,
 *   exited: boolean, stderrTail: () => string }} DemoProcess
 */

/**
 * Starts one demo process. Its stdin stays an open pipe: the process exits when it closes.
 * @param {string} name @param {string} cmd @param {string[]} args @param {(msg: string) => void} log
 * @returns {DemoProcess}
 */
function launch(name, cmd, args, log) {
  // detached: its own process group, so a Ctrl-C in the terminal reaches only us and stop() decides
  // the order. If we die without running stop() or the 'exit' handler, its stdin closes and it stops.
  const child = spawn(cmd, args, {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-8192);
    for (const line of String(chunk).split('\n')) if (line.trim()) log(`[${name}] ${line}`);
  });
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk) => {
    for (const line of String(chunk).split('\n')) if (line.trim()) log(`[${name}] ${line}`);
  });
  child.stdin?.on('error', noop); // EPIPE once it has exited
  // Synchronous last resort (the parent is dying and cannot wait for a clean stop, which can hang
  // when the server is already gone): SIGKILL; the sessions then expire on the server.
  const resource = {
    cleanupSync: () => {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    },
  };
  /** @type {DemoProcess} */
  const proc = {
    name,
    child,
    exited: false,
    exit: new Promise((resolve) => {
      let done = false;
      const finish = (code, signal) => {
        if (done) return;
        done = true;
        proc.exited = true;
        untrack(resource);
        resolve({ code, signal });
      };
      child.once('exit', finish);
      child.once('error', (err) => {
        stderr += `\n${err.message}`;
        finish(null, null);
      });
    }),
    stderrTail: () => stderr.trimEnd().split('\n').slice(-30).join('\n'),
  };
  track(resource);
  return proc;
}

/**
 * Waits until `file` holds JSON; rejects when the process exits first or after `timeoutMs`.
 * @param {DemoProcess} proc @param {string} file @param {number} timeoutMs
 */
async function waitReady(proc, file, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (fs.existsSync(file)) {
      try {
        return JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch {
        // written by rename, so complete; retry anyway
      }
    }
    if (proc.exited) {
      const { code, signal } = await proc.exit;
      throw new Error(`${proc.name} exited (${signal ? `signal ${signal}` : `code ${code}`}) before it was ready. Its stderr:\n${proc.stderrTail() || '(empty)'}`);
    }
    if (Date.now() > deadline) throw new Error(`${proc.name} was not ready within ${timeoutMs} ms. Its stderr:\n${proc.stderrTail() || '(empty)'}`);
    await sleep(25);
  }
}

/** SIGTERM, SIGKILL after STOP_GRACE_MS; resolves once it is gone. @param {DemoProcess} proc */
async function stopProcess(proc) {
  if (!proc.exited) {
    proc.child.kill('SIGTERM');
    let timer;
    const killed = await Promise.race([proc.exit.then(() => false), new Promise((resolve) => (timer = setTimeout(() => resolve(true), STOP_GRACE_MS)))]);
    clearTimeout(timer);
    if (killed && !proc.exited) proc.child.kill('SIGKILL');
  }
  return proc.exit;
}

/**
 * Starts the demo world against `connectString` and resolves once every node is visible.
 * @param {import('./demo').DemoWorldOptions} options
 * @returns {Promise<import('./demo').DemoWorld>}
 */
async function startDemoWorld(options) {
  const { connectString } = options;
  if (!connectString) throw new Error('startDemoWorld: connectString is required');
  const log = options.log ?? noop;
  const big = options.big ?? 0;
  if (!Number.isInteger(big) || big < 0) throw new Error(`startDemoWorld: big must be a non-negative integer, got ${big}`);
  const timeoutMs = options.timeoutMs ?? 120000;
  const started = Date.now();
  const ownDir = !options.workDir;
  const workDir = options.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'zk-demo-'));
  fs.mkdirSync(workDir, { recursive: true });
  const worldReady = path.join(workDir, 'world.ready.json');
  const curatorReady = path.join(workDir, 'curator.ready.json');
  for (const file of [worldReady, curatorReady]) fs.rmSync(file, { force: true });

  /** Slot 0: world.py (kazoo), slot 1: CuratorDemo. @type {(DemoProcess | undefined)[]} */
  const procs = [undefined, undefined];
  const timings = { totalMs: 0, kazooReadyMs: 0, curatorReadyMs: 0, compileMs: 0, compiled: false };

  /** @type {Promise<void> | null} */
  let stopping = null;
  const stop = () => {
    stopping ??= (async () => {
      await Promise.all(procs.filter((p) => p !== undefined).map(stopProcess));
      if (ownDir) fs.rmSync(workDir, { recursive: true, force: true });
      log('demo world stopped');
    })();
    return stopping;
  };
  /** Launches into `slot` unless start-up was already abandoned. */
  const start = (slot, name, cmd, args) => {
    if (stopping) throw new Error(`demo world start-up abandoned before ${name} started`);
    const proc = launch(name, cmd, args, log);
    procs[slot] = proc;
    return proc;
  };

  const kazooSide = (async () => {
    const { python, kazoo } = await findPython(log);
    log(`kazoo ${kazoo} via ${python}`);
    const args = [WORLD_PY, '--connect', connectString, '--ready-file', worldReady, '--exit-on-stdin-eof'];
    if (big > 0) args.push('--big', String(big));
    const proc = start(0, 'world.py', python, args);
    const summary = await waitReady(proc, worldReady, timeoutMs);
    timings.kazooReadyMs = Date.now() - started;
    return summary;
  })();

  const curatorSide = (async () => {
    const { java, javac, classpath } = await findCurator(log);
    const build = await compileCurator(javac, classpath, log);
    timings.compileMs = build.ms;
    timings.compiled = build.compiled;
    const args = [...CURATOR_JVM_OPTIONS, '-cp', [build.classesDir, ...classpath].join(path.delimiter), 'CuratorDemo', '--connect', connectString, '--ready-file', curatorReady, '--exit-on-stdin-eof'];
    const proc = start(1, 'CuratorDemo', java, args);
    const summary = await waitReady(proc, curatorReady, timeoutMs);
    timings.curatorReadyMs = Date.now() - started;
    return summary;
  })();

  let kazooSummary;
  let curatorSummary;
  try {
    // The first failure stops everything at once (the other side then fails fast too).
    [kazooSummary, curatorSummary] = await Promise.all([kazooSide, curatorSide]);
  } catch (err) {
    await Promise.allSettled([stop(), kazooSide, curatorSide]);
    throw err;
  }
  timings.totalMs = Date.now() - started;
  log(`demo world ready in ${timings.totalMs} ms (kazoo ${timings.kazooReadyMs} ms, curator ${timings.curatorReadyMs} ms${timings.compiled ? `, compiled in ${timings.compileMs} ms` : ''})`);

  const running = /** @type {DemoProcess[]} */ (procs);
  const exits = running.map((p) => p.exit.then(({ code, signal }) => ({ name: p.name, code, signal })));
  return {
    stop,
    pids: running.map((p) => /** @type {number} */ (p.child.pid)),
    summary: { connectString, workDir, kazoo: kazooSummary, curator: curatorSummary, timings },
    exited: Promise.race(exits),
    allExited: Promise.all(exits),
  };
}

// ---------------------------------------------------------------------------------------------
// The sandbox's secured connections: a TLS port and a SASL user on the same local server

const SANDBOX_SASL_USER = 'demo';
/** A throwaway password for a throwaway local server; the sandbox prints it (it is asked for once). */
const SANDBOX_SASL_PASSWORD = 'demo-secret';

/**
 * What `npm run sandbox` adds for `demo-tls` and `demo-sasl`: the server's TLS port (clientAuth
 * want, so the demo client certificate is granted x509:<subject>) and SASL user, and the two
 * connection entries. Certificates are cached in `cacheDir` (made once, in well under a second).
 * @param {{ cacheDir: string }} options
 */
function sandboxSecurity({ cacheDir }) {
  const certs = require('./certs').makeCertificates(cacheDir, { reuse: true });
  return {
    certs,
    saslUser: SANDBOX_SASL_USER,
    saslPassword: SANDBOX_SASL_PASSWORD,
    serverOptions: {
      tls: { keyStore: certs.serverKeyStore, trustStore: certs.ca, clientAuth: /** @type {const} */ ('want') },
      sasl: { users: { [SANDBOX_SASL_USER]: SANDBOX_SASL_PASSWORD } },
    },
    /** @param {{ connectString: string, secureConnectString: string }} server */
    connections: (server) => [
      { name: 'demo-tls', connectString: server.secureConnectString, tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey } },
      { name: 'demo-sasl', connectString: server.connectString, sasl: { mechanism: 'DIGEST-MD5', user: SANDBOX_SASL_USER } },
    ],
  };
}

module.exports = { startDemoWorld, DEMO_PATHS, curatorCacheDir, findPython, findCurator, compileCurator, sandboxSecurity };
