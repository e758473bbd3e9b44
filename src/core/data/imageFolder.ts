/**
 * torchvision-style image folder: one sub-folder per class.
 * - classes: the sub-folder names, sorted with the default JS string sort (what Python's
 *   sorted() gives for these names), including folders that hold no images, so class indices
 *   match a training script that listed the same folders.
 * - examples: files ending in .png/.jpg/.jpeg/.bmp/.webp (any case) directly inside a class
 *   folder, sorted by name; index = position in (class, name) order; source = path relative
 *   to the root with forward slashes. Other files, deeper folders, and names starting with
 *   '.' (e.g. .ipynb_checkpoints, macOS ._ files) are ignored.
 * - labels: the class index (a number).
 * Files are only listed at open; they are read and decoded during iteration (decode.ts).
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { UserError } from '../errors';
import { decodeEntries, IMAGE_EXTENSIONS, type ImageEntry } from './decode';
import type { Dataset, Sample } from './types';

export const isImageName = (name: string) => !name.startsWith('.') && (IMAGE_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());

async function isDir(parent: string, d: Dirent): Promise<boolean> {
  if (d.isDirectory()) return true;
  if (!d.isSymbolicLink()) return false;
  try {
    return (await stat(join(parent, d.name))).isDirectory();
  } catch {
    return false;
  }
}

/** Class folder names under `root` (sorted), without reading the files in them. */
export async function classFolders(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true });
  const names: string[] = [];
  for (const d of entries) if (!d.name.startsWith('.') && (await isDir(root, d))) names.push(d.name);
  return names.sort();
}

export class ImageFolderDataset implements Dataset {
  readonly kind = 'image-folder' as const;
  readonly size: number;
  private constructor(
    readonly root: string,
    readonly classes: string[],
    private readonly entries: ImageEntry[],
  ) {
    this.size = entries.length;
  }

  static async open(path: string): Promise<ImageFolderDataset> {
    const root = resolve(path);
    const classes = await classFolders(root);
    const entries: ImageEntry[] = [];
    for (let c = 0; c < classes.length; c++) {
      // Every entry with an image name counts, whatever its type: a directory or a broken
      // link named like an image becomes an error sample instead of silently vanishing.
      const names = (await readdir(join(root, classes[c]))).filter(isImageName).sort();
      for (const n of names) entries.push({ path: join(root, classes[c], n), source: `${classes[c]}/${n}`, label: c });
    }
    if (entries.length === 0) {
      const loose = (await readdir(root)).filter(isImageName).length;
      const looked = `looked for ${IMAGE_EXTENSIONS.join(' ')} files in one sub-folder per class`;
      throw new UserError(
        classes.length === 0
          ? `${root}: no class sub-folders with images (${looked}${loose ? `; found ${loose} images directly in the folder: move them into class folders` : ''})`
          : `${root}: no images found in its ${classes.length} class folders (${classes.slice(0, 5).join(', ')}${classes.length > 5 ? ', …' : ''}); ${looked}`,
        'empty-dataset',
      );
    }
    return new ImageFolderDataset(root, classes, entries);
  }

  samples(): AsyncIterable<Sample> {
    return decodeEntries(this.entries);
  }
}

export const openImageFolder = (path: string): Promise<Dataset> => ImageFolderDataset.open(path);
