/**
 * Parsing a large Python file on two threads. tree-sitter's parse is most of the time a lint
 * of a big file takes, and it runs on one core; here the file is cut at a top-level `def`,
 * `class` or decorator near the middle, a helper thread parses and converts the second part
 * while this thread does the first, and the two are joined.
 *
 * Python's grammar makes the cut safe when both parts parse without errors: a part that ends
 * inside a string, brackets or a continued line, or that starts in the middle of a statement,
 * has a syntax error. Then (and whenever the helper is not there, slow or broken) the whole
 * file is parsed here as before, so the result is always the one-thread result.
 *
 * The lint API is synchronous, so this thread blocks in Atomics.wait for the helper's answer
 * and takes it with receiveMessageOnPort; both work on Node's main thread.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort, type WorkerOptions } from 'node:worker_threads';
import type { ParseReply, ParseRequest } from './parallelProtocol';
import { pythonParser } from './parser';
import { appendStatements, internerFor, parseSyntax, type Syntax } from './syntax';
import { decodeStatements } from './syntaxCodec';

/** Below this size (about 2,000 lines) handing half the file over costs more than it saves. */
export const MIN_PARALLEL_CHARS = 64 * 1024;
/**
 * Where the cut goes, as a fraction of the file. This thread rebuilds the helper's statements
 * and the helper encodes them; cuts from 0.45 to 0.65 measured best at 0.5-0.55 (bench:lint's file).
 */
const CUT_AT = 0.52;
/**
 * How long this thread (the editor's extension host, blocked meanwhile) waits for the helper
 * beyond its own part: a few times what that part took, at least a second. Past it the helper
 * is stopped and the rest is parsed here.
 */
const HELPER_WAIT_FACTOR = 3;
const HELPER_MIN_WAIT_MS = 1000;

interface Helper {
  worker: Worker;
  port: MessagePort;
  /** [0]: 1 when the helper has loaded the parser, -1 when it could not; [1]: id of its last answer. */
  flag: Int32Array;
  nextId: number;
}

let helper: Helper | null = null;
let enabled = process.env.MISTAKE_LENS_LINT_THREADS !== '0';
let minChars = MIN_PARALLEL_CHARS;

/**
 * The helper's bundle beside this bundle (dist/), or from sources (tests, benchmarks) through
 * tsx's require hook (a worker thread does not take `--import` from execArgv).
 */
function newHelperWorker(options: WorkerOptions): Worker {
  const bundled = join(__dirname, 'lint-worker.js');
  if (existsSync(bundled)) return new Worker(bundled, options);
  const source = join(__dirname, 'parseWorker.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(source)});`, { ...options, eval: true });
}

/**
 * Starts the helper thread (once; it loads its own parser in the background and never keeps
 * the process alive). Until it is ready, files are parsed on one thread.
 */
export function startParseHelper(): void {
  if (helper || !enabled) return;
  try {
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(8));
    const worker = newHelperWorker({ workerData: { port: port2, flag }, transferList: [port2] });
    worker.unref();
    port1.unref();
    worker.on('error', () => stopParseHelper());
    worker.on('exit', () => {
      if (helper?.worker === worker) helper = null;
    });
    helper = { worker, port: port1, flag, nextId: 0 };
  } catch {
    helper = null;
  }
}

export function stopParseHelper(): void {
  const h = helper;
  helper = null;
  if (h) {
    h.port.close();
    void h.worker.terminate();
  }
}

/**
 * For tests and benchmarks: off parses every file on one thread (a running helper is kept,
 * idle); `smallest` lowers the size from which files are split.
 */
export function setParallelParse(on: boolean, smallest = MIN_PARALLEL_CHARS): void {
  enabled = on;
  minChars = smallest;
  if (on) startParseHelper();
}

