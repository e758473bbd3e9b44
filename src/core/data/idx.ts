/**
 * MNIST-style IDX files: an images file (magic 0x00000803: uint8, 3 dims N x rows x cols) and a
 * labels file (magic 0x00000801: uint8, 1 dim N), each raw or gzipped. Gzip is detected by
 * the file's first bytes, not its name (browsers often save a decompressed `.gz`).
 *
 * Streaming: open reads only the headers (and the labels, 1 byte per example); samples()
 * reads images in ~1 MB pieces with fd reads or a gunzip stream, so memory does not grow
 * with the file. A raw file's length is checked against its header at open; a gzipped
 * file's length can only be known by decompressing it, so truncation there is reported
 * when the stream ends early (as a UserError thrown from the iteration).
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors';
import { fileReader, gunzipReader, isGzipFile, type ByteReader } from './byteReader';
import type { Dataset, Sample } from './types';

const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;
const CHUNK_BYTES = 1 << 20;

const hex = (n: number) => '0x' + n.toString(16).padStart(8, '0');

interface IdxHeader {
  dims: number[];
  /** Bytes before the data. */
  headerBytes: number;
}

async function openReader(path: string): Promise<{ reader: ByteReader; gz: boolean }> {
  const gz = await isGzipFile(path);
  return { reader: gz ? gunzipReader(path) : await fileReader(path), gz };
}

/** Wraps zlib stream errors into a one-line UserError naming the file. */
async function readOrFail(reader: ByteReader, n: number, name: string): Promise<Buffer> {
  try {
    return await reader.read(n);
  } catch (e) {
    const msg = (e as Error).message;
    throw new UserError(`${name}: gzip data is truncated or corrupt (${msg})`);
  }
}

async function readHeader(reader: ByteReader, name: string, magic: number, what: string): Promise<IdxHeader> {
  const ndim = magic & 0xff;
  const head = await readOrFail(reader, 4 + 4 * ndim, name);
  if (head.length < 4) throw new UserError(`${name}: file is too short to be an IDX ${what} file (${head.length} bytes)`);
  const got = head.readUInt32BE(0);
  if (got !== magic) {
    throw new UserError(`${name}: wrong magic number ${hex(got)} (expected ${hex(magic)} for IDX ${what})`);
  }
  if (head.length < 4 + 4 * ndim) throw new UserError(`${name}: file ends inside its header (${head.length} bytes)`);
  const dims = Array.from({ length: ndim }, (_, i) => head.readUInt32BE(4 + 4 * i));
  return { dims, headerBytes: 4 + 4 * ndim };
}

/** Checks a raw file's size against its header; gzipped files are checked while reading. */
async function checkRawSize(path: string, name: string, header: IdxHeader, what: string): Promise<void> {
  const expected = header.headerBytes + header.dims.reduce((a, b) => a * b, 1);
  const { size } = await stat(path);
  if (size !== expected) {
    const n = header.dims[0];
    const shape = header.dims.join('x');
    throw new UserError(
      size < expected
        ? `${name}: file is ${size} bytes but its header (${n} ${what}, ${shape}) needs ${expected}; the file is truncated`
        : `${name}: file is ${size} bytes but its header (${n} ${what}, ${shape}) needs ${expected}; it has ${size - expected} extra bytes`,
    );
  }
}

async function readLabels(path: string): Promise<Uint8Array> {
  const name = basename(path);
  const { reader, gz } = await openReader(path);
  try {
    const header = await readHeader(reader, name, LABELS_MAGIC, 'labels');
    if (!gz) await checkRawSize(path, name, header, 'labels');
    const n = header.dims[0];
    const labels = await readOrFail(reader, n, name);
    if (labels.length < n) throw new UserError(`${name}: data ends after ${labels.length} of ${n} labels; the file is truncated`);
    if (gz && (await readOrFail(reader, 1, name)).length > 0) throw new UserError(`${name}: holds more data than its header's ${n} labels`);
    return new Uint8Array(labels);
  } finally {
    await reader.close();
  }
}

/**
 * IDX images + labels as a Dataset. `images` and `labels` are absolute file paths; `root` is
 * what the user pointed at (the folder or the images file), reported as Dataset.root.
 */
