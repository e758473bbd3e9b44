/**
 * The Diagnostics tab: the checklist of a DiagnoseReport (grouped Model / Data, problems first,
 * each finding with its severity symbol, code linking to its docs entry, title, message and
 * advice), the summary line, ML-M009's activation histograms and ML-M011's error breakdown.
 * While a run goes on it shows its progress; before any run, how to start one. Every string
 * from the report is set as text (dom/h). Charts are built only while the tab is visible.
 *
 * Keyboard: Tab reaches the checklist, ↑/↓/Home/End move between findings, Enter on a finding
 * opens its docs entry; the code links and buttons are ordinary focusable controls.
 *
 * DOM hooks: `#diagnostics[data-state]`, `#diag-run`, `#diag-summary`, `.diag-group[data-target]`,
 * `.diag-row[data-code][data-severity]` (`.diag-symbol`, `.diag-code`, `.diag-title`,
 * `.diag-message`, `.diag-advice`), `#diag-activations` (`.diag-layer[data-node]`), `#diag-breakdown`.
 */
import type { DiagnosticsStatus } from '../../src/core/protocol';
import type { DiagnoseReport } from '../../src/core/diagnostics/types';
import { h, replaceChildren, setText } from '../dom/h';
import { baseName, int, pct } from '../format';
import css from '../styles/diagnostics.css';
import { button, dataGrid, progressRing } from '../toolkit';
import { ActivationCharts, type ActivationChartKind } from './activationCharts';
import { activationLayers, errorBreakdown, groupFindings, SEVERITY_SYMBOL, summaryLine, type ActivationLayerView, type CheckRow } from './viewModel';

export interface DiagnosticsViewOptions {
  /** Runs the diagnostics on the panel's model and data (the host asks for trust, data, …). */
  onRun(): void;
  onOpenDocs(code: string): void;
}

let styled = false;
function injectStyle(): void {
  if (styled) return;
  styled = true;
  const el = document.createElement('style');
  el.id = 'mistake-lens-diagnostics';
  el.textContent = css;
  document.head.appendChild(el);
}

export class DiagnosticsView {
  readonly element: HTMLElement;
  private status: DiagnosticsStatus = { state: 'none', target: null };
  private visible = false;
  private readonly charts = new ActivationCharts();
  private canvases: { layer: ActivationLayerView; kind: ActivationChartKind; canvas: HTMLCanvasElement }[] = [];
  private chartsStale = false;
  private progressText: HTMLElement | null = null;
  private progressFill: HTMLElement | null = null;
  private progressBar: HTMLElement | null = null;

  constructor(private readonly opts: DiagnosticsViewOptions) {
    injectStyle();
    this.element = h('div', { id: 'diagnostics', class: 'diagnostics', attrs: { 'data-state': 'none' } });
    this.render();
  }

