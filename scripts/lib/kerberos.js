'use strict';
// A throwaway MIT Kerberos realm on loopback for the test tiers, the sandbox and the benchmark: its
// own krb5.conf and kdc.conf in a folder (the machine's /etc/krb5.conf is never read or written),
// a KDC on a free 127.0.0.1 port started and stopped by PID, principals with keytabs, and kinit
// into FILE credential caches. Installs krb5-kdc/krb5-admin-server/krb5-user with apt-get when
// missing (root on Debian). Node built-ins only; types in kerberos.d.ts.
//
// Pitfalls this file works around (see the notes on Kerberos):
// - MIT profiles need `{` at line end and one relation per line; a one-line `{ ... }` is misread
//   and kdb5_util silently uses the global /var/lib/krb5kdc. We check it names our database.
// - `ktadd` re-keys a principal unless given -norandkey: the users' passwords would stop working.
// - Java ignores KRB5_CONFIG: a Kerberized ZooKeeper needs -Djava.security.krb5.conf (zookeeper.js).

const fs = require('node:fs');
const path = require('node:path');
const net = require('node:net');
const { spawn, execFile } = require('node:child_process');
const { aptInstall, canAptInstall } = require('./apt');
const { freePort } = require('./zookeeper');
const { trackPid, untrackPid, makeTempDir, removeTempDir, isAlive, stopPid } = require('./processes');

/** @typedef {import('./kerberos').Log} Log */
/** @typedef {import('./kerberos').KerberosTools} KerberosTools */
/** @typedef {import('./kerberos').KdcOptions} KdcOptions */
/** @typedef {import('./kerberos').Kdc} Kdc */

const HOST = '127.0.0.1';
const PACKAGES = ['krb5-kdc', 'krb5-admin-server', 'krb5-user'];
const TOOLS = /** @type {const} */ (['krb5kdc', 'kdb5_util', 'kadmin.local', 'kinit', 'klist', 'kdestroy']);
const SEARCH = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', '/opt/homebrew/opt/krb5/sbin', '/opt/homebrew/opt/krb5/bin', '/usr/local/opt/krb5/sbin', '/usr/local/opt/krb5/bin'];
const HOW_TO_GET =
  'Install MIT Kerberos with `sudo apt-get install -y krb5-kdc krb5-admin-server krb5-user` (Debian/Ubuntu) ' +
  'or `brew install krb5` (macOS).';
/** The master key password of a throwaway database: it protects nothing. */
const MASTER_PASSWORD = 'throwaway-master';

const noop = () => {};
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @returns {Partial<KerberosTools>} */
function locateTools() {
  /** @type {Record<string, string>} */
  const found = {};
  const dirs = [...SEARCH, ...(process.env.PATH || '').split(path.delimiter).filter(Boolean)];
  for (const tool of TOOLS) {
    for (const dir of dirs) {
      const file = path.join(dir, tool);
      try {
        fs.accessSync(file, fs.constants.X_OK);
        found[tool.replace('.', '_')] = file;
        break;
      } catch {
        // not here
      }
    }
  }
  return found;
}

/**
 * Finds the MIT Kerberos programs; with `install` as root on Debian, installs them first when missing.
 * @param {{ install?: boolean, log?: Log }} [options]
 * @returns {Promise<KerberosTools>}
 */
async function findKerberos(options = {}) {
  const log = options.log ?? noop;
  let tools = locateTools();
  const missing = () => TOOLS.filter((t) => !tools[/** @type {keyof KerberosTools} */ (t.replace('.', '_'))]);
  if (missing().length && options.install && canAptInstall()) {
    await aptInstall(PACKAGES, { log });
    tools = locateTools();
  }
  if (missing().length) throw new Error(`MIT Kerberos programs not found (${missing().join(', ')}). ${HOW_TO_GET}`);
  return /** @type {KerberosTools} */ (tools);
}

