/** Label-permutation check ("labels out of order"). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analysis/analyze';
import { bestRelabelling, labelPermutation } from '../../../src/core/analysis/permutation';
import { feed, fixture, getCase } from './cases';

describe('label permutation', () => {
  it('flags rotated labels with the mapping scipy finds and a message with the numbers', () => {
    const c = getCase('permuted');
    const r = analyze(feed(c), { classes: c.classes, top: 5, targetAccuracy: 0.9, labelIssueRanking: 'self-confidence' });
    const p = r.labelPermutation;
    assert.equal(p.suspected, true);
    assert.deepEqual(
      p.mapping,
      c.expected.permutation.moves.map(([pred, label]) => ({ predicted: c.classes[pred], label: c.classes[label] })),
    );
    assert.equal(
      p.message,
      `Predictions match the labels far better after re-mapping 6 classes (accuracy ${(100 * c.expected.accuracy).toFixed(1)}% -> ${(100 * c.expected.permutation.accuracyAfter).toFixed(1)}%): the labels may be out of order (e.g. an unsorted glob).`,
    );
  });

  for (const c of fixture.cases.filter((x) => x.name !== 'permuted')) {
    it(`says labels look consistent on ${c.name}`, () => {
      const r = analyze(feed(c), { classes: c.classes, top: 5, targetAccuracy: 0.9, labelIssueRanking: 'self-confidence' });
      assert.equal(r.labelPermutation.suspected, false);
      // Where the optimum is not unique (skewed-calibration: near-empty columns), scipy picks
      // any optimal re-mapping; ours moves as few classes as possible.
      if (c.expected.permutation.moves.length === 0) assert.deepEqual(r.labelPermutation.mapping, []);
      else assert.ok(r.labelPermutation.mapping.length <= c.expected.permutation.moves.length);
      assert.match(r.labelPermutation.message, /^Labels look consistent/);
    });
  }

  const names = ['a', 'b', 'c', 'd'];
  // confusion[true * C + predicted]
  const swapped = [
    // a and b swapped by a good model: row a is predicted b and vice versa
    [2, 40, 0, 0],
    [38, 3, 0, 0],
    [1, 0, 45, 1],
    [0, 1, 2, 47],
  ];

  it('applies the rule: gain >= 10 points, >= 25% of errors removed, >= 5 examples per class', () => {
    const p = labelPermutation(swapped.flat(), names);
    assert.equal(p.suspected, true);
    assert.equal(p.accuracy, 97 / 180);
    assert.equal(p.accuracyAfter, 170 / 180);
    assert.deepEqual(p.mapping, [
      { predicted: 'a', label: 'b' },
      { predicted: 'b', label: 'a' },
    ]);
    // The same proportions on 12 examples (< 5 per class) are not enough evidence.
    const tiny = [
      [0, 3, 0, 0],
      [3, 0, 0, 0],
      [0, 0, 3, 0],
      [0, 0, 0, 3],
    ];
    assert.equal(labelPermutation(tiny.flat(), names).suspected, false);
    // A weak model over 10 classes: 10% -> 22% is a 12-point gain but removes only 13% of the errors.
    const C = 10;
    const weak: number[] = [];
    for (let l = 0; l < C; l++) {
      for (let p = 0; p < C; p++) {
        weak.push(p === l ? 5 : p === (l + 1) % C ? 11 : p === (l + 2) % C || p === (l + 3) % C ? 5 : 4);
      }
    }
    const w = labelPermutation(
      weak,
      Array.from({ length: C }, (_, i) => `k${i}`),
    );
    assert.equal(w.accuracy, 0.1);
    assert.equal(w.accuracyAfter, 0.22);
    assert.equal(w.suspected, false);
    assert.match(w.message, /^Labels look consistent .* only moves accuracy from \d+\.\d% to \d+\.\d%\.$/);
  });

  it('prefers moving as few classes as possible among equally good re-mappings', () => {
    // Columns c and d are empty: any placement of them is optimal; they should stay put.
    const m = [
      [0, 9, 0, 0],
      [9, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ];
    assert.deepEqual(Array.from(bestRelabelling(m.flat(), 4)), [1, 0, 2, 3]);
  });

  it('skips the solve when the identity is optimal, with the same answer the solve gives', () => {
    const diag = [
      [9, 1, 0],
      [2, 7, 3],
      [0, 4, 8],
    ];
    assert.deepEqual(Array.from(bestRelabelling(diag.flat(), 3)), [0, 1, 2]);
    const p = labelPermutation(diag.flat(), ['x', 'y', 'z']);
    assert.equal(p.accuracyAfter, p.accuracy);
    assert.deepEqual(p.mapping, []);
  });

  it('explains when there is nothing to check', () => {
    const p = labelPermutation(new Array(9).fill(0), ['x', 'y', 'z']);
    assert.equal(p.suspected, false);
    assert.match(p.message, /No labelled examples/);
  });
});
