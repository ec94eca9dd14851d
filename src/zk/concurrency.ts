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
