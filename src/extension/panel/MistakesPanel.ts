/**
 * The "Mistakes" webview panel: shows a report (partial while a run goes on), answers the
 * webview's requests for example pictures, opens example files. One panel, reused.
 */
import * as vscode from 'vscode';
import { basename, dirname, join } from 'node:path';
import type { DiagnosticsStatus, ExampleView, HostToWebview, PackedReport, Report, RunStatus, WebviewToHost } from '../../core/protocol';
import { reportMessage, sourceOf, unpackReport } from '../../core/report/packed';
import { panelHtml } from './html';
import { parseWebviewMessage } from './validate';

export const PANEL_VIEW_TYPE = 'mistakeLens.panel';

export type ExampleSource = (ids: number[]) => Promise<ExampleView[]>;

export class MistakesPanel implements vscode.Disposable {
  static current: MistakesPanel | undefined;

  /** The lists stay packed: the webview reads them as typed arrays (see PackedLists). */
  private report: (PackedReport & { partial: boolean }) | undefined;
  private unpacked: { from: PackedReport['lists']; report: Report } | undefined;
  private status: RunStatus = { state: 'idle', modelName: '', dataName: '', done: 0, total: null, executionProvider: null, message: null };
  private examples: ExampleSource | undefined;
  /** What the Diagnostics tab shows; undefined until diagnostics run (see diagnosticsStatus). */
  private diagnostics: DiagnosticsStatus | undefined;
  /** A run was started before the webview said `ready`: its tab comes to the front then. */
  private revealDiagnosticsOnReady = false;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly onCancelEmitter = new vscode.EventEmitter<void>();
  private readonly onRerunEmitter = new vscode.EventEmitter<void>();
  private readonly onDisposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidRequestCancel = this.onCancelEmitter.event;
  readonly onDidRequestRerun = this.onRerunEmitter.event;
  readonly onDidDispose = this.onDisposeEmitter.event;
  private readonly onDiagnosticsEmitter = new vscode.EventEmitter<{ kind: 'run' } | { kind: 'docs'; code: string }>();
  /** The Diagnostics tab asked to run the checklist, or to open a finding code's docs. */
  readonly onDidRequestDiagnostics = this.onDiagnosticsEmitter.event;

