/** RunAccumulator: input validation, bounded memory, unlabelled / non-finite rows, partial results. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NON_FINITE_EXAMPLE_LIMIT, RunAccumulator, type ProbBatch } from '../../../src/core/analysis/accumulator';
import { analyze, type AnalyzeOptions } from '../../../src/core/analysis/analyze';
import { feed, getCase, probsOf } from './cases';

function batch(labels: number[], probs: number[], firstIndex = 0): ProbBatch {
  return {
    indices: labels.map((_, i) => firstIndex + i),
    sources: labels.map((_, i) => `x[${firstIndex + i}]`),
    labels,
    probs: Float32Array.from(probs),
  };
}

const opts = (classes: string[], top = 10): AnalyzeOptions => ({ classes, top, targetAccuracy: 0.9, labelIssueRanking: 'self-confidence' });

/** Deterministic pseudo-random probabilities (xorshift), rows summing to 1. */
function randomBatch(rows: number, C: number, seed: number, firstIndex: number): ProbBatch {
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const probs = new Float32Array(rows * C);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < C; c++) sum += probs[r * C + c] = rnd() ** 4;
    for (let c = 0; c < C; c++) probs[r * C + c] /= sum;
    labels[r] = Math.floor(rnd() * C);
  }
  return {
    indices: Int32Array.from({ length: rows }, (_, i) => firstIndex + i),
    sources: Array.from({ length: rows }, (_, i) => `x[${firstIndex + i}]`),
    labels,
    probs,
  };
}

describe('RunAccumulator input validation', () => {
  it('throws on a label >= C, naming the dataset index and the value', () => {
    const acc = new RunAccumulator(3);
    assert.throws(() => acc.add(batch([0, 3], [1, 0, 0, 0, 1, 0], 40)), (e: Error) => /index 41/.test(e.message) && /label 3\b/.test(e.message));
  });

  it('throws on a label below -1 and on a non-integer label', () => {
    const acc = new RunAccumulator(3);
    assert.throws(() => acc.add(batch([-2], [1, 0, 0], 7)), /index 7 has label -2/);
    assert.throws(() => acc.add(batch([1.5], [1, 0, 0], 8)), /index 8 has label 1\.5/);
  });

  it('leaves the accumulator unchanged when a batch is rejected', () => {
    const acc = new RunAccumulator(2);
    acc.add(batch([0], [0.9, 0.1]));
    assert.throws(() => acc.add(batch([1, 5], [0.2, 0.8, 0.5, 0.5], 1)));
    assert.equal(acc.count, 1);
    assert.equal(acc.numLabelled, 1);
  });

  it('throws when batch lengths disagree', () => {
    const acc = new RunAccumulator(2);
    assert.throws(() => acc.add({ indices: [0, 1], sources: ['a'], labels: [0, 1], probs: new Float32Array(4) }), /lengths differ/);
    assert.throws(() => acc.add(batch([0, 1], [0.5, 0.5, 1])), /expected 2 rows x 2 classes = 4/);
  });

  it('rejects a bad class count or topK, and analyze() rejects a class list of the wrong length', () => {
    assert.throws(() => new RunAccumulator(0), /positive integer/);
    assert.throws(() => new RunAccumulator(3, { topK: 0 }), /topK/);
    assert.throws(() => analyze(new RunAccumulator(3), opts(['a', 'b'])), /2 class names for a model with 3 classes/);
  });

  it('keeps at least 2 classes per row (margins stay exact) and at most C', () => {
    assert.equal(new RunAccumulator(10, { topK: 1 }).topK, 2);
    assert.equal(new RunAccumulator(3, { topK: 50 }).topK, 3);
    assert.equal(new RunAccumulator(1000).topK, 5);
    assert.equal(new RunAccumulator(1).topK, 1);
  });
});

