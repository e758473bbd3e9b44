/** Creates an ONNX Runtime session, trying execution providers in the user's order. */
import type { InferenceSession } from 'onnxruntime-node';
import { basename } from 'node:path';
import { UserError } from '../errors';


export interface OpenedSession {
  session: InferenceSession;
  /** The provider that really loaded. */
  provider: string;
  /** Why earlier ones did not, e.g. "cuda: could not load (libcudart.so.12: not found); fell back to cpu". */
  notes: string[];
}

export async function openSession(modelPath: string, providers: string[]): Promise<OpenedSession> {
  // Loaded here, in the child process only: the native module never enters the extension host.
  const ort = await import('onnxruntime-node');
  ort.env.logLevel = 'error';
  const notes: string[] = [];
  let lastError = '';
  for (const provider of providers) {
    try {
      const session = await ort.InferenceSession.create(modelPath, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
        // Idle ONNX Runtime threads spin by default, taking the cores the same process needs
        // to read and preprocess the next batch while this one runs.
        extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
      });
      return { session, provider, notes };
    } catch (e) {
      lastError = firstLine((e as Error).message);
      notes.push(`${provider}: could not load (${lastError})`);
    }
  }
  throw new UserError(`${basename(modelPath)}: ONNX Runtime could not load the model with ${providers.join(', ')}: ${lastError}`, 'bad-model');
}

function firstLine(s: string): string {
  const line = s.split('\n').find((l) => l.trim()) ?? s;
  return line.length > 300 ? line.slice(0, 300) + '…' : line;
}
