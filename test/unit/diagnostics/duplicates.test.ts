/** Thumbnails and the near-duplicate search on synthetic images, checked against a brute-force search. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataFeatures } from '../../../src/core/diagnostics/dataFeatures';
import { duplicateGroups } from '../../../src/core/diagnostics/dataChecks';
import { findNearDuplicates, fwht } from '../../../src/core/diagnostics/nearDuplicates';
import { areaWeights, thumbnail, THUMB_SIZE } from '../../../src/core/diagnostics/thumbnail';
import type { RawImage } from '../../../src/core/data/types';

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

/** A random smooth 28x28 grey image (blobs), so thumbnails differ the way photos do. */
function blobImage(r: () => number): Uint8Array {
  const img = new Uint8Array(784);
  const blobs = Array.from({ length: 4 }, () => ({ x: r() * 28, y: r() * 28, s: 2 + r() * 6, a: 60 + r() * 150 }));
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
    let v = 0;
    for (const b of blobs) v += b.a * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.s * b.s));
    img[y * 28 + x] = Math.min(255, Math.round(v));
  }
  return img;
}

const grey = (data: Uint8Array, w = 28, h = 28): RawImage => ({ width: w, height: h, channels: 1, data });

function cosine(t: Uint8Array, a: number, b: number): number {
  const D = THUMB_SIZE;
  let ma = 0, mb = 0;
  for (let k = 0; k < D; k++) (ma += t[a * D + k] / D), (mb += t[b * D + k] / D);
  let dot = 0, na = 0, nb = 0;
  for (let k = 0; k < D; k++) {
    const x = t[a * D + k] - ma, y = t[b * D + k] - mb;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / Math.sqrt(na * nb);
}

test('area weights sum to one per output cell, up- and down-sampling', () => {
  for (const src of [28, 16, 7, 224, 3]) {
    const w = areaWeights(src);
    for (const row of w.weights) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-12, `src ${src}`);
  }
});

test('thumbnails ignore brightness and contrast; a constant image has none', () => {
  const r = rng(1);
  const img = blobImage(r);
  const t = new Uint8Array(3 * THUMB_SIZE);
  assert.equal(thumbnail(grey(img), t, 0), true);
  const brighter = img.map((v) => Math.min(255, v + 20));
  thumbnail(grey(brighter), t, THUMB_SIZE);
  assert.ok(cosine(t, 0, 1) > 0.998);
  assert.equal(thumbnail(grey(new Uint8Array(784).fill(7)), t, 2 * THUMB_SIZE), false);
  const rgb = new Uint8Array(784 * 3);
  for (let p = 0; p < 784; p++) rgb.fill(img[p], 3 * p, 3 * p + 3);
  const t2 = new Uint8Array(THUMB_SIZE);
  thumbnail({ width: 28, height: 28, channels: 3, data: rgb }, t2, 0);
  assert.deepEqual(t2, t.subarray(0, THUMB_SIZE), 'an RGB image with R=G=B has the grey thumbnail');
});

test('the Walsh-Hadamard transform is its own inverse up to n', () => {
  const v = Float64Array.from({ length: 256 }, (_, i) => Math.sin(i));
  const w = v.slice();
  fwht(w);
  fwht(w);
  for (let i = 0; i < 256; i++) assert.ok(Math.abs(w[i] / 256 - v[i]) < 1e-9);
});

test('near-duplicate search finds exactly the pairs a brute-force search finds (2,000 images, 200 planted copies)', () => {
  const r = rng(42);
  const n = 2000;
  const thumbs = new Uint8Array(n * THUMB_SIZE);
  const originals: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    let img: Uint8Array;
    if (i >= 1800) {
      // a near copy of an earlier image: brightened, slightly noised
      const src = originals[Math.floor(r() * 1800)];
      img = src.map((v) => Math.max(0, Math.min(255, v + 10 + Math.round((r() - 0.5) * 4))));
    } else img = blobImage(r);
    originals.push(img);
    thumbnail(grey(img), thumbs, i * THUMB_SIZE);
  }
  const threshold = 0.998;
  const res = findNearDuplicates(thumbs, n, undefined, { threshold });
  // brute force
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x])));
  let pairs = 0;
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) if (cosine(thumbs, a, b) >= threshold) {
    pairs++;
    parent[Math.max(find(a), find(b))] = Math.min(find(a), find(b));
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const g = groups.get(find(i)) ?? [];
    g.push(i);
    groups.set(find(i), g);
  }
  const want = [...groups.values()].filter((g) => g.length > 1).sort((a, b) => a[0] - b[0]);
  assert.ok(pairs >= 200, `planted copies are near duplicates (${pairs} pairs)`);
  assert.deepEqual(res.groups, want);
  assert.ok(res.comparisons < n * 5, `candidates stay few: ${res.comparisons} exact comparisons for ${n} images (brute force: ${(n * (n - 1)) / 2})`);
});

test('exact copies take part once; groups are split into exact, near, leakage and conflicts', () => {
  const r = rng(3);
  const f = new DataFeatures();
  const a = blobImage(r), b = blobImage(r), c = blobImage(r);
  const bright = a.map((v) => Math.min(255, v + 12));
  // split 0 = train, 1 = test
  f.add(0, 'train/x/a.png', 0, grey(a), undefined);
  f.add(0, 'train/x/a-copy.png', 0, grey(a.slice()), undefined);
  f.add(0, 'train/x/a-bright.png', 0, grey(bright), undefined);
  f.add(0, 'train/y/b.png', 1, grey(b), undefined);
  f.add(0, 'train/z/b-conflict.png', 2, grey(b.slice()), undefined);
  f.add(1, 'test/x/c.png', 0, grey(c), undefined);
  f.add(1, 'test/x/c-leak.png', 0, grey(c), undefined);
  f.add(0, 'train/x/c.png', 0, grey(c.slice()), undefined);
  f.add(0, 'train/x/blank.png', 0, grey(new Uint8Array(784)), undefined);
  const g = duplicateGroups(f, { threshold: 0.998 });
  const src = (ids: number[]) => ids.map((i) => f.sources[i]);
  assert.deepEqual(g.exact.map(src), [['train/x/a.png', 'train/x/a-copy.png'], ['test/x/c.png', 'test/x/c-leak.png']]);
  assert.deepEqual(g.near.map(src), [['train/x/a.png', 'train/x/a-copy.png', 'train/x/a-bright.png']]);
  assert.deepEqual(g.leakage.map((l) => [l.kind, src(l.ids)]), [['exact', ['test/x/c.png', 'test/x/c-leak.png', 'train/x/c.png']]]);
  assert.deepEqual(g.conflicts.map((c2) => [c2.kind, src(c2.ids)]), [['exact', ['train/y/b.png', 'train/z/b-conflict.png']]]);
  assert.deepEqual(f.constant.map((i) => f.sources[i]), ['train/x/blank.png']);
});
