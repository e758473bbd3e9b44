/** Confusion-matrix logic (DOM-free): cell -> grid filter, cell shading, canvas hit-testing. */
import type { PanelViewState } from '../../src/core/protocol';

/**
 * The view that clicking cell (true i, predicted j) switches to: the Mistakes tab filtered to that
 * pair, confidence range cleared. Off-diagonal cells are mistakes, so the "most confident mistakes"
 * list; a diagonal cell holds correct answers, which only the "hardest examples" list contains.
 */
export function viewForConfusionCell(classes: readonly string[], trueIndex: number, predictedIndex: number, current: PanelViewState): PanelViewState {
  const label = classes[trueIndex];
  const predicted = classes[predictedIndex];
  if (label === undefined || predicted === undefined) throw new RangeError(`no class at (${trueIndex}, ${predictedIndex})`);
  return {
    ...current,
    tab: 'mistakes',
    sort: trueIndex === predictedIndex ? 'hardest' : 'mistakes',
    filter: { label, predicted, minConfidence: 0, maxConfidence: 1 },
    scrollTop: 0,
    selected: null,
  };
}

/** Row sums (examples per true class). */
export function rowTotals(confusion: readonly (readonly number[])[]): number[] {
  return confusion.map((row) => row.reduce((a, b) => a + b, 0));
}

/** Share of row i (true class) that cell (i, j) holds: 0..1, 0 for an empty row. Pass `totals` in loops. */
export function rowShare(confusion: readonly (readonly number[])[], i: number, j: number, totals?: readonly number[]): number {
  const row = confusion[i];
  if (!row) return 0;
  const total = totals ? totals[i] ?? 0 : row.reduce((a, b) => a + b, 0);
  return total > 0 ? (row[j] ?? 0) / total : 0;
}

/** Which cell of an n x n heat map drawn from (0,0) with square cells of `cell` px is under (x, y); null outside. */
export function cellAt(x: number, y: number, cell: number, n: number): { row: number; col: number } | null {
  if (x < 0 || y < 0 || cell <= 0) return null;
  const col = Math.floor(x / cell);
  const row = Math.floor(y / cell);
  return row < n && col < n ? { row, col } : null;
}
