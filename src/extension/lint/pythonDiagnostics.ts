/**
 * Inline warnings in Python training code: the static rules of src/core/lint on open Python
 * files and notebooks, as diagnostics with quick fixes. Reading code runs nothing, so this
 * also works in Restricted Mode. The parser (WebAssembly) loads on the first Python file.
 */
import * as vscode from 'vscode';
import type { Finding, NotebookFinding } from '../../core/lint/types';

type LintModule = typeof import('../../core/lint/index.js');

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};
const DEBOUNCE_MS = 250;

/** How the last lint of a Python file went (the extension API gives it to scripts and tests). */
export interface LintStats {
  lines: number;
  /** Parse and rules, in this process. */
  ms: number;
  /** Whether the file was first parsed on two threads (large files). */
  parsedInParallel: boolean;
  findings: number;
}

export class PythonDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('mistake-lens');
  private readonly fixes = new WeakMap<vscode.Diagnostic, Finding['fix']>();
  private readonly docs = new Map<string, import('../../core/lint/index.js').LintDocument>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly stats = new Map<string, LintStats>();
  private readonly disposables: vscode.Disposable[] = [];
  private lint: Promise<LintModule> | undefined;

  constructor(private readonly docsUri: vscode.Uri, private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      vscode.workspace.onDidOpenNotebookDocument((n) => this.scheduleNotebook(n)),
      vscode.workspace.onDidChangeNotebookDocument((e) => this.scheduleNotebook(e.notebook)),
      vscode.workspace.onDidCloseNotebookDocument((n) => n.getCells().forEach((c) => this.collection.delete(c.document.uri))),
      vscode.languages.registerCodeActionsProvider({ language: 'python' }, { provideCodeActions: (doc, _r, ctx) => this.codeActions(doc, ctx) }, {
        providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.schedule(d);
    for (const n of vscode.workspace.notebookDocuments) this.scheduleNotebook(n);
  }

  private engine(): Promise<LintModule> {
    this.lint ??= import('../../core/lint/index.js').then(async (m) => {
      await m.initLint();
      return m;
    });
    return this.lint;
  }

  private debounce(key: string, run: () => Promise<void>): void {
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      run().catch((e: unknown) => this.log.error(`lint failed: ${(e as Error).stack ?? e}`));
    }, DEBOUNCE_MS));
  }

  private schedule(doc: vscode.TextDocument): void {
    if (doc.languageId !== 'python' || doc.uri.scheme === 'vscode-notebook-cell') return;
    this.debounce(doc.uri.toString(), async () => {
      const lint = await this.engine();
      const key = doc.uri.toString();
      let ld = this.docs.get(key);
      const opened = !ld;
      const t0 = performance.now();
      if (ld) ld.setText(doc.getText());
      else this.docs.set(key, (ld = new lint.LintDocument(doc.getText())));
      const found = ld.lint();
      const stats: LintStats = { lines: doc.lineCount, ms: Math.round(performance.now() - t0), parsedInParallel: ld.parsedInParallel, findings: found.length };
      this.stats.set(key, stats);
      this.log.debug(`linted ${doc.uri.fsPath} (${stats.lines} lines) in ${stats.ms} ms${opened && ld.parsedInParallel ? ', parsed on two threads' : ''}: ${found.length} findings`);
      for (const e of ld.errors) this.log.error(`a lint rule failed on ${doc.uri.fsPath}: ${e}`);
      this.collection.set(doc.uri, found.map((f) => this.toDiagnostic(f, doc.uri)));
    });
  }

  /** A notebook's code cells are one program: linted together, findings mapped back to cells. */
  private scheduleNotebook(nb: vscode.NotebookDocument): void {
    this.debounce(nb.uri.toString(), async () => {
      const lint = await this.engine();
      const cells = nb.getCells();
      const code = cells.flatMap((c, cell) => (c.kind === vscode.NotebookCellKind.Code && c.document.languageId === 'python' ? [{ cell, source: c.document.getText() }] : []));
      const found: NotebookFinding[] = lint.lintNotebookCells(code);
      for (const [i, c] of cells.entries()) {
        // A fix that edits another cell (e.g. a seed added to the first one) is not offered here.
        const mine = found.filter((f) => f.cell === i).map((f) => (f.fix?.cell !== undefined && f.fix.cell !== f.cell ? { ...f, fix: undefined } : f));
        this.collection.set(c.document.uri, mine.map((f) => this.toDiagnostic(f, c.document.uri)));
      }
    });
  }

  private toDiagnostic(f: Finding, uri: vscode.Uri): vscode.Diagnostic {
    const d = new vscode.Diagnostic(range(f.range), f.message, SEVERITY[f.severity]);
    d.source = 'Mistake Lens';
    d.code = { value: f.code, target: this.docsUri.with({ fragment: `${f.code.toLowerCase()}-${f.rule}` }) };
    if (f.related) d.relatedInformation = f.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, range(r.range)), r.message));
    if (f.fix) this.fixes.set(d, f.fix);
    return d;
  }

  private codeActions(doc: vscode.TextDocument, ctx: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const d of ctx.diagnostics) {
      if (d.source !== 'Mistake Lens') continue;
      const code = typeof d.code === 'object' ? String(d.code.value) : String(d.code);
      const fix = this.fixes.get(d);
      if (fix) {
        const a = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        a.edit = new vscode.WorkspaceEdit();
        a.edit.replace(doc.uri, range(fix.range), fix.newText);
        a.diagnostics = [d];
        a.isPreferred = true;
        actions.push(a);
      }
      const line = doc.lineAt(d.range.start.line);
      const ignore = new vscode.CodeAction(`Ignore ${code} on this line`, vscode.CodeActionKind.QuickFix);
      ignore.edit = new vscode.WorkspaceEdit();
      ignore.edit.insert(doc.uri, line.range.end, `  # mistake-lens: ignore[${code}]`);
      ignore.diagnostics = [d];
      actions.push(ignore);
    }
    return actions;
  }

  /** The last lint of an open Python file, if it was linted. */
  statsOf(uri: vscode.Uri): LintStats | undefined {
    return this.stats.get(uri.toString());
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    this.stats.delete(key);
    this.docs.get(key)?.dispose();
    this.docs.delete(key);
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.docs.values()) d.dispose();
    this.docs.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function range(r: Finding['range']): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}
