/**
 * A fixed-size fingerprint of an image for near-duplicate search: grey (ITU-R 601 luma, as
 * the preprocessing uses), exact area average down (or up) to 16x16, then stretched to
 * 0..255 by the image's own min and max. Cosine similarity of the mean-centred thumbnails is
 * unchanged by brightness and contrast changes, and JPEG noise mostly averages out.
 */
import type { RawImage } from '../data/types';

export const THUMB_SIDE = 16;
export const THUMB_SIZE = THUMB_SIDE * THUMB_SIDE;

interface AreaWeights {
  /** For each output cell: first source index, and the weights of the source cells it covers. */
  start: Int32Array;
  weights: Float64Array[];
}

const weightCache = new Map<number, AreaWeights>();

/** Exact area-average weights from `src` cells to THUMB_SIDE cells (each row of weights sums to 1). */
export function areaWeights(src: number): AreaWeights {
  let w = weightCache.get(src);
  if (w) return w;
  const dst = THUMB_SIDE;
  const start = new Int32Array(dst);
  const weights: Float64Array[] = [];
  const scale = src / dst;
  for (let i = 0; i < dst; i++) {
    const a = i * scale, b = (i + 1) * scale;
    const s0 = Math.floor(a), s1 = Math.min(src, Math.ceil(b));
    const ws = new Float64Array(s1 - s0);
    for (let s = s0; s < s1; s++) ws[s - s0] = (Math.min(b, s + 1) - Math.max(a, s)) / scale;
    start[i] = s0;
    weights.push(ws);
  }
  w = { start, weights };
  weightCache.set(src, w);
  return w;
}

const scratch = { rows: new Float64Array(0), line: new Float64Array(0), thumb: new Float64Array(THUMB_SIZE) };

/** Grey values of `count` pixels from pixel `from` (ITU-R 601 luma for colour, alpha ignored). */
function greyRow(data: ArrayLike<number>, c: number, from: number, count: number, out: Float64Array): void {
  if (c === 1) {
    for (let x = 0; x < count; x++) out[x] = data[from + x];
  } else if (c >= 3) {
    for (let x = 0, p = from * c; x < count; x++, p += c) out[x] = 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2];
  } else {
    for (let x = 0, p = from * c; x < count; x++, p += c) out[x] = data[p];
  }
}

/**
 * Writes the thumbnail of `img` into `out` at `offset` (THUMB_SIZE bytes). Returns false,
 * leaving zeros, when the thumbnail is constant (a blank image has no near duplicates to find).
 */
export function thumbnail(img: RawImage, out: Uint8Array, offset: number): boolean {
  const { width: w, height: h, channels: c, data } = img;
  const wx = areaWeights(w);
  const wy = areaWeights(h);
  const S = THUMB_SIDE;
  if (scratch.rows.length < h * S) scratch.rows = new Float64Array(h * S);
  if (scratch.line.length < w) scratch.line = new Float64Array(w);
  const rows = scratch.rows;
  const line = scratch.line;
  // Horizontal pass: each source row -> S averages of grey values.
  for (let y = 0; y < h; y++) {
    greyRow(data, c, y * w, w, line);
    for (let i = 0; i < S; i++) {
      const ws = wx.weights[i];
      const s0 = wx.start[i];
      let acc = 0;
      for (let k = 0; k < ws.length; k++) acc += ws[k] * line[s0 + k];
      rows[y * S + i] = acc;
    }
  }
  // Vertical pass, then stretch to 0..255.
  const t = scratch.thumb;
  let lo = Infinity, hi = -Infinity;
  for (let j = 0; j < S; j++) {
    const ws = wy.weights[j];
    const y0 = wy.start[j];
    for (let i = 0; i < S; i++) {
      let acc = 0;
      for (let k = 0; k < ws.length; k++) acc += ws[k] * rows[(y0 + k) * S + i];
      t[j * S + i] = acc;
      if (acc < lo) lo = acc;
      if (acc > hi) hi = acc;
    }
  }
  if (!(hi - lo > 1e-9 * Math.max(1, Math.abs(hi))) || !Number.isFinite(hi - lo)) {
    out.fill(0, offset, offset + THUMB_SIZE);
    return false;
  }
  const k = 255 / (hi - lo);
  for (let p = 0; p < THUMB_SIZE; p++) out[offset + p] = Math.round((t[p] - lo) * k);
  return true;
}
