import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openIdx } from '../../../src/core/data/idx';
import { collect, expected, FIX, FMNIST, maxAbsDiff, rejectsUserError } from './helpers';

const IDX = join(FIX, 'idx');
const tiny = expected.idx.tiny;

async function assertTiny(path: string): Promise<void> {
  const ds = await openIdx(path);
  assert.equal(ds.kind, 'idx');
  assert.equal(ds.size, 5);
  assert.equal(ds.classes, undefined);
  const samples = await collect(ds);
  assert.deepEqual(samples.map((s) => s.index), [0, 1, 2, 3, 4]);
  assert.deepEqual(samples.map((s) => s.label), tiny.labels);
  samples.forEach((s, i) => {
    assert.deepEqual([s.image!.width, s.image!.height, s.image!.channels], [4, 3, 1]);
    assert.ok(s.image!.data instanceof Uint8Array);
    assert.deepEqual(Array.from(s.image!.data), tiny.examples[i], `example ${i}`);
    assert.match(s.source, new RegExp(`^[\\w-]+-images[-.]idx3-ubyte(\\.gz)?\\[${i}\\]$`));
  });
}

describe('IDX: reads pixels and labels written by numpy', () => {
  test('raw files, from the images file', () => assertTiny(join(IDX, 'raw', 'tiny-images-idx3-ubyte')));
  test('raw files, from the folder', () => assertTiny(join(IDX, 'raw')));
  test('gzipped files, from the images file', () => assertTiny(join(IDX, 'gz', 'tiny-images-idx3-ubyte.gz')));
  test('gzipped files, from the folder', () => assertTiny(join(IDX, 'gz')));
  test('gzipped images with raw labels beside them', () => assertTiny(join(IDX, 'mixed', 'tiny-images-idx3-ubyte.gz')));
  test("dotted names ('train-images.idx3-ubyte')", () => assertTiny(join(IDX, 'kaggle', 'train-images.idx3-ubyte')));
  test('gzip detected by content when the name has no .gz', () => assertTiny(join(IDX, 'renamed-gz')));
  test('samples() can be iterated twice', async () => {
    const ds = await openIdx(join(IDX, 'gz'));
    assert.equal((await collect(ds)).length, 5);
    assert.equal((await collect(ds)).length, 5);
  });
});

describe('IDX: Fashion-MNIST from /usr/share/datasets against numpy', () => {
  const have = existsSync(join(FMNIST, 't10k-images-idx3-ubyte.gz')) && existsSync(join(FIX, 'fashion-mnist-samples.json'));
  const want = have ? JSON.parse(readFileSync(join(FIX, 'fashion-mnist-samples.json'), 'utf8')) : undefined;
  for (const split of ['t10k', 'train']) {
    test(`${split}: count, and pixels+label at known indices`, { skip: !have && 'dataset-fashion-mnist is not installed (scripts/system-deps.sh)' }, async () => {
      const ds = await openIdx(join(FMNIST, `${split}-images-idx3-ubyte.gz`));
      assert.equal(ds.size, want[split].count);
      const wanted = new Map<number, { label: number; pixels: number[] }>(Object.entries(want[split].examples).map(([k, v]) => [Number(k), v as { label: number; pixels: number[] }]));
      let n = 0;
      for await (const s of ds.samples()) {
        assert.equal(s.index, n++);
        const w = wanted.get(s.index);
        if (w) {
          assert.equal(s.label, w.label, `label of ${s.index}`);
          assert.equal(maxAbsDiff(s.image!.data, w.pixels), 0, `pixels of ${s.index}`);
        }
      }
      assert.equal(n, want[split].count);
    });
  }
});

describe('IDX: bad inputs give one-line errors naming the file and value', () => {
  test('wrong magic number', () =>
    rejectsUserError(openIdx(join(IDX, 'wrong-magic', 't10k-images-idx3-ubyte.gz')), [
      't10k-images-idx3-ubyte.gz: wrong magic number 0x00000801 (expected 0x00000803 for IDX images)',
    ]));

  test('raw images file shorter than its header says', () =>
    rejectsUserError(openIdx(join(IDX, 'truncated-raw')), ['tiny-images-idx3-ubyte: file is 66 bytes but its header (5 images, 5x3x4) needs 76; the file is truncated']));

  test('raw images file longer than its header says', () =>
    rejectsUserError(openIdx(join(IDX, 'extra-raw')), ['tiny-images-idx3-ubyte: file is 79 bytes', 'it has 3 extra bytes']));

  test('cut-off gzip download: error while iterating', async () => {
    const ds = await openIdx(join(IDX, 'truncated-gz'));
    await rejectsUserError(collect(ds), [/^tiny-images-idx3-ubyte\.gz: /, /truncated/]);
  });

  test('complete gzip holding fewer images than the header says', async () => {
    const ds = await openIdx(join(IDX, 'short-gz'));
    await rejectsUserError(collect(ds), ['tiny-images-idx3-ubyte.gz: data ends after 4 of 5 images (header says 5); the file is truncated']);
  });

  test('image and label counts differ', () =>
    rejectsUserError(openIdx(join(IDX, 'count')), ['tiny-images-idx3-ubyte has 5 images but tiny-labels-idx1-ubyte has 4 labels']));

  test('labels file not beside the images file: names what was looked for', () =>
    rejectsUserError(
      openIdx(join(IDX, 'no-labels', 'tiny-images-idx3-ubyte.gz')),
      ['tiny-images-idx3-ubyte.gz: its labels file was not found; looked for tiny-labels-idx1-ubyte.gz or tiny-labels-idx1-ubyte in', 'no-labels'],
      'not-found',
    ));

  test('a folder with two images files', () =>
    rejectsUserError(openIdx(join(IDX, 'two-pairs')), ['expected exactly one idx3 images file and one idx1 labels file', 'a-images-idx3-ubyte, b-images-idx3-ubyte']));

  test('pointing at the labels file', () =>
    rejectsUserError(openIdx(join(IDX, 'raw', 'tiny-labels-idx1-ubyte')), ['tiny-labels-idx1-ubyte: this is an IDX labels file; point --data at the images file']));
});
