/**
 * A check that cannot run says so as a `skipped` finding with the reason, and never stops
 * the others: batch-1 models, unlabelled data, several model inputs, vectors instead of
 * images, a model that cannot take the data, and a child process that dies part-way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKS } from '../../../src/core/diagnostics/codes';
import { startDiagnostics } from '../../../src/core/diagnostics/runner';
import type { DiagnoseReport } from '../../../src/core/diagnostics/types';
import { f32, i64, tempDir, writeNpy } from '../../helpers/files';
import { buildModel, CLEAN, diagnose, get, problems } from './helpers';

const everyCheckOnce = (r: DiagnoseReport) => {
  assert.deepEqual(r.findings.map((f) => f.code), CHECKS.map((c) => c.code), 'one finding per check, in checklist order');
  for (const f of r.findings) {
    assert.ok(f.message.length > 0 && !f.message.includes('\n'), `${f.code}: one line`);
    if (f.severity === 'skipped') assert.ok(f.message.length > 15, `${f.code}: a skipped finding says why`);
  }
};

test('fixed batch size 1: batch mixing is skipped with the reason, every other model check runs', async () => {
  const r = await diagnose({ model: 'test/fixtures/models/fmnist-cnn-b1.onnx', data: CLEAN });
  everyCheckOnce(r);
  const mix = get(r, 'ML-M004');
  assert.equal(mix.severity, 'skipped');
  assert.match(mix.message, /fixed batch size of 1/);
  for (const code of ['ML-M002', 'ML-M003', 'ML-M005', 'ML-M006', 'ML-M007', 'ML-M008', 'ML-M009', 'ML-M010']) assert.equal(get(r, code).severity, 'info', code);
  assert.deepEqual(problems(r), []);
});

test('unlabelled images: the checks that need labels are skipped with the reason; the rest run', async () => {
  const dir = tempDir('diag-unlabelled');
  const src = join(CLEAN, 'train', 'Bag');
  for (const f of readdirSync(src).slice(0, 6)) copyFileSync(join(src, f), join(dir, f));
  const coat = join(CLEAN, 'train', 'Coat');
  for (const f of readdirSync(coat).slice(0, 6)) copyFileSync(join(coat, f), join(dir, `coat-${f}`));
  const r = await diagnose({ model: 'test/fixtures/diagnostics/models/clean.onnx', data: dir });
  everyCheckOnce(r);
  assert.equal(r.data.kind, 'unlabelled-folder');
  assert.equal(r.data.numLabelled, 0);
  for (const code of ['ML-M006', 'ML-M007', 'ML-M011', 'ML-D003', 'ML-D004', 'ML-D005', 'ML-D009', 'ML-D010']) {
    assert.equal(get(r, code).severity, 'skipped', `${code}: ${get(r, code).message}`);
  }
  assert.match(get(r, 'ML-M007').message, /no labels/);
  assert.match(get(r, 'ML-D005').message, /no labels/);
  const base = get(r, 'ML-M005');
  assert.equal(base.severity, 'info');
  assert.match(base.message, /vary with the input/);
  for (const code of ['ML-M002', 'ML-M003', 'ML-M004', 'ML-M008', 'ML-M009', 'ML-D001', 'ML-D002', 'ML-D006', 'ML-D007', 'ML-D008']) assert.equal(get(r, code).severity, 'info', code);
});

test('a model with two inputs: checks that run it are skipped with the reason; graph and data checks still run', async () => {
  const dir = tempDir('diag-two-inputs');
  const model = join(dir, 'two.onnx');
  writeFileSync(model, buildModel({
    inputs: [{ name: 'a', shape: ['N', 10] }, { name: 'b', shape: ['N', 10] }],
    outputs: [{ name: 'y', shape: ['N', 10] }],
    nodes: [{ op: 'Add', inputs: ['a', 'b'], outputs: ['y'] }],
  }));
  const r = await diagnose({ model, data: CLEAN });
  everyCheckOnce(r);
  assert.match(get(r, 'ML-M001').message, /has 2 inputs/);
  for (const code of ['ML-M004', 'ML-M005', 'ML-M006', 'ML-M007', 'ML-M008', 'ML-M009', 'ML-M011', 'ML-D009', 'ML-D010']) {
    const f = get(r, code);
    assert.equal(f.severity, 'skipped', code);
    assert.match(f.message, /2 inputs/, code);
  }
  assert.equal(get(r, 'ML-M010').severity, 'info', 'static shapes still checked');
  for (const code of ['ML-D001', 'ML-D002', 'ML-D003', 'ML-D004', 'ML-D005', 'ML-D006', 'ML-D007']) assert.equal(get(r, code).severity, 'info', code);
});

/** x (N,4) -> logits (N,3) = x W + relu(x - 100) W2: the ReLU layer is dead on every input. */
function vectorModel(dir: string): string {
  const path = join(dir, 'vec.onnx');
  const W = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5, 0.5, 0.5];
  writeFileSync(path, buildModel({
    inputs: [{ name: 'x', shape: ['N', 4] }],
    outputs: [{ name: 'logits', shape: ['N', 3] }],
    initializers: [
      { name: 'W', dims: [4, 3], values: W },
      { name: 'W2', dims: [4, 3], values: W },
      { name: 'shift', dims: [4], values: [-100, -100, -100, -100] },
    ],
    nodes: [
      { op: 'MatMul', inputs: ['x', 'W'], outputs: ['lin'] },
      { op: 'Add', inputs: ['x', 'shift'], outputs: ['shifted'] },
      { op: 'Relu', inputs: ['shifted'], outputs: ['dead'] },
      { op: 'MatMul', inputs: ['dead', 'W2'], outputs: ['extra'] },
      { op: 'Add', inputs: ['lin', 'extra'], outputs: ['logits'] },
    ],
    metadata: { classes: JSON.stringify(['a', 'b', 'c']) },
  }));
  return path;
}

