/**
 * "Trace Shapes in This Script": runs the script under the runtime tracer (src/core/lint/trace)
 * and shows the findings as diagnostics, with a hover that prints the operand shapes. The
 * script's output goes to its own output channel; cancel kills the run's process group.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { TraceFinding, TraceResult } from '../../core/lint/trace/types';
import { pickInterpreter } from './interpreter';
import { parseTraceCommand, TRACE_COMMAND_SETTING, type TraceCommand } from './traceCommand';
import { requireTrust } from '../trust';

type RunnerModule = typeof import('../../core/lint/trace/runner.js');

const SEVERITY: Record<TraceFinding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};
export const TRACE_SOURCE = 'Mistake Lens trace';

const fmtShape = (s: readonly number[]) => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
const toRange = (f: { line: number; column: number; endLine: number; endColumn: number }) => new vscode.Range(f.line - 1, f.column - 1, f.endLine - 1, f.endColumn - 1);

/** The hover text: the operation, its operand shapes and the result, like an exception's shape report. */
export function hoverMarkdown(f: TraceFinding): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**Mistake Lens trace ${f.code}** ${f.rule}${f.count > 1 ? ` — ${f.count} times in the traced run` : ''}\n\n`);
  const rows: string[] = [];
  if (f.op) rows.push(`operation: ${f.op}`);
  const names = f.code === 'ML102' ? ['input', 'target'] : undefined;
  f.shapes?.forEach((s, i) => rows.push(`${names?.[i] ?? `operand ${i + 1}`}: ${fmtShape(s)}`));
  if (f.resultShape) rows.push(`result: ${fmtShape(f.resultShape)}`);
  if (f.module) rows.push(`module: ${f.module}`);
  if (rows.length) md.appendCodeblock(rows.join('\n'), 'text');
  // The message itself is already in the same hover, from the diagnostic.
  return md;
}

export class ScriptTracer implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('mistake-lens-trace');
  private readonly output = vscode.window.createOutputChannel('Mistake Lens Trace');
  private readonly findings = new WeakMap<vscode.Diagnostic, TraceFinding>();
  private readonly disposables: vscode.Disposable[] = [];
  private runner: Promise<RunnerModule> | undefined;
  private running: AbortController | undefined;

  constructor(private readonly context: vscode.ExtensionContext, private readonly log: vscode.LogOutputChannel, private readonly docsUri: vscode.Uri) {
    this.disposables.push(
      this.collection,
      this.output,
      vscode.languages.registerHoverProvider({ language: 'python' }, { provideHover: (doc, pos) => this.hover(doc, pos) }),
    );
  }

  /**
   * Traces what `mistakeLens.trace.command` names when it is set (a script or a module, like a
   * launch.json configuration, or one of launch.json's configurations by name), else `arg` (a Uri
   * from a menu) or the active editor's Python file; the result, or undefined when nothing ran.
   */
  async run(arg: unknown): Promise<TraceResult | undefined> {
    if (!(await requireTrust('Trace Shapes in This Script', 'runs the script with your Python interpreter'))) return undefined;
    const active = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    const folder = (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
    const resource = active ?? folder?.uri;
    const config = vscode.workspace.getConfiguration('mistakeLens', resource);
    // Read only in a trusted workspace (checked above; also a restricted configuration), as is
    // launch.json, for `{"launch": name}`.
    const parsed = parseTraceCommand(
      config.get<unknown>('trace.command'),
      { workspaceFolder: folder?.uri.fsPath, file: active?.scheme === 'file' ? active.fsPath : undefined },
      vscode.workspace.getConfiguration('launch', folder?.uri).get<unknown[]>('configurations', []),
    );
    let command: TraceCommand;
    switch (parsed.kind) {
      case 'invalid':
        void vscode.window.showErrorMessage(`Mistake Lens: ${parsed.message}`, 'Open Settings').then((p) => (p ? vscode.commands.executeCommand('workbench.action.openSettings', TRACE_COMMAND_SETTING) : undefined));
        return undefined;
      case 'command':
        command = parsed.command;
        break;
      case 'none': {
        if (!active || active.scheme !== 'file' || !active.fsPath.endsWith('.py')) {
          void vscode.window.showWarningMessage(`Mistake Lens: open a Python script (.py) to trace it, or set ${TRACE_COMMAND_SETTING}.`);
          return undefined;
        }
        command = { script: active.fsPath, args: config.get<string[]>('trace.scriptArguments', []), cwd: folder?.uri.fsPath };
        break;
      }
    }
    // The run reads files from disk: save the user's edited Python files first.
    for (const d of vscode.workspace.textDocuments) if (d.isDirty && d.uri.scheme === 'file' && d.languageId === 'python') await d.save();
    this.running?.abort();
    const abort = (this.running = new AbortController());
    const python = await pickInterpreter(resource, this.log);
    this.runner ??= import('../../core/lint/trace/runner.js');
    const { runTrace } = await this.runner;
    const what = command.module !== undefined ? `module ${command.module}` : command.script;
    const label = command.module ?? basename(command.script);
    this.output.clear();
    this.output.appendLine(`Tracing ${what}${command.cwd ? ` in ${command.cwd}` : ''} with ${python.path} (${python.source})`);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Mistake Lens: tracing ${label}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        let found = 0;
        try {
          const result = await runTrace(
            {
              ...command,
              python: python.path,
              steps: config.get<number>('trace.steps', 20),
              timeLimitSeconds: config.get<number>('trace.timeLimitSeconds', 60),
              tracerPath: this.context.asAbsolutePath('media/tracer/mistake_lens_tracer.py'),
            },
            {
              signal: abort.signal,
              onOutput: (t) => this.output.append(t),
              onFinding: () => progress.report({ message: `${++found} finding${found === 1 ? '' : 's'} so far` }),
            },
          );
          this.show(result);
          this.output.appendLine(`\n${result.summary}`);
          const n = result.findings.length;
          const msg = `Mistake Lens: ${n === 0 ? 'no problems found' : `${n} problem${n === 1 ? '' : 's'} found`} in ${label}. ${result.summary}`;
          if (result.stoppedBy === 'error' || result.killed) {
            void vscode.window.showWarningMessage(msg, 'Show Output').then((p) => (p ? this.output.show(true) : undefined));
          } else void vscode.window.showInformationMessage(msg);
          return result;
        } catch (e) {
          const m = (e as Error).message;
          if ((e as { code?: string }).code === 'cancelled') this.output.appendLine(`\nCancelled: ${m}`);
          else {
            this.log.error(`trace failed: ${(e as Error).stack ?? m}`);
            void vscode.window.showErrorMessage(`Mistake Lens: ${m}`);
          }
          return undefined;
        } finally {
          if (this.running === abort) this.running = undefined;
        }
      },
    );
  }

  private show(result: TraceResult): void {
    this.collection.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const f of result.findings) {
      const d = new vscode.Diagnostic(toRange(f), f.count > 1 ? `${f.message} (${f.count} times)` : f.message, SEVERITY[f.severity]);
      d.source = TRACE_SOURCE;
      d.code = { value: f.code, target: this.docsUri.with({ fragment: `${f.code.toLowerCase()}-${f.rule}` }) };
      if (f.related) d.relatedInformation = f.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(r.file), toRange(r)), r.message));
      this.findings.set(d, f);
      byFile.set(f.file, [...(byFile.get(f.file) ?? []), d]);
    }
    for (const [file, diags] of byFile) this.collection.set(vscode.Uri.file(file), diags);
  }

  private hover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const here = (this.collection.get(doc.uri) ?? []).filter((d) => d.range.contains(pos));
    const parts = here.flatMap((d) => {
      const f = this.findings.get(d);
      return f ? [hoverMarkdown(f)] : [];
    });
    return parts.length ? new vscode.Hover(parts, here[0].range) : undefined;
  }

  dispose(): void {
    this.running?.abort();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
