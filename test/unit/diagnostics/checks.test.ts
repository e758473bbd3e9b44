/** The checks as plain functions: fake runners, hand-made shapes and thumbnails, Tobin's own numbers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { broadcastShape, runHazards, staticHazards } from '../../../src/core/diagnostics/broadcast';
import { CHECKS } from '../../../src/core/diagnostics/codes';
import { errorBreakdownFinding, findingsFromReport, labelIssuesFinding, permutationFinding, splitRole } from '../../../src/core/diagnostics/labelChecks';
import {
  activationFinding,
  baselineCheck,
  batchMixingCheck,
  determinismFinding,
  LayerAccumulator,
  lossFinding,
  probabilityRows,
  sweepFinding,
  type SampleSet,
  type SweepCandidate,
} from '../../../src/core/diagnostics/modelChecks';
import type { ModelRunner } from '../../../src/core/diagnostics/ortRunner';
import type { Report } from '../../../src/core/protocol';

const loc = { file: 'm.onnx' };

/** Rows = W x per example, optionally mixed with the batch mean (a batch-mixing bug). */
function linearRunner(opts: { batch?: number | 'dynamic'; mix?: boolean; constant?: boolean } = {}): ModelRunner {
  return {
    batch: opts.batch ?? 'dynamic',
    perExample: 2,
    async run(input: Float32Array, n: number) {
      const values = new Float32Array(n * 2);
      let mean = 0;
      for (let i = 0; i < n * 2; i++) mean += input[i] / (n * 2);
      for (let i = 0; i < n; i++) {
        const a = input[2 * i], b = input[2 * i + 1];
        values[2 * i] = opts.constant ? 1 : a - b + (opts.mix ? mean : 0);
        values[2 * i + 1] = opts.constant ? 0 : b - a + (opts.mix ? mean : 0);
      }
      return { values, cols: 2 };
    },
  };
}

function sample(n: number): SampleSet {
  const inputs = new Float32Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const big = i % 2;
    inputs[2 * i] = big ? 1 + i * 0.01 : 0.1;
    inputs[2 * i + 1] = big ? 0.1 : 1 + i * 0.01;
    labels[i] = big ? 0 : 1;
  }
  return { n, perExample: 2, inputs, labels, sources: Array.from({ length: n }, (_, i) => `x[${i}]`) };
}

test('codes are unique, stable-looking and cover model and data', () => {
  const codes = CHECKS.map((c) => c.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const c of codes) assert.match(c, /^ML-[MD]\d{3}$/);
  assert.ok(CHECKS.every((c) => (c.code[3] === 'M') === (c.target === 'model')));
});

test('broadcastShape follows numpy, with symbols', () => {
  assert.deepEqual(broadcastShape([['N'], ['N', 1]]), ['N', 'N']);
  assert.deepEqual(broadcastShape([['N', 3, 1, 1], [3, 1, 1]]), ['N', 3, 1, 1]);
  assert.deepEqual(broadcastShape([[5, 1], [1, 4]]), [5, 4]);
  assert.deepEqual(broadcastShape([['N', 4], ['M', 4]]), [null, 4]);
});

test('static hazards: (N,)+(N,1) is batch-square, a bias is no hazard, an outer product of computed tensors is flagged', () => {
  const nodes = [
    { name: 'bad', opType: 'Add', inputs: ['t', 's'], outputs: ['ts'] },
    { name: 'bias', opType: 'Add', inputs: ['x', 'b'], outputs: ['xb'] },
    { name: 'outer', opType: 'Mul', inputs: ['u', 'v'], outputs: ['uv'] },
    { name: 'same', opType: 'Sub', inputs: ['x', 'x'], outputs: ['zero'] },
  ];
  const shapes = new Map<string, (string | number | null)[]>([
    ['t', ['N']], ['s', ['N', 1]], ['ts', ['N', 'N']],
    ['x', ['N', 3, 8, 8]], ['b', [3, 1, 1]], ['xb', ['N', 3, 8, 8]],
    ['u', ['N', 5, 1]], ['v', ['N', 1, 7]], ['uv', ['N', 5, 7]],
    ['zero', ['N', 3, 8, 8]],
  ]);
  const hz = staticHazards(nodes, shapes, new Set(['b']), 'N');
  assert.deepEqual(hz.map((h) => [h.node, h.kind]), [['bad', 'batch-square'], ['outer', 'outer']]);
});

test('run hazards: the batch axis is told by following the batch size', () => {
  const nodes = [{ name: 'bad', opType: 'Add', inputs: ['t', 's'], outputs: ['ts'] }, { name: 'ok', opType: 'Div', inputs: ['z', 'm'], outputs: ['q'] }];
  const at = (b: number) => new Map<string, number[]>([['t', [b]], ['s', [b, 1]], ['ts', [b, b]], ['z', [b, 10]], ['m', [b, 1]], ['q', [b, 10]]]);
  const hz = runHazards(nodes, at(3), at(5), 3, 5, new Set(), new Map());
  assert.equal(hz.length, 1);
  assert.deepEqual([hz[0].node, hz[0].kind, hz[0].output.shape], ['bad', 'batch-square', ['N', 'N']]);
});

