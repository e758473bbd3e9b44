import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openDataset } from '../../../src/core/data/open';
import { collect, FIX, rejectsUserError, tempDir } from './helpers';

describe('openDataset picks the reader from the path', () => {
  const cases: [string, string, object?][] = [
    ['idx', 'idx/gz'],
    ['idx', 'idx/raw/tiny-images-idx3-ubyte'],
    ['idx', 'idx/gz/tiny-images-idx3-ubyte.gz'],
    ['npy', 'npy/u8/x.npy'],
    ['npy', 'npy/u8'],
    ['npy', 'npy/names', { inputsKey: 'x_train', labelsKey: 'y_train' }],
    ['npz', 'npz/data.npz'],
    ['npz', 'npz/compressed.npz', { inputsKey: 'images', labelsKey: 'labels' }],
  ];
  for (const [kind, rel, opts] of cases) {
    test(`${rel}${opts ? ` ${JSON.stringify(opts)}` : ''} -> ${kind}`, async () => {
      const ds = await openDataset(join(FIX, rel), opts);
      assert.equal(ds.kind, kind);
      assert.equal(ds.root, join(FIX, rel), 'root is the path the user gave');
      assert.ok((await collect(ds)).length > 0);
    });
  }

  test('class folders -> image-folder; .csv / .jsonl -> manifest (with split)', async () => {
    const { dir, cleanup } = tempDir('open');
    try {
      mkdirSync(join(dir, 'data', 'cat'), { recursive: true });
      copyFileSync(join(FIX, 'images', 'grey.png'), join(dir, 'data', 'cat', '1.png'));
      writeFileSync(join(dir, 'm.csv'), 'path,label,split\ndata/cat/1.png,cat,test\ndata/cat/1.png,cat,train\n');
      writeFileSync(join(dir, 'm.JSONL'), '{"path":"data/cat/1.png","label":0}\n');
      const folder = await openDataset(join(dir, 'data'));
      assert.equal(folder.kind, 'image-folder');
      assert.deepEqual(folder.classes, ['cat']);
      const csv = await openDataset(join(dir, 'm.csv'), { split: 'test' });
      assert.deepEqual([csv.kind, csv.size], ['manifest', 1]);
      assert.deepEqual((csv as unknown as { labelNames: string[] }).labelNames, ['cat']);
      assert.equal((await openDataset(join(dir, 'm.JSONL'))).kind, 'manifest');
    } finally {
      cleanup();
    }
  });

  test('missing path -> not-found', () => rejectsUserError(openDataset(join(FIX, 'no-such-thing')), [join(FIX, 'no-such-thing'), 'not found'], 'not-found'));

  test('empty folder -> empty-dataset naming the path and what was looked for', async () => {
    const { dir, cleanup } = tempDir('open-empty');
    try {
      await rejectsUserError(openDataset(dir), [dir, 'no class sub-folders with images', '.png .jpg'], 'empty-dataset');
    } finally {
      cleanup();
    }
  });

  test('empty arrays -> empty-dataset', () => rejectsUserError(openDataset(join(FIX, 'npy/empty/x.npy')), ['has no examples'], 'empty-dataset'));

  test('unrecognised file', () => rejectsUserError(openDataset(join(FIX, 'expected.json')), ['expected.json: unrecognised data file']));
});
