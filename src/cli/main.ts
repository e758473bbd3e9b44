/**
 * mistake-lens: the command-line face of the engine.
 *   inspect <model.onnx> --data <path> [--json] [--out report.json]
 * Exit codes: 0 ok, 1 a problem with the input (one line on stderr), 2 usage, 70 internal error.
 */
import { isUserError } from '../core/errors';
import { inspect } from '../core/inspect';
import { TOOL_VERSION } from '../core/version';
import { parseInspect, UsageError } from './args';
import { runDiagnose } from './diagnose';
import { runLint } from './lint';
import { runTraceCli } from './trace';
import { writeReport } from './output';
import { ProgressBar } from './progress';
import { formatSummary } from './summary';

const USAGE = `Usage: mistake-lens <command> [options]

Commands:
  inspect <model.onnx> --data <path>   run a classifier over labelled data and rank its mistakes
      --labels <file>        class names, one per line (default: model metadata, folder names)
      --scale <s>            unit | symmetric | imagenet | raw | none | custom (with --mean/--std)
      --output <name>        which model output holds the class scores (models with several)
      --ep <list>            execution providers to try in order (default cuda,cpu)
      --batch-size <n>       examples per run (default 256)
      --top <n>              length of the ranked lists (default 100)
      --target-accuracy <a>  for coverage at target accuracy (default 0.95)
      --ranking <r>          label issues by self-confidence (default) or normalized-margin
      --split <name>         manifest rows of one split only
      --x-key/--y-key <k>    .npz keys or .npy stems for inputs/labels (default x/y)
      --limit <n>            only the first n examples
      --json                 print the report as JSON on stdout
      --out <file>           write the report: .html (the panel, standalone) or .json
      --no-save-config       do not save the preprocessing next to the data
  lint <file-or-dir>… [--json]         static checks of Python training code (see docs/lint-rules.md)
  diagnose <model.onnx> --data <path> [--json]   model and data checks (see docs/diagnostics.md)
  trace <script.py> [--python <interp>] [--json]   run a PyTorch script under the shape tracer (see docs/tracer.md)
  trace --module <pkg.train> [--cwd <dir>] …      the same for a module, as \`python -m\` runs it

  --version, --help`;

async function runInspect(argv: string[]): Promise<number> {
  const opts = parseInspect(argv);
  const bar = new ProgressBar(process.stderr, !opts.quiet && process.stderr.isTTY === true);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const report = await inspect(opts, {
      signal: controller.signal,
      onProgress: (p) => bar.update(p.done, p.total, p.executionProvider ?? ''),
      onWarning: (m) => {
        if (!opts.quiet) process.stderr.write(`mistake-lens: warning: ${m}\n`);
      },
    });
    bar.clear();
    if (opts.out) await writeReport(opts.out, report);
    if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else process.stdout.write(formatSummary(report) + '\n' + (opts.out ? `\nReport written to ${opts.out}\n` : ''));
    return 0;
  } finally {
    bar.clear();
    process.off('SIGINT', onSigint);
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'inspect':
        return await runInspect(rest);
      case 'lint':
        return await runLint(rest);
      case 'diagnose':
        return await runDiagnose(rest);
      case 'trace':
        return await runTraceCli(rest);
      case '--version':
      case '-v':
        process.stdout.write(`${TOOL_VERSION}\n`);
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(USAGE + '\n');
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith?.('ERR_PARSE_ARGS')) {
      process.stderr.write(`mistake-lens: ${(e as Error).message}\nRun 'mistake-lens --help' for usage.\n`);
      return 2;
    }
    if (isUserError(e)) {
      process.stderr.write(`mistake-lens: error: ${e.message}\n`);
      return e.code === 'cancelled' ? 130 : 1;
    }
    process.stderr.write(`mistake-lens: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 70;
  }
}

// `mistake-lens lint --json | head`: the reader has gone; stop quietly, as other command-line tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
