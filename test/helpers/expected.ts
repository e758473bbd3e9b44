/** The values PyTorch / scikit-learn computed on the fixtures (scripts/fixtures/make_fixtures.py). */
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import type { Report } from '../../src/core/protocol';

export interface ExpectedDataset {
  model: string;
  data: string | string[];
  numExamples: number;
  classes: string[];
  accuracy: number;
  confusion: number[][];
  perClass: { precision: number; recall: number; f1: number; support: number }[];
  macro: { precision: number; recall: number; f1: number };
  micro: { precision: number; recall: number; f1: number };
  averagePrecision: number[];
  ece: number;
  meanLoss: number;
  topMistakes: { index: number; label: number; predicted: number; confidence: number }[];
  hardest: { index: number; pLabel: number }[];
  estimatedLabelErrors: number;
  labelIssues: { index: number; label: number; suggested: number; pLabel: number }[];
  coverageAt: Record<string, number>;
  [extra: string]: unknown;
}

export const expected = JSON.parse(readFileSync('test/fixtures/expected.json', 'utf8')) as {
  datasets: Record<string, ExpectedDataset>;
  model: { classes: string[] };
};

export const near = (actual: number, want: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - want) <= tol, `${what}: got ${actual}, PyTorch/sklearn say ${want} (tolerance ${tol})`);

/**
 * Ranked lists: the same examples in the same order, except that neighbours whose scores
 * differ by less than float32 noise may swap.
 */
export function assertSameRanking(actual: { index: number; score: number }[], want: { index: number; score: number }[], what: string, tol = 1e-5) {
  assert.ok(actual.length >= want.length, `${what}: only ${actual.length} entries, expected ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    near(actual[i].score, want[i].score, tol, `${what}[${i}] score`);
    if (actual[i].index !== want[i].index) {
      const j = want.findIndex((w) => w.index === actual[i].index);
      assert.ok(j >= 0 && Math.abs(want[j].score - want[i].score) <= tol, `${what}[${i}]: index ${actual[i].index}, PyTorch ranks ${want[i].index} here`);
    }
  }
}

/** Compares every metric of a report with what PyTorch/sklearn computed on the same fixture. */
export function assertMatchesExpected(r: Report, e: ExpectedDataset, classes = e.classes) {
  assert.deepEqual(r.classes, classes);
  assert.equal(r.numExamples, e.numExamples);
  near(r.accuracy, e.accuracy, 1e-9, 'accuracy');
  assert.deepEqual(r.confusion, e.confusion, 'confusion matrix');
  e.perClass.forEach((c, i) => {
    near(r.perClass[i].precision, c.precision, 1e-9, `precision of ${classes[i]}`);
    near(r.perClass[i].recall, c.recall, 1e-9, `recall of ${classes[i]}`);
    near(r.perClass[i].f1, c.f1, 1e-9, `f1 of ${classes[i]}`);
    assert.equal(r.perClass[i].support, c.support);
    near(r.perClass[i].averagePrecision, e.averagePrecision[i], 3e-3, `average precision of ${classes[i]}`);
  });
  for (const k of ['precision', 'recall', 'f1'] as const) {
    near(r.macro[k], e.macro[k], 1e-9, `macro ${k}`);
    near(r.micro[k], e.micro[k], 1e-9, `micro ${k}`);
  }
  near(r.ece, e.ece, 1e-4, 'ECE');
  near(r.coverage.coverageAtTarget, e.coverageAt['0.95'], 2e-3, 'coverage at 95% accuracy');
  const top = e.topMistakes.slice(0, Math.min(20, r.mistakes.length));
  assertSameRanking(r.mistakes.map((m) => ({ index: m.index, score: m.confidence })), top.map((m) => ({ index: m.index, score: m.confidence })), 'most confident mistakes');
  for (const m of top) {
    const got = r.mistakes.find((x) => x.index === m.index)!;
    assert.equal(got.label, classes[m.label]);
    assert.equal(got.predicted, classes[m.predicted]);
  }
  assertSameRanking(r.hardest.map((m) => ({ index: m.index, score: m.pLabel })), e.hardest.map((m) => ({ index: m.index, score: m.pLabel })), 'hardest examples', 1e-6);
}
