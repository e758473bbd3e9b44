/**
 * Benchmark of `mistake-lens diagnose` (not a timed test), printed as a table:
 *   (a) every check on the 10,000 Fashion-MNIST test images as one IDX file
 *   (b) every check on the same 10,000 images as PNG files in train/ (8,000) and test/ (2,000)
 *       split folders (decoding, leakage search across splits, error breakdown)
 *   (c) the duplicate search alone (content hash, 16x16 thumbnail, near-duplicate LSH) on
 *       25,000, 50,000 and 100,000 images, each in a fresh process, with its peak memory:
 *       memory grows with N, not N^2.
 * Run from the repository root:  node --import tsx bench/diagnose.bench.ts
 * (or bundled with the worker beside it; see docs/diagnostics.md). Inputs are made from
 * Fashion-MNIST (/usr/share/datasets/fashion-mnist) in .cache/bench-diagnose.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import { duplicateGroups } from '../src/core/diagnostics/dataChecks';
import { DataFeatures } from '../src/core/diagnostics/dataFeatures';
import { runDiagnostics } from '../src/core/diagnostics/index';
import type { DiagnoseReport } from '../src/core/diagnostics/types';

const MODEL = resolve('media/sample/model.onnx');
const FMNIST = process.env.FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';
const CACHE = resolve('.cache/bench-diagnose');
const CLASSES = ['T-shirt-top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

const idx = (name: string) => gunzipSync(readFileSync(join(FMNIST, name)));
const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;

/** n 28x28 images: Fashion-MNIST test, then train, then train mirrored left-right. */
function images(n: number): Uint8Array {
  const te = idx('t10k-images-idx3-ubyte.gz').subarray(16);
  const tr = idx('train-images-idx3-ubyte.gz').subarray(16);
  const out = new Uint8Array(n * 784);
  let k = 0;
  for (const src of [te, tr]) for (let i = 0; i < src.length / 784 && k < n; i++, k++) out.set(src.subarray(i * 784, (i + 1) * 784), k * 784);
  for (let i = 0; k < n; i++, k++) for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) out[k * 784 + y * 28 + x] = tr[i * 784 + y * 28 + 27 - x];
  return out;
}

function idxFolder(): string {
  const dir = join(CACHE, 'idx-10k');
  mkdirSync(dir, { recursive: true });
  for (const f of ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) if (!existsSync(join(dir, f))) copyFileSync(join(FMNIST, f), join(dir, f));
  return dir;
}

