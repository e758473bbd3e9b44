/**
 * Which cards a scroll frame binds (DOM-free, unit-tested in plain Node).
 * Binding a card costs its style, layout and paint; a row of six entering at once was most of a
 * dropped frame. Cards in view are bound in the frame that shows them, always; cards in the
 * overscan rows are bound a few per frame, nearest the direction of scroll first, so by the time a
 * row scrolls into view it is already bound and the frame only moves the layer.
 */

/** Off-screen cards (overscan rows, late images) bound per frame beyond those in view. */
export const OFFSCREEN_BINDS_PER_FRAME = 2;

export interface BindPlan {
  /** Indices to bind in this frame, in order. */
  now: number[];
  /** How many of `needed` wait for a later frame. */
  deferred: number;
}

/**
 * Splits `needed` (indices without an up-to-date card) into what this frame binds.
 * `viewFirst`/`viewEnd` are the indices in view (end exclusive); `direction` is the sign of the last
 * scroll (1: down, -1: up, 0: none), so the overscan on the side being scrolled towards comes first.
 */
export function planBinds(needed: readonly number[], viewFirst: number, viewEnd: number, direction: number, budget = OFFSCREEN_BINDS_PER_FRAME): BindPlan {
  const now: number[] = [];
  const offscreen: number[] = [];
  for (const i of needed) (i >= viewFirst && i < viewEnd ? now : offscreen).push(i);
  // Distance from the view; ahead of the scroll beats behind it at the same distance.
  const cost = (i: number): number => {
    const ahead = i >= viewEnd ? i - viewEnd : viewFirst - 1 - i;
    const behindScroll = direction > 0 ? i < viewFirst : direction < 0 ? i >= viewEnd : false;
    return behindScroll ? ahead + 0.5 + 1e6 : ahead;
  };
  offscreen.sort((a, b) => cost(a) - cost(b) || a - b);
  const take = Math.max(0, Math.min(budget, offscreen.length));
  for (let k = 0; k < take; k++) now.push(offscreen[k]!);
  return { now, deferred: offscreen.length - take };
}
