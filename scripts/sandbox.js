#!/usr/bin/env node
// `npm run sandbox`: on a fresh machine, installs what is missing, builds the extension, starts a local
// ZooKeeper with the demo world, and opens VS Code with ZooKeeper Explorer connected to it: desktop
// VS Code when `code` is on PATH, otherwise the browser VS Code (code-server) on 127.0.0.1.
// Ctrl-C stops everything it started.
//   --big            also create /big/children with 10,000 children
//   --browser        use the browser VS Code even when `code` is on PATH
//   --port N         ZooKeeper client port (default 2181, or a free one when 2181 is taken)
//   --ensemble       a 3-server ensemble (free ports, fresh data in .sandbox/ensemble) instead of one server;
//                    type `stop N` / `start N` in the terminal (or kill a printed PID) to watch the Cluster view react
//   --kerberos       a throwaway MIT KDC (realm EXAMPLE.TEST, .sandbox/kerberos) and a Kerberized ZooKeeper instead of
//                    the TLS/SASL one; connection demo-kerberos logs in as alice from a ticket cache made by kinit
//   --no-open        start everything but do not open desktop VS Code (print how to); without `code`
//                    the browser VS Code's server is started as usual and its URL printed (nothing opens a browser)
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { EXAMPLES, SUPERSEDED } = require('./lib/sandboxExamples');

const root = path.resolve(__dirname, '..');
const sandboxDir = path.join(root, '.sandbox');
const log = (message) => console.log(`[sandbox] ${message}`);

function option(name) {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}
const flag = (name) => process.argv.includes(name);

function which(command) {
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function ensureInstalled() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  if (!fs.existsSync(marker)) {
    log('installing npm dependencies (npm ci)…');
    const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) throw new Error('npm ci failed; see above.');
  }
  log('building the extension…');
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('The build failed; see above.');
}

/** A workspace folder whose settings point ZooKeeper Explorer at the sandbox server. */
function writeWorkspace(connectString, { adminPorts, secured = [] } = {}) {
  const folder = path.join(sandboxDir, 'workspace');
  fs.mkdirSync(path.join(folder, '.vscode'), { recursive: true });
  const settings = {
    'zookeeper.connections': [{ name: 'demo', connectString }, ...secured],
    // The ensemble's AdminServers listen on free ports, not 8080: the Cluster view must be told.
    ...(adminPorts ? { 'zookeeper.cluster.adminPorts': { demo: adminPorts } } : {}),
    // The sandbox's own throwaway server: scripts may delete there without asking. Read only from user
    // settings (a workspace must not waive the question): the browser VS Code gets these as its user
    // settings; desktop VS Code keeps asking, since the sandbox does not touch the user's own settings.
    'zookeeper.scripts.sandboxConnections': ['demo', ...secured.map((c) => c.name)],
    // Writing to a cluster must be deliberate (the browser VS Code auto-saves after 1 s by default).
    'files.autoSave': 'off',
  };
  fs.writeFileSync(path.join(folder, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2) + '\n');
  fs.writeFileSync(
    path.join(folder, 'README.md'),
    '# ZooKeeper Explorer sandbox\n\nOpen the ZooKeeper view in the activity bar and expand **demo**.\n' +
      `The local ZooKeeper listens on ${connectString}; \`npm run sandbox\` stops it on Ctrl-C.\n` +
      (secured.some((c) => c.sasl?.mechanism === 'GSSAPI')
        ? '\nThe server is Kerberized (realm EXAMPLE.TEST, KDC and krb5.conf in .sandbox/kerberos): **demo-kerberos** logs in as ' +
          "`alice` from the ticket cache `kinit` made, **demo-kerberos-keytab** as `bob` from his keytab; only alice reads " +
          '`/kerberos/alice-only` (ACL `sasl:alice`).\n'
        : '') +
      (secured.some((c) => c.name === 'demo-tls')
        ? '\nThe same server also serves TLS and SASL: **demo-tls** connects over TLS with a client certificate (the server grants ' +
          '`x509:CN=alice,OU=eng,O=Example`), **demo-sasl** logs in with SASL DIGEST-MD5 as `demo` (password `demo-secret`, asked for once ' +
          'and kept in the keychain).\n'
        : ''),
  );
  // Examples for the language server: a script to run against the demo world and a zoo.cfg to check.
  const example = (name, lines) => {
    const file = path.join(folder, name);
    const text = (l) => l.join('\n') + '\n';
    // The user's edits stay; an unedited earlier version of the example is brought up to date.
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    if (current === undefined || (SUPERSEDED[name] ?? []).some((old) => text(old) === current)) fs.writeFileSync(file, text(lines));
  };
  for (const [name, lines] of Object.entries(EXAMPLES)) example(name, lines);
  return { folder, settings };
}

