/**
 * The detail view of one example: the original file beside the model's input, the facts, every
 * class probability the report holds for it, and "Open file" / "Reveal in Explorer".
 * A modal dialog: Escape or the close button closes it, ←/→ step through the list.
 *
 * DOM hooks: `#detail[data-id]`, `#detail-title`, `.detail-label`, `.detail-predicted`,
 * `#detail-original`, `#detail-model-input`, `.detail-prob[data-class]`, `#detail-open`, `#detail-reveal`, `#detail-close`.
 */
import type { ExampleView, RankedExample, TopClass } from '../../src/core/protocol';
import { h, replaceChildren } from '../dom/h';
import { fixed, pct } from '../format';
import type { GridItem } from '../grid/items';
import type { ImageState } from '../grid/card';
import { button } from '../toolkit';

export interface DetailOptions {
  /** False in the standalone HTML report: no host to open files. */
  canOpenFiles: boolean;
  imageFor(item: GridItem): ImageState;
  /** The ranked record of a dataset index, when the report has one (for label issues' probabilities). */
  rankedFor(id: number): RankedExample | undefined;
  onOpenFile(id: number, how: 'open' | 'reveal'): void;
  onNavigate(delta: -1 | 1): void;
  onClose(): void;
}

export class DetailView {
  readonly element: HTMLElement;
  private readonly box: HTMLElement;
  private readonly title: HTMLElement;
  private readonly position: HTMLElement;
  private readonly original: HTMLElement;
  private readonly modelInput: HTMLElement;
  private readonly modelCaption: HTMLElement;
  private readonly facts: HTMLElement;
  private readonly probs: HTMLElement;
  private readonly probsTitle: HTMLElement;
  private readonly closeButton: HTMLElement;
  private current: GridItem | null = null;

