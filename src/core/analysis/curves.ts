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

/** Evenly spaced picks from a list, always keeping the first and last. */
export function downsample<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.round((i * (points.length - 1)) / (max - 1))]);
  return out;
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

/**
 * Coverage curve over labelled rows: answer only when confidence >= threshold. Only
 * thresholds between distinct confidences are points (tied examples are all answered or
 * none), so the curve does not depend on how ties happen to be ordered.
 * coverageAtTarget is found on the full curve before down-sampling.
 */
export function coverageCurve(rows: RowStore, targetAccuracy: number): CoverageCurve {
  const n = rows.length;
  let nCorrect = 0;
  for (let r = 0; r < n; r++) if (rows.predicted(r) === rows.label(r)) nCorrect++;
  // Sort right and wrong confidences separately with the native numeric sort (much faster
  // than sorting row ids with a comparator), then merge from the top.
  const right = new Float32Array(nCorrect);
  const wrong = new Float32Array(n - nCorrect);
  let ir = 0;
  let iw = 0;
  for (let r = 0; r < n; r++) {
    if (rows.predicted(r) === rows.label(r)) right[ir++] = rows.confidence(r);
    else wrong[iw++] = rows.confidence(r);
  }
  right.sort();
  wrong.sort();
  ir = right.length - 1;
  iw = wrong.length - 1;
  const points: CoverageCurve['points'] = [];
  let answered = 0;
  let correct = 0;
  let coverageAtTarget = 0;
  let thresholdAtTarget: number | null = null;
  while (ir >= 0 || iw >= 0) {
    const t = Math.max(ir >= 0 ? right[ir] : -Infinity, iw >= 0 ? wrong[iw] : -Infinity);
    while (ir >= 0 && right[ir] === t) {
      ir--;
      answered++;
      correct++;
    }
    while (iw >= 0 && wrong[iw] === t) {
      iw--;
      answered++;
    }
    const coverage = answered / n;
    const accuracy = correct / answered;
    points.push({ coverage, accuracy, threshold: t });
    if (accuracy >= targetAccuracy) {
      coverageAtTarget = coverage;
      thresholdAtTarget = t;
    }
  }
  return { points: downsample(points, COVERAGE_MAX_POINTS), targetAccuracy, coverageAtTarget, thresholdAtTarget };
}
