/**
 * The runtime tracer's result: the JSON contract of `mistake-lens trace --json` (keep field
 * names stable). Positions are 1-based like `lint --json`; columns count UTF-16 code units.
 */
import type { Severity } from '../types';

/** Why the traced run ended. */
export type StoppedBy =
  /** The script ran to its end. */
  | 'end'
  /** The step bound: N optimizer steps (or, with no optimizer, N top-level model calls). */
  | 'steps'
  /** The time limit (`killed` says whether the process group had to be killed). */
  | 'time'
  /** The script raised (see `error`); findings up to that point are kept. */
  | 'error'
  /** The process ended without the tracer's summary (os._exit, a crash, a signal). */
  | 'exited';

export interface TraceLocation {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface TraceFinding extends TraceLocation {
  code: string;
  severity: Severity;
  message: string;
  rule: string;
  /** How many times the run hit this code at this line. */
  count: number;
  /** The operation, as PyTorch names it (sub, mse_loss, cross_entropy, log, Dropout…). */
  op?: string;
  /** Operand shapes in argument order (loss: input, target). */
  shapes?: number[][];
  /** Shape of the operation's result, where it tells the story (broadcasts, NaN producers). */
  resultShape?: number[];
  /** ML105: the module's name inside the model (e.g. "drop", "encoder.bn1"). */
  module?: string;
  /** Where the softmax was applied, where the dropout runs inside forward(). */
  related?: (TraceLocation & { message: string })[];
}

export interface TraceResult {
  version: 1;
  /** The file that ran: the script, or the file of `module` (its `__main__.py` for a package). */
  script: string;
  /** Set when the run was `python -m <module>` (`--module`). */
  module?: string;
  /** The interpreter that ran it, as given, and what it reported. */
  python: string;
  pythonVersion?: string;
  torch?: string;
  /** Optimizer steps taken. */
  steps: number;
  maxSteps: number;
  timeLimitSeconds: number;
  stoppedBy: StoppedBy;
  /** One sentence: how the run ended. */
  summary: string;
  /** True when the run had to be killed (did not stop at the time limit). */
  killed?: boolean;
  /** The script's own exception, when stoppedBy is "error". */
  error?: { type: string; message: string; file?: string; line?: number };
  exitCode?: number | null;
  findings: TraceFinding[];
  /** Time in the traced part of the run and in the tracer's own checks. */
  wallSeconds?: number;
  overhead?: { ops: number; tracerSeconds: number };
  /** The last lines the script wrote to stdout/stderr. */
  outputTail: string;
}

/** What runs: a script file, or a module as `python -m` runs it (found from `cwd`). */
export type TraceEntry = { script: string; module?: undefined } | { module: string; script?: undefined };

export type TraceOptions = TraceEntry & TraceSettings;

export interface TraceSettings {
  /** Script arguments (its sys.argv[1:]). */
  args?: readonly string[];
  /** Interpreter (default python3). */
  python?: string;
  /** Optimizer steps before the run is stopped (default 20). */
  steps?: number;
  /** Seconds before the run is stopped (default 60). */
  timeLimitSeconds?: number;
  /** Working directory (default: the script's folder; for a module, the current directory). */
  cwd?: string;
  /** Environment variables set for the run, on top of this process's (a launch configuration's `env`). */
  env?: Readonly<Record<string, string>>;
  /** The tracer file (default: media/tracer/mistake_lens_tracer.py of this install). */
  tracerPath?: string;
}

export interface TraceHooks {
  signal?: AbortSignal;
  /** The script's stdout/stderr as it arrives. */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  /** A finding as soon as the tracer reports it (counts come at the end). */
  onFinding?: (f: TraceFinding) => void;
}
