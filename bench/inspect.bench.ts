/**
 * npm run bench: throughput of the inspect pipeline against a bare ONNX Runtime loop, all
 * measured in one run on this machine, printed as a table.
 *   (a) bare session.run loop on pre-decoded tensors (in this process)
 *   (b) full pipeline from an IDX file (child process, reader, preprocessing, analyses),
 *       at 10,000 (start-up included) and 100,000 examples (steady throughput)
 *   (c) full pipeline from an image folder of 10,000 PNGs
 *   (d) 1,000,000 examples from IDX: the worker's peak memory
 * Inputs are made from Fashion-MNIST (Debian's dataset-fashion-mnist) in .cache/bench.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import * as ort from 'onnxruntime-node';
import { inspect } from '../src/core/inspect';
import type { RunOutcome } from '../src/core/model/runner';

const MODEL = resolve('media/sample/model.onnx');
const FMNIST = '/usr/share/datasets/fashion-mnist';
const CACHE = resolve('.cache/bench');
const BATCH = 256;
const args = new Set(process.argv.slice(2));
const skipMillion = args.has('--no-million');

function loadTest(): { images: Buffer; labels: Buffer; n: number } {
  const images = gunzipSync(readFileSync(join(FMNIST, 't10k-images-idx3-ubyte.gz')));
  const labels = gunzipSync(readFileSync(join(FMNIST, 't10k-labels-idx1-ubyte.gz')));
  return { images: images.subarray(16), labels: labels.subarray(8), n: labels.length - 8 };
}

function idxHeader(magic: number, dims: number[]): Buffer {
  const b = Buffer.alloc(4 + 4 * dims.length);
  b.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
  return b;
}

async function writeIdx(dir: string, n: number, src: { images: Buffer; labels: Buffer; n: number }): Promise<string> {
  const imgPath = join(dir, 'images-idx3-ubyte');
  if (existsSync(imgPath)) return imgPath;
  mkdirSync(dir, { recursive: true });
  const labels = Buffer.alloc(n);
  const out = createWriteStream(imgPath + '.part');
  out.write(idxHeader(0x803, [n, 28, 28]));
  for (let i = 0; i < n; i += src.n) {
    const k = Math.min(src.n, n - i);
    if (!out.write(src.images.subarray(0, k * 784))) await new Promise<void>((r) => out.once('drain', () => r()));
    src.labels.copy(labels, i, 0, k);
  }
  await new Promise<void>((r) => out.end(r));
  writeFileSync(join(dir, 'labels-idx1-ubyte'), Buffer.concat([idxHeader(0x801, [n]), labels]));
  const { renameSync } = await import('node:fs');
  renameSync(imgPath + '.part', imgPath);
  return imgPath;
}

async function writePngFolder(dir: string, src: { images: Buffer; labels: Buffer; n: number }): Promise<string> {
  const done = join(dir, '.complete');
  if (existsSync(done)) return dir;
  const names = ['T-shirt-top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
  for (const n of names) mkdirSync(join(dir, n), { recursive: true });
  for (let i = 0; i < src.n; i++) {
    const px = src.images.subarray(i * 784, (i + 1) * 784);
    await sharp(px, { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(dir, names[src.labels[i]], `${String(i).padStart(5, '0')}.png`));
  }
  writeFileSync(done, '');
  return dir;
}

async function bareLoop(src: { images: Buffer; n: number }): Promise<number> {
  // The same session options as the engine (src/core/model/session.ts), so the ratio is the pipeline's cost alone.
  const session = await ort.InferenceSession.create(MODEL, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  });
  const batches: ort.Tensor[] = [];
  for (let i = 0; i < src.n; i += BATCH) {
    const k = Math.min(BATCH, src.n - i);
    const f = new Float32Array(k * 784);
    for (let j = 0; j < k * 784; j++) f[j] = src.images[i * 784 + j] / 255;
    batches.push(new ort.Tensor('float32', f, [k, 1, 28, 28]));
  }
  await session.run({ input: batches[0] }); // warm-up
  const t = performance.now();
  for (const b of batches) await session.run({ input: b });
  const s = (performance.now() - t) / 1000;
  await session.release();
  return src.n / s;
}

async function pipeline(data: string): Promise<{ perSecond: number; wall: number; worker: RunOutcome; n: number }> {
  let worker: RunOutcome | undefined;
  const t = performance.now();
  const r = await inspect({ model: MODEL, data, executionProviders: ['cpu'], batchSize: BATCH, saveConfig: false, top: 100 }, { onWorkerDone: (o) => (worker = o) });
  const wall = (performance.now() - t) / 1000;
  return { perSecond: r.numExamples / wall, wall, worker: worker!, n: r.numExamples };
}

const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;

async function main() {
  const src = loadTest();
  const idx10k = await writeIdx(join(CACHE, 'idx-10k'), 10_000, src);
  const idx100k = await writeIdx(join(CACHE, 'idx-100k'), 100_000, src);
  const pngs = await writePngFolder(join(CACHE, 'png-10k'), src);
  const a = await bareLoop(src);
  await pipeline(idx10k); // warm the file cache and the worker's first start
  const b = await pipeline(idx10k);
  const b100 = await pipeline(idx100k);
  const c = await pipeline(pngs);
  const rows: string[][] = [
    ['case', 'examples', 'wall s', 'examples/s', 'ratio to (a)', 'worker peak RSS'],
    ['(a) bare session.run loop, pre-decoded', String(src.n), (src.n / a).toFixed(2), a.toFixed(0), '1.00', '-'],
    ['(b) inspect, IDX file', String(b.n), b.wall.toFixed(2), b.perSecond.toFixed(0), (b.perSecond / a).toFixed(2), mb(b.worker.peakRssBytes)],
    ['(b) inspect, IDX file, 100,000', String(b100.n), b100.wall.toFixed(2), b100.perSecond.toFixed(0), (b100.perSecond / a).toFixed(2), mb(b100.worker.peakRssBytes)],
    ['(c) inspect, folder of PNGs', String(c.n), c.wall.toFixed(2), c.perSecond.toFixed(0), (c.perSecond / a).toFixed(2), mb(c.worker.peakRssBytes)],
  ];
  if (!skipMillion) {
    const idx1m = await writeIdx(join(CACHE, 'idx-1m'), 1_000_000, src);
    const d = await pipeline(idx1m);
    rows.push(['(d) inspect, IDX, 1,000,000 examples', String(d.n), d.wall.toFixed(2), d.perSecond.toFixed(0), (d.perSecond / a).toFixed(2), mb(d.worker.peakRssBytes)]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`\nMistake Lens inspect benchmark — ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${mb(totalmem())} RAM, node ${process.version}, onnxruntime-node ${ort.env.versions.common}, batch ${BATCH}, CPU provider`);
  for (const r of rows) console.log('| ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |');
  console.log('\nTargets: (b)/(a) >= 0.8 (steady state: the 100,000 row); (c) 10,000 PNGs end to end < 2 s; (d) worker peak < 600 MB.');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