async function main() {
  const stops = [];
  let stopping = false;
  const stopAll = async (code) => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        console.error(`[sandbox] ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    log('stopped everything it started.');
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    ensureInstalled();
    const zookeeper = require('./lib/zookeeper');
    const { startDemoWorld } = require('./lib/demo');

    fs.mkdirSync(sandboxDir, { recursive: true });
    const server = flag('--ensemble')
      ? await startSandboxEnsemble(zookeeper, stops)
      : flag('--kerberos')
        ? await startSandboxKerberos(zookeeper, stops)
        : await startSandboxServer(zookeeper, stops);

    const demo = await startDemoWorld({ connectString: server.connectString, big: flag('--big') ? 10000 : undefined, log });
    stops.push(() => demo.stop());
    log('demo world ready: /config, /services, /locks, /election, /queues, /kafka, /curator, /binary' + (flag('--big') ? ', /big' : ''));
    await server.afterDemo?.();

    const { folder, settings } = writeWorkspace(server.connectString, { adminPorts: server.adminPorts, secured: server.secured });
    const code = flag('--browser') ? undefined : which('code');
    if (flag('--no-open') && code) {
      log(`not opening VS Code. Open ${folder} with: code --extensionDevelopmentPath=${root} ${folder}`);
    } else if (code) {
      log(`opening desktop VS Code (${code}) with the extension under development…`);
      const child = spawn(code, ['--new-window', `--extensionDevelopmentPath=${root}`, folder], { stdio: 'inherit' });
      child.on('error', (error) => log(`could not start ${code}: ${error.message}`));
    } else {
      const host = require('./lib/vscodeHost');
      log('no `code` on PATH: starting the browser VS Code (code-server)…');
      await host.ensureCodeServer({ log });
      // Installed from a fresh .vsix rather than loaded as a development extension: that needs the
      // smoke-test driver, which hides notifications (save conflicts, confirmations) from the user.
      const extensionsDir = path.join(sandboxDir, 'vscode-extensions');
      const vsix = packageVsix();
      fs.rmSync(extensionsDir, { recursive: true, force: true });
      fs.mkdirSync(extensionsDir, { recursive: true });
      const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
      await require('./lib/packageCheck').installVsix({ vsix, extensionsDir, tempRoot: fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'zke-sandbox-')), manifest, log });
      const vscodeServer = await host.startVSCodeServer({
        log,
        userDataDir: path.join(sandboxDir, 'vscode-user'),
        extensionsDir,
        settings,
        smokeTestDriver: false,
      });
      stops.push(() => vscodeServer.stop());
      const url = `${vscodeServer.url}/?folder=${encodeURIComponent(folder)}`;
      console.log(`\n  Open this in a browser on this machine:\n\n    ${url}\n`);
    }
    server.ready?.();
    log('running; press Ctrl-C to stop ZooKeeper, the demo clients' + (code ? '' : ' and the VS Code server') + '.');
    await new Promise(() => undefined);
  } catch (error) {
    console.error(`[sandbox] ${error instanceof Error ? error.message : String(error)}`);
    await stopAll(1);
  }
}

/** The default: one local server on 2181 (or a free port), data kept in .sandbox/zookeeper. */
async function startSandboxServer(zookeeper, stops) {
  const wanted = Number(option('--port') ?? 2181);
  const busy = !(await portFree(wanted));
  const port = busy ? await zookeeper.freePort() : wanted;
  if (busy) log(`port ${wanted} is taken; using ${port} instead`);
  // The same server also serves TLS (certificates cached in ~/.cache/zookeeper-explorer) and SASL.
  const security = require('./lib/demo').sandboxSecurity({ cacheDir: path.join(require('node:os').homedir(), '.cache', 'zookeeper-explorer', 'sandbox-certs') });
  const securePort = (await portFree(port + 100)) ? port + 100 : await zookeeper.freePort();
  const server = await zookeeper.startZooKeeper({
    dir: path.join(sandboxDir, 'zookeeper'),
    port,
    forceSync: true,
    install: true,
    log,
    ...security.serverOptions,
    tls: { ...security.serverOptions.tls, securePort },
  });
  stops.push(() => server.stop());
  log(`ZooKeeper ${server.connectString}, TLS on ${server.secureConnectString} (data in .sandbox/zookeeper, log ${path.relative(root, server.logFile)})`);
  log(`connections: demo (plain), demo-tls (TLS with the demo client certificate), demo-sasl (SASL user "${security.saslUser}", password "${security.saslPassword}": asked for once)`);
  return { connectString: server.connectString, secured: security.connections(server) };
}

/**
 * `--kerberos`: a KDC for EXAMPLE.TEST (users alice/alicepw and bob/bobpw, service zookeeper/localhost)
 * made afresh in .sandbox/kerberos, alice's ticket cache from kinit, and a ZooKeeper that accepts SASL
 * GSSAPI (ids mapped to sasl:alice). The plain `demo` connection still works (SASL is not enforced);
 * `demo-kerberos` logs in from the ticket cache, `demo-kerberos-keytab` from bob's keytab. A node
 * /kerberos/alice-only (ACL sasl:alice) shows the difference.
 */
async function startSandboxKerberos(zookeeper, stops) {
  const kerberos = require('./lib/kerberos');
  const dir = path.join(sandboxDir, 'kerberos');
  const kdc = await kerberos.startKdc({ dir, install: true, log });
  stops.push(() => kdc.stop());
  const ccache = await kdc.kinit('alice');
  const wanted = Number(option('--port') ?? 2181);
  const port = (await portFree(wanted)) ? wanted : await zookeeper.freePort();
  const zkDir = path.join(sandboxDir, 'kerberos-zookeeper');
  // A fresh realm has fresh keys: the server's data may stay, its JAAS file is written again.
  const server = await zookeeper.startZooKeeper({ dir: zkDir, port, install: true, log, kerberos: kerberos.zooKeeperKerberos(kdc) });
  stops.push(() => server.stop());
  log(`KDC for ${kdc.realm} on ${kdc.kdcAddress} (pid ${kdc.pid}; krb5.conf ${kdc.krb5Conf})`);
  log(`Kerberized ZooKeeper ${server.connectString} (data in .sandbox/kerberos-zookeeper, log ${path.relative(root, server.logFile)})`);
  log(`alice's ticket cache: ${ccache} (try: KRB5_CONFIG=${kdc.krb5Conf} klist -c FILE:${ccache}); passwords alicepw, bobpw`);
  const sasl = { mechanism: 'GSSAPI', krb5Conf: kdc.krb5Conf };
  return {
    connectString: server.connectString,
    secured: [
      { name: 'demo-kerberos', connectString: server.connectString, sasl: { ...sasl, ccache } },
      { name: 'demo-kerberos-keytab', connectString: server.connectString, sasl: { ...sasl, principal: kdc.principals.bob.principal, keytab: kdc.principals.bob.keytab } },
    ],
    afterDemo: () => aliceOnlyNode(server.connectString),
  };
}

/** /kerberos/alice-only with ACL sasl:alice (any client may set an ACL naming another identity on create). */
function aliceOnlyNode(connectString) {
  const nzc = require('node-zookeeper-client');
  const client = nzc.createClient(connectString);
  const acl = [new nzc.ACL(nzc.Permission.ALL, new nzc.Id('sasl', 'alice'))];
  return new Promise((resolve, reject) => {
    client.once('connected', () => {
      client.mkdirp('/kerberos', (error) => {
        if (error) return finish(error);
        client.create('/kerberos/alice-only', Buffer.from('only sasl:alice reads this\n'), acl, (err) => finish(err && err.getCode?.() !== nzc.Exception.NODE_EXISTS ? err : undefined));
      });
    });
    const finish = (error) => {
      client.close();
      if (error) reject(error);
      else {
        log('/kerberos/alice-only: ACL sasl:alice (demo-kerberos reads it; demo and demo-kerberos-keytab, as bob, get "not authorized")');
        resolve(undefined);
      }
    };
    client.connect();
  });
}

/**
 * `--ensemble`: three servers on free loopback ports, each with its AdminServer, started afresh
 * (a kept data folder would hold the last run's ports in its configuration). Once everything runs,
 * `stop N` / `start N` on stdin stop and start server N, so the Cluster view can be watched react.
 */
async function startSandboxEnsemble(zookeeper, stops) {
  const dir = path.join(sandboxDir, 'ensemble');
  fs.rmSync(dir, { recursive: true, force: true });
  const ensemble = await zookeeper.startEnsemble({ dir, install: true, log });
  stops.push(() => ensemble.stop());
  const describe = () => {
    for (const s of ensemble.servers) log(`  server ${s.id}: client 127.0.0.1:${s.port}, AdminServer ${s.adminPort}, pid ${s.pid}, log ${path.relative(root, s.logFile)}`);
  };
  log(`ZooKeeper ensemble ${ensemble.connectString} (data in .sandbox/ensemble)`);
  describe();
  const adminPorts = Object.fromEntries(ensemble.servers.map((s) => [`127.0.0.1:${s.port}`, s.adminPort]));
  const ready = () => {
    log('type `stop N` or `start N` (N = 1..3) and Enter to stop or start a server, or `kill <pid>` in another terminal;');
    log('the Cluster view (expand demo there) shows it within one zookeeper.cluster.refreshInterval.');
    const lines = require('node:readline').createInterface({ input: process.stdin });
    stops.push(() => lines.close());
    lines.on('line', (line) => {
      const match = /^\s*(stop|start)\s+(\d+)\s*$/.exec(line);
      const target = match && ensemble.servers.find((s) => s.id === Number(match[2]));
      if (!match || !target) return log('say `stop N` or `start N`, N = 1..3');
      log(`${match[1] === 'stop' ? 'stopping' : 'starting'} server ${target.id}…`);
      // start() waits until the server leads or follows, which needs a quorum running.
      (match[1] === 'stop' ? target.stop() : target.start()).then(
        () => {
          log(`server ${target.id} ${match[1] === 'stop' ? 'stopped' : 'started'}`);
          describe();
        },
        (error) => log(`server ${target.id}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`),
      );
    });
  };
  return { connectString: ensemble.connectString, adminPorts, ready };
}

/** Builds the .vsix (scripts/package.mjs) and returns its path. */
function packageVsix() {
  const result = spawnSync(process.execPath, ['scripts/package.mjs'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`Packaging the extension failed:\n${result.stdout}${result.stderr}`);
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  return path.join(root, `${manifest.name}-${manifest.version}.vsix`);
}

function portFree(port) {
  return new Promise((resolve) => {
    const probe = require('node:net').createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

void main();
