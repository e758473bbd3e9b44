/** The human-readable summary `inspect` prints when not asked for --json. */
import type { Report } from '../core/protocol';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

export function formatSummary(r: Report, limit = 10): string {
  const out: string[] = [];
  out.push(`Model      ${r.model.path}  (output '${r.model.outputName}': ${r.model.outputKind})`);
  out.push(`Data       ${r.data.path}  (${r.data.kind}, ${r.data.preprocess.layout} ${r.data.preprocess.channels}x${r.data.preprocess.height}x${r.data.preprocess.width}, scale ${r.data.preprocess.scale})`);
  out.push(`Ran on     ${r.executionProvider}${r.executionProviderNotes.length ? `  (${r.executionProviderNotes.join('; ')})` : ''}`);
  out.push(`Examples   ${r.numExamples} (${r.numLabelled} labelled), ${r.numSkipped} unreadable, ${r.nonFinite.count} with NaN/Inf outputs, ${r.timing.examplesPerSecond.toFixed(0)}/s`);
  out.push(`Accuracy   ${pct(r.accuracy)}   macro F1 ${r.macro.f1.toFixed(3)}   ECE ${r.ece.toFixed(4)}   coverage at ${pct(r.coverage.targetAccuracy)} accuracy: ${pct(r.coverage.coverageAtTarget)}`);
  out.push(`Labels     ${r.estimatedLabelErrors} likely label errors (confident learning). ${r.labelPermutation.message}`);
  if (r.mistakes.length) {
    out.push('', `Most confident mistakes (${Math.min(limit, r.mistakes.length)} of ${r.mistakes.length} shown):`);
    out.push(table([['source', 'label', 'predicted', 'confidence'], ...r.mistakes.slice(0, limit).map((m) => [m.source, m.label, m.predicted, m.confidence.toFixed(4)])]));
  }
  if (r.labelIssues.length) {
    out.push('', `Likely label errors (${Math.min(limit, r.labelIssues.length)} of ${r.labelIssues.length} shown, by ${r.labelIssueRanking}):`);
    out.push(table([['source', 'label', 'suggested', 'score'], ...r.labelIssues.slice(0, limit).map((m) => [m.source, m.label, m.suggested, m.score.toFixed(4)])]));
  }
  out.push('', 'Per class:');
  out.push(table([['class', 'precision', 'recall', 'f1', 'AP', 'support'], ...r.perClass.map((c) => [c.class, c.precision.toFixed(3), c.recall.toFixed(3), c.f1.toFixed(3), c.averagePrecision.toFixed(3), String(c.support)])]));
  if (r.numSkipped) {
    out.push('', `Unreadable inputs (${r.numSkipped}):`);
    for (const s of r.skipped.slice(0, limit)) out.push(`  ${s.reason}`);
  }
  return out.join('\n');
}
