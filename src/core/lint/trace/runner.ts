/**
 * Runs a Python script under the tracer (media/tracer/mistake_lens_tracer.py) with the user's
 * interpreter: its own process group, so a time limit or a cancel kills everything it started;
 * findings come over fd 3 with a per-run nonce, the script's stdout/stderr are only output.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../../errors';
import { ChannelReader, type TracerMessage } from './channel';
import { traceCode } from './codes';
import { makeSuppressed } from './suppress';
import type { StoppedBy, TraceFinding, TraceHooks, TraceOptions, TraceResult } from './types';

export const DEFAULT_STEPS = 20;
export const DEFAULT_TIME_LIMIT_S = 60;
/** After the time limit the tracer stops the script itself; this long later the group is killed. */
export const KILL_GRACE_MS = 3000;
/** Time allowed for the interpreter to start and import torch before the script's clock runs. */
const STARTUP_ALLOWANCE_MS = 60_000;
const TRACER_FILE = 'mistake_lens_tracer.py';
const TAIL_CHARS = 8000;

/** The tracer beside this bundle (dist/ → media/tracer) or, from sources, in the checkout. */
export function defaultTracerPath(): string {
  const candidates = [join(__dirname, '..', 'media', 'tracer', TRACER_FILE), join(__dirname, '..', '..', '..', '..', 'media', 'tracer', TRACER_FILE)];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`the tracer ${TRACER_FILE} is missing (looked in ${candidates.join(', ')})`);
  return found;
}

/** Kills the whole process group; a group already gone is fine. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

/** A dotted module name as `python -m` takes it (pkg.train). */
export const MODULE_NAME = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;

