/**
 * `--data <path>` -> a Dataset, choosing the reader from what the path is:
 * - a folder holding idx3/idx1 files                    -> IDX
 * - a folder holding `<inputsKey>.npy` (default x.npy)  -> .npy pair
 * - a folder with class sub-folders                     -> image folder
 * - `*.csv` / `*.jsonl`                                 -> manifest
 * - a file whose name has `idx3` (raw or .gz)            -> IDX (labels found beside it)
 * - `*.npy` / `*.npz`                                   -> arrays
 * Every reader refuses an empty dataset with a UserError ('empty-dataset') naming the path
 * and what it looked for; a missing path is a UserError ('not-found').
 */
import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { UserError } from '../errors';
import { idxFilesIn, openIdx } from './idx';
import { openImageFolder } from './imageFolder';
import { openManifest } from './manifest';
import { openNpyPair } from './npy';
import { openNpz } from './npz';
import type { Dataset } from './types';

export interface OpenOptions {
  /** Manifest split to keep (rows with this `split` value). */
  split?: string;
  /** Inputs array: npz key or .npy file stem (default 'x'). */
  inputsKey?: string;
  /** Labels array: npz key or .npy file stem (default 'y'). */
  labelsKey?: string;
}

export async function openDataset(path: string, options: OpenOptions = {}): Promise<Dataset> {
  const abs = resolve(path);
  let st;
  try {
    st = await stat(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' || code === 'ENOTDIR' ? `${abs}: not found` : `${abs}: cannot be read (${code ?? (e as Error).message})`, 'not-found');
  }
  const keys = { inputsKey: options.inputsKey, labelsKey: options.labelsKey };
  const name = basename(abs).toLowerCase();

  if (st.isDirectory()) {
    if (await idxFilesIn(abs)) return openIdx(abs);
    const npy = join(abs, `${options.inputsKey ?? 'x'}.npy`);
    if (await isFile(npy)) return openNpyPair(npy, keys, abs);
    return openImageFolder(abs);
  }
  if (name.endsWith('.csv') || name.endsWith('.jsonl')) return openManifest(abs, { split: options.split });
  if (name.endsWith('.npy')) return openNpyPair(abs, keys);
  if (name.endsWith('.npz')) return openNpz(abs, keys);
  if (/idx[13]/.test(name)) return openIdx(abs);
  throw new UserError(
    `${abs}: unrecognised data file; expected a folder (class sub-folders or IDX files), a .csv/.jsonl manifest, an IDX images file (…images-idx3-ubyte[.gz]), or a .npy/.npz array`,
  );
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}