  static show(extensionUri: vscode.Uri, dataRoot: string | undefined): MistakesPanel {
    if (MistakesPanel.current) {
      MistakesPanel.current.panel.reveal(vscode.ViewColumn.Beside, true);
      MistakesPanel.current.setRoots(extensionUri, dataRoot);
      return MistakesPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Mistakes', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: roots(extensionUri, dataRoot),
    });
    return (MistakesPanel.current = new MistakesPanel(panel, extensionUri));
  }

  /** A panel VS Code restored after a reload (see the serializer in extension.ts). */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): MistakesPanel {
    MistakesPanel.current?.dispose();
    panel.webview.options = { enableScripts: true, localResourceRoots: roots(extensionUri, undefined) };
    return (MistakesPanel.current = new MistakesPanel(panel, extensionUri));
  }

  private constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    panel.webview.html = panelHtml(panel.webview, extensionUri);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      this.onCancelEmitter,
      this.onRerunEmitter,
      this.onDiagnosticsEmitter,
    );
  }

  private setRoots(extensionUri: vscode.Uri, dataRoot: string | undefined): void {
    this.panel.webview.options = { ...this.panel.webview.options, localResourceRoots: roots(extensionUri, dataRoot) };
  }

  setTitle(modelName: string): void {
    this.panel.title = `Mistakes: ${modelName}`;
  }

  setStatus(status: RunStatus): void {
    this.status = status;
    this.post({ type: 'status', status });
  }

  setReport(packed: PackedReport, partial: boolean): void {
    this.report = { ...packed, partial };
    this.post(reportMessage(packed, partial));
    if (!partial && !this.diagnostics) this.post({ type: 'diagnostics', diagnostics: this.diagnosticsStatus(), reveal: false });
  }

  /** `reveal` brings the Diagnostics tab to the front (a run the user just started). */
  setDiagnostics(status: DiagnosticsStatus, reveal: boolean): void {
    this.diagnostics = status;
    if (reveal && !this.ready) this.revealDiagnosticsOnReady = true;
    this.post({ type: 'diagnostics', diagnostics: status, reveal });
  }

  get lastDiagnostics(): DiagnosticsStatus | undefined {
    return this.diagnostics;
  }

  /** Before any diagnostics: the tab offers to run them on the model and data of the report shown. */
  private diagnosticsStatus(): DiagnosticsStatus {
    if (this.diagnostics) return this.diagnostics;
    const r = this.report?.report;
    return { state: 'none', target: r ? { modelName: basename(r.model.path), dataName: basename(r.data.path) } : null };
  }

  setExampleSource(source: ExampleSource | undefined): void {
    this.examples = source;
  }

  /** The shown report as the Report JSON (built on first ask, for the extension's API). */
  get lastReport(): Report | undefined {
    const r = this.report;
    if (!r) return undefined;
    if (this.unpacked?.from !== r.lists) this.unpacked = { from: r.lists, report: unpackReport(r) };
    return this.unpacked.report;
  }

  private post(m: HostToWebview): void {
    // A run can outlive its panel (closed mid-run): nothing to show then.
    if (this.ready && !this.disposed) void this.panel.webview.postMessage(m);
  }

  private onMessage(raw: unknown): void {
    const m: WebviewToHost | undefined = parseWebviewMessage(raw);
    if (!m) return; // not ours, or malformed: ignored
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.post({ type: 'status', status: this.status });
        if (this.report) this.post(reportMessage(this.report, this.report.partial));
        this.post({ type: 'diagnostics', diagnostics: this.diagnosticsStatus(), reveal: this.revealDiagnosticsOnReady });
        this.revealDiagnosticsOnReady = false;
        break;
      case 'requestExamples': {
        const { requestId, ids } = m;
        if (!this.examples) {
          this.post({ type: 'requestFailed', requestId, message: 'pictures are not available until the model is loaded' });
          break;
        }
        this.examples(ids).then(
          (examples) => this.post({ type: 'response', requestId, body: { kind: 'examples', examples } }),
          (e: unknown) => this.post({ type: 'requestFailed', requestId, message: (e as Error).message }),
        );
        break;
      }
      case 'openExample':
        void this.openExample(m.id, m.how);
        break;
      case 'cancelRun':
        this.onCancelEmitter.fire();
        break;
      case 'rerun':
        this.onRerunEmitter.fire();
        break;
      case 'runDiagnostics':
        this.onDiagnosticsEmitter.fire({ kind: 'run' });
        break;
      case 'openDiagnosticDocs':
        this.onDiagnosticsEmitter.fire({ kind: 'docs', code: m.code });
        break;
      default: {
        const never: never = m;
        throw new Error(`unhandled message ${JSON.stringify(never)}`);
      }
    }
  }

  /** Ids only come from the webview; the path is looked up here, never taken from it. */
  private async openExample(id: number, how: 'open' | 'reveal'): Promise<void> {
    const shown = this.report;
    const source = shown && sourceOf(shown.lists, id);
    if (!shown || source === undefined) return;
    const r = shown.report;
    const file = r.data.kind === 'image-folder' ? join(r.data.path, source) : r.data.kind === 'manifest' ? join(dirname(r.data.path), source) : undefined;
    if (!file) {
      void vscode.window.showInformationMessage(`${source} is a row of an array file; there is no file of its own to open.`);
      return;
    }
    const uri = vscode.Uri.file(file);
    await vscode.commands.executeCommand(how === 'open' ? 'vscode.open' : 'revealInExplorer', uri);
  }

  private disposed = false;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (MistakesPanel.current === this) MistakesPanel.current = undefined;
    this.onDisposeEmitter.fire();
    this.onDisposeEmitter.dispose();
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function roots(extensionUri: vscode.Uri, dataRoot: string | undefined): vscode.Uri[] {
  const r = [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
  if (dataRoot) r.push(vscode.Uri.file(dataRoot));
  return r;
}
