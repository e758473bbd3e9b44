/**
 * mistake-lens diagnose <model.onnx> --data <path> [--json] [--sample N] [--ep cuda,cpu] …
 * A checklist of model and data checks (docs/diagnostics.md lists every code).
 * Exit codes: 0 no error-severity findings, 1 error findings or bad input (one line on
 * stderr), 2 usage.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { SCALE_NAMES } from '../core/data/preprocess';
import { isUserError } from '../core/errors';
import { formatChecklist, runDiagnostics, type DataSpecEntry, type DiagnoseOptions } from '../core/diagnostics/index';
import type { ScaleName } from '../core/protocol';
import { ProgressBar } from './progress';

export const DIAGNOSE_USAGE = `Usage: mistake-lens diagnose <model.onnx> --data <path> [options]

Runs a checklist of model and data checks and prints ✓ passed, ⚠ warning, ✗ error, – skipped.

Data:
  --data <path>          a dataset (class folders, IDX, .npy/.npz), a folder of split folders
                         (train/ val/ test/), or a manifest with a split column
  --data <split>=<path>  one split per flag, e.g. --data train=tr.csv --data test=te.csv
  --labels <file>        class names, one per line (default: model metadata, folder names)
  --x-key/--y-key <k>    .npz keys or .npy stems for inputs/labels (default x/y)
  --limit <n>            only the first n examples of each split

Model:
  --scale <s>            unit | symmetric | imagenet | raw | none | custom (with --mean/--std)
  --output <name>        which model output holds the class scores (models with several)
  --ep <list>            execution providers to try in order (default cuda,cpu)
  --batch-size <n>       examples per run (default 256)

Checks:
  --sample <n>           examples for the checks that re-run the model (default 1000)
  --goal-error <e>       goal error rate (0..1) for the bias/variance breakdown, e.g. 0.05
  --imbalance-ratio <r>  largest/smallest class count reported as imbalance (default 5)
  --near-cosine <c>      thumbnail cosine for near duplicates (default 0.998)

Output:
  --json                 print the report {version, model, data, summary, findings, timing}
  --out <file.json>      also write the JSON report to a file
  --verbose              show the advice of passed checks too
  -q, --quiet            no progress bar
  -h, --help             this help

Exit codes: 0 no errors (warnings allowed), 1 error findings or bad input, 2 usage.`;

class DiagnoseUsageError extends Error {}

export interface DiagnoseIo {
  out(text: string): void;
  err(text: string): void;
  /** A terminal for the progress bar, if any. */
  tty?: NodeJS.WriteStream;
}

const STDIO: DiagnoseIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), tty: process.stderr.isTTY ? process.stderr : undefined };

interface DiagnoseCli {
  options: DiagnoseOptions;
  json: boolean;
  out?: string;
  verbose: boolean;
  quiet: boolean;
  help: boolean;
}

const number = (flag: string, v: string | undefined, ok: (n: number) => boolean, what: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || !ok(n)) throw new DiagnoseUsageError(`--${flag} ${v}: expected ${what}`);
  return n;
};

const numbers = (flag: string, v: string | undefined): number[] | undefined => {
  if (v === undefined) return undefined;
  const parts = v.split(',').map((x) => Number(x.trim()));
  if (parts.some((x) => !Number.isFinite(x))) throw new DiagnoseUsageError(`--${flag} ${v}: expected comma-separated numbers, e.g. 0.5,0.5,0.5`);
  return parts;
};

