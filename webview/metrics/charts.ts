/**
 * The metric charts, drawn with chart.js (only the pieces used are imported and registered).
 * Colours and fonts are read from the VS Code theme each time the charts are built.
 */
import {
  BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController,
  LineElement, LogarithmicScale, PointElement, Title, Tooltip,
  type ChartConfiguration, type ChartDataset,
} from 'chart.js';
import type { Histogram, ReportSummary } from '../../src/core/protocol';
import { fixed, pct } from '../format';
import { seriesColor, seriesDash, themeColors, withAlpha, type ThemeColors } from '../theme/colors';

Chart.register(BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Title, Tooltip);

/** At most this many PR curves are drawn: beyond it, the lowest-AP classes (ImageNet has 1,000). */
export const MAX_PR_CURVES = 12;

function applyDefaults(t: ThemeColors): void {
  Chart.defaults.color = t.foreground;
  Chart.defaults.borderColor = t.lines;
  Chart.defaults.font.family = t.font;
  Chart.defaults.font.size = 11;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.responsive = true;
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  Chart.defaults.plugins.legend.labels.boxHeight = 2;
  Chart.defaults.plugins.tooltip.backgroundColor = withAlpha(t.background, 0.95);
  Chart.defaults.plugins.tooltip.titleColor = t.foreground;
  Chart.defaults.plugins.tooltip.bodyColor = t.foreground;
  Chart.defaults.plugins.tooltip.borderColor = t.lines;
  Chart.defaults.plugins.tooltip.borderWidth = 1;
}

const unitAxis = (title: string, min = 0) => ({
  type: 'linear' as const, min, max: 1, title: { display: true, text: title },
  ticks: { callback: (v: number | string) => `${Math.round(Number(v) * 100)}%` },
});

export type ChartKind = 'pr' | 'coverage' | 'reliability' | 'loss' | 'confidence';

export function chartConfig(kind: ChartKind, r: ReportSummary, t: ThemeColors): ChartConfiguration {
  switch (kind) {
    case 'pr': return prConfig(r, t);
    case 'coverage': return coverageConfig(r, t);
    case 'reliability': return reliabilityConfig(r, t);
    case 'loss': return histogramConfig(r.histograms.loss, 'Loss (−ln p(label))', t.red, t, 2);
    case 'confidence': return histogramConfig(r.histograms.confidence, 'Confidence (p of the predicted class)', t.blue, t, 2);
  }
}

function prConfig(r: ReportSummary, t: ThemeColors): ChartConfiguration {
  const curves = r.prCurves.length > MAX_PR_CURVES
    ? [...r.prCurves].sort((a, b) => a.averagePrecision - b.averagePrecision).slice(0, MAX_PR_CURVES)
    : r.prCurves;
  const datasets: ChartDataset<'line', { x: number; y: number }[]>[] = curves.map((c, i) => ({
    label: `${c.class} (AP ${fixed(c.averagePrecision, 2)})`,
    data: c.points.map((p) => ({ x: p.recall, y: p.precision })),
    borderColor: seriesColor(t, i),
    backgroundColor: seriesColor(t, i),
    borderDash: seriesDash(i),
    borderWidth: 1.5,
    pointRadius: 0,
    tension: 0,
  }));
  return {
    type: 'line',
    data: { datasets },
    options: {
      parsing: false,
      scales: { x: unitAxis('Recall'), y: unitAxis('Precision') },
      plugins: { legend: { position: 'bottom' } },
      interaction: { mode: 'nearest', intersect: false },
    },
  } as ChartConfiguration;
}

