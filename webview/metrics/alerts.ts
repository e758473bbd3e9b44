/**
 * Findings that need attention before any metric is trusted: labels out of order (the
 * permutation check), NaN/Inf outputs, unreadable inputs, and which execution provider ran.
 *
 * DOM hooks: `#alerts`, `.alert[data-kind="labelPermutation"|"nonFinite"|"skipped"|"unlabelled"|"executionProvider"]`.
 */
import type { ReportSummary } from '../../src/core/protocol';
import { h, svg } from '../dom/h';
import { int, pct } from '../format';

const SHOW_AT_MOST = 50;

function alert(kind: string, level: 'error' | 'warning' | 'info' | 'ok', title: string, ...body: (Node | string | null)[]): HTMLElement {
  return h('section', { class: `alert alert-${level}`, attrs: { 'data-kind': kind, role: level === 'error' ? 'alert' : null } },
    h('span', { class: 'alert-icon', attrs: { 'aria-hidden': 'true' } }, icon(level)),
    h('div', { class: 'alert-body' }, h('strong', { class: 'alert-title', text: title }), ...body));
}

/** Small 16px icons drawn with currentColor (no icon font, no emoji: both may be missing). */
function icon(level: 'error' | 'warning' | 'info' | 'ok'): SVGElement {
  const stroke = { fill: 'none', stroke: 'currentColor', 'stroke-width': '1.6', 'stroke-linecap': 'round', 'stroke-linejoin': 'round' };
  const shapes: Record<typeof level, SVGElement[]> = {
    error: [svg('circle', { cx: '8', cy: '8', r: '6.5', ...stroke }), svg('path', { d: 'M5.5 5.5l5 5M10.5 5.5l-5 5', ...stroke })],
    warning: [svg('path', { d: 'M8 1.8L14.6 13.6H1.4Z', ...stroke }), svg('path', { d: 'M8 6.2v3.6M8 11.7v.1', ...stroke })],
    info: [svg('circle', { cx: '8', cy: '8', r: '6.5', ...stroke }), svg('path', { d: 'M8 7.2v4.3M8 4.6v.1', ...stroke })],
    ok: [svg('path', { d: 'M2.5 8.5l3.5 3.5 7.5-8', ...stroke })],
  };
  return svg('svg', { width: '16', height: '16', viewBox: '0 0 16 16' }, ...shapes[level]);
}

export function alerts(r: ReportSummary): HTMLElement {
  const out: HTMLElement[] = [];
  const lp = r.labelPermutation;
  if (lp.suspected) {
    out.push(alert('labelPermutation', 'error', 'Labels look out of order',
      h('p', { text: lp.message }),
      h('p', { text: `Accuracy ${pct(lp.accuracy)} now, ${pct(lp.accuracyAfter)} if predicted classes are re-mapped:` }),
      h('ul', { class: 'mapping' }, ...lp.mapping.map((m) => h('li', null, h('code', { text: m.predicted }), ' → ', h('code', { text: m.label })))),
      h('p', { class: 'muted', text: 'A common cause: class folders listed with an unsorted glob, or a class list in another order than at training.' })));
  }
  if (r.numLabelled === 0 && r.numExamples > 0) {
    out.push(alert('unlabelled', 'warning', 'No labelled examples',
      h('p', { text: 'Accuracy, mistakes, label errors and the metrics below need labels: point --data at labelled data (class folders, a manifest with a label column, or label files).' })));
  }
  if (r.nonFinite.count > 0) {
    out.push(alert('nonFinite', 'error', `${int(r.nonFinite.count)} example${r.nonFinite.count === 1 ? '' : 's'} gave NaN or Inf outputs`,
      h('p', { text: 'They are left out of every ranking and metric.' }),
      list(r.nonFinite.examples.map((e) => `${e.source} (#${e.index})`), r.nonFinite.count)));
  }
  if (r.numSkipped > 0) {
    out.push(alert('skipped', 'warning', `${int(r.numSkipped)} input${r.numSkipped === 1 ? '' : 's'} could not be read`,
      h('p', { text: 'The run went on without them.' }),
      list(r.skipped.map((s) => `${s.source}: ${s.reason}`), r.numSkipped)));
  }
  out.push(alert('executionProvider', r.executionProviderNotes.length > 0 ? 'info' : 'ok', `Ran on ${r.executionProvider}`,
    ...r.executionProviderNotes.map((n) => h('p', { class: 'muted', text: n }))));
  if (!lp.suspected) out.push(alert('labelPermutation', 'ok', 'Label order looks consistent', h('p', { class: 'muted', text: lp.message })));
  return h('div', { id: 'alerts', class: 'alerts' }, ...out);
}

function list(items: string[], total: number): HTMLElement {
  const shown = items.slice(0, SHOW_AT_MOST);
  return h('details', { class: 'alert-list' },
    h('summary', { text: total > shown.length ? `Show the first ${shown.length}` : `Show ${shown.length === 1 ? 'it' : `all ${shown.length}`}` }),
    h('ul', null, ...shown.map((s) => h('li', null, h('code', { text: s })))));
}
