/**
 * Parent side of the diagnostics child process (modelled on model/runner.ts): starts it,
 * relays findings and progress, and turns every way it can end (done, error, crash, cancel)
 * into a settled promise, never a hang. When the child dies part-way, the findings it had
 * sent are kept and every check that had not reported becomes a `skipped` finding saying why.
 */
import { join } from 'node:path';
import { UserError } from '../errors';
import { forkEngineChild } from '../model/fork';
import { TOOL_VERSION } from '../version';
import { CHECKS, checkOrder, skipped } from './codes';
import { DIAGNOSE_VERSION, type DiagnoseOptions, type DiagnoseProgress, type DiagnoseReport, type Finding, type Severity } from './types';
import type { FromDiagnosticsWorker, ReportHeader, ToDiagnosticsWorker } from './workerProtocol';

export interface DiagnoseEvents {
  onProgress?(p: DiagnoseProgress): void;
  onFinding?(f: Finding): void;
  onReady?(header: ReportHeader): void;
}

export interface DiagnoseHandle {
  readonly pid: number | undefined;
  readonly done: Promise<DiagnoseReport>;
  /** Stops the child at once; `done` rejects with a 'cancelled' UserError. */
  cancel(): void;
}

/** Puts findings in checklist order (stable for equal codes). */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.map((f, i) => ({ f, i })).sort((a, b) => checkOrder(a.f.code) - checkOrder(b.f.code) || a.i - b.i).map((x) => x.f);
}

export function summarize(findings: Finding[]): Record<Severity, number> {
  const s: Record<Severity, number> = { error: 0, warning: 0, info: 0, skipped: 0 };
  for (const f of findings) s[f.severity]++;
  return s;
}

export function assembleReport(header: ReportHeader, findings: Finding[], seconds: number, phases: Record<string, number>, peakRssBytes?: number): DiagnoseReport {
  const sorted = sortFindings(findings);
  return {
    version: DIAGNOSE_VERSION,
    tool: { name: 'mistake-lens', version: TOOL_VERSION },
    createdAt: new Date().toISOString(),
    model: header.model,
    data: header.data,
    summary: summarize(sorted),
    findings: sorted,
    timing: peakRssBytes === undefined ? { seconds, phases } : { seconds, phases, peakRssBytes },
  };
}

export function startDiagnostics(options: DiagnoseOptions, events: DiagnoseEvents = {}): DiagnoseHandle {
  const started = performance.now();
  const { child, stderrTail } = forkEngineChild(join(__dirname, 'diagnostics-worker.js'), join(__dirname, 'worker.ts'));
  let cancelled = false;
  let header: ReportHeader | undefined;
  const findings: Finding[] = [];

  const done = new Promise<DiagnoseReport>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (!settled) {
        settled = true;
        f();
      }
    };
    child.on('message', (m: FromDiagnosticsWorker) => {
      switch (m.type) {
        case 'ready':
          header = m.header;
          events.onReady?.(m.header);
          break;
        case 'progress':
          events.onProgress?.(m.progress);
          break;
        case 'finding':
          findings.push(m.finding);
          events.onFinding?.(m.finding);
          break;
        case 'done':
          settle(() => resolve(assembleReport(m.header, findings, m.seconds, m.phases, m.peakRssBytes)));
          break;
        case 'error':
          settle(() => reject(m.code === 'internal' ? new Error(`diagnostics failed: ${m.message}`) : new UserError(m.message, m.code)));
          break;
        default: {
          const never: never = m;
          throw new Error(`unknown diagnostics worker message ${JSON.stringify(never)}`);
        }
      }
    });
    child.on('error', (e) => settle(() => reject(new UserError(`could not start the diagnostics process: ${e.message}`, 'worker-died'))));
    // 'close' (not 'exit'): it comes after the IPC channel is drained, so no finding is lost.
    child.on('close', (code, signal) => {
      settle(() => {
        if (cancelled) return reject(new UserError('cancelled', 'cancelled'));
        const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
        const tail = stderrTail().trim().split('\n').slice(-1)[0];
        const why = `the diagnostics process ${how} before finishing${tail ? `: ${tail}` : ''}`;
        if (!header) return reject(new UserError(why, 'worker-died'));
        // Keep what was found; the checks that never reported say why.
        const reported = new Set(findings.map((f) => f.code));
        for (const c of CHECKS) if (!reported.has(c.code)) findings.push(skipped(c.code, `Not run: ${why}.`, { file: c.target === 'model' ? header.model.path : header.data.path }));
        resolve(assembleReport(header, findings, (performance.now() - started) / 1000, {}));
      });
    });
  });
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  done.then(kill, kill);
  const start: ToDiagnosticsWorker = { type: 'start', options };
  child.send(start);
  return {
    pid: child.pid,
    done,
    cancel() {
      cancelled = true;
      kill();
    },
  };
}
