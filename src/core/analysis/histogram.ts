/**
 * Equal-width histograms that bin exactly like numpy.histogram(x, bins=n, range=(lo, hi)):
 * edges from linspace, right edge of the last bin closed, and the same edge correction after
 * the fast floor() so a value sitting on an edge lands where numpy puts it. Values outside
 * [lo, hi] are clamped into the first/last bin (numpy drops them); callers choose the range
 * so that this only catches rounding (e.g. p = 1.0000001) or a deliberate cap.
 */
import type { Histogram } from '../protocol';

export class EqualWidthBins {
  readonly edges: Float64Array;
  private readonly norm: number;

  constructor(
    readonly lo: number,
    readonly hi: number,
    readonly bins: number,
  ) {
    if (!(hi > lo) || !(bins >= 1)) throw new Error(`EqualWidthBins needs hi > lo and bins >= 1 (got ${lo}, ${hi}, ${bins})`);
    // numpy.linspace: start + i * step, with the last edge set to stop exactly.
    const step = (hi - lo) / bins;
    this.edges = new Float64Array(bins + 1);
    for (let i = 0; i < bins; i++) this.edges[i] = lo + i * step;
    this.edges[bins] = hi;
    this.norm = bins / (hi - lo);
  }

  bin(x: number): number {
    const n = this.bins;
    if (!(x > this.lo)) return 0; // also NaN, which callers never pass
    if (x >= this.hi) return n - 1;
    let i = Math.floor((x - this.lo) * this.norm);
    if (i >= n) i = n - 1;
    if (x < this.edges[i]) i--;
    else if (i !== n - 1 && x >= this.edges[i + 1]) i++;
    return i;
  }

  toHistogram(counts: ArrayLike<number>): Histogram {
    return { edges: Array.from(this.edges), counts: Array.from(counts) };
  }
}

/** Confidence (max probability) histogram: fixed bins over [0, 1]. */
export const CONFIDENCE_HISTOGRAM_BINS = 20;
export const confidenceBins = new EqualWidthBins(0, 1, CONFIDENCE_HISTOGRAM_BINS);

/** Loss histogram: bins over [0, min(max loss, LOSS_HISTOGRAM_CAP)]; larger losses go in the
 *  last bin, so one example at -ln(1e-12) = 27.6 does not squash everything else into bin 0. */
export const LOSS_HISTOGRAM_BINS = 30;
export const LOSS_HISTOGRAM_CAP = 10;

/** Loss histogram over labelled rows, given each row's p(label). Loss falls as p(label)
 *  rises, so the largest loss comes from the smallest p(label): one log per row, not two. */
export function lossHistogram(count: number, pLabelAt: (r: number) => number): Histogram {
  let minP = Infinity;
  for (let r = 0; r < count; r++) minP = Math.min(minP, pLabelAt(r));
  const max = count > 0 ? crossEntropy(minP) : 0;
  const bins = new EqualWidthBins(0, max > 0 ? Math.min(max, LOSS_HISTOGRAM_CAP) : 1, LOSS_HISTOGRAM_BINS);
  const counts = new Array<number>(LOSS_HISTOGRAM_BINS).fill(0);
  for (let r = 0; r < count; r++) counts[bins.bin(crossEntropy(pLabelAt(r)))]++;
  return bins.toHistogram(counts);
}

/** Cross-entropy of the label, with p floored so a zero probability gives a finite loss. */
export function crossEntropy(pLabel: number): number {
  return -Math.log(Math.max(pLabel, 1e-12));
}
