/** The diagnostics report as a plain-text checklist (the CLI's default output). */
import { relative } from 'node:path';
import type { DiagnoseReport, Finding, Severity } from './types';

export const SYMBOLS: Record<Severity, string> = { info: '✓', warning: '⚠', error: '✗', skipped: '–' };

const shown = (p: string, cwd: string) => {
  const r = relative(cwd, p);
  return r && !r.startsWith('..') ? r : p;
};

function line(f: Finding, verbose: boolean): string[] {
  const out = [`  ${SYMBOLS[f.severity]} ${f.code}  ${f.title}: ${f.message}`];
  if (f.advice && (verbose || f.severity === 'error' || f.severity === 'warning')) out.push(`             → ${f.advice}`);
  return out;
}

export function formatChecklist(r: DiagnoseReport, options: { cwd?: string; verbose?: boolean } = {}): string {
  const cwd = options.cwd ?? process.cwd();
  const verbose = options.verbose ?? false;
  const d = r.data;
  const splits = d.splits.map((s) => `${s.name} ${s.numExamples.toLocaleString('en-US')}${s.numUnreadable ? ` (+${s.numUnreadable} unreadable)` : ''}`).join(', ');
  const lines = [
    `Model  ${shown(r.model.path, cwd)}${r.model.outputName ? `  (output '${r.model.outputName}'${r.model.outputKind ? `: ${r.model.outputKind}` : ''})` : ''}${r.model.executionProvider ? `  on ${r.model.executionProvider}` : ''}`,
    `Data   ${shown(d.path, cwd)}  (${d.splits.length > 1 ? `splits ${splits}` : `${d.numExamples.toLocaleString('en-US')} examples`}${d.preprocess ? `; ${d.preprocess.layout} ${d.preprocess.channels}x${d.preprocess.height}x${d.preprocess.width}, scale ${d.preprocess.scale}` : ''}; sample ${d.sampleSize})`,
  ];
  for (const [target, title] of [['model', 'Model checks'], ['data', 'Data checks']] as const) {
    const fs = r.findings.filter((f) => f.target === target);
    if (fs.length === 0) continue;
    lines.push('', title);
    for (const f of fs) lines.push(...line(f, verbose));
  }
  const s = r.summary;
  const part = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push('', `${part(s.error, 'error')}, ${part(s.warning, 'warning')}, ${s.info} passed, ${s.skipped} skipped  (${r.timing.seconds.toFixed(1)} s)`);
  return lines.join('\n');
}
