import { ZkError } from './errors';

/** Runs `work` over `items` with at most `limit` in flight, in order of start; stops starting new work once `signal` aborts. */
export async function forEachLimit<T>(items: Iterable<T>, limit: number, work: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let failure: unknown;
  const lane = async (): Promise<void> => {
    for (;;) {
      if (failure !== undefined || signal?.aborted) return;
      const next = iterator.next();
      if (next.done) return;
      try {
        await work(next.value);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, lane));
  if (failure !== undefined) throw failure;
}

export function throwIfCancelled(signal: AbortSignal | undefined, operation: string, path?: string): void {
  if (signal?.aborted) throw new ZkError('CANCELLED', operation, path);
}
