/**
 * The virtualized card grid: a scroller, a sizer as tall as all rows, and a small pool of
 * absolutely positioned rows of cards that are recycled as rows scroll in and out. Only the rows
 * in view (plus overscan) are in the DOM, however long the list is.
 *
 * Cards sit in row elements (`contain: strict`, moved by transform) rather than each being placed
 * on its own: a paint of the grid then walks six rows and re-records only the row whose card
 * changed, where it used to walk every card (about a tenth of the paint time, measured).
 */
import { h } from '../dom/h';
import { OFFSCREEN_BINDS_PER_FRAME, planBinds } from './bindPlan';
import { CardView, type ImageState } from './card';
import { ItemList, type GridItem } from './items';
import {
  computeLayout, indexAfterKey, isGridKey, scrollToReveal, visibleRange, cellPosition,
  type GridGeometry, type GridLayout, type VisibleRange,
} from './virtualMath';

export const CARD_GEOMETRY: GridGeometry = { minCardWidth: 172, cardHeight: 240, gap: 12, padding: 12 };
// One row each side: every card in the DOM is walked by each paint of the grid, so fewer is cheaper;
// a row ahead is still bound (a few cards a frame, bindPlan.ts) before it scrolls into view.
const OVERSCAN_ROWS = 1;

interface RowView {
  root: HTMLElement;
  /** One per column, in order. */
  cards: CardView[];
}

export interface VirtualGridOptions {
  imageFor(item: GridItem): ImageState;
  /** Ids of the cards now in range and of the row ahead of the scroll (for loading their images). */
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
  /** Row elements by row number, and the pool of rows out of range (all their cards parked). */
  private readonly rows = new Map<number, RowView>();
  private readonly freeRows: RowView[] = [];
  private activeIndex = 0;
  private frame = 0;
  private pendingScrollTop: number | null = null;
  private lastRange: VisibleRange | null = null;
  private lastTop = 0;
  private direction = 0;
  /** Cards in range still to bind, or images still to apply: render again next frame. */
  private behind = false;
  /** Ids whose image loaded or failed; applied in the next frame rather than in the message's task. */
  private readonly imagesChanged = new Set<number>();
  private width = 0;
  private height = 0;

  constructor(private readonly opts: VirtualGridOptions) {
    this.sizer = h('div', { class: 'grid-sizer' });
    this.element = h('div', { id: 'grid', class: 'grid', attrs: { role: 'list', 'aria-label': 'Examples', tabindex: -1 } }, this.sizer);
    // No layout read here: the next frame reads scrollTop once, before it writes anything.
    this.element.addEventListener('scroll', () => this.schedule(), { passive: true });
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
    this.renderNow(true);
  }

  get count(): number {
    return this.items.length;
  }

  get scrollTop(): number {
    return this.element.scrollTop;
  }

  /** Re-bind the images of these ids (they loaded or failed), in the next frame. */
  refreshImages(ids: readonly number[]): void {
    for (const id of ids) this.imagesChanged.add(id);
    this.schedule();
  }

  /** Bring a card into view and focus it. */
  focusIndex(index: number): void {
    if (index < 0 || index >= this.items.length) return;
    this.activeIndex = index;
    this.reveal(index);
    this.renderNow(true);
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
    this.renderNow(true);
  }

