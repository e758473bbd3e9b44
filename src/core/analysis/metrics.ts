/**
 * Classification metrics from the confusion matrix, defined as scikit-learn does so numbers
 * match what users compute in notebooks: precision_recall_fscore_support(zero_division=0)
 * with labels = every class, average='macro' (unweighted mean over all C classes, including
 * classes with no support) and average='micro' (pooled counts).
 */
import type { AveragedMetrics } from '../protocol';

export interface ClassCounts {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ConfusionMetrics {
  total: number;
  accuracy: number;
  perClass: ClassCounts[];
  macro: AveragedMetrics;
  micro: AveragedMetrics;
}

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);
const fScore = (p: number, r: number): number => (p + r > 0 ? (2 * p * r) / (p + r) : 0);

/** confusion[true * C + predicted]. */
export function confusionMetrics(confusion: ArrayLike<number>, C: number): ConfusionMetrics {
  const rowSum = new Float64Array(C);
  const colSum = new Float64Array(C);
  let total = 0;
  let trace = 0;
  for (let t = 0; t < C; t++) {
    for (let p = 0; p < C; p++) {
      const v = confusion[t * C + p];
      rowSum[t] += v;
      colSum[p] += v;
      total += v;
    }
    trace += confusion[t * C + t];
  }
  const perClass: ClassCounts[] = [];
  const macro = { precision: 0, recall: 0, f1: 0 };
  for (let c = 0; c < C; c++) {
    const tp = confusion[c * C + c];
    const precision = ratio(tp, colSum[c]);
    const recall = ratio(tp, rowSum[c]);
    const f1 = fScore(precision, recall);
    perClass.push({ precision, recall, f1, support: rowSum[c] });
    macro.precision += precision;
    macro.recall += recall;
    macro.f1 += f1;
  }
  macro.precision /= C;
  macro.recall /= C;
  macro.f1 /= C;
  // Single-label multiclass: every false positive is someone else's false negative, so
  // pooled precision = pooled recall = accuracy.
  const accuracy = ratio(trace, total);
  const micro = { precision: accuracy, recall: accuracy, f1: fScore(accuracy, accuracy) };
  return { total, accuracy, perClass, macro, micro };
}

/** confusion as number[][] ([true][predicted]) for the report. */
export function confusionRows(confusion: ArrayLike<number>, C: number): number[][] {
  const rows: number[][] = [];
  for (let t = 0; t < C; t++) rows.push(Array.from({ length: C }, (_, p) => confusion[t * C + p]));
  return rows;
}
