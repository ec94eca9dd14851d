import * as assert from 'node:assert/strict';
import { ToastLimiter } from '../../../../src/extension/watches/toastLimiter';

describe('ToastLimiter', () => {
  let now = 0;
  const clock = (): number => now;

  it('shows at most N per second, then one summary of what it held back', async () => {
    const limiter = new ToastLimiter(3, clock);
    const shown: string[] = [];
    for (let i = 0; i < 100; i++) limiter.offer(`w${i}`, false, `event ${i}`, (m) => shown.push(m));
    assert.deepEqual(shown, ['event 0', 'event 1', 'event 2']);
    now += 1000;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal(shown.length, 4);
    assert.match(shown[3], /^97 more watch events: see the ZooKeeper Watches panel\.$/);
    limiter.dispose();
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
