/**
 * Examples -> model input. Defaults come from the model's input shape; the scaling is the
 * user's choice (it is the most common silent bug: forgot to normalise, or did it twice).
 */
import { loadSharp } from './sharp';
import { UserError } from '../errors';
import type { Dim, ValueInfo } from '../model/graph';
import type { PreprocessConfig, ScaleName } from '../protocol';
import type { RawImage, Sample } from './types';

export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];
export const SCALE_NAMES: ScaleName[] = ['unit', 'symmetric', 'imagenet', 'raw', 'none', 'custom'];

/** The per-example input dims (batch axis removed) with symbolic sizes still unresolved. */
export interface InputLayout {
  /** Dims after the batch axis, exactly as the model declares them. */
  dims: Dim[];
  /** Whether the batch axis is dynamic (else its fixed size, usually 1). */
  batch: number | 'dynamic';
}

export function inputLayout(input: ValueInfo): InputLayout {
  const shape = input.shape;
  if (!shape || shape.length < 2) {
    throw new UserError(
      `model input '${input.name}' has shape ${JSON.stringify(shape)}; expected a batch axis followed by an image (C,H,W / H,W,C) or a vector`,
      'incompatible',
    );
  }
  if (input.elemType !== 'FLOAT') {
    throw new UserError(`model input '${input.name}' has type ${input.elemType}; Mistake Lens feeds FLOAT tensors`, 'incompatible');
  }
  const b = shape[0];
  return { dims: shape.slice(1), batch: typeof b === 'number' ? b : 'dynamic' };
}

const isChan = (d: Dim) => d === 1 || d === 3;
const fixed = (d: Dim, fallback: number) => (typeof d === 'number' ? d : fallback);

/**
 * Picks layout, channels and size from the model's input, filling dynamic sizes from the
 * first example. Image models: rank 4 (NCHW or NHWC) or rank 3 (N,H,W). Anything else is a
 * flat vector.
 */
export function defaultPreprocess(layout: InputLayout, first: Sample | undefined): PreprocessConfig {
  const d = layout.dims;
  const img = first?.image;
  const scale: ScaleName = img && img.data instanceof Float32Array ? 'none' : first?.tensor && !(first.tensor.data instanceof Uint8Array) ? 'none' : 'unit';
  if (d.length === 3) {
    const nhwc = isChan(d[2]) && !isChan(d[0]);
    const c = fixed(nhwc ? d[2] : d[0], img?.channels === 3 ? 3 : 1);
    return {
      layout: nhwc ? 'NHWC' : 'NCHW',
      channels: c,
      height: fixed(nhwc ? d[0] : d[1], img?.height ?? 0),
      width: fixed(nhwc ? d[1] : d[2], img?.width ?? 0),
      scale,
    };
  }
  if (d.length === 2) {
    return { layout: 'NHWC', channels: 1, height: fixed(d[0], img?.height ?? 0), width: fixed(d[1], img?.width ?? 0), scale };
  }
  const size = d.reduce<number>((a, x) => a * fixed(x, 0), 1);
  return { layout: 'flat', channels: 1, height: 1, width: size || (first?.tensor?.data.length ?? 0), scale };
}

/** Concrete tensor dims for a batch of `n`, matching the model's declared rank. */
export function batchDims(layout: InputLayout, cfg: PreprocessConfig, n: number): number[] {
  const d = layout.dims;
  if (cfg.layout === 'flat') return [n, ...resolveFlat(d, cfg.width)];
  if (d.length === 2) return [n, cfg.height, cfg.width];
  return cfg.layout === 'NCHW' ? [n, cfg.channels, cfg.height, cfg.width] : [n, cfg.height, cfg.width, cfg.channels];
}

function resolveFlat(d: Dim[], size: number): number[] {
  const known = d.reduce<number>((a, x) => a * (typeof x === 'number' ? x : 1), 1);
  return d.map((x) => (typeof x === 'number' ? x : size / known));
}

export function exampleSize(cfg: PreprocessConfig): number {
  return cfg.layout === 'flat' ? cfg.width : cfg.channels * cfg.height * cfg.width;
}

