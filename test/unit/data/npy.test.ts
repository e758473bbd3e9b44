import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { labelCandidates, openNpyPair, parseNpyHeader } from '../../../src/core/data/npy';
import { openNpz } from '../../../src/core/data/npz';
import type { Sample } from '../../../src/core/data/types';
import { collect, expected, FIX, rejectsUserError } from './helpers';

const NPY = join(FIX, 'npy');
const NPZ = join(FIX, 'npz');
const values = (d: ArrayLike<number | bigint>) => Array.from(d as ArrayLike<number>, Number);

function assertImages(samples: Sample[], name: string, hwc: [number, number, number], type: 'Uint8Array' | 'Float32Array') {
  const exp = expected.npy[name];
  assert.deepEqual(samples.map((s) => s.label), exp.labels);
  samples.forEach((s, i) => {
    assert.equal(s.index, i);
    assert.equal(s.source, `x[${i}]`);
    assert.ok(s.image, `example ${i} should be an image`);
    assert.deepEqual([s.image.height, s.image.width, s.image.channels], hwc);
    assert.equal(s.image.data.constructor.name, type);
    assert.deepEqual(Array.from(s.image.data), exp.examples[i], `pixels of example ${i}`);
  });
}

describe('.npy pairs: pixels and labels as numpy wrote them', () => {
  const imageCases: [string, [number, number, number], 'Uint8Array' | 'Float32Array'][] = [
    ['u8', [4, 5, 1], 'Uint8Array'],
    ['f32-nhwc', [4, 5, 3], 'Float32Array'],
    ['f64-nchw', [4, 5, 3], 'Float32Array'],
    ['c1-nchw', [4, 5, 1], 'Float32Array'],
    ['u8-rgba', [4, 5, 4], 'Uint8Array'],
    ['v2', [4, 5, 1], 'Uint8Array'],
    ['v3', [4, 5, 1], 'Uint8Array'],
  ];
  for (const [name, hwc, type] of imageCases) {
    test(`${name}: ${expected.npy[name].note}`, async () => {
      const ds = await openNpyPair(join(NPY, name, 'x.npy'));
      assert.equal(ds.kind, 'npy');
      assert.equal(ds.size, expected.npy[name].shape![0]);
      assertImages(await collect(ds), name, hwc, type);
    });
  }

  test('int64 images: values in 0..255 become uint8; an example with 300 gets an error and iteration goes on', async () => {
    const samples = await collect(await openNpyPair(join(NPY, 'i64-img', 'x.npy')));
    const exp = expected.npy['i64-img'];
    assert.equal(samples.length, 3);
    assert.match(samples[1].error ?? '', /^x\[1\]: int64 pixel value 300 is outside 0\.\.255/);
    assert.equal(samples[1].image, undefined);
    for (const i of [0, 2]) {
      assert.ok(samples[i].image!.data instanceof Uint8Array);
      assert.deepEqual(Array.from(samples[i].image!.data), exp.examples[i]);
    }
  });

  const tensorCases: [string, number[], string][] = [
    ['tensor-f32', [7], 'Float32Array'],
    ['tensor-i64', [2, 5, 6], 'BigInt64Array'],
    ['tensor-f64', [2, 2, 2, 2], 'Float64Array'],
  ];
  for (const [name, shape, type] of tensorCases) {
    test(`${name}: ${expected.npy[name].note}`, async () => {
      const samples = await collect(await openNpyPair(join(NPY, name, 'x.npy')));
      const exp = expected.npy[name];
      assert.deepEqual(samples.map((s) => s.label), exp.labels);
      samples.forEach((s, i) => {
        assert.equal(s.image, undefined);
        assert.deepEqual(s.tensor!.shape, shape);
        assert.equal(s.tensor!.data.constructor.name, type);
        assert.deepEqual(values(s.tensor!.data), exp.examples[i]);
      });
    });
  }

  test('unicode labels come out as strings', async () => {
    const samples = await collect(await openNpyPair(join(NPY, 'str-labels', 'x.npy')));
    assert.deepEqual(samples.map((s) => s.label), ['cat', 'dog', 'bird']);
  });

  test('label file naming: x_train <-> y_train, test_x <-> test_y, explicit labelsKey', async () => {
    const names = join(NPY, 'names');
    assert.deepEqual((await collect(await openNpyPair(join(names, 'x_train.npy')))).map((s) => s.label), [2, 0, 1]);
    assert.deepEqual((await collect(await openNpyPair(join(names, 'test_x.npy')))).map((s) => s.label), [5, 6]);
    const viaKey = await collect(await openNpyPair(join(names, 'images.npy'), { labelsKey: 'labels' }));
    assert.deepEqual(viaKey.map((s) => [s.label, s.source]), [[9, 'images[0]']]);
    assert.deepEqual(labelCandidates('/d/x.npy').map((p) => p.replace('/d/', '')), ['y.npy']);
    assert.deepEqual(labelCandidates('/d/xf.npy').map((p) => p.replace('/d/', '')), ['yf.npy']);
    assert.deepEqual(labelCandidates('/d/feat.npy', { inputsKey: 'feat', labelsKey: 'cls' }).map((p) => p.replace('/d/', '')), ['cls.npy']);
  });

  const xf = join(FIX, '../data/arrays/xf.npy');
  test('the shared arrays fixture: xf.npy (N,1,28,28) pairs with yf.npy by name', { skip: !existsSync(xf) && 'test/fixtures/data not generated' }, async () => {
    const ds = await openNpyPair(xf);
    assert.equal(ds.size, 100);
    const s = await collect(ds, 1);
    assert.deepEqual([s[0].image!.height, s[0].image!.width, s[0].image!.channels], [28, 28, 1]);
  });
});

