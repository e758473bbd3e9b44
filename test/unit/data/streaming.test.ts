/**
 * The IDX reader must stream: iterating a 157 MB file may not grow memory with the file.
 * A 200,000-image file is generated in a temp folder (raw and gzipped); memory is sampled
 * while iterating and compared with a baseline taken after open.
 */
import assert from 'node:assert/strict';
import { closeSync, createReadStream, createWriteStream, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, test } from 'node:test';
import { createGzip } from 'node:zlib';
import { openIdx } from '../../../src/core/data/idx';
import { tempDir } from './helpers';

const N = 200_000;
const MB = 1 << 20;

/** Writes an IDX file: header, then `count` items of `item(i)` bytes each (batched writes). */
function writeIdx(path: string, magic: number, dims: number[], item: (i: number) => Uint8Array) {
  const fd = openSync(path, 'w');
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  writeSync(fd, head);
  const size = dims.slice(1).reduce((a, b) => a * b, 1);
  const per = Math.floor((4 * MB) / size);
  const buf = Buffer.alloc(per * size);
  for (let i = 0; i < dims[0]; i += per) {
    const n = Math.min(per, dims[0] - i);
    for (let k = 0; k < n; k++) buf.set(item(i + k), k * size);
    writeSync(fd, buf, 0, n * size);
  }
  closeSync(fd);
}

async function peakGrowth(path: string): Promise<{ count: number; rss: number; arrayBuffers: number; lastLabel: unknown; pixel: number }> {
  const ds = await openIdx(path);
  const base = process.memoryUsage();
  let rss = 0;
  let ab = 0;
  let count = 0;
  let lastLabel: unknown;
  let pixel = -1;
  for await (const s of ds.samples()) {
    count++;
    lastLabel = s.label;
    if (s.index === 123_457) pixel = s.image!.data[5];
    if (count % 5000 === 0) {
      const m = process.memoryUsage();
      rss = Math.max(rss, m.rss - base.rss);
      ab = Math.max(ab, m.arrayBuffers - base.arrayBuffers);
    }
  }
  return { count, rss, arrayBuffers: ab, lastLabel, pixel };
}

describe('IDX streaming: memory does not grow with the file', { timeout: 120_000 }, () => {
  let dir = '';
  let cleanup = () => {};
  before(async () => {
    ({ dir, cleanup } = tempDir('stream'));
    // Pixel j of image i holds (i + j) % 256; label i is i % 10.
    const ramp = Uint8Array.from({ length: 784 + 256 }, (_, k) => k & 0xff);
    writeIdx(join(dir, 'big-images-idx3-ubyte'), 0x803, [N, 28, 28], (i) => ramp.subarray(i & 0xff, (i & 0xff) + 784));
    writeIdx(join(dir, 'big-labels-idx1-ubyte'), 0x801, [N], (i) => Uint8Array.of(i % 10));
    await pipeline(createReadStream(join(dir, 'big-images-idx3-ubyte')), createGzip({ level: 1 }), createWriteStream(join(dir, 'gz-images-idx3-ubyte.gz')));
    await pipeline(createReadStream(join(dir, 'big-labels-idx1-ubyte')), createGzip({ level: 1 }), createWriteStream(join(dir, 'gz-labels-idx1-ubyte.gz')));
  });
  after(() => cleanup());

  for (const file of ['big-images-idx3-ubyte', 'gz-images-idx3-ubyte.gz']) {
    test(file, async () => {
      const raw = statSync(join(dir, 'big-images-idx3-ubyte')).size;
      assert.ok(raw > 140 * MB, `test file should be large, is ${raw}`);
      const r = await peakGrowth(join(dir, file));
      assert.equal(r.count, N);
      assert.equal(r.lastLabel, (N - 1) % 10);
      assert.equal(r.pixel, (123_457 + 5) & 0xff);
      // Loading the file whole would add ~157 MB; streaming stays around the 1 MB chunks.
      assert.ok(r.arrayBuffers < 32 * MB, `arrayBuffers grew by ${(r.arrayBuffers / MB).toFixed(1)} MB`);
      if (process.env.ML_DEBUG) console.log(file, r);
      assert.ok(r.rss < 100 * MB, `rss grew by ${(r.rss / MB).toFixed(1)} MB`);
    });
  }
});
