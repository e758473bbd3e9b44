/**
 * The lint entry points: lintSource (one Python text), lintNotebook (.ipynb JSON),
 * LintDocument (keeps the syntax tree between edits, for the editor), lintFiles (paths and
 * folders, for the CLI). No `vscode` here: the editor face adapts these results.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Tree } from 'web-tree-sitter';
import { RuleContext } from './context';
import { combineCells, type CombinedNotebook, combineNotebook, describeCellLine, mapToCells } from './notebook';
import { loadPython, pythonParser } from './parser';
import { RULE_FAMILIES } from './registry';
import { isSuppressed, parseSuppressions } from './suppress';
import { convertTree, LineIndex, type Syntax } from './syntax';
import type { Finding, LintOptions, NotebookFinding } from './types';

/** Loads the WebAssembly parser; call (and await) once before the synchronous entry points. */
export async function initLint(): Promise<void> {
  await loadPython();
}

function selected(code: string, options?: LintOptions): boolean {
  if (options?.select && !options.select.includes(code)) return false;
  if (options?.ignore?.includes(code)) return false;
  return true;
}

function runRules(syntax: Syntax, text: string, lines: LineIndex, options?: LintOptions, describeLine?: (line: number) => string): Finding[] {
  const ctx = new RuleContext(syntax.root, text, lines, describeLine);
  for (const family of RULE_FAMILIES) {
    if (!family.emits.some((m) => selected(m.code, options))) continue;
    try {
      family.run(ctx);
    } catch (e) {
      const err = new Error(`rule family '${family.name}' failed: ${(e as Error).message}`);
      (err as Error & { cause?: unknown }).cause = e;
      throw err;
    }
  }
  const supp = options?.keepSuppressed ? null : parseSuppressions(syntax.comments, text, lines);
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of ctx.findings) {
    if (!selected(f.code, options) || (supp && isSuppressed(f, supp))) continue;
    const key = `${f.code}:${f.range.start.line}:${f.range.start.character}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.code.localeCompare(b.code));
}

/**
 * A Python document that is linted repeatedly as it changes. Keeps the tree-sitter tree so an
 * edit reparses incrementally, and reuses the converted top-level statements that did not change.
 */
export class LintDocument {
  private tree: Tree | null;
  private syntax: Syntax;
  private lines: LineIndex;
  private cached: Finding[] | null = null;
  private cachedKey = '';

  constructor(private content: string) {
    this.tree = pythonParser().parse(content);
    if (!this.tree) throw new Error('mistake-lens lint: the parser returned no tree');
    this.syntax = convertTree(this.tree, content);
    this.lines = new LineIndex(content);
  }

  get text(): string {
    return this.content;
  }

  /** Replaces [start, end) of the current text (UTF-16 offsets) with `newText`. */
  applyEdit(start: number, end: number, newText: string): void {
    const old = this.content;
    const next = old.slice(0, start) + newText + old.slice(end);
    const oldLines = this.lines;
    const nextLines = new LineIndex(next);
    const edit = {
      startIndex: start,
      oldEndIndex: end,
      newEndIndex: start + newText.length,
      startPosition: toPoint(oldLines.position(start)),
      oldEndPosition: toPoint(oldLines.position(end)),
      newEndPosition: toPoint(nextLines.position(start + newText.length)),
    };
    const oldTree = this.tree;
    oldTree?.edit(edit);
    const tree = pythonParser().parse(next, oldTree);
    if (!tree) throw new Error('mistake-lens lint: the parser returned no tree');
    this.syntax = convertTree(tree, next, this.syntax.cache);
    oldTree?.delete();
    this.tree = tree;
    this.content = next;
    this.lines = nextLines;
    this.cached = null;
  }

  /** Sets the whole text; the changed region is found by comparing with the current text. */
  setText(next: string): void {
    const old = this.content;
    if (next === old) return;
    let s = 0;
    const max = Math.min(old.length, next.length);
    while (s < max && old.charCodeAt(s) === next.charCodeAt(s)) s++;
    let e = 0;
    while (e < max - s && old.charCodeAt(old.length - 1 - e) === next.charCodeAt(next.length - 1 - e)) e++;
    this.applyEdit(s, old.length - e, next.slice(s, next.length - e));
  }

  lint(options?: LintOptions, describeLine?: (line: number) => string): Finding[] {
    const key = JSON.stringify(options ?? {});
    if (this.cached && key === this.cachedKey && !describeLine) return this.cached;
    this.cached = runRules(this.syntax, this.content, this.lines, options, describeLine);
    this.cachedKey = key;
    return this.cached;
  }

  get hasSyntaxError(): boolean {
    return this.syntax.hasError;
  }

  dispose(): void {
    this.tree?.delete();
    this.tree = null;
  }
}

function toPoint(p: { line: number; character: number }) {
  return { row: p.line, column: p.character };
}

/** Lints one Python source text. Needs `await initLint()` first. */
export function lintSource(text: string, options?: LintOptions, describeLine?: (line: number) => string): Finding[] {
  const doc = new LintDocument(text);
  try {
    return doc.lint(options, describeLine);
  } finally {
    doc.dispose();
  }
}

/** Lints a notebook (.ipynb JSON): code cells in order, findings mapped to (cell, line). Needs `await initLint()` first. */
export function lintNotebook(json: string, options?: LintOptions): NotebookFinding[] {
  return lintCombined(combineNotebook(json), options);
}

/**
 * Lints the code cells of a notebook given as text (an editor's notebook document): they are
 * linted together, in the order given; `cell` is each cell's index in the notebook.
 */
export function lintNotebookCells(cells: readonly { cell: number; source: string }[], options?: LintOptions): NotebookFinding[] {
  return lintCombined(combineCells(cells), options);
}

function lintCombined(nb: CombinedNotebook, options?: LintOptions): NotebookFinding[] {
  return mapToCells(lintSource(nb.text, options, (line) => describeCellLine(nb, line)), nb);
}

export interface FileFindings {
  file: string;
  findings: (Finding & { cell?: number })[];
  /** Set when the file could not be read or parsed; findings is then empty. */
  error?: string;
}

const SKIP_DIRS = new Set(['node_modules', '__pycache__', 'site-packages', 'venv', 'env', '.venv', '.git', '.tox', '.mypy_cache', '.ipynb_checkpoints']);

/** Expands folders into the .py and .ipynb files under them (sorted; hidden and virtualenv folders skipped). */
export async function collectFiles(paths: readonly string[]): Promise<{ files: string[]; errors: FileFindings[] }> {
  const files: string[] = [];
  const errors: FileFindings[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!e.name.startsWith('.') && !SKIP_DIRS.has(e.name)) await walk(p);
      } else if (e.isFile() && (e.name.endsWith('.py') || e.name.endsWith('.ipynb'))) files.push(p);
    }
  };
  for (const p of paths) {
    try {
      const st = await stat(p);
      if (st.isDirectory()) await walk(p);
      else files.push(p);
    } catch (e) {
      errors.push({ file: p, findings: [], error: describeFsError(e) });
    }
  }
  return { files, errors };
}

function describeFsError(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder';
  return (e as Error).message;
}

/** Lints files and folders (.py and .ipynb). Unreadable files are reported with `error`, not thrown. */
export async function lintFiles(paths: readonly string[], options?: LintOptions): Promise<FileFindings[]> {
  await initLint();
  const { files, errors } = await collectFiles(paths);
  const out: FileFindings[] = [...errors];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      out.push({ file, findings: [], error: describeFsError(e) });
      continue;
    }
    try {
      const findings = extname(file).toLowerCase() === '.ipynb' ? lintNotebook(text, options) : lintSource(text, options);
      out.push({ file, findings });
    } catch (e) {
      out.push({ file, findings: [], error: (e as Error).message });
    }
  }
  return out;
}
