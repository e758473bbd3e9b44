/**
 * Threshold curves: per-class precision-recall with average precision (from the streaming
 * score histograms, see scoreBins.ts), and the coverage curve of Goodfellow et al. ch. 11
 * (how many examples the model may answer while keeping a target accuracy).
 */
import type { CoverageCurve, PrCurve } from '../protocol';
import { SCORE_BINS } from './scoreBins';
import type { RowStore } from './rowStore';

export const PR_CURVE_MAX_POINTS = 100;
export const COVERAGE_MAX_POINTS = 200;

/** Indices of evenly spaced picks from a list of `length`, always the first and last. */
export function downsampleIndices(length: number, max: number): number[] {
  if (length <= max) return Array.from({ length }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.round((i * (length - 1)) / (max - 1)));
}

export function downsample<T>(points: T[], max: number): T[] {
  return downsampleIndices(points.length, max).map((i) => points[i]);
}

/**
 * AP as sklearn.average_precision_score defines it, sum over thresholds of
 * (R_n - R_{n-1}) * P_n, with every score bin acting as one threshold (high to low).
 * A class with no positives gets AP 0 and no points.
 */
export function prCurve(name: string, pos: Uint32Array, neg: Uint32Array, c: number): PrCurve {
  const base = c * SCORE_BINS;
  let positives = 0;
  for (let b = 0; b < SCORE_BINS; b++) positives += pos[base + b];
  if (positives === 0) return { class: name, averagePrecision: 0, points: [] };
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let prevRecall = 0;
  const points: { recall: number; precision: number }[] = [];
  for (let b = SCORE_BINS - 1; b >= 0; b--) {
    const dp = pos[base + b];
    const dn = neg[base + b];
    if (dp === 0 && dn === 0) continue;
    tp += dp;
    fp += dn;
    const precision = tp / (tp + fp);
    const recall = tp / positives;
    ap += (recall - prevRecall) * precision;
    prevRecall = recall;
    points.push({ recall, precision });
  }
  return { class: name, averagePrecision: ap, points: downsample(points, PR_CURVE_MAX_POINTS) };
}

/** LSD radix sort of unsigned 32-bit keys (two 16-bit passes), ascending: O(N), several
 *  times faster than TypedArray.prototype.sort at N = 1e6, which matters because analyze()
 *  runs repeatedly for partial results. */
export function radixSortUint32(keys: Uint32Array): Uint32Array {
  const n = keys.length;
  let from: Uint32Array = keys;
  let to: Uint32Array = new Uint32Array(n);
  const count = new Uint32Array(65536);
  for (let shift = 0; shift < 32; shift += 16) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(from[i] >>> shift) & 0xffff]++;
    let sum = 0;
    for (let j = 0; j < 65536; j++) {
      const c = count[j];
      count[j] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const v = from[i];
      to[count[(v >>> shift) & 0xffff]++] = v;
    }
    [from, to] = [to, from];
  }
  return from;
}

// float32 <-> bits. For non-negative floats the bit patterns sort like the values.
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * Coverage curve over labelled rows: answer only when confidence >= threshold. Only
 * thresholds between distinct confidences are points (tied examples are all answered or
 * none), so the curve does not depend on how ties happen to be ordered.
 * coverageAtTarget is found on the full curve before down-sampling.
 */
export function coverageCurve(rows: RowStore, targetAccuracy: number): CoverageCurve {
  const n = rows.length;
  // One key per row: confidence bits (exact float32; negatives, which only garbage outputs
  // give, clamp to 0) shifted left, with "prediction is right" in the low bit.
  const keys = new Uint32Array(n);
  for (let r = 0; r < n; r++) {
    f32[0] = Math.max(rows.confidence(r), 0);
    keys[r] = ((u32[0] << 1) | (rows.predicted(r) === rows.label(r) ? 1 : 0)) >>> 0;
  }
  const sorted = radixSortUint32(keys);
  // One entry per distinct confidence, highest first. Kept in typed arrays: with ~N distinct
  // values, N point objects would cost more (allocation, GC) than everything else here.
  const groupEnd = new Uint32Array(n); // examples answered at this threshold
  const groupCorrect = new Uint32Array(n);
  const groupBits = new Uint32Array(n);
  let groups = 0;
  let answered = 0;
  let correct = 0;
  let atTarget = -1;
  for (let i = n - 1; i >= 0; ) {
    const bits = sorted[i] >>> 1;
    while (i >= 0 && sorted[i] >>> 1 === bits) {
      correct += sorted[i] & 1;
      answered++;
      i--;
    }
    groupEnd[groups] = answered;
    groupCorrect[groups] = correct;
    groupBits[groups] = bits;
    if (correct / answered >= targetAccuracy) atTarget = groups;
    groups++;
  }
  const threshold = (g: number): number => {
    u32[0] = groupBits[g];
    return f32[0];
  };
  const point = (g: number) => ({ coverage: groupEnd[g] / n, accuracy: groupCorrect[g] / groupEnd[g], threshold: threshold(g) });
  return {
    points: downsampleIndices(groups, COVERAGE_MAX_POINTS).map(point),
    targetAccuracy,
    coverageAtTarget: atTarget >= 0 ? groupEnd[atTarget] / n : 0,
    thresholdAtTarget: atTarget >= 0 ? threshold(atTarget) : null,
  };
}