function coverageConfig(r: ReportSummary, t: ThemeColors): ChartConfiguration {
  const c = r.coverage;
  const accs = c.points.map((p) => p.accuracy);
  const minY = Math.max(0, Math.floor((Math.min(c.targetAccuracy, ...accs) - 0.05) * 20) / 20);
  const datasets: ChartDataset<'line', { x: number; y: number }[]>[] = [
    {
      label: 'Accuracy when answering only above a confidence threshold',
      data: c.points.map((p) => ({ x: p.coverage, y: p.accuracy })),
      borderColor: t.blue, backgroundColor: withAlpha(t.blue, 0.12), fill: 'origin', borderWidth: 2, pointRadius: 0,
    },
    {
      label: `Target accuracy ${pct(c.targetAccuracy)}`,
      data: [{ x: 0, y: c.targetAccuracy }, { x: 1, y: c.targetAccuracy }],
      borderColor: t.orange, backgroundColor: t.orange, borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0,
    },
  ];
  if (c.coverageAtTarget > 0) {
    datasets.push({
      label: `Coverage at target ${pct(c.coverageAtTarget)}`,
      data: [{ x: c.coverageAtTarget, y: minY }, { x: c.coverageAtTarget, y: c.targetAccuracy }],
      borderColor: t.green, backgroundColor: t.green, borderWidth: 2, pointRadius: [0, 4], pointHoverRadius: 5,
    });
  }
  return {
    type: 'line',
    data: { datasets },
    options: {
      parsing: false,
      scales: { x: unitAxis('Coverage (share of examples answered)'), y: unitAxis('Accuracy', minY) },
      plugins: { legend: { position: 'bottom' } },
      interaction: { mode: 'nearest', intersect: false },
    },
  } as ChartConfiguration;
}

function reliabilityConfig(r: ReportSummary, t: ThemeColors): ChartConfiguration {
  const bins = r.reliability;
  const labels = bins.map((b) => `${fixed(b.lower, 2)}–${fixed(b.upper, 2)}`);
  return {
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          type: 'bar', label: 'Accuracy in bin',
          data: bins.map((b) => (b.count > 0 ? b.accuracy : null)),
          backgroundColor: withAlpha(t.blue, 0.55), borderColor: t.blue, borderWidth: 1,
          barPercentage: 1, categoryPercentage: 0.95, order: 2,
        },
        {
          type: 'line', label: 'Mean confidence (perfect calibration)',
          data: bins.map((b) => (b.count > 0 ? b.meanConfidence : (b.lower + b.upper) / 2)),
          borderColor: t.orange, backgroundColor: t.orange, borderDash: [5, 3], borderWidth: 1.5, pointRadius: 2, order: 1,
        },
      ],
    },
    options: {
      scales: {
        x: { title: { display: true, text: 'Confidence bin' }, ticks: { maxRotation: 60, autoSkip: true } },
        y: unitAxis('Accuracy'),
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: { callbacks: { afterBody: (items) => { const b = bins[items[0]?.dataIndex ?? 0]; return b ? `${b.count} examples` : ''; } } },
      },
    },
  } as ChartConfiguration;
}

function histogramConfig(hist: Histogram, title: string, color: string, t: ThemeColors, digits: number): ChartConfiguration {
  const labels = hist.counts.map((_, i) => `${fixed(hist.edges[i]!, digits)}–${fixed(hist.edges[i + 1]!, digits)}`);
  return {
    type: 'bar',
    data: {
      labels,
      datasets: [{
        label: 'Examples', data: hist.counts.map((c) => (c > 0 ? c : null)),
        backgroundColor: withAlpha(color, 0.6), borderColor: color, borderWidth: 1, barPercentage: 1, categoryPercentage: 0.95,
      }],
    },
    options: {
      scales: {
        x: { title: { display: true, text: title }, ticks: { maxRotation: 60, autoSkip: true } },
        y: { type: 'logarithmic', title: { display: true, text: 'Examples (log scale)' }, min: 0.7, ticks: { callback: (v: number | string) => (Number(v) >= 1 && Math.log10(Number(v)) % 1 === 0 ? String(v) : '') } },
      },
      plugins: { legend: { display: false } },
    },
  } as ChartConfiguration;
}

/** Owns the chart instances; `render` rebuilds them all (new report or new theme). */
export class ChartSet {
  private charts = new Map<ChartKind, Chart>();

  render(report: ReportSummary, canvases: Map<ChartKind, HTMLCanvasElement>): void {
    const t = themeColors();
    applyDefaults(t);
    this.destroy();
    for (const [kind, canvas] of canvases) {
      this.charts.set(kind, new Chart(canvas, chartConfig(kind, report, t)));
    }
  }

  destroy(): void {
    for (const [, c] of this.charts) c.destroy();
    this.charts.clear();
  }
}
