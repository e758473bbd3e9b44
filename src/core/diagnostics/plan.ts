/**
 * Planning a diagnostics run: the model's graph, the data as one or more named splits, the
 * class list and the pre-processing. Runs in the diagnostics child process (it decodes a
 * first example). Unlike inspect's plan, a model the tool cannot feed (several inputs, an
 * integer input, a class count that does not match) is not an error here: the graph and data
 * checks still run, and the checks that need inference say why they were skipped.
 *
 * Splits, from `--data`:
 * - `name=path` given several times: one split each;
 * - a folder whose sub-folders are all split names (train, val, test, …), each holding a
 *   dataset (class folders, IDX files, x.npy …);
 * - a manifest with a `split` column: one split per value;
 * - a folder holding several IDX image/label pairs (train-…, t10k-…): one split per prefix;
 * - a folder of images without class folders: unlabelled;
 * - anything else the readers open: one split named after the file or folder.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parse } from 'csv-parse/sync';
import { indexOfClass, readLabelsFile } from '../classes';
import { decodeEntries, IMAGE_EXTENSIONS, type ImageEntry } from '../data/decode';
import { idxFilesIn, openIdxPair } from '../data/idx';
import { isImageName } from '../data/imageFolder';
import { ManifestDataset, openManifest } from '../data/manifest';
import { openDataset } from '../data/open';
import { defaultPreprocess, inputLayout, validatePreprocess, type InputLayout } from '../data/preprocess';
import { loadRunConfig } from '../data/runConfig';
import type { Dataset, Sample } from '../data/types';
import { UserError } from '../errors';
import { classesFromMetadata, type ValueInfo } from '../model/graph';
import { pickOutput } from '../plan';
import type { PreprocessConfig } from '../protocol';
import { readGraphFacts, type GraphFacts } from './graphFacts';
import type { DiagnoseOptions } from './types';

export const SPLIT_NAMES = ['train', 'training', 'train-dev', 'train_dev', 'traindev', 'train-val', 'trainval', 'val', 'valid', 'validation', 'dev', 'test', 'testing', 'holdout', 'eval'];

export interface PlannedSplit {
  name: string;
  /** What the user pointed at for this split (folder or file). */
  path: string;
  dataset: Dataset;
  /** Prefix for example sources so they read relative to the data root (e.g. 'train/'). */
  prefix: string;
  /** For manifests: manifest line of each example source. */
  lines?: Map<string, number>;
}

export interface DiagnosePlan {
  modelPath: string;
  facts: GraphFacts;
  /** Why inference-based checks cannot run on this model with this data; undefined when they can. */
  modelProblem?: string;
  input?: ValueInfo;
  output?: ValueInfo;
  layout?: InputLayout;
  dataRoot: string;
  dataKind: string;
  splits: PlannedSplit[];
  classes: string[];
  preprocess?: PreprocessConfig;
}

class UnlabelledFolder implements Dataset {
  readonly kind = 'image-folder' as const;
  readonly classes = undefined;
  readonly size: number;
  constructor(readonly root: string, private readonly entries: ImageEntry[]) {
    this.size = entries.length;
  }
  samples(): AsyncIterable<Sample> {
    return decodeEntries(this.entries);
  }
}

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

