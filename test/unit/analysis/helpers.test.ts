/** Small building blocks: partial selection, bins, down-sampling. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { selectTop } from '../../../src/core/analysis/select';
import { reliabilityBin } from '../../../src/core/analysis/calibration';
import { EqualWidthBins } from '../../../src/core/analysis/histogram';
import { SCORE_BINS, scoreBin } from '../../../src/core/analysis/scoreBins';
import { downsample, radixSortUint32 } from '../../../src/core/analysis/curves';

describe('selectTop', () => {
  it('equals a full sort then slice, with ties broken by the comparator', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (const n of [0, 1, 5, 100, 1000]) {
      const score = Array.from({ length: n }, () => Math.floor(rnd() * 20));
      const before = (a: number, b: number) => score[a] > score[b] || (score[a] === score[b] && a < b);
      const sorted = Array.from({ length: n }, (_, i) => i).sort((a, b) => (before(a, b) ? -1 : 1));
      for (const limit of [0, 1, 3, 50, 2000]) {
        assert.deepEqual(selectTop(n, limit, before), sorted.slice(0, limit), `n=${n} limit=${limit}`);
      }
      const even = (i: number) => i % 2 === 0;
      assert.deepEqual(selectTop(n, 10, before, even), sorted.filter(even).slice(0, 10));
    }
  });
});

describe('radixSortUint32', () => {
  it('sorts like the native sort, including keys with the top bit set and duplicates', () => {
    let seed = 99;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (const n of [0, 1, 2, 1000, 70_000]) {
      const keys = Uint32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 0xffffffff - (i % 3) : Math.floor(rnd() * 2 ** 32)));
      const expected = keys.slice().sort();
      assert.deepEqual(radixSortUint32(keys.slice()), expected);
    }
  });
});

describe('bins', () => {
  it('reliability bins are (b/15, (b+1)/15] with 0 in the first bin', () => {
    assert.equal(reliabilityBin(0), 0);
    assert.equal(reliabilityBin(1 / 15), 0);
    assert.equal(reliabilityBin(1 / 15 + 1e-12), 1);
    assert.equal(reliabilityBin(0.5), 7);
    assert.equal(reliabilityBin(8 / 15), 7);
    assert.equal(reliabilityBin(14 / 15 + 1e-9), 14);
    assert.equal(reliabilityBin(1), 14);
    for (let b = 1; b < 15; b++) {
      assert.equal(reliabilityBin(b / 15), b - 1);
      assert.equal(reliabilityBin(b / 15 + 1e-15), b);
    }
  });

  it('equal-width bins are [lo, e1), [e1, e2), ..., [e_{n-1}, hi] like numpy.histogram', () => {
    const b = new EqualWidthBins(0, 1, 20);
    assert.equal(b.bin(0), 0);
    assert.equal(b.bin(0.05), 1);
    assert.equal(b.bin(0.25), 5);
    assert.equal(b.bin(0.2499999), 4);
    assert.equal(b.bin(1), 19);
    assert.equal(b.bin(0.99), 19);
    assert.equal(b.edges.length, 21);
    for (let i = 0; i < 20; i++) assert.equal(b.bin(b.edges[i]), i, `edge ${i}`);
    assert.throws(() => new EqualWidthBins(1, 1, 3));
  });

  it('score bins are monotonic in p and span all bins', () => {
    let prev = -1;
    for (let i = 0; i <= 100_000; i++) {
      const p = i / 100_000;
      const b = scoreBin(p);
      assert.ok(b >= prev && b >= 0 && b < SCORE_BINS);
      prev = b;
    }
    assert.equal(scoreBin(0), 0);
    assert.equal(scoreBin(1), SCORE_BINS - 1);
    assert.equal(scoreBin(0.5), SCORE_BINS / 2);
  });

  it('downsample keeps first and last and never exceeds the cap', () => {
    const pts = Array.from({ length: 1234 }, (_, i) => i);
    const d = downsample(pts, 100);
    assert.equal(d.length, 100);
    assert.equal(d[0], 0);
    assert.equal(d[99], 1233);
    assert.ok(d.every((v, i) => i === 0 || v > d[i - 1]));
    assert.equal(downsample(pts.slice(0, 50), 100).length, 50);
  });
});