export function validatePreprocess(cfg: PreprocessConfig): void {
  if (!SCALE_NAMES.includes(cfg.scale)) throw new UserError(`unknown scaling '${cfg.scale}'; use one of ${SCALE_NAMES.join(', ')}`);
  if (cfg.scale === 'custom') {
    const ok = (a: number[] | undefined) => Array.isArray(a) && a.length > 0 && a.every((v) => Number.isFinite(v));
    if (!ok(cfg.mean) || !ok(cfg.std) || cfg.std!.some((s) => s === 0)) {
      throw new UserError('custom scaling needs --mean and --std (comma-separated numbers, std non-zero)');
    }
  }
  if (!(cfg.height > 0 && cfg.width > 0 && cfg.channels > 0)) {
    throw new UserError(`input size ${cfg.channels}x${cfg.height}x${cfg.width} is not usable; the model's input size could not be determined`, 'incompatible');
  }
}

/** Per-channel affine map v -> v*a[c] + b[c], precomputed from the scaling choice. */
export function scaleCoefficients(cfg: PreprocessConfig): { a: Float32Array; b: Float32Array } {
  const c = cfg.layout === 'flat' ? 1 : cfg.channels;
  const a = new Float32Array(c);
  const b = new Float32Array(c);
  for (let i = 0; i < c; i++) {
    switch (cfg.scale) {
      case 'unit': a[i] = 1 / 255; b[i] = 0; break;
      case 'symmetric': a[i] = 1 / 127.5; b[i] = -1; break;
      case 'raw':
      case 'none': a[i] = 1; b[i] = 0; break;
      case 'imagenet':
      case 'custom': {
        const mean = cfg.scale === 'imagenet' ? IMAGENET_MEAN : cfg.mean!;
        const std = cfg.scale === 'imagenet' ? IMAGENET_STD : cfg.std!;
        const m = mean[i % mean.length];
        const s = std[i % std.length];
        a[i] = 1 / (255 * s);
        b[i] = -m / s;
        break;
      }
    }
  }
  return { a, b };
}

/**
 * Brings an image to the model's size and channel count. Resizing uses sharp (uint8 only);
 * float arrays must already have the model's size.
 */
export async function fitImage(img: RawImage, cfg: PreprocessConfig, source: string): Promise<RawImage> {
  let out = img;
  if (img.width !== cfg.width || img.height !== cfg.height) {
    if (!(img.data instanceof Uint8Array)) {
      throw new UserError(`${source}: example is ${img.width}x${img.height} but the model expects ${cfg.width}x${cfg.height}; resize float arrays before saving them`, 'incompatible');
    }
    const { data, info } = await (await loadSharp())(img.data, { raw: { width: img.width, height: img.height, channels: img.channels as 1 | 2 | 3 | 4 } })
      .resize(cfg.width, cfg.height, { fit: 'fill' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    out = { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  }
  return out;
}

/**
 * Writes one example into `dst` at `offset` in the model's layout, converting channels
 * (grey -> RGB by replication, RGB -> grey by ITU-R 601 luma, alpha dropped) and scaling.
 */
export function writeImage(img: RawImage, cfg: PreprocessConfig, coef: { a: Float32Array; b: Float32Array }, dst: Float32Array, offset: number): void {
  const { width: w, height: h, channels: sc, data } = img;
  const tc = cfg.channels;
  const plane = w * h;
  const nchw = cfg.layout === 'NCHW';
  if (sc === 1 && tc === 1) {
    // The common grey case (MNIST-like) is hot: one multiply-add per pixel, no branches.
    const a = coef.a[0], b = coef.b[0];
    for (let p = 0; p < plane; p++) dst[offset + p] = data[p] * a + b;
    return;
  }
  for (let p = 0; p < plane; p++) {
    const s = p * sc;
    for (let c = 0; c < tc; c++) {
      let v: number;
      if (sc === tc || (sc === 4 && tc === 3)) v = data[s + c];
      else if (tc === 1) v = sc >= 3 ? 0.299 * data[s] + 0.587 * data[s + 1] + 0.114 * data[s + 2] : data[s];
      else v = data[s]; // grey (or grey+alpha) to RGB
      dst[offset + (nchw ? c * plane + p : p * tc + c)] = v * coef.a[c] + coef.b[c];
    }
  }
}

/** Writes a non-image example (a vector from .npy) into `dst`, scaled like channel 0. */
export function writeTensor(data: ArrayLike<number | bigint>, size: number, coef: { a: Float32Array; b: Float32Array }, dst: Float32Array, offset: number, source: string): void {
  if (data.length !== size) {
    throw new UserError(`${source}: example has ${data.length} values but the model expects ${size}`, 'incompatible');
  }
  const a = coef.a[0], b = coef.b[0];
  for (let i = 0; i < size; i++) dst[offset + i] = Number(data[i]) * a + b;
}
