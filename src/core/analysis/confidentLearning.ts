/**
 * Label issues by confident learning (Northcutt, Jiang, Chuang, "Confident Learning:
 * Estimating Uncertainty in Dataset Labels", 2021).
 *
 * Per-class threshold t_j = mean of p_j over labelled examples whose label is j (exact: the
 * mean of the stored p(label) per class; a class with no labelled examples has t_j = +inf,
 * so it is never a candidate). An example's candidates are the classes with p_j >= t_j; the
 * candidate with the highest probability (lowest class index on ties, like numpy.argmax) is
 * the class confident learning assigns. A label issue is an example whose assigned class is
 * not its label; examples with no candidate are not issues.
 *
 * Approximation: only the top-k probabilities of each example are stored, so candidates are
 * evaluated among the top-k classes plus the label (whose probability is always stored). A
 * class outside the top-k has a lower probability than every top-k class, so it can only
 * change the outcome when no top-k class clears its threshold; then we treat the label (if it
 * clears its own threshold) as the winner, or the example as having no candidate. With
 * topK = C the result is exact.
 */
import type { LabelIssue, LabelIssueRanking } from '../protocol';
import { labelMargin } from './ranking';
import type { RowStore } from './rowStore';
import { selectTop } from './select';

export function classThresholds(labelProbSums: ArrayLike<number>, support: ArrayLike<number>): Float64Array {
  const t = new Float64Array(support.length);
  for (let j = 0; j < t.length; j++) t[j] = support[j] > 0 ? labelProbSums[j] / support[j] : Infinity;
  return t;
}

export interface LabelIssueScan {
  /** Per row: the class confident learning assigns when the row is a label issue, else -1. */
  suggested: Int32Array;
  /** The top-k slot holding the suggested class (for its probability), -1 when not an issue. */
  suggestedSlot: Int32Array;
  count: number;
}

export function findLabelIssues(rows: RowStore, thresholds: Float64Array): LabelIssueScan {
  const n = rows.length;
  const k = rows.k;
  const suggested = new Int32Array(n).fill(-1);
  const suggestedSlot = new Int32Array(n).fill(-1);
  let count = 0;
  for (let r = 0; r < n; r++) {
    const y = rows.label(r);
    // Top-k is ordered by probability descending, class ascending: the first candidate wins.
    for (let t = 0; t < k; t++) {
      const c = rows.topClass(r, t);
      if (rows.topProb(r, t) >= thresholds[c]) {
        if (c !== y) {
          suggested[r] = c;
          suggestedSlot[r] = t;
          count++;
        }
        break;
      }
    }
    // No top-k candidate: the label wins if it is a candidate, else there is none; either
    // way not an issue (see the approximation note above).
  }
  return { suggested, suggestedSlot, count };
}

/** How likely the given label is wrong, 0..1: 1 - label quality. */
export function labelIssueScore(rows: RowStore, r: number, ranking: LabelIssueRanking): number {
  return ranking === 'self-confidence' ? 1 - rows.pLabel(r) : (1 - labelMargin(rows, r)) / 2;
}

/** The `top` most likely label issues, score descending, dataset index ascending on ties. */
export function rankLabelIssues(rows: RowStore, scan: LabelIssueScan, ranking: LabelIssueRanking, top: number, classes: string[]): LabelIssue[] {
  const score = new Float64Array(rows.length);
  for (let r = 0; r < rows.length; r++) if (scan.suggested[r] >= 0) score[r] = labelIssueScore(rows, r, ranking);
  const picked = selectTop(
    rows.length,
    top,
    (a, b) => score[a] > score[b] || (score[a] === score[b] && rows.index(a) < rows.index(b)),
    (r) => scan.suggested[r] >= 0,
  );
  return picked.map((r) => ({
    index: rows.index(r),
    source: rows.source(r),
    label: classes[rows.label(r)],
    suggested: classes[scan.suggested[r]],
    score: score[r],
    pLabel: rows.pLabel(r),
    pSuggested: rows.topProb(r, scan.suggestedSlot[r]),
  }));
}