export function parseDiagnose(argv: string[]): DiagnoseCli {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string', short: 'd', multiple: true },
      labels: { type: 'string' },
      scale: { type: 'string' },
      mean: { type: 'string' },
      std: { type: 'string' },
      output: { type: 'string' },
      ep: { type: 'string' },
      'batch-size': { type: 'string' },
      sample: { type: 'string' },
      limit: { type: 'string' },
      'goal-error': { type: 'string' },
      'imbalance-ratio': { type: 'string' },
      'near-cosine': { type: 'string' },
      'x-key': { type: 'string' },
      'y-key': { type: 'string' },
      json: { type: 'boolean', default: false },
      out: { type: 'string', short: 'o' },
      verbose: { type: 'boolean', default: false },
      quiet: { type: 'boolean', short: 'q', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const cli = { json: values.json ?? false, out: values.out, verbose: values.verbose ?? false, quiet: values.quiet ?? false, help: values.help ?? false };
  if (cli.help) return { ...cli, options: { model: '', data: '' } };
  if (positionals.length !== 1) throw new DiagnoseUsageError('diagnose takes one model: mistake-lens diagnose <model.onnx> --data <path>');
  const dataFlags = values.data ?? [];
  if (dataFlags.length === 0) throw new DiagnoseUsageError('diagnose needs --data <folder, manifest, IDX, .npy or .npz> (or --data <split>=<path>, repeated)');
  let data: DiagnoseOptions['data'];
  const named = dataFlags.map((d) => /^([A-Za-z][\w-]*)=(.+)$/.exec(d));
  if (dataFlags.length === 1 && !named[0]) data = dataFlags[0];
  else {
    const bad = dataFlags.find((d, i) => !named[i]);
    if (bad !== undefined) throw new DiagnoseUsageError(`--data ${bad}: with several --data flags, name each split: --data train=<path> --data test=<path>`);
    const entries: DataSpecEntry[] = named.map((m) => ({ split: m![1], path: m![2] }));
    const dup = entries.find((e, i) => entries.findIndex((x) => x.split === e.split) !== i);
    if (dup) throw new DiagnoseUsageError(`--data ${dup.split}=… is given twice`);
    data = entries;
  }
  const scale = values.scale as ScaleName | undefined;
  if (scale !== undefined && !SCALE_NAMES.includes(scale)) throw new DiagnoseUsageError(`--scale ${scale}: use one of ${SCALE_NAMES.join(', ')}`);
  const mean = numbers('mean', values.mean);
  const std = numbers('std', values.std);
  if ((mean || std) && scale !== undefined && scale !== 'custom') throw new DiagnoseUsageError('--mean/--std go with --scale custom');
  const eps = values.ep?.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (eps && eps.length === 0) throw new DiagnoseUsageError('--ep needs at least one execution provider, e.g. cuda,cpu');
  const options: DiagnoseOptions = {
    model: positionals[0],
    data,
    labels: values.labels,
    scale: scale ?? (mean || std ? 'custom' : undefined),
    mean,
    std,
    output: values.output,
    executionProviders: eps,
    batchSize: number('batch-size', values['batch-size'], (n) => Number.isInteger(n) && n > 0, 'a positive integer'),
    sample: number('sample', values.sample, (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer'),
    limit: number('limit', values.limit, (n) => Number.isInteger(n) && n > 0, 'a positive integer'),
    goalError: number('goal-error', values['goal-error'], (n) => n >= 0 && n < 1, 'an error rate in [0, 1), e.g. 0.05'),
    imbalanceRatio: number('imbalance-ratio', values['imbalance-ratio'], (n) => n > 1, 'a ratio above 1, e.g. 5'),
    nearDuplicateCosine: number('near-cosine', values['near-cosine'], (n) => n > 0 && n <= 1, 'a cosine in (0, 1], e.g. 0.998'),
    inputsKey: values['x-key'],
    labelsKey: values['y-key'],
  };
  return { ...cli, options };
}

/** Runs `mistake-lens diagnose …` (argv without the command name) and returns the exit code. */
export async function runDiagnose(argv: string[], io: DiagnoseIo = STDIO): Promise<number> {
  let cli: DiagnoseCli;
  try {
    cli = parseDiagnose(argv);
  } catch (e) {
    if (e instanceof DiagnoseUsageError || (e as { code?: string }).code?.startsWith?.('ERR_PARSE_ARGS')) {
      io.err(`mistake-lens: ${(e as Error).message.split('\n')[0]}\nRun 'mistake-lens diagnose --help' for usage.\n`);
      return 2;
    }
    throw e;
  }
  if (cli.help) {
    io.out(DIAGNOSE_USAGE + '\n');
    return 0;
  }
  const bar = new ProgressBar(io.tty ?? process.stderr, !cli.quiet && io.tty !== undefined);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const report = await runDiagnostics(cli.options, {
      signal: controller.signal,
      onProgress: (p) => bar.update(p.done, p.total, p.phase),
    });
    bar.clear();
    const json = JSON.stringify(report, null, 2);
    if (cli.out) await writeFile(cli.out, json + '\n');
    io.out(cli.json ? json + '\n' : formatChecklist(report, { verbose: cli.verbose }) + '\n' + (cli.out ? `\nReport written to ${cli.out}\n` : ''));
    return report.summary.error > 0 ? 1 : 0;
  } catch (e) {
    if (isUserError(e)) {
      io.err(`mistake-lens: error: ${e.message.split('\n')[0]}\n`);
      return e.code === 'cancelled' ? 130 : 1;
    }
    throw e;
  } finally {
    bar.clear();
    process.off('SIGINT', onSigint);
  }
}
