import * as assert from 'node:assert/strict';
import { ToastLimiter } from '../../../../src/extension/watches/toastLimiter';

describe('ToastLimiter', () => {
  let now = 0;
  const clock = (): number => now;

  /** A timer the test fires by hand: no test waits for real time to pass. */
  function manualTimers() {
    const timers: { run: () => void; ms: number; cancelled: boolean }[] = [];
    const schedule = (run: () => void, ms: number) => {
      const timer = { run, ms, cancelled: false };
      timers.push(timer);
      return { cancel: () => (timer.cancelled = true) };
    };
    return { timers, schedule };
  }

  it('shows at most N per second, then one summary of what it held back', () => {
    const { timers, schedule } = manualTimers();
    const limiter = new ToastLimiter(3, clock, schedule);
    const shown: string[] = [];
    for (let i = 0; i < 100; i++) limiter.offer(`w${i}`, false, `event ${i}`, (m) => shown.push(m));
    assert.deepEqual(shown, ['event 0', 'event 1', 'event 2']);
    // One summary timer for the whole burst, a second after it was first held back.
    assert.deepEqual(timers.map((t) => t.ms), [1000]);
    now += 1000;
    timers[0].run();
    assert.deepEqual(shown.slice(3), ['97 more watch events: see the ZooKeeper Watches panel.']);
    limiter.dispose();
  });

  it('dispose cancels a pending summary', () => {
    const { timers, schedule } = manualTimers();
    const limiter = new ToastLimiter(1, clock, schedule);
    const shown: string[] = [];
    limiter.offer('a', false, 'a', (m) => shown.push(m));
    limiter.offer('b', false, 'b', (m) => shown.push(m));
    assert.deepEqual(shown, ['a']);
    assert.equal(timers.length, 1);
    limiter.dispose();
    assert.equal(timers[0].cancelled, true);
  });

  it('with firstOnly, one notification per watch', () => {
    const limiter = new ToastLimiter(100, clock);
    const shown: string[] = [];
    for (let i = 0; i < 10; i++) limiter.offer('same', true, `event ${i}`, (m) => shown.push(m));
    limiter.offer('other', true, 'other', (m) => shown.push(m));
    assert.deepEqual(shown, ['event 0', 'other']);
    limiter.dispose();
  });

  it('the window slides: after a second, more are shown again', () => {
    const limiter = new ToastLimiter(2, clock);
    const shown: string[] = [];
    limiter.offer('a', false, 'a', (m) => shown.push(m));
    limiter.offer('b', false, 'b', (m) => shown.push(m));
    limiter.offer('c', false, 'c', (m) => shown.push(m));
    now += 1001;
    limiter.offer('d', false, 'd', (m) => shown.push(m));
    assert.deepEqual(shown, ['a', 'b', 'd']);
    limiter.dispose();
  });
});
