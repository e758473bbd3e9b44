/**
 * Shape checks for messages from the host (DOM-free). The webview trusts nothing it is sent:
 * anything that does not look like a HostToWebview message is reported and dropped.
 */
import type { ExampleView, HostToWebview, PackedLists, ReportSummary, RunStatus } from '../../src/core/protocol';
import { checkPackedLists } from '../../src/core/report/packed';
import { parseDiagnosticsStatus } from './validateDiagnostics';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isStrOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';

const RUN_STATES: ReadonlySet<string> = new Set<RunStatus['state']>(['idle', 'running', 'done', 'cancelled', 'failed']);

export function isRunStatus(v: unknown): v is RunStatus {
  return isObj(v) && isStr(v.state) && RUN_STATES.has(v.state) && isStr(v.modelName) && isStr(v.dataName)
    && isNum(v.done) && (v.total === null || isNum(v.total))
    && isStrOrNull(v.executionProvider) && isStrOrNull(v.message);
}

/**
 * A Report without its three lists (the panel gets those packed, checked by checkPackedLists):
 * enough to render without throwing — the version, the class list and the metric blocks the
 * panel reads. Field-level detail is the engine's contract.
 */
export function isReportSummary(v: unknown): v is ReportSummary & Record<string, unknown> {
  if (!isObj(v) || v.version !== 1) return false;
  if (!Array.isArray(v.classes) || !v.classes.every(isStr)) return false;
  for (const k of ['confusion', 'perClass', 'reliability', 'prCurves', 'skipped'] as const) {
    if (!Array.isArray(v[k])) return false;
  }
  return isObj(v.model) && isObj(v.data) && isObj(v.coverage) && isObj(v.histograms)
    && isObj(v.labelPermutation) && isObj(v.nonFinite) && isNum(v.accuracy) && isNum(v.numExamples);
}

/** Only `data:image/...` URLs are shown; anything else becomes '' (rendered as "no image"). */
export function safeImageUrl(v: unknown): string {
  return isStr(v) && /^data:image\/(png|jpeg|gif|webp|bmp);base64,[A-Za-z0-9+/=]*$/.test(v) ? v : '';
}

export function parseExampleView(v: unknown): ExampleView | null {
  if (!isObj(v) || !isNum(v.id) || !isStr(v.source) || !isNum(v.width) || !isNum(v.height)) return null;
  if (!isStr(v.modelInput) || !isStrOrNull(v.original)) return null;
  return {
    id: v.id, source: v.source, width: v.width, height: v.height,
    modelInput: safeImageUrl(v.modelInput),
    original: v.original === null ? null : safeImageUrl(v.original) || null,
  };
}

export type ParseResult = { ok: true; message: HostToWebview } | { ok: false; reason: string };

export function parseHostMessage(data: unknown): ParseResult {
  if (!isObj(data) || !isStr(data.type)) return { ok: false, reason: 'not a message object with a string `type`' };
  switch (data.type) {
    case 'status':
      return isRunStatus(data.status) ? { ok: true, message: { type: 'status', status: data.status } } : { ok: false, reason: 'status: bad RunStatus' };
    case 'report': {
      if (typeof data.partial !== 'boolean') return { ok: false, reason: 'report: `partial` is not a boolean' };
      if (!isReportSummary(data.report)) return { ok: false, reason: 'report: not a version-1 report' };
      let lists: PackedLists;
      try {
        lists = checkPackedLists(data.lists);
      } catch (e) {
        return { ok: false, reason: `report: ${(e as Error).message}` };
      }
      return { ok: true, message: { type: 'report', report: data.report, lists, partial: data.partial } };
    }
    case 'response': {
      if (!isNum(data.requestId)) return { ok: false, reason: 'response: no numeric requestId' };
      const body = data.body;
      if (!isObj(body) || body.kind !== 'examples' || !Array.isArray(body.examples)) return { ok: false, reason: 'response: unknown body' };
      const examples: ExampleView[] = [];
      for (const e of body.examples) {
        const ex = parseExampleView(e);
        if (ex) examples.push(ex);
      }
      return { ok: true, message: { type: 'response', requestId: data.requestId, body: { kind: 'examples', examples } } };
    }
    case 'requestFailed':
      if (!isNum(data.requestId) || !isStr(data.message)) return { ok: false, reason: 'requestFailed: needs requestId and message' };
      return { ok: true, message: { type: 'requestFailed', requestId: data.requestId, message: data.message } };
    case 'diagnostics': {
      if (typeof data.reveal !== 'boolean') return { ok: false, reason: 'diagnostics: `reveal` is not a boolean' };
      const d = parseDiagnosticsStatus(data.diagnostics);
      return d.ok ? { ok: true, message: { type: 'diagnostics', diagnostics: d.status, reveal: data.reveal } } : d;
    }
    default:
      return { ok: false, reason: `unknown message type ${JSON.stringify(data.type).slice(0, 60)}` };
  }
}
