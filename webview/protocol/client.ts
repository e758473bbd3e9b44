/**
 * The webview's side of the host protocol (DOM-free; `post` is injected, so it runs in Node tests).
 * Requests carry an id; the host answers with `response` or `requestFailed` and the promise
 * resolves or rejects accordingly. Unknown or malformed messages are logged and ignored.
 */
import type { DiagnosticsStatus, ExampleView, HostToWebview, PackedReport, RunStatus, WebviewResponse, WebviewToHost } from '../../src/core/protocol';
import { parseHostMessage } from './validate';

/** Messages that are fire-and-forget (no requestId). */
export type HostCommand = Exclude<WebviewToHost, { requestId: number }>;

export class RequestFailedError extends Error {
  constructor(readonly requestId: number, message: string) {
    super(message);
    this.name = 'RequestFailedError';
  }
}

export interface ClientHandlers {
  onStatus?(status: RunStatus): void;
  /** The lists stay in columns (PackedLists): the grid reads a row when it shows it. */
  onReport?(report: PackedReport, partial: boolean): void;
  onDiagnostics?(status: DiagnosticsStatus, reveal: boolean): void;
  /** A message that was dropped, and why (default: console.warn). */
  onInvalid?(reason: string, data: unknown): void;
}

interface Pending {
  resolve(body: WebviewResponse): void;
  reject(err: Error): void;
}

export class ProtocolClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;

  constructor(private readonly post: (msg: WebviewToHost) => void, private readonly handlers: ClientHandlers = {}) {}

  send(msg: HostCommand): void {
    if (!this.disposed) this.post(msg);
  }

  /** The model's inputs (and original files) for these dataset indices. */
  async requestExamples(ids: readonly number[]): Promise<ExampleView[]> {
    const body = await this.request((requestId) => ({ type: 'requestExamples', requestId, ids: [...ids] }));
    return body.examples;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  private request(make: (requestId: number) => Extract<WebviewToHost, { requestId: number }>): Promise<WebviewResponse> {
    if (this.disposed) return Promise.reject(new Error('protocol client disposed'));
    const requestId = this.nextId++;
    return new Promise<WebviewResponse>((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      try {
        this.post(make(requestId));
      } catch (err) {
        this.pending.delete(requestId);
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /** Feed every `message` event's data here. */
  handle(data: unknown): void {
    const parsed = parseHostMessage(data);
    if (!parsed.ok) {
      this.invalid(parsed.reason, data);
      return;
    }
    this.dispatch(parsed.message);
  }

  private dispatch(msg: HostToWebview): void {
    switch (msg.type) {
      case 'status':
        this.handlers.onStatus?.(msg.status);
        return;
      case 'report':
        this.handlers.onReport?.({ report: msg.report, lists: msg.lists }, msg.partial);
        return;
      case 'diagnostics':
        this.handlers.onDiagnostics?.(msg.diagnostics, msg.reveal);
        return;
      case 'response': {
        const p = this.take(msg.requestId, msg);
        p?.resolve(msg.body);
        return;
      }
      case 'requestFailed': {
        const p = this.take(msg.requestId, msg);
        p?.reject(new RequestFailedError(msg.requestId, msg.message));
        return;
      }
      default: {
        const unreachable: never = msg;
        this.invalid('unhandled message type', unreachable);
      }
    }
  }

  private take(requestId: number, msg: HostToWebview): Pending | undefined {
    const p = this.pending.get(requestId);
    if (!p) {
      this.invalid(`no pending request ${requestId}`, msg);
      return undefined;
    }
    this.pending.delete(requestId);
    return p;
  }

  private invalid(reason: string, data: unknown): void {
    if (this.handlers.onInvalid) this.handlers.onInvalid(reason, data);
    else console.warn(`[mistake-lens] ignored host message: ${reason}`);
  }

  /** Rejects whatever is still pending (the panel is going away). */
  dispose(): void {
    this.disposed = true;
    for (const [, p] of this.pending) p.reject(new Error('protocol client disposed'));
    this.pending.clear();
  }
}
