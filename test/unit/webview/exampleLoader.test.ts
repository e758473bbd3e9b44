/** Image loading for the visible cards: batching, caching, dropping stale wants, failures. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ExampleView } from '../../../src/core/protocol';
import { ExampleLoader } from '../../../webview/grid/exampleLoader';

const view = (id: number): ExampleView => ({ id, source: `x[${id}]`, modelInput: 'data:image/png;base64,AA==', original: null, width: 2, height: 2 });

function setup(opts: { maxBatch?: number; maxCache?: number; failIds?: number[] } = {}) {
  const calls: number[][] = [];
  const resolvers: (() => void)[] = [];
  let flush: (() => void) | null = null;
  const loader = new ExampleLoader((ids) => {
    calls.push(ids);
    return new Promise<ExampleView[]>((resolve, reject) => {
      const bad = ids.filter((id) => opts.failIds?.includes(id));
      resolvers.push(() => (bad.length ? reject(new Error(`disk on fire: ${bad.join(',')}`)) : resolve(ids.map(view))));
    });
  }, { maxBatch: opts.maxBatch ?? 4, maxCache: opts.maxCache, schedule: (f) => { flush = f; } });
  const changed: number[][] = [];
  loader.onChange((ids) => changed.push(ids));
  const runFlush = () => { const f = flush; flush = null; f?.(); };
  const settle = async () => { for (const r of resolvers.splice(0)) r(); await new Promise((r) => setImmediate(r)); };
  return { loader, calls, changed, runFlush, settle };
}

describe('ExampleLoader', () => {
  it('batches the wanted ids and caches what came back', async () => {
    const { loader, calls, changed, runFlush, settle } = setup();
    loader.want([1, 2, 3, 4, 5, 6]);
    assert.equal(calls.length, 0, 'deferred to the scheduler');
    runFlush();
    assert.deepEqual(calls, [[1, 2, 3, 4], [5, 6]]);
    assert.equal(loader.state(1), 'loading');
    await settle();
    assert.equal(loader.state(1), 'loaded');
    assert.equal(loader.get(5)?.id, 5);
    assert.deepEqual(changed.flat().sort(), [1, 2, 3, 4, 5, 6]);
    loader.want([1, 2, 3]);
    runFlush();
    assert.equal(calls.length, 2, 'cached ids are not asked for again');
  });

  it('drops ids that scrolled away before the flush', () => {
    const { loader, calls, runFlush } = setup();
    loader.want([1, 2, 3]);
    loader.want([10, 11]);
    runFlush();
    assert.deepEqual(calls, [[10, 11]]);
  });

  it('does not ask twice for ids already in flight', () => {
    const { loader, calls, runFlush } = setup();
    loader.want([1, 2]);
    runFlush();
    loader.want([1, 2, 3]);
    runFlush();
    assert.deepEqual(calls, [[1, 2], [3]]);
  });

  it('ensure() adds to what is wanted', () => {
    const { loader, calls, runFlush } = setup();
    loader.want([1]);
    loader.ensure([9]);
    runFlush();
    assert.deepEqual(calls, [[1, 9]]);
  });

  it('marks a failed single id with the error message', async () => {
    const { loader, changed, runFlush, settle } = setup({ failIds: [1] });
    loader.want([1]);
    runFlush();
    await settle();
    assert.equal(loader.state(1), 'failed');
    assert.equal(loader.error(1), 'disk on fire: 1');
    assert.deepEqual(changed, [[1]]);
  });

  it('splits a failed batch until only the unreadable ids fail', async () => {
    const { loader, calls, runFlush, settle } = setup({ failIds: [3] });
    loader.want([1, 2, 3, 4]);
    runFlush();
    for (let i = 0; i < 4; i++) await settle();
    assert.deepEqual(calls, [[1, 2, 3, 4], [1, 2], [3, 4], [3], [4]]);
    assert.deepEqual([1, 2, 3, 4].map((id) => loader.state(id)), ['loaded', 'loaded', 'failed', 'loaded']);
  });

  it('keeps at most maxCache images, least recently used out first', async () => {
    const { loader, runFlush, settle } = setup({ maxBatch: 10, maxCache: 3 });
    loader.want([1, 2, 3]);
    runFlush();
    await settle();
    loader.get(1); // 1 is now the most recently used
    loader.want([4]);
    runFlush();
    await settle();
    assert.equal(loader.state(2), 'none');
    assert.equal(loader.state(1), 'loaded');
    assert.equal(loader.state(4), 'loaded');
  });

  it('clear() forgets everything and ignores answers to earlier requests', async () => {
    const { loader, runFlush, settle } = setup();
    loader.want([1]);
    runFlush();
    loader.clear();
    await settle();
    assert.equal(loader.state(1), 'none');
  });
});
