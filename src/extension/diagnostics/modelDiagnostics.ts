/**
 * "Run Diagnostics": the checklist of model and data checks (src/core/diagnostics, in a child
 * process) as entries in the Problems panel — on the model file, or on the manifest / data
 * config when the problem is in the data — and as a checklist in the Mistake Lens output.
 */
import * as vscode from 'vscode';
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isUserError } from '../../core/errors';
import type { DiagnoseProgress, DiagnoseReport, Finding } from '../../core/diagnostics/types';
import { readSettings } from '../settings';

const SEVERITY: Partial<Record<Finding['severity'], vscode.DiagnosticSeverity>> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
};

export class ModelDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('mistake-lens-model');
  private running: AbortController | undefined;

  constructor(private readonly log: vscode.LogOutputChannel, private readonly docsUri: vscode.Uri) {}

  /** Runs every check; resolves with the report (undefined when cancelled or failed, after saying why). */
  async run(model: string, data: string): Promise<DiagnoseReport | undefined> {
    this.running?.abort();
    const abort = (this.running = new AbortController());
    const { runDiagnostics, formatChecklist } = await import('../../core/diagnostics/index.js');
    const s = readSettings();
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Mistake Lens: diagnosing ${basename(model)}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        try {
          const report = await runDiagnostics(
            { model, data, executionProviders: s.executionProviders, batchSize: s.batchSize },
            { signal: abort.signal, onProgress: (p) => progress.report({ message: describe(p) }) },
          );
          this.publish(report);
          this.log.info(`Diagnostics of ${model} on ${data}\n${formatChecklist(report)}`);
          const { error = 0, warning = 0 } = report.summary;
          const show = 'Show Problems';
          void vscode.window
            .showInformationMessage(`Mistake Lens: ${basename(model)}: ${error} errors, ${warning} warnings in ${report.findings.length} checks.`, show)
            .then((p) => (p === show ? vscode.commands.executeCommand('workbench.actions.view.problems') : undefined));
          return report;
        } catch (e) {
          if (!(isUserError(e) && e.code === 'cancelled')) void vscode.window.showErrorMessage(`Mistake Lens: ${(e as Error).message}`);
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

  dispose(): void {
    this.running?.abort();
    this.collection.dispose();
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
