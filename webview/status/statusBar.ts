/**
 * The run's status line at the top of the panel: progress with Cancel while it runs; done,
 * cancelled or failed (with the message) and Re-run afterwards. In the standalone report it
 * shows what the report is about instead.
 *
 * DOM hooks: `#status[data-state]`, `#status-title`, `#status-text`, `#status-progress` (role=progressbar),
 * `#status-partial`, `#cancel-run`, `#rerun`.
 */
import type { ReportSummary, RunStatus } from '../../src/core/protocol';
import { h, setText } from '../dom/h';
import { baseName, int, pct } from '../format';
import { button, progressRing } from '../toolkit';

export class StatusBar {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly text: HTMLElement;
  private readonly ring: HTMLElement;
  private readonly progress: HTMLElement;
  private readonly fill: HTMLElement;
  private readonly partial: HTMLElement;
  private readonly cancel: HTMLElement | null;
  private readonly rerun: HTMLElement | null;

  constructor(opts: { interactive: boolean; onCancel(): void; onRerun(): void }) {
    this.title = h('span', { id: 'status-title', class: 'status-title', text: 'Mistake Lens' });
    this.text = h('span', { id: 'status-text', class: 'status-text' });
    this.ring = progressRing('Running');
    this.ring.classList.add('status-ring');
    this.ring.hidden = true;
    this.fill = h('div', { class: 'status-progress-fill' });
    this.progress = h('div', { id: 'status-progress', class: 'status-progress', attrs: { role: 'progressbar', 'aria-label': 'Run progress', hidden: true } }, this.fill);
    this.partial = h('span', { id: 'status-partial', class: 'status-partial', text: 'partial results', attrs: { hidden: true } });
    this.cancel = opts.interactive ? button('Cancel', { id: 'cancel-run', appearance: 'secondary', onClick: opts.onCancel }) : null;
    this.rerun = opts.interactive ? button('Re-run', { id: 'rerun', appearance: 'secondary', onClick: opts.onRerun }) : null;
    if (this.cancel) this.cancel.hidden = true;
    if (this.rerun) this.rerun.hidden = true;
    this.element = h('header', { id: 'status', class: 'status', attrs: { 'data-state': 'idle', role: 'status' } },
      this.ring,
      h('div', { class: 'status-main' }, h('div', { class: 'status-line' }, this.title, this.partial), this.text),
      this.progress, this.cancel, this.rerun);
  }

  setStatus(s: RunStatus): void {
    this.element.dataset.state = s.state;
    setText(this.title, `${s.modelName || 'model'} on ${s.dataName || 'data'}`);
    const ep = s.executionProvider ? ` · ${s.executionProvider}` : '';
    const of = s.total !== null ? ` / ${int(s.total)}` : '';
    let text: string;
    switch (s.state) {
      case 'idle': text = s.message ?? 'Ready'; break;
      case 'running': text = `Running: ${int(s.done)}${of} examples${s.total ? ` (${pct(s.done / s.total, 0)})` : ''}${ep}`; break;
      case 'done': text = `Done: ${int(s.done)} examples${ep}`; break;
      case 'cancelled': text = `Cancelled after ${int(s.done)}${of} examples`; break;
      case 'failed': text = `Failed: ${s.message ?? 'unknown error'}`; break;
    }
    if (s.message && s.state !== 'failed' && s.state !== 'idle') text += ` — ${s.message}`;
    setText(this.text, text);
    const running = s.state === 'running';
    this.ring.hidden = !running;
    this.progress.hidden = !running || s.total === null;
    if (running && s.total) {
      const f = Math.max(0, Math.min(1, s.done / s.total));
      this.fill.style.width = `${f * 100}%`;
      this.progress.setAttribute('aria-valuenow', String(Math.round(f * 100)));
    }
    if (this.cancel) this.cancel.hidden = !running;
    if (this.rerun) this.rerun.hidden = running;
    if (!running) this.partial.hidden = true;
  }

  setPartial(partial: boolean): void {
    this.partial.hidden = !partial;
  }

  /** Standalone report: no run, just what the report covers. */
  describeReport(r: ReportSummary): void {
    this.element.dataset.state = 'report';
    setText(this.title, `${baseName(r.model.path)} on ${baseName(r.data.path)}`);
    setText(this.text, `${int(r.numExamples)} examples · accuracy ${pct(r.accuracy)} · ${r.executionProvider} · report of ${r.createdAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} · images are not embedded in the HTML report`);
  }
}