test('batch mixing with fake runners: found when rows mix, silent when not, skipped for batch 1 and constant outputs', async () => {
  const s = sample(20);
  const mixed = await batchMixingCheck(linearRunner({ mix: true }), s);
  assert.equal(mixed.severity, 'error');
  assert.deepEqual((mixed.details as { outputsThatMoved: Record<string, number[]> }).outputsThatMoved['0'], [0, 1, 2, 3, 4, 5, 6, 7]);
  const clean = await batchMixingCheck(linearRunner(), s);
  assert.equal(clean.severity, 'info');
  assert.equal((await batchMixingCheck(linearRunner({ batch: 1 }), s)).severity, 'skipped');
  assert.equal((await batchMixingCheck(linearRunner({ constant: true }), s)).severity, 'skipped');
  assert.equal((await batchMixingCheck(linearRunner(), sample(1))).severity, 'skipped');
  const fixed = await batchMixingCheck(linearRunner({ batch: 4, mix: true }), s);
  assert.equal((fixed.details as { batch: number }).batch, 4, 'a fixed batch size is used as is');
});

test('input-independent baseline: constant outputs are an error, a working model passes', async () => {
  const s = sample(40);
  const good = linearRunner();
  const real = await good.run(s.inputs, s.n);
  const ok = await baselineCheck(good, s, real, loc);
  assert.equal(ok.severity, 'info');
  assert.equal((ok.details as { accuracy: number }).accuracy, 1);
  const constant = linearRunner({ constant: true });
  const bad = await baselineCheck(constant, s, await constant.run(s.inputs, s.n), loc);
  assert.equal(bad.severity, 'error');
  assert.match(bad.message, /identical for all 40/);
});

test('loss vs chance: below, at (untrained) and above -log(1/C)', () => {
  const chance = Math.log(10);
  assert.equal(lossFinding({ meanLoss: 0.3, accuracy: 0.9, labelled: 100 }, 10, loc).severity, 'info');
  const init = lossFinding({ meanLoss: chance * 1.01, accuracy: 0.1, labelled: 100 }, 10, loc);
  assert.equal(init.severity, 'warning');
  assert.match(init.message, /freshly initialised/);
  const worse = lossFinding({ meanLoss: 2.47, accuracy: 0.43, labelled: 1000 }, 10, loc);
  assert.equal(worse.severity, 'warning');
  assert.match(worse.message, /worse than a uniform guess/);
  assert.equal(lossFinding({ meanLoss: 0, accuracy: 0, labelled: 0 }, 10, loc).severity, 'skipped');
});

test('determinism: two differing runs are an error even without a random op in the graph', () => {
  const a = new Float32Array([1, 2, 3, 4]);
  assert.equal(determinismFinding([], { n: 2, cols: 2, a, b: a.slice() }, loc).severity, 'info');
  const f = determinismFinding([], { n: 2, cols: 2, a, b: new Float32Array([1, 2, 3, 5]) }, loc);
  assert.equal(f.severity, 'error');
  assert.equal((f.details as { runs: { rowsThatDiffer: number } }).runs.rowsThatDiffer, 1);
  const nan = new Float32Array([NaN, 1, 2, 3]);
  assert.equal(determinismFinding([], { n: 2, cols: 2, a: nan, b: nan.slice() }, loc).severity, 'info', 'NaN in the same place is the same output');
});

test('rows summing to one are told from logits', () => {
  assert.equal(probabilityRows(new Float32Array([0.2, 0.8, 0.5, 0.5]), 2, 2).all, true);
  assert.equal(probabilityRows(new Float32Array([2, -1, 0.5, 0.5]), 2, 2).all, false);
  assert.equal(probabilityRows(new Float32Array([0.2, 0.7, 0.5, 0.5]), 2, 2).all, false);
});

test('sweep: a clearly better scaling warns; a small difference on few examples does not', () => {
  const mk = (name: string): SweepCandidate => ({ name, cfg: { layout: 'NCHW', channels: 1, height: 2, width: 2, scale: name as 'unit' }, bgr: false });
  const unit = mk('unit'), sym = mk('symmetric');
  assert.equal(sweepFinding(unit, [{ candidate: unit, accuracy: 0.4 }, { candidate: sym, accuracy: 0.87 }], 160, loc).severity, 'warning');
  assert.equal(sweepFinding(unit, [{ candidate: unit, accuracy: 0.8 }, { candidate: sym, accuracy: 0.86 }], 30, loc).severity, 'info');
  assert.equal(sweepFinding(unit, [{ candidate: unit, accuracy: 0.88 }, { candidate: sym, accuracy: 0.35 }], 160, loc).severity, 'info');
});

