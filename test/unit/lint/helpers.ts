/** Shared bits of the lint tests: the corpus, its `# expect:` markers, applying fixes. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type PyNode, parseSyntax, type Syntax } from '../../../src/core/lint/syntax';
import type { Finding, Fix } from '../../../src/core/lint/types';

export const REPO = resolve(__dirname, '../../..');
export const CORPUS = join(REPO, 'test/fixtures/lint');
export const CLEAN = join(CORPUS, 'clean');
export const BUGGY = join(CORPUS, 'buggy');

export const corpusFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.py') || f.endsWith('.ipynb'))
    .sort()
    .map((f) => join(dir, f));

const MARKER = /#\s*expect:\s*([A-Z0-9 ,]+)$/;

/** "line:code" keys (1-based lines), or "cell:line:code" for notebooks (0-based cell index). */
export function expectedMarkers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  const scan = (src: string, prefix: string) =>
    src.split(/\r?\n/).forEach((line, i) => {
      const m = MARKER.exec(line.trimEnd());
      if (m) for (const code of m[1]!.split(/[\s,]+/).filter(Boolean)) out.push(`${prefix}${i + 1}:${code}`);
    });
  if (file.endsWith('.ipynb')) {
    const nb = JSON.parse(text) as { cells: { cell_type: string; source: string | string[] }[] };
    nb.cells.forEach((c, i) => {
      if (c.cell_type === 'code') scan(Array.isArray(c.source) ? c.source.join('') : c.source, `${i}:`);
    });
  } else scan(text, '');
  return out.sort();
}

export function findingKeys(findings: readonly (Finding & { cell?: number })[]): string[] {
  return findings.map((f) => `${f.cell !== undefined ? `${f.cell}:` : ''}${f.range.start.line + 1}:${f.code}`).sort();
}

/** Applies one edit to a text (0-based line/character positions, UTF-16). */
export function applyFix(text: string, fix: Fix): string {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const off = (p: { line: number; character: number }) => (starts[p.line] ?? text.length) + p.character;
  return text.slice(0, off(fix.range.start)) + fix.newText + text.slice(off(fix.range.end));
}

/** Strips the common indentation of a template literal, so snippets can be indented in tests. */
export function py(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** A node and its subtree as plain data (type, offsets, field, operator, parent, children), to compare trees. */
export function treeShape(n: PyNode): unknown {
  return [n.type, n.start, n.end, n.field, n.op, n.parent?.type ?? null, n.parent?.start ?? null, n.children.map(treeShape)];
}

/** A whole conversion as one string: the tree, the comments, whether it has an error. */
export const syntaxDump = (s: Syntax) => JSON.stringify([treeShape(s.root), s.comments.map(treeShape), s.hasError]);

/** The reference: `src` parsed and copied on this thread, from scratch. */
export const freshSyntax = (src: string) => parseSyntax(src);
