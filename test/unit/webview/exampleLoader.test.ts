/** Image loading for the visible cards: batching, caching, dropping stale wants, failures. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ExampleView } from '../../../src/core/protocol';
import { ExampleLoader } from '../../../webview/grid/exampleLoader';

const view = (id: number): ExampleView => ({ id, source: `x[${id}]`, modelInput: 'data:image/png;base64,AA==', original: null, width: 2, height: 2 });

function setup(opts: { maxBatch?: number; maxCache?: number; fail?: boolean } = {}) {
  const calls: number[][] = [];
  const resolvers: (() => void)[] = [];
  let flush: (() => void) | null = null;
  const loader = new ExampleLoader((ids) => {
    calls.push(ids);
    return new Promise<ExampleView[]>((resolve, reject) => {
      resolvers.push(() => (opts.fail ? reject(new Error('disk on fire')) : resolve(ids.map(view))));
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

  it('marks a failed batch with the error message', async () => {
    const { loader, changed, runFlush, settle } = setup({ fail: true });
    loader.want([1, 2]);
    runFlush();
    await settle();
    assert.equal(loader.state(1), 'failed');
    assert.equal(loader.error(2), 'disk on fire');
    assert.deepEqual(changed, [[1, 2]]);
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