/**
 * Runs a Kerberos program with the realm's environment; rejects with its output on failure.
 * @param {string} file @param {string[]} args @param {NodeJS.ProcessEnv} env @param {string} [input]
 * @returns {Promise<string>}
 */
function runTool(file, args, env, input) {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { env, timeout: 60000 }, (err, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (err) reject(new Error(`${path.basename(file)} ${args.join(' ')} failed: ${output.trim() || err.message}`));
      else resolve(output);
    });
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

/** kadmin's -q argument is one string: principal names and passwords must not break its quoting. @param {string} value */
function quoted(value) {
  if (/["\\\n]/.test(value)) throw new Error(`kadmin value with a quote, backslash or newline: ${JSON.stringify(value)}`);
  return `"${value}"`;
}

/**
 * krb5.conf for the realm. `clockSkewSeconds` is read by every MIT program using this file (the KDC
 * and kinit) and by Java (ZooKeeper); `ticketLifetime` is what kinit asks for by default.
 * @param {{ realm: string, kdc: string, clockSkewSeconds?: number, ticketLifetime?: string }} o
 */
function krb5Conf(o) {
  // One relation per line, `{` at line end: see the pitfalls above.
  return [
    '[libdefaults]',
    `  default_realm = ${o.realm}`,
    '  dns_lookup_kdc = false',
    '  dns_lookup_realm = false',
    '  rdns = false',
    '  dns_canonicalize_hostname = false',
    // TCP only: the pure-TypeScript client speaks TCP, and one transport keeps the KDC log simple.
    '  udp_preference_limit = 1',
    ...(o.clockSkewSeconds !== undefined ? [`  clockskew = ${o.clockSkewSeconds}`] : []),
    ...(o.ticketLifetime ? [`  ticket_lifetime = ${o.ticketLifetime}`] : []),
    '[realms]',
    `  ${o.realm} = {`,
    `    kdc = ${o.kdc}`,
    '  }',
    '[domain_realm]',
    `  localhost = ${o.realm}`,
    '',
  ].join('\n');
}

/** @param {{ realm: string, port: number, dir: string, maxLife?: string, maxRenewableLife?: string }} o */
function kdcConf(o) {
  return [
    '[kdcdefaults]',
    `  kdc_listen = ${HOST}:${o.port}`,
    `  kdc_tcp_listen = ${HOST}:${o.port}`,
    '[realms]',
    `  ${o.realm} = {`,
    `    database_name = ${path.join(o.dir, 'principal')}`,
    `    key_stash_file = ${path.join(o.dir, 'stash')}`,
    `    acl_file = ${path.join(o.dir, 'kadm5.acl')}`,
    '    default_principal_flags = +preauth',
    `    max_life = ${o.maxLife ?? '10h 0m 0s'}`,
    `    max_renewable_life = ${o.maxRenewableLife ?? '7d 0h 0m 0s'}`,
    '  }',
    '[logging]',
    `  kdc = FILE:${path.join(o.dir, 'kdc.log')}`,
    `  admin_server = FILE:${path.join(o.dir, 'kadmin.log')}`,
    `  default = FILE:${path.join(o.dir, 'krb5lib.log')}`,
    '',
  ].join('\n');
}

/** True once something accepts TCP connections on the port. @param {number} port */
function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    const done = (/** @type {boolean} */ ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Creates the realm (database, principals, keytabs) and starts its KDC.
 * @param {KdcOptions} [options]
 * @returns {Promise<Kdc>}
 */
async function startKdc(options = {}) {
  const log = options.log ?? noop;
  const tools = await findKerberos({ install: options.install, log });
  const started = Date.now();
  const realm = options.realm ?? 'EXAMPLE.TEST';
  if (options.persistent && !options.dir) throw new Error('startKdc: a persistent KDC needs a dir');
  const ownsDir = !options.dir;
  const dir = options.dir ? path.resolve(options.dir) : makeTempDir('zke-krb-');
  // A fresh realm every start: an old database would keep old keys, and keytabs would not match.
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (/^(principal|stash|kdc\.log|kadmin\.log|krb5lib\.log|.*\.keytab|.*\.cc|krb5\.conf|kdc\.conf|kadm5\.acl|kdc\.pid)/.test(name)) {
      fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    }
  }
  fs.mkdirSync(dir, { recursive: true });
  const port = options.port ?? (await freePort());
  const kdcAddress = `${HOST}:${port}`;
  const files = { krb5Conf: path.join(dir, 'krb5.conf'), kdcConf: path.join(dir, 'kdc.conf') };
  fs.writeFileSync(files.krb5Conf, krb5Conf({ realm, kdc: kdcAddress, clockSkewSeconds: options.clockSkewSeconds, ticketLifetime: options.ticketLifetime }));
  fs.writeFileSync(files.kdcConf, kdcConf({ realm, port, dir, maxLife: options.maxLife, maxRenewableLife: options.maxRenewableLife }));
  fs.writeFileSync(path.join(dir, 'kadm5.acl'), '');
  // Only these two variables: a KRB5CCNAME or KRB5_CLIENT_KTNAME of the caller must not leak in.
  const env = { PATH: process.env.PATH, KRB5_CONFIG: files.krb5Conf, KRB5_KDC_PROFILE: files.kdcConf };

  const created = await runTool(tools.kdb5_util, ['create', '-s', '-r', realm, '-P', MASTER_PASSWORD], env);
  if (!created.includes(path.join(dir, 'principal'))) {
    throw new Error(`kdb5_util did not create the database in ${dir} (a misread kdc.conf?): ${created.trim()}`);
  }
  const kadmin = (/** @type {string} */ query) => runTool(tools.kadmin_local, ['-r', realm, '-q', query], env);

  /** @type {Record<string, { principal: string, password?: string, keytab: string }>} */
  const principals = {};
  /** @param {string} name @param {{ password?: string, maxLife?: string, requiresPreauth?: boolean }} [spec] */
  const addPrincipal = async (name, spec = {}) => {
    const principal = name.includes('@') ? name : `${name}@${realm}`;
    const flags = [
      ...(spec.password !== undefined ? ['-pw', quoted(spec.password)] : ['-randkey']),
      ...(spec.maxLife ? ['-maxlife', quoted(spec.maxLife)] : []),
      ...(spec.requiresPreauth === false ? ['-requires_preauth'] : []),
    ];
    await kadmin(`addprinc ${flags.join(' ')} ${principal}`);
    const keytab = path.join(dir, `${name.replace(/[/@]/g, '_')}.keytab`);
    // -norandkey: export the current keys; without it the password would stop working.
    await kadmin(`ktadd -norandkey -k ${keytab} ${principal}`);
    principals[name] = { principal, keytab, ...(spec.password !== undefined ? { password: spec.password } : {}) };
    return principals[name];
  };

  const users = options.users ?? { alice: { password: 'alicepw' }, bob: { password: 'bobpw' } };
  for (const [name, spec] of Object.entries(users)) await addPrincipal(name, spec);
  for (const service of options.services ?? ['zookeeper/localhost']) await addPrincipal(service);

  let pid = 0;
  const start = async () => {
    if (pid && isAlive(pid)) throw new Error(`the KDC is already running (pid ${pid})`);
    const out = fs.openSync(path.join(dir, 'krb5kdc.out'), 'a');
    // -n: stay in the foreground, so its PID is ours to stop; detached: Ctrl-C in a terminal reaches only us.
    const child = spawn(tools.krb5kdc, ['-n', '-r', realm, '-P', path.join(dir, 'kdc.pid')], { env, detached: true, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    child.unref();
    pid = child.pid ?? 0;
    if (pid && !options.persistent) trackPid(pid);
    let exit = '';
    child.once('exit', (code, sig) => {
      exit = sig ? `killed by ${sig}` : `exit code ${code}`;
      untrackPid(child.pid ?? 0);
    });
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline && !exit) {
      if (await accepts(port)) return;
      await sleep(50);
    }
    const logTail = (() => {
      try {
        return fs.readFileSync(path.join(dir, 'kdc.log'), 'utf8').trim().split('\n').slice(-10).join('\n');
      } catch {
        return '(no log)';
      }
    })();
    if (!exit) await stopPid(pid, 1000);
    throw new Error(`the KDC on ${kdcAddress} ${exit ? `exited (${exit})` : 'did not listen within 30 s'}. Its log:\n${logTail}`);
  };
  const stop = async () => {
    if (pid) {
      await stopPid(pid, 3000);
      untrackPid(pid);
    }
  };

  try {
    await start();
  } catch (err) {
    if (ownsDir) removeTempDir(dir);
    throw err;
  }
  log(`KDC for ${realm} on ${kdcAddress} (pid ${pid}, ${dir}) after ${Date.now() - started} ms`);

  /** @type {Kdc} */
  const kdc = {
    realm,
    host: HOST,
    port,
    kdcAddress,
    dir,
    krb5Conf: files.krb5Conf,
    kdcConf: files.kdcConf,
    env,
    get pid() {
      return pid;
    },
    principals,
    addPrincipal,
    async deletePrincipal(name) {
      const principal = name.includes('@') ? name : `${name}@${realm}`;
      await kadmin(`delprinc -force ${principal}`);
      delete principals[name];
    },
    async changePassword(name, password) {
      const principal = name.includes('@') ? name : `${name}@${realm}`;
      await kadmin(`cpw -pw ${quoted(password)} ${principal}`);
      const keytab = path.join(dir, `${name.replace(/[/@]/g, '_')}.keytab`);
      fs.rmSync(keytab, { force: true });
      await kadmin(`ktadd -norandkey -k ${keytab} ${principal}`);
      if (principals[name]) principals[name].password = password;
    },
    kadmin,
    async kinit(name, kinitOptions = {}) {
      const entry = principals[name];
      const principal = entry?.principal ?? (name.includes('@') ? name : `${name}@${realm}`);
      const ccache = kinitOptions.ccache ?? path.join(dir, `${name.replace(/[/@]/g, '_')}.cc`);
      const args = ['-c', `FILE:${ccache}`, ...(kinitOptions.lifetime ? ['-l', kinitOptions.lifetime] : []), ...(kinitOptions.renewable ? ['-r', kinitOptions.renewable] : [])];
      if (kinitOptions.password === undefined && entry) {
        await runTool(tools.kinit, [...args, '-kt', entry.keytab, principal], env);
      } else {
        const password = kinitOptions.password ?? entry?.password;
        if (password === undefined) throw new Error(`kinit ${principal}: no keytab and no password`);
        await runTool(tools.kinit, [...args, principal], env, `${password}\n`);
      }
      return ccache;
    },
    klist(ccache) {
      return runTool(tools.klist, ['-e', '-c', `FILE:${ccache}`], env);
    },
    start,
    stop,
    async restart() {
      await stop();
      await start();
    },
    async dispose() {
      await stop();
      if (ownsDir) removeTempDir(dir);
    },
  };
  return kdc;
}

/**
 * zookeeper.js `kerberos` start options for a server whose service principal lives in `kdc`.
 * @param {Kdc} kdc @param {{ service?: string, mapping?: boolean, enforce?: boolean }} [options]
 * @returns {NonNullable<import('./zookeeper').StartOptions['kerberos']>}
 */
function zooKeeperKerberos(kdc, options = {}) {
  const service = options.service ?? 'zookeeper/localhost';
  const entry = kdc.principals[service];
  if (!entry) throw new Error(`no principal ${service} in the realm (startKdc's services)`);
  return {
    krb5Conf: kdc.krb5Conf,
    keytab: entry.keytab,
    principal: entry.principal,
    removeHostFromPrincipal: options.mapping ?? true,
    removeRealmFromPrincipal: options.mapping ?? true,
    ...(options.enforce ? { enforce: true } : {}),
  };
}

module.exports = { findKerberos, startKdc, zooKeeperKerberos };
