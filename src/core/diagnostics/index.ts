/**
 * Diagnostics: a checklist of model and data checks (Goodfellow ch. 11, Karpathy's recipe,
 * Tobin's troubleshooting guide) with stable finding codes. No `vscode` import; the model and
 * the data are read in a child process (worker.ts), this side only collects findings.
 */
import { UserError } from '../errors';
import { startDiagnostics, type DiagnoseEvents, type DiagnoseHandle } from './runner';
import type { DiagnoseOptions, DiagnoseReport } from './types';

export * from './types';
export { CHECKS, checkInfo, type CheckCode, type CheckInfo } from './codes';
export { findingsFromReport } from './labelChecks';
export { formatChecklist } from './format';
export { startDiagnostics, sortFindings, summarize, type DiagnoseEvents, type DiagnoseHandle } from './runner';
export { findNearDuplicates, DEFAULT_NEAR_COSINE, type NearDuplicateOptions, type NearDuplicateResult } from './nearDuplicates';
export { thumbnail, THUMB_SIZE } from './thumbnail';

export interface DiagnoseCallbacks extends DiagnoseEvents {
  signal?: AbortSignal;
  onHandle?(h: DiagnoseHandle): void;
}

/** Runs every check on a model and its data; resolves with the report (findings in checklist order). */
export async function runDiagnostics(options: DiagnoseOptions, cb: DiagnoseCallbacks = {}): Promise<DiagnoseReport> {
  if (cb.signal?.aborted) throw new UserError('cancelled', 'cancelled');
  const handle = startDiagnostics(options, cb);
  cb.onHandle?.(handle);
  const onAbort = () => handle.cancel();
  cb.signal?.addEventListener('abort', onAbort);
  try {
    return await handle.done;
  } finally {
    cb.signal?.removeEventListener('abort', onAbort);
  }
}
