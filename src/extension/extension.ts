/**
 * Mistake Lens, the VS Code face of the engine. Activated by its contributions only; every
 * registration is disposed with the extension. Models run in a child process (src/core).
 */
import * as vscode from 'vscode';
import { DatasetMemory, pickDataset } from './datasets';
import { resolveModel } from './models';
import { MistakesPanel, PANEL_VIEW_TYPE } from './panel/MistakesPanel';
import { Runs } from './runs';
import { PythonDiagnostics } from './lint/pythonDiagnostics';
import { requireTrust } from './trust';
import type { InspectOptions } from '../core/options';
import type { Report } from '../core/protocol';

/** What activate() returns: for scripts, other extensions and the integration tests. */
export interface MistakeLensApi {
  /** Runs a model on data and shows the panel, as Inspect Mistakes does after its questions. */
  inspect(model: string, data: string, options?: Partial<InspectOptions>): Promise<Report | undefined>;
  /** The report the panel shows, if any. */
  shownReport(): Report | undefined;
}

export function activate(context: vscode.ExtensionContext): MistakeLensApi {
  const runs = new Runs(context);
  const memory = new DatasetMemory(context.globalState);
  const sample = {
    model: context.asAbsolutePath('media/sample/model.onnx'),
    data: context.asAbsolutePath('media/sample/data'),
  };

  const inspectModel = async (arg: unknown, askForData: boolean) => {
    if (!(await requireTrust('Inspect Mistakes'))) return;
    const model = await resolveModel(arg);
    if (!model) return;
    let data = askForData ? undefined : memory.recent(model)[0];
    data ??= await pickDataset(model, memory, sample.data);
    if (!data) return;
    await memory.remember(model, data);
    // The bundled sample lives inside the extension, which may be read-only: no config saved there.
    await runs.inspect(model.fsPath, data, data === sample.data ? { saveConfig: false } : {});
  };

  const log = vscode.window.createOutputChannel('Mistake Lens', { log: true });
  context.subscriptions.push(
    log,
    runs,
    new PythonDiagnostics(vscode.Uri.joinPath(context.extensionUri, 'docs', 'lint-rules.md'), log),
    vscode.commands.registerCommand('mistakeLens.inspectMistakes', (arg: unknown) => inspectModel(arg, false)),
    vscode.commands.registerCommand('mistakeLens.selectDataset', (arg: unknown) => inspectModel(arg, true)),
    vscode.commands.registerCommand('mistakeLens.openSample', async () => {
      if (!(await requireTrust('Open Sample'))) return;
      await runs.inspect(sample.model, sample.data, { saveConfig: false });
    }),
    vscode.commands.registerCommand('mistakeLens.showLastReport', async () => {
      if (!(await runs.showLast())) void vscode.window.showInformationMessage('Mistake Lens: no report yet. Run "Inspect Mistakes" on a model first.');
    }),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        await runs.restore(MistakesPanel.revive(panel, context.extensionUri));
      },
    }),
  );
  return {
    inspect: async (model, data, options) => ((await requireTrust('Inspect Mistakes')) ? runs.inspect(model, data, options) : undefined),
    shownReport: () => MistakesPanel.current?.lastReport,
  };
}

export function deactivate(): void {
  // Runs (and their child processes) are disposed through context.subscriptions.
}
