import { test } from 'node:test';
import assert from 'node:assert/strict';
import { looksLikeProbabilities, toProbabilities } from '../../../src/core/model/outputs';

const close = (a: ArrayLike<number>, b: number[], tol = 1e-6) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) < tol, `index ${i}: ${a[i]} vs ${b[i]}`);
};

test('softmax of logits: [0, ln 3] -> [1/4, 3/4], large logits stay finite', () => {
  const p = toProbabilities(new Float32Array([0, Math.log(3), 1000, 1000]), 2, 2, 'logits', false);
  close(p, [0.25, 0.75, 0.5, 0.5]);
});

test('probabilities pass through unchanged', () => {
  const v = new Float32Array([0.2, 0.8, 1, 0]);
  close(toProbabilities(v, 2, 2, 'probabilities', false), [0.2, 0.8, 1, 0]);
});

test('a single logit is a sigmoid binary classifier: z = ln 3 -> p(class 1) = 3/4', () => {
  close(toProbabilities(new Float32Array([Math.log(3), 0]), 2, 1, 'sigmoid', false), [0.25, 0.75, 0.5, 0.5]);
  close(toProbabilities(new Float32Array([0.9]), 1, 1, 'sigmoid', true), [0.1, 0.9]);
});

test('rows with NaN or Inf become all-NaN so they are counted, not ranked', () => {
  const p = toProbabilities(new Float32Array([NaN, 1, 0, 1, Infinity, 0]), 3, 2, 'logits', false);
  assert.ok(Number.isNaN(p[0]) && Number.isNaN(p[1]));
  assert.ok(Number.isFinite(p[2]) && Number.isFinite(p[3]));
  assert.ok(Number.isNaN(p[4]) && Number.isNaN(p[5]));
});

test('probability rows are recognised; logits are not', () => {
  assert.equal(looksLikeProbabilities(new Float32Array([0.1, 0.9, 0.5, 0.5]), 2, 2), true);
  assert.equal(looksLikeProbabilities(new Float32Array([2.3, -1.2, 0.5, 0.5]), 2, 2), false);
  assert.equal(looksLikeProbabilities(new Float32Array([0.3, 0.3, 0.2, 0.1]), 2, 2), false);
});
