import * as assert from 'node:assert/strict';
import { OpenGesture } from '../../../src/tree/openGesture';

describe('tree/openGesture', () => {
  let time: number;
  const gesture = (): OpenGesture => new OpenGesture(500, () => time);

  beforeEach(() => {
    time = 1000;
  });

  it('a click previews; a second run for the same row within the window is the double-click and pins', () => {
    const g = gesture();
    assert.equal(g.next('c::/a'), 'preview');
    time += 120;
    assert.equal(g.next('c::/a'), 'pinned');
    time += 100;
    assert.equal(g.next('c::/a'), 'preview', 'a third click starts over');
  });

  it('two clicks on different rows, or on one row far apart, are two clicks', () => {
    const g = gesture();
    assert.equal(g.next('c::/a'), 'preview');
    time += 100;
    assert.equal(g.next('c::/b'), 'preview');
    time += 501;
    assert.equal(g.next('c::/b'), 'preview');
  });
});
