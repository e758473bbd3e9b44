/**
 * NumPy .npy arrays: header parsing, dtype rules, and turning an (N, ...) array into Samples.
 *
 * Written by hand on purpose: the format is a 10-byte preamble plus a Python dict literal
 * (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html), and no maintained
 * npm package both checks dtypes/order the way we need and reads examples lazily from a file.
 *
 * Accepted: versions 1.0/2.0/3.0, little-endian (or 1-byte) dtypes, C order.
 * - inputs: uint8, float32, float64, int64, int32.
 * - labels: int64, int32, int16, uint8, uint16, or unicode strings ('<U…', class names);
 *   shape (N,) or (N, 1). Floats are refused (they are usually one-hot or probabilities).
 * How an example becomes a Sample (per-example shape = shape[1:]):
 * - (H, W) -> image, 1 channel; (H, W, C) with C in {1,3,4} -> image HWC;
 *   (C, H, W) with C in {1,3} (and last dim not 1/3/4) -> image, transposed to HWC.
 *   uint8 stays Uint8Array; float32/float64 become Float32Array, values as stored (the
 *   preprocessing decides their scale); int64/int32 images become Uint8Array when every value
 *   is in 0..255, else that Sample gets `error` (a pixel value that is not a byte).
 * - any other shape -> tensor with the per-example shape and the array's own element type.
 */
