/** Grid virtualization math: only the visible rows (plus overscan) are ever rendered. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  cellPosition, computeLayout, indexAfterKey, scrollToReveal, visibleRange, type GridGeometry,
} from '../../../webview/grid/virtualMath';

const G: GridGeometry = { minCardWidth: 172, cardHeight: 240, gap: 12, padding: 12 };

describe('computeLayout', () => {
  it('fits as many columns as the width allows and shares the rest', () => {
    const l = computeLayout(100, 1400, G);
    // (1400 - 24 + 12) / (172 + 12) = 7.54 -> 7 columns
    assert.equal(l.columns, 7);
    assert.ok(l.cardWidth >= G.minCardWidth);
    assert.ok(l.columns * l.cardWidth + (l.columns - 1) * G.gap <= 1400 - 2 * G.padding);
    assert.equal(l.rows, Math.ceil(100 / 7));
    assert.equal(l.totalHeight, 2 * G.padding + l.rows * (G.cardHeight + G.gap) - G.gap);
  });

  it('keeps one column in a narrow (or hidden, zero-width) view', () => {
    assert.equal(computeLayout(10, 0, G).columns, 1);
    assert.equal(computeLayout(10, 100, G).columns, 1);
  });

  it('is empty for no items', () => {
    const l = computeLayout(0, 1000, G);
    assert.equal(l.rows, 0);
    assert.equal(l.totalHeight, 0);
    assert.deepEqual(visibleRange(l, 0, 800), { firstRow: 0, endRow: 0, firstIndex: 0, endIndex: 0 });
  });
});

describe('visibleRange with 100,000 items', () => {
  const N = 100_000;
  const l = computeLayout(N, 1400, G);
  const viewport = 1000;
  const visibleRows = Math.ceil(viewport / l.rowHeight) + 1;
  const bound = (visibleRows + 2 * 2) * l.columns;

  it('yields O(visible) items at the top, middle and bottom, never the whole list', () => {
    for (const top of [0, 1, l.totalHeight / 3, l.totalHeight / 2 + 7, l.totalHeight - viewport, l.totalHeight + 5000]) {
      const r = visibleRange(l, top, viewport, 2);
      const count = r.endIndex - r.firstIndex;
      assert.ok(count > 0, `something visible at ${top}`);
      assert.ok(count <= bound, `${count} items rendered at scrollTop ${top}, bound ${bound}`);
      assert.ok(r.endIndex <= N);
    }
  });

  it('covers every item that intersects the viewport', () => {
    for (let top = 0; top < l.totalHeight; top += 9973) {
      const r = visibleRange(l, top, viewport, 0);
      for (let i = 0; i < N; i += 97) {
        const { y } = cellPosition(l, i);
        const intersects = y < top + viewport && y + l.cardHeight > top;
        if (intersects) assert.ok(i >= r.firstIndex && i < r.endIndex, `item ${i} at y=${y} missing for scrollTop ${top}`);
      }
    }
  });

  it('adds overscan rows on both sides, clamped at the ends', () => {
    const mid = l.totalHeight / 2;
    const a = visibleRange(l, mid, viewport, 0);
    const b = visibleRange(l, mid, viewport, 2);
    assert.equal(a.firstRow - b.firstRow, 2);
    assert.equal(b.endRow - a.endRow, 2);
    assert.equal(visibleRange(l, 0, viewport, 2).firstRow, 0);
    assert.equal(visibleRange(l, l.totalHeight, viewport, 2).endRow, l.rows);
  });

  it('handles the last, partial row', () => {
    const r = visibleRange(l, l.totalHeight - viewport, viewport, 2);
    assert.equal(r.endIndex, N);
  });
});

describe('cellPosition / scrollToReveal', () => {
  const l = computeLayout(1000, 1400, G);
  it('positions by row and column', () => {
    assert.deepEqual(cellPosition(l, 0), { x: 12, y: 12 });
    assert.deepEqual(cellPosition(l, l.columns + 1), { x: 12 + l.cardWidth + 12, y: 12 + l.rowHeight });
  });
  it('scrolls only as far as needed', () => {
    assert.equal(scrollToReveal(l, 0, 0, 800), 0);
    const down = scrollToReveal(l, 10 * l.columns, 0, 800);
    const { y } = cellPosition(l, 10 * l.columns);
    assert.equal(down, y + l.cardHeight + l.padding - 800);
    const up = scrollToReveal(l, 0, 5000, 800);
    assert.equal(up, 0);
    const stay = scrollToReveal(l, 3 * l.columns, cellPosition(l, 3 * l.columns).y - 100, 800);
    assert.equal(stay, cellPosition(l, 3 * l.columns).y - 100);
  });
});

describe('indexAfterKey', () => {
  const l = computeLayout(23, 4 * 184 + 24 - 12, G); // 4 columns, rows of 4, last row has 3
  it('uses a 4-column layout here', () => assert.equal(l.columns, 4));
  it('moves by one and by a row, clamped', () => {
    assert.equal(indexAfterKey('ArrowRight', 0, l, 600), 1);
    assert.equal(indexAfterKey('ArrowLeft', 0, l, 600), 0);
    assert.equal(indexAfterKey('ArrowDown', 1, l, 600), 5);
    assert.equal(indexAfterKey('ArrowUp', 5, l, 600), 1);
    assert.equal(indexAfterKey('ArrowUp', 2, l, 600), 2);
    assert.equal(indexAfterKey('ArrowRight', 22, l, 600), 22);
    assert.equal(indexAfterKey('Home', 13, l, 600), 0);
    assert.equal(indexAfterKey('End', 3, l, 600), 22);
  });
  it('lands on the last card when the row below is shorter', () => {
    assert.equal(indexAfterKey('ArrowDown', 19, l, 600), 22); // row 4 (20..22) has no column 3
    assert.equal(indexAfterKey('ArrowDown', 21, l, 600), 21); // already in the last row
  });
  it('pages by the rows that fit in the viewport', () => {
    const rowsPerPage = Math.floor(600 / l.rowHeight);
    assert.equal(indexAfterKey('PageDown', 0, l, 600), rowsPerPage * 4);
    assert.equal(indexAfterKey('PageUp', 1, l, 600), 0);
  });
});
