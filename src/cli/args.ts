/** Argument parsing for the CLI; flags are a contract (documented in the README). */
import { parseArgs } from 'node:util';
import type { InspectOptions } from '../core/inspect';
import type { LabelIssueRanking, ScaleName } from '../core/protocol';
import { SCALE_NAMES } from '../core/data/preprocess';

export class UsageError extends Error {}

export interface InspectCli extends InspectOptions {
  json: boolean;
  out?: string;
  quiet: boolean;
}

const num = (flag: string, v: string | undefined, check: (n: number) => boolean, what: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${flag} ${v}: expected ${what}`);
  return n;
};

const numbers = (flag: string, v: string | undefined): number[] | undefined => {
  if (v === undefined) return undefined;
  const parts = v.split(',').map((x) => Number(x.trim()));
  if (parts.length === 0 || parts.some((x) => !Number.isFinite(x))) throw new UsageError(`--${flag} ${v}: expected comma-separated numbers, e.g. 0.5,0.5,0.5`);
  return parts;
};

export function parseInspect(argv: string[]): InspectCli {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string', short: 'd' },
      labels: { type: 'string' },
      scale: { type: 'string' },
      mean: { type: 'string' },
      std: { type: 'string' },
      output: { type: 'string' },
      ep: { type: 'string' },
      'batch-size': { type: 'string' },
      top: { type: 'string' },
      'target-accuracy': { type: 'string' },
      ranking: { type: 'string' },
      split: { type: 'string' },
      'x-key': { type: 'string' },
      'y-key': { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean', default: false },
      out: { type: 'string', short: 'o' },
      'no-save-config': { type: 'boolean', default: false },
      quiet: { type: 'boolean', short: 'q', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError('inspect takes one model: mistake-lens inspect <model.onnx> --data <path>');
  if (!values.data) throw new UsageError('inspect needs --data <folder, manifest, IDX, .npy or .npz>');
  const scale = values.scale as ScaleName | undefined;
  if (scale !== undefined && !SCALE_NAMES.includes(scale)) throw new UsageError(`--scale ${scale}: use one of ${SCALE_NAMES.join(', ')}`);
  const mean = numbers('mean', values.mean);
  const std = numbers('std', values.std);
  if ((mean || std) && scale !== undefined && scale !== 'custom') throw new UsageError('--mean/--std go with --scale custom');
  const ranking = values.ranking as LabelIssueRanking | undefined;
  if (ranking !== undefined && ranking !== 'self-confidence' && ranking !== 'normalized-margin') {
    throw new UsageError(`--ranking ${ranking}: use self-confidence or normalized-margin`);
  }
  const eps = values.ep?.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (eps && eps.length === 0) throw new UsageError('--ep needs at least one execution provider, e.g. cuda,cpu');
  return {
    model: positionals[0],
    data: values.data,
    labels: values.labels,
    scale: scale ?? (mean || std ? 'custom' : undefined),
    mean,
    std,
    output: values.output,
    executionProviders: eps,
    batchSize: num('batch-size', values['batch-size'], (n) => Number.isInteger(n) && n > 0, 'a positive integer'),
    top: num('top', values.top, (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer'),
    targetAccuracy: num('target-accuracy', values['target-accuracy'], (n) => n > 0 && n <= 1, 'a number in (0, 1]'),
    labelIssueRanking: ranking,
    split: values.split,
    inputsKey: values['x-key'],
    labelsKey: values['y-key'],
    limit: num('limit', values.limit, (n) => Number.isInteger(n) && n > 0, 'a positive integer'),
    saveConfig: !values['no-save-config'],
    json: values.json ?? false,
    out: values.out,
    quiet: values.quiet ?? false,
  };
}
