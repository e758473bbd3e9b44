/**
 * What the data checks keep per example while the data streams by, in O(N) memory: split,
 * label, source, a content hash (exact duplicates), a 16x16 thumbnail (near duplicates),
 * whether the input is constant, and running per-channel statistics of the raw values.
 */
import { createHash } from 'node:crypto';
import type { RawImage, RawTensor } from '../data/types';
import { THUMB_SIZE, thumbnail } from './thumbnail';

export interface ChannelStats {
  count: number;
  sum: number;
  sumSq: number;
  min: number;
  max: number;
}

export interface UnreadableExample {
  split: number;
  source: string;
  reason: string;
}

const newStats = (): ChannelStats => ({ count: 0, sum: 0, sumSq: 0, min: Infinity, max: -Infinity });

export class DataFeatures {
  n = 0;
  readonly sources: string[] = [];
  splits = new Uint16Array(1024);
  labels = new Int32Array(1024);
  thumbs = new Uint8Array(1024 * THUMB_SIZE);
  /** 1 when the example has a (non-constant) thumbnail. */
  hasThumb = new Uint8Array(1024);
  /** Content hash -> first example id, or all ids once there are several. */
  readonly byHash = new Map<string, number | number[]>();
  readonly constant: number[] = [];
  readonly unreadable: UnreadableExample[] = [];
  /** Per channel of the raw values (0..255 for 8-bit images). */
  readonly channels: ChannelStats[] = [];
  /** Examples that were images (else vectors). */
  images = 0;
  /** Whether any example held float values (not 8-bit). */
  floatValues = false;

  private grow(): void {
    const cap = this.splits.length * 2;
    const g = <T extends Uint8Array | Uint16Array | Int32Array>(a: T, per = 1): T => {
      const b = new (a.constructor as new (n: number) => T)(cap * per);
      b.set(a);
      return b;
    };
    this.splits = g(this.splits);
    this.labels = g(this.labels);
    this.thumbs = g(this.thumbs, THUMB_SIZE);
    this.hasThumb = g(this.hasThumb);
  }

  addUnreadable(split: number, source: string, reason: string): void {
    this.unreadable.push({ split, source, reason });
  }

  /** Adds a readable example; returns its id. `label` is a class index or -1. */
  add(split: number, source: string, label: number, image: RawImage | undefined, tensor: RawTensor | undefined): number {
    if (this.n === this.splits.length) this.grow();
    const id = this.n++;
    this.sources.push(source);
    this.splits[id] = split;
    this.labels[id] = label;
    const data = image?.data ?? tensor?.data;
    if (!data) return id;
    if (!(data instanceof Uint8Array)) this.floatValues = true;

    const h = createHash('sha1');
    h.update(image ? `${image.width}x${image.height}x${image.channels}:` : `${(tensor?.shape ?? []).join('x')}:`);
    h.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    const key = h.digest('base64');
    const prev = this.byHash.get(key);
    if (prev === undefined) this.byHash.set(key, id);
    else if (typeof prev === 'number') this.byHash.set(key, [prev, id]);
    else prev.push(id);

    const c = image ? image.channels : 1;
    while (this.channels.length < c) this.channels.push(newStats());
    let lo = Infinity, hi = -Infinity;
    const values: ArrayLike<number> = data instanceof BigInt64Array ? Float64Array.from(data, Number) : data;
    for (let ch = 0; ch < c; ch++) {
      const s = this.channels[ch];
      let sum = 0, sumSq = 0, min = Infinity, max = -Infinity, count = 0;
      for (let i = ch; i < values.length; i += c) {
        const v = values[i];
        if (!(v - v === 0)) continue; // NaN or Inf
        sum += v;
        sumSq += v * v;
        if (v < min) min = v;
        if (v > max) max = v;
        count++;
      }
      s.sum += sum;
      s.sumSq += sumSq;
      s.count += count;
      if (min < s.min) s.min = min;
      if (max > s.max) s.max = max;
      if (min < lo) lo = min;
      if (max > hi) hi = max;
    }
    if (!(hi > lo)) this.constant.push(id);
    if (image) {
      this.images++;
      if (hi > lo) this.hasThumb[id] = thumbnail(image, this.thumbs, id * THUMB_SIZE) ? 1 : 0;
    }
    return id;
  }

  /** Groups of ids with identical content (two or more). */
  exactGroups(): number[][] {
    const out: number[][] = [];
    for (const v of this.byHash.values()) if (typeof v !== 'number') out.push(v);
    return out.sort((a, b) => a[0] - b[0]);
  }

  /** Mean and std per channel of the raw values. */
  channelSummary(): { mean: number; std: number; min: number; max: number }[] {
    return this.channels.map((s) => {
      const mean = s.count ? s.sum / s.count : 0;
      const variance = s.count ? Math.max(0, s.sumSq / s.count - mean * mean) : 0;
      return { mean, std: Math.sqrt(variance), min: s.min, max: s.max };
    });
  }
}