describe('RunAccumulator memory', () => {
  it('200,000 rows with C = 10 hold fewer bytes than the N x C float32 matrix', () => {
    const N = 200_000;
    const C = 10;
    const acc = new RunAccumulator(C);
    for (let start = 0; start < N; start += 10_000) acc.add(randomBatch(10_000, C, start + 1, start));
    assert.equal(acc.count, N);
    assert.equal(acc.numLabelled, N);
    assert.ok(acc.byteSize < N * C * 4, `${acc.byteSize} bytes >= ${N * C * 4}`);
  });

  it('per-row growth depends on topK, not on the number of classes', () => {
    const perRow = (C: number) => {
      const acc = new RunAccumulator(C, { topK: 5, extraCandidates: 2 });
      // 60,000 rows: past the exact-scores copy kept for small runs (ExactScores), so what
      // grows afterwards is the per-row store alone.
      acc.add(randomBatch(60_000, C, 3, 0));
      assert.equal(acc.exactScores.available, false);
      const before = acc.byteSize;
      acc.add(randomBatch(40_000, C, 4, 60_000));
      return (acc.byteSize - before) / 40_000;
    };
    const small = perRow(20);
    const large = perRow(250);
    assert.equal(small, large);
    // index 4 + p(label) 4 + 7 probs * 4 + 8 one-byte class ids, plus at most one chunk of slack
    assert.ok(small <= 48, `${small} bytes per row`);
    // and with 1000 classes the ids widen to 2 bytes, still far from 4000 bytes per row
    assert.ok(perRow(1000) <= 56);
  });
});

describe('RunAccumulator rows that take no part', () => {
  const C = 3;
  const classes = ['a', 'b', 'c'];
  const acc = new RunAccumulator(C);
  acc.add(
    batch(
      [0, -1, 1, 2, -1, 0],
      [
        0.2, 0.7, 0.1, // wrong, labelled
        0.05, 0.05, 0.9, // unlabelled, very confident
        NaN, 0.5, 0.5, // non-finite
        0.1, 0.1, 0.8, // right
        0.01, 0.01, Infinity, // non-finite and unlabelled
        0.6, 0.3, 0.1, // right
      ],
      100,
    ),
  );
  const r = analyze(acc, opts(classes));

  it('counts every row as an example, only labelled finite rows as labelled', () => {
    assert.equal(r.numExamples, 6);
    assert.equal(acc.numUnlabelled, 1);
    assert.equal(r.numLabelled, 3);
    assert.equal(r.accuracy, 2 / 3);
  });

  it('lists non-finite rows and keeps them (and unlabelled rows) out of rankings', () => {
    assert.deepEqual(r.nonFinite, {
      count: 2,
      examples: [
        { index: 102, source: 'x[102]' },
        { index: 104, source: 'x[104]' },
      ],
    });
    assert.deepEqual(
      r.mistakes.map((m) => m.index),
      [100],
    );
    assert.deepEqual(
      r.hardest.map((m) => m.index),
      [100, 105, 103],
    );
    assert.ok(r.labelIssues.every((x) => x.index !== 101 && x.index !== 102 && x.index !== 104));
    assert.equal(
      r.confusion.flat().reduce((a, b) => a + b, 0),
      3,
    );
  });

  it('puts unlabelled finite rows in the confidence histogram only', () => {
    assert.equal(
      r.histograms.confidence.counts.reduce((a, b) => a + b, 0),
      4,
    );
    // float32(0.9) = 0.89999997..., so the unlabelled row's 0.9 lands in [0.85, 0.9).
    assert.equal(r.histograms.confidence.counts[17], 1);
    assert.equal(
      r.histograms.loss.counts.reduce((a, b) => a + b, 0),
      3,
    );
  });

  it('fills every field of a ranked example', () => {
    const m = r.mistakes[0];
    assert.equal(m.label, 'a');
    assert.equal(m.predicted, 'b');
    assert.equal(m.confidence, Math.fround(0.7));
    assert.equal(m.pLabel, Math.fround(0.2));
    assert.equal(m.loss, -Math.log(Math.fround(0.2)));
    assert.equal(m.margin, Math.fround(0.2) - Math.fround(0.7));
    assert.deepEqual(
      m.top.map((t) => t.class),
      ['b', 'a', 'c'],
    );
  });

  it('lists at most NON_FINITE_EXAMPLE_LIMIT non-finite rows but counts them all', () => {
    const n = NON_FINITE_EXAMPLE_LIMIT + 5;
    const big = new RunAccumulator(2);
    big.add(batch(new Array(n).fill(0), new Array(2 * n).fill(NaN)));
    const res = analyze(big, opts(['a', 'b']));
    assert.equal(res.nonFinite.count, n);
    assert.equal(res.nonFinite.examples.length, NON_FINITE_EXAMPLE_LIMIT);
    assert.equal(res.numLabelled, 0);
  });
});

