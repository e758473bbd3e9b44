/**
 * What the Mistakes grid lists: one of the report's three rankings, sorted and filtered over its
 * columns (PackedLists), each card's item made only when the card is shown.
 * DOM-free so it is unit-tested in plain Node.
 */
import type { LabelIssue, PackedLabelIssues, PackedLists, PackedRanked, PanelViewState, RankedExample } from '../../src/core/protocol';
import { issueAt, rankedAt } from '../../src/core/report/packed';

export type SortMode = PanelViewState['sort'];
export type ViewFilter = PanelViewState['filter'];

export const SORT_MODES: { value: SortMode; label: string }[] = [
  { value: 'mistakes', label: 'Most confident mistakes' },
  { value: 'hardest', label: 'Hardest examples' },
  { value: 'labelIssues', label: 'Likely label errors' },
];

/**
 * One card. `predicted` and `confidence` are what the filters look at: for a ranked example the
 * model's prediction and p(predicted); for a label issue the suggested class and the label-error
 * score (what that list is ranked by, and what its cards show).
 */
export type GridItem =
  | { kind: 'ranked'; id: number; source: string; label: string; predicted: string; confidence: number; example: RankedExample }
  | { kind: 'labelIssue'; id: number; source: string; label: string; predicted: string; confidence: number; issue: LabelIssue };

export const NO_FILTER: ViewFilter = { label: null, predicted: null, minConfidence: 0, maxConfidence: 1 };

export function fromRanked(e: RankedExample): GridItem {
  return { kind: 'ranked', id: e.index, source: e.source, label: e.label, predicted: e.predicted, confidence: e.confidence, example: e };
}

export function fromLabelIssue(e: LabelIssue): GridItem {
  return { kind: 'labelIssue', id: e.index, source: e.source, label: e.label, predicted: e.suggested, confidence: e.score, issue: e };
}

/**
 * One ranking's rows, read from its columns (PackedLists). A row's GridItem is made the first time
 * it is asked for and then kept, so a card re-bound to the same row sees the same object; a list
 * of 100,000 rows costs nothing until its rows are shown.
 */
export class Ranking {
  readonly length: number;
  private readonly made: (GridItem | undefined)[] = [];
  private readonly index: Float64Array;
  /** Codes into names: the true / given label, and the prediction / suggested class. */
  readonly labelCodes: Uint32Array;
  readonly predictedCodes: Uint32Array;
  /** What the filters' range and the card's percentage read: p(predicted), or the label-error score. */
  readonly confidences: Float64Array;

  constructor(private readonly lists: PackedLists, readonly mode: SortMode) {
    const p = this.list();
    this.length = p.count;
    this.index = p.index;
    this.labelCodes = p.label;
    this.predictedCodes = 'suggested' in p ? p.suggested : p.predicted;
    this.confidences = 'score' in p ? p.score : p.confidence;
  }

  get names(): readonly string[] {
    return this.lists.names;
  }

  private list(): PackedRanked | PackedLabelIssues {
    switch (this.mode) {
      case 'mistakes': return this.lists.mistakes;
      case 'hardest': return this.lists.hardest;
      case 'labelIssues': return this.lists.labelIssues;
    }
  }

  id(row: number): number {
    return this.index[row]!;
  }

  item(row: number): GridItem {
    let it = this.made[row];
    if (!it) {
      const l = this.lists;
      it = this.mode === 'labelIssues' ? fromLabelIssue(issueAt(l.labelIssues, l.names, row))
        : fromRanked(rankedAt(this.mode === 'mistakes' ? l.mistakes : l.hardest, l.names, row));
      this.made[row] = it;
    }
    return it;
  }

  /** Sort key as the report documents its lists: larger first. */
  key(row: number): number {
    switch (this.mode) {
      case 'mistakes': return this.lists.mistakes.confidence[row]!;
      case 'hardest': return -this.lists.hardest.pLabel[row]!;
      case 'labelIssues': return this.lists.labelIssues.score[row]!;
    }
  }
}

