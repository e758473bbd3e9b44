import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openImageFolder } from '../../../src/core/data/imageFolder';
import { collect, expected, FIX, rejectsUserError, tempDir } from './helpers';

const img = (name: string) => join(FIX, 'images', name);

describe('image folder', () => {
  test('classes sorted, files sorted per class, extensions any case, other files ignored', async () => {
    const { dir, cleanup } = tempDir('folder');
    try {
      for (const c of ['dog', 'Cat', 'bird', 'empty', '.ipynb_checkpoints']) mkdirSync(join(dir, c));
      copyFileSync(img('rgb.png'), join(dir, 'dog', 'b.PNG'));
      copyFileSync(img('rgb.jpg'), join(dir, 'dog', 'a.jpeg'));
      copyFileSync(img('grey.bmp'), join(dir, 'Cat', 'z.Bmp'));
      copyFileSync(img('rgb.webp'), join(dir, 'bird', '10.webp'));
      copyFileSync(img('grey.png'), join(dir, 'bird', '9.png'));
      copyFileSync(img('grey.png'), join(dir, '.ipynb_checkpoints', 'x.png'));
      copyFileSync(img('grey.png'), join(dir, 'dog', '._b.png')); // macOS resource fork
      copyFileSync(img('grey.png'), join(dir, 'loose.png')); // not in a class folder
      writeFileSync(join(dir, 'dog', 'notes.txt'), 'not an image');
      mkdirSync(join(dir, 'dog', 'nested'));
      copyFileSync(img('grey.png'), join(dir, 'dog', 'nested', 'deep.png'));

      const ds = await openImageFolder(dir);
      assert.equal(ds.kind, 'image-folder');
      assert.equal(ds.root, dir);
      // Default JS sort: upper case first, like Python's sorted().
      assert.deepEqual(ds.classes, ['Cat', 'bird', 'dog', 'empty']);
      assert.equal(ds.size, 5);
      const samples = await collect(ds);
      assert.deepEqual(
        samples.map((s) => [s.index, s.source, s.label]),
        [[0, 'Cat/z.Bmp', 0], [1, 'bird/10.webp', 1], [2, 'bird/9.png', 1], [3, 'dog/a.jpeg', 2], [4, 'dog/b.PNG', 2]],
      );
      assert.ok(samples.every((s) => s.image && !s.error));
      assert.deepEqual(Array.from(samples[2].image!.data), expected.images['grey.png'].pixels);
      assert.deepEqual(Array.from(samples[4].image!.data), expected.images['rgb.png'].pixels);
    } finally {
      cleanup();
    }
  });

  test('unreadable, zero-byte and truncated files become error samples; iteration goes on', async () => {
    const { dir, cleanup } = tempDir('folder-bad');
    try {
      mkdirSync(join(dir, 'a'));
      const png = readFileSync(img('rgb.png'));
      copyFileSync(img('rgb.png'), join(dir, 'a', '1-good.png'));
      writeFileSync(join(dir, 'a', '2-empty.png'), '');
      writeFileSync(join(dir, 'a', '3-truncated.png'), png.subarray(0, 60));
      mkdirSync(join(dir, 'a', '4-dir.jpg'));
      symlinkSync(join(dir, 'a', 'gone.png'), join(dir, 'a', '5-dangling.png'));
      copyFileSync(img('grey.jpg'), join(dir, 'a', '6-good.jpg'));
      const samples = await collect(await openImageFolder(dir));
      assert.deepEqual(samples.map((s) => s.source), ['a/1-good.png', 'a/2-empty.png', 'a/3-truncated.png', 'a/4-dir.jpg', 'a/5-dangling.png', 'a/6-good.jpg']);
      assert.ok(samples[0].image && samples[5].image);
      assert.equal(samples[1].error, 'a/2-empty.png: empty file (0 bytes)');
      assert.match(samples[2].error!, /^a\/3-truncated\.png: cannot decode PNG .*truncated or corrupt$/);
      assert.equal(samples[3].error, 'a/4-dir.jpg: is a directory, not an image file');
      assert.match(samples[4].error!, /^a\/5-dangling\.png: broken symbolic link/);
      for (const s of samples.slice(1, 5)) assert.equal(s.image, undefined);
    } finally {
      cleanup();
    }
  });

  test('decoding is lazy: files changed after open are read as they are during iteration', async () => {
    const { dir, cleanup } = tempDir('folder-lazy');
    try {
      mkdirSync(join(dir, 'a'));
      copyFileSync(img('rgb.png'), join(dir, 'a', 'x.png'));
      const ds = await openImageFolder(dir);
      writeFileSync(join(dir, 'a', 'x.png'), '');
      const [s] = await collect(ds);
      assert.match(s.error!, /empty file/);
    } finally {
      cleanup();
    }
  });

  test('no images: empty-dataset naming the folder and what was looked for', async () => {
    const { dir, cleanup } = tempDir('folder-empty');
    try {
      await rejectsUserError(openImageFolder(dir), [dir, 'no class sub-folders with images', '.png .jpg .jpeg .bmp .webp'], 'empty-dataset');
      copyFileSync(img('grey.png'), join(dir, 'loose.png'));
      await rejectsUserError(openImageFolder(dir), ['found 1 images directly in the folder'], 'empty-dataset');
      mkdirSync(join(dir, 'cats'));
      await rejectsUserError(openImageFolder(dir), ['no images found in its 1 class folders (cats)'], 'empty-dataset');
    } finally {
      cleanup();
    }
  });
});