/** Manifest source (path relative to its folder, '/' separators) -> 1-based line. */
export async function manifestLines(file: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const dir = dirname(file);
  const norm = (p: string) => relative(dir, resolve(dir, p.replace(/\\/g, '/'))).split(sep).join('/');
  const text = await readFile(file, 'utf8').catch(() => '');
  if (/\.jsonl$/i.test(file)) {
    text.split(/\r?\n/).forEach((line, i) => {
      try {
        const o = JSON.parse(line) as { path?: unknown };
        if (typeof o?.path === 'string' && !out.has(norm(o.path))) out.set(norm(o.path), i + 1);
      } catch {
        // the reader reports malformed lines
      }
    });
    return out;
  }
  try {
    const rows = parse(text, { bom: true, trim: true, skip_empty_lines: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
    const header = rows[0]?.record.map((h) => h.toLowerCase()) ?? [];
    const col = header.indexOf('path');
    for (const { record, info } of rows.slice(1)) if (col >= 0 && record[col] && !out.has(norm(record[col]))) out.set(norm(record[col]), info.lines);
  } catch {
    // the reader reports malformed CSV
  }
  return out;
}

async function openSplits(opts: DiagnoseOptions): Promise<{ root: string; kind: string; splits: PlannedSplit[] }> {
  const keys = { inputsKey: opts.inputsKey, labelsKey: opts.labelsKey };
  if (Array.isArray(opts.data)) {
    if (opts.data.length === 0) throw new UserError('no data given');
    const splits: PlannedSplit[] = [];
    for (const { split, path } of opts.data) {
      const abs = resolve(path);
      const ds = await openDataset(abs, keys);
      splits.push({ name: split, path: abs, dataset: ds, prefix: opts.data.length > 1 ? `${split}:` : '', lines: ds.kind === 'manifest' ? await manifestLines(abs) : undefined });
    }
    return { root: splits.length === 1 ? splits[0].path : dirname(splits[0].path), kind: splits.length === 1 ? splits[0].dataset.kind : 'splits', splits };
  }
  const abs = resolve(opts.data);
  const st = await stat(abs).catch(() => undefined);
  if (!st) throw new UserError(`${abs}: not found`, 'not-found');
  if (st.isDirectory()) {
    const subs = (await readdir(abs, { withFileTypes: true })).filter((d) => !d.name.startsWith('.'));
    const rank = (d: string) => SPLIT_NAMES.indexOf(d.toLowerCase());
    const dirs = subs.filter((d) => d.isDirectory()).map((d) => d.name).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    if (dirs.length > 0 && dirs.every((d) => SPLIT_NAMES.includes(d.toLowerCase()))) {
      const splits: PlannedSplit[] = [];
      for (const d of dirs) splits.push({ name: d, path: join(abs, d), dataset: await openDataset(join(abs, d), keys), prefix: `${d}/` });
      return { root: abs, kind: 'splits', splits };
    }
    const idx = await idxFilesIn(abs);
    if (idx && idx.images.length > 1) {
      const splits: PlannedSplit[] = [];
      for (const img of idx.images) {
        const prefix = img.split(/[-._]images/)[0];
        const lab = idx.labels.find((l) => l.split(/[-._]labels/)[0] === prefix);
        if (!lab) throw new UserError(`${join(abs, img)}: no labels file with the same prefix '${prefix}' beside it`, 'not-found');
        const name = prefix === 't10k' ? 'test' : prefix;
        splits.push({ name, path: join(abs, img), dataset: await openIdxPair(join(abs, img), join(abs, lab), abs), prefix: `${name}:` });
      }
      const rank = (d: string) => (SPLIT_NAMES.includes(d) ? SPLIT_NAMES.indexOf(d) : SPLIT_NAMES.length);
      splits.sort((a, b) => rank(a.name) - rank(b.name));
      return { root: abs, kind: 'idx', splits };
    }
    const npy = await stat(join(abs, `${opts.inputsKey ?? 'x'}.npy`)).catch(() => undefined);
    if (dirs.length === 0 && !idx && !npy) {
      const names = subs.filter((d) => d.isFile() && isImageName(d.name)).map((d) => d.name).sort();
      if (names.length === 0) throw new UserError(`${abs}: no images, class folders or split folders found (looked for ${IMAGE_EXTENSIONS.join(' ')} files)`, 'empty-dataset');
      const ds = new UnlabelledFolder(abs, names.map((n) => ({ path: join(abs, n), source: n, label: null })));
      return { root: abs, kind: 'unlabelled-folder', splits: [{ name: basename(abs), path: abs, dataset: ds, prefix: '' }] };
    }
  }
  if (/\.(csv|jsonl)$/i.test(abs)) {
    const all = await openManifest(abs);
    const lines = await manifestLines(abs);
    if (all.splits.length > 0) {
      const splits: PlannedSplit[] = [];
      const rank = (d: string) => (SPLIT_NAMES.includes(d.toLowerCase()) ? SPLIT_NAMES.indexOf(d.toLowerCase()) : SPLIT_NAMES.length);
      const ordered = [...all.splits].sort((a, b) => rank(a) - rank(b));
      for (const s of ordered) splits.push({ name: s, path: abs, dataset: await ManifestDataset.open(abs, { split: s }), prefix: '', lines });
      return { root: abs, kind: 'manifest', splits };
    }
    return { root: abs, kind: 'manifest', splits: [{ name: 'all', path: abs, dataset: all, prefix: '', lines }] };
  }
  const ds = await openDataset(abs, keys);
  return { root: abs, kind: ds.kind, splits: [{ name: basename(abs), path: abs, dataset: ds, prefix: '' }] };
}

async function firstSample(splits: PlannedSplit[]): Promise<Sample | undefined> {
  for (const s of splits) for await (const x of s.dataset.samples()) if (!x.error) return x;
  return undefined;
}

function outputClasses(output: ValueInfo | undefined): number | undefined {
  const last = output?.shape?.[output.shape.length - 1];
  return typeof last === 'number' ? (last === 1 ? 2 : last) : undefined;
}

export async function planDiagnose(opts: DiagnoseOptions): Promise<DiagnosePlan> {
  const modelPath = resolve(opts.model);
  const facts = await readGraphFacts(modelPath);
  const { root, kind, splits } = await openSplits(opts);
  const info = facts.info;
  const problems: string[] = [];

  let input: ValueInfo | undefined;
  let layout: InputLayout | undefined;
  if (info.inputs.length !== 1) problems.push(`the model has ${info.inputs.length} inputs (${info.inputs.map((i) => i.name).join(', ')}); the tool feeds models with one input`);
  else {
    input = info.inputs[0];
    try {
      layout = inputLayout(input);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  let output: ValueInfo | undefined;
  try {
    output = pickOutput(info, opts.output);
  } catch (e) {
    problems.push((e as Error).message);
  }

  const numOut = outputClasses(output);
  const labelNames = splits.flatMap((s) => (s.dataset as Dataset & { labelNames?: string[] }).labelNames ?? []);
  const dataClasses = splits.find((s) => s.dataset.classes)?.dataset.classes;
  let classes =
    (opts.labels ? await readLabelsFile(resolve(opts.labels)) : undefined) ??
    classesFromMetadata(info.metadata) ??
    dataClasses ??
    (labelNames.length && labelNames.some((n) => !/^\d+$/.test(n)) ? [...new Set(labelNames)] : undefined);
  if (!classes) classes = numOut !== undefined ? Array.from({ length: numOut }, (_, i) => String(i)) : [];
  // Folder names that are no class of the model: the model cannot be scored on this data, but
  // the data checks still run, over the data's own classes.
  const unknown = [...new Set(splits.flatMap((s) => (s.dataset.classes ?? []).filter((n) => indexOfClass(classes!, n) < 0)))];
  if (unknown.length) {
    problems.push(`folder${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 5).map((n) => `"${n}"`).join(', ')}${unknown.length > 5 ? ', …' : ''} match${unknown.length > 1 ? '' : 'es'} none of the model's classes (${classes.slice(0, 10).join(', ')}${classes.length > 10 ? ', …' : ''})`);
    classes = [...new Set(splits.flatMap((s) => s.dataset.classes ?? []))].sort();
  } else if (numOut !== undefined && classes.length !== numOut) {
    problems.push(`${classes.length} class names but the model's output '${output?.name}' has ${numOut} scores`);
  }

  let preprocess: PreprocessConfig | undefined;
  if (layout) {
    const saved = await loadRunConfig(splits.length === 1 ? splits[0].path : root, modelPath).catch(() => ({ config: undefined }));
    const first = await firstSample(splits);
    if (!first) throw new UserError(`${root}: the dataset has no readable examples`, 'empty-dataset');
    preprocess = saved.config?.preprocess ?? defaultPreprocess(layout, first);
    if (opts.scale) {
      preprocess = { ...preprocess, scale: opts.scale };
      if (opts.scale === 'custom') preprocess = { ...preprocess, mean: opts.mean, std: opts.std };
      else delete preprocess.mean, delete preprocess.std;
    }
    try {
      validatePreprocess(preprocess);
    } catch (e) {
      if (e instanceof UserError && e.code === 'invalid-input') throw e;
      problems.push((e as Error).message);
      preprocess = undefined;
    }
  }
  return {
    modelPath,
    facts,
    modelProblem: problems.length ? problems.join('; ') : undefined,
    input,
    output,
    layout,
    dataRoot: root,
    dataKind: kind,
    splits,
    classes,
    preprocess,
  };
}

/** Class index of a sample's label against `classes` (-1: unlabelled); a UserError for a name that is no class. */
export function resolveLabel(label: Sample['label'], dataset: Dataset, classes: string[], source: string): number {
  if (label === null) return -1;
  let name: string;
  if (typeof label === 'number') {
    if (dataset.classes) name = dataset.classes[label] ?? String(label);
    else {
      if (!Number.isInteger(label) || label < 0 || label >= classes.length) throw new UserError(`label ${label} of ${source} is out of range: there are ${classes.length} classes (0-${classes.length - 1})`);
      return label;
    }
  } else name = label;
  const i = indexOfClass(classes, name);
  if (i >= 0) return i;
  if (/^\d+$/.test(name) && Number(name) < classes.length) return Number(name);
  const shown = classes.slice(0, 12).join(', ') + (classes.length > 12 ? ', …' : '');
  throw new UserError(`label "${name}" of ${source} is not one of the classes (${shown})`);
}
