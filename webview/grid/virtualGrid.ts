/**
 * The virtualized card grid: a scroller, a sizer as tall as all rows, and a small pool of
 * absolutely positioned cards that are recycled as rows scroll in and out. Only the rows in
 * view (plus overscan) are in the DOM, however long the list is.
 */
import { h } from '../dom/h';
import { CardView, type ImageState } from './card';
import { ItemList, type GridItem } from './items';
import {
  computeLayout, indexAfterKey, isGridKey, scrollToReveal, visibleRange, cellPosition,
  type GridGeometry, type GridLayout, type VisibleRange,
} from './virtualMath';

export const CARD_GEOMETRY: GridGeometry = { minCardWidth: 172, cardHeight: 240, gap: 12, padding: 12 };
const OVERSCAN_ROWS = 2;

export interface VirtualGridOptions {
  imageFor(item: GridItem): ImageState;
  /** Ids of the cards now in view (for loading their images). */
  onVisible(ids: number[]): void;
  onOpen(index: number): void;
  onScroll(scrollTop: number): void;
}

export class VirtualGrid {
  readonly element: HTMLElement;
  private readonly sizer: HTMLElement;
  private items: ItemList = ItemList.EMPTY;
  private layout: GridLayout = computeLayout(0, 0, CARD_GEOMETRY);
  private readonly rendered = new Map<number, CardView>();
  private readonly free: CardView[] = [];
  private activeIndex = 0;
  private frame = 0;
  private pendingScrollTop: number | null = null;
  private lastRange: VisibleRange | null = null;
  private width = 0;
  private height = 0;

  constructor(private readonly opts: VirtualGridOptions) {
    this.sizer = h('div', { class: 'grid-sizer' });
    this.element = h('div', { id: 'grid', class: 'grid', attrs: { role: 'list', 'aria-label': 'Examples', tabindex: -1 } }, this.sizer);
    this.element.addEventListener('scroll', () => {
      this.schedule();
      this.opts.onScroll(this.element.scrollTop);
    }, { passive: true });
    this.element.addEventListener('keydown', (ev) => this.onKey(ev));
    this.element.addEventListener('click', (ev) => {
      const card = this.cardFromEvent(ev);
      if (card) this.opts.onOpen(card.index);
    });
    this.element.addEventListener('focusin', (ev) => {
      const card = this.cardFromEvent(ev);
      if (card && card.index !== this.activeIndex) {
        this.activeIndex = card.index;
        this.updateTabStops();
      }
    });
    new ResizeObserver(() => this.measure()).observe(this.element);
  }

  /** New list. `scrollTop` restores a position (applied once the grid has a size). */
  setItems(items: ItemList, scrollTop: number | null = 0): void {
    this.items = items;
    if (this.activeIndex >= items.length) this.activeIndex = Math.max(0, items.length - 1);
    for (const [, card] of this.rendered) {
      card.item = null; // force a re-bind: position i may now be another item
    }
    this.relayout();
    if (scrollTop !== null) this.scrollTo(scrollTop);
    this.renderNow();
  }

  get count(): number {
    return this.items.length;
  }

  get scrollTop(): number {
    return this.element.scrollTop;
  }

  /** Re-bind the images of these ids (they loaded or failed). */
  refreshImages(ids: readonly number[]): void {
    const set = new Set(ids);
    for (const [, card] of this.rendered) {
      if (card.item && set.has(card.item.id)) card.setImage(card.item, this.opts.imageFor(card.item));
    }
  }

  /** Bring a card into view and focus it. */
  focusIndex(index: number): void {
    if (index < 0 || index >= this.items.length) return;
    this.activeIndex = index;
    this.reveal(index);
    this.renderNow();
    this.rendered.get(index)?.root.focus({ preventScroll: true });
  }

  reveal(index: number): void {
    if (this.height <= 0) return;
    const top = scrollToReveal(this.layout, index, this.element.scrollTop, this.height);
    if (top !== this.element.scrollTop) this.element.scrollTop = top;
  }

  indexOfId(id: number): number {
    return this.items.indexOfId(id);
  }

  /** How many cards are in the DOM now (for tests and the benchmark). */
  get renderedCount(): number {
    return this.rendered.size;
  }

  private scrollTo(top: number): void {
    if (this.height > 0) {
      this.element.scrollTop = top;
      this.pendingScrollTop = null;
    } else {
      this.pendingScrollTop = top;
    }
  }