function vectorData(dir: string, n = 60): string {
  const xs: number[] = [];
  const ys: number[] = [];
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  for (let i = 0; i < n; i++) {
    const x = [rnd(), rnd(), rnd(), rnd()];
    const s = [x[0] + 0.5 * x[3], x[1] + 0.5 * x[3], x[2] + 0.5 * x[3]];
    xs.push(...x);
    ys.push(s.indexOf(Math.max(...s)));
  }
  writeNpy(join(dir, 'x.npy'), '<f4', [n, 4], f32(xs));
  writeNpy(join(dir, 'y.npy'), '<i8', [n], i64(ys));
  return join(dir, 'x.npy');
}

test('vectors, one split: near duplicates, leakage, the sweep and the breakdown are skipped with reasons; a dead ReLU layer is found', async () => {
  const dir = tempDir('diag-vectors');
  const r = await diagnose({ model: vectorModel(dir), data: vectorData(dir) });
  everyCheckOnce(r);
  assert.match(get(r, 'ML-D002').message, /vectors, not images/);
  assert.match(get(r, 'ML-D003').message, /one split/);
  assert.match(get(r, 'ML-M007').message, /float arrays/);
  assert.match(get(r, 'ML-M011').message, /2 or more splits/);
  for (const code of ['ML-D002', 'ML-D003', 'ML-M007', 'ML-M011']) assert.equal(get(r, code).severity, 'skipped', code);
  const act = get(r, 'ML-M009');
  assert.equal(act.severity, 'warning');
  const layer = (act.details as { layers: { opType: string; units: number; deadUnits: number; inactiveShare: number; histogram: { counts: number[] } }[] }).layers[0];
  assert.deepEqual([layer.opType, layer.units, layer.deadUnits, layer.inactiveShare], ['Relu', 4, 4, 1]);
  assert.equal(layer.histogram.counts.reduce((a, b) => a + b, 0), 60 * 4);
  // The model is right on every example (its labels were made with the same weights).
  assert.equal((get(r, 'ML-M006').details as { accuracy: number }).accuracy, 1);
  // The bias-like broadcast of a constant (N,4) + (4,) is no hazard.
  assert.equal(get(r, 'ML-M010').severity, 'info');
});

test('a model that cannot take the data: every model check that runs it says why; the data checks are unaffected', async () => {
  const dir = tempDir('diag-mismatch');
  const r = await diagnose({ model: vectorModel(dir), data: CLEAN });
  everyCheckOnce(r);
  for (const code of ['ML-M004', 'ML-M005', 'ML-M006', 'ML-M007', 'ML-M008', 'ML-M009', 'ML-D009', 'ML-D010']) {
    const f = get(r, code);
    assert.equal(f.severity, 'skipped', code);
    assert.match(f.message, /match none of the model's classes \(a, b, c\)/, `${code}: ${f.message}`);
  }
  for (const code of ['ML-D001', 'ML-D002', 'ML-D003', 'ML-D004', 'ML-D005', 'ML-D006', 'ML-D007']) assert.equal(get(r, code).severity, 'info', code);
});

test('an RGB model fed grey images: the sweep tries reversed channels too and finds the ImageNet scaling it was trained with', async () => {
  // rgb32.onnx (make_fixtures.py) expects ImageNet-normalised RGB; it is fed [0,1] here.
  const r = await diagnose({ model: 'test/fixtures/models/rgb32.onnx', data: 'test/fixtures/data/images', scale: 'unit' });
  const f = get(r, 'ML-M007');
  assert.equal(f.severity, 'warning');
  const results = (f.details as { results: { name: string; accuracy: number; channelsReversed: boolean }[] }).results;
  assert.deepEqual(results.map((x) => x.name), ['unit', 'symmetric', 'imagenet', 'raw', 'standardized', 'unit+BGR', 'symmetric+BGR', 'imagenet+BGR', 'raw+BGR', 'standardized+BGR']);
  const best = results.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  assert.equal(best.name, 'imagenet');
  assert.ok(best.accuracy > 0.8 && results[0].accuracy < 0.3, `imagenet ${best.accuracy}, unit ${results[0].accuracy}`);
  assert.match(f.advice, /--scale imagenet/);
});

test('a child process that dies part-way: the findings it sent are kept and the other checks say they were not run', async () => {
  let killed = false;
  const handle = startDiagnostics(
    { model: 'test/fixtures/diagnostics/models/clean.onnx', data: CLEAN, executionProviders: ['cpu'] },
    {
      onFinding: (f) => {
        if (f.code === 'ML-M001' && !killed) {
          killed = true;
          process.kill(handle.pid!, 'SIGKILL');
        }
      },
    },
  );
  const r = await handle.done;
  assert.equal(get(r, 'ML-M001').severity, 'info');
  assert.equal(r.findings.length, CHECKS.length);
  const rest = r.findings.filter((f) => f.code !== 'ML-M001');
  assert.ok(rest.every((f) => f.severity === 'skipped' && /Not run: the diagnostics process was killed \(SIGKILL\)/.test(f.message)), rest.map((f) => f.message).join('\n'));
});

test('cancel ends the child and rejects with a cancelled error', async () => {
  const handle = startDiagnostics({ model: 'test/fixtures/diagnostics/models/clean.onnx', data: CLEAN, executionProviders: ['cpu'] });
  handle.cancel();
  await assert.rejects(handle.done, /cancelled/);
});
