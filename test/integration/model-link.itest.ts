/**
 * Model and code together (ML201) in a real extension host: Run Diagnostics on a model that
 * PyTorch exported with a softmax head puts warnings on the loss calls of the open script
 * that exports it (the lines marked `# expect: ML201`); the logits model links nothing; a
 * model re-diagnosed as logits clears its warnings; an edit re-checks the script.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { eventually, test } from './host/runner';
import type { MistakeLensApi } from '../../src/extension/extension';

const root = process.env.ML_REPO_ROOT!;
const fixture = (p: string) => join(root, 'test/fixtures', p);
const DATA = fixture('diagnostics/data/clean');

async function api(): Promise<MistakeLensApi> {
  const ext = vscode.extensions.all.find((e) => e.extensionPath === root);
  return (await ext!.activate()) as MistakeLensApi;
}

async function openScript(text: string, name: string): Promise<vscode.TextDocument> {
  const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  return doc;
}

const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
/** 0-based lines of the ML201 warnings on a document. */
const links = (uri: vscode.Uri) =>
  vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Mistake Lens' && codeOf(d) === 'ML201').map((d) => d.range.start.line).sort((a, b) => a - b);
/** 0-based lines marked `# expect: ML201` (written with the fixture). */
const marked = (text: string) => text.split('\n').flatMap((l, i) => (/# expect: ML201\b/.test(l) ? [i] : []));

test('diagnosing the softmax model puts ML201 on the loss calls of the script that exports it; the logits model links nothing', async () => {
  const softmaxText = readFileSync(fixture('model-link/train_export_softmax.py'), 'utf8');
  const script = await openScript(softmaxText, 'train_export_softmax.py');
  const clean = await openScript(readFileSync(fixture('model-link/train_export_clean.py'), 'utf8'), 'train_export_clean.py');
  const want = marked(softmaxText);
  assert.equal(want.length, 2);
  const ml = await api();

  const report = await ml.diagnose(fixture('diagnostics/models/softmax.onnx'), DATA);
  assert.equal(report?.findings.find((f) => f.code === 'ML-M002')?.severity, 'warning');
  await eventually(() => (assert.deepEqual(links(script.uri), want), true), 20_000, 'ML201 on the marked lines');
  const d = vscode.languages.getDiagnostics(script.uri).find((x) => codeOf(x) === 'ML201')!;
  assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
  assert.match(d.message, /softmax\.onnx/);
  assert.match(d.message, /Softmax node/);
  assert.ok(d.relatedInformation?.some((r) => /exported to softmax\.onnx/.test(r.message)), 'points at the export call');

  const logits = await ml.diagnose(fixture('diagnostics/models/clean.onnx'), DATA);
  assert.equal(logits?.findings.find((f) => f.code === 'ML-M002')?.severity, 'info');
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(links(clean.uri), [], 'the script exporting the logits model');
  assert.deepEqual(links(script.uri), want, 'the softmax model still returns probabilities');

  // an edit re-checks the script: a line inserted above moves the warnings down
  const edit = new vscode.WorkspaceEdit();
  edit.insert(script.uri, new vscode.Position(0, 0), '# retrained nightly\n');
  assert.ok(await vscode.workspace.applyEdit(edit));
  await eventually(() => (assert.deepEqual(links(script.uri), want.map((l) => l + 1)), true), 10_000, 'warnings follow the edit');
}, { timeoutMs: 180_000 });

test('re-diagnosing a model file whose outputs are now logits clears its warnings', async () => {
  const folder = vscode.workspace.workspaceFolders![0].uri;
  const model = vscode.Uri.joinPath(folder, 'exports', 'model.onnx');
  // the planted models keep their weights in one external file beside them
  await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, 'exports', 'weights.bin'), readFileSync(fixture('diagnostics/models/weights.bin')));
  await vscode.workspace.fs.writeFile(model, readFileSync(fixture('diagnostics/models/softmax.onnx')));
  const text = readFileSync(fixture('model-link/train_export_softmax.py'), 'utf8').replace('EXPORT_DIR = "models"', 'EXPORT_DIR = "exports"').replace('"softmax.onnx"', '"model.onnx"');
  const script = await openScript(text, 'train_model.py');
  const ml = await api();
  assert.ok(await ml.diagnose(model.fsPath, DATA));
  await eventually(() => (assert.deepEqual(links(script.uri), marked(text)), true), 20_000, 'ML201 with the softmax weights');
  // the same file, re-exported from the logits model
  await vscode.workspace.fs.writeFile(model, readFileSync(fixture('diagnostics/models/clean.onnx')));
  assert.ok(await ml.diagnose(model.fsPath, DATA));
  await eventually(() => (assert.deepEqual(links(script.uri), []), true), 20_000, 'ML201 cleared');
}, { timeoutMs: 180_000 });