describe('.npy: bad inputs give one-line errors naming the file and value', () => {
  const open = (name: string) => openNpyPair(join(NPY, name, 'x.npy'));
  test('object array', () => rejectsUserError(open('object'), ['x.npy: object (pickle) arrays are not supported; save a numeric array']));
  test('inputs and labels of different lengths', () => rejectsUserError(open('mismatch'), ['x.npy has 3 examples but y.npy has 4 labels']));
  test('Fortran order', () => rejectsUserError(open('fortran'), ['x.npy: array is in Fortran (column-major) order']));
  test('big-endian', () => rejectsUserError(open('bigendian'), ["x.npy: big-endian dtype '>f4' is not supported"]));
  test('float labels', () => rejectsUserError(open('float-labels'), ['y.npy: labels are float32; expected integer class indices']));
  test('one-hot labels', () => rejectsUserError(open('onehot'), ['y.npy: labels have shape (3, 3); expected (N,) class indices', 'argmax']));
  test('structured array', () => rejectsUserError(open('structured'), ['x.npy: structured (record) arrays are not supported']));
  test('truncated file', () => rejectsUserError(open('truncated'), ['x.npy: file is truncated', '(3, 4, 5)', '181']));
  test('labels file missing: names what was looked for', () => rejectsUserError(open('no-labels'), ['x.npy: its labels file was not found; looked for y.npy in', 'no-labels'], 'not-found'));
  test('no examples', () => rejectsUserError(open('empty'), ['x.npy has no examples (shape (0, 4, 5))'], 'empty-dataset'));
  test('not an .npy file', () => {
    assert.throws(() => parseNpyHeader(Buffer.from('PK\x03\x04 not npy'), 'q.npy'), /q\.npy: not a NumPy \.npy file/);
  });
});

describe('.npz', () => {
  test('np.savez with keys x, y', async () => {
    const ds = await openNpz(join(NPZ, 'data.npz'));
    assert.equal(ds.kind, 'npz');
    assert.equal(ds.size, 4);
    const samples = await collect(ds);
    assert.deepEqual(samples.map((s) => s.label), expected.npz.data.labels);
    samples.forEach((s, i) => {
      assert.deepEqual([s.image!.height, s.image!.width, s.image!.channels], [3, 5, 1]);
      assert.deepEqual(Array.from(s.image!.data), expected.npz.data.examples[i]);
    });
  });

  test('np.savez_compressed with other keys (inputsKey / labelsKey)', async () => {
    const samples = await collect(await openNpz(join(NPZ, 'compressed.npz'), { inputsKey: 'images', labelsKey: 'labels' }));
    assert.deepEqual(samples.map((s) => s.label), expected.npz.compressed.labels);
    samples.forEach((s, i) => {
      assert.equal(s.source, `images[${i}]`);
      assert.deepEqual(s.tensor!.shape, [6]);
      assert.deepEqual(Array.from(s.tensor!.data as Float32Array), expected.npz.compressed.examples[i]);
    });
  });

  test('missing key: lists the arrays in the file', () =>
    rejectsUserError(openNpz(join(NPZ, 'positional.npz')), ["positional.npz: has no array 'x' (arrays in the file: arr_0, arr_1)"]));
  test('length mismatch', () => rejectsUserError(openNpz(join(NPZ, 'mismatch.npz')), ['mismatch.npz:x has 4 examples but mismatch.npz:y has 3 labels']));
  test('object array', () => rejectsUserError(openNpz(join(NPZ, 'object.npz')), ['object.npz:x: object (pickle) arrays are not supported']));
  test('not a zip', () => rejectsUserError(openNpz(join(NPZ, 'not-a-zip.npz')), ['not-a-zip.npz: not a readable .npz (zip) archive']));
});
