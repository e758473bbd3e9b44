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
 * Approximation: only part of each example's probabilities is stored (RowStore): the top-k
 * classes, p(label), and a few extra candidates outside the top-k (the classes standing
 * highest relative to a running threshold estimate, see RunAccumulatorOptions.extraCandidates).
 * - If any top-k class clears its threshold the result is exact: every class outside the
 *   top-k has a lower probability, so it cannot win.
 * - Otherwise the winner is the most probable stored class (extras, label) that clears its
 *   threshold. It can differ from the exact result only when a class that was not stored
 *   clears its threshold with a higher probability than every stored candidate (or when it
 *   is the only candidate). With topK = C the result is exact.
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
  /** p(suggested) when the row is a label issue. */
  suggestedProb: Float64Array;
  count: number;
}

export function findLabelIssues(rows: RowStore, thresholds: Float64Array): LabelIssueScan {
  const n = rows.length;
  const k = rows.k;
  const e = rows.e;
  const suggested = new Int32Array(n).fill(-1);
  const suggestedProb = new Float64Array(n);
  let count = 0;
  for (let r = 0; r < n; r++) {
    const y = rows.label(r);
    let best = -1;
    let bestP = -Infinity;
    // Top-k is ordered by probability descending, class ascending: the first candidate wins.
    for (let t = 0; t < k; t++) {
      const c = rows.topClass(r, t);
      if (rows.topProb(r, t) >= thresholds[c]) {
        best = c;
        bestP = rows.topProb(r, t);
        break;
      }
    }
    if (best < 0) {
      // No top-k candidate: the most probable stored candidate among the extras and the
      // label (lowest class index on ties).
      for (let t = 0; t < e; t++) {
        const c = rows.extraClass(r, t);
        const p = rows.extraProb(r, t);
        if (p >= thresholds[c] && (p > bestP || (p === bestP && c < best))) {
          best = c;
          bestP = p;
        }
      }
      const pl = rows.pLabel(r);
      if (pl >= thresholds[y] && (pl > bestP || (pl === bestP && y < best))) best = y;
    }
    if (best >= 0 && best !== y) {
      suggested[r] = best;
      suggestedProb[r] = bestP;
      count++;
    }
  }
  return { suggested, suggestedProb, count };
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
    pSuggested: scan.suggestedProb[r],
  }));
}
