/**
 * One card of the Mistakes grid. A card's elements are created once and re-bound to other
 * items as the grid recycles it; all data goes in via textContent / setAttribute.
 *
 * DOM hooks (stable, used by the e2e test): `.card[data-id][data-index][data-kind]`,
 * `.card-label` (true / given label), `.card-predicted` (prediction / suggested label),
 * `.card-confidence`, `.card-image` (the model's input), `.card-placeholder`, `.topk-row[data-class]`.
 */
import type { ExampleView, TopClass } from '../../src/core/protocol';
import { h } from '../dom/h';
import { pct } from '../format';
import type { GridItem } from './items';
import type { LoadState } from './exampleLoader';

export const TOP_K_ON_CARD = 3;

export interface ImageState {
  state: LoadState | 'standalone';
  view?: ExampleView;
  error?: string;
}

interface BarRow {
  root: HTMLElement;
  name: HTMLElement;
  fill: HTMLElement;
  value: HTMLElement;
}

export class CardView {
  readonly root: HTMLElement;
  private readonly img: HTMLImageElement;
  private readonly figure: HTMLElement;
  private readonly placeholder: HTMLElement;
  private readonly rank: HTMLElement;
  private readonly confidence: HTMLElement;
  private readonly labelKey: HTMLElement;
  private readonly label: HTMLElement;
  private readonly predictedKey: HTMLElement;
  private readonly predicted: HTMLElement;
  private readonly bars: BarRow[] = [];
  private imgSrc = '';
  /** What the figure shows now (src or placeholder text), so an unchanged image writes nothing. */
  private shown = '';
  item: GridItem | null = null;
  index = -1;

  constructor() {
    this.img = h('img', { class: 'card-image', attrs: { alt: '', draggable: 'false', decoding: 'async' } });
    this.placeholder = h('div', { class: 'card-placeholder' });
    this.rank = h('span', { class: 'card-rank' });
    this.confidence = h('span', { class: 'card-confidence' });
    this.labelKey = h('span', { class: 'card-key', text: 'true' });
    this.label = h('span', { class: 'card-label' });
    this.predictedKey = h('span', { class: 'card-key', text: 'pred' });
    this.predicted = h('span', { class: 'card-predicted' });
    const body = h('div', { class: 'card-topk' });
    for (let i = 0; i < TOP_K_ON_CARD; i++) {
      const row: BarRow = {
        root: h('div', { class: 'topk-row' }),
        name: h('span', { class: 'topk-name' }),
        fill: h('span', { class: 'topk-fill' }),
        value: h('span', { class: 'topk-p' }),
      };
      row.root.append(row.name, h('span', { class: 'topk-bar' }, row.fill), row.value);
      this.bars.push(row);
      body.appendChild(row.root);
    }
    this.figure = h('div', { class: 'card-figure' }, this.img, this.placeholder, this.rank);
    this.root = h('div', { class: 'card', attrs: { role: 'listitem', tabindex: -1 } },
      this.figure,
      // The label band sits under the image rather than over it: no pixel of the input is hidden.
      h('div', { class: 'card-overlay' },
        h('div', { class: 'card-line is-label' }, this.labelKey, this.label),
        h('div', { class: 'card-line is-predicted' }, this.predictedKey, this.predicted, this.confidence)),
      body);
  }

