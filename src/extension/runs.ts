/**
 * Runs the engine for the panel: a cancellable progress notification, partial results while
 * the run goes on, the child process kept to draw examples, the last report saved so it can
 * be shown again after a reload.
 */
import * as vscode from 'vscode';
import { basename } from 'node:path';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { deserialize, serialize } from 'node:v8';
import { isUserError } from '../core/errors';
import { inspectPacked } from '../core/inspect';
import { startInference, type RunHandle } from '../core/model/runner';
import type { InspectOptions } from '../core/options';
import { REPORT_VERSION, type PackedReport, type RunStatus } from '../core/protocol';
import { checkPackedLists } from '../core/report/packed';
import { MistakesPanel } from './panel/MistakesPanel';
import { readSettings } from './settings';

/** Saved with v8.serialize: the packed lists are written as bytes (JSON of 100,000 ranked
 *  examples took the host ~1 s to stringify at the end of a run). */
interface SavedRun {
  options: InspectOptions;
  report: PackedReport;
}

export class Runs implements vscode.Disposable {
  private handle: RunHandle | undefined;
  private abort: AbortController | undefined;
  private lastOptions: InspectOptions | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {}

  private get lastRunFile(): vscode.Uri {
    return vscode.Uri.joinPath(this.context.globalStorageUri, 'last-run.v8');
  }

  /** Runs the model on the data and shows the result in the panel. */
  async inspect(model: string, data: string, extra: Partial<InspectOptions> = {}): Promise<PackedReport | undefined> {
    this.stop();
    const s = readSettings();
    const options: InspectOptions = {
      model,
      data,
      executionProviders: s.executionProviders,
      batchSize: s.batchSize,
      top: s.maxMistakes,
      ...(s.defaultScale !== 'auto' ? { scale: s.defaultScale } : {}),
      ...extra,
    };
    this.lastOptions = options;
    const panel = this.panelFor(options);
    const status: RunStatus = { state: 'running', modelName: basename(model), dataName: basename(data), done: 0, total: null, executionProvider: null, message: null };
    panel.setStatus(status);
    const abort = (this.abort = new AbortController());

    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Mistake Lens: running ${basename(model)} on ${basename(data)}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        try {
          const report = await inspectPacked(options, {
            signal: abort.signal,
            keepAlive: true,
            onHandle: (h) => {
              this.handle = h;
              panel.setExampleSource((ids) => h.requestExamples(ids));
            },
            onReady: (r) => panel.setStatus({ ...status, executionProvider: r.executionProvider, total: r.total ?? null }),
            onProgress: (p) => {
              status.done = p.done;
              status.total = p.total ?? null;
              status.executionProvider = p.executionProvider ?? null;
              if (p.total) {
                const pct = (100 * p.done) / p.total;
                progress.report({ increment: pct - reported, message: `${p.done} of ${p.total} examples${p.executionProvider ? ` on ${p.executionProvider}` : ''}` });
                reported = pct;
              }
            },
            onPartial: (r) => {
              panel.setReport(r, true);
              panel.setStatus({ ...status });
            },
            onWarning: (m) => void vscode.window.showWarningMessage(`Mistake Lens: ${m}`),
          });
          panel.setReport(report, false);
          const r = report.report;
          const notes = r.executionProviderNotes.length ? ` (${r.executionProviderNotes.join('; ')})` : '';
          panel.setStatus({ ...status, state: 'done', done: r.numExamples, message: `Ran on ${r.executionProvider}${notes}` });
          await this.save({ options, report });
          return report;
        } catch (e) {
          const cancelled = isUserError(e) && e.code === 'cancelled';
          const message = (e as Error).message;
          panel.setStatus({ ...status, state: cancelled ? 'cancelled' : 'failed', message: cancelled ? 'Cancelled' : message });
          if (!cancelled) void vscode.window.showErrorMessage(`Mistake Lens: ${message}`);
          return undefined;
        }
      },
    );
  }

  /** The last saved report, in the panel, with pictures served by a child that only plans. */
  async showLast(): Promise<boolean> {
    const saved = await this.load();
    if (!saved) return false;
    this.stop();
    this.lastOptions = saved.options;
    const panel = this.panelFor(saved.options);
    this.attachServeOnly(panel, saved);
    return true;
  }

  /** After a reload VS Code restores the panel; it gets the last report back. */
  async restore(panel: MistakesPanel): Promise<void> {
    const saved = await this.load();
    if (!saved) return;
    this.lastOptions = saved.options;
    this.wire(panel);
    this.attachServeOnly(panel, saved);
  }

  private attachServeOnly(panel: MistakesPanel, saved: SavedRun): void {
    panel.setTitle(basename(saved.options.model));
    panel.setReport(saved.report, false);
    const r = saved.report.report;
    panel.setStatus({
      state: 'done', modelName: basename(saved.options.model), dataName: basename(saved.options.data),
      done: r.numExamples, total: r.numExamples, executionProvider: r.executionProvider,
      message: `Saved report from ${new Date(r.createdAt).toLocaleString()}`,
    });
    let handle: RunHandle | undefined;
    panel.setExampleSource((ids) => {
      handle ??= this.handle = startInference({ ...saved.options, saveConfig: false }, {}, false, true);
      return handle.requestExamples(ids);
    });
  }

  /** The panel opened or revealed for Run Diagnostics; its Mistakes tab keeps what it shows. */
  panelForDiagnostics(model: string, data: string): MistakesPanel {
    const fresh = !MistakesPanel.current;
    const panel = MistakesPanel.show(this.context.extensionUri, data);
    if (fresh) {
      panel.setTitle(basename(model));
      panel.setStatus({
        state: 'idle', modelName: basename(model), dataName: basename(data), done: 0, total: null, executionProvider: null,
        message: 'Diagnostics only so far: Inspect Mistakes fills the Mistakes and Metrics tabs',
      });
    }
    this.wire(panel);
    return panel;
  }

  private panelFor(options: InspectOptions): MistakesPanel {
    const panel = MistakesPanel.show(this.context.extensionUri, options.data);
    panel.setTitle(basename(options.model));
    this.wire(panel);
    return panel;
  }

  /** Called once for each panel this class wires (the extension wires the Diagnostics tab's requests). */
  onPanel: ((panel: MistakesPanel) => void) | undefined;

  private wired = new WeakSet<MistakesPanel>();
  private wire(panel: MistakesPanel): void {
    if (this.wired.has(panel)) return;
    this.wired.add(panel);
    this.onPanel?.(panel);
    panel.onDidRequestCancel(() => this.abort?.abort());
    panel.onDidRequestRerun(() => {
      const o = this.lastOptions;
      if (o) void this.inspect(o.model, o.data, o);
    });
    panel.onDidDispose(() => this.stop());
  }

  private async save(run: SavedRun): Promise<void> {
    try {
      await mkdir(this.context.globalStorageUri.fsPath, { recursive: true });
      await writeFile(this.lastRunFile.fsPath, serialize(run));
    } catch {
      // Only "Show Last Report" needs it; the run itself succeeded.
    }
  }

  private async load(): Promise<SavedRun | undefined> {
    try {
      const run = deserialize(await readFile(this.lastRunFile.fsPath)) as SavedRun;
      if (run.report.report.version !== REPORT_VERSION) return undefined; // from another version: run again
      checkPackedLists(run.report.lists);
      return run;
    } catch {
      return undefined;
    }
  }

  /** Cancels a run in progress and ends the child that draws examples. */
  stop(): void {
    this.abort?.abort();
    this.handle?.dispose();
    this.handle = undefined;
  }

  dispose(): void {
    this.stop();
  }
}
