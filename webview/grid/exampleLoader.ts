/**
 * Fetches the model's-eye images for the cards on screen (DOM-free; fetch and scheduler injected).
 * The grid calls `want(ids)` with what is visible after every scroll; the loader batches the ids
 * it has not got yet, drops ids that scrolled away before their batch went out, and keeps a
 * bounded cache (least recently used goes first). A failed batch is split in halves and retried
 * until the unreadable ids are alone, so one bad file costs only its own image.
 */
import type { ExampleView } from '../../src/core/protocol';

export type LoadState = 'loaded' | 'loading' | 'failed' | 'none';

export interface ExampleLoaderOptions {
  maxBatch?: number;
  maxCache?: number;
  /** How a flush is deferred (default: setTimeout 16 ms) so a burst of scroll events becomes one request. */
  schedule?: (flush: () => void) => void;
}

export class ExampleLoader {
  private readonly cache = new Map<number, ExampleView>();
  private readonly inflight = new Set<number>();
  private readonly failed = new Map<number, string>();
  private wanted: number[] = [];
  private scheduled = false;
  private generation = 0;
  private readonly listeners = new Set<(ids: number[]) => void>();
  private readonly maxBatch: number;
  private readonly maxCache: number;
  private readonly schedule: (flush: () => void) => void;

  constructor(private readonly fetch: (ids: number[]) => Promise<ExampleView[]>, opts: ExampleLoaderOptions = {}) {
    this.maxBatch = opts.maxBatch ?? 48;
    this.maxCache = opts.maxCache ?? 1500;
    this.schedule = opts.schedule ?? ((f) => { setTimeout(f, 16); });
  }

  get(id: number): ExampleView | undefined {
    const v = this.cache.get(id);
    if (v) {
      // refresh recency
      this.cache.delete(id);
      this.cache.set(id, v);
    }
    return v;
  }

  state(id: number): LoadState {
    if (this.cache.has(id)) return 'loaded';
    if (this.inflight.has(id)) return 'loading';
    if (this.failed.has(id)) return 'failed';
    return 'none';
  }

  error(id: number): string | undefined {
    return this.failed.get(id);
  }

  /** Called with the ids now on screen; replaces what was wanted before. */
  want(ids: readonly number[]): void {
    this.wanted = ids.filter((id) => this.state(id) === 'none');
    if (this.wanted.length > 0 && !this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.flush());
    }
  }

  /** Also fetch these (e.g. the example open in the detail view) without dropping what is wanted. */
  ensure(ids: readonly number[]): void {
    this.want([...this.wanted, ...ids]);
  }

  /** Listen for ids whose state changed (loaded or failed). Returns an unsubscribe function. */
  onChange(cb: (ids: number[]) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Forget everything (a new run: the same index may now be another image). */
  clear(): void {
    this.generation++;
    this.cache.clear();
    this.inflight.clear();
    this.failed.clear();
    this.wanted = [];
  }

  private flush(): void {
    this.scheduled = false;
    const ids = this.wanted.filter((id) => this.state(id) === 'none');
    this.wanted = [];
    for (let i = 0; i < ids.length; i += this.maxBatch) this.load(ids.slice(i, i + this.maxBatch));
  }

  private load(ids: number[]): void {
    const gen = this.generation;
    for (const id of ids) this.inflight.add(id);
    this.fetch(ids).then(
      (views) => {
        if (gen !== this.generation) return;
        const got = new Set<number>();
        for (const v of views) {
          if (!this.inflight.has(v.id)) continue; // not asked for in this batch
          got.add(v.id);
          this.cache.set(v.id, v);
        }
        for (const id of ids) {
          this.inflight.delete(id);
          if (!got.has(id)) this.failed.set(id, 'the host sent no image for this example');
        }
        this.evict();
        this.emit(ids);
      },
      (err: unknown) => {
        if (gen !== this.generation) return;
        for (const id of ids) this.inflight.delete(id);
        if (ids.length > 1) {
          // One unreadable file fails the whole request: split it so the others still load.
          const half = Math.ceil(ids.length / 2);
          this.load(ids.slice(0, half));
          this.load(ids.slice(half));
          return;
        }
        const message = err instanceof Error ? err.message : String(err);
        this.failed.set(ids[0]!, message);
        this.emit(ids);
      },
    );
  }

  private evict(): void {
    if (this.cache.size <= this.maxCache) return;
    for (const id of this.cache.keys()) {
      if (this.cache.size <= this.maxCache) break;
      this.cache.delete(id);
    }
  }

  private emit(ids: number[]): void {
    for (const cb of this.listeners) cb(ids);
  }
}