describe('analyze() on an empty accumulator', () => {
  it('returns zeros and empty lists, no NaN', () => {
    const r = analyze(new RunAccumulator(4), opts(['a', 'b', 'c', 'd']));
    assert.equal(r.numExamples, 0);
    assert.equal(r.accuracy, 0);
    assert.equal(r.ece, 0);
    assert.deepEqual(r.mistakes, []);
    assert.deepEqual(r.labelIssues, []);
    assert.equal(r.estimatedLabelErrors, 0);
    assert.deepEqual(r.coverage.points, []);
    assert.equal(r.coverage.coverageAtTarget, 0);
    assert.equal(r.coverage.thresholdAtTarget, null);
    assert.equal(r.labelPermutation.suspected, false);
    const numbers: number[] = [];
    JSON.stringify(r, (_, v) => (typeof v === 'number' && numbers.push(v), v));
    assert.ok(numbers.length > 50);
    assert.ok(numbers.every(Number.isFinite));
  });
});

describe('partial results', () => {
  const c = getCase('multiclass');
  const C = c.classes.length;

  it('analyze() mid-run equals analyzing a fresh accumulator fed only the rows so far, and does not disturb the run', () => {
    const partial: string[] = [];
    const counts: number[] = [];
    const full = feed(c, {}, (acc) => {
      if (acc.count >= 500 && partial.length < 3) {
        partial.push(JSON.stringify(analyze(acc, opts(c.classes))));
        counts.push(acc.count);
      }
    });
    assert.equal(partial.length, 3);
    const probs = probsOf(c);
    for (let i = 0; i < counts.length; i++) {
      const fresh = new RunAccumulator(C);
      const n = counts[i];
      fresh.add({
        indices: c.indices.slice(0, n),
        sources: c.indices.slice(0, n).map((k) => `x[${k}]`),
        labels: c.labels.slice(0, n),
        probs: probs.slice(0, n * C),
      });
      assert.equal(partial[i], JSON.stringify(analyze(fresh, opts(c.classes))));
    }
    const once = new RunAccumulator(C);
    once.add({ indices: c.indices, sources: c.indices.map((k) => `x[${k}]`), labels: c.labels, probs });
    assert.equal(JSON.stringify(analyze(full, opts(c.classes))), JSON.stringify(analyze(once, opts(c.classes))));
  });
});

describe('exact average precision on small runs', () => {
  it('matches a brute-force AP that separates scores one bin of the histograms would tie', () => {
    // Two positives and two negatives whose scores differ by less than one score bin.
    const C = 2;
    const p1 = [0.9, 0.9001, 0.9002, 0.9003];
    const labels = [1, 0, 1, 0];
    const acc = new RunAccumulator(C);
    acc.add({ indices: [0, 1, 2, 3], sources: ['a', 'b', 'c', 'd'], labels, probs: new Float32Array(p1.flatMap((p) => [1 - p, p])) });
    // Ranked by p1 desc: d(neg) c(pos) b(neg) a(pos): AP = 1/2 * 1/2 + 1/2 * 2/4 = 0.5
    const ap = acc.exactScores.prCurve('one', 1).averagePrecision;
    assert.ok(Math.abs(ap - 0.5) < 1e-12, `AP ${ap}`);
  });
});