test('activation statistics: dead ReLU units, saturated sigmoid units, histogram counts every value', () => {
  const relu = new LayerAccumulator('r', 'Relu', 'r_out');
  // 2 examples x 3 channels x 2 positions; channel 1 is never positive
  relu.add(new Float32Array([1, 0, 0, 0, 2, 3, 0, 1, 0, 0, 0, 0]), [2, 3, 2]);
  const s = relu.stats();
  assert.deepEqual([s.units, s.deadUnits, s.values], [3, 1, 12]);
  assert.equal(s.histogram.counts.reduce((a, b) => a + b, 0), 12);
  assert.equal(s.inactiveShare, 8 / 12);
  // active share per channel: 2/4, 0/4, 2/4 -> one unit in [0, 0.1), two in [0.5, 0.6)
  assert.deepEqual(s.unitActivity.counts, [1, 0, 0, 0, 0, 2, 0, 0, 0, 0]);
  assert.equal(s.unitActivity.edges.length, 11);
  const sig = new LayerAccumulator('s', 'Sigmoid', 's_out');
  sig.add(new Float32Array([0.999, 0.5, 0.001, 0.6]), [2, 2]);
  assert.equal(sig.stats().saturatedUnits, 1);
  assert.equal(activationFinding([sig.stats()], 2, loc).severity, 'warning', 'half the units saturated');
  assert.equal(activationFinding([], 0, loc).severity, 'info');
});

test("error breakdown: Tobin's pedestrian example (goal 1%, train 20%, val 27%, test 28%) is under-fitting first", () => {
  const f = errorBreakdownFinding([{ name: 'train', error: 0.2, labelled: 1000 }, { name: 'val', error: 0.27, labelled: 1000 }, { name: 'test', error: 0.28, labelled: 1000 }], 0.01, loc);
  assert.equal(f.severity, 'warning');
  const d = f.details as { terms: { term: string; value: number }[]; largest: string };
  const term = (t: string) => d.terms.find((x) => x.term === t)!.value;
  assert.ok(Math.abs(term('bias') - 0.19) < 1e-12 && Math.abs(term('variance') - 0.07) < 1e-12 && Math.abs(term('valOverfit') - 0.01) < 1e-12);
  assert.equal(d.largest, 'bias');
  assert.match(f.advice, /make the model bigger/);
});

test("error breakdown: Tobin's later stage (train 0.8%, val 12%, test 12%) is over-fitting; a met goal passes", () => {
  const f = errorBreakdownFinding([{ name: 'train', error: 0.008, labelled: 1000 }, { name: 'val', error: 0.12, labelled: 1000 }, { name: 'test', error: 0.12, labelled: 1000 }], 0.01, loc);
  assert.equal((f.details as { largest: string }).largest, 'variance');
  assert.match(f.advice, /add training data/);
  const met = errorBreakdownFinding([{ name: 'train', error: 0.006, labelled: 1000 }, { name: 'val', error: 0.009, labelled: 1000 }, { name: 'test', error: 0.01, labelled: 1000 }], 0.01, loc);
  assert.equal(met.severity, 'info');
  const shift = errorBreakdownFinding([{ name: 'train', error: 0.02, labelled: 1 }, { name: 'train-dev', error: 0.025, labelled: 1 }, { name: 'val', error: 0.1, labelled: 1 }, { name: 'test', error: 0.1, labelled: 1 }], 0.01, loc);
  assert.equal((shift.details as { largest: string }).largest, 'shift');
  assert.equal(errorBreakdownFinding([{ name: 'train', error: 0.1, labelled: 5 }], 0.05, loc).severity, 'skipped');
  assert.equal(errorBreakdownFinding([{ name: 'a', error: 0.1, labelled: 5 }, { name: 'b', error: 0.2, labelled: 5 }], 0.05, loc).severity, 'skipped');
  assert.deepEqual(['train', 'train-dev', 'validation', 'test', 'other'].map(splitRole), ['train', 'trainDev', 'val', 'test', undefined]);
});

test("findings from an inspect() report: likely label errors, label permutation, non-finite outputs", () => {
  const report = {
    model: { path: '/m.onnx' },
    data: { path: '/d' },
    numExamples: 1000,
    numLabelled: 1000,
    estimatedLabelErrors: 592,
    labelIssues: [{ index: 3, source: 'x[3]', label: 'Coat', suggested: 'Pullover', score: 0.99, pLabel: 0.01, pSuggested: 0.98 }],
    labelPermutation: { suspected: true, accuracy: 0.434, accuracyAfter: 0.87, mapping: [{ predicted: 'T-shirt/top', label: 'Shirt' }], message: 'Re-mapping 6 classes raises accuracy from 43.4% to 87.0%.' },
    nonFinite: { count: 2, examples: [{ index: 1, source: 'x[1]' }, { index: 9, source: 'x[9]' }] },
  } as unknown as Report;
  const [nonFinite, issues, perm] = findingsFromReport(report);
  assert.deepEqual([nonFinite.code, nonFinite.severity], ['ML-M008', 'error']);
  assert.deepEqual([issues.code, issues.severity], ['ML-D009', 'warning']);
  assert.deepEqual([perm.code, perm.severity], ['ML-D010', 'error']);
  assert.match(issues.message, /592 of 1,000 labels \(59\.2%\)/);
  assert.equal(labelIssuesFinding({ ...report, estimatedLabelErrors: 40 }).severity, 'info');
  assert.equal(permutationFinding({ ...report, labelPermutation: { ...report.labelPermutation, suspected: false } }).severity, 'info');
});