import { open, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors';
import type { Dataset, RawImage, RawTensor, Sample } from './types';

export type NpyDtype = 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'int64' | 'float32' | 'float64' | 'unicode';

export interface NpyHeader {
  dtype: NpyDtype;
  /** Bytes per element (for unicode: 4 x characters). */
  itemSize: number;
  shape: number[];
  /** Byte offset of the data from the start of the file. */
  dataOffset: number;
  /** The descr as written, e.g. '<f4', for messages. */
  descr: string;
}

const MAGIC = '\x93NUMPY';
const DTYPES: Record<string, [NpyDtype, number]> = {
  u1: ['uint8', 1], i1: ['int8', 1], i2: ['int16', 2], u2: ['uint16', 2],
  i4: ['int32', 4], i8: ['int64', 8], f4: ['float32', 4], f8: ['float64', 8],
};

/** Whole header length (preamble + dict) from the first 12 bytes; throws on a non-.npy file. */
export function npyHeaderLength(head: Uint8Array, name: string): number {
  if (head.length < 10 || String.fromCharCode(...head.subarray(0, 6)) !== MAGIC) {
    throw new UserError(`${name}: not a NumPy .npy file (it does not start with \\x93NUMPY)`);
  }
  const major = head[6];
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (major === 1) return 10 + view.getUint16(8, true);
  if ((major === 2 || major === 3) && head.length >= 12) return 12 + view.getUint32(8, true);
  throw new UserError(`${name}: unsupported .npy format version ${major}.${head[7]} (supported: 1.0, 2.0, 3.0)`);
}

/** Parses the header at the start of `buf` (which must hold at least the whole header). */
export function parseNpyHeader(buf: Uint8Array, name: string): NpyHeader {
  const dataOffset = npyHeaderLength(buf, name);
  if (buf.length < dataOffset) throw new UserError(`${name}: file ends inside its .npy header`);
  const start = buf[6] === 1 ? 10 : 12;
  const text = Buffer.from(buf.subarray(start, dataOffset)).toString(buf[6] === 3 ? 'utf8' : 'latin1');

  if (/'descr'\s*:\s*\[/.test(text)) throw new UserError(`${name}: structured (record) arrays are not supported; save a plain numeric array`);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new UserError(`${name}: cannot read the .npy header ${JSON.stringify(text.trim())}`);
  }
  if (fortran === 'True') {
    throw new UserError(`${name}: array is in Fortran (column-major) order; save it with np.save(path, np.ascontiguousarray(a))`);
  }
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map((s) => Number(s.replace(/L$/, '')));
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new UserError(`${name}: bad shape (${shapeText}) in the .npy header`);

  const order = descr[0];
  const code = descr.slice(1);
  if (code === 'O') throw new UserError(`${name}: object (pickle) arrays are not supported; save a numeric array`);
  if (order === '>' && code !== 'u1' && code !== 'i1') {
    throw new UserError(`${name}: big-endian dtype '${descr}' is not supported; save it with a.astype('<${code}')`);
  }
  if (code.startsWith('U') && (order === '<' || order === '|')) {
    const chars = Number(code.slice(1));
    if (Number.isSafeInteger(chars) && chars > 0) return { dtype: 'unicode', itemSize: 4 * chars, shape, dataOffset, descr };
  }
  const dt = DTYPES[code];
  if (!dt || !['<', '|', '='].includes(order)) {
    throw new UserError(`${name}: dtype '${descr}' is not supported (use uint8, float32, float64, int64 or int32)`);
  }
  return { dtype: dt[0], itemSize: dt[1], shape, dataOffset, descr };
}

export const shapeText = (shape: number[]) => `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;

/** Reads the header of a .npy file and checks that the file holds all the data it announces. */
export async function readNpyFileHeader(path: string, name: string): Promise<NpyHeader> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(12);
    const { bytesRead } = await fh.read(head, 0, 12, 0);
    const len = npyHeaderLength(head.subarray(0, bytesRead), name);
    const full = Buffer.alloc(Math.min(len, size));
    await fh.read(full, 0, full.length, 0);
    const header = parseNpyHeader(full, name);
    const need = header.dataOffset + elementCount(header.shape) * header.itemSize;
    if (size < need) {
      throw new UserError(`${name}: file is truncated: its header says shape ${shapeText(header.shape)} ${header.dtype} (${need} bytes) but the file has ${size}`);
    }
    return header;
  } finally {
    await fh.close();
  }
}

export const elementCount = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

const INPUT_DTYPES: NpyDtype[] = ['uint8', 'float32', 'float64', 'int64', 'int32'];

/** How each example of an inputs array is presented. */
export type ExampleKind =
  | { kind: 'image'; height: number; width: number; channels: number; chw: boolean }
  | { kind: 'tensor'; shape: number[] };

export function exampleKind(header: NpyHeader, name: string): ExampleKind {
  if (!INPUT_DTYPES.includes(header.dtype)) {
    throw new UserError(`${name}: inputs of dtype '${header.descr}' are not supported (use uint8, float32, float64, int64 or int32)`);
  }
  if (header.shape.length === 0) throw new UserError(`${name}: is a single value (shape ()); expected an array of examples (N, ...)`);
  const s = header.shape.slice(1);
  if (s.length === 2) return { kind: 'image', height: s[0], width: s[1], channels: 1, chw: false };
  if (s.length === 3 && [1, 3, 4].includes(s[2])) return { kind: 'image', height: s[0], width: s[1], channels: s[2], chw: false };
  if (s.length === 3 && [1, 3].includes(s[0])) return { kind: 'image', height: s[1], width: s[2], channels: s[0], chw: true };
  return { kind: 'tensor', shape: s };
}

/** Bytes of one example of the inputs array. */
export const exampleBytes = (header: NpyHeader) => elementCount(header.shape.slice(1)) * header.itemSize;

/** Little-endian typed view over a fresh copy of `bytes` (so it is aligned and owns its memory). */
function typed(dtype: NpyDtype, bytes: Uint8Array): Uint8Array | Int32Array | BigInt64Array | Float32Array | Float64Array {
  // A copy, aligned for the typed view (Buffer#slice would share the whole pool, not copy).
  const ab = new Uint8Array(bytes).buffer;
  switch (dtype) {
    case 'uint8': return new Uint8Array(ab);
    case 'int32': return new Int32Array(ab);
    case 'int64': return new BigInt64Array(ab);
    case 'float32': return new Float32Array(ab);
    case 'float64': return new Float64Array(ab);
    default: throw new Error(`unexpected dtype ${dtype}`);
  }
}

/** One example's bytes -> the image or tensor part of a Sample (or an error). */
export function makeExample(kind: ExampleKind, dtype: NpyDtype, bytes: Uint8Array, source: string): Pick<Sample, 'image' | 'tensor' | 'error'> {
  const values = typed(dtype, bytes);
  if (kind.kind === 'tensor') return { tensor: { shape: kind.shape, data: values } satisfies RawTensor };

  let data: Uint8Array | Float32Array;
  if (values instanceof Uint8Array || values instanceof Float32Array) data = values;
  else if (values instanceof Float64Array) data = Float32Array.from(values);
  else {
    data = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = Number(values[i]);
      if (!(v >= 0 && v <= 255)) return { error: `${source}: ${dtype} pixel value ${v} is outside 0..255; save images as uint8 or float32` };
      data[i] = v;
    }
  }
  const { height: h, width: w, channels: c } = kind;
  if (kind.chw && c > 1) {
    const hwc = data instanceof Uint8Array ? new Uint8Array(data.length) : new Float32Array(data.length);
    for (let ch = 0; ch < c; ch++) for (let p = 0; p < h * w; p++) hwc[p * c + ch] = data[ch * h * w + p];
    data = hwc;
  }
  return { image: { width: w, height: h, channels: c, data } satisfies RawImage };
}

/** A labels array (all of it) -> one label per example. */
export function decodeLabels(header: NpyHeader, bytes: Uint8Array, name: string): (number | string)[] {
  const s = header.shape;
  if (!(s.length === 1 || (s.length === 2 && s[1] === 1))) {
    const hint = s.length === 2 ? ' (one-hot labels? save y.argmax(1))' : '';
    throw new UserError(`${name}: labels have shape ${shapeText(s)}; expected (N,) class indices${hint}`);
  }
  const n = s[0];
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: (number | string)[] = new Array(n);
  switch (header.dtype) {
    case 'uint8': for (let i = 0; i < n; i++) out[i] = b[i]; break;
    case 'int8': for (let i = 0; i < n; i++) out[i] = b.readInt8(i); break;
    case 'int16': for (let i = 0; i < n; i++) out[i] = b.readInt16LE(2 * i); break;
    case 'uint16': for (let i = 0; i < n; i++) out[i] = b.readUInt16LE(2 * i); break;
    case 'int32': for (let i = 0; i < n; i++) out[i] = b.readInt32LE(4 * i); break;
    case 'int64':
      for (let i = 0; i < n; i++) {
        const v = b.readBigInt64LE(8 * i);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new UserError(`${name}: label ${v} at [${i}] is too large for a class index`);
        out[i] = Number(v);
      }
      break;
    case 'unicode': {
      const chars = header.itemSize / 4;
      for (let i = 0; i < n; i++) {
        let str = '';
        for (let k = 0; k < chars; k++) {
          const cp = b.readUInt32LE(header.itemSize * i + 4 * k);
          if (cp === 0) break;
          str += String.fromCodePoint(cp);
        }
        out[i] = str;
      }
      break;
    }
    default:
      throw new UserError(`${name}: labels are ${header.dtype}; expected integer class indices (int64, int32 or uint8). Save them with y.astype('int64')`);
  }
  return out;
}

/** Where a reader gets the bytes of examples [start, start+count) of the inputs array. */
export type ExampleBytesSource = (start: number, count: number) => Promise<Uint8Array>;

const CHUNK_BYTES = 1 << 20;

/** Samples from an inputs array (read in ~1 MB pieces) and its labels. */
export async function* arraySamples(
  header: NpyHeader,
  name: string,
  key: string,
  labels: (number | string)[],
  readBytes: ExampleBytesSource,
): AsyncGenerator<Sample> {
  const kind = exampleKind(header, name);
  const n = header.shape[0];
  const per = exampleBytes(header);
  const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / Math.max(1, per)));
  for (let i = 0; i < n; ) {
    const count = Math.min(perChunk, n - i);
    const chunk = await readBytes(i, count);
    for (let k = 0; k < count; k++, i++) {
      const source = `${key}[${i}]`;
      yield { index: i, source, label: labels[i], ...makeExample(kind, header.dtype, chunk.subarray(k * per, (k + 1) * per), source) };
    }
  }
}

/** Shared open-time checks of an inputs/labels pair. */
export function checkPair(inputs: NpyHeader, inputsName: string, labels: (number | string)[], labelsName: string, where: string): void {
  exampleKind(inputs, inputsName);
  const n = inputs.shape[0];
  if (n !== labels.length) {
    throw new UserError(`${inputsName} has ${n} examples but ${labelsName} has ${labels.length} labels; they must be equal`);
  }
  if (n === 0) throw new UserError(`${where}: ${inputsName} has no examples (shape ${shapeText(inputs.shape)})`, 'empty-dataset');
}

export interface ArrayKeys {
  /** Name of the inputs array: npz key, or .npy file stem. Default 'x'. */
  inputsKey?: string;
  /** Name of the labels array: npz key, or .npy file stem. Default 'y'. */
  labelsKey?: string;
}

/**
 * The labels file(s) that may go with an inputs .npy, in the order they are tried. An explicit
 * labelsKey names the file exactly (`<labelsKey>.npy`). Otherwise the inputs key in the stem
 * is swapped for 'y': `x.npy` -> `y.npy`, `x_test.npy` -> `y_test.npy`, `xf.npy` -> `yf.npy`,
 * `test_x.npy` -> `test_y.npy`; a stem without it (`images.npy`) -> `y.npy`.
 */
export function labelCandidates(inputsFile: string, keys: ArrayKeys = {}): string[] {
  const ik = keys.inputsKey ?? 'x';
  const stem = basename(inputsFile).replace(/\.npy$/i, '');
  const out: string[] = [];
  if (keys.labelsKey !== undefined) out.push(keys.labelsKey);
  else {
    const lk = 'y';
    if (stem.startsWith(ik)) out.push(lk + stem.slice(ik.length));
    const m = new RegExp(`^(.*[-_.])${escapeRe(ik)}$`).exec(stem);
    if (m) out.push(m[1] + lk);
    if (out.length === 0) out.push(lk);
  }
  return [...new Set(out)].map((s) => join(dirname(inputsFile), `${s}.npy`)).filter((p) => resolve(p) !== resolve(inputsFile));
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * An inputs .npy and its labels .npy beside it (see labelCandidates). Inputs are read lazily
 * with fd reads, ~1 MB at a time; the labels array is read whole at open (a few bytes per
 * example). `root` (default: the inputs file) is what the user pointed at.
 */
export async function openNpyPair(inputsFile: string, keys: ArrayKeys = {}, root?: string): Promise<Dataset> {
  const inputs = resolve(inputsFile);
  const name = basename(inputs);
  const header = await readNpyFileHeader(inputs, name);
  exampleKind(header, name);

  const candidates = labelCandidates(inputs, keys);
  let labelsFile: string | undefined;
  for (const c of candidates) {
    if (await isFile(c)) {
      labelsFile = c;
      break;
    }
  }
  if (candidates.length === 0) {
    throw new UserError(`${name}: is the labels array; point --data at the inputs array (${keys.inputsKey ?? 'x'}.npy)`);
  }
  if (!labelsFile) {
    throw new UserError(`${name}: its labels file was not found; looked for ${candidates.map((c) => basename(c)).join(', ')} in ${dirname(inputs)} (set labelsKey to name it)`, 'not-found');
  }
  const labelsName = basename(labelsFile);
  const lh = await readNpyFileHeader(labelsFile, labelsName);
  const lbytes = await readRange(labelsFile, lh.dataOffset, elementCount(lh.shape) * lh.itemSize);
  const labels = decodeLabels(lh, lbytes, labelsName);
  checkPair(header, name, labels, labelsName, inputs);

  const per = exampleBytes(header);
  const key = name.replace(/\.npy$/i, '');
  return {
    kind: 'npy',
    root: root ?? inputs,
    classes: undefined,
    size: header.shape[0],
    async *samples() {
      const fh = await open(inputs, 'r');
      try {
        yield* arraySamples(header, name, key, labels, async (start, count) => {
          const buf = Buffer.alloc(count * per);
          const { bytesRead } = await fh.read(buf, 0, buf.length, header.dataOffset + start * per);
          if (bytesRead < buf.length) throw new UserError(`${name}: file ended while reading examples ${start}..${start + count - 1}; was it changed during the run?`);
          return buf;
        });
      } finally {
        await fh.close();
      }
    },
  };
}

async function readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}
