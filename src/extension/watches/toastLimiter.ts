import { t } from '../../zk/l10n';
/**
 * Decides which watch events also pop up as notifications: never more than `perSecond` a second
 * whatever happens; with `firstOnly`, one per watch. What is held back is summarized in one
 * notification once the burst is over.
 */
export class ToastLimiter {
  private readonly seen = new Set<string>();
  private readonly shownAt: number[] = [];
  private suppressed = 0;
  private timer: { cancel(): void } | undefined;
  private show: ((message: string) => void) | undefined;

  /** `now` and `schedule` are the clock and the timer; tests pass their own so no test has to sleep. */
  constructor(
    private readonly perSecond = 3,
    private readonly now: () => number = Date.now,
    private readonly schedule: (run: () => void, ms: number) => { cancel(): void } = (run, ms) => {
      const timer = setTimeout(run, ms);
      return { cancel: () => clearTimeout(timer) };
    },
  ) {}

  offer(key: string, firstOnly: boolean, message: string, show: (message: string) => void): boolean {
    if (firstOnly && this.seen.has(key)) return false;
    this.seen.add(key);
    const now = this.now();
    while (this.shownAt.length && now - this.shownAt[0] >= 1000) this.shownAt.shift();
    if (this.shownAt.length >= this.perSecond) {
      this.suppressed++;
      this.show = show;
      this.timer ??= this.schedule(() => this.flush(), 1000);
      return false;
    }
    this.shownAt.push(now);
    show(message);
    return true;
  }

  private flush(): void {
    this.timer = undefined;
    if (this.suppressed > 0 && this.show) this.show(this.suppressed === 1 ? t('1 more watch event: see the ZooKeeper Watches panel.') : t('{0} more watch events: see the ZooKeeper Watches panel.', this.suppressed));
    this.suppressed = 0;
  }

  dispose(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}
