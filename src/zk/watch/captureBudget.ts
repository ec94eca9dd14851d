/**
 * The limits on capture reads of a subtree watch (reads of the data of a version a notification
 * announced): at most `concurrency` in flight and a token bucket of `perSecond`, so a storm of changes
 * does not turn into a storm of reads against the ensemble. A capture that does not fit is put off;
 * put-off entries are offered again, oldest first, as the bucket refills (one entry per key: only the
 * newest version of a node is worth reading).
 */
export class CaptureBudget<K> {
  private inFlight = 0;
  private tokens: number;
  private tokensAt = performance.now();
  private readonly burst: number;
  private readonly deferred = new Map<K, DeferredCapture>();
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  /** The most capture reads that were in flight at once (never above `concurrency`). */
  peak = 0;

  constructor(
    private readonly concurrency: number,
    private readonly perSecond: number,
  ) {
    this.burst = Math.max(concurrency, 2 * perSecond);
    this.tokens = this.burst;
  }

  /** True when a capture read may start now (then `begin`/`end` must surround it). */
  admits(): boolean {
    return this.inFlight < this.concurrency && this.takeToken();
  }

  begin(): void {
    this.peak = Math.max(this.peak, ++this.inFlight);
  }

  end(): void {
    this.inFlight--;
  }

  /** Puts off a capture until there is room (a key already waiting keeps its place in the queue). */
  defer(key: K, capture: DeferredCapture): void {
    if (!this.deferred.has(key)) this.deferred.set(key, capture);
    this.schedule();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.deferred.clear();
  }

  private takeToken(): boolean {
    const t = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.tokensAt) * this.perSecond) / 1000);
    this.tokensAt = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private schedule(): void {
    if (this.timer || this.disposed) return;
    this.timer = setTimeout(() => this.run(), Math.max(10, 1000 / this.perSecond));
    this.timer.unref?.();
  }

  private run(): void {
    this.timer = undefined;
    if (this.disposed) return;
    for (const [key, capture] of this.deferred) {
      const state = capture.state();
      if (state !== 'ready') {
        // A read in flight covers it (or is followed by another): keep it, without using the budget.
        if (state === 'drop') this.deferred.delete(key);
        continue;
      }
      if (!this.admits()) break;
      this.deferred.delete(key);
      capture.read();
    }
    if (this.deferred.size > 0) this.schedule();
  }
}

/** A put-off capture: whether it is still wanted, and the read that does it. */
export interface DeferredCapture {
  /** 'ready': read it now if there is room; 'wait': a read of it is in flight; 'drop': no longer wanted. */
  state(): 'ready' | 'wait' | 'drop';
  read(): void;
}
