/**
 * Small runs keep every labelled row's probabilities so average precision is exact (the
 * score histograms tie examples that share a bin, which shows on a few hundred examples).
 * Past EXACT_SCORES_LIMIT values the copy is dropped and the histograms take over, so
 * memory stays bounded on large runs.
 */
import type { PrCurve } from '../protocol';
import { downsample, PR_CURVE_MAX_POINTS } from './curves';

export const EXACT_SCORES_LIMIT = 200_000; // floats: 800 KB, and sorting stays cheap enough to redo for partial results

export class ExactScores {
  private probs: Float32Array | null = new Float32Array(1024);
  private labels: Int32Array | null = new Int32Array(64);
  private rows = 0;

  constructor(private readonly numClasses: number) {
    if (numClasses > EXACT_SCORES_LIMIT) this.drop();
  }

  get available(): boolean {
    return this.probs !== null;
  }

  get byteSize(): number {
    return (this.probs?.byteLength ?? 0) + (this.labels?.byteLength ?? 0);
  }

  add(probs: Float32Array, off: number, label: number): void {
    if (!this.probs || !this.labels) return;
    const C = this.numClasses;
    const need = (this.rows + 1) * C;
    if (need > EXACT_SCORES_LIMIT) return this.drop();
    if (need > this.probs.length) {
      const grown = new Float32Array(Math.min(EXACT_SCORES_LIMIT, Math.max(need, this.probs.length * 2)));
      grown.set(this.probs);
      this.probs = grown;
    }
    if (this.rows >= this.labels.length) {
      const grown = new Int32Array(this.labels.length * 2);
      grown.set(this.labels);
      this.labels = grown;
    }
    this.probs.set(probs.subarray(off, off + C), this.rows * C);
    this.labels[this.rows++] = label;
  }

  private drop(): void {
    this.probs = null;
    this.labels = null;
  }

  /** sklearn's average_precision_score(y == c, p_c): sum over distinct thresholds of (R_n - R_{n-1}) P_n. */
  prCurve(name: string, c: number): PrCurve {
    const probs = this.probs!, labels = this.labels!, C = this.numClasses, n = this.rows;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => probs[b * C + c] - probs[a * C + c]);
    let positives = 0;
    for (let i = 0; i < n; i++) if (labels[i] === c) positives++;
    if (positives === 0) return { class: name, averagePrecision: 0, points: [] };
    let tp = 0, fp = 0, ap = 0, prevRecall = 0;
    const points: { recall: number; precision: number }[] = [];
    for (let i = 0; i < n; i++) {
      const r = order[i];
      if (labels[r] === c) tp++;
      else fp++;
      // Tied scores form one threshold: only close it where the next score differs.
      if (i + 1 < n && probs[order[i + 1] * C + c] === probs[r * C + c]) continue;
      const precision = tp / (tp + fp);
      const recall = tp / positives;
      ap += (recall - prevRecall) * precision;
      prevRecall = recall;
      points.push({ recall, precision });
    }
    return { class: name, averagePrecision: ap, points: downsample(points, PR_CURVE_MAX_POINTS) };
  }
}
