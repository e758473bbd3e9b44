/**
 * The Metrics tab: headline numbers, findings, the confusion matrix, the per-class table and the
 * charts (PR curves, coverage vs accuracy, reliability diagram with ECE, loss and confidence
 * histograms). Charts are built only while the tab is visible and rebuilt on a theme change.
 *
 * DOM hooks: `#summary .kpi[data-kpi]`, `#alerts`, `#confusion`, `#per-class` (rows `[data-class]`),
 * `#chart-pr`, `#chart-coverage`, `#chart-reliability`, `#chart-loss`, `#chart-confidence`.
 */
import type { ReportSummary } from '../../src/core/protocol';
import { h, replaceChildren } from '../dom/h';
import { fixed, int, pct } from '../format';
import { button, dataGrid } from '../toolkit';
import { alerts } from './alerts';
import { ChartSet, MAX_PR_CURVES, type ChartKind } from './charts';
import { confusionMatrix } from './confusionMatrix';

/** Beyond this many classes the per-class table starts with the worst ones. */
const PER_CLASS_ROWS = 100;

const CHARTS: { kind: ChartKind; title: string; note: (r: ReportSummary) => string }[] = [
  { kind: 'pr', title: 'Precision–recall curves', note: (r) => (r.prCurves.length > MAX_PR_CURVES ? `the ${MAX_PR_CURVES} classes with the lowest AP of ${int(r.prCurves.length)}` : `one curve per class, macro F1 ${fixed(r.macro.f1, 3)}`) },
  { kind: 'coverage', title: 'Coverage vs accuracy', note: (r) => coverageNote(r) },
  { kind: 'reliability', title: 'Reliability diagram', note: (r) => `ECE ${pct(r.ece, 2)} over ${r.reliability.length} bins` },
  { kind: 'loss', title: 'Loss histogram', note: () => 'cross-entropy per labelled example' },
  { kind: 'confidence', title: 'Confidence histogram', note: () => 'p of the predicted class' },
];

function coverageNote(r: ReportSummary): string {
  const c = r.coverage;
  if (c.coverageAtTarget <= 0) return `no threshold reaches ${pct(c.targetAccuracy)} accuracy`;
  const th = c.thresholdAtTarget === null ? '' : ` (confidence ≥ ${fixed(c.thresholdAtTarget, 3)})`;
  return `${pct(c.coverageAtTarget)} of examples answered at ${pct(c.targetAccuracy)} accuracy${th}`;
}

export class MetricsView {
  readonly element: HTMLElement;
  private readonly charts = new ChartSet();
  private report: ReportSummary | null = null;
  private visible = false;
  /** The DOM for `report` is built when the tab is first shown (a 1,000-class report is a lot of DOM). */
  private built: ReportSummary | null = null;
  private chartsStale = true;
  private canvases = new Map<ChartKind, HTMLCanvasElement>();

  constructor(private readonly onCell: (trueIndex: number, predictedIndex: number) => void) {
    this.element = h('div', { class: 'metrics' }, h('p', { class: 'muted', text: 'Waiting for results…' }));
  }

