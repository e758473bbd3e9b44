/**
 * What the Mistakes grid lists: one of the report's three rankings, filtered.
 * DOM-free so it is unit-tested in plain Node.
 */
import type { LabelIssue, PanelViewState, RankedExample, Report } from '../../src/core/protocol';

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

/** Sort keys per mode, as the report documents its lists: larger key first. */
function sortKey(mode: SortMode): (item: GridItem) => number {
  switch (mode) {
    case 'mistakes': return (it) => it.confidence;
    case 'hardest': return (it) => (it.kind === 'ranked' ? -it.example.pLabel : 0);
    case 'labelIssues': return (it) => (it.kind === 'labelIssue' ? it.issue.score : 0);
  }
}

/**
 * The items of one ranking in display order. The engine already sorts its lists; this keeps that
 * order (stable) and only sorts when a list arrives out of order (e.g. hand-made or merged reports).
 */
export function itemsForSort(report: Pick<Report, 'mistakes' | 'hardest' | 'labelIssues'>, mode: SortMode): GridItem[] {
  const items = mode === 'labelIssues' ? report.labelIssues.map(fromLabelIssue)
    : (mode === 'mistakes' ? report.mistakes : report.hardest).map(fromRanked);
  const key = sortKey(mode);
  let sorted = true;
  for (let i = 1; i < items.length && sorted; i++) if (key(items[i - 1]!) < key(items[i]!)) sorted = false;
  if (!sorted) {
    const keyed = items.map((it, i) => ({ it, i, k: key(it) }));
    keyed.sort((a, b) => b.k - a.k || a.i - b.i);
    return keyed.map((x) => x.it);
  }
  return items;
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

export function filterItems(items: readonly GridItem[], f: ViewFilter): GridItem[] {
  if (!isFilterActive(f)) return items.slice();
  const out: GridItem[] = [];
  for (const it of items) if (matchesFilter(it, f)) out.push(it);
  return out;
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

/** Classes that occur as label / prediction in a list, in the report's class order (for the filter dropdowns). */
export function classesIn(classes: readonly string[], items: readonly GridItem[], field: 'label' | 'predicted'): string[] {
  const seen = new Set<string>();
  for (const it of items) seen.add(it[field]);
  return classes.filter((c) => seen.has(c));
}