export async function openIdxPair(images: string, labels: string, root = images): Promise<Dataset> {
  const name = basename(images);
  const { reader, gz } = await openReader(images);
  let header: IdxHeader;
  try {
    header = await readHeader(reader, name, IMAGES_MAGIC, 'images');
  } finally {
    await reader.close();
  }
  const [n, rows, cols] = header.dims;
  if (rows === 0 || cols === 0 || rows * cols > 1 << 26) throw new UserError(`${name}: image size ${rows}x${cols} in the header is not usable`);
  if (!gz) await checkRawSize(images, name, header, 'images');
  const labelValues = await readLabels(labels);
  if (labelValues.length !== n) {
    throw new UserError(`${name} has ${n} images but ${basename(labels)} has ${labelValues.length} labels; they must be equal`);
  }
  if (n === 0) throw new UserError(`${images}: the IDX header says 0 images (looked for examples in the IDX images file)`, 'empty-dataset');

  const imageBytes = rows * cols;
  async function* samples(): AsyncGenerator<Sample> {
    const { reader } = await openReader(images);
    try {
      await readOrFail(reader, header.headerBytes, name);
      const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / imageBytes));
      for (let i = 0; i < n; ) {
        const count = Math.min(perChunk, n - i);
        const chunk = await readOrFail(reader, count * imageBytes, name);
        if (chunk.length < count * imageBytes) {
          const whole = i + Math.floor(chunk.length / imageBytes);
          throw new UserError(`${name}: data ends after ${whole} of ${n} images (header says ${n}); the file is truncated`);
        }
        for (let k = 0; k < count; k++, i++) {
          // A copy per image: a kept Sample must not pin the whole 1 MB chunk.
          const data = new Uint8Array(chunk.subarray(k * imageBytes, (k + 1) * imageBytes));
          yield { index: i, source: `${name}[${i}]`, label: labelValues[i], image: { width: cols, height: rows, channels: 1, data } };
        }
      }
      if (gz && (await readOrFail(reader, 1, name)).length > 0) {
        throw new UserError(`${name}: holds more data than its header's ${n} images`);
      }
    } finally {
      await reader.close();
    }
  }

  return { kind: 'idx', root, classes: undefined, size: n, samples };
}

const IDX3 = /images([-._])idx3/;

/** The labels file that goes with an images file: `…images-idx3…` -> `…labels-idx1…`. */
export async function findLabelsFor(images: string): Promise<string> {
  const name = basename(images);
  if (!IDX3.test(name)) {
    throw new UserError(`${name}: cannot tell where its labels are; an IDX images file should be named like 'train-images-idx3-ubyte' with 'train-labels-idx1-ubyte' beside it`);
  }
  const wanted = name.replace(IDX3, 'labels$1idx1');
  const toggled = wanted.endsWith('.gz') ? wanted.slice(0, -3) : `${wanted}.gz`;
  for (const candidate of [wanted, toggled]) {
    const p = join(dirname(images), candidate);
    if (await isFile(p)) return p;
  }
  throw new UserError(`${name}: its labels file was not found; looked for ${wanted} or ${toggled} in ${dirname(images)}`, 'not-found');
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** Names in a folder that look like IDX images / labels files; undefined when there are none of either. */
export async function idxFilesIn(dir: string): Promise<{ images: string[]; labels: string[] } | undefined> {
  const names = (await readdir(dir)).filter((n) => !n.startsWith('.')).sort();
  const images = names.filter((n) => /idx3/.test(n));
  const labels = names.filter((n) => /idx1/.test(n));
  return images.length || labels.length ? { images, labels } : undefined;
}

/**
 * `path` is a folder holding exactly one idx3 images file and one idx1 labels file, or the
 * images file itself (labels found beside it).
 */
export async function openIdx(path: string): Promise<Dataset> {
  const abs = resolve(path);
  if ((await stat(abs)).isDirectory()) {
    const found = (await idxFilesIn(abs)) ?? { images: [], labels: [] };
    if (found.images.length !== 1 || found.labels.length !== 1) {
      const list = (xs: string[]) => (xs.length ? xs.join(', ') : 'none');
      throw new UserError(
        `${abs}: expected exactly one idx3 images file and one idx1 labels file, found images: ${list(found.images)}; labels: ${list(found.labels)}. Point --data at one images file instead`,
      );
    }
    return openIdxPair(join(abs, found.images[0]), join(abs, found.labels[0]), abs);
  }
  if (/idx1/.test(basename(abs)) && !/idx3/.test(basename(abs))) {
    throw new UserError(`${basename(abs)}: this is an IDX labels file; point --data at the images file (…images-idx3…) instead`);
  }
  return openIdxPair(abs, await findLabelsFor(abs));
}
