/** Messages from the webview are untrusted input: checked field by field before use. */
import type { WebviewToHost } from '../../core/protocol';

const MAX_IDS = 256;
const isId = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

export function parseWebviewMessage(m: unknown): WebviewToHost | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const msg = m as Record<string, unknown>;
  switch (msg.type) {
    case 'ready':
    case 'cancelRun':
    case 'rerun':
    case 'runDiagnostics':
      return { type: msg.type };
    case 'openDiagnosticDocs':
      if (typeof msg.code !== 'string' || !/^ML-[MD]\d{3}$/.test(msg.code)) return undefined;
      return { type: 'openDiagnosticDocs', code: msg.code };
    case 'requestExamples':
      if (!isId(msg.requestId) || !Array.isArray(msg.ids) || msg.ids.length > MAX_IDS || !msg.ids.every(isId)) return undefined;
      return { type: 'requestExamples', requestId: msg.requestId, ids: msg.ids as number[] };
    case 'openExample':
      if (!isId(msg.id) || (msg.how !== 'open' && msg.how !== 'reveal')) return undefined;
      return { type: 'openExample', id: msg.id, how: msg.how };
    default:
      return undefined;
  }
}
