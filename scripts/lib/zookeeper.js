'use strict';
// Installs, starts, checks and stops a real local Apache ZooKeeper (standalone or a loopback
// ensemble) for the test tiers, the sandbox and CI. Node built-ins only; types in zookeeper.d.ts.

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { aptInstall, canAptInstall } = require('./apt');
const { trackPid, untrackPid, makeTempDir, removeTempDir, isAlive, stopPid } = require('./processes');

/** @typedef {import('./zookeeper').Log} Log */
/** @typedef {import('./zookeeper').ZooKeeperSetup} ZooKeeperSetup */
/** @typedef {import('./zookeeper').StartOptions} StartOptions */
/** @typedef {import('./zookeeper').ZooKeeperServer} ZooKeeperServer */
/** @typedef {import('./zookeeper').Ensemble} Ensemble */

const HOST = '127.0.0.1';
const DEBIAN_JARS = ['zookeeper', 'servlet-api', 'netty-codec', 'netty-resolver', 'slf4j-log4j12', 'log4j-1.2']
  .map((name) => `/usr/share/java/${name}.jar`);
const HOW_TO_GET =
  'Install one with `sudo apt-get install -y zookeeper` (Debian/Ubuntu) or `brew install zookeeper` (macOS), ' +
  'or set ZOOKEEPER_HOME to an Apache ZooKeeper 3.6+ binary distribution (the folder holding lib/*.jar).';

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));
const noop = () => {};

// ---------------------------------------------------------------------------------------------
// Finding (and, as root on Debian, installing) ZooKeeper and Java

/** @param {string} dir @returns {string[]} */
function jarsIn(dir) {
  try {
    return fs.readdirSync(dir).filter((f) => f.endsWith('.jar')).sort().map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}

/** Classpath of a ZooKeeper distribution folder (lib/*.jar plus a top-level zookeeper jar), or null. @param {string} home */
function homeClasspath(home) {
  const jars = [...jarsIn(home).filter((j) => /zookeeper-[^/]*\.jar$/.test(j)), ...jarsIn(path.join(home, 'lib'))];
  return jars.some((j) => /zookeeper-(server-)?3[^/]*\.jar$/.test(j)) ? jars : null;
}

/** @returns {{ classpath: string[], source: 'ZOOKEEPER_HOME'|'homebrew'|'debian' } | null} */
function locateZooKeeper() {
  const home = process.env.ZOOKEEPER_HOME;
  if (home) {
    const classpath = homeClasspath(home);
    if (!classpath) throw new Error(`ZOOKEEPER_HOME=${home} holds no ZooKeeper jar (expected ${home}/lib/zookeeper-3.*.jar). ${HOW_TO_GET}`);
    return { classpath, source: 'ZOOKEEPER_HOME' };
  }
  if (fs.existsSync(DEBIAN_JARS[0])) return { classpath: DEBIAN_JARS.filter((j) => fs.existsSync(j)), source: 'debian' };
  for (const prefix of ['/opt/homebrew', '/usr/local']) {
    const classpath = homeClasspath(`${prefix}/opt/zookeeper/libexec`);
    if (classpath) return { classpath, source: 'homebrew' };
  }
  return null;
}

/** @returns {string | null} */
function locateJava() {
  const exe = process.platform === 'win32' ? 'java.exe' : 'java';
  const candidates = [];
  if (process.env.JAVA_HOME) candidates.push(path.join(process.env.JAVA_HOME, 'bin', exe));
  // macOS ships a /usr/bin/java stub that fails without a JDK: prefer Homebrew's openjdk there.
  if (process.platform === 'darwin') candidates.push('/opt/homebrew/opt/openjdk/bin/java', '/usr/local/opt/openjdk/bin/java');
  for (const dir of (process.env.PATH || '').split(path.delimiter)) if (dir) candidates.push(path.join(dir, exe));
  return candidates.find((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  }) ?? null;
}

/**
 * Finds a ZooKeeper distribution and a Java runtime; when `install` is true and we are root on
 * Debian, installs what is missing with apt-get. Throws an Error explaining how to get them.
 * @param {{ install?: boolean, log?: Log }} [options]
 * @returns {Promise<ZooKeeperSetup>}
 */
async function findZooKeeper(options = {}) {
  const log = options.log ?? noop;
  let found = locateZooKeeper();
  let java = locateJava();
  if ((!found || !java) && options.install && canAptInstall()) {
    // The zookeeper package pulls in a JRE; default-jre-headless covers a missing java alone.
    await aptInstall(found ? ['default-jre-headless'] : ['zookeeper', 'netcat-openbsd'], { log });
    found = locateZooKeeper();
    java = locateJava();
    if (found && !java) {
      await aptInstall(['default-jre-headless'], { log });
      java = locateJava();
    }
  }
  if (!found) throw new Error(`No Apache ZooKeeper found. ${HOW_TO_GET}`);
  if (!java) {
    throw new Error(
      'No Java runtime found (looked at $JAVA_HOME/bin/java and `java` on PATH). ZooKeeper needs Java 11+: ' +
        'install one with `sudo apt-get install -y default-jre-headless` or `brew install openjdk`, or set JAVA_HOME.',
    );
  }
  log(`ZooKeeper from ${found.source}, java ${java}`);
  return { java, classpath: found.classpath, source: found.source };
}

// ---------------------------------------------------------------------------------------------
// Ports and four-letter words

/** Returns `count` distinct free ports on 127.0.0.1 (all held open together, then released). @param {number} count @returns {Promise<number[]>} */
async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, HOST, () => resolve(undefined));
      });
    }
    return servers.map((server) => /** @type {net.AddressInfo} */ (server.address()).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(() => resolve(undefined)))));
  }
}

