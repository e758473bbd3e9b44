/** Inline warnings in Python training code, in a real editor: squiggles, codes, quick fixes. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { MistakeLensApi } from '../../src/extension/extension';
import { eventually, test } from './host/runner';

const root = process.env.ML_REPO_ROOT!;

/** Ground truth: each planted bug's line carries `# expect: CODE` (written with the corpus). */
function markers(text: string): { line: number; code: string }[] {
  return text.split('\n').flatMap((l, line) => [...l.matchAll(/# expect: (ML\d{3})/g)].map((m) => ({ line, code: m[1] })));
}

async function openCopy(fixtureOrText: string, name: string): Promise<vscode.TextDocument> {
  const text = fixtureOrText.includes('\n') ? fixtureOrText : readFileSync(join(root, fixtureOrText), 'utf8');
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

/** The diagnostics as `code@line` (1-based), sorted. */
const keys = (ds: readonly vscode.Diagnostic[]) => ds.map((d) => `${codeOf(d)}@${d.range.start.line + 1}`).sort();

/** The one-thread lint of `file` by the CLI (an independent process), as `code@line`. */
function cliOneThread(file: string): string[] {
  const r = spawnSync(process.execPath, [join(root, 'dist/cli.js'), 'lint', '--json', file], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', MISTAKE_LENS_LINT_THREADS: '0' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const out = JSON.parse(r.stdout) as { findings: { code: string; line: number }[] };
  return out.findings.map((f) => `${f.code}@${f.line}`).sort();
}

test('a 12,000-line script is parsed on two threads and gets the one-thread findings, before and after an edit', async () => {
  const ext = vscode.extensions.all.find((e) => e.extensionPath === root);
  assert.ok(ext, 'Mistake Lens is loaded');
  const api = (await ext.activate()) as MistakeLensApi;
  // the corpus's planted bugs, many times over, each copy with its own names
  const base = readFileSync(join(root, 'test/fixtures/lint/buggy/softmax_into_cross_entropy.py'), 'utf8');
  let text = '';
  for (let i = 0; text.split('\n').length < 12_000; i++) text += `${base.replace(/\b(def|class) (\w+)/g, `$1 $2_${i}`)}\n\n`;
  const doc = await openCopy(text, 'big_train.py');
  const stats = (await eventually(() => api.lintStats(doc.uri), 30_000, 'the first lint'))!;
  assert.equal(stats.parsedInParallel, true, `parsed on two threads (${stats.lines} lines in ${stats.ms} ms)`);
  const expected = cliOneThread(doc.uri.fsPath);
  assert.ok(expected.length > 100, `${expected.length} findings`);
  await eventually(() => assert.deepEqual(keys(ours(doc.uri)), expected) ?? true, 20_000, 'the one-thread findings');

  // an edit at the top moves every finding down a line (only the edited statement is parsed again)
  const editor = await vscode.window.showTextDocument(doc);
  await editor.edit((e) => e.insert(new vscode.Position(0, 0), '# data: /srv/train\n'));
  await doc.save();
  const moved = cliOneThread(doc.uri.fsPath);
  assert.deepEqual(moved, expected.map((k) => k.replace(/@(\d+)$/, (_m, l: string) => `@${Number(l) + 1}`)).sort());
  await eventually(() => assert.deepEqual(keys(ours(doc.uri)), moved) ?? true, 20_000, 'the findings after the edit');
}, { timeoutMs: 120_000 });
