/**
 * The panel's pictures: an example's input exactly as the model saw it (the preprocessed
 * tensor decoded back to an image — Karpathy's "visualize just before the net") beside the
 * original file. Runs in the child process, through the same preprocessing code as inference.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadSharp } from '../data/sharp';
import { openDataset } from '../data/open';
import { exampleSize, fitImage, IMAGENET_MEAN, IMAGENET_STD, scaleCoefficients, writeImage, writeTensor } from '../data/preprocess';
import type { Dataset, Sample } from '../data/types';
import type { ExampleView, PreprocessConfig } from '../protocol';
import type { InferenceJob } from './workerProtocol';

const MAX_ORIGINAL = 256;

/** Nominal value range of each channel under the scaling, so a wrong scaling shows (too dark, washed out). */
function nominalRange(cfg: PreprocessConfig, c: number, values: Float32Array): [number, number] {
  switch (cfg.scale) {
    case 'unit': return [0, 1];
    case 'symmetric': return [-1, 1];
    case 'raw': return [0, 255];
    case 'imagenet':
    case 'custom': {
      const mean = cfg.scale === 'imagenet' ? IMAGENET_MEAN : cfg.mean!;
      const std = cfg.scale === 'imagenet' ? IMAGENET_STD : cfg.std!;
      const m = mean[c % mean.length], s = std[c % std.length];
      return [(0 - m) / s, (1 - m) / s];
    }
    case 'none': {
      let lo = Infinity, hi = -Infinity;
      for (const v of values) if (Number.isFinite(v)) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
      return lo < hi ? [lo, hi] : [lo, lo + 1];
    }
  }
}

/** A model-input tensor (one example) back to 8-bit pixels, HWC. */
export function tensorToPixels(t: Float32Array, cfg: PreprocessConfig): { data: Uint8Array; width: number; height: number; channels: number } {
  const flat = cfg.layout === 'flat';
  // A flat vector is shown as a square-ish grey image when it can be.
  const side = Math.round(Math.sqrt(t.length));
  const [w, h, c] = flat ? (side * side === t.length ? [side, side, 1] : [t.length, 1, 1]) : [cfg.width, cfg.height, cfg.channels];
  const shown = c === 3 ? 3 : 1;
  const out = new Uint8Array(w * h * shown);
  const plane = w * h;
  for (let ch = 0; ch < shown; ch++) {
    const [lo, hi] = nominalRange(cfg, ch, t);
    for (let p = 0; p < plane; p++) {
      const v = t[cfg.layout === 'NCHW' ? ch * plane + p : p * c + ch];
      const x = Math.round(((v - lo) / (hi - lo)) * 255);
      out[p * shown + ch] = Number.isFinite(x) ? Math.max(0, Math.min(255, x)) : 0;
    }
  }
  return { data: out, width: w, height: h, channels: shown };
}

async function pngDataUrl(px: { data: Uint8Array; width: number; height: number; channels: number }): Promise<string> {
  const buf = await (await loadSharp())(px.data, { raw: { width: px.width, height: px.height, channels: px.channels as 1 | 3 } }).png().toBuffer();
  return `data:image/png;base64,${buf.toString('base64')}`;
}

/** Absolute path of an example's file, for formats whose examples are files. */
export function fileOf(ds: Dataset, source: string): string | null {
  if (ds.kind === 'image-folder') return join(ds.root, source);
  if (ds.kind === 'manifest') return join(dirname(ds.root), source);
  return null;
}

async function original(path: string): Promise<string | null> {
  try {
    const buf = await (await loadSharp())(await readFile(path)).resize(MAX_ORIGINAL, MAX_ORIGINAL, { fit: 'inside', withoutEnlargement: true }).png().toBuffer();
    return `data:image/png;base64,${buf.toString('base64')}`;
  } catch {
    return null; // unreadable originals were already reported by the run
  }
}

async function modelInput(s: Sample, job: InferenceJob): Promise<Float32Array> {
  const cfg = job.preprocess;
  const t = new Float32Array(exampleSize(cfg));
  const coef = scaleCoefficients(cfg);
  if (s.image && cfg.layout !== 'flat') writeImage(await fitImage(s.image, cfg, s.source), cfg, coef, t, 0);
  else writeTensor((s.image?.data ?? s.tensor?.data)!, t.length, coef, t, 0, s.source);
  return t;
}

/**
 * Renders the requested examples. Readers stream, so this walks the data once per request and
 * stops at the last id wanted: fine for the panel's visible cards on datasets of thousands.
 */
export async function renderExamples(job: InferenceJob, ids: number[]): Promise<ExampleView[]> {
  const want = new Set(ids);
  const last = Math.max(...ids);
  const ds = await openDataset(job.data.path, job.data);
  const found = new Map<number, ExampleView>();
  for await (const s of ds.samples()) {
    if (s.index > last) break;
    if (!want.has(s.index) || s.error !== undefined) continue;
    const px = tensorToPixels(await modelInput(s, job), job.preprocess);
    const file = fileOf(ds, s.source);
    found.set(s.index, {
      id: s.index,
      source: s.source,
      modelInput: await pngDataUrl(px),
      original: file ? await original(file) : null,
      width: px.width,
      height: px.height,
    });
  }
  return ids.flatMap((id) => found.get(id) ?? []);
}