  bind(item: GridItem, index: number, image: ImageState): void {
    if (this.item !== item || this.index !== index) {
      this.item = item;
      this.index = index;
      const r = this.root;
      if (r.classList.contains('is-parked')) r.classList.remove('is-parked');
      r.dataset.id = String(item.id);
      r.dataset.index = String(index);
      r.dataset.kind = item.kind;
      setData(this.rank, `#${index + 1}`);
      setData(this.label, item.label);
      setData(this.predicted, item.predicted);
      this.label.title = item.label;
      this.predicted.title = item.predicted;
      const issue = item.kind === 'labelIssue';
      setData(this.labelKey, issue ? 'given' : 'true');
      setData(this.predictedKey, issue ? 'likely' : 'pred');
      r.classList.toggle('is-correct', item.label === item.predicted);
      if (item.kind === 'ranked') {
        setData(this.confidence, pct(item.confidence));
        this.confidence.title = `p(${item.predicted}) = ${item.confidence.toFixed(4)}`;
        this.setBars(item.example.top, item.label, item.predicted);
        r.setAttribute('aria-label', `${index + 1}: ${item.source}. True ${item.label}, predicted ${item.predicted} at ${pct(item.confidence)}.`);
      } else {
        const is = item.issue;
        setData(this.confidence, pct(is.score));
        this.confidence.title = `label error score ${is.score.toFixed(4)}`;
        this.setBars([{ class: is.suggested, p: is.pSuggested }, { class: is.label, p: is.pLabel }], is.label, is.suggested);
        r.setAttribute('aria-label', `${index + 1}: ${item.source}. Labelled ${is.label}, likely ${is.suggested} (score ${pct(is.score)}).`);
      }
    }
    this.setImage(item, image);
  }

  /**
   * Parked in the pool: invisible (visibility, not display, so it keeps its layout and a re-bind
   * relays out only what changed), and without data attributes, so `.card[data-id]` matches live cards only.
   */
  park(): void {
    this.item = null;
    this.index = -1;
    this.root.classList.add('is-parked');
    delete this.root.dataset.id;
    delete this.root.dataset.index;
    delete this.root.dataset.kind;
  }

  setImage(item: GridItem, image: ImageState): void {
    const src = image.view?.modelInput ?? '';
    // The image and the placeholder are both laid out; `has-image` on the figure picks which one is
    // visible, so a loaded image changes paint only, not layout.
    if (src) {
      const key = `${item.id}\u0000${src}`;
      if (this.shown === key) return;
      this.shown = key;
      if (this.imgSrc !== src) {
        this.imgSrc = src;
        this.img.src = src;
        const v = image.view!;
        // Tiny inputs (28x28) are scaled up with hard pixel edges: that is what the model saw.
        this.img.classList.toggle('pixelated', Math.max(v.width, v.height) <= 96);
      }
      this.img.alt = `model input for ${item.source}`;
      this.figure.classList.add('has-image');
      return;
    }
    const text = image.state === 'standalone' ? item.source
      : image.state === 'failed' ? `no image: ${image.error ?? 'unavailable'}`
        : image.state === 'loaded' ? 'no image' : 'loading…';
    const key = `${item.id}\u0000${image.state}\u0000${text}`;
    if (this.shown === key) return;
    this.shown = key;
    if (this.imgSrc) {
      this.imgSrc = '';
      this.img.removeAttribute('src');
    }
    this.figure.classList.remove('has-image');
    this.placeholder.dataset.state = image.state;
    setData(this.placeholder, text);
    this.placeholder.title = image.state === 'standalone' ? item.source : text;
  }

  private setBars(top: readonly TopClass[], label: string, predicted: string): void {
    this.bars.forEach((row, i) => {
      const t = top[i];
      row.root.hidden = !t;
      if (!t) return;
      row.root.dataset.class = t.class;
      row.root.classList.toggle('is-label', t.class === label);
      row.root.classList.toggle('is-predicted', t.class === predicted && t.class !== label);
      setData(row.name, t.class);
      row.name.title = t.class;
      setData(row.value, pct(t.p, 0));
      row.fill.style.width = `${Math.max(0, Math.min(1, t.p)) * 100}%`;
    });
  }
}

/**
 * Sets an element's text by changing its one text node in place: the layout object is kept and
 * only re-shaped, where `textContent =` would replace the node (and its layout object) every bind.
 */
function setData(el: HTMLElement, text: string): void {
  const t = el.firstChild;
  if (t && t === el.lastChild && t.nodeType === Node.TEXT_NODE) {
    if ((t as Text).data !== text) (t as Text).data = text;
  } else if (el.textContent !== text) {
    el.textContent = text;
  }
}
