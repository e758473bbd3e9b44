/**
 * The panel: status line on top, then the Mistakes and Metrics tabs. Owns the view state
 * (PanelViewState) and persists it through the host adapter; both the VS Code panel and the
 * standalone HTML report run this class.
 *
 * DOM hooks: `#tabs`, `#tab-mistakes`, `#tab-metrics` (vscode-panel-tab), `#view-mistakes`, `#view-metrics`.
 */
import type { DiagnosticsStatus, PackedReport, PanelViewState, ReportSummary, RunStatus } from '../src/core/protocol';
import { DiagnosticsView } from './diagnostics/diagnosticsView';
import { h } from './dom/h';
import { ExampleLoader } from './grid/exampleLoader';
import { viewForConfusionCell } from './metrics/confusion';
import { MetricsView } from './metrics/metricsView';
import { MistakesView } from './mistakes/mistakesView';
import type { ProtocolClient } from './protocol/client';
import { readViewState } from './state/viewState';
import { StatusBar } from './status/statusBar';
import { onThemeChange } from './theme/colors';
import { tabs, type TabsHandle } from './toolkit';

export interface AppHost {
  /** null in the standalone report (no host: no images, no files to open, no runs). */
  client: ProtocolClient | null;
  savedState: unknown;
  saveState(state: PanelViewState): void;
}

const SAVE_DELAY_MS = 250;

export class App {
  private state: PanelViewState;
  private readonly status: StatusBar;
  private readonly mistakes: MistakesView;
  private readonly metrics: MetricsView;
  /** Only inside VS Code: the standalone HTML report has no diagnostics. */
  private readonly diagnostics: DiagnosticsView | null;
  private readonly tabs: TabsHandle;
  private readonly loader: ExampleLoader | null;
  private report: ReportSummary | null = null;
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private lastRunState: RunStatus['state'] | null = null;

  constructor(root: HTMLElement, private readonly host: AppHost) {
    this.state = readViewState(host.savedState);
    const client = host.client;
    this.loader = client ? new ExampleLoader((ids) => client.requestExamples(ids)) : null;
    this.status = new StatusBar({
      interactive: client !== null,
      onCancel: () => client?.send({ type: 'cancelRun' }),
      onRerun: () => client?.send({ type: 'rerun' }),
    });
    this.mistakes = new MistakesView({
      loader: this.loader,
      onStateChange: (patch) => this.update(patch),
      onOpenFile: (id, how) => client?.send({ type: 'openExample', id, how }),
    });
    this.metrics = new MetricsView((i, j) => {
      if (!this.report) return;
      this.update(viewForConfusionCell(this.report.classes, i, j, this.state));
    });
    this.diagnostics = client
      ? new DiagnosticsView({ onRun: () => client.send({ type: 'runDiagnostics' }), onOpenDocs: (code) => client.send({ type: 'openDiagnosticDocs', code }) })
      : null;
    if (!this.diagnostics && this.state.tab === 'diagnostics') this.state = { ...this.state, tab: 'mistakes' };
    this.tabs = tabs({
      id: 'tabs',
      active: this.state.tab,
      tabs: [
        { key: 'mistakes', label: 'Mistakes', view: [this.mistakes.element] },
        { key: 'metrics', label: 'Metrics', view: [this.metrics.element] },
        ...(this.diagnostics ? [{ key: 'diagnostics', label: 'Diagnostics', view: [this.diagnostics.element] }] : []),
      ],
      onChange: (key) => this.update({ tab: key === 'metrics' || key === 'diagnostics' ? key : 'mistakes' }),
    });
    root.replaceChildren(h('div', { class: 'app' }, this.status.element, this.tabs.element));
    this.mistakes.applyState(this.state);
    this.metrics.setVisible(this.state.tab === 'metrics');
    this.diagnostics?.setVisible(this.state.tab === 'diagnostics');
    onThemeChange(() => {
      this.metrics.themeChanged();
      this.diagnostics?.themeChanged();
    });
  }

  setReport(packed: PackedReport, partial: boolean): void {
    const { report, lists } = packed;
    const prev = this.report;
    if (prev && (prev.model.path !== report.model.path || prev.data.path !== report.data.path)) this.loader?.clear();
    this.report = report;
    this.mistakes.setReport(report, lists);
    this.metrics.setReport(report);
    this.status.setPartial(partial);
    if (!this.host.client) this.status.describeReport(report);
  }

  setStatus(status: RunStatus): void {
    // A new run may read changed files under the same indices: forget cached images.
    if (status.state === 'running' && this.lastRunState !== null && this.lastRunState !== 'running') this.loader?.clear();
    this.lastRunState = status.state;
    this.status.setStatus(status);
  }

  /** `reveal`: the user just started this run, so its tab comes to the front. */
  setDiagnostics(status: DiagnosticsStatus, reveal: boolean): void {
    this.diagnostics?.setStatus(status);
    if (reveal && this.diagnostics) this.update({ tab: 'diagnostics' });
  }

  /** One place where view state changes: apply, then persist (debounced). */
  private update(patch: Partial<PanelViewState>): void {
    const next: PanelViewState = { ...this.state, ...patch };
    const prev = this.state;
    this.state = next;
    if (next.tab !== prev.tab) {
      if (this.tabs.active !== next.tab) this.tabs.activate(next.tab);
      this.metrics.setVisible(next.tab === 'metrics');
      this.diagnostics?.setVisible(next.tab === 'diagnostics');
    }
    const onlyScroll = Object.keys(patch).every((k) => k === 'scrollTop');
    if (!onlyScroll) this.mistakes.applyState(next);
    this.scheduleSave();
  }

  private scheduleSave(): void {
    if (this.saveTimer !== null) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      this.host.saveState(this.state);
    }, SAVE_DELAY_MS);
  }
}
