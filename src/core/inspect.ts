/**
 * The main job: a model and labelled data in, a report out. The child process plans, runs
 * and analyses (plan.ts, model/worker.ts), so the caller's thread — the extension host —
 * only receives progress and results, also while the run goes on (partial results).
 */
import { UserError } from './errors';
import { startInference, type RunHandle, type RunOutcome } from './model/runner';
import type { AnalysisSummary, RunSummary } from './model/workerProtocol';
import type { InspectOptions } from './options';
import { REPORT_VERSION, type OutputKind, type PackedLists, type PackedReport, type Report, type SkippedExample } from './protocol';
import { ownBuffers, unpackReport } from './report/packed';
import { TOOL_VERSION } from './version';

export type { InspectOptions } from './options';

export interface InspectProgress {
  done: number;
  total: number | undefined;
  executionProvider?: string;
}

export interface InspectCallbacks {
  onProgress?(p: InspectProgress): void;
  /** Once the model is loaded and the run planned. */
  onReady?(summary: RunSummary): void;
  /** Partial results while the run goes on (at most every `partialEveryMs`), the lists packed
   *  as the child sent them: passing them on to the panel costs the host no rebuilding. */
  onPartial?(r: PackedReport): void;
  partialEveryMs?: number;
  onWarning?(message: string): void;
  /** Worker statistics (wall time, peak memory) once the run is over. */
  onWorkerDone?(o: RunOutcome): void;
  signal?: AbortSignal;
  /** Keep the child process after the run, to render examples for the panel. */
  keepAlive?: boolean;
  onHandle?(h: RunHandle): void;
}

export async function inspect(opts: InspectOptions, cb: InspectCallbacks = {}): Promise<Report> {
  return unpackReport(await inspectPacked(opts, cb));
}

/** inspect() with the report's lists left in columns, as the panel takes them. */
export async function inspectPacked(opts: InspectOptions, cb: InspectCallbacks = {}): Promise<PackedReport> {
  if (cb.signal?.aborted) throw new UserError('cancelled', 'cancelled');
  let summary: RunSummary | undefined;
  let done = 0;
  const skipped: SkippedExample[] = [];

  const report = (result: AnalysisSummary, lists: PackedLists, outputKind: OutputKind, seconds: number): PackedReport => ({ report: {
    version: REPORT_VERSION,
    tool: { name: 'mistake-lens', version: TOOL_VERSION },
    createdAt: new Date().toISOString(),
    model: { ...summary!.model, outputKind },
    data: summary!.data,
    executionProvider: summary!.executionProvider,
    executionProviderNotes: summary!.notes,
    classes: summary!.classes,
    ...result,
    skipped: [...skipped],
    numSkipped: skipped.length,
    timing: { seconds, examplesPerSecond: seconds > 0 ? result.numExamples / seconds : 0 },
  }, lists: ownBuffers(lists) });
  const progress = () => cb.onProgress?.({ done, total: summary?.total, executionProvider: summary?.executionProvider });

  const handle = startInference(
    opts,
    {
      onReady(m) {
        summary = m.summary;
        for (const w of summary.warnings) cb.onWarning?.(w);
        cb.onReady?.(summary);
        progress();
      },
      onProgress(m) {
        done = m.done + skipped.length;
        progress();
      },
      onPartial(m) {
        cb.onPartial?.(report(m.result, m.lists, m.outputKind, m.seconds));
      },
      onSkipped(m) {
        skipped.push({ index: m.index, source: m.source, reason: m.reason });
        done++;
        progress();
      },
    },
    cb.keepAlive ?? false,
    false,
    {
      top: opts.top ?? 100,
      targetAccuracy: opts.targetAccuracy ?? 0.95,
      labelIssueRanking: opts.labelIssueRanking ?? 'self-confidence',
      partialEveryMs: cb.onPartial ? (cb.partialEveryMs ?? 500) : 0,
    },
  );
  cb.onHandle?.(handle);
  const onAbort = () => handle.cancel();
  cb.signal?.addEventListener('abort', onAbort);
  let outcome: RunOutcome;
  try {
    outcome = await handle.done;
  } finally {
    cb.signal?.removeEventListener('abort', onAbort);
  }
  cb.onWorkerDone?.(outcome);
  return report(outcome.result, outcome.lists, outcome.outputKind, outcome.seconds);
}