  private measure(): void {
    const w = this.element.clientWidth;
    const hgt = this.element.clientHeight;
    if (w === this.width && hgt === this.height) return;
    this.width = w;
    this.height = hgt;
    this.relayout();
    if (this.pendingScrollTop !== null && hgt > 0) this.scrollTo(this.pendingScrollTop);
    this.renderNow();
  }

  private relayout(): void {
    const prev = this.layout;
    this.layout = computeLayout(this.items.length, this.width, CARD_GEOMETRY);
    this.sizer.style.height = `${this.layout.totalHeight}px`;
    if (prev.columns !== this.layout.columns || prev.cardWidth !== this.layout.cardWidth) {
      for (const card of [...this.rendered.values(), ...this.free]) card.root.style.width = `${this.layout.cardWidth}px`;
      for (const [, card] of this.rendered) card.item = null; // positions changed: re-place every card
    }
    this.lastRange = null;
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private renderNow(): void {
    if (this.frame) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
    }
    this.lastRange = null;
    this.render();
  }

  private render(): void {
    const range = visibleRange(this.layout, this.element.scrollTop, this.height, OVERSCAN_ROWS);
    const last = this.lastRange;
    if (last && last.firstIndex === range.firstIndex && last.endIndex === range.endIndex) return;
    this.lastRange = range;

    // Cards that left the range are re-bound to the items that entered it; only a surplus is hidden,
    // so a steady scroll never toggles display (which would force a full layout of the card).
    for (const [index, card] of this.rendered) {
      if (index >= range.firstIndex && index < range.endIndex) continue;
      if (card.root.contains(document.activeElement)) this.element.focus({ preventScroll: true });
      this.rendered.delete(index);
      card.item = null;
      this.free.push(card);
    }
    const ids: number[] = [];
    for (let i = range.firstIndex; i < range.endIndex; i++) {
      const item = this.items.at(i);
      let card = this.rendered.get(i);
      if (!card || card.item !== item) {
        if (!card) {
          card = this.free.pop() ?? this.createCard();
          this.rendered.set(i, card);
        }
        if (card.root.hidden) card.root.hidden = false;
        card.bind(item, i, this.opts.imageFor(item));
        const { x, y } = cellPosition(this.layout, i);
        card.root.style.transform = `translate(${x}px, ${y}px)`;
      }
      ids.push(item.id);
    }
    for (const card of this.free) if (!card.root.hidden) card.release();
    this.updateTabStops();
    this.opts.onVisible(ids);
  }

  private createCard(): CardView {
    const card = new CardView();
    card.root.style.height = `${this.layout.cardHeight}px`;
    card.root.style.width = `${this.layout.cardWidth}px`;
    this.element.appendChild(card.root);
    return card;
  }

  /** Roving tabindex: one card is the grid's tab stop, the active one if it is rendered. */
  private updateTabStops(): void {
    let stop = this.rendered.get(this.activeIndex);
    if (!stop) {
      const r = this.lastRange;
      const firstInView = r ? Math.min(r.endIndex - 1, Math.max(r.firstIndex, Math.ceil(this.element.scrollTop / this.layout.rowHeight) * this.layout.columns)) : -1;
      stop = this.rendered.get(firstInView);
    }
    for (const [, card] of this.rendered) card.root.tabIndex = card === stop ? 0 : -1;
    this.element.tabIndex = stop ? -1 : 0;
  }

  private onKey(ev: KeyboardEvent): void {
    if (this.items.length === 0) return;
    if (isGridKey(ev.key)) {
      ev.preventDefault();
      const focused = this.cardFromEvent(ev);
      const from = focused ? focused.index : this.activeIndex;
      this.focusIndex(indexAfterKey(ev.key, from, this.layout, this.height));
    } else if (ev.key === 'Enter' || ev.key === ' ') {
      const card = this.cardFromEvent(ev);
      if (card) {
        ev.preventDefault();
        this.opts.onOpen(card.index);
      }
    }
  }

  private cardFromEvent(ev: Event): CardView | undefined {
    const el = (ev.target as Element | null)?.closest?.('.card');
    if (!(el instanceof HTMLElement) || el.dataset.index === undefined) return undefined;
    const card = this.rendered.get(Number(el.dataset.index));
    return card && card.root === el ? card : undefined;
  }
}
