/**
 * The two example rankings users look at first (Goodfellow et al. ch. 11: "visualize the
 * worst mistakes"): the most confident wrong predictions, and the examples the model finds
 * least likely to carry their label. Ties go to the lower dataset index so orders are stable.
 */
import type { RankedExample } from '../protocol';
import { crossEntropy } from './histogram';
import type { RowStore } from './rowStore';
import { selectTop } from './select';

/** Row ids of wrong predictions, p(predicted) descending, then dataset index ascending. */
export function rankMistakes(rows: RowStore, top: number): number[] {
  return selectTop(
    rows.length,
    top,
    (a, b) => {
      const pa = rows.confidence(a);
      const pb = rows.confidence(b);
      return pa > pb || (pa === pb && rows.index(a) < rows.index(b));
    },
    (r) => rows.predicted(r) !== rows.label(r),
  );
}

/** Row ids by p(label) ascending, then dataset index ascending. */
export function rankHardest(rows: RowStore, top: number): number[] {
  return selectTop(rows.length, top, (a, b) => {
    const pa = rows.pLabel(a);
    const pb = rows.pLabel(b);
    return pa < pb || (pa === pb && rows.index(a) < rows.index(b));
  });
}

/** p(label) - max over the other classes. */
export function labelMargin(rows: RowStore, r: number): number {
  return rows.pLabel(r) - rows.maxOther(r);
}

export function rankedExample(rows: RowStore, r: number, classes: string[]): RankedExample {
  const pLabel = rows.pLabel(r);
  const top = [];
  for (let t = 0; t < rows.k; t++) top.push({ class: classes[rows.topClass(r, t)], p: rows.topProb(r, t) });
  return {
    index: rows.index(r),
    source: rows.source(r),
    label: classes[rows.label(r)],
    predicted: classes[rows.predicted(r)],
    confidence: rows.confidence(r),
    pLabel,
    loss: crossEntropy(pLabel),
    margin: labelMargin(rows, r),
    top,
  };
}
