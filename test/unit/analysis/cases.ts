/**
 * Loads test/fixtures/analysis-cases.json (made by scripts/analysis-cases/make_cases.py from
 * scikit-learn / numpy / scipy) and feeds a case to a RunAccumulator in uneven batches.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { RunAccumulator, type RunAccumulatorOptions } from '../../../src/core/analysis/accumulator';

export interface ExpectedRanked {
  index: number;
  label: number;
  predicted: number;
  confidence: number;
  pLabel: number;
  margin: number;
  loss: number;
}

export interface Expected {
  numExamples: number;
  numLabelled: number;
  nonFinite: number[];
  accuracy: number;
  confusion: number[][];
  perClass: { precision: number; recall: number; f1: number; support: number; averagePrecision: number }[];
  macro: { precision: number; recall: number; f1: number };
  micro: { precision: number; recall: number; f1: number };
  ece: number;
  reliability: { count: number; meanConfidence: number; accuracy: number }[];
  mistakes: ExpectedRanked[];
  mistakeOrder: number[];
  hardest: { index: number; pLabel: number }[];
  hardestOrder: number[];
  confidentLearning: {
    thresholds: (number | null)[];
    count: number;
    selfConfidenceOrder: number[];
    normalizedMarginOrder: number[];
    selfConfidence: { index: number; suggested: number; score: number; pSuggested: number }[];
    normalizedMargin: { index: number; suggested: number; score: number }[];
  };
  coverage: { targetAccuracy: number; coverageAtTarget: number; thresholdAtTarget: number | null };
  permutation: { accuracyAfter: number; moves: [number, number][] };
  histograms: { confidence: number[]; loss: { upper: number; counts: number[] } };
}

export interface Case {
  name: string;
  note: string;
  classes: string[];
  indices: number[];
  labels: number[];
  /** float32 little-endian, base64 (keeps NaN/Inf, which JSON cannot). */
  probsFloat32Base64: string;
  expected: Expected;
}

export interface Fixture {
  top: number;
  cases: Case[];
  hungarian: { n: number; weights: number[][]; maxTotal: number; costs: number[][]; minTotal: number }[];
}

export const fixture: Fixture = JSON.parse(readFileSync(join(__dirname, '../../fixtures/analysis-cases.json'), 'utf8'));

export function getCase(name: string): Case {
  const c = fixture.cases.find((x) => x.name === name);
  assert.ok(c, `fixture case ${name} missing`);
  return c;
}

export function probsOf(c: Case): Float32Array {
  const bytes = Buffer.from(c.probsFloat32Base64, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  assert.equal(out.length, c.labels.length * c.classes.length, `${c.name}: probs size`);
  return out;
}

const BATCH_SIZES = [1, 7, 250, 13, 1000, 64, 3];

/** Feeds every row, in batches of uneven sizes, and returns the accumulator. */
export function feed(c: Case, options?: RunAccumulatorOptions, onBatch?: (acc: RunAccumulator) => void): RunAccumulator {
  const C = c.classes.length;
  const probs = probsOf(c);
  const acc = new RunAccumulator(C, options);
  let start = 0;
  for (let b = 0; start < c.labels.length; b++) {
    const end = Math.min(c.labels.length, start + BATCH_SIZES[b % BATCH_SIZES.length]);
    acc.add({
      indices: Int32Array.from(c.indices.slice(start, end)),
      sources: c.indices.slice(start, end).map((i) => `x[${i}]`),
      labels: Int32Array.from(c.labels.slice(start, end)),
      probs: probs.slice(start * C, end * C),
    });
    onBatch?.(acc);
    start = end;
  }
  return acc;
}

export function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: got ${actual}, expected ${expected} (tolerance ${tol})`);
}
