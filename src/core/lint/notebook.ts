/**
 * Notebooks: the code cells are linted as one module, in order (a model defined in one cell
 * and trained in another is one program), and findings are mapped back to (cell, line).
 * IPython magics and shell escapes are blanked so the rest parses as Python.
 */
import type { Finding, NotebookFinding, Range } from './types';

export interface CellSpan {
  /** Index in the notebook's `cells` array (markdown cells count). */
  cell: number;
  /** First line of the cell in the combined text. */
  startLine: number;
  lineCount: number;
}

export interface CombinedNotebook {
  text: string;
  cells: CellSpan[];
}

const PY_CELL_MAGIC = /^%%(time|timeit|capture|prun|debug|autoreload)\b/;

function blankMagics(lines: string[]): string[] {
  if (lines.length && /^\s*%%/.test(lines[0]!)) {
    if (!PY_CELL_MAGIC.test(lines[0]!.trim())) return lines.map(() => '');
    lines = ['', ...lines.slice(1)];
  }
  return lines.map((l) => {
    const m = /^(\s*)(%|!)/.exec(l);
    if (m) return `${m[1]}pass`;
    if (/^\s*[\w.]+\?\??\s*$/.test(l)) return '';
    return l;
  });
}

export class NotebookError extends Error {}

/** Combines code cells given directly (e.g. an editor's notebook cells): `cell` is their index in the notebook. */
export function combineCells(cells: readonly { cell: number; source: string }[]): CombinedNotebook {
  const all: string[] = [];
  const spans: CellSpan[] = [];
  for (const c of cells) {
    const lines = blankMagics(c.source.split(/\r?\n/));
    spans.push({ cell: c.cell, startLine: all.length, lineCount: lines.length });
    all.push(...lines);
  }
  return { text: all.join('\n'), cells: spans };
}

export function combineNotebook(json: string): CombinedNotebook {
  let nb: unknown;
  try {
    nb = JSON.parse(json);
  } catch (e) {
    throw new NotebookError(`not a valid notebook (JSON): ${(e as Error).message}`);
  }
  const cellsIn = (nb as { cells?: unknown }).cells;
  if (!Array.isArray(cellsIn)) throw new NotebookError('not a notebook: no "cells" array');
  const code: { cell: number; source: string }[] = [];
  cellsIn.forEach((c: unknown, i: number) => {
    const cell = c as { cell_type?: string; source?: string | string[] };
    if (cell.cell_type === 'code') code.push({ cell: i, source: Array.isArray(cell.source) ? cell.source.join('') : (cell.source ?? '') });
  });
  return combineCells(code);
}

function spanOf(nb: CombinedNotebook, line: number): CellSpan | null {
  for (const s of nb.cells) if (line >= s.startLine && line < s.startLine + s.lineCount) return s;
  return null;
}

function mapRange(r: Range, s: CellSpan): Range | null {
  if (r.start.line < s.startLine || r.end.line >= s.startLine + s.lineCount) return null;
  return { start: { line: r.start.line - s.startLine, character: r.start.character }, end: { line: r.end.line - s.startLine, character: r.end.character } };
}

export function mapToCells(findings: readonly Finding[], nb: CombinedNotebook): NotebookFinding[] {
  const out: NotebookFinding[] = [];
  for (const f of findings) {
    const s = spanOf(nb, f.range.start.line);
    if (!s) continue;
    let range = mapRange(f.range, s);
    if (!range) {
      // a range running past its cell: keep the start, end it at the start
      range = { start: { line: f.range.start.line - s.startLine, character: f.range.start.character }, end: { line: f.range.start.line - s.startLine, character: f.range.start.character } };
    }
    const m: NotebookFinding = { ...f, range, cell: s.cell };
    delete m.fix;
    if (f.fix) {
      const fs = spanOf(nb, f.fix.range.start.line);
      const fr = fs ? mapRange(f.fix.range, fs) : null;
      if (fs && fr) m.fix = { ...f.fix, range: fr, ...(fs.cell !== s.cell ? { cell: fs.cell } : {}) };
    }
    if (f.related) {
      m.related = [];
      for (const r of f.related) {
        const rs = spanOf(nb, r.range.start.line);
        const rr = rs ? mapRange(r.range, rs) : null;
        if (rs && rr) m.related.push({ ...r, range: rr, cell: rs.cell });
      }
    }
    out.push(m);
  }
  return out;
}

/** "cell 3, line 2" (1-based cell number, as notebook UIs show it) for a line of the combined text. */
export function describeCellLine(nb: CombinedNotebook, line: number): string {
  const s = spanOf(nb, line);
  return s ? `cell ${s.cell + 1}, line ${line - s.startLine + 1}` : `line ${line + 1}`;
}
