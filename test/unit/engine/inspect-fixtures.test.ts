/**
 * The engine end to end (real ONNX Runtime in the child process) on every data format,
 * checked against what PyTorch and scikit-learn computed on the same fixtures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect, type InspectOptions } from '../../../src/core/inspect';
import { assertMatchesExpected, expected, near } from '../../helpers/expected';

const run = (model: string, data: string, extra: Partial<InspectOptions> = {}) =>
  inspect({ model, data, saveConfig: false, executionProviders: ['cpu'], top: 200, ...extra });

const ds = expected.datasets;

test('sample (gzipped IDX): every metric agrees with PyTorch/sklearn', async () => {
  const r = await run(ds.sample.model, ds.sample.data as string);
  assertMatchesExpected(r, ds.sample);
  assert.equal(r.executionProvider, 'cpu');
  assert.equal(r.model.outputKind, 'logits');
  assert.equal(r.data.kind, 'idx');
  assert.equal(r.labelPermutation.suspected, false);
  assert.equal(r.numSkipped, 0);
});

test('raw IDX folder agrees', async () => {
  assertMatchesExpected(await run(ds['idx-raw'].model, ds['idx-raw'].data as string), ds['idx-raw']);
});

test('image folder of PNGs: folder names matched to the model classes by name, not by folder order', async () => {
  const e = ds.images;
  const r = await run(e.model, e.data as string);
  const ms = e.modelSpace as { classes: string[]; confusion: number[][] };
  assert.deepEqual(r.classes, ms.classes);
  assert.deepEqual(r.confusion, ms.confusion);
  near(r.accuracy, e.accuracy, 1e-9, 'accuracy');
  assert.equal(r.data.kind, 'image-folder');
  const files = e.files as string[];
  assert.deepEqual(r.mistakes.slice(0, 5).map((m) => m.source), e.topMistakes.slice(0, 5).map((m) => files[m.index]));
});

test('CSV and JSONL manifests agree, and --split keeps one split', async () => {
  const e = ds.manifest;
  const [csv, jsonl] = e.data as string[];
  assertMatchesExpected(await run(e.model, csv), e);
  assertMatchesExpected(await run(e.model, jsonl), e);
  const splits = e.splits as Record<string, { numExamples: number; accuracy: number }>;
  const test = await run(e.model, csv, { split: 'test' });
  assert.equal(test.numExamples, splits.test.numExamples);
  near(test.accuracy, splits.test.accuracy, 1e-9, 'test split accuracy');
});

test('.npy pair and .npz agree', async () => {
  const e = ds.arrays;
  const [x, , npz] = e.data as string[];
  assertMatchesExpected(await run(e.model, x), e);
  assertMatchesExpected(await run(e.model, npz), e);
});

test('float32 and float64 arrays already scaled to [0,1] pass through unscaled', async () => {
  const e = ds['arrays-float'];
  const [xf, xf64] = e.data as string[];
  const r32 = await run(e.model, xf, { labelsKey: 'yf' });
  assert.equal(r32.data.preprocess.scale, 'none');
  assertMatchesExpected(r32, e);
  assertMatchesExpected(await run(e.model, xf64, { labelsKey: 'yf' }), e);
});

test('single-logit sigmoid binary classifier', async () => {
  const e = ds.binary;
  const r = await run(e.model, e.data as string);
  assert.equal(r.model.outputKind, 'sigmoid');
  assertMatchesExpected(r, e);
});

test('same predictions from the softmax, NHWC and fixed batch-1 variants of the model', async () => {
  const e = ds['idx-raw'];
  const soft = await run('test/fixtures/models/fmnist-cnn-softmax.onnx', e.data as string);
  assert.equal(soft.model.outputKind, 'probabilities');
  assertMatchesExpected(soft, e);
  assertMatchesExpected(await run('test/fixtures/models/fmnist-cnn-nhwc.onnx', e.data as string), e);
  const b1 = await run('test/fixtures/models/fmnist-cnn-b1.onnx', e.data as string, { limit: 60 });
  const full = await run(e.model, e.data as string, { limit: 60 });
  assert.deepEqual(b1.confusion, full.confusion);
  assert.equal(b1.numExamples, 60);
});

test('a model with several outputs asks for one; --output picks it', async () => {
  const e = ds['idx-raw'];
  await assert.rejects(run('test/fixtures/models/fmnist-cnn-2out.onnx', e.data as string), /has 2 outputs \(features \[N, 64\], logits \[N, 10\]\); choose the class scores with --output/);
  assertMatchesExpected(await run('test/fixtures/models/fmnist-cnn-2out.onnx', e.data as string, { output: 'logits' }), e);
});

test('an RGB 32x32 ImageNet-normalised model gets resized, channel-expanded inputs', async () => {
  const r = await run('test/fixtures/models/rgb32.onnx', ds.sample.data as string, { scale: 'imagenet' });
  assert.deepEqual([r.data.preprocess.channels, r.data.preprocess.height, r.data.preprocess.width], [3, 32, 32]);
  // PyTorch's bilinear pipeline got 0.8645 on the sample; resamplers differ a little.
  near(r.accuracy, 0.8645, 0.03, 'accuracy after resize');
});

test('flipped labels rise to the top of the label-issue ranking', async () => {
  const e = ds.flipped;
  const r = await run(e.model, e.data as string);
  const flipped = new Set(e.flippedIndices as number[]);
  const top50 = r.labelIssues.slice(0, 50).filter((i) => flipped.has(i.index)).length;
  // 50 labels were flipped at random; numpy's confident learning finds 36 of them.
  assert.ok(top50 >= 30, `only ${top50} of the top 50 label issues are flipped labels`);
  near(r.estimatedLabelErrors, e.estimatedLabelErrors, 3, 'estimated label errors');
  const found = r.labelIssues.filter((i) => flipped.has(i.index)).length;
  assert.ok(found >= (e.flippedFoundByLabelIssues as number) - 2, `found ${found} flipped labels`);
  // Where numpy's confident learning flags the same example, it suggests the same class.
  for (const i of r.labelIssues) {
    const np = e.labelIssues.find((x) => x.index === i.index);
    if (np) assert.equal(i.suggested, expected.model.classes[np.suggested], `suggested class for ${i.source}`);
  }
});

test('labels out of order: the permutation check recovers the class mapping', async () => {
  const e = ds.permuted;
  const r = await run(e.model, e.data as string);
  const h = e.hungarian as { mapping: number[]; accuracyAfter: number };
  assert.equal(r.labelPermutation.suspected, true);
  near(r.labelPermutation.accuracyAfter, h.accuracyAfter, 1e-9, 'accuracy after re-mapping');
  const names = expected.model.classes;
  const want = h.mapping.flatMap((label, pred) => (label === pred ? [] : [{ predicted: names[pred], label: names[label] }]));
  assert.deepEqual(new Set(r.labelPermutation.mapping.map((m) => `${m.predicted}->${m.label}`)), new Set(want.map((m) => `${m.predicted}->${m.label}`)));
});
