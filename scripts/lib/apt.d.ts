// Types for scripts/lib/apt.js: the one, serialized, way scripts/lib installs Debian packages.

export interface AptInstallOptions {
  /** Progress lines. Default: silent. */
  log?: (message: string) => void;
  /** apt-get's output is appended here too (it is always kept for the error message). */
  logFile?: string;
  /** Pass `--no-install-recommends`. */
  noInstallRecommends?: boolean;
}

export type AptRunner = (args: string[], options: { logFile?: string }) => Promise<{ code: number; output: string }>;

/** `apt-get install -y PACKAGES` (one `apt-get update` and a retry if it fails), one at a time in this process. */
export function aptInstall(packages: string[], options?: AptInstallOptions): Promise<void>;
/** A serialized installer around `runner` (apt-get by default); for tests. */
export function createAptInstaller(runner: AptRunner): typeof aptInstall;
/** Root on a Debian-like Linux with apt-get. */
export function canAptInstall(): boolean;
/** Seconds apt-get waits for another process's dpkg lock. */
export const LOCK_TIMEOUT_S: number;