  private relayout(): void {
    const prev = this.layout;
    this.layout = computeLayout(this.items.length, this.width, CARD_GEOMETRY);
    this.sizer.style.height = `${this.layout.totalHeight}px`;
    if (prev.columns !== this.layout.columns || prev.cardWidth !== this.layout.cardWidth) {
      // Rows hold one card per column: build them again for the new width.
      if (this.element.contains(document.activeElement) && document.activeElement !== this.element) this.element.focus({ preventScroll: true });
      for (const row of [...this.rows.values(), ...this.freeRows]) row.root.remove();
      this.rows.clear();
      this.freeRows.length = 0;
      this.rendered.clear();
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

  /** Render in this task; `all` binds the whole range at once (a new list, a resize, a key press). */
  private renderNow(all = false): void {
    if (this.frame) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
    }
    this.lastRange = null;
    this.render(all);
  }

  private render(all = false): void {
    const top = this.element.scrollTop; // the one layout read, before any write
    if (top !== this.lastTop) {
      this.direction = Math.sign(top - this.lastTop);
      this.lastTop = top;
      this.opts.onScroll(top);
    }
    const range = visibleRange(this.layout, top, this.height, OVERSCAN_ROWS);
    const last = this.lastRange;
    const moved = !last || last.firstIndex !== range.firstIndex || last.endIndex !== range.endIndex;
    if (!moved && !this.behind && this.imagesChanged.size === 0) return;
    this.lastRange = range;
    const view = visibleRange(this.layout, top, this.height, 0);

    // Cards that left the range are parked (kept in the DOM, invisible, without data attributes) and
    // re-bound to rows that enter it: no node is built or removed, and nothing toggles display.
    if (moved) {
      for (const [index, card] of this.rendered) {
        if (index >= range.firstIndex && index < range.endIndex) continue;
        if (card.root.contains(document.activeElement)) this.element.focus({ preventScroll: true });
        this.rendered.delete(index);
        card.park();
      }
      for (const [r, row] of this.rows) {
        if (r >= range.firstRow && r < range.endRow) continue;
        this.rows.delete(r);
        this.freeRows.push(row);
      }
      for (let r = range.firstRow; r < range.endRow; r++) {
        if (this.rows.has(r)) continue;
        const row = this.freeRows.pop() ?? this.createRow();
        this.rows.set(r, row);
        row.root.style.transform = `translateY(${cellPosition(this.layout, r * this.layout.columns).y}px)`;
      }
    }
    const needed: number[] = [];
    for (let i = range.firstIndex; i < range.endIndex; i++) {
      const card = this.rendered.get(i);
      if (!card || card.item !== this.items.at(i)) needed.push(i);
    }
    const plan = all ? { now: needed, deferred: 0 } : planBinds(needed, view.firstIndex, view.endIndex, this.direction);
    for (const i of plan.now) {
      const item = this.items.at(i);
      const card = this.rows.get(Math.floor(i / this.layout.columns))!.cards[i % this.layout.columns]!;
      this.rendered.set(i, card);
      card.bind(item, i, this.opts.imageFor(item));
      this.imagesChanged.delete(item.id);
    }
    // Images that arrived since the last frame: those in view now, a few off-screen ones per frame.
    let imagesLeft = 0;
    if (this.imagesChanged.size > 0) {
      const offscreenBound = plan.now.filter((i) => i < view.firstIndex || i >= view.endIndex).length;
      let budget = all ? Infinity : OFFSCREEN_BINDS_PER_FRAME - offscreenBound;
      for (const [i, card] of this.rendered) {
        if (!card.item || !this.imagesChanged.has(card.item.id)) continue;
        const inView = i >= view.firstIndex && i < view.endIndex;
        if (!inView && budget <= 0) {
          imagesLeft++;
          continue;
        }
        if (!inView) budget--;
        card.setImage(card.item, this.opts.imageFor(card.item));
        this.imagesChanged.delete(card.item.id);
      }
      if (imagesLeft === 0) this.imagesChanged.clear(); // the rest are not on any card
    }
    this.behind = plan.deferred > 0 || imagesLeft > 0;
    if (this.behind) this.schedule();
    this.updateTabStops();
    if (moved) {
      // Images for the range and for one more row ahead of the scroll: a card bound with its image
      // already loaded is painted once, not once as a placeholder and again when the image comes.
      const cols = this.layout.columns;
      const from = this.direction < 0 ? Math.max(0, range.firstIndex - cols) : range.firstIndex;
      const to = this.direction < 0 ? range.endIndex : Math.min(this.items.length, range.endIndex + cols);
      const ids: number[] = [];
      for (let i = from; i < to; i++) ids.push(this.items.id(i));
      this.opts.onVisible(ids);
    }
  }

  /** A row of parked cards, one per column, placed by `render`. */
  private createRow(): RowView {
    const { columns, cardWidth, cardHeight, gap, padding } = this.layout;
    const root = h('div', { class: 'grid-row', attrs: { role: 'presentation' } });
    root.style.height = `${cardHeight}px`;
    root.style.gap = `${gap}px`;
    root.style.paddingLeft = `${padding}px`;
    const cards: CardView[] = [];
    for (let k = 0; k < columns; k++) {
      const card = new CardView();
      card.park();
      card.root.style.height = `${cardHeight}px`;
      card.root.style.width = `${cardWidth}px`;
      root.appendChild(card.root);
      cards.push(card);
    }
    this.element.appendChild(root);
    return { root, cards };
  }

  /** Roving tabindex: one card is the grid's tab stop, the active one if it is rendered. */
  private updateTabStops(): void {
    let stop = this.rendered.get(this.activeIndex);
    if (!stop) {
      const r = this.lastRange;
      const firstInView = r ? Math.min(r.endIndex - 1, Math.max(r.firstIndex, Math.ceil(this.lastTop / this.layout.rowHeight) * this.layout.columns)) : -1;
      stop = this.rendered.get(firstInView);
    }
    // Only changed values are written: an attribute write, even of the same value, restyles the card.
    for (const [, card] of this.rendered) {
      const t = card === stop ? 0 : -1;
      if (card.root.tabIndex !== t) card.root.tabIndex = t;
    }
    const gridTab = stop ? -1 : 0;
    if (this.element.tabIndex !== gridTab) this.element.tabIndex = gridTab;
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