export async function runTrace(options: TraceOptions, hooks: TraceHooks = {}): Promise<TraceResult> {
  let script: string;
  let cwd: string;
  let entry: string[];
  if (options.module !== undefined) {
    if (!MODULE_NAME.test(options.module)) throw new UserError(`module '${options.module}': expected a dotted module name such as pkg.train`);
    cwd = resolve(options.cwd ?? process.cwd());
    script = options.module; // until the tracer reports the module's file
    entry = ['--module', options.module, '--'];
  } else {
    script = resolve(options.script);
    if (!existsSync(script)) throw new UserError(`cannot trace ${script}: no such file`, 'not-found');
    if (!statSync(script).isFile()) throw new UserError(`cannot trace ${script}: it is a folder; give the script inside it, or run a package with --module (mistakeLens.trace.command in the editor)`);
    cwd = options.cwd !== undefined ? resolve(options.cwd) : dirname(script);
    entry = ['--', script];
  }
  if (!existsSync(cwd) || !statSync(cwd).isDirectory()) throw new UserError(`working directory ${cwd}: no such folder`, 'not-found');
  const python = options.python ?? 'python3';
  const maxSteps = options.steps ?? DEFAULT_STEPS;
  const timeLimit = options.timeLimitSeconds ?? DEFAULT_TIME_LIMIT_S;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) throw new UserError(`steps ${maxSteps}: expected a positive integer`);
  if (!(timeLimit > 0)) throw new UserError(`time limit ${timeLimit}: expected a positive number of seconds`);
  hooks.signal?.throwIfAborted();
  const nonce = randomBytes(16).toString('hex');
  const tracer = options.tracerPath ?? defaultTracerPath();

  const child = spawn(python, [tracer, '--steps', String(maxSteps), '--time', String(timeLimit), ...entry, ...(options.args ?? [])], {
    cwd,
    detached: true, // its own process group: killGroup reaches the script's children too
    // fd 3: the tracer's findings; fd 4: the nonce, read and closed by the tracer before the script
    // starts (never in the environment, where /proc/<pid>/environ would keep it).
    stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
  });
  const nonceIn = child.stdio[4] as NodeJS.WritableStream | null;
  nonceIn?.on('error', () => {}); // the interpreter may exit before reading it (missing torch): reported below
  nonceIn?.end(nonce);

  let start: Extract<TracerMessage, { type: 'start' }> | undefined;
  let done: Extract<TracerMessage, { type: 'done' }> | undefined;
  let fatal: Extract<TracerMessage, { type: 'fatal' }> | undefined;
  const found = new Map<number, TraceFinding>();
  let tail = '';
  let killedAtLimit = false;
  let cancelled = false;

  const reader = new ChannelReader(nonce, (m) => {
    switch (m.type) {
      case 'start':
        start = m;
        clearTimeout(hardLimit);
        hardLimit = setTimeout(killAtLimit, timeLimit * 1000 + KILL_GRACE_MS);
        break;
      case 'finding': {
        const meta = traceCode(m.code);
        if (!meta) break; // a code this version does not know: not shown rather than guessed at
        // Field order as in `lint --json`: where, what, then the tracer's details.
        const f: TraceFinding = { file: m.file, line: m.line, column: m.column, endLine: m.endLine, endColumn: m.endColumn, code: m.code, severity: meta.severity, message: m.message, rule: meta.rule, count: 1 };
        if (m.op !== undefined) f.op = m.op;
        if (m.shapes !== undefined) f.shapes = m.shapes;
        if (m.resultShape !== undefined) f.resultShape = m.resultShape;
        if (m.module !== undefined) f.module = m.module;
        if (m.related !== undefined) f.related = m.related;
        const id = m.id;
        found.set(id, f);
        hooks.onFinding?.(f);
        break;
      }
      case 'done':
        done = m;
        break;
      case 'fatal':
        fatal = m;
        break;
    }
  });
  const channel = child.stdio[3] as NodeJS.ReadableStream | null;
  channel?.setEncoding('utf8');
  channel?.on('data', (d: string) => reader.push(d));
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]?.setEncoding('utf8');
    child[stream]?.on('data', (d: string) => {
      tail = (tail + d).slice(-TAIL_CHARS);
      hooks.onOutput?.(d, stream);
    });
  }

  // The tracer starts the script's clock once torch is imported (seconds on a busy machine);
  // the hard limit is re-armed then, and until then covers the import too.
  const killAtLimit = () => {
    killedAtLimit = true;
    killGroup(child.pid);
  };
  let hardLimit = setTimeout(killAtLimit, STARTUP_ALLOWANCE_MS + timeLimit * 1000 + KILL_GRACE_MS);
  const onAbort = () => {
    cancelled = true;
    killGroup(child.pid);
  };
  hooks.signal?.addEventListener('abort', onAbort, { once: true });

  let exit: { code: number | null; signal: NodeJS.Signals | null };
  try {
    exit = await new Promise((resolveExit, reject) => {
      child.once('error', (e: NodeJS.ErrnoException) => {
        reject(
          e.code === 'ENOENT'
            ? new UserError(`Python interpreter '${python}' not found: set it with --python (CLI) or mistakeLens.pythonPath (editor), or select one with the Python extension`, 'not-found')
            : new UserError(`cannot start Python interpreter '${python}': ${e.message}`, 'not-found'),
        );
      });
      child.once('exit', (code, signal) => {
        // The script's own children (a DataLoader worker, a `sleep`) must not outlive the run.
        killGroup(child.pid);
        resolveExit({ code, signal });
      });
    });
    // The channel may still hold the last lines; the group is dead, so the pipes close promptly.
    await new Promise<void>((r) => {
      if (child.stdio.every((s) => !s || (s as NodeJS.ReadableStream & { closed?: boolean }).closed)) return r();
      const t = setTimeout(r, 1000);
      child.once('close', () => {
        clearTimeout(t);
        r();
      });
    });
    reader.end();
  } finally {
    clearTimeout(hardLimit);
    hooks.signal?.removeEventListener('abort', onAbort);
  }

  if (cancelled) throw new UserError(`trace of ${options.module ?? script} cancelled; its processes were stopped`, 'cancelled');
  if (fatal) {
    switch (fatal.reason) {
      case 'no-torch':
        throw new UserError(`${fatal.message}: install PyTorch into that environment or choose another interpreter (--python, mistakeLens.pythonPath, or the Python extension's interpreter)`, 'incompatible');
      case 'old-torch':
        throw new UserError(`${fatal.message}; interpreter: ${python}`, 'incompatible');
      case 'no-script':
      case 'no-module':
        throw new UserError(fatal.message, 'not-found');
      case 'usage':
      case 'internal':
        throw new Error(`tracer: ${fatal.message}`);
    }
  }
  if (!start) {
    const why = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
    if (killedAtLimit) throw new UserError(`${python} did not start the tracer within the ${timeLimit} s time limit; it was killed`, 'incompatible');
    throw new UserError(`'${python}' could not run the tracer (${why}; it needs Python 3.8+ with torch): ${tail.trim().split('\n').slice(-3).join(' | ') || 'no output'}`, 'incompatible');
  }

  const suppressed = makeSuppressed();
  const findings: TraceFinding[] = [];
  for (const [id, f] of found) {
    f.count = done?.counts[String(id)] ?? f.count;
    if (!suppressed(f.file, f.line, f.code)) findings.push(f);
  }
  let stoppedBy: StoppedBy;
  if (done) stoppedBy = done.stoppedBy;
  else stoppedBy = killedAtLimit ? 'time' : 'exited';
  const result: TraceResult = {
    version: 1,
    script: start.script ?? script,
    python,
    pythonVersion: start.python,
    torch: start.torch,
    steps: done?.steps ?? 0,
    maxSteps,
    timeLimitSeconds: timeLimit,
    stoppedBy,
    summary: '',
    findings,
    outputTail: tail,
  };
  if (options.module !== undefined) result.module = options.module;
  if (killedAtLimit) result.killed = true;
  if (done?.error) result.error = done.error;
  if (!done) result.exitCode = exit.code;
  if (done) {
    result.wallSeconds = done.wallSeconds;
    result.overhead = done.overhead;
  }
  result.summary = summarize(result, done?.forwards ?? 0, exit);
  return result;
}

function summarize(r: TraceResult, forwards: number, exit: { code: number | null; signal: NodeJS.Signals | null }): string {
  const steps = `${r.steps} optimizer step${r.steps === 1 ? '' : 's'}`;
  switch (r.stoppedBy) {
    case 'end':
      return `The script ran to its end (${steps}).`;
    case 'steps': {
      // Code after the limit (an evaluation loop after training) was not traced: say so, with the knob.
      const rest = 'code after that point (e.g. an evaluation loop after training) did not run; raise the step limit to trace it';
      return r.steps > 0
        ? `Stopped after ${steps} (the step limit): ${rest}.`
        : `Stopped after ${forwards - 1} model calls without an optimizer step (the step limit): ${rest}.`;
    }
    case 'time':
      return r.killed
        ? `Stopped at the time limit of ${r.timeLimitSeconds} s: the script did not stop when asked, so its whole process group was killed (${steps} traced).`
        : `Stopped at the time limit of ${r.timeLimitSeconds} s (${steps} traced).`;
    case 'error': {
      const e = r.error;
      const where = e?.file ? ` at ${e.file}:${e.line}` : '';
      return `The script failed${where}: ${e?.type ?? 'error'}: ${e?.message ?? ''} (${steps} traced; findings up to there are shown).`;
    }
    case 'exited':
      return `The script ended without the tracer's summary (${exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`}); findings up to there are shown.`;
  }
}
