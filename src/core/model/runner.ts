/**
 * Parent side of the inference child process: starts it, relays its stream, and turns
 * every way it can end (done, error, crash, cancel) into a settled promise — never a hang.
 */
import { join } from 'node:path';
import { UserError } from '../errors';
import { forkEngineChild } from './fork';
import type { InspectOptions } from '../options';
import type { ExampleView } from '../protocol';
import type { OutputKind, PackedLists } from '../protocol';
import type { AnalysisSummary, FromWorker, Reporting, ToWorker } from './workerProtocol';

export interface RunEvents {
  onReady?(m: Extract<FromWorker, { type: 'ready' }>): void;
  onProgress?(m: Extract<FromWorker, { type: 'progress' }>): void;
  onPartial?(m: Extract<FromWorker, { type: 'partial' }>): void;
  onSkipped?(m: Extract<FromWorker, { type: 'skipped' }>): void;
}

export interface RunOutcome {
  seconds: number;
  peakRssBytes: number;
  result: AnalysisSummary;
  lists: PackedLists;
  outputKind: OutputKind;
}

export interface RunHandle {
  readonly pid: number | undefined;
  readonly done: Promise<RunOutcome>;
  /** Stops the child at once; `done` rejects with a 'cancelled' UserError. */
  cancel(): void;
  /** With keepAlive: the examples' inputs as the model saw them (after `ready`). */
  requestExamples(ids: number[]): Promise<ExampleView[]>;
  /** Ends the child (a kept-alive one too); pending requests reject. */
  dispose(): void;
}

export const DEFAULT_REPORTING: Reporting = { top: 100, targetAccuracy: 0.95, labelIssueRanking: 'self-confidence', partialEveryMs: 0 };

export function startInference(options: InspectOptions, events: RunEvents = {}, keepAlive = false, serveOnly = false, reporting: Reporting = DEFAULT_REPORTING): RunHandle {
  const { child, stderrTail } = forkEngineChild(join(__dirname, 'worker.js'), join(__dirname, 'worker.ts'));
  let cancelled = false;
  let nextRequest = 1;
  const pending = new Map<number, { resolve(v: ExampleView[]): void; reject(e: Error): void }>();
  const failPending = (why: string) => {
    for (const p of pending.values()) p.reject(new UserError(why, 'worker-died'));
    pending.clear();
  };

  const done = new Promise<RunOutcome>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (!settled) {
        settled = true;
        f();
      }
    };
    child.on('message', (m: FromWorker) => {
      switch (m.type) {
        case 'ready': events.onReady?.(m); break;
        case 'progress': events.onProgress?.(m); break;
        case 'partial': events.onPartial?.(m); break;
        case 'skipped': events.onSkipped?.(m); break;
        case 'done': settle(() => resolve({ seconds: m.seconds, peakRssBytes: m.peakRssBytes, result: m.result, lists: m.lists, outputKind: m.outputKind })); break;
        case 'error':
          settle(() => reject(m.code === 'internal' ? new Error(`inference failed: ${m.message}`) : new UserError(m.message, m.code)));
          break;
        case 'examples':
          pending.get(m.requestId)?.resolve(m.examples);
          pending.delete(m.requestId);
          break;
        case 'examplesFailed':
          pending.get(m.requestId)?.reject(new UserError(m.message));
          pending.delete(m.requestId);
          break;
        default: {
          const never: never = m;
          throw new Error(`unknown worker message ${JSON.stringify(never)}`);
        }
      }
    });
    child.on('error', (e) => settle(() => reject(new UserError(`could not start the inference process: ${e.message}`, 'worker-died'))));
    // 'close' (not 'exit'): it comes after the IPC channel is drained, so no batch is lost.
    child.on('close', (code, signal) => {
      failPending('the inference process has ended');
      settle(() => {
        if (cancelled) return reject(new UserError('cancelled', 'cancelled'));
        const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
        const tail = stderrTail().trim().split('\n').slice(-1)[0];
        reject(new UserError(`the inference process ${how} before finishing${tail ? `: ${tail}` : ''}`, 'worker-died'));
      });
    });
  });
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  // A failed run never leaves a child behind; a finished one stays only when asked to.
  done.then(() => keepAlive || kill(), kill);
  const start: ToWorker = { type: 'start', options, reporting, keepAlive: keepAlive || serveOnly, serveOnly };
  child.send(start);
  return {
    pid: child.pid,
    done,
    cancel() {
      cancelled = true;
      kill();
    },
    requestExamples(ids) {
      return new Promise((resolve, reject) => {
        if (!child.connected) return reject(new UserError('the inference process has ended', 'worker-died'));
        const requestId = nextRequest++;
        pending.set(requestId, { resolve, reject });
        const msg: ToWorker = { type: 'examples', requestId, ids };
        child.send(msg);
      });
    },
    dispose: kill,
  };
}