/** Whether the helper thread has loaded its parser (for tests; waits up to `ms`). */
export function parseHelperReady(ms = 0): boolean {
  const h = helper;
  if (!h) return false;
  if (ms > 0 && Atomics.load(h.flag, 0) === 0) Atomics.wait(h.flag, 0, 0, ms);
  return Atomics.load(h.flag, 0) === 1;
}

/**
 * A line start near `target` where the file can be cut: column 0 of a `def`, `class`,
 * `async def` or decorator line that follows an empty line, not one that follows a decorator
 * (a cut there would fall back). -1 when there is none.
 */
export function cutPoint(src: string, target: number): number {
  const ok = (ls: number): boolean => {
    // the previous line is empty: "\n\n" or "\n\r\n" just before
    const prevEmpty = src.charCodeAt(ls - 2) === 10 || (src.charCodeAt(ls - 2) === 13 && src.charCodeAt(ls - 3) === 10);
    return prevEmpty && /^(?:def |class |async def |@)/.test(src.slice(ls, ls + 10)) && !afterDecorator(src, ls);
  };
  for (let i = src.indexOf('\n', target); i !== -1 && i + 1 < src.length; i = src.indexOf('\n', i + 1)) if (ok(i + 1)) return i + 1;
  for (let i = src.lastIndexOf('\n', target - 1); i > 0; i = src.lastIndexOf('\n', i - 1)) if (ok(i + 1)) return i + 1;
  return -1;
}

/** Whether the last non-blank line before line start `ls` is a decorator. */
function afterDecorator(src: string, ls: number): boolean {
  let end = ls - 1;
  for (;;) {
    const start = src.lastIndexOf('\n', end - 1) + 1;
    const line = src.slice(start, end);
    if (line.trim()) return line.startsWith('@');
    if (start === 0) return false;
    end = start - 1;
  }
}

function drain(port: MessagePort): void {
  while (receiveMessageOnPort(port)) {
    // a late answer to a request that was given up on
  }
}

/** Waits up to `ms` for the answer to request `id`; null after that (the helper is then stopped). */
function awaitReply(h: Helper, id: number, ms: number): ParseReply | null {
  const deadline = performance.now() + ms;
  for (;;) {
    const seen = Atomics.load(h.flag, 1);
    if (seen === id) break;
    const left = deadline - performance.now();
    if (left <= 0) {
      stopParseHelper();
      return null;
    }
    Atomics.wait(h.flag, 1, seen, left);
  }
  for (let m = receiveMessageOnPort(h.port); m; m = receiveMessageOnPort(h.port)) {
    const reply = m.message as ParseReply;
    if (reply.id === id) return reply;
  }
  return null;
}

/**
 * The converted syntax of `src` parsed on two threads, or null when that is not possible or
 * not worth it (small file, no helper, no cut point, a syntax error in either part): the
 * caller then parses it on one thread.
 */
export function parseInParallel(src: string): Syntax | null {
  if (!enabled || src.length < minChars || !parseHelperReady()) return null;
  const cut = cutPoint(src, Math.floor(src.length * CUT_AT));
  return cut > 0 ? parseSplitAt(src, cut) : null;
}

/** parseInParallel with the cut at `cut` (a line start); exported for tests, which try every cut. */
export function parseSplitAt(src: string, cut: number): Syntax | null {
  const h = helper;
  if (!h || Atomics.load(h.flag, 0) !== 1) return null;
  const id = ++h.nextId;
  drain(h.port);
  h.port.postMessage({ id, text: src.slice(cut) } satisfies ParseRequest);

  const started = performance.now();
  const syntax = parseSyntax(src.slice(0, cut));
  // (a late answer to a request given up on is skipped by its id)
  if (syntax.hasError) return null;
  const reply = awaitReply(h, id, Math.max(HELPER_MIN_WAIT_MS, HELPER_WAIT_FACTOR * (performance.now() - started)));
  if (!reply || reply.kind !== 'parsed') return null;
  appendStatements(syntax, src, decodeStatements(reply.encoded, cut, syntax.root, internerFor(pythonParser().language!)));
  return syntax;
}