/** @returns {Promise<number>} */
async function freePort() {
  return (await freePorts(1))[0];
}

/**
 * Sends a four-letter word (srvr, mntr, ruok...) and resolves with the reply; '' on error or timeout.
 * @param {string} command @param {number} port @param {string} [host] @param {number} [timeoutMs] @returns {Promise<string>}
 */
function fourLetterWord(command, port, host = HOST, timeoutMs = 2000) {
  return new Promise((resolve) => {
    let reply = '';
    const socket = net.connect({ port, host });
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reply);
    };
    // Overall deadline: a server that is still starting may accept and never answer.
    const timer = setTimeout(() => {
      reply = '';
      done();
    }, timeoutMs);
    socket.setTimeout(timeoutMs, done);
    socket.on('connect', () => socket.end(command));
    socket.on('data', (chunk) => (reply += chunk.toString('utf8')));
    socket.on('error', () => {
      reply = '';
      done();
    });
    socket.on('close', done);
  });
}

/** The `Mode:` of a server (standalone, leader, follower, observer) from `srvr`, or null. @param {number} port @param {string} [host] @param {number} [timeoutMs] @returns {Promise<string | null>} */
async function serverMode(port, host = HOST, timeoutMs = 2000) {
  const match = /^Mode: (\S+)/m.exec(await fourLetterWord('srvr', port, host, timeoutMs));
  return match ? match[1] : null;
}

/** True when the server answers `srvr` with a `Mode: ` line, i.e. it really serves requests. @param {number} port @param {string} [host] @param {number} [timeoutMs] @returns {Promise<boolean>} */
async function isServing(port, host = HOST, timeoutMs = 2000) {
  return (await serverMode(port, host, timeoutMs)) !== null;
}

// ---------------------------------------------------------------------------------------------
// Processes: every JVM we start is tracked (processes.js), and SIGKILLed if this Node process goes away.

/** @param {string} file */
function tail(file, lines = 20) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Writes `key=value` lines. @param {string} file @param {Record<string, string | number>} entries */
function writeConfig(file, entries) {
  fs.writeFileSync(file, Object.entries(entries).map(([k, v]) => `${k}=${v}\n`).join(''));
}

const LOG4J = [
  'log4j.rootLogger=INFO, CONSOLE',
  'log4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender',
  'log4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.CONSOLE.layout.ConversionPattern=%d{ISO8601} [myid:%X{myid}] %-5p [%t:%C{1}@%L] - %m%n',
  '',
].join('\n');

