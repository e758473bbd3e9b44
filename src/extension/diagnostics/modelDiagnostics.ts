/**
 * "Run Diagnostics": the checklist of model and data checks (src/core/diagnostics, in a child
 * process) as entries in the Problems panel — on the model file, or on the manifest / data
 * config when the problem is in the data — as the panel's Diagnostics tab (through a
 * DiagnosticsDisplay: progress while it runs, then the report) and as a checklist in the
 * Mistake Lens output. The last report is saved so the tab shows it again after a reload.
 */
import * as vscode from 'vscode';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isUserError } from '../../core/errors';
import type { DiagnoseProgress, DiagnoseReport, Finding } from '../../core/diagnostics/types';
import type { DiagnosticsStatus } from '../../core/protocol';
import { readSettings } from '../settings';

/** Where the Diagnostics tab lives (the Mistake Lens panel); `reveal` opens it on that tab. */
export interface DiagnosticsDisplay {
  show(status: DiagnosticsStatus, reveal: boolean): void;
}

/** Progress reaches the tab at most this often (the worker reports every batch). */
const PROGRESS_INTERVAL_MS = 100;

const SEVERITY: Partial<Record<Finding['severity'], vscode.DiagnosticSeverity>> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
};

export class ModelDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('mistake-lens-model');
  private readonly published = new vscode.EventEmitter<DiagnoseReport>();
  /** Fires with each finished report, after its findings reach the Problems panel (the model/code links listen). */
  readonly onDidPublish = this.published.event;
  private running: AbortController | undefined;
  /** Model and data of the last run started (what the tab's Run button runs again). */
  lastTarget: { model: string; data: string } | undefined;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly docsUri: vscode.Uri,
    private readonly display?: DiagnosticsDisplay,
    /** Folder for last-diagnostics.json (the extension's global storage). */
    private readonly storage?: vscode.Uri,
  ) {}

  /** Runs every check; resolves with the report (undefined when cancelled or failed, after saying why). */
  async run(model: string, data: string): Promise<DiagnoseReport | undefined> {
    this.running?.abort();
    const abort = (this.running = new AbortController());
    const { runDiagnostics, formatChecklist } = await import('../../core/diagnostics/index.js');
    const s = readSettings();
    this.lastTarget = { model, data };
    const names = { modelName: basename(model), dataName: basename(data) };
    let findings = 0, lastShown = 0;
    let phase: DiagnoseProgress = { phase: 'starting', done: 0, total: undefined };
    const showProgress = (force: boolean) => {
      const now = Date.now();
      if (!force && now - lastShown < PROGRESS_INTERVAL_MS) return;
      lastShown = now;
      this.display?.show({ state: 'running', ...names, progress: phase, findings }, false);
    };
    this.display?.show({ state: 'running', ...names, progress: phase, findings }, true);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Mistake Lens: diagnosing ${basename(model)}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        try {
          const report = await runDiagnostics(
            { model, data, executionProviders: s.executionProviders, batchSize: s.batchSize },
            {
              signal: abort.signal,
              onProgress: (p) => {
                progress.report({ message: describe(p) });
                phase = p;
                showProgress(false);
              },
              onFinding: () => {
                findings++;
                showProgress(true);
              },
            },
          );
          this.publish(report);
          this.published.fire(report);
          this.display?.show({ state: 'done', report }, false);
          void this.save(report);
          this.log.info(`Diagnostics of ${model} on ${data}\n${formatChecklist(report)}`);
          const { error = 0, warning = 0 } = report.summary;
          const show = 'Show Problems';
          void vscode.window
            .showInformationMessage(`Mistake Lens: ${basename(model)}: ${error} error${error === 1 ? '' : 's'}, ${warning} warning${warning === 1 ? '' : 's'} in ${report.findings.length} checks.`, show)
            .then((p) => (p === show ? vscode.commands.executeCommand('workbench.actions.view.problems') : undefined));
          return report;
        } catch (e) {
          const cancelled = isUserError(e) && e.code === 'cancelled';
          // A newer run replaced this one: its own status is already on the tab.
          if (this.running === abort) this.display?.show({ state: cancelled ? 'cancelled' : 'failed', ...names, message: cancelled ? 'Cancelled' : (e as Error).message }, false);
          if (!cancelled) void vscode.window.showErrorMessage(`Mistake Lens: ${(e as Error).message}`);
          return undefined;
        }
      },
    );
  }

  private publish(report: DiagnoseReport): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const f of report.findings) {
      const severity = SEVERITY[f.severity];
      if (severity === undefined) continue; // passed checks and skipped ones stay in the checklist
      const file = f.location?.file ?? (f.target === 'data' ? dataFile(report.data.path) : undefined) ?? report.model.path;
      const line = Math.max(0, (f.location?.line ?? 1) - 1);
      const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, 0), `${f.title}: ${f.message} ${f.advice}`, severity);
      d.source = 'Mistake Lens';
      d.code = { value: f.code, target: this.docsUri.with({ fragment: f.code.toLowerCase() }) };
      byFile.set(file, [...(byFile.get(file) ?? []), d]);
    }
    this.collection.clear();
    for (const [file, ds] of byFile) this.collection.set(vscode.Uri.file(file), ds);
  }

  /** Opens docs/diagnostics.md at the heading of a finding code (`### ML-M002 …`). */
  async openDocs(code: string): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(this.docsUri);
    const line = doc.getText().split('\n').findIndex((l) => l.startsWith(`### ${code} `));
    const at = new vscode.Position(Math.max(0, line), 0);
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(at, at), preview: true, viewColumn: vscode.ViewColumn.One });
  }

  /** The last finished report, saved by an earlier session (for a panel restored after a reload). */
  async lastSaved(): Promise<DiagnoseReport | undefined> {
    if (!this.storage) return undefined;
    try {
      return JSON.parse(await readFile(join(this.storage.fsPath, 'last-diagnostics.json'), 'utf8')) as DiagnoseReport;
    } catch {
      return undefined;
    }
  }

  private async save(report: DiagnoseReport): Promise<void> {
    if (!this.storage) return;
    try {
      await mkdir(this.storage.fsPath, { recursive: true });
      await writeFile(join(this.storage.fsPath, 'last-diagnostics.json'), JSON.stringify(report));
    } catch {
      // Only a reloaded panel needs it; the run itself succeeded.
    }
  }

  dispose(): void {
    this.running?.abort();
    this.collection.dispose();
    this.published.dispose();
  }
}

/** Where a data problem is shown: the manifest (a file), else the data folder's saved config, if any. */
function dataFile(path: string): string | undefined {
  try {
    if (statSync(path).isFile()) return path;
    const config = join(path, '.mistake-lens.json');
    return existsSync(config) ? config : undefined;
  } catch {
    return undefined;
  }
}

function describe(p: DiagnoseProgress): string {
  return p.total ? `${p.phase}: ${p.done} of ${p.total}` : p.phase;
}
