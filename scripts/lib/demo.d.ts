// Types for scripts/lib/demo.js: the demo world (real kazoo + Curator recipe clients) for the
// sandbox and the e2e tests.

export type Log = (message: string) => void;

export interface DemoWorldOptions {
  /** ZooKeeper connect string, e.g. "127.0.0.1:2181". */
  connectString: string;
  /** Also create /big/children with this many persistent children (child-00000...). Default 0: none. */
  big?: number;
  /** Folder for the ready files. Default: a fresh temp folder, removed by stop(). */
  workDir?: string;
  /** Progress and the processes' stdout/stderr lines. Default: silent. */
  log?: Log;
  /** How long to wait for each process's ready file. Default 120000 ms. */
  timeoutMs?: number;
}

export interface SessionMap {
  [participant: string]: string; // "0x1000..." session id
}

/** What scripts/demo/world.py wrote to its ready file. */
export interface KazooSummary {
  pid: number;
  connect: string;
  /** Session id of the process's main client (persistent data). */
  session: string;
  /** Persistent paths this run created (empty when the world already existed). */
  created: string[];
  elapsedMs: number;
  queue: { path: string; items: number; added: number };
  counter: { path: string; value: number };
  kafka: { brokers: { path: string; session: string }[]; controller: string };
  services: { path: string; service: 'orders' | 'payments'; session: string }[];
  lock: { path: string; recipe: 'kazoo.Lock'; holder: string; contenders: string[]; sessions: SessionMap; nodes: string[] };
  election: { path: string; recipe: 'kazoo.Election'; leader: string; contenders: string[]; sessions: SessionMap; nodes: string[] };
  big?: { path: string; children: number; created: number; ms: number };
}

/** What scripts/demo/CuratorDemo.java wrote to its ready file. */
export interface CuratorSummary {
  pid: number;
  connect: string;
  elapsedMs: number;
  mutex: { path: string; recipe: 'InterProcessMutex'; holder: string; waiting: string[]; sessions: SessionMap; nodes: string[] };
  latch: { path: string; recipe: 'LeaderLatch'; leader: string; participants: string[]; sessions: SessionMap; nodes: string[] };
}

export interface DemoWorldSummary {
  connectString: string;
  workDir: string;
  kazoo: KazooSummary;
  curator: CuratorSummary;
  timings: {
    totalMs: number;
    kazooReadyMs: number;
    curatorReadyMs: number;
    /** Time to find or build CuratorDemo's classes. */
    compileMs: number;
    /** True when CuratorDemo.java was (re)compiled in this call. */
    compiled: boolean;
  };
}

export interface DemoProcessExit {
  name: 'world.py' | 'CuratorDemo';
  code: number | null;
  signal: string | null;
}

export interface DemoWorld {
  /** SIGTERM to both processes (they release their recipes and close their sessions), SIGKILL after 5 s; waits for both exits. Idempotent. */
  stop(): Promise<void>;
  /** [world.py, CuratorDemo] */
  pids: number[];
  summary: DemoWorldSummary;
  /** Resolves when the first of the two processes exits (after stop(), or unexpectedly). */
  exited: Promise<DemoProcessExit>;
  /** Resolves once both processes exited: [world.py, CuratorDemo]. A clean stop() gives code 0 for both. */
  allExited: Promise<DemoProcessExit[]>;
}

/**
 * Starts scripts/demo/world.py (kazoo, /usr/bin/python3) and CuratorDemo (compiled once into
 * ${XDG_CACHE_HOME:-~/.cache}/zookeeper-explorer/curator-demo/) against `connectString` and resolves
 * once both wrote their ready files. As root on Debian, installs python3-kazoo / the Curator
 * packages with apt-get when missing; otherwise rejects with how to get them. Rejects with the
 * process's stderr tail when one dies during start-up.
 */
export function startDemoWorld(options: DemoWorldOptions): Promise<DemoWorld>;

/** Paths the demo world makes. */
export const DEMO_PATHS: {
  readonly config: readonly string[];
  readonly kafkaBrokers: string;
  readonly kafkaController: string;
  readonly services: { readonly orders: string; readonly payments: string };
  readonly queue: string;
  readonly binary: string;
  readonly counter: string;
  readonly kazooLock: string;
  readonly kazooElection: string;
  readonly curatorMutex: string;
  readonly curatorLatch: string;
  readonly big: string;
};

/** ${XDG_CACHE_HOME:-~/.cache}/zookeeper-explorer/curator-demo */
export function curatorCacheDir(): string;
export function findPython(log: Log): Promise<{ python: string; kazoo: string }>;
export function findCurator(log: Log): Promise<{ java: string; javac: string; classpath: string[] }>;
export function compileCurator(javac: string, classpath: string[], log: Log): Promise<{ classesDir: string; compiled: boolean; ms: number }>;

/** The sandbox's TLS and SASL set-up: server options for startZooKeeper and the demo-tls / demo-sasl connections. */
export function sandboxSecurity(options: { cacheDir: string }): {
  certs: import('./certs').CertificateSet;
  saslUser: string;
  saslPassword: string;
  serverOptions: { tls: { keyStore: string; trustStore: string; clientAuth: 'want' }; sasl: { users: Record<string, string> } };
  connections(server: { connectString: string; secureConnectString: string }): Record<string, unknown>[];
};
