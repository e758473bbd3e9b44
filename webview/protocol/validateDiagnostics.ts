/**
 * Shape checks for the `diagnostics` host message (DOM-free): the tab renders findings field by
 * field, so each one must have its strings and a known severity. `details` stays unknown here;
 * the view model (webview/diagnostics/viewModel.ts) checks the numbers it reads from it.
 */
import type { DiagnoseReport, Finding, Severity } from '../../src/core/diagnostics/types';
import type { DiagnosticsStatus } from '../../src/core/protocol';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

const SEVERITIES: ReadonlySet<string> = new Set<Severity>(['error', 'warning', 'info', 'skipped']);
const CODE = /^ML-[MD]\d{3}$/;

export function isFinding(v: unknown): v is Finding {
  return isObj(v) && isStr(v.code) && CODE.test(v.code) && isStr(v.severity) && SEVERITIES.has(v.severity)
    && isStr(v.title) && isStr(v.message) && isStr(v.advice) && (v.target === 'model' || v.target === 'data')
    && (v.location === undefined || (isObj(v.location) && isStr(v.location.file)))
    && (v.details === undefined || isObj(v.details));
}

/** Enough of a version-1 DiagnoseReport to render: paths, splits, findings, summary, timing. */
export function isDiagnoseReport(v: unknown): v is DiagnoseReport {
  if (!isObj(v) || v.version !== 1 || !isStr(v.createdAt)) return false;
  const { model, data, summary, timing } = v;
  if (!isObj(model) || !isStr(model.path)) return false;
  if (!isObj(data) || !isStr(data.path) || !isNum(data.numExamples) || !isNum(data.sampleSize) || !Array.isArray(data.classes)) return false;
  if (!Array.isArray(data.splits) || !data.splits.every((s) => isObj(s) && isStr(s.name) && isNum(s.numExamples))) return false;
  if (!isObj(summary) || ![summary.error, summary.warning, summary.info, summary.skipped].every(isNum)) return false;
  if (!isObj(timing) || !isNum(timing.seconds)) return false;
  return Array.isArray(v.findings) && v.findings.every(isFinding);
}

const names = (v: Obj) => isStr(v.modelName) && isStr(v.dataName);

/** A DiagnosticsStatus, or the reason it is not one. */
export function parseDiagnosticsStatus(v: unknown): { ok: true; status: DiagnosticsStatus } | { ok: false; reason: string } {
  if (!isObj(v) || !isStr(v.state)) return { ok: false, reason: 'diagnostics: no state' };
  switch (v.state) {
    case 'none': {
      const t = v.target;
      if (t !== null && !(isObj(t) && names(t))) return { ok: false, reason: 'diagnostics: bad target' };
      return { ok: true, status: { state: 'none', target: t === null ? null : { modelName: t.modelName as string, dataName: t.dataName as string } } };
    }
    case 'running': {
      const p = v.progress;
      if (!names(v) || !isNum(v.findings) || !isObj(p) || !isStr(p.phase) || !isNum(p.done) || !(p.total === undefined || p.total === null || isNum(p.total))) {
        return { ok: false, reason: 'diagnostics: bad running state' };
      }
      const progress = { phase: p.phase, done: p.done, total: isNum(p.total) ? p.total : undefined };
      return { ok: true, status: { state: 'running', modelName: v.modelName as string, dataName: v.dataName as string, progress, findings: v.findings } };
    }
    case 'done':
      return isDiagnoseReport(v.report) ? { ok: true, status: { state: 'done', report: v.report } } : { ok: false, reason: 'diagnostics: not a version-1 diagnostics report' };
    case 'failed':
    case 'cancelled':
      if (!names(v) || !isStr(v.message)) return { ok: false, reason: `diagnostics: bad ${v.state} state` };
      return { ok: true, status: { state: v.state, modelName: v.modelName as string, dataName: v.dataName as string, message: v.message } };
    default:
      return { ok: false, reason: `diagnostics: unknown state ${JSON.stringify(v.state).slice(0, 40)}` };
  }
}
