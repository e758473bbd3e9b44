/**
 * Calibration: does a confidence of 0.9 mean right 90% of the time? Expected calibration
 * error over RELIABILITY_BINS equal-width bins of confidence (= max probability); bin b
 * covers (b/15, (b+1)/15], with confidence 0 in the first bin.
 * ECE = sum_b |accuracy_b - meanConfidence_b| * n_b / N over labelled finite rows.
 */
import type { ReliabilityBin } from '../protocol';
import type { RowStore } from './rowStore';

export const RELIABILITY_BINS = 15;

/** Bin of a confidence: the b with b/15 < conf <= (b+1)/15, clamped to the first/last bin. */
export function reliabilityBin(conf: number): number {
  const B = RELIABILITY_BINS;
  let b = Math.ceil(conf * B) - 1;
  // conf * B can round across an edge; settle it against the edges themselves.
  if (b > 0 && conf <= b / B) b--;
  else if (b < B - 1 && conf > (b + 1) / B) b++;
  return b < 0 ? 0 : b > B - 1 ? B - 1 : b;
}

export function reliability(rows: RowStore): { ece: number; bins: ReliabilityBin[] } {
  const B = RELIABILITY_BINS;
  const count = new Float64Array(B);
  const confSum = new Float64Array(B);
  const correct = new Float64Array(B);
  const n = rows.length;
  for (let r = 0; r < n; r++) {
    const conf = rows.confidence(r);
    const b = reliabilityBin(conf);
    count[b]++;
    confSum[b] += conf;
    if (rows.predicted(r) === rows.label(r)) correct[b]++;
  }
  const bins: ReliabilityBin[] = [];
  let ece = 0;
  for (let b = 0; b < B; b++) {
    const meanConfidence = count[b] > 0 ? confSum[b] / count[b] : 0;
    const accuracy = count[b] > 0 ? correct[b] / count[b] : 0;
    if (n > 0) ece += (Math.abs(accuracy - meanConfidence) * count[b]) / n;
    bins.push({ lower: b / B, upper: (b + 1) / B, count: count[b], meanConfidence, accuracy });
  }
  return { ece, bins };
}
