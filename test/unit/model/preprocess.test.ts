import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchDims, defaultPreprocess, inputLayout, scaleCoefficients, writeImage } from '../../../src/core/data/preprocess';
import type { PreprocessConfig } from '../../../src/core/protocol';

const grey = { width: 2, height: 1, channels: 1, data: new Uint8Array([0, 255]) };

test('defaults follow the model input: NCHW, NHWC, (N,H,W) and vectors', () => {
  const f = (shape: (number | string)[]) => defaultPreprocess(inputLayout({ name: 'x', elemType: 'FLOAT', shape }), { index: 0, source: 's', label: 0, image: grey });
  assert.deepEqual(f(['N', 1, 28, 28]), { layout: 'NCHW', channels: 1, height: 28, width: 28, scale: 'unit' });
  assert.deepEqual(f(['N', 32, 32, 3]), { layout: 'NHWC', channels: 3, height: 32, width: 32, scale: 'unit' });
  assert.deepEqual(f([1, 28, 28]), { layout: 'NHWC', channels: 1, height: 28, width: 28, scale: 'unit' });
  assert.deepEqual(f(['N', 784]), { layout: 'flat', channels: 1, height: 1, width: 784, scale: 'unit' });
  // dynamic H/W come from the data
  assert.deepEqual(f(['N', 3, 'h', 'w']), { layout: 'NCHW', channels: 3, height: 1, width: 2, scale: 'unit' });
});

test('a non-float or rank-1 input is refused with its name', () => {
  assert.throws(() => inputLayout({ name: 'ids', elemType: 'INT64', shape: ['N', 10] }), /'ids' has type INT64/);
  assert.throws(() => inputLayout({ name: 'v', elemType: 'FLOAT', shape: ['N'] }), /'v' has shape/);
});

test('scalings map 0 and 255 to the documented ranges', () => {
  const at = (cfg: Partial<PreprocessConfig>, v: number, c = 0) => {
    const { a, b } = scaleCoefficients({ layout: 'NCHW', channels: 3, height: 1, width: 1, scale: 'unit', ...cfg } as PreprocessConfig);
    return v * a[c] + b[c];
  };
  assert.ok(Math.abs(at({ scale: 'unit' }, 255) - 1) < 1e-6);
  assert.ok(Math.abs(at({ scale: 'symmetric' }, 0) + 1) < 1e-6);
  assert.ok(Math.abs(at({ scale: 'symmetric' }, 255) - 1) < 1e-6);
  assert.equal(at({ scale: 'raw' }, 255), 255);
  // ImageNet: (x/255 - mean)/std per channel; 0 on channel 2 -> -0.406/0.225
  assert.ok(Math.abs(at({ scale: 'imagenet' }, 0, 2) - -0.406 / 0.225) < 1e-6);
  assert.ok(Math.abs(at({ scale: 'custom', mean: [0.5], std: [0.25] }, 255, 1) - 2) < 1e-6);
});

test('grey to RGB replicates, NCHW puts channels in planes, NHWC interleaves', () => {
  const coef = { a: new Float32Array([1, 1, 1]), b: new Float32Array([0, 0, 0]) };
  const nchw = new Float32Array(6);
  writeImage(grey, { layout: 'NCHW', channels: 3, height: 1, width: 2, scale: 'raw' }, coef, nchw, 0);
  assert.deepEqual([...nchw], [0, 255, 0, 255, 0, 255]);
  const nhwc = new Float32Array(6);
  writeImage(grey, { layout: 'NHWC', channels: 3, height: 1, width: 2, scale: 'raw' }, coef, nhwc, 0);
  assert.deepEqual([...nhwc], [0, 0, 0, 255, 255, 255]);
  const rgb = { width: 1, height: 1, channels: 3, data: new Uint8Array([255, 0, 0]) };
  const out = new Float32Array(1);
  writeImage(rgb, { layout: 'NCHW', channels: 1, height: 1, width: 1, scale: 'raw' }, coef, out, 0);
  assert.ok(Math.abs(out[0] - 0.299 * 255) < 1e-4); // ITU-R 601 luma
});

test('batch dims keep the model rank', () => {
  const cfg: PreprocessConfig = { layout: 'NHWC', channels: 1, height: 28, width: 28, scale: 'unit' };
  assert.deepEqual(batchDims({ dims: [28, 28], batch: 'dynamic' }, cfg, 5), [5, 28, 28]);
  assert.deepEqual(batchDims({ dims: [28, 28, 1], batch: 'dynamic' }, cfg, 5), [5, 28, 28, 1]);
  assert.deepEqual(batchDims({ dims: ['d'], batch: 'dynamic' }, { ...cfg, layout: 'flat', width: 784 }, 2), [2, 784]);
});