/** What the grid shows: rows of one ranking in display order (`order`: row numbers; null: all, as listed). */
export class ItemList {
  static readonly EMPTY = new ItemList(null, new Uint32Array(0));
  readonly length: number;

  constructor(readonly ranking: Ranking | null, private readonly order: Uint32Array | null) {
    this.length = order ? order.length : ranking?.length ?? 0;
  }

  row(i: number): number {
    return this.order ? this.order[i]! : i;
  }

  at(i: number): GridItem {
    return this.ranking!.item(this.row(i));
  }

  id(i: number): number {
    return this.ranking!.id(this.row(i));
  }

  /** Position of a dataset index in the list, or -1. */
  indexOfId(id: number): number {
    for (let i = 0; i < this.length; i++) if (this.id(i) === id) return i;
    return -1;
  }
}

/**
 * The items of one ranking in display order. The engine already sorts its lists; this keeps that
 * order (stable) and only sorts when a list arrives out of order (e.g. hand-made or merged reports).
 */
export function itemsForSort(lists: PackedLists, mode: SortMode): ItemList {
  const r = new Ranking(lists, mode);
  let sorted = true;
  for (let i = 1; i < r.length && sorted; i++) if (r.key(i - 1) < r.key(i)) sorted = false;
  if (sorted) return new ItemList(r, null);
  const keys = Float64Array.from({ length: r.length }, (_, i) => r.key(i));
  const order = Uint32Array.from({ length: r.length }, (_, i) => i);
  order.sort((a, b) => keys[b]! - keys[a]! || a - b);
  return new ItemList(r, order);
}

export function isFilterActive(f: ViewFilter): boolean {
  return f.label !== null || f.predicted !== null || f.minConfidence > 0 || f.maxConfidence < 1;
}

export function matchesFilter(item: GridItem, f: ViewFilter): boolean {
  return (f.label === null || item.label === f.label)
    && (f.predicted === null || item.predicted === f.predicted)
    && item.confidence >= f.minConfidence
    && item.confidence <= f.maxConfidence;
}

/** The rows that pass the filter, read from the columns: no item is made for a row not shown. */
export function filterItems(list: ItemList, f: ViewFilter): ItemList {
  const r = list.ranking;
  if (!isFilterActive(f) || !r) return list;
  // A class the lists never name matches no row.
  const code = (name: string | null) => (name === null ? -1 : r.names.indexOf(name));
  const label = code(f.label);
  const predicted = code(f.predicted);
  if ((f.label !== null && label < 0) || (f.predicted !== null && predicted < 0)) return new ItemList(r, new Uint32Array(0));
  const out = new Uint32Array(list.length);
  let n = 0;
  for (let i = 0; i < list.length; i++) {
    const row = list.row(i);
    const c = r.confidences[row]!;
    if ((label < 0 || r.labelCodes[row] === label) && (predicted < 0 || r.predictedCodes[row] === predicted)
      && c >= f.minConfidence && c <= f.maxConfidence) out[n++] = row;
  }
  return new ItemList(r, out.slice(0, n));
}

/**
 * A confidence typed by the user: "0.9", "90" or "90%" all mean 0.9. Empty means the default
 * bound. Returns null when the text is not a number in 0..1 (or 0..100 %).
 */
export function parseConfidenceInput(text: string, fallback: number): number | null {
  const t = text.trim();
  if (t === '') return fallback;
  const percent = t.endsWith('%');
  const n = Number(percent ? t.slice(0, -1).trim() : t);
  if (!Number.isFinite(n) || n < 0) return null;
  const v = percent || n > 1 ? n / 100 : n;
  return v <= 1 ? v : null;
}

/** Lower and upper bound in order, both in 0..1. */
export function normalizeRange(min: number, max: number): { minConfidence: number; maxConfidence: number } {
  const a = Math.min(1, Math.max(0, min));
  const b = Math.min(1, Math.max(0, max));
  return a <= b ? { minConfidence: a, maxConfidence: b } : { minConfidence: b, maxConfidence: a };
}