/**
 * One ZooKeeper JVM with its config folder. `start()` launches it and waits until `ready()`;
 * it can be stopped, killed and started again any number of times.
 * @param {{ setup: ZooKeeperSetup, dir: string, port: number, jvmOptions?: string[], containerCheckIntervalMs?: number,
 *   readyTimeoutMs?: number, ready: () => Promise<boolean>, persistent?: boolean, log?: Log, label: string }} options
 */
function createNode({ setup, dir, port, jvmOptions = [], containerCheckIntervalMs = 1000, readyTimeoutMs = 60000, ready, persistent = false, log = noop, label }) {
  const logFile = path.join(dir, 'zookeeper.log');
  /** @type {import('node:child_process').ChildProcess | null} */
  let child = null;
  /** @type {Promise<void>} */
  let exited = Promise.resolve();
  let lastPid = 0;

  function launch() {
    fs.writeFileSync(path.join(dir, 'log4j.properties'), LOG4J);
    const out = fs.openSync(logFile, 'a');
    const args = [
      '-Xmx256m',
      '-XX:+UseSerialGC',
      `-Dlog4j.configuration=file:${path.join(dir, 'log4j.properties')}`,
      `-Dznode.container.checkIntervalMs=${containerCheckIntervalMs}`,
      ...jvmOptions,
      '-cp',
      [dir, ...setup.classpath].join(path.delimiter),
      'org.apache.zookeeper.server.quorum.QuorumPeerMain',
      path.join(dir, 'zoo.cfg'),
    ];
    // detached: its own process group, so a Ctrl-C in the terminal reaches only us; we stop it by PID.
    const proc = spawn(setup.java, args, { cwd: dir, detached: true, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    // A running server must not keep Node alive (mocha would wait forever): the 'exit' handler kills it.
    proc.unref();
    child = proc;
    const pid = proc.pid;
    lastPid = pid ?? 0;
    let status = '';
    exited = new Promise((resolve) => {
      const onExit = (/** @type {string} */ why) => {
        status ||= why;
        if (pid) untrackPid(pid);
        if (child === proc) child = null;
        resolve();
      };
      proc.once('exit', (code, sig) => onExit(sig ? `killed by ${sig}` : `exit code ${code}`));
      proc.once('error', (err) => onExit(err.message));
    });
    if (pid) trackPid(pid);
    return { proc, status: () => status };
  }

  async function start() {
    if (child) throw new Error(`${label} is already running (pid ${child.pid})`);
    const started = Date.now();
    const { proc, status } = launch();
    while (!status() && Date.now() < started + readyTimeoutMs) {
      if (await ready()) {
        log(`${label} serving on ${HOST}:${port} (pid ${proc.pid}) after ${Date.now() - started} ms`);
        if (persistent && proc.pid) untrackPid(proc.pid);
        return;
      }
      await sleep(100);
    }
    const why = status() ? `exited (${status()}) before serving` : `did not serve within ${readyTimeoutMs} ms`;
    proc.kill('SIGKILL');
    await waitExit(proc);
    // Said apart from the tail: the JVM logs on after the bind fails, and the exception can scroll out
    // of the last lines (cc23c), where the caller's retry on a taken port looked for it.
    const whole = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
    const taken = /BindException|Address already in use/.test(whole) ? ' A port it was given was taken (BindException in its log).' : '';
    throw new Error(`${label} on ${HOST}:${port} ${why}.${taken} Last lines of its log:\n${tail(logFile)}`);
  }

  /** Sends `signal` (default SIGKILL) and, unless it is one that does not end a process, waits for the exit. */
  async function kill(/** @type {NodeJS.Signals} */ signal = 'SIGKILL') {
    if (!child) return;
    child.kill(signal);
    if (!['SIGSTOP', 'SIGCONT', 'SIGTSTP', 'SIGUSR1', 'SIGUSR2'].includes(String(signal))) await waitExit(child);
  }

  /** Waits for the exit, keeping Node alive meanwhile (the child is unref'd). */
  async function waitExit(/** @type {import('node:child_process').ChildProcess} */ proc) {
    proc.ref();
    await exited;
  }

  /** SIGTERM, SIGKILL after 5 s; resolves once the JVM is gone. */
  async function stop() {
    const proc = child;
    if (!proc) return;
    proc.kill('SIGTERM');
    proc.kill('SIGCONT'); // a SIGSTOPped JVM only acts on SIGTERM once continued
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
    clearTimeout(timer);
    if (child === proc) proc.kill('SIGKILL');
    await waitExit(proc);
  }

  return {
    start,
    stop,
    kill,
    logFile,
    /** PID of the current JVM, or of the last one once it is gone. */
    get pid() {
      return lastPid;
    },
    get running() {
      return child !== null;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Standalone server

/**
 * Starts a standalone server on 127.0.0.1 and resolves once it answers `srvr`.
 * @param {StartOptions} [options]
 * @returns {Promise<ZooKeeperServer>}
 */
async function startZooKeeper(options = {}) {
  const log = options.log ?? noop;
  const setup = await findZooKeeper({ install: options.install, log });
  if (options.persistent && !options.dir) throw new Error('startZooKeeper: a persistent server needs a dir');
  const ownsDir = !options.dir;
  const dir = options.dir ? path.resolve(options.dir) : makeTempDir('zk-');
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });

  const jvmOptions = [...(options.jvmOptions ?? [])];
  if (options.sasl) {
    // DIGEST-MD5 users for SASL clients; the JAAS file is the only way ZooKeeper takes them.
    const users = Object.entries(options.sasl.users).map(([user, password]) => `  user_${user}="${password}"`).join('\n');
    const jaas = path.join(dir, 'server_jaas.conf');
    fs.writeFileSync(jaas, `Server {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n${users};\n};\n`);
    jvmOptions.push(`-Djava.security.auth.login.config=${jaas}`);
  }
  if (options.kerberos) {
    // Measured: with both login modules in the Server section the server answers GSSAPI only
    // (a Kerberos principal in its subject makes every connection's SaslServer a GSSAPI one).
    if (options.sasl) throw new Error('startZooKeeper: a ZooKeeper server serves one SASL mechanism; give sasl (DIGEST-MD5) or kerberos (GSSAPI), not both');
    // GSSAPI: the server logs in with its keytab at start-up (start the KDC first). Java ignores
    // KRB5_CONFIG: without -Djava.security.krb5.conf it reads /etc/krb5.conf and clients go on unauthenticated.
    const k = options.kerberos;
    const jaas = path.join(dir, 'server_jaas.conf');
    fs.writeFileSync(
      jaas,
      `Server {\n  com.sun.security.auth.module.Krb5LoginModule required\n  useKeyTab=true\n  keyTab="${k.keytab}"\n` +
        `  storeKey=true\n  useTicketCache=false\n  principal="${k.principal}";\n};\n`,
    );
    jvmOptions.push(`-Djava.security.auth.login.config=${jaas}`, `-Djava.security.krb5.conf=${k.krb5Conf}`);
  }

  // Ports we pick ourselves can be taken by someone else before the JVM binds them (a port is free when
  // picked, then another test's server or client takes it): fresh ports, up to three tries.
  for (let attempt = 1; ; attempt++) {
    const [port, adminPort, securePort] = await pickPorts(options.port, options.adminPort, ...(options.tls ? [options.tls.securePort] : []));
    const config = {
      tickTime: options.tickTime ?? 2000,
      dataDir: path.join(dir, 'data'),
      clientPortAddress: HOST,
      clientPort: port,
      maxClientCnxns: 0,
      '4lw.commands.whitelist': '*',
      'admin.enableServer': 'true',
      'admin.serverAddress': HOST,
      'admin.serverPort': adminPort,
      extendedTypesEnabled: String(options.extendedTypes ?? true),
      ...(options.forceSync ? {} : { forceSync: 'no' }),
      ...(options.tls ? tlsConfig(options.tls, securePort) : {}),
      ...(options.sasl ? { 'authProvider.sasl': 'org.apache.zookeeper.server.auth.SASLAuthenticationProvider' } : {}),
      ...(options.kerberos ? kerberosConfig(options.kerberos) : {}),
      ...options.extraConfig,
    };
    writeConfig(path.join(dir, 'zoo.cfg'), config);
    const node = createNode({
      setup,
      dir,
      port,
      log,
      label: 'ZooKeeper',
      ready: () => isServing(port, HOST, 1000),
      jvmOptions,
      containerCheckIntervalMs: options.containerCheckIntervalMs,
      readyTimeoutMs: options.readyTimeoutMs,
      persistent: options.persistent,
    });
    try {
      await node.start();
    } catch (err) {
      const retry = attempt < 3 && !options.port && /Address already in use|BindException/.test(String(err));
      if (!retry) {
        if (ownsDir) removeTempDir(dir);
        throw err;
      }
      log('a port was taken meanwhile; retrying with fresh ports');
      continue;
    }
    return serverHandle(node, { port, adminPort, dir, ownsDir, ...(securePort ? { securePort } : {}) });
  }
}

/**
 * zoo.cfg entries for a TLS client port beside the plain one (which the ready check and the
 * "TLS client on a plain port" case use). Netty serves it; key and trust stores are PEM files.
 * @param {NonNullable<StartOptions['tls']>} tls @param {number} securePort
 */
function tlsConfig(tls, securePort) {
  return {
    serverCnxnFactory: 'org.apache.zookeeper.server.NettyServerCnxnFactory',
    secureClientPortAddress: HOST,
    secureClientPort: securePort,
    'ssl.keyStore.location': tls.keyStore,
    'ssl.keyStore.type': 'PEM',
    'ssl.trustStore.location': tls.trustStore,
    'ssl.trustStore.type': 'PEM',
    'ssl.clientAuth': tls.clientAuth ?? 'none',
    // Grants x509:<subject DN> to a client that presents a certificate.
    'authProvider.x509': 'org.apache.zookeeper.server.auth.X509AuthenticationProvider',
  };
}

/**
 * zoo.cfg entries for SASL GSSAPI: the SASL provider, and the principal mapping (alice@EXAMPLE.TEST →
 * `sasl:alice` when both remove* are true, ZooKeeper's default keeps the whole name).
 * @param {NonNullable<StartOptions['kerberos']>} k
 */
function kerberosConfig(k) {
  return {
    'authProvider.sasl': 'org.apache.zookeeper.server.auth.SASLAuthenticationProvider',
    'kerberos.removeHostFromPrincipal': String(k.removeHostFromPrincipal ?? false),
    'kerberos.removeRealmFromPrincipal': String(k.removeRealmFromPrincipal ?? false),
    // Unauthenticated clients get AUTH_FAILED (-124) and are cut off.
    ...(k.enforce ? { 'enforce.auth.enabled': 'true', 'enforce.auth.schemes': 'sasl' } : {}),
  };
}

/** The wanted ports, free ones in place of the missing. @param {(number | undefined)[]} wanted */
async function pickPorts(...wanted) {
  const fresh = await freePorts(wanted.filter((p) => !p).length);
  return wanted.map((p) => p || /** @type {number} */ (fresh.shift()));
}

/**
 * @param {ReturnType<typeof createNode>} node
 * @param {{ port: number, adminPort: number, dir: string, ownsDir: boolean, securePort?: number }} where
 * @returns {ZooKeeperServer}
 */
function serverHandle(node, { port, adminPort, dir, ownsDir, securePort }) {
  return {
    connectString: `${HOST}:${port}`,
    host: HOST,
    port,
    adminPort,
    ...(securePort ? { securePort, secureConnectString: `${HOST}:${securePort}` } : {}),
    dir,
    logFile: node.logFile,
    get pid() {
      return node.pid;
    },
    kill: node.kill,
    async stop() {
      await node.stop();
      if (ownsDir) removeTempDir(dir);
    },
    async restart() {
      await node.stop();
      await node.start();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Ensemble of `size` servers on loopback

/**
 * Starts `size` (3) servers on loopback and resolves once each is leader or follower.
 * @param {{ size?: number, dir?: string, tickTime?: number, install?: boolean, log?: Log, serverConfig?: (id: number) => Record<string, string>, reconfig?: boolean }} [options]
 * @returns {Promise<Ensemble>}
 */
async function startEnsemble(options = {}) {
  const log = options.log ?? noop;
  const size = options.size ?? 3;
  const setup = await findZooKeeper({ install: options.install, log });
  const ownsDir = !options.dir;
  const root = options.dir ? path.resolve(options.dir) : makeTempDir('zk-ensemble-');
  const ports = await freePorts(size * 4);
  const members = Array.from({ length: size }, (_, i) => ({
    id: i + 1,
    port: ports[i * 4],
    quorumPort: ports[i * 4 + 1],
    electionPort: ports[i * 4 + 2],
    adminPort: ports[i * 4 + 3],
  }));
  // With reconfig, each line names the role and client address too: /zookeeper/config then lists
  // every member's client port, which dynamic reconfiguration needs.
  const specOf = (/** @type {{ id: number, port: number, quorumPort: number, electionPort: number }} */ m) =>
    options.reconfig ? `${HOST}:${m.quorumPort}:${m.electionPort}:participant;${HOST}:${m.port}` : `${HOST}:${m.quorumPort}:${m.electionPort}`;
  const serverLines = Object.fromEntries(members.map((m) => [`server.${m.id}`, specOf(m)]));

  /** @param {{ id: number, port: number, quorumPort: number, electionPort: number, adminPort: number }} m @param {Record<string, string>} lines */
  const makeServer = (m, lines) => {
    const dir = path.join(root, `e${m.id}`);
    fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'data', 'myid'), `${m.id}\n`);
    writeConfig(path.join(dir, 'zoo.cfg'), {
      tickTime: options.tickTime ?? 500,
      initLimit: 10,
      syncLimit: 5,
      dataDir: path.join(dir, 'data'),
      clientPortAddress: HOST,
      clientPort: m.port,
      maxClientCnxns: 0,
      '4lw.commands.whitelist': '*',
      'admin.enableServer': 'true',
      'admin.serverAddress': HOST,
      'admin.serverPort': m.adminPort,
      extendedTypesEnabled: 'true',
      forceSync: 'no',
      ...(options.reconfig ? { reconfigEnabled: 'true', standaloneEnabled: 'false' } : {}),
      ...lines,
      // Per-server overrides (AdminServer off on one, a restricted whitelist on another).
      ...options.serverConfig?.(m.id),
    });
    const ready = async () => ['leader', 'follower', 'observer'].includes(String(await serverMode(m.port, HOST, 1000)));
    const node = createNode({ setup, dir, port: m.port, log, label: `ZooKeeper server ${m.id}`, ready });
    return {
      id: m.id,
      port: m.port,
      adminPort: m.adminPort,
      get pid() {
        return node.pid;
      },
      logFile: node.logFile,
      start: node.start,
      stop: node.stop,
      kill: node.kill,
      isLeader: async () => node.running && (await serverMode(m.port, HOST, 1000)) === 'leader',
    };
  };
  const servers = members.map((m) => makeServer(m, serverLines));

  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    if (ownsDir) removeTempDir(root);
  };
  try {
    await Promise.all(servers.map((s) => s.start()));
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    connectString: members.map((m) => `${HOST}:${m.port}`).join(','),
    dir: root,
    servers,
    stop,
    /**
     * Starts one more server (reconfig ensembles): configured with the first members and itself, so it
     * finds the leader and follows without a vote until a reconfig adds `spec` (its server.N=… line).
     */
    async addServer() {
      if (!options.reconfig) throw new Error('addServer needs an ensemble started with reconfig: true');
      const [port, quorumPort, electionPort, adminPort] = await freePorts(4);
      const m = { id: Math.max(...servers.map((x) => x.id)) + 1, port, quorumPort, electionPort, adminPort };
      const server = makeServer(m, { ...serverLines, [`server.${m.id}`]: specOf(m) });
      servers.push(server);
      await server.start();
      return { server, spec: `server.${m.id}=${specOf(m)}` };
    },
    /** Waits (up to `timeoutMs`) until one of the running servers says it is the leader. */
    async leader(timeoutMs = 30000) {
      const deadline = Date.now() + timeoutMs;
      do {
        const flags = await Promise.all(servers.map((s) => s.isLeader()));
        const found = servers.find((_, i) => flags[i]);
        if (found) return found;
        await sleep(100);
      } while (Date.now() < deadline);
      throw new Error(`no ZooKeeper leader elected within ${timeoutMs} ms`);
    },
  };
}

module.exports = { findZooKeeper, freePort, freePorts, fourLetterWord, serverMode, isServing, isAlive, stopPid, startZooKeeper, startEnsemble };