  constructor(private readonly opts: DetailOptions) {
    this.title = h('h2', { id: 'detail-title', class: 'detail-title' });
    this.position = h('span', { class: 'detail-position' });
    this.original = h('div', { class: 'detail-image' });
    this.modelInput = h('div', { class: 'detail-image' });
    this.modelCaption = h('figcaption');
    this.facts = h('dl', { class: 'detail-facts' });
    this.probsTitle = h('h3');
    this.probs = h('div', { class: 'detail-probs', attrs: { role: 'list' } });
    this.closeButton = button('Close', { id: 'detail-close', appearance: 'secondary', title: 'Close (Escape)', onClick: () => this.opts.onClose() });
    const actions = opts.canOpenFiles
      ? h('div', { class: 'detail-actions' },
        button('Open file', { id: 'detail-open', onClick: () => this.current && this.opts.onOpenFile(this.current.id, 'open') }),
        button('Reveal in Explorer', { id: 'detail-reveal', appearance: 'secondary', onClick: () => this.current && this.opts.onOpenFile(this.current.id, 'reveal') }))
      : null;
    this.box = h('div', { class: 'detail-box', attrs: { role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'detail-title' } },
      h('header', { class: 'detail-header' },
        this.title, this.position,
        button('‹', { appearance: 'icon', title: 'Previous (←)', attrs: { 'aria-label': 'Previous example' }, onClick: () => this.opts.onNavigate(-1) }),
        button('›', { appearance: 'icon', title: 'Next (→)', attrs: { 'aria-label': 'Next example' }, onClick: () => this.opts.onNavigate(1) }),
        this.closeButton),
      h('div', { class: 'detail-main' },
        h('div', { class: 'detail-images' },
          h('figure', null, this.original, h('figcaption', { text: 'Original file' })),
          h('figure', null, this.modelInput, this.modelCaption)),
        h('div', { class: 'detail-side' }, this.facts, this.probsTitle, this.probs, actions)));
    this.element = h('div', { id: 'detail', class: 'detail', attrs: { hidden: true } },
      h('div', { class: 'detail-backdrop', on: { click: () => this.opts.onClose() } }), this.box);
    this.element.addEventListener('keydown', (ev) => this.onKey(ev));
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  get currentId(): number | null {
    return this.isOpen && this.current ? this.current.id : null;
  }

  show(item: GridItem, index: number, count: number): void {
    const wasOpen = this.isOpen;
    this.current = item;
    this.element.hidden = false;
    this.element.dataset.id = String(item.id);
    this.title.textContent = item.source;
    this.title.title = item.source;
    this.position.textContent = `${index + 1} of ${count}`;
    this.renderFacts(item);
    this.renderImages(item);
    if (!wasOpen) this.closeButton.focus();
  }

  /** An image for the open example arrived. */
  refreshImage(ids: readonly number[]): void {
    if (this.current && this.isOpen && ids.includes(this.current.id)) this.renderImages(this.current);
  }

  hide(): void {
    this.element.hidden = true;
    this.current = null;
    delete this.element.dataset.id;
  }

  private renderImages(item: GridItem): void {
    const img = this.opts.imageFor(item);
    const v: ExampleView | undefined = img.view;
    const waiting = img.state === 'loading' || img.state === 'none' ? 'loading…' : img.state === 'failed' ? `unavailable: ${img.error ?? ''}` : 'not in the HTML report';
    replaceChildren(this.original, v?.original
      ? h('img', { id: 'detail-original', attrs: { src: v.original, alt: `original file ${item.source}` } })
      : h('div', { class: 'detail-placeholder', text: v ? 'no original image file (array data)' : waiting }));
    replaceChildren(this.modelInput, v?.modelInput
      ? h('img', { id: 'detail-model-input', class: Math.max(v.width, v.height) <= 96 ? 'pixelated' : '', attrs: { src: v.modelInput, alt: `model input for ${item.source}` } })
      : h('div', { class: 'detail-placeholder', text: v ? 'no image' : waiting }));
    this.modelCaption.textContent = v ? `Model input (${v.width}×${v.height}), as the model saw it` : 'Model input, as the model saw it';
  }

  private renderFacts(item: GridItem): void {
    const row = (k: string, v: string, cls?: string) => [h('dt', { text: k }), h('dd', { class: cls, text: v })];
    let top: readonly TopClass[] = [];
    if (item.kind === 'ranked') {
      const e = item.example;
      replaceChildren(this.facts,
        ...row('True label', e.label, 'detail-label'),
        ...row('Predicted', e.predicted, 'detail-predicted'),
        ...row('Confidence', pct(e.confidence, 2)),
        ...row('p(true label)', pct(e.pLabel, 2)),
        ...row('Loss', fixed(e.loss, 3)),
        ...row('Margin', fixed(e.margin, 3)),
        ...row('Index', String(e.index)));
      top = e.top;
    } else {
      const is = item.issue;
      replaceChildren(this.facts,
        ...row('Given label', is.label, 'detail-label'),
        ...row('Likely label', is.suggested, 'detail-predicted'),
        ...row('Label error score', pct(is.score, 1)),
        ...row('p(given label)', pct(is.pLabel, 2)),
        ...row('p(likely label)', pct(is.pSuggested, 2)),
        ...row('Index', String(is.index)));
      top = this.opts.rankedFor(is.index)?.top ?? [{ class: is.suggested, p: is.pSuggested }, { class: is.label, p: is.pLabel }];
    }
    this.probsTitle.textContent = `Class probabilities (top ${top.length})`;
    replaceChildren(this.probs, ...top.map((t) => {
      const fill = h('span', { class: 'topk-fill' });
      fill.style.width = `${Math.max(0, Math.min(1, t.p)) * 100}%`;
      const cls = t.class === item.label ? 'is-label' : t.class === item.predicted ? 'is-predicted' : '';
      return h('div', { class: `detail-prob topk-row ${cls}`, attrs: { role: 'listitem', 'data-class': t.class } },
        h('span', { class: 'topk-name', text: t.class, title: t.class }),
        h('span', { class: 'topk-bar' }, fill),
        h('span', { class: 'topk-p', text: pct(t.p, 1) }));
    }));
  }

  private onKey(ev: KeyboardEvent): void {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      ev.stopPropagation();
      this.opts.onClose();
    } else if ((ev.key === 'ArrowLeft' || ev.key === 'ArrowRight') && !(ev.target instanceof HTMLInputElement)) {
      ev.preventDefault();
      this.opts.onNavigate(ev.key === 'ArrowLeft' ? -1 : 1);
    } else if (ev.key === 'Tab') {
      // Keep focus inside the dialog.
      const focusables = [...this.box.querySelectorAll<HTMLElement>('vscode-button, [tabindex="0"], a[href]')].filter((e) => !e.hidden);
      if (focusables.length === 0) return;
      const first = focusables[0]!;
      const last = focusables[focusables.length - 1]!;
      const active = document.activeElement;
      if (ev.shiftKey && active === first) { ev.preventDefault(); last.focus(); }
      else if (!ev.shiftKey && active === last) { ev.preventDefault(); first.focus(); }
    }
  }
}
