// Types for scripts/lib/zookeeper.js: a real local Apache ZooKeeper for tests, the sandbox and CI.

export type Log = (message: string) => void;

export interface ZooKeeperSetup {
  /** Path of the java executable. */
  java: string;
  /** Jars to put on the classpath. */
  classpath: string[];
  source: 'ZOOKEEPER_HOME' | 'homebrew' | 'debian';
}

/**
 * Finds ZooKeeper ($ZOOKEEPER_HOME, Debian's /usr/share/java jars, Homebrew) and Java ($JAVA_HOME,
 * PATH). With `install: true`, as root on Debian, installs what is missing with apt-get.
 * Throws an Error that says how to get them.
 */
export function findZooKeeper(options?: { install?: boolean; log?: Log }): Promise<ZooKeeperSetup>;

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number>;
/** `count` distinct free TCP ports on 127.0.0.1. */
export function freePorts(count: number): Promise<number[]>;

/** Sends a four-letter word (srvr, mntr, ruok, ...) and resolves with the reply, '' on error or timeout. Never hangs. */
export function fourLetterWord(command: string, port: number, host?: string, timeoutMs?: number): Promise<string>;
/** The `Mode:` reported by `srvr` (standalone, leader, follower, observer), or null when not serving. */
export function serverMode(port: number, host?: string, timeoutMs?: number): Promise<string | null>;
/** True when `srvr` answers with a `Mode: ` line. Defaults: host 127.0.0.1, timeout 2000 ms. */
export function isServing(port: number, host?: string, timeoutMs?: number): Promise<boolean>;

/** True when the process exists and is not a zombie. */
export function isAlive(pid: number): boolean;
/** Stops any process by PID: SIGTERM, SIGKILL after `graceMs` (5000); resolves once it is gone. */
export function stopPid(pid: number, graceMs?: number): Promise<void>;

export interface StartOptions {
  /** Folder for zoo.cfg, log4j.properties, data/ and zookeeper.log. Default: a fresh temp folder, removed by stop(). */
  dir?: string;
  /** Client port; default: a free port. */
  port?: number;
  /** AdminServer port; default: a free port. */
  adminPort?: number;
  /** extendedTypesEnabled (TTL nodes). Default true. */
  extendedTypes?: boolean;
  /** false (default, for tests) writes forceSync=no; true keeps ZooKeeper's default (fsync). */
  forceSync?: boolean;
  /** Default 2000. */
  tickTime?: number;
  /** znode.container.checkIntervalMs. Default 1000. */
  containerCheckIntervalMs?: number;
  /** Extra zoo.cfg entries; they override the generated ones. */
  extraConfig?: Record<string, string>;
  /**
   * Also serve TLS on a secure client port (Netty), beside the plain one. Key and trust stores are
   * PEM files (scripts/lib/certs.js makes them); `clientAuth` defaults to none here (ZooKeeper's
   * own default is need). A client certificate is granted `x509:<subject DN>`.
   */
  tls?: { keyStore: string; trustStore: string; clientAuth?: 'none' | 'want' | 'need'; securePort?: number };
  /** SASL DIGEST-MD5: these users (name → password) in a JAAS Server section, and the SASL auth provider. */
  sasl?: { users: Record<string, string> };
  /**
   * SASL GSSAPI (Kerberos; not with `sasl`): the service principal's keytab in a JAAS Server section
   * (Krb5LoginModule), the SASL auth provider, -Djava.security.krb5.conf, and the kerberos.* principal
   * mapping (both default false, ZooKeeper's default: the id is `sasl:alice@EXAMPLE.TEST`).
   * `enforce`: enforce.auth.enabled with scheme sasl. scripts/lib/kerberos.js zooKeeperKerberos() makes it.
   */
  kerberos?: {
    krb5Conf: string;
    keytab: string;
    principal: string;
    removeHostFromPrincipal?: boolean;
    removeRealmFromPrincipal?: boolean;
    enforce?: boolean;
  };
  /** Extra JVM options, e.g. -Djava.security.auth.login.config=... */
  jvmOptions?: string[];
  /** Install ZooKeeper/Java with apt-get when missing (root on Debian only). */
  install?: boolean;
  log?: Log;
  /** Default 60000. */
  readyTimeoutMs?: number;
  /**
   * Leave the server running when this Node process exits (the sandbox CLI). Needs `dir`.
   * Until it is ready it is still killed if this process dies.
   */
  persistent?: boolean;
}

export interface ZooKeeperServer {
  /** "127.0.0.1:PORT" */
  readonly connectString: string;
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly adminPort: number;
  /** With `tls`: the TLS client port and "127.0.0.1:PORT" for it. */
  readonly securePort?: number;
  readonly secureConnectString?: string;
  readonly dir: string;
  /** PID of the running JVM (after it stopped: of the last one). Changes on restart(). */
  readonly pid: number;
  /** stdout/stderr of the JVM, including the log4j output. */
  readonly logFile: string;
  /** SIGTERM, SIGKILL after 5 s, waits for the exit; removes `dir` when it is a temp folder we created. */
  stop(): Promise<void>;
  /**
   * Sends a signal (default SIGKILL) and waits for the exit (not for SIGSTOP/SIGCONT/SIGTSTP/SIGUSR1/SIGUSR2).
   * Keeps `dir`: call restart() to bring it back, stop() to clean up.
   */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops (if running) and starts again on the same ports and data dir; resolves once serving. */
  restart(): Promise<void>;
}

export function startZooKeeper(options?: StartOptions): Promise<ZooKeeperServer>;

export interface EnsembleServer {
  /** myid: 1..size */
  readonly id: number;
  readonly port: number;
  readonly adminPort: number;
  /** PID of the running JVM (after it stopped: of the last one). */
  readonly pid: number;
  readonly logFile: string;
  stop(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again (same ports and data); resolves once it is leader or follower, so a quorum must be up. */
  start(): Promise<void>;
  isLeader(): Promise<boolean>;
}

export interface Ensemble {
  /** "127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3" */
  readonly connectString: string;
  readonly dir: string;
  readonly servers: EnsembleServer[];
  /** Waits (default up to 30 s) until a running server reports Mode: leader. */
  leader(timeoutMs?: number): Promise<EnsembleServer>;
  /** Stops every server and removes `dir` when it is a temp folder we created. */
  stop(): Promise<void>;
  /**
   * Ensembles started with `reconfig: true`: starts one more server (next id) that follows without a
   * vote; `spec` is its `server.N=…` line for a reconfig that adds it. It joins `servers`.
   */
  addServer(): Promise<{ server: EnsembleServer; spec: string }>;
}

export function startEnsemble(options?: {
  size?: number;
  dir?: string;
  tickTime?: number;
  install?: boolean;
  log?: Log;
  /** Extra zoo.cfg entries for server `id` (1..size); they override the generated ones. */
  serverConfig?: (id: number) => Record<string, string>;
  /**
   * Dynamic reconfiguration: reconfigEnabled=true, standaloneEnabled=false, and server lines with
   * role and client address (`server.N=host:q:e:participant;host:clientPort`). Default false.
   */
  reconfig?: boolean;
}): Promise<Ensemble>;
