/**
 * Mistake Lens, the VS Code face of the engine. Activated by its contributions only; every
 * registration is disposed with the extension. Models run in a child process (src/core).
 */
import * as vscode from 'vscode';
import { DatasetMemory, pickDataset } from './datasets';
import { resolveModel } from './models';
import { MistakesPanel, PANEL_VIEW_TYPE } from './panel/MistakesPanel';
import { Runs } from './runs';
import { type LintStats, PythonDiagnostics } from './lint/pythonDiagnostics';
import { ModelCodeLinks } from './lint/modelLinks';
import { ModelDiagnostics } from './diagnostics/modelDiagnostics';
import { ScriptTracer } from './trace/scriptTracer';
import { requireTrust } from './trust';
import type { InspectOptions } from '../core/options';
import type { DiagnosticsStatus, Report } from '../core/protocol';
import { unpackReport } from '../core/report/packed';
import type { DiagnoseReport } from '../core/diagnostics/types';

/** What activate() returns: for scripts, other extensions and the integration tests. */
export interface MistakeLensApi {
  /** Runs a model on data and shows the panel, as Inspect Mistakes does after its questions. */
  inspect(model: string, data: string, options?: Partial<InspectOptions>): Promise<Report | undefined>;
  /** The report the panel shows, if any. */
  shownReport(): Report | undefined;
  /** Runs the diagnostics checklist and fills the Problems panel, as Run Diagnostics does. */
  diagnose(model: string, data: string): Promise<DiagnoseReport | undefined>;
  /** What the panel's Diagnostics tab was last sent (undefined without a panel or a run). */
  shownDiagnostics(): DiagnosticsStatus | undefined;
  /** How the last lint of an open Python file went (undefined until it is linted). */
  lintStats(uri: vscode.Uri): LintStats | undefined;
}

export function activate(context: vscode.ExtensionContext): MistakeLensApi {
  const runs = new Runs(context);
  const memory = new DatasetMemory(context.globalState);
  const sample = {
    model: context.asAbsolutePath('media/sample/model.onnx'),
    data: context.asAbsolutePath('media/sample/data'),
  };

  const log = vscode.window.createOutputChannel('Mistake Lens', { log: true });
  const tracer = new ScriptTracer(context, log, vscode.Uri.joinPath(context.extensionUri, 'docs', 'tracer.md'));
  const diagnostics = new ModelDiagnostics(log, vscode.Uri.joinPath(context.extensionUri, 'docs', 'diagnostics.md'), {
    // A run the user started opens the panel on its Diagnostics tab; progress goes to the panel if it is still open.
    show: (status, reveal) => {
      const target = diagnostics.lastTarget;
      const panel = reveal && target ? runs.panelForDiagnostics(target.model, target.data) : MistakesPanel.current;
      panel?.setDiagnostics(status, reveal);
    },
  }, context.globalStorageUri);
  const runDiagnostics = async (model: string, data: string) => ((await requireTrust('Run Diagnostics')) ? diagnostics.run(model, data) : undefined);
  // The Diagnostics tab's buttons: run on the panel's model and data, or open a code's docs
  // (the listener goes with the panel's emitter when the panel is disposed).
  runs.onPanel = (panel) => panel.onDidRequestDiagnostics((req) => {
    if (req.kind === 'docs') return void diagnostics.openDocs(req.code);
    const r = panel.lastReport;
    const target = diagnostics.lastTarget ?? (r ? { model: r.model.path, data: r.data.path } : undefined);
    if (target) void runDiagnostics(target.model, target.data);
  });
  const dataFor = async (model: vscode.Uri, askForData: boolean) => {
    let data = askForData ? undefined : memory.recent(model)[0];
    data ??= await pickDataset(model, memory, sample.data);
    if (data) await memory.remember(model, data);
    return data;
  };

  const inspectModel = async (arg: unknown, askForData: boolean) => {
    if (!(await requireTrust('Inspect Mistakes'))) return;
    const model = await resolveModel(arg);
    if (!model) return;
    const data = await dataFor(model, askForData);
    if (!data) return;
    // The bundled sample lives inside the extension, which may be read-only: no config saved there.
    await runs.inspect(model.fsPath, data, data === sample.data ? { saveConfig: false } : {});
  };

  const python = new PythonDiagnostics(vscode.Uri.joinPath(context.extensionUri, 'docs', 'lint-rules.md'), log);
  context.subscriptions.push(
    log,
    runs,
    python,
    // model and code together: a diagnosed model's outputs, at the loss calls of the scripts that export or load it
    new ModelCodeLinks(diagnostics.onDidPublish, vscode.Uri.joinPath(context.extensionUri, 'docs', 'lint-rules.md'), log),
    tracer,
    vscode.commands.registerCommand('mistakeLens.traceScript', (arg: unknown) => tracer.run(arg)),
    vscode.commands.registerCommand('mistakeLens.inspectMistakes', (arg: unknown) => inspectModel(arg, false)),
    vscode.commands.registerCommand('mistakeLens.selectDataset', (arg: unknown) => inspectModel(arg, true)),
    diagnostics,
    vscode.commands.registerCommand('mistakeLens.runDiagnostics', async (arg: unknown) => {
      if (!(await requireTrust('Run Diagnostics'))) return;
      const model = await resolveModel(arg);
      const data = model && (await dataFor(model, false));
      if (model && data) await diagnostics.run(model.fsPath, data);
    }),
    vscode.commands.registerCommand('mistakeLens.openSample', async () => {
      if (!(await requireTrust('Open Sample'))) return;
      await runs.inspect(sample.model, sample.data, { saveConfig: false });
    }),
    vscode.commands.registerCommand('mistakeLens.showLastReport', async () => {
      if (!(await runs.showLast())) void vscode.window.showInformationMessage('Mistake Lens: no report yet. Run "Inspect Mistakes" on a model first.');
    }),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        const revived = MistakesPanel.revive(panel, context.extensionUri);
        await runs.restore(revived);
        const saved = await diagnostics.lastSaved();
        if (saved && !revived.lastDiagnostics) {
          diagnostics.lastTarget ??= { model: saved.model.path, data: saved.data.path };
          revived.setDiagnostics({ state: 'done', report: saved }, false);
        }
      },
    }),
  );
  return {
    inspect: async (model, data, options) => {
      const packed = (await requireTrust('Inspect Mistakes')) ? await runs.inspect(model, data, options) : undefined;
      return packed && unpackReport(packed);
    },
    shownReport: () => MistakesPanel.current?.lastReport,
    diagnose: runDiagnostics,
    shownDiagnostics: () => MistakesPanel.current?.lastDiagnostics,
    lintStats: (uri) => python.statsOf(uri),
  };
}

export function deactivate(): void {
  // Runs (and their child processes) are disposed through context.subscriptions.
}
