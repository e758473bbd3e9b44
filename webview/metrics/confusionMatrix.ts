/**
 * The confusion-matrix heat map. Up to TABLE_LIMIT classes it is a table of buttons (keyboard and
 * screen-reader friendly); beyond that a canvas (a 1,000 x 1,000 table would be a million nodes).
 * Clicking a cell calls `onCell(true, predicted)`.
 *
 * DOM hooks: `#confusion` (table or canvas), `.cm-cell[data-true][data-predicted]` (buttons, text = count).
 */
import { h } from '../dom/h';
import { int, pct } from '../format';
import { themeColors, withAlpha } from '../theme/colors';
import { cellAt, rowShare, rowTotals } from './confusion';

export const TABLE_LIMIT = 30;

export function confusionMatrix(classes: readonly string[], confusion: readonly (readonly number[])[], onCell: (i: number, j: number) => void): HTMLElement {
  return classes.length <= TABLE_LIMIT ? table(classes, confusion, onCell) : canvas(classes, confusion, onCell);
}

function table(classes: readonly string[], confusion: readonly (readonly number[])[], onCell: (i: number, j: number) => void): HTMLElement {
  const head = h('tr', null, h('th', { class: 'cm-corner', attrs: { scope: 'col' } }, h('span', { text: 'true ↓ · predicted →' })),
    ...classes.map((c) => h('th', { class: 'cm-col', attrs: { scope: 'col' }, title: c }, h('span', { text: c }))));
  const totals = rowTotals(confusion);
  const rows = classes.map((c, i) => {
    const total = totals[i] ?? 0;
    return h('tr', null,
      h('th', { class: 'cm-row', attrs: { scope: 'row' }, title: c, text: c }),
      ...classes.map((p, j) => {
        const n = confusion[i]?.[j] ?? 0;
        const share = rowShare(confusion, i, j, totals);
        const cell = h('button', {
          class: `cm-cell${i === j ? ' is-diagonal' : ''}${n === 0 ? ' is-zero' : ''}${share > 0.6 ? ' is-strong' : ''}`,
          text: n === 0 ? '·' : int(n),
          attrs: {
            type: 'button', 'data-true': i, 'data-predicted': j,
            'aria-label': `true ${c}, predicted ${p}: ${n} of ${total} (${pct(share)})`,
          },
          title: `true ${c} → predicted ${p}: ${int(n)} (${pct(share)} of ${c})`,
          on: { click: () => onCell(i, j) },
        });
        // sqrt: a 10% confusion should already be visible next to a 90% diagonal.
        cell.style.setProperty('--heat', Math.sqrt(share).toFixed(3));
        return h('td', null, cell);
      }));
  });
  const n = classes.length;
  // Arrow keys move between cells (Tab would otherwise visit n x n buttons one by one).
  const onKey = (ev: KeyboardEvent) => {
    const cell = (ev.target as Element).closest?.('.cm-cell');
    if (!(cell instanceof HTMLElement)) return;
    let i = Number(cell.dataset.true);
    let j = Number(cell.dataset.predicted);
    if (ev.key === 'ArrowUp') i--;
    else if (ev.key === 'ArrowDown') i++;
    else if (ev.key === 'ArrowLeft') j--;
    else if (ev.key === 'ArrowRight') j++;
    else return;
    ev.preventDefault();
    if (i < 0 || j < 0 || i >= n || j >= n) return;
    (ev.currentTarget as HTMLElement).querySelector<HTMLElement>(`.cm-cell[data-true="${i}"][data-predicted="${j}"]`)?.focus();
  };
  return h('div', { class: 'cm-wrap' },
    h('table', { id: 'confusion', class: 'cm', on: { keydown: onKey } },
      h('caption', { text: 'Rows: true class; columns: predicted class; shade: share of the row. Click a cell to see those examples.' }),
      h('thead', null, head), h('tbody', null, ...rows)));
}

function canvas(classes: readonly string[], confusion: readonly (readonly number[])[], onCell: (i: number, j: number) => void): HTMLElement {
  const n = classes.length;
  const cell = Math.max(1, Math.min(8, Math.floor(800 / n)));
  const c = h('canvas', { id: 'confusion', class: 'cm-canvas', attrs: { width: n * cell, height: n * cell, role: 'img', 'aria-label': `Confusion matrix of ${n} classes` } });
  const draw = () => {
    const ctx = c.getContext('2d');
    if (!ctx) return;
    const t = themeColors();
    // 16 shades per colour, computed once (a 1,000-class matrix has a million cells).
    const LEVELS = 16;
    const shades = (color: string) => Array.from({ length: LEVELS + 1 }, (_, k) => withAlpha(color, 0.1 + 0.9 * (k / LEVELS)));
    const diag = shades(t.blue);
    const off = shades(t.red);
    const totals = rowTotals(confusion);
    ctx.clearRect(0, 0, c.width, c.height);
    for (let i = 0; i < n; i++) {
      const row = confusion[i];
      const total = totals[i] ?? 0;
      if (!row || total <= 0) continue;
      for (let j = 0; j < n; j++) {
        const v = row[j] ?? 0;
        if (v <= 0) continue;
        const level = Math.round(Math.sqrt(v / total) * LEVELS);
        ctx.fillStyle = (i === j ? diag : off)[level]!;
        ctx.fillRect(j * cell, i * cell, cell, cell);
      }
    }
  };
  requestAnimationFrame(draw);
  const hit = (ev: MouseEvent) => {
    const r = c.getBoundingClientRect();
    const scale = c.width / r.width;
    return cellAt((ev.clientX - r.left) * scale, (ev.clientY - r.top) * scale, cell, n);
  };
  c.addEventListener('mousemove', (ev) => {
    const p = hit(ev);
    c.title = p ? `true ${classes[p.row]} → predicted ${classes[p.col]}: ${int(confusion[p.row]?.[p.col] ?? 0)}` : '';
  });
  c.addEventListener('click', (ev) => {
    const p = hit(ev);
    if (p) onCell(p.row, p.col);
  });
  return h('div', { class: 'cm-wrap cm-wrap-canvas' }, h('p', { class: 'muted', text: `${n} classes: rows are true classes, columns predicted; hover for counts, click a cell to see those examples.` }), c);
}
