/**
 * The tracer's private channel (fd 3): JSON lines prefixed by the run's nonce. Lines without
 * the nonce (a script writing to fd 3 itself) are dropped; the script's stdout and stderr are
 * never parsed at all.
 */
import type { TraceLocation } from './types';

/** What the tracer sends, one per line (media/tracer/mistake_lens_tracer.py `send`). */
export type TracerMessage =
  /** `script`: the file that runs (for --module, the module's file). */
  | { type: 'start'; python: string; executable: string; torch: string; maxSteps: number; timeLimit: number; script?: string }
  | ({ type: 'finding'; id: number; code: string; message: string; op?: string; shapes?: number[][]; resultShape?: number[]; module?: string; related?: (TraceLocation & { message: string })[] } & TraceLocation)
  | {
      type: 'done';
      stoppedBy: 'end' | 'steps' | 'time' | 'error';
      steps: number;
      forwards: number;
      counts: Record<string, number>;
      wallSeconds: number;
      overhead: { ops: number; tracerSeconds: number };
      error?: { type: string; message: string; file?: string; line?: number };
    }
  | { type: 'fatal'; reason: 'usage' | 'no-script' | 'no-module' | 'no-torch' | 'old-torch' | 'internal'; message: string };

const MESSAGE_TYPES = new Set(['start', 'finding', 'done', 'fatal']);

/** Splits a byte stream into lines and hands on the messages that carry the nonce. */
export class ChannelReader {
  private rest = '';
  /** Lines that did not carry the nonce (not ours): counted, never trusted. */
  rejected = 0;

  constructor(private readonly nonce: string, private readonly onMessage: (m: TracerMessage) => void) {}

  push(chunk: string): void {
    const lines = (this.rest + chunk).split('\n');
    this.rest = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  end(): void {
    if (this.rest) this.line(this.rest);
    this.rest = '';
  }

  private line(line: string): void {
    // A script's bytes written to fd 3 without a newline may precede ours on the same line.
    const at = line.lastIndexOf(this.nonce + ' ');
    if (at < 0 || this.nonce.length < 16) {
      if (line.trim()) this.rejected++;
      return;
    }
    let msg: unknown;
    try {
      msg = JSON.parse(line.slice(at + this.nonce.length + 1));
    } catch {
      this.rejected++;
      return;
    }
    if (typeof msg === 'object' && msg !== null && MESSAGE_TYPES.has((msg as { type?: string }).type ?? '')) this.onMessage(msg as TracerMessage);
    else this.rejected++;
  }
}
