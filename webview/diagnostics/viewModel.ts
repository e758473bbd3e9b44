/**
 * What the Diagnostics tab shows, computed from a DiagnoseReport without the DOM (tested in
 * Node): the checklist grouped Model / Data with problems first, the summary line, the
 * activation histograms of ML-M009 and the error-breakdown table of ML-M011. `details` is
 * check-specific JSON, so every number read from it is checked here; what does not parse is
 * left out rather than drawn wrong.
 */
import type { DiagnoseReport, Finding, Severity } from '../../src/core/diagnostics/types';
import { pct } from '../format';

/** Problems first; within a severity, the checklist order of the report. */
export const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'info', 'skipped'];
/** The CLI's symbols (src/core/diagnostics/format.ts); U+FE0E asks for the text glyph of ⚠, not an emoji. */
export const SEVERITY_SYMBOL: Record<Severity, string> = { error: '✗', warning: '⚠\uFE0E', info: '✓', skipped: '–' };
export const SEVERITY_LABEL: Record<Severity, string> = { error: 'Error', warning: 'Warning', info: 'Passed', skipped: 'Skipped' };

export interface CheckRow {
  code: string;
  severity: Severity;
  symbol: string;
  severityLabel: string;
  title: string;
  message: string;
  advice: string;
  /** The heading anchor in docs/diagnostics.md. */
  anchor: string;
}

export interface CheckGroup {
  target: Finding['target'];
  title: string;
  rows: CheckRow[];
  counts: Record<Severity, number>;
}

const zero = (): Record<Severity, number> => ({ error: 0, warning: 0, info: 0, skipped: 0 });

export function checkRow(f: Finding): CheckRow {
  return {
    code: f.code, severity: f.severity, symbol: SEVERITY_SYMBOL[f.severity], severityLabel: SEVERITY_LABEL[f.severity],
    title: f.title, message: f.message, advice: f.advice, anchor: f.code.toLowerCase(),
  };
}

