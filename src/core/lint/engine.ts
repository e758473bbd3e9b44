/**
 * The lint entry points: lintSource (one Python text), lintNotebook (.ipynb JSON),
 * LintDocument (keeps the syntax tree between edits, for the editor), lintFiles (paths and
 * folders, for the CLI). No `vscode` here: the editor face adapts these results.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { RuleContext } from './context';
import { combineCells, type CombinedNotebook, combineNotebook, describeCellLine, mapToCells } from './notebook';
import { MIN_PARALLEL_CHARS, parseHelperReady, parseInParallel, startParseHelper } from './parallelParse';
import { loadPython } from './parser';
import { RULE_FAMILIES } from './registry';
import { isSuppressed, parseSuppressions } from './suppress';
import { reparseEdited } from './regionParse';
import { LineIndex, parseSyntax, type Syntax } from './syntax';
import type { Finding, LintOptions, NotebookFinding } from './types';

/**
 * Loads the WebAssembly parser; call (and await) once before the synchronous entry points.
 * Also starts the thread that parses half of each large file (ready a little later).
 */
export async function initLint(): Promise<void> {
  startParseHelper(); // loads its parser while this thread loads its own
  await loadPython();
}

function selected(code: string, options?: LintOptions): boolean {
  if (options?.select && !options.select.includes(code)) return false;
  if (options?.ignore?.includes(code)) return false;
  return true;
}

interface RunResult {
  findings: Finding[];
  /** Rule families that threw (an internal error): the other families' findings are still returned. */
  errors: string[];
}

function runRules(syntax: Syntax, text: string, lines: LineIndex, options?: LintOptions, describeLine?: (line: number) => string): RunResult {
  const ctx = new RuleContext(syntax.root, text, lines, describeLine);
  const errors: string[] = [];
  for (const family of RULE_FAMILIES) {
    if (!family.emits.some((m) => selected(m.code, options))) continue;
    const before = ctx.findings.length;
    try {
      family.run(ctx);
    } catch (e) {
      ctx.findings.length = before;
      errors.push(`internal error in lint rules '${family.name}' (${family.emits.map((m) => m.code).join(', ')}): ${(e as Error).message}`);
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
  out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.code.localeCompare(b.code));
  return { findings: out, errors };
}

/**
 * A Python document that is linted repeatedly as it changes. An edit re-parses only the
 * top-level statements it touched (regionParse.ts); when that cannot be done safely (a syntax
 * error before or after the edit), the whole text is parsed again.
 */
export class LintDocument {
  private syntax: Syntax;
  private lines: LineIndex;
  private cached: Finding[] | null = null;
  private cachedKey = '';
  private lastErrors: string[] = [];
  /** Whether the first text was parsed on two threads (see parallelParse.ts). */
  readonly parsedInParallel: boolean;
  /** How the last edit was parsed: only the statements it touched, or the whole text (for tests and benchmarks). */
  lastReparse: 'statements' | 'whole' | null = null;

  constructor(private content: string) {
    const split = parseInParallel(content);
    this.parsedInParallel = split !== null;
    this.syntax = split ?? parseSyntax(content);
    this.lines = new LineIndex(content);
  }

  get text(): string {
    return this.content;
  }

  /** The current syntax tree (read only; tests compare it with a fresh conversion of the text). */
  get tree(): Syntax {
    return this.syntax;
  }

  /** Replaces [start, end) of the current text (UTF-16 offsets) with `newText`. */
  applyEdit(start: number, end: number, newText: string): void {
    const old = this.content;
    const next = old.slice(0, start) + newText + old.slice(end);
    const spliced = reparseEdited(this.syntax, next, start, end, newText.length);
    this.lastReparse = spliced ? 'statements' : 'whole';
    // (not on two threads: a text that fails here almost always has a syntax error, and a cut
    // file with an error is parsed a second time on one thread anyway)
    this.syntax = spliced ?? parseSyntax(next);
    this.content = next;
    this.lines = new LineIndex(next);
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

  /**
   * The findings for the current text. A rule family that fails does not stop the others: its
   * error is in `errors` (an internal bug to report), and the other findings are returned.
   */
  lint(options?: LintOptions, describeLine?: (line: number) => string): Finding[] {
    const key = JSON.stringify(options ?? {});
    if (this.cached && key === this.cachedKey && !describeLine) return this.cached;
    const r = runRules(this.syntax, this.content, this.lines, options, describeLine);
    this.cached = r.findings;
    this.lastErrors = r.errors;
    this.cachedKey = key;
    return this.cached;
  }

  /** Internal errors of the last lint() (empty when every rule ran). */
  get errors(): readonly string[] {
    return this.lastErrors;
  }

  get hasSyntaxError(): boolean {
    return this.syntax.hasError;
  }

  /** Nothing to free any more (the document keeps no tree-sitter tree); kept for callers. */
  dispose(): void {
    this.cached = null;
  }
}

/** Lints one Python text, and reports internal rule errors next to the findings. Needs `await initLint()` first. */
export function lintSourceDetailed(text: string, options?: LintOptions, describeLine?: (line: number) => string): RunResult {
  const doc = new LintDocument(text);
  try {
    const findings = doc.lint(options, describeLine);
    return { findings, errors: [...doc.errors] };
  } finally {
    doc.dispose();
  }
}

/** Lints one Python source text; throws if a rule fails internally. Needs `await initLint()` first. */
export function lintSource(text: string, options?: LintOptions, describeLine?: (line: number) => string): Finding[] {
  const r = lintSourceDetailed(text, options, describeLine);
  if (r.errors.length) throw new Error(r.errors.join('; '));
  return r.findings;
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

function lintCombinedDetailed(nb: CombinedNotebook, options?: LintOptions): { findings: NotebookFinding[]; errors: string[] } {
  const r = lintSourceDetailed(nb.text, options, (line) => describeCellLine(nb, line));
  return { findings: mapToCells(r.findings, nb), errors: r.errors };
}

export interface FileFindings {
  file: string;
  findings: (Finding & { cell?: number })[];
  /** Set when the file could not be read or parsed; findings is then empty. */
  error?: string;
  /** Internal errors of rules on this file (the other rules' findings are kept). */
  internalErrors?: string[];
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

const HELPER_WAIT_MS = 150;

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
    // the helper thread starts with the CLI; a large file is worth a short wait for it
    if (text.length >= MIN_PARALLEL_CHARS) parseHelperReady(HELPER_WAIT_MS);
    try {
      const r = extname(file).toLowerCase() === '.ipynb' ? lintCombinedDetailed(combineNotebook(text), options) : lintSourceDetailed(text, options);
      out.push(r.errors.length ? { file, findings: r.findings, internalErrors: r.errors } : { file, findings: r.findings });
    } catch (e) {
      out.push({ file, findings: [], error: (e as Error).message });
    }
  }
  return out;
}
