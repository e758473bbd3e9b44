/**
 * mistake-lens trace <script.py> [--python <interp>] [--json] [--steps N] [--timeout S] [-- args…]
 * mistake-lens trace --module pkg.train [--cwd DIR] [options] [-- args…]   (as `python -m`)
 * Runs a PyTorch script under the runtime tracer and reports silent shape and mode bugs
 * (see docs/tracer.md). Exit codes like lint: 0 no warnings or errors, 1 findings or the
 * script failed, 2 usage; a missing interpreter or torch is an error (1, one line on stderr).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_STEPS, DEFAULT_TIME_LIMIT_S, MODULE_NAME, runTrace } from '../core/lint/trace/runner';
import type { TraceEntry, TraceResult } from '../core/lint/trace/types';

export const TRACE_USAGE = `Usage: mistake-lens trace <script.py> [options] [-- script args…]
       mistake-lens trace --module <pkg.train> [--cwd <dir>] [options] [-- args…]

Runs a PyTorch script for a bounded number of steps or seconds and reports, at the line of your
code: elementwise operations and losses that broadcast into a larger result, a softmax output
reaching cross_entropy, the first operation that produces NaN or Inf, and dropout/batch norm in
training mode while gradients are off. Codes ML101-ML105 (docs/tracer.md).

Options:
  -m, --module <name>    run a module as \`python -m <name>\` does (instead of a script)
  --cwd <dir>            working directory (default: the script's folder; with --module, the
                         current directory, which is where the module is looked up first)
  --python <interp>      interpreter with torch installed (default python3)
  --steps <n>            stop after n optimizer steps (default ${DEFAULT_STEPS})
  --timeout <s>          stop after s seconds (default ${DEFAULT_TIME_LIMIT_S})
  --json                 print {version, script, python, torch, steps, stoppedBy, findings, …} as JSON
  -h, --help             this help

Exit codes: 0 no warnings or errors, 1 findings, the script failed, or no interpreter/torch, 2 usage.`;

class TraceUsageError extends Error {}

export interface TraceIo {
  out(text: string): void;
  err(text: string): void;
}
const STDIO: TraceIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

function positive(flag: string, v: string | undefined, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new TraceUsageError(`--${flag} ${v}: expected a positive ${integer ? 'integer' : 'number'}`);
  return n;
}

export function formatTrace(r: TraceResult): string {
  const lines = r.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.code} ${f.message}${f.count > 1 ? ` (${f.count} times)` : ''}`);
  const n = r.findings.length;
  lines.push(`${r.summary} Python ${r.pythonVersion ?? '?'}, torch ${r.torch ?? '?'}.`);
  lines.push(n === 0 ? 'No problems found.' : `${n} problem${n === 1 ? '' : 's'} found.`);
  return lines.join('\n');
}

/** Runs `mistake-lens trace …` (argv without the command name) and returns the exit code. */
export async function runTraceCli(argv: string[], io: TraceIo = STDIO): Promise<number> {
  const dash = argv.indexOf('--');
  const own = dash < 0 ? argv : argv.slice(0, dash);
  const scriptArgs = dash < 0 ? [] : argv.slice(dash + 1);
  let values: { python?: string; steps?: string; timeout?: string; module?: string; cwd?: string; json?: boolean; help?: boolean };
  let positionals: string[];
  let entry: TraceEntry;
  let steps: number | undefined;
  let timeout: number | undefined;
  try {
    ({ values, positionals } = parseArgs({
      args: own,
      allowPositionals: true,
      options: {
        python: { type: 'string' },
        steps: { type: 'string' },
        timeout: { type: 'string' },
        module: { type: 'string', short: 'm' },
        cwd: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
    if (values.help) {
      io.out(TRACE_USAGE + '\n');
      return 0;
    }
    if (values.module !== undefined) {
      if (positionals.length > 0) throw new TraceUsageError(`trace takes a script or --module, not both (got ${positionals.join(' ')} and --module ${values.module}); pass the module's arguments after --`);
      if (!MODULE_NAME.test(values.module)) throw new TraceUsageError(`--module '${values.module}': expected a dotted module name such as pkg.train (not a file path)`);
      entry = { module: values.module };
    } else {
      if (positionals.length !== 1) throw new TraceUsageError('trace takes one script or --module: mistake-lens trace <script.py> | --module <pkg.train> [--python <interp>] [--json] [-- script args…]');
      entry = { script: positionals[0] };
    }
    if (values.cwd === '') throw new TraceUsageError('--cwd needs a folder');
    steps = positive('steps', values.steps, true);
    timeout = positive('timeout', values.timeout, false);
  } catch (e) {
    if (e instanceof TraceUsageError || (e as { code?: string }).code?.startsWith?.('ERR_PARSE_ARGS')) {
      io.err(`mistake-lens: ${(e as Error).message}\nRun 'mistake-lens trace --help' for usage.\n`);
      return 2;
    }
    throw e;
  }
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const result = await runTrace(
      { ...entry, args: scriptArgs, cwd: values.cwd, python: values.python, steps, timeLimitSeconds: timeout },
      // Without --json the script's output streams through; with it, stdout is the JSON only.
      { signal: controller.signal, onOutput: values.json ? undefined : (t) => io.err(t) },
    );
    if (values.json) io.out(JSON.stringify(result, null, 2) + '\n');
    else io.out(formatTrace(result) + '\n');
    // With --json the failure is in the JSON; without it, the summary is already on stdout.
    if (values.json && (result.stoppedBy === 'error' || result.killed)) io.err(`mistake-lens: ${result.summary}\n`);
    const problems = result.findings.some((f) => f.severity === 'error' || f.severity === 'warning');
    const failed = result.stoppedBy === 'error' || (result.stoppedBy === 'exited' && result.exitCode !== 0);
    return problems || failed ? 1 : 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