/** Model checks, then data checks (empty groups left out); in each, errors, warnings, passed, skipped. */
export function groupFindings(findings: readonly Finding[]): CheckGroup[] {
  const groups: CheckGroup[] = [];
  for (const [target, title] of [['model', 'Model'], ['data', 'Data']] as const) {
    const mine = findings.map((f, i) => ({ f, i })).filter((x) => x.f.target === target);
    if (mine.length === 0) continue;
    mine.sort((a, b) => SEVERITY_ORDER.indexOf(a.f.severity) - SEVERITY_ORDER.indexOf(b.f.severity) || a.i - b.i);
    const counts = zero();
    for (const { f } of mine) counts[f.severity]++;
    groups.push({ target, title, rows: mine.map((x) => checkRow(x.f)), counts });
  }
  return groups;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "1 error, 2 warnings, 17 passed, 1 skipped in 21 checks" (counted from the findings, not trusted from `summary`). */
export function summaryLine(findings: readonly Finding[]): { counts: Record<Severity, number>; text: string } {
  const counts = zero();
  for (const f of findings) counts[f.severity]++;
  const text = `${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} passed, ${counts.skipped} skipped in ${plural(findings.length, 'check')}`;
  return { counts, text };
}

// ------------------------------------------------------------------ ML-M009 activation histograms

export interface HistogramBar {
  lo: number;
  hi: number;
  label: string;
  count: number;
  /** count / total of the histogram */
  share: number;
}

export interface ActivationLayerView {
  node: string;
  opType: string;
  output: string;
  units: number;
  /** ReLU: dead units; Sigmoid/Tanh: saturated units. */
  offUnits: number;
  offWord: 'dead' | 'saturated';
  /** ReLU: share of values exactly 0; Sigmoid/Tanh: share of values saturated. */
  inactiveShare: number;
  values: number;
  mean: number;
  std: number;
  /** Half or more of the units dead or saturated: what makes ML-M009 warn (LAYER_WARN_SHARE in modelChecks.ts). */
  flagged: boolean;
  caption: string;
  /** Histogram of the layer's values. */
  bars: HistogramBar[];
  /** Histogram of the units by the share of their values that are active (absent in older reports). */
  unitBars: HistogramBar[] | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

/** Significant digits that tell neighbouring edges apart (0.05, 0.1 … but 1.25, 2.5 …). */
const edgeText = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : Number(x.toPrecision(3)).toString());

/** `{ edges, counts }` as bars, or null when the shape is wrong (edges = counts + 1, all finite, counts >= 0). */
export function histogramBars(h: unknown): HistogramBar[] | null {
  if (!isObj(h) || !Array.isArray(h.edges) || !Array.isArray(h.counts)) return null;
  const { edges, counts } = h as { edges: unknown[]; counts: unknown[] };
  if (counts.length === 0 || edges.length !== counts.length + 1 || !edges.every(isNum) || !counts.every((c) => isNum(c) && c >= 0)) return null;
  const e = edges as number[], c = counts as number[];
  const total = c.reduce((a, b) => a + b, 0);
  return c.map((count, i) => ({ lo: e[i]!, hi: e[i + 1]!, label: `${edgeText(e[i]!)}–${edgeText(e[i + 1]!)}`, count, share: total > 0 ? count / total : 0 }));
}

const LAYER_WARN_SHARE = 0.5;

function layerView(l: unknown): ActivationLayerView | null {
  if (!isObj(l) || !isStr(l.node) || !isStr(l.opType) || !isStr(l.output)) return null;
  if (![l.units, l.values, l.deadUnits, l.saturatedUnits, l.inactiveShare, l.mean, l.std].every(isNum)) return null;
  const bars = histogramBars(l.histogram);
  if (!bars) return null;
  const units = l.units as number;
  const relu = l.opType === 'Relu';
  const offUnits = (relu ? l.deadUnits : l.saturatedUnits) as number;
  const offWord = relu ? 'dead' : 'saturated';
  const inactiveShare = l.inactiveShare as number;
  const caption = `${units.toLocaleString('en-US')} units, ${offUnits.toLocaleString('en-US')} ${offWord}${units > 0 ? ` (${pct(offUnits / units)})` : ''}; `
    + `${pct(inactiveShare)} of values ${relu ? 'are 0' : 'saturated'}; mean ${edgeText(l.mean as number)}, std ${edgeText(l.std as number)}`;
  return {
    node: l.node, opType: l.opType, output: l.output, units, offUnits, offWord, inactiveShare,
    values: l.values as number, mean: l.mean as number, std: l.std as number,
    flagged: units > 0 && offUnits >= LAYER_WARN_SHARE * units,
    caption, bars, unitBars: histogramBars(l.unitActivity),
  };
}

const findingOf = (r: DiagnoseReport, code: string): Finding | undefined => r.findings.find((f) => f.code === code);

/** The activation layers of ML-M009, or null when the check did not measure any. */
export function activationLayers(r: DiagnoseReport): { examples: number; layers: ActivationLayerView[] } | null {
  const d = findingOf(r, 'ML-M009')?.details;
  if (!isObj(d) || !Array.isArray(d.layers)) return null;
  const layers = d.layers.map(layerView).filter((x): x is ActivationLayerView => x !== null);
  return layers.length ? { examples: isNum(d.examples) ? d.examples : 0, layers } : null;
}

// ------------------------------------------------------------------ ML-M011 error breakdown

export interface BreakdownTable {
  goalError: number | null;
  splits: { name: string; role: string; error: string; labelled: number }[];
  terms: { label: string; value: string; formula: string; largest: boolean }[];
}

const ROLE: Record<string, string> = { train: 'train', trainDev: 'train-dev', val: 'validation', test: 'test' };

/** Tobin's breakdown (error per split; bias, variance, shift, val over-fitting), or null when ML-M011 has none. */
export function errorBreakdown(r: DiagnoseReport): BreakdownTable | null {
  const d = findingOf(r, 'ML-M011')?.details;
  if (!isObj(d) || !Array.isArray(d.splits) || !Array.isArray(d.terms)) return null;
  const splits = d.splits.filter((s): s is Obj => isObj(s) && isStr(s.name) && isNum(s.error) && isNum(s.labelled))
    .map((s) => ({ name: s.name as string, role: isStr(s.role) ? ROLE[s.role] ?? s.role : '—', error: pct(s.error as number), labelled: s.labelled as number }));
  const largest = isStr(d.largest) ? d.largest : null;
  const terms = d.terms.filter((t): t is Obj => isObj(t) && isStr(t.term) && isStr(t.label) && isNum(t.value) && isStr(t.formula))
    .map((t) => ({ label: t.label as string, value: `${(t.value as number) < 0 ? '−' : ''}${pct(Math.abs(t.value as number))}`, formula: t.formula as string, largest: t.term === largest }));
  if (splits.length === 0) return null;
  return { goalError: isNum(d.goalError) ? d.goalError : null, splits, terms };
}
