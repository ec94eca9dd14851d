// Types for scripts/lib/processes.js: last-resort cleanup of what the test harness starts.

/** Something to end synchronously if this Node process exits or is interrupted first. */
export interface Resource {
  cleanupSync(): void;
}

/** SIGKILLs `pid` if this Node process goes away before untrackPid. */
export function trackPid(pid: number): void;
export function untrackPid(pid: number): void;
/** Runs `resource.cleanupSync()` if this Node process goes away before untrack. */
export function track(resource: Resource): void;
export function untrack(resource: Resource): void;
/** A fresh folder under the system temp dir, removed on exit unless removeTempDir ran first. */
export function makeTempDir(prefix: string): string;
export function removeTempDir(dir: string): void;
/** True when the process exists and is not a zombie. */
export function isAlive(pid: number): boolean;
/** Stops any process by PID: SIGTERM, SIGKILL after `graceMs` (5000); resolves once it is gone. */
export function stopPid(pid: number, graceMs?: number): Promise<void>;
