/**
 * Starts an engine child process (inference or diagnostics): the bundle beside the caller's
 * bundle (dist/*.js), or, from sources in tests, the .ts file through tsx. ONNX Runtime's
 * telemetry is off in every child; the tail of stderr is kept for the "died" message.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface EngineChild {
  child: ChildProcess;
  /** The last few KB the child wrote to stderr. */
  stderrTail(): string;
}

export function forkEngineChild(bundled: string, source: string): EngineChild {
  const fromBundle = existsSync(bundled);
  const child = fork(fromBundle ? bundled : source, [], {
    execArgv: fromBundle ? [] : ['--import', 'tsx'],
    serialization: 'advanced', // typed arrays cross without JSON
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    // ONNX Runtime 1.29+ sends usage telemetry on Linux unless this is set.
    env: { ...process.env, ORT_DISABLE_TELEMETRY: '1' },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  return { child, stderrTail: () => stderr };
}
