import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import sharp from 'sharp';
import { decodeEntries, decodeImage, decodeSimplePng, loadImage, sniffImageFormat, type ImageEntry } from '../../../src/core/data/decode';
import { parseNpyHeader } from '../../../src/core/data/npy';
import { expected, FIX, maxAbsDiff, SHARED, tempDir } from './helpers';

describe('decodeImage: pixels match Pillow', () => {
  for (const [name, exp] of Object.entries(expected.images)) {
    test(`${name} (${exp.note || `${exp.channels} channel(s)`})`, async () => {
      const img = await decodeImage(readFileSync(join(FIX, 'images', name)));
      assert.deepEqual([img.width, img.height, img.channels], [exp.width, exp.height, exp.channels]);
      assert.ok(img.data instanceof Uint8Array);
      const diff = maxAbsDiff(img.data, exp.pixels);
      assert.ok(diff <= exp.tolerance, `max |diff| ${diff} > ${exp.tolerance}`);
    });
  }

  test('the PNG fast path agrees with sharp on every 8-bit PNG fixture', async () => {
    for (const name of Object.keys(expected.images).filter((n) => n.endsWith('.png'))) {
      const buf = readFileSync(join(FIX, 'images', name));
      const fast = decodeSimplePng(buf);
      if (name === 'palette.png' || name === 'grey16.png') {
        assert.equal(fast, undefined, `${name} should be left to sharp`);
        continue;
      }
      assert.ok(fast, `${name} should take the fast path`);
      const meta = await sharp(buf).metadata();
      const { data } = await sharp(buf).toColourspace(meta.space === 'b-w' ? 'b-w' : 'srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
      assert.equal(maxAbsDiff(fast.data, data), 0, name);
    }
  });

  test('interlaced PNG (sharp path) decodes exactly', async () => {
    const px = Buffer.from(expected.images['rgb.png'].pixels);
    const png = await sharp(px, { raw: { width: 13, height: 11, channels: 3 } }).png({ progressive: true }).toBuffer();
    assert.equal(png[28], 1, 'fixture should be interlaced');
    assert.equal(decodeSimplePng(png), undefined);
    const img = await decodeImage(png);
    assert.deepEqual([img.width, img.height, img.channels], [13, 11, 3]);
    assert.equal(maxAbsDiff(img.data, px), 0);
  });

  test('format is sniffed from content, not the extension', () => {
    const f = (n: string) => sniffImageFormat(readFileSync(join(FIX, 'images', n)));
    assert.deepEqual(['grey.png', 'rgb.jpg', 'rgb.webp', 'rgb.bmp'].map(f), ['png', 'jpeg', 'webp', 'bmp']);
    assert.equal(sniffImageFormat(Buffer.from('hello')), undefined);
  });
});

describe('decodeImage: the shared formats/ fixture against pixels.npy', () => {
  const root = join(SHARED, 'formats');
  const ready = existsSync(join(root, 'pixels.npy'));
  const files: Record<string, { path: string; pixelIndex: number }[]> | undefined = ready
    ? JSON.parse(readFileSync(join(SHARED, '..', 'expected.json'), 'utf8')).formats?.files
    : undefined;
  const raw = ready ? readFileSync(join(root, 'pixels.npy')) : undefined;
  const header = raw ? parseNpyHeader(raw, 'pixels.npy') : undefined;
  const pixels = (i: number) => raw!.subarray(header!.dataOffset + i * 784, header!.dataOffset + (i + 1) * 784);

  const cases: [string, number, number][] = [['png', 1, 0], ['rgb-png', 3, 0], ['bmp', 1, 0], ['webp', 3, 0], ['jpg', 1, 10]];
  for (const [fmt, channels, tol] of cases) {
    test(`${fmt}: ${tol ? `within ${tol}` : 'exact'}`, { skip: !files && 'test/fixtures/data/formats not generated yet' }, async () => {
      assert.deepEqual(header!.shape, [12, 28, 28]);
      for (const f of files![fmt]) {
        const img = await decodeImage(readFileSync(join(root, f.path)));
        assert.deepEqual([img.width, img.height, img.channels], [28, 28, channels], f.path);
        const grey = channels === 1 ? img.data : img.data.filter((_, i) => i % 3 === 0);
        if (channels === 3) for (let i = 0; i < 784; i++) assert.ok(img.data[3 * i] === img.data[3 * i + 1] && img.data[3 * i + 1] === img.data[3 * i + 2], `${f.path}: R=G=B`);
        const diff = maxAbsDiff(grey, pixels(f.pixelIndex));
        assert.ok(diff <= tol, `${f.path}: max |diff| ${diff} > ${tol}`);
      }
    });
  }
});

describe('loadImage: unreadable files become errors naming the file', () => {
  const { dir, cleanup } = tempDir('decode');
  after(cleanup);
  const good = readFileSync(join(FIX, 'images', 'rgb.png'));
  const write = (name: string, data: Uint8Array | string) => {
    writeFileSync(join(dir, name), data);
    return join(dir, name);
  };

  const cases: [string, () => string, RegExp][] = [
    ['zero-byte file', () => write('empty.png', ''), /^cls\/x\.png: empty file \(0 bytes\)$/],
    ['truncated PNG', () => write('cut.png', good.subarray(0, Math.floor(good.length / 2))), /^cls\/x\.png: cannot decode PNG \(.+\); the file may be truncated or corrupt$/],
    ['truncated JPEG', () => write('cut.jpg', readFileSync(join(FIX, 'images', 'rgb.jpg')).subarray(0, 300)), /^cls\/x\.png: cannot decode JPEG/],
    ['truncated WebP', () => write('cut.webp', readFileSync(join(FIX, 'images', 'rgb.webp')).subarray(0, 60)), /^cls\/x\.png: cannot decode WebP/],
    ['truncated BMP', () => write('cut.bmp', readFileSync(join(FIX, 'images', 'rgb.bmp')).subarray(0, 200)), /^cls\/x\.png: cannot decode BMP/],
    ['not an image', () => write('text.png', 'hello, I am text'), /^cls\/x\.png: not a PNG, JPEG, WebP or BMP image \(starts with bytes 68 65 6c 6c\)$/],
    ['a directory named like an image', () => (mkdirSync(join(dir, 'dir.png')), join(dir, 'dir.png')), /^cls\/x\.png: is a directory, not an image file$/],
    ['a dangling symlink', () => (symlinkSync(join(dir, 'nowhere.png'), join(dir, 'link.png')), join(dir, 'link.png')), /^cls\/x\.png: broken symbolic link/],
    ['a missing file', () => join(dir, 'missing.png'), /^cls\/x\.png: file not found$/],
  ];
  for (const [what, make, re] of cases) {
    test(what, async () => {
      const r = await loadImage(make(), 'cls/x.png');
      assert.ok('error' in r, 'expected an error');
      assert.match(r.error, re);
    });
  }
});

describe('decodeEntries', () => {
  test('keeps entry order with many in flight, and goes on after errors', async () => {
    const { dir, cleanup } = tempDir('entries');
    try {
      const names = Object.keys(expected.images);
      const entries: ImageEntry[] = [];
      names.forEach((n, i) => {
        entries.push({ path: join(FIX, 'images', n), source: n, label: i });
        if (i % 4 === 0) entries.push({ path: join(dir, `missing-${i}.png`), source: `missing-${i}.png`, label: null });
      });
      copyFileSync(join(FIX, 'images', 'rgb.png'), join(dir, 'extra.png'));
      const out = [];
      for await (const s of decodeEntries(entries, 3)) out.push(s);
      assert.deepEqual(out.map((s) => s.index), entries.map((_, i) => i));
      assert.deepEqual(out.map((s) => s.source), entries.map((e) => e.source));
      for (const s of out) {
        if (s.source.startsWith('missing')) assert.match(s.error ?? '', /file not found/);
        else {
          assert.equal(s.error, undefined);
          assert.equal(s.image!.width, expected.images[s.source].width);
        }
      }
    } finally {
      cleanup();
    }
  });
});
