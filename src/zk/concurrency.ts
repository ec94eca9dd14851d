import { ZkError } from './errors';

/** Runs `work` over `items` with at most `limit` in flight, in order of start; stops starting new work once `signal` aborts. */
export async function forEachLimit<T>(items: Iterable<T>, limit: number, work: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let failure: Error | undefined;
  const lane = async (): Promise<void> => {
    for (;;) {
      if (failure !== undefined || signal?.aborted) return;
      const next = iterator.next();
      if (next.done) return;
      try {
        await work(next.value);
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error(typeof error === 'string' ? error : 'unknown failure');
      }
    }
  };
  // NaN would make no lane at all (nothing done, no error) and Infinity an invalid array length.
  const lanes = Number.isNaN(limit) ? 1 : Math.max(1, Math.min(Math.floor(limit), 4096));
  await Promise.all(Array.from({ length: lanes }, lane));
  if (failure !== undefined) throw failure;
}

export function throwIfCancelled(signal: AbortSignal | undefined, operation: string, path?: string): void {
  if (signal?.aborted) throw new ZkError('CANCELLED', operation, path);
}

/** At most `max` tasks at once; the rest wait in arrival order. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot straight to the next waiter, so a newcomer cannot slip in between.
    if (this.active < this.max) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/**
 * Breadth-first over a tree with at most `concurrency` visits in flight; a visit returns the paths to
 * visit next. A visit that fails ends that branch only (the visitor reports its own failures).
 */
export async function walkQueue(roots: readonly string[], concurrency: number, visit: (path: string) => Promise<string[]>): Promise<void> {
  const queue = [...roots];
  let next = 0;
  let active = 0;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (active < concurrency && next < queue.length) {
        const path = queue[next++];
        active++;
        visit(path)
          .then(
            (children) => {
              queue.push(...children);
            },
            () => undefined,
          )
          .finally(() => {
            active--;
            if (next > 4096 && next * 2 > queue.length) {
              queue.splice(0, next); // keep the queue from holding every visited path
              next = 0;
            }
            if (active === 0 && next >= queue.length) resolve();
            else pump();
          });
      }
    };
    pump();
    if (queue.length === 0) resolve();
  });
}

/**
 * Runs read-modify-write steps one at a time per key: a step starts after every step queued before
 * it on any of its keys has settled (fulfilled or not). For stores written whole (a settings list, a
 * keychain record), where two steps at once would each write without the other's change.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(keys: readonly string[], step: () => Promise<T>): Promise<T> {
    const before = Promise.all(keys.map((k) => this.tails.get(k) ?? Promise.resolve()));
    const result = before.then(step);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    for (const k of keys) this.tails.set(k, settled);
    // Forget a key once nothing is queued on it, so the map holds only keys in use.
    void settled.then(() => {
      for (const k of keys) if (this.tails.get(k) === settled) this.tails.delete(k);
    });
    return result;
  }

  /** Keys with a step queued or running (for tests). */
  get size(): number {
    return this.tails.size;
  }
}
