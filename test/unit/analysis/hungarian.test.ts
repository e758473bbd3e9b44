/** Hungarian algorithm against scipy.optimize.linear_sum_assignment and brute force. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { maxWeightAssignment, minCostAssignment } from '../../../src/core/analysis/hungarian';
import { close, fixture } from './cases';

function isPermutation(a: Int32Array): boolean {
  const seen = new Set(a);
  return seen.size === a.length && [...seen].every((j) => j >= 0 && j < a.length);
}

function total(m: number[][], a: Int32Array): number {
  return m.reduce((s, row, i) => s + row[a[i]], 0);
}

function* permutations(n: number): Generator<number[]> {
  const p = Array.from({ length: n }, (_, i) => i);
  const rec = function* (k: number): Generator<number[]> {
    if (k === n) yield p.slice();
    for (let i = k; i < n; i++) {
      [p[k], p[i]] = [p[i], p[k]];
      yield* rec(k + 1);
      [p[k], p[i]] = [p[i], p[k]];
    }
  };
  yield* rec(0);
}

describe('hungarian', () => {
  for (const h of fixture.hungarian) {
    it(`n = ${h.n}: same optimum as scipy (max weight ${h.maxTotal}, min cost ${h.minTotal.toFixed(3)})`, () => {
      const a = maxWeightAssignment(h.weights.flat(), h.n);
      assert.ok(isPermutation(a));
      assert.equal(total(h.weights, a), h.maxTotal);
      const b = minCostAssignment(h.costs.flat(), h.n);
      assert.ok(isPermutation(b));
      close(total(h.costs, b), h.minTotal, 1e-9, 'min cost');
    });
  }

  it('matches brute force on small random matrices with many ties', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + (trial % 6);
      const m = Array.from({ length: n }, () => Array.from({ length: n }, () => Math.floor(rnd() * 4)));
      let best = -Infinity;
      for (const p of permutations(n)) best = Math.max(best, m.reduce((s, row, i) => s + row[p[i]], 0));
      const a = maxWeightAssignment(m.flat(), n);
      assert.ok(isPermutation(a));
      assert.equal(total(m, a), best, JSON.stringify(m));
    }
  });

  it('rejects a matrix of the wrong size', () => {
    assert.throws(() => minCostAssignment([1, 2, 3], 2), /expected 2 x 2/);
  });
});