  setReport(report: ReportSummary): void {
    this.report = report;
    this.chartsStale = true;
    if (this.visible) this.refresh();
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) this.refresh();
  }

  /** The theme changed: chart and canvas colours are read from CSS variables when drawn. */
  themeChanged(): void {
    this.built = null;
    this.chartsStale = true;
    if (this.visible) this.refresh();
  }

  private refresh(): void {
    const r = this.report;
    if (!r) return;
    if (this.built !== r) {
      this.build(r);
      this.built = r;
      this.chartsStale = true;
    }
    // Charts need their canvases laid out (a hidden tab has no size).
    if (this.chartsStale) requestAnimationFrame(() => this.renderCharts());
  }

  private renderCharts(): void {
    if (!this.report || !this.visible || this.built !== this.report) return;
    this.chartsStale = false;
    this.charts.render(this.report, this.canvases);
  }

  private build(r: ReportSummary): void {
    this.charts.destroy();
    const kpi = (key: string, label: string, value: string, sub?: string) =>
      h('div', { class: 'kpi', attrs: { 'data-kpi': key } }, h('div', { class: 'kpi-value', text: value }), h('div', { class: 'kpi-label', text: label }), sub ? h('div', { class: 'kpi-sub', text: sub }) : null);
    const summary = h('div', { id: 'summary', class: 'summary' },
      kpi('accuracy', 'Accuracy', pct(r.accuracy), `${int(r.numLabelled)} labelled of ${int(r.numExamples)}`),
      kpi('macroF1', 'Macro F1', fixed(r.macro.f1, 3), `P ${fixed(r.macro.precision, 3)} · R ${fixed(r.macro.recall, 3)}`),
      kpi('ece', 'Calibration error (ECE)', pct(r.ece, 2)),
      kpi('coverage', `Coverage at ${pct(r.coverage.targetAccuracy, 0)} acc.`, pct(r.coverage.coverageAtTarget)),
      kpi('mistakes', 'Mistakes', int(Math.round(r.numLabelled * (1 - r.accuracy)))),
      kpi('labelErrors', 'Estimated label errors', int(r.estimatedLabelErrors), `ranked by ${r.labelIssueRanking}`),
      kpi('speed', 'Throughput', `${int(r.timing.examplesPerSecond)}/s`, `${fixed(r.timing.seconds, 1)} s on ${r.executionProvider}`));

    const perClass = dataGrid({
      id: 'per-class', ariaLabel: 'Per-class metrics',
      columns: [
        { title: 'Class', width: 'minmax(120px, 2fr)' },
        { title: 'Precision', width: '1fr', align: 'end' },
        { title: 'Recall', width: '1fr', align: 'end' },
        { title: 'F1', width: '1fr', align: 'end' },
        { title: 'AP', width: '1fr', align: 'end' },
        { title: 'Support', width: '1fr', align: 'end' },
      ],
    });
    const rowOf = (c: ReportSummary['perClass'][number]) => ({
      cells: [c.class, fixed(c.precision), fixed(c.recall), fixed(c.f1), fixed(c.averagePrecision), int(c.support)], data: { class: c.class },
    });
    const averages = [
      { cells: ['macro average', fixed(r.macro.precision), fixed(r.macro.recall), fixed(r.macro.f1), '', ''], data: { summary: 'macro' } },
      { cells: ['micro average', fixed(r.micro.precision), fixed(r.micro.recall), fixed(r.micro.f1), '', ''], data: { summary: 'micro' } },
    ];
    // Many classes (ImageNet): the worst F1 first, and only PER_CLASS_ROWS of them until asked.
    const many = r.perClass.length > PER_CLASS_ROWS;
    const ordered = many ? [...r.perClass].sort((a, b) => a.f1 - b.f1) : r.perClass;
    const perClassNote = h('p', { class: 'tile-note', text: many ? `${PER_CLASS_ROWS} lowest F1 of ${int(r.perClass.length)} classes` : 'in class order' });
    const showAll = many
      ? button(`Show all ${int(r.perClass.length)}`, {
        id: 'per-class-all', appearance: 'secondary',
        onClick: () => {
          perClass.setRows([...ordered.map(rowOf), ...averages]);
          perClassNote.textContent = `all ${int(r.perClass.length)} classes, lowest F1 first`;
          showAll?.remove();
        },
      })
      : null;
    perClass.setRows([...ordered.slice(0, PER_CLASS_ROWS).map(rowOf), ...averages]);

    this.canvases = new Map();
    const chartTiles = CHARTS.map((c) => {
      const canvas = h('canvas', { id: `chart-${c.kind}`, attrs: { role: 'img', 'aria-label': `${c.title}: ${c.note(r)}` } });
      this.canvases.set(c.kind, canvas);
      return h('section', { class: `tile chart-tile chart-${c.kind}` },
        h('h3', { text: c.title }), h('p', { class: 'tile-note', text: c.note(r) }),
        h('div', { class: 'chart-box' }, canvas));
    });

    replaceChildren(this.element,
      summary,
      alerts(r),
      h('div', { class: 'tiles-top' },
        h('section', { class: 'tile tile-confusion' }, h('h3', { text: 'Confusion matrix' }), confusionMatrix(r.classes, r.confusion, this.onCell)),
        h('section', { class: 'tile tile-per-class' }, h('h3', { text: 'Per class' }), perClassNote, perClass.element, showAll)),
      h('div', { class: 'tiles' }, ...chartTiles),
      h('p', { class: 'muted footnote', text: `Report ${r.createdAt} · ${r.tool.name} ${r.tool.version} · model ${r.model.path} (${r.model.outputKind}, opset ${r.model.opset ?? '?'}) · data ${r.data.path} (${r.data.kind}, ${r.data.preprocess.width}×${r.data.preprocess.height}×${r.data.preprocess.channels}, ${r.data.preprocess.layout}, scale ${r.data.preprocess.scale})` }));
  }
}
