/**
 * A manifest lists examples: CSV with a header row `path,label[,split]` (any column order,
 * extra columns ignored) or JSONL with one object per line `{"path", "label", "split"?}`.
 * - path: relative to the manifest's folder, '/' or '\' separators. Absolute paths and paths
 *   that resolve outside that folder are refused (UserError naming the line and the path).
 *   Symlinks inside the folder are not followed for this check.
 * - label: kept as given: CSV labels are strings (a "3" stays "3"); JSONL labels are a string
 *   or an integer. Names are resolved to class indices later, against the final class list.
 * - split: when the `split` option is given, only rows with that split are read; index is
 *   the position among those rows.
 * The whole manifest is parsed at open (rows are small), so a malformed row fails before
 * any image is read; images are decoded during iteration, as in the image-folder reader.
 */
import { createReadStream } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { UserError } from '../errors';
import { decodeEntries, type ImageEntry } from './decode';
import type { Dataset, Sample } from './types';

export interface ManifestOptions {
  /** Keep only rows whose split column equals this. */
  split?: string;
}

interface Row {
  path: string;
  label: string | number;
  split: string | undefined;
  /** 'line N' for messages. */
  where: string;
}

export class ManifestDataset implements Dataset {
  readonly kind = 'manifest' as const;
  /** The manifest gives no class list: the caller decides (see labelNames). */
  readonly classes = undefined;
  readonly size: number;
  private constructor(
    readonly root: string,
    private readonly entries: ImageEntry[],
    /** Distinct labels of all rows (every split), as strings, in first-seen order. */
    readonly labelNames: string[],
    /** Distinct split values in first-seen order (empty when there is no split column). */
    readonly splits: string[],
  ) {
    this.size = entries.length;
  }

  static async open(path: string, options: ManifestOptions = {}): Promise<ManifestDataset> {
    const file = resolve(path);
    const name = basename(file);
    const rows = /\.jsonl$/i.test(file) ? await readJsonl(file, name) : await readCsv(file, name, options.split !== undefined);
    const dir = dirname(file);

    const labelNames = [...new Set(rows.map((r) => String(r.label)))];
    const splits = [...new Set(rows.flatMap((r) => (r.split === undefined ? [] : [r.split])))];
    const kept = options.split === undefined ? rows : rows.filter((r) => r.split === options.split);
    const entries = kept.map((r) => {
      const abs = resolveInside(dir, r.path, `${name}: ${r.where}`);
      return { path: abs, source: relative(dir, abs).split(sep).join('/'), label: r.label };
    });
    if (entries.length === 0) {
      throw new UserError(
        rows.length === 0
          ? `${file}: has no rows (expected a header 'path,label[,split]' and one row per example)`
          : `${file}: no rows with split '${options.split}' (splits in the file: ${splits.join(', ') || 'none'})`,
        'empty-dataset',
      );
    }
    return new ManifestDataset(file, entries, labelNames, splits);
  }

  samples(): AsyncIterable<Sample> {
    return decodeEntries(this.entries);
  }
}

export const openManifest = (path: string, options?: ManifestOptions): Promise<ManifestDataset> => ManifestDataset.open(path, options);

/** Absolute path of `p` inside `dir`; a UserError naming `where` and `p` when it is not inside. */
export function resolveInside(dir: string, p: string, where: string): string {
  const norm = p.replace(/\\/g, '/');
  if (isAbsolute(norm) || /^[A-Za-z]:\//.test(norm) || norm.startsWith('//')) {
    throw new UserError(`${where}: path "${p}" is absolute; manifest paths must be relative to the manifest's folder ${dir}`);
  }
  const abs = resolve(dir, norm);
  const rel = relative(dir, abs);
  if (rel === '' || rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel)) {
    throw new UserError(`${where}: path "${p}" resolves outside the manifest's folder ${dir}`);
  }
  return abs;
}

async function readCsv(file: string, name: string, needSplit: boolean): Promise<Row[]> {
  const parser = createReadStream(file).pipe(
    parse({ bom: true, trim: true, skip_empty_lines: true, info: true, relax_quotes: false }),
  );
  const rows: Row[] = [];
  let col: { path: number; label: number; split: number } | undefined;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!col) {
        const header = record.map((h) => h.toLowerCase());
        col = { path: header.indexOf('path'), label: header.indexOf('label'), split: header.indexOf('split') };
        const missing = (['path', 'label'] as const).filter((k) => col![k] < 0);
        if (missing.length) {
          throw new UserError(`${name}: line ${info.lines}: the header has no ${missing.map((m) => `'${m}'`).join(' or ')} column (columns: ${record.join(', ')}); expected 'path,label[,split]'`);
        }
        if (needSplit && col.split < 0) throw new UserError(`${name}: has no 'split' column, so it cannot be filtered by split`);
        continue;
      }
      const where = `line ${info.lines}`;
      const path = record[col.path];
      const label = record[col.label];
      if (!path) throw new UserError(`${name}: ${where}: empty path`);
      if (!label) throw new UserError(`${name}: ${where}: empty label for "${path}"`);
      rows.push({ path, label, split: col.split >= 0 ? record[col.split] : undefined, where });
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${name}: malformed CSV: ${(e as Error).message}`);
  } finally {
    parser.destroy();
  }
  if (!col) throw new UserError(`${file}: is empty (expected a header 'path,label[,split]' and one row per example)`, 'empty-dataset');
  return rows;
}

async function readJsonl(file: string, name: string): Promise<Row[]> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  const rows: Row[] = [];
  let n = 0;
  try {
    for await (const raw of lines) {
      n++;
      const line = n === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (line.trim() === '') continue;
      const where = `line ${n}`;
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch (e) {
        throw new UserError(`${name}: ${where}: bad JSON (${(e as Error).message})`);
      }
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
        throw new UserError(`${name}: ${where}: expected a JSON object with "path" and "label", got ${clip(line)}`);
      }
      const { path, label, split } = obj as Record<string, unknown>;
      if (typeof path !== 'string' || path === '') throw new UserError(`${name}: ${where}: missing or empty "path" in ${clip(line)}`);
      if (!((typeof label === 'string' && label !== '') || (typeof label === 'number' && Number.isInteger(label)))) {
        throw new UserError(`${name}: ${where}: "label" must be a class name or an integer index, got ${label === undefined ? 'nothing' : JSON.stringify(label)}`);
      }
      if (split !== undefined && typeof split !== 'string' && typeof split !== 'number') {
        throw new UserError(`${name}: ${where}: "split" must be a string, got ${JSON.stringify(split)}`);
      }
      rows.push({ path, label, split: split === undefined ? undefined : String(split), where });
    }
  } finally {
    lines.close();
  }
  return rows;
}

const clip = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}...` : s);
