/**
 * Partial selection: the `limit` best of n items without sorting all n. A bounded binary
 * heap keeps the worst kept item at its root, so each item costs O(log limit): analyze()
 * stays cheap enough to call for partial results while a run streams in.
 */

/**
 * Returns item ids (0..n-1) of the best `limit` items in rank order. `before(a, b)` is true
 * when a ranks ahead of b; it must be a strict total order (break ties, e.g. by index).
 * `include(i)` filters items out before ranking.
 */
export function selectTop(n: number, limit: number, before: (a: number, b: number) => boolean, include?: (i: number) => boolean): number[] {
  if (limit <= 0) return [];
  const heap: number[] = [];
  // Heap order: parent ranks after (is worse than) its children.
  const worse = (a: number, b: number): boolean => before(b, a);
  const siftUp = (j: number): void => {
    const x = heap[j];
    while (j > 0) {
      const parent = (j - 1) >> 1;
      if (!worse(x, heap[parent])) break;
      heap[j] = heap[parent];
      j = parent;
    }
    heap[j] = x;
  };
  const siftDown = (j: number): void => {
    const size = heap.length;
    const x = heap[j];
    for (;;) {
      const l = 2 * j + 1;
      if (l >= size) break;
      const r = l + 1;
      const child = r < size && worse(heap[r], heap[l]) ? r : l;
      if (!worse(heap[child], x)) break;
      heap[j] = heap[child];
      j = child;
    }
    heap[j] = x;
  };
  for (let i = 0; i < n; i++) {
    if (include && !include(i)) continue;
    if (heap.length < limit) {
      heap.push(i);
      siftUp(heap.length - 1);
    } else if (before(i, heap[0])) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
}
