/**
 * Virtualization math for the Mistakes grid (DOM-free, unit-tested in plain Node).
 * The grid lays fixed-height cards in rows; only the rows that intersect the viewport
 * (plus a few rows of overscan) are ever in the DOM.
 */

export interface GridGeometry {
  /** Cards are at least this wide; extra width is shared between the columns. */
  minCardWidth: number;
  cardHeight: number;
  gap: number;
  padding: number;
}

export interface GridLayout {
  count: number;
  columns: number;
  cardWidth: number;
  cardHeight: number;
  /** Card height + gap: the distance from one row's top to the next. */
  rowHeight: number;
  gap: number;
  padding: number;
  rows: number;
  /** Height of the scrollable content. */
  totalHeight: number;
}

export interface VisibleRange {
  firstRow: number;
  /** Exclusive. */
  endRow: number;
  firstIndex: number;
  /** Exclusive. */
  endIndex: number;
}

export function computeLayout(count: number, viewportWidth: number, g: GridGeometry): GridLayout {
  const inner = Math.max(0, viewportWidth - 2 * g.padding);
  const columns = Math.max(1, Math.floor((inner + g.gap) / (g.minCardWidth + g.gap)));
  const cardWidth = Math.max(g.minCardWidth, Math.floor((inner - g.gap * (columns - 1)) / columns));
  const rows = count > 0 ? Math.ceil(count / columns) : 0;
  const rowHeight = g.cardHeight + g.gap;
  const totalHeight = rows > 0 ? 2 * g.padding + rows * rowHeight - g.gap : 0;
  return { count, columns, cardWidth, cardHeight: g.cardHeight, rowHeight, gap: g.gap, padding: g.padding, rows, totalHeight };
}

/** Rows (and item indices) that intersect [scrollTop, scrollTop + viewportHeight], widened by `overscanRows` each side. */
export function visibleRange(layout: GridLayout, scrollTop: number, viewportHeight: number, overscanRows = 2): VisibleRange {
  if (layout.count === 0 || viewportHeight <= 0) return { firstRow: 0, endRow: 0, firstIndex: 0, endIndex: 0 };
  const top = Math.max(0, scrollTop - layout.padding);
  const bottom = Math.max(0, scrollTop + viewportHeight - layout.padding);
  const firstVisible = Math.min(layout.rows - 1, Math.floor(top / layout.rowHeight));
  const lastVisible = Math.min(layout.rows - 1, Math.floor(bottom / layout.rowHeight));
  const firstRow = Math.max(0, firstVisible - overscanRows);
  const endRow = Math.min(layout.rows, lastVisible + 1 + overscanRows);
  return {
    firstRow,
    endRow,
    firstIndex: firstRow * layout.columns,
    endIndex: Math.min(layout.count, endRow * layout.columns),
  };
}

/** Top-left corner of item `index`, relative to the scrollable content. */
export function cellPosition(layout: GridLayout, index: number): { x: number; y: number } {
  const row = Math.floor(index / layout.columns);
  const col = index % layout.columns;
  return { x: layout.padding + col * (layout.cardWidth + layout.gap), y: layout.padding + row * layout.rowHeight };
}

/** The scrollTop that brings item `index` fully into view, changing the current one as little as possible. */
export function scrollToReveal(layout: GridLayout, index: number, scrollTop: number, viewportHeight: number): number {
  const { y } = cellPosition(layout, index);
  const maxScroll = Math.max(0, layout.totalHeight - viewportHeight);
  let next = scrollTop;
  if (y - layout.padding < scrollTop) next = y - layout.padding;
  else if (y + layout.cardHeight + layout.padding > scrollTop + viewportHeight) next = y + layout.cardHeight + layout.padding - viewportHeight;
  return Math.min(maxScroll, Math.max(0, next));
}

export type GridKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End' | 'PageUp' | 'PageDown';

export function isGridKey(key: string): key is GridKey {
  return ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown'].includes(key);
}

/** Where keyboard focus goes from `index` (clamped to the list; up/down keep the column where possible). */
export function indexAfterKey(key: GridKey, index: number, layout: GridLayout, viewportHeight: number): number {
  const n = layout.count;
  if (n === 0) return -1;
  const cols = layout.columns;
  const page = Math.max(1, Math.floor(viewportHeight / layout.rowHeight)) * cols;
  const clamp = (i: number) => Math.min(n - 1, Math.max(0, i));
  switch (key) {
    case 'ArrowLeft': return clamp(index - 1);
    case 'ArrowRight': return clamp(index + 1);
    case 'ArrowUp': return index - cols >= 0 ? index - cols : index;
    case 'ArrowDown':
      if (index + cols < n) return index + cols;
      // The last row may be shorter: land on its last card rather than nowhere.
      return Math.floor(index / cols) < layout.rows - 1 ? n - 1 : index;
    case 'Home': return 0;
    case 'End': return n - 1;
    case 'PageUp': return clamp(index - page);
    case 'PageDown': return clamp(index + page);
  }
}
