/**
 * Every bad input ends in one clear error that names the file, row or value — or, for a
 * broken example, is counted and listed while the rest of the run completes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { inspect, type InspectOptions } from '../../../src/core/inspect';
import { UserError } from '../../../src/core/errors';
import { startInference } from '../../../src/core/model/runner';
import { buildModel, INT64 } from '../../helpers/onnxBuilder';
import { f32, i64, tempDir, writeNpy } from '../../helpers/files';

const MODEL = 'test/fixtures/models/fmnist-cnn.onnx';
const run = (o: Partial<InspectOptions> & { data: string }) => inspect({ model: MODEL, saveConfig: false, executionProviders: ['cpu'], ...o });

async function rejectsClearly(p: Promise<unknown>, pattern: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof UserError, `expected a UserError, got ${String(e)}`);
    assert.match(e.message, pattern);
    assert.doesNotMatch(e.message, /\n/, 'one line');
    return true;
  });
}

test('a model whose input is not a float image or vector is refused, naming the input', async () => {
  const dir = tempDir('int-model');
  const path = join(dir, 'ids.onnx');
  writeFileSync(path, buildModel({
    inputs: [{ name: 'ids', elemType: INT64, shape: ['N', 10] }],
    outputs: [{ name: 'out', elemType: INT64, shape: ['N', 10] }],
    nodes: [{ op: 'Identity', inputs: ['ids'], outputs: ['out'] }],
  }));
  await rejectsClearly(inspect({ model: path, data: 'test/fixtures/data/idx-raw', saveConfig: false }), /model input 'ids' has type INT64/);
});

test('a vector model fed images of another size says both sizes', async () => {
  const dir = tempDir('vec-model');
  const path = join(dir, 'vec.onnx');
  writeFileSync(path, buildModel({
    inputs: [{ name: 'x', shape: ['N', 10] }],
    outputs: [{ name: 'y', shape: ['N', 10] }],
    nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
  }));
  await rejectsClearly(inspect({ model: path, data: 'test/fixtures/data/idx-raw', saveConfig: false, labels: 'media/sample/classes.txt' }), /has 784 values but the model expects 10/);
});

test('truncated, random-bytes and non-ONNX model files are refused by name (CLI: exit 1, one line)', async () => {
  const dir = tempDir('bad-model');
  const bytes = readFileSync(MODEL);
  const truncated = join(dir, 'truncated.onnx');
  writeFileSync(truncated, bytes.subarray(0, 5000));
  await rejectsClearly(run({ model: truncated, data: 'test/fixtures/data/idx-raw' } as InspectOptions), /truncated\.onnx: not a valid ONNX model/);
  const notOnnx = join(dir, 'notes.onnx');
  writeFileSync(notOnnx, 'this is a text file\n');
  const cli = spawnSync(process.execPath, ['bin/mistake-lens.js', 'inspect', notOnnx, '--data', 'test/fixtures/data/idx-raw'], { encoding: 'utf8' });
  assert.equal(cli.status, 1);
  assert.match(cli.stderr, /^mistake-lens: error: .*notes\.onnx: not a valid ONNX model.*\n$/);
  assert.equal(cli.stderr.trim().split('\n').length, 1);
});

test('a label that is not a known class names the label and the file', async () => {
  const dir = tempDir('manifest-label');
  cpSync('test/fixtures/data/images', join(dir, 'images'), { recursive: true });
  const csv = readFileSync('test/fixtures/data/manifest.csv', 'utf8').split('\n');
  csv[3] = csv[3].replace(/,([^,]+),(train|test)$/, ',Sandle,$2');
  writeFileSync(join(dir, 'm.csv'), csv.join('\n'));
  await rejectsClearly(run({ data: join(dir, 'm.csv') }), /label "Sandle" of images\/.*\.png is not one of the model's classes/);
});

test('a numeric label out of range names the value', async () => {
  const dir = tempDir('npy-range');
  writeNpy(join(dir, 'x.npy'), '<f4', [2, 1, 28, 28], f32(new Array(2 * 784).fill(0.5)));
  writeNpy(join(dir, 'y.npy'), '<i8', [2], i64([3, 12]));
  await rejectsClearly(run({ data: join(dir, 'x.npy') }), /label 12 of x\[1\] is out of range: the model has 10 classes/);
});

test('unreadable, zero-byte and truncated images are counted and listed; the rest of the run completes', async () => {
  const dir = tempDir('broken-images');
  const root = join(dir, 'images');
  cpSync('test/fixtures/data/images', root, { recursive: true });
  const good = readFileSync(join(root, 'Bag', readdirFirst(join(root, 'Bag'))));
  writeFileSync(join(root, 'Bag', 'zero.png'), new Uint8Array(0));
  writeFileSync(join(root, 'Coat', 'truncated.png'), good.subarray(0, Math.floor(good.length / 2)));
  symlinkSync(join(dir, 'missing.png'), join(root, 'Dress', 'dangling.png'));
  const r = await run({ data: root });
  assert.equal(r.numExamples, 300);
  assert.equal(r.numSkipped, 3);
  assert.deepEqual(r.skipped.map((s) => s.source).sort(), ['Bag/zero.png', 'Coat/truncated.png', 'Dress/dangling.png']);
  for (const s of r.skipped) assert.ok(s.reason.length > 0);
});

function readdirFirst(dir: string): string {
  return readdirSync(dir).sort()[0];
}

test('an empty dataset is refused with its path', async () => {
  const dir = tempDir('empty');
  mkdirSync(join(dir, 'images', 'cat'), { recursive: true });
  await rejectsClearly(run({ data: join(dir, 'images') }), /images.*(no examples|empty|no .*images)/i);
});

test('inputs and labels of different lengths: both counts named', async () => {
  const dir = tempDir('npy-len');
  writeNpy(join(dir, 'x.npy'), '<f4', [3, 1, 28, 28], f32(new Array(3 * 784).fill(0.1)));
  writeNpy(join(dir, 'y.npy'), '<i8', [2], i64([1, 2]));
  await rejectsClearly(run({ data: join(dir, 'x.npy') }), /3.*2|2.*3/);
});

test('an .npy object array is refused', async () => {
  const dir = tempDir('npy-obj');
  writeNpy(join(dir, 'x.npy'), '|O', [2], new Uint8Array([0x80, 0x04, 0x2e]));
  writeNpy(join(dir, 'y.npy'), '<i8', [2], i64([1, 2]));
  await rejectsClearly(run({ data: join(dir, 'x.npy') }), /x\.npy: object \(pickle\) arrays are not supported/);
});

test('an IDX file with a wrong magic number or a wrong length is refused', async () => {
  const dir = tempDir('idx-bad');
  copyFileSync('test/fixtures/data/idx-raw/labels-idx1-ubyte', join(dir, 'labels-idx1-ubyte'));
  const img = readFileSync('test/fixtures/data/idx-raw/images-idx3-ubyte');
  const wrong = Buffer.from(img);
  wrong.writeUInt32BE(0x801, 0);
  writeFileSync(join(dir, 'images-idx3-ubyte'), wrong);
  await rejectsClearly(run({ data: join(dir, 'images-idx3-ubyte') }), /images-idx3-ubyte: wrong magic number 0x00000801/);
  writeFileSync(join(dir, 'images-idx3-ubyte'), img.subarray(0, img.length - 100));
  await rejectsClearly(run({ data: join(dir, 'images-idx3-ubyte') }), /images-idx3-ubyte/);
});

test('a manifest path outside its folder is refused with the row', async () => {
  const dir = tempDir('manifest-escape');
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'm.csv'), 'path,label\n../secret.png,Bag\n');
  await rejectsClearly(run({ data: join(dir, 'data', 'm.csv') }), /\.\.\/secret\.png/);
});

test('NaN and Inf outputs are counted and reported, never ranked as confident', async () => {
  const dir = tempDir('nan');
  const model = join(dir, 'identity.onnx');
  writeFileSync(model, buildModel({
    inputs: [{ name: 'x', shape: ['N', 10] }],
    outputs: [{ name: 'y', shape: ['N', 10] }],
    nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
  }));
  const rows = [
    [5, 0, 0, 0, 0, 0, 0, 0, 0, 0], // confident, correct (label 0)
    [NaN, 9, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 9, 0, 0, 0, 0, 0, 0, 0], // confident, wrong (label 1)
    [Infinity, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  ];
  writeNpy(join(dir, 'x.npy'), '<f4', [4, 10], f32(rows.flat()));
  writeNpy(join(dir, 'y.npy'), '<i8', [4], i64([0, 1, 1, 2]));
  const r = await inspect({ model, data: join(dir, 'x.npy'), saveConfig: false, executionProviders: ['cpu'] });
  assert.equal(r.nonFinite.count, 2);
  assert.deepEqual(r.nonFinite.examples.map((e) => e.index), [1, 3]);
  assert.deepEqual(r.mistakes.map((m) => m.index), [2]);
  assert.equal(r.accuracy, 0.5);
});

test('the inference process dying gives an error, not a hang', async () => {
  const handle = startInference({ model: MODEL, data: 'media/sample/data', saveConfig: false, executionProviders: ['cpu'], batchSize: 1 }, {
    onProgress: () => {
      if (handle.pid) process.kill(handle.pid, 'SIGKILL');
    },
  });
  await assert.rejects(handle.done, (e: unknown) => e instanceof UserError && e.code === 'worker-died' && /killed \(SIGKILL\)/.test(e.message));
});

test('cancel stops the run at once', async () => {
  const controller = new AbortController();
  const started = Date.now();
  const p = inspect({ model: MODEL, data: 'media/sample/data', saveConfig: false, executionProviders: ['cpu'], batchSize: 1 }, {
    signal: controller.signal,
    onProgress: (pr) => {
      if (pr.done >= 10) controller.abort();
    },
  });
  await assert.rejects(p, (e: unknown) => e instanceof UserError && e.code === 'cancelled');
  assert.ok(Date.now() - started < 10_000);
});

test('an unknown execution provider falls back to the next and says why', async () => {
  const r = await run({ data: 'test/fixtures/data/idx-raw', executionProviders: ['cuda', 'cpu'], limit: 10 });
  assert.equal(r.executionProvider, 'cpu');
  assert.match(r.executionProviderNotes.join(' '), /^cuda: could not load/);
});

test('the chosen preprocessing is saved next to the data and reused', async () => {
  const dir = tempDir('config');
  cpSync('test/fixtures/data/idx-raw', join(dir, 'idx'), { recursive: true });
  await inspect({ model: MODEL, data: join(dir, 'idx'), executionProviders: ['cpu'], scale: 'symmetric', limit: 5 });
  const saved = JSON.parse(readFileSync(join(dir, 'idx', '.mistake-lens.json'), 'utf8'));
  assert.equal(saved.models['fmnist-cnn.onnx'].preprocess.scale, 'symmetric');
  const again = await inspect({ model: MODEL, data: join(dir, 'idx'), executionProviders: ['cpu'], limit: 5 });
  assert.equal(again.data.preprocess.scale, 'symmetric');
});
