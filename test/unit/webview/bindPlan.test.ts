/**
 * Per-frame bind budget of the card grid. Expected values are worked out by hand from the rule
 * (all in view, then at most `budget` off-screen, ahead of the scroll first, nearest first).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OFFSCREEN_BINDS_PER_FRAME, planBinds } from '../../../webview/grid/bindPlan';

describe('planBinds', () => {
  // 6 columns; view = rows 2..3 (indices 12..23); overscan row above 6..11, below 24..29.
  const above = [6, 7, 8, 9, 10, 11];
  const inView = [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23];
  const below = [24, 25, 26, 27, 28, 29];

  it('binds every card in view in this frame, whatever the budget', () => {
    const p = planBinds([...above, ...inView, ...below], 12, 24, 1, 0);
    assert.deepEqual(p.now, inView);
    assert.equal(p.deferred, 12);
  });

  it('scrolling down: the row below comes first, nearest card first, then the row above', () => {
    const p = planBinds([...above, ...below], 12, 24, 1, 8);
    assert.deepEqual(p.now, [24, 25, 26, 27, 28, 29, 11, 10]);
    assert.equal(p.deferred, 4);
  });

  it('scrolling up: the row above comes first, the card next to the view first', () => {
    const p = planBinds([...below, ...above], 12, 24, -1, 3);
    assert.deepEqual(p.now, [11, 10, 9]);
    assert.equal(p.deferred, 9);
  });

  it('with no direction, nearest to the view wins on either side', () => {
    const p = planBinds([6, 29, 11, 24], 12, 24, 0, 2);
    assert.deepEqual(p.now, [11, 24]);
    assert.equal(p.deferred, 2);
  });

  it('spreads a row entering the overscan over frames at the default budget', () => {
    let left = [...below];
    const frames: number[][] = [];
    while (left.length > 0) {
      const p = planBinds(left, 12, 24, 1);
      frames.push(p.now);
      left = left.filter((i) => !p.now.includes(i));
    }
    assert.equal(OFFSCREEN_BINDS_PER_FRAME, 2);
    assert.deepEqual(frames, [[24, 25], [26, 27], [28, 29]]);
  });

  it('has nothing to do when nothing is needed', () => {
    assert.deepEqual(planBinds([], 12, 24, 1), { now: [], deferred: 0 });
  });
});
