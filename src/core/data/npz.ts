/**
 * NumPy .npz archives (np.savez / np.savez_compressed): a zip of .npy members. The inputs
 * and labels arrays are the members `<inputsKey>.npy` and `<labelsKey>.npy` (default x, y).
 *
 * Not streamed: the archive is read into memory and the two members are unzipped whole with
 * fflate (members may be deflated, so there is no cheap random access). Memory is about the
 * file size plus the two arrays; for arrays of several GB, save .npy files instead.
 */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import { UserError } from '../errors';
import { arraySamples, checkPair, decodeLabels, elementCount, parseNpyHeader, shapeText, type ArrayKeys } from './npy';
import type { Dataset } from './types';

export async function openNpz(file: string, keys: ArrayKeys = {}): Promise<Dataset> {
  const path = resolve(file);
  const name = basename(path);
  const ik = keys.inputsKey ?? 'x';
  const lk = keys.labelsKey ?? 'y';
  const zip = await readFile(path);
  const members: string[] = [];
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter: (f) => {
        members.push(f.name);
        return f.name === `${ik}.npy` || f.name === `${lk}.npy`;
      },
    });
  } catch (e) {
    throw new UserError(`${name}: not a readable .npz (zip) archive (${(e as Error).message})`);
  }
  const available = members.filter((m) => m.endsWith('.npy')).map((m) => m.slice(0, -4));
  for (const key of [ik, lk]) {
    if (!files[`${key}.npy`]) {
      throw new UserError(`${name}: has no array '${key}' (arrays in the file: ${available.join(', ') || 'none'}); choose them with inputsKey / labelsKey`);
    }
  }

  const inputsName = `${name}:${ik}`;
  const labelsName = `${name}:${lk}`;
  const xBytes = files[`${ik}.npy`];
  const yBytes = files[`${lk}.npy`];
  const header = parseNpyHeader(xBytes, inputsName);
  const lh = parseNpyHeader(yBytes, labelsName);
  for (const [h, bytes, n] of [[header, xBytes, inputsName], [lh, yBytes, labelsName]] as const) {
    const need = h.dataOffset + elementCount(h.shape) * h.itemSize;
    if (bytes.length < need) throw new UserError(`${n}: array is truncated: shape ${shapeText(h.shape)} needs ${need} bytes, the member has ${bytes.length}`);
  }
  const labels = decodeLabels(lh, yBytes.subarray(lh.dataOffset), labelsName);
  checkPair(header, inputsName, labels, labelsName, path);

  const per = elementCount(header.shape.slice(1)) * header.itemSize;
  const data = xBytes.subarray(header.dataOffset);
  return {
    kind: 'npz',
    root: path,
    classes: undefined,
    size: header.shape[0],
    samples: () => arraySamples(header, inputsName, ik, labels, async (start, count) => data.subarray(start * per, (start + count) * per)),
  };
}
