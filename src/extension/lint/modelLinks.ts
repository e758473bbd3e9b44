/**
 * Model and code together (ML201): after Run Diagnostics finds that a model returns
 * probabilities, the loss calls in open Python files that feed that model's outputs get a
 * warning next to the code (the linking is src/core/lint/modelLink.ts). Refreshed when
 * diagnostics run again (cleared when the model's outputs are logits) and when a script
 * changes. Reading code runs nothing, so this needs no trust beyond the diagnostics run.
 */
import * as vscode from 'vscode';
import type { DiagnoseReport } from '../../core/diagnostics/types';
import type { ModelOutputFacts } from '../../core/lint/modelLink';
import type { Finding } from '../../core/lint/types';

type LinkModule = typeof import('../../core/lint/modelLink.js');

const DEBOUNCE_MS = 300;

export class ModelCodeLinks implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('mistake-lens-model-links');
  /** The models whose outputs are probabilities, by model file. */
  private readonly models = new Map<string, ModelOutputFacts>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];
  private engine: Promise<LinkModule> | undefined;

  constructor(
    onReport: vscode.Event<DiagnoseReport>,
    private readonly docsUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.collection,
      onReport((r) => void this.update(r).catch((e: unknown) => this.log.error(`linking ${r.model.path} to scripts failed: ${(e as Error).stack ?? e}`))),
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        clearTimeout(this.timers.get(d.uri.toString()));
        this.collection.delete(d.uri);
      }),
    );
  }

  private load(): Promise<LinkModule> {
    this.engine ??= Promise.all([import('../../core/lint/index.js'), import('../../core/lint/modelLink.js')]).then(async ([lint, link]) => {
      await lint.initLint();
      return link;
    });
    return this.engine;
  }

  /** A finished diagnostics report: remember what it says about the model's outputs, and re-check every open script. */
  async update(report: DiagnoseReport): Promise<void> {
    const link = await this.load();
    const facts = link.modelOutputFacts(report);
    if (facts) this.models.set(report.model.path, facts);
    else this.models.delete(report.model.path);
    for (const doc of vscode.workspace.textDocuments) this.check(doc, link);
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!this.models.size || !isScript(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.load().then((link) => this.check(doc, link)).catch((e: unknown) => this.log.error(`model links failed on ${doc.uri.fsPath}: ${(e as Error).stack ?? e}`));
    }, DEBOUNCE_MS));
  }

  private check(doc: vscode.TextDocument, link: LinkModule): void {
    if (!isScript(doc) || doc.isClosed) return;
    const text = doc.getText();
    const found: Finding[] = [];
    for (const m of this.models.values()) {
      try {
        found.push(...link.linkModelToScript(text, m));
      } catch (e) {
        this.log.error(`linking ${m.path} to ${doc.uri.fsPath} failed: ${(e as Error).stack ?? e}`);
      }
    }
    if (found.length) this.collection.set(doc.uri, found.map((f) => this.toDiagnostic(f, doc.uri)));
    else this.collection.delete(doc.uri);
  }

  private toDiagnostic(f: Finding, uri: vscode.Uri): vscode.Diagnostic {
    const d = new vscode.Diagnostic(range(f.range), f.message, vscode.DiagnosticSeverity.Warning);
    d.source = 'Mistake Lens';
    d.code = { value: f.code, target: this.docsUri.with({ fragment: `${f.code.toLowerCase()}-${f.rule}` }) };
    if (f.related) d.relatedInformation = f.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, range(r.range)), r.message));
    return d;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** Python files on disk or unsaved (notebook cells are not linked yet). */
function isScript(doc: vscode.TextDocument): boolean {
  return doc.languageId === 'python' && doc.uri.scheme !== 'vscode-notebook-cell';
}

function range(r: Finding['range']): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}
