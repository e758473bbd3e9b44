/**
 * ML-M009's histograms drawn with chart.js: per activation layer, its values (log-scale counts:
 * a ReLU's spike at 0 would flatten everything else) and its units by the share of their
 * values that are active. Colours are read from the theme each time the charts are built.
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, LogarithmicScale, Tooltip, type ChartConfiguration } from 'chart.js';
import { int, pct } from '../format';
import { themeColors, withAlpha, type ThemeColors } from '../theme/colors';
import type { ActivationLayerView, HistogramBar } from './viewModel';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LogarithmicScale, Tooltip);

export type ActivationChartKind = 'values' | 'units';

function barsConfig(bars: HistogramBar[], kind: ActivationChartKind, layer: ActivationLayerView, t: ThemeColors): ChartConfiguration {
  const color = kind === 'values' ? t.blue : layer.flagged ? t.orange : t.purple;
  const what = kind === 'values' ? 'values' : 'units';
  const log = kind === 'values';
  return {
    type: 'bar',
    data: {
      labels: bars.map((b) => (kind === 'units' ? `${pct(b.lo, 0)}–${pct(b.hi, 0)}` : b.label)),
      datasets: [{
        label: what, data: bars.map((b) => (log && b.count === 0 ? null : b.count)),
        backgroundColor: withAlpha(color, 0.6), borderColor: color, borderWidth: 1, barPercentage: 1, categoryPercentage: 0.95,
      }],
    },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      color: t.foreground, font: { family: t.font, size: 11 },
      scales: {
        x: {
          title: { display: true, text: kind === 'values' ? `${layer.opType} output value` : 'Share of a unit’s values active', color: t.foreground },
          ticks: { color: t.foreground, maxRotation: 60, autoSkip: true }, grid: { color: t.lines },
        },
        y: log
          ? { type: 'logarithmic', min: 0.7, title: { display: true, text: 'Values (log scale)', color: t.foreground }, grid: { color: t.lines },
            ticks: { color: t.foreground, callback: (v: number | string) => (Number(v) >= 1 && Math.log10(Number(v)) % 1 === 0 ? int(Number(v)) : '') } }
          : { type: 'linear', beginAtZero: true, title: { display: true, text: 'Units', color: t.foreground }, grid: { color: t.lines }, ticks: { color: t.foreground, precision: 0 } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          backgroundColor: withAlpha(t.background, 0.95), titleColor: t.foreground, bodyColor: t.foreground, borderColor: t.lines, borderWidth: 1,
          callbacks: { label: (item) => { const b = bars[item.dataIndex]; return b ? `${int(b.count)} ${what} (${pct(b.share)})` : ''; } },
        },
      },
    },
  } as ChartConfiguration;
}

/** Owns the chart instances; `render` rebuilds them all (new report or new theme). */
export class ActivationCharts {
  private charts: Chart[] = [];

  render(entries: { layer: ActivationLayerView; kind: ActivationChartKind; canvas: HTMLCanvasElement }[]): void {
    this.destroy();
    const t = themeColors();
    for (const e of entries) {
      const bars = e.kind === 'values' ? e.layer.bars : e.layer.unitBars;
      if (bars) this.charts.push(new Chart(e.canvas, barsConfig(bars, e.kind, e.layer, t)));
    }
  }

  destroy(): void {
    for (const c of this.charts) c.destroy();
    this.charts = [];
  }
}
