/** Inline warnings in Python training code, in a real editor: squiggles, codes, quick fixes. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { eventually, test } from './host/runner';

const root = process.env.ML_REPO_ROOT!;

/** Ground truth: each planted bug's line carries `# expect: CODE` (written with the corpus). */
function markers(text: string): { line: number; code: string }[] {
  return text.split('\n').flatMap((l, line) => [...l.matchAll(/# expect: (ML\d{3})/g)].map((m) => ({ line, code: m[1] })));
}

async function openCopy(fixture: string, name: string): Promise<vscode.TextDocument> {
  const text = readFileSync(join(root, fixture), 'utf8');
  const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  return doc;
}

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Mistake Lens');
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));

test('a planted softmax-into-cross-entropy bug is underlined at its line, with a quick fix', async () => {
  const doc = await openCopy('test/fixtures/lint/buggy/softmax_into_cross_entropy.py', 'train_softmax.py');
  const want = markers(doc.getText());
  assert.ok(want.length > 0);
  const diags = await eventually(() => {
    const d = ours(doc.uri);
    assert.ok(d.length >= want.length, `${d.length} diagnostics so far`);
    return d;
  }, 20_000, 'diagnostics');
  for (const m of want) assert.ok(diags.some((d) => d.range.start.line === m.line && codeOf(d) === m.code), `${m.code} at line ${m.line + 1}`);
  const first = diags.find((d) => codeOf(d) === 'ML002')!;
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, first.range);
  assert.ok(actions.some((a) => a.title === 'Ignore ML002 on this line'), actions.map((a) => a.title).join(', '));
}, { timeoutMs: 60_000 });

test('labels out of order (unsorted glob) is found; a clean script gets no warnings', async () => {
  const buggy = await openCopy('test/fixtures/lint/buggy/labels_out_of_order.py', 'load_data.py');
  const want = markers(buggy.getText());
  await eventually(() => {
    const d = ours(buggy.uri);
    const seen = d.map((x) => `${codeOf(x)}@${x.range.start.line + 1}`).join(', ') || 'none';
    for (const m of want) assert.ok(d.some((x) => x.range.start.line === m.line && codeOf(x) === m.code), `${m.code} at line ${m.line + 1}; seen: ${seen}`);
    return true;
  }, 20_000, 'ML001 diagnostics');
  const clean = await openCopy('test/fixtures/lint/clean/pytorch_cifar10.py', 'clean_train.py');
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(ours(clean.uri).map((d) => `${codeOf(d)}@${d.range.start.line + 1}`), []);
}, { timeoutMs: 60_000 });
