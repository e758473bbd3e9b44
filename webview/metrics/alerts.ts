/**
 * Findings that need attention before any metric is trusted: labels out of order (the
 * permutation check), NaN/Inf outputs, unreadable inputs, and which execution provider ran.
 *
 * DOM hooks: `#alerts`, `.alert[data-kind="labelPermutation"|"nonFinite"|"skipped"|"executionProvider"]`.
 */
import type { Report } from '../../src/core/protocol';
import { h } from '../dom/h';
import { int, pct } from '../format';

const SHOW_AT_MOST = 50;

function alert(kind: string, level: 'error' | 'warning' | 'info' | 'ok', title: string, ...body: (Node | string | null)[]): HTMLElement {
  return h('section', { class: `alert alert-${level}`, attrs: { 'data-kind': kind, role: level === 'error' ? 'alert' : null } },
    h('span', { class: 'alert-icon', attrs: { 'aria-hidden': 'true' }, text: level === 'error' ? '⛔' : level === 'warning' ? '⚠' : level === 'ok' ? '✓' : 'ℹ' }),
    h('div', { class: 'alert-body' }, h('strong', { class: 'alert-title', text: title }), ...body));
}

export function alerts(r: Report): HTMLElement {
  const out: HTMLElement[] = [];
  const lp = r.labelPermutation;
  if (lp.suspected) {
    out.push(alert('labelPermutation', 'error', 'Labels look out of order',
      h('p', { text: lp.message }),
      h('p', { text: `Accuracy ${pct(lp.accuracy)} now, ${pct(lp.accuracyAfter)} if predicted classes are re-mapped:` }),
      h('ul', { class: 'mapping' }, ...lp.mapping.map((m) => h('li', null, h('code', { text: m.predicted }), ' → ', h('code', { text: m.label })))),
      h('p', { class: 'muted', text: 'A common cause: class folders listed with an unsorted glob, or a class list in another order than at training.' })));
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