async function pngSplits(): Promise<string> {
  const dir = join(CACHE, 'png-10k-splits');
  if (existsSync(join(dir, '.complete'))) return dir;
  const px = idx('t10k-images-idx3-ubyte.gz').subarray(16);
  const labels = idx('t10k-labels-idx1-ubyte.gz').subarray(8);
  for (const split of ['train', 'test']) for (const c of CLASSES) mkdirSync(join(dir, split, c), { recursive: true });
  for (let i = 0; i < 10_000; i++) {
    const split = i < 8000 ? 'train' : 'test';
    await sharp(px.subarray(i * 784, (i + 1) * 784), { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(dir, split, CLASSES[labels[i]], `${String(i).padStart(5, '0')}.png`));
  }
  writeFileSync(join(dir, '.complete'), '');
  return dir;
}

async function diagnoseCase(data: string): Promise<{ r: DiagnoseReport; wall: number }> {
  const t = performance.now();
  const r = await runDiagnostics({ model: MODEL, data, executionProviders: ['cpu'] });
  return { r, wall: (performance.now() - t) / 1000 };
}

/** Child mode: the duplicate search on n images; prints one JSON line. */
function duplicateChild(n: number): void {
  const px = images(n);
  const t0 = performance.now();
  const f = new DataFeatures();
  for (let i = 0; i < n; i++) f.add(0, `x[${i}]`, -1, { width: 28, height: 28, channels: 1, data: px.subarray(i * 784, (i + 1) * 784) }, undefined);
  const t1 = performance.now();
  const g = duplicateGroups(f);
  const t2 = performance.now();
  console.log(JSON.stringify({
    n,
    featuresSeconds: (t1 - t0) / 1000,
    searchSeconds: (t2 - t1) / 1000,
    comparisons: g.comparisons,
    exactGroups: g.exact.length,
    nearGroups: g.near.length,
    featureBytes: f.thumbs.byteLength + f.splits.byteLength + f.labels.byteLength + f.hasThumb.byteLength,
    // The search's own arrays: mean, 1/norm, 27 keys, sort buffer, order, union-find, sizes (findNearDuplicates).
    searchBytes: g.searched * (8 + 8 + 27 * 4 + 8 + 4) + n * (4 + 4),
    inputBytes: px.byteLength,
    peakRss: process.resourceUsage().maxRSS * 1024,
  }));
}

async function main() {
  const childN = process.argv.indexOf('--duplicates');
  if (childN >= 0) return duplicateChild(Number(process.argv[childN + 1]));
  const load0 = loadavg()[0];
  const idxDir = idxFolder();
  const png = await pngSplits();
  await diagnoseCase(idxDir); // warm the file cache and the worker's first start
  const a = await diagnoseCase(idxDir);
  const b = await diagnoseCase(png);
  const dup = [25_000, 50_000, 100_000].map((n) => {
    const p = spawnSync(process.execPath, [...process.execArgv, __filename, '--duplicates', String(n)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (p.status !== 0) throw new Error(p.stderr);
    return JSON.parse(p.stdout.trim().split('\n').pop()!) as { n: number; featuresSeconds: number; searchSeconds: number; comparisons: number; exactGroups: number; nearGroups: number; featureBytes: number; searchBytes: number; inputBytes: number; peakRss: number };
  });
  const load1 = loadavg()[0];

  const phases = (r: DiagnoseReport) => Object.entries(r.timing.phases).filter(([, s]) => s >= 0.05).map(([k, s]) => `${k} ${s.toFixed(2)}`).join(', ');
  const rows: string[][] = [
    ['case', 'examples', 'wall s', 'target', 'notes'],
    ['(a) diagnose, all checks, IDX', a.r.data.numExamples.toLocaleString('en-US'), a.wall.toFixed(2), '< 10 s', `sample ${a.r.data.sampleSize}; worker peak RSS ${mb(a.r.timing.peakRssBytes ?? 0)}; phases (s): ${phases(a.r)}; ${a.r.summary.warning} warnings, ${a.r.summary.error} errors`],
    ['(b) diagnose, all checks, PNG train/test folders', b.r.data.numExamples.toLocaleString('en-US'), b.wall.toFixed(2), '< 10 s', `sample ${b.r.data.sampleSize}; worker peak RSS ${mb(b.r.timing.peakRssBytes ?? 0)}; phases (s): ${phases(b.r)}; ${b.r.summary.warning} warnings, ${b.r.summary.error} errors`],
    ...dup.map((d) => [
      `(c) duplicate search, ${d.n.toLocaleString('en-US')} images`,
      d.n.toLocaleString('en-US'),
      (d.featuresSeconds + d.searchSeconds).toFixed(2),
      d.n === 100_000 ? '< 30 s' : '',
      `hash+thumbnail ${d.featuresSeconds.toFixed(2)} s, search ${d.searchSeconds.toFixed(2)} s, ${d.comparisons.toLocaleString('en-US')} exact cosines, ${d.nearGroups} near groups; kept per image ${((d.featureBytes + d.searchBytes) / d.n).toFixed(0)} B (features ${mb(d.featureBytes)} + search ${mb(d.searchBytes)}); peak RSS ${mb(d.peakRss)}, of which the bench's input pixels ${mb(d.inputBytes)}`,
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`\nMistake Lens diagnose benchmark — ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${mb(totalmem())} RAM, node ${process.version}, CPU provider; load average ${load0.toFixed(1)} at start, ${load1.toFixed(1)} at end`);
  for (const r of rows) console.log('| ' + r.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