  setStatus(status: DiagnosticsStatus): void {
    const prev = this.status;
    this.status = status;
    if (prev.state === 'running' && status.state === 'running' && this.progressText) this.updateProgress(status);
    else this.render();
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) this.drawCharts();
  }

  themeChanged(): void {
    this.chartsStale = this.canvases.length > 0;
    if (this.visible) this.drawCharts();
  }

  private drawCharts(): void {
    if (!this.chartsStale) return;
    // A hidden tab has no size: draw on the next frame, once laid out.
    requestAnimationFrame(() => {
      if (!this.visible || !this.chartsStale) return;
      this.chartsStale = false;
      this.charts.render(this.canvases);
    });
  }

  private render(): void {
    const s = this.status;
    this.charts.destroy();
    this.canvases = [];
    this.chartsStale = false;
    this.progressText = this.progressFill = this.progressBar = null;
    this.element.dataset.state = s.state;
    switch (s.state) {
      case 'none':
        replaceChildren(this.element, h('section', { class: 'diag-empty' },
          h('h2', { text: 'No diagnostics yet' }),
          h('p', { text: 'Diagnostics run a checklist on a model and its data: wrong pre-processing, outputs that are already probabilities, train/eval mode, batch mixing, NaN/Inf, dead activations, broadcasting bugs, duplicates, leakage, label problems.' }),
          h('p', { text: 'Run them from the Explorer (right-click an .onnx model → Run Diagnostics) or the Command Palette (Mistake Lens: Run Diagnostics).' }),
          s.target ? button(`Run Diagnostics on ${s.target.modelName} with ${s.target.dataName}`, { id: 'diag-run', onClick: () => this.opts.onRun() }) : null));
        break;
      case 'running': {
        this.progressText = h('span', { class: 'diag-progress-text' });
        this.progressFill = h('div', { class: 'status-progress-fill' });
        this.progressBar = h('div', { class: 'status-progress', attrs: { role: 'progressbar', 'aria-label': 'Diagnostics progress' } }, this.progressFill);
        const ring = progressRing('Running diagnostics');
        ring.classList.add('status-ring');
        replaceChildren(this.element, h('section', { class: 'diag-running', attrs: { role: 'status' } },
          ring, h('div', { class: 'diag-running-main' }, h('strong', { text: `Diagnosing ${s.modelName} on ${s.dataName}` }), this.progressText), this.progressBar));
        this.updateProgress(s);
        break;
      }
      case 'failed':
      case 'cancelled':
        replaceChildren(this.element, h('section', { class: 'diag-empty' },
          h('h2', { text: s.state === 'cancelled' ? 'Diagnostics cancelled' : 'Diagnostics failed' }),
          h('p', { class: s.state === 'failed' ? 'diag-error-text' : 'muted', text: `${s.modelName} on ${s.dataName}: ${s.message}` }),
          button('Run Diagnostics again', { id: 'diag-run', onClick: () => this.opts.onRun() })));
        break;
      case 'done':
        this.renderReport(s.report);
        break;
      default: {
        const never: never = s;
        throw new Error(`unhandled diagnostics state ${JSON.stringify(never)}`);
      }
    }
  }

  private updateProgress(s: Extract<DiagnosticsStatus, { state: 'running' }>): void {
    const p = s.progress;
    const of = p.total ? `: ${int(p.done)} of ${int(p.total)}` : p.done ? `: ${int(p.done)}` : '';
    setText(this.progressText!, `${p.phase}${of} · ${s.findings} of the checks reported`);
    this.progressBar!.hidden = !p.total;
    if (p.total) {
      const f = Math.max(0, Math.min(1, p.done / p.total));
      this.progressFill!.style.width = `${f * 100}%`;
      this.progressBar!.setAttribute('aria-valuenow', String(Math.round(f * 100)));
    }
  }

  private renderReport(r: DiagnoseReport): void {
    const { counts, text } = summaryLine(r.findings);
    const chip = (sev: keyof typeof counts, word: string) =>
      h('span', { class: `diag-chip sev-${sev}${counts[sev] === 0 ? ' none' : ''}`, attrs: { 'data-severity': sev } }, h('span', { class: 'diag-symbol', attrs: { 'aria-hidden': 'true' }, text: SEVERITY_SYMBOL[sev] }), ` ${counts[sev]} ${word}`);
    const splits = r.data.splits.length > 1 ? r.data.splits.map((s) => `${s.name} ${int(s.numExamples)}`).join(', ') : `${int(r.data.numExamples)} examples`;
    const header = h('header', { class: 'diag-header' },
      h('div', { class: 'diag-header-main' },
        h('h2', { text: `${baseName(r.model.path)} on ${baseName(r.data.path)}` }),
        h('p', { class: 'muted', text: `${splits}; sample ${int(r.data.sampleSize)}${r.model.executionProvider ? ` · ${r.model.executionProvider}` : ''} · ${r.timing.seconds.toFixed(1)} s · ${r.createdAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}` })),
      button('Run again', { id: 'diag-run', appearance: 'secondary', onClick: () => this.opts.onRun() }));
    const summary = h('div', { id: 'diag-summary', class: 'diag-summary', attrs: { 'aria-label': text } },
      chip('error', counts.error === 1 ? 'error' : 'errors'), chip('warning', counts.warning === 1 ? 'warning' : 'warnings'),
      chip('info', 'passed'), chip('skipped', 'skipped'), h('span', { class: 'muted', text: `in ${r.findings.length} checks` }));

    const groups = groupFindings(r.findings).map((g) => {
      const list = h('ul', { class: 'diag-list', attrs: { 'aria-label': `${g.title} checks` } }, ...g.rows.map((row) => this.rowElement(row)));
      return h('section', { class: 'diag-group', attrs: { 'data-target': g.target } },
        h('h3', { text: `${g.title} checks` }, h('span', { class: 'muted diag-group-counts', text: ` ${summaryLine(r.findings.filter((f) => f.target === g.target)).text}` })),
        list);
    });
    replaceChildren(this.element, header, summary, ...groups, this.activations(r), this.breakdown(r));
    // Roving focus: one finding (and its code link) in the tab order; arrows move it.
    const first = this.element.querySelector<HTMLElement>('.diag-row');
    if (first) this.setRoving(first);
    this.chartsStale = this.canvases.length > 0;
    if (this.visible) this.drawCharts();
  }

  private rowElement(row: CheckRow): HTMLElement {
    const code = h('a', { class: 'diag-code', text: row.code, title: `What ${row.code} checks, and why (docs)`, attrs: { href: `#${row.anchor}`, tabindex: -1 } });
    code.addEventListener('click', (ev) => {
      ev.preventDefault();
      this.opts.onOpenDocs(row.code);
    });
    const li = h('li', { class: `diag-row sev-${row.severity}`, attrs: { 'data-code': row.code, 'data-severity': row.severity, 'aria-label': `${row.severityLabel}: ${row.code} ${row.title}` } },
      h('span', { class: 'diag-symbol', text: row.symbol, title: row.severityLabel, attrs: { role: 'img', 'aria-label': row.severityLabel } }),
      h('div', { class: 'diag-body' },
        h('div', { class: 'diag-line' }, code, h('span', { class: 'diag-title', text: row.title }), h('span', { class: 'diag-sev-text', text: row.severityLabel })),
        h('p', { class: 'diag-message', text: row.message }),
        row.advice ? h('p', { class: 'diag-advice', text: row.advice }) : null));
    li.addEventListener('keydown', (ev) => this.onRowKey(ev, li, row.code));
    li.addEventListener('focus', () => this.setRoving(li));
    return li;
  }

  private setRoving(active: HTMLElement): void {
    for (const el of this.element.querySelectorAll<HTMLElement>('.diag-row')) {
      el.tabIndex = el === active ? 0 : -1;
      el.querySelector<HTMLElement>('.diag-code')!.tabIndex = el === active ? 0 : -1;
    }
  }

  private onRowKey(ev: KeyboardEvent, li: HTMLElement, code: string): void {
    if (ev.target !== li) return; // keys on the code link inside
    const all = [...this.element.querySelectorAll<HTMLElement>('.diag-row')];
    const i = all.indexOf(li);
    let next: HTMLElement | undefined;
    switch (ev.key) {
      case 'ArrowDown': next = all[i + 1]; break;
      case 'ArrowUp': next = all[i - 1]; break;
      case 'Home': next = all[0]; break;
      case 'End': next = all[all.length - 1]; break;
      case 'Enter': this.opts.onOpenDocs(code); ev.preventDefault(); return;
      default: return;
    }
    ev.preventDefault();
    if (next) next.focus();
  }

  private activations(r: DiagnoseReport): HTMLElement | null {
    const a = activationLayers(r);
    if (!a) return null;
    const tiles = a.layers.map((layer) => {
      const canvas = (kind: ActivationChartKind, label: string) => {
        const c = h('canvas', { attrs: { role: 'img', 'aria-label': label } });
        this.canvases.push({ layer, kind, canvas: c });
        return h('div', { class: 'chart-box diag-chart' }, c);
      };
      const valueLabel = `Histogram of ${layer.opType} '${layer.node}' values: ${layer.bars.map((b) => `${b.label}: ${int(b.count)}`).join(', ')}`;
      const unitLabel = layer.unitBars ? `Units of ${layer.opType} '${layer.node}' by share of values active: ${layer.unitBars.map((b) => `${pct(b.lo, 0)}–${pct(b.hi, 0)}: ${int(b.count)}`).join(', ')}` : '';
      return h('section', { class: `tile diag-layer${layer.flagged ? ' flagged' : ''}`, attrs: { 'data-node': layer.node } },
        h('h4', null, layer.flagged ? h('span', { class: 'diag-symbol sev-warning', text: SEVERITY_SYMBOL.warning, title: 'Half or more of the units are off', attrs: { role: 'img', 'aria-label': 'Warning' } }) : null,
          ` ${layer.opType} `, h('code', { text: layer.node }), h('span', { class: 'muted', text: ` → ${layer.output}` })),
        h('p', { class: 'tile-note diag-layer-caption', text: layer.caption }),
        h('div', { class: 'diag-layer-charts' }, canvas('values', valueLabel), layer.unitBars ? canvas('units', unitLabel) : null));
    });
    return h('section', { id: 'diag-activations', class: 'diag-section' },
      h('h3', { text: 'Activation statistics (ML-M009)' }),
      h('p', { class: 'tile-note', text: `On ${int(a.examples)} sampled examples. Left: the layer's values; right: its units by how often they are active (dead or saturated units sit in the first bar). Goodfellow §11.5: monitor histograms of activations.` }),
      h('div', { class: 'diag-layers' }, ...tiles));
  }

  private breakdown(r: DiagnoseReport): HTMLElement | null {
    const b = errorBreakdown(r);
    if (!b) return null;
    const splits = dataGrid({ id: 'diag-breakdown-splits', ariaLabel: 'Error by split', columns: [
      { title: 'Split', width: 'minmax(80px, 1fr)' }, { title: 'Role', width: 'minmax(90px, 1fr)' }, { title: 'Error', width: '80px', align: 'end' }, { title: 'Labelled', width: '90px', align: 'end' },
    ] });
    splits.setRows([
      ...(b.goalError !== null ? [{ cells: ['goal', '', pct(b.goalError), ''], data: { split: 'goal' } }] : []),
      ...b.splits.map((s) => ({ cells: [s.name, s.role, s.error, int(s.labelled)], data: { split: s.name } })),
    ]);
    const terms = dataGrid({ id: 'diag-breakdown-terms', ariaLabel: 'Error breakdown terms', columns: [
      { title: 'Term', width: 'minmax(120px, 1fr)' }, { title: 'Value', width: '80px', align: 'end' }, { title: 'From', width: 'minmax(160px, 2fr)' },
    ] });
    terms.setRows(b.terms.map((t) => ({ cells: [t.largest ? `${t.label} (largest)` : t.label, t.value, t.formula], data: { term: t.label } })));
    return h('section', { id: 'diag-breakdown', class: 'diag-section' },
      h('h3', { text: 'Error breakdown (ML-M011)' }),
      h('p', { class: 'tile-note', text: b.goalError === null
        ? 'Tobin: test error = irreducible error + bias + variance + distribution shift + val over-fitting. Run the CLI with --goal-error for the avoidable bias.'
        : 'Tobin: test error = irreducible error + bias + variance + distribution shift + val over-fitting.' }),
      h('div', { class: 'diag-breakdown-tables' }, h('div', { class: 'tile' }, splits.element), b.terms.length ? h('div', { class: 'tile' }, terms.element) : null));
  }
}
