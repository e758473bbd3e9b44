/** Trace Shapes in This Script, in a real editor: the tracer runs, diagnostics land on the planted lines, the hover prints the shapes. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { eventually, test } from './host/runner';

const root = process.env.ML_REPO_ROOT!;

/** Ground truth: `# BUG: CODE shapes=(…),(…)` on each planted line (written with the fixture). */
function markers(text: string): { line: number; code: string; shapes?: string[] }[] {
  return text.split('\n').flatMap((l, line) => {
    const m = /# BUG: (ML\d{3})(?: shapes=(\S+))?/.exec(l);
    return m ? [{ line, code: m[1], shapes: m[2]?.match(/\([^)]*\)/g)?.map((s) => s.replace(/,(?=\d)/g, ', ')) }] : [];
  });
}

const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));

test('Trace Shapes in This Script: diagnostics at the planted lines, a hover with the operand shapes', async () => {
  // No Python extension in the test editor: the setting names Debian's python3 (it has torch).
  await vscode.workspace.getConfiguration('mistakeLens').update('pythonPath', '/usr/bin/python3', vscode.ConfigurationTarget.Global);
  const text = readFileSync(join(root, 'test/fixtures/trace/broadcast_regression.py'), 'utf8');
  const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'traced_regression.py');
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  const want = markers(text);
  assert.equal(want.length, 2);

  const result = await vscode.commands.executeCommand<{ stoppedBy: string; findings: unknown[] } | undefined>('mistakeLens.traceScript', uri);
  assert.ok(result, 'the command returned a result');
  assert.equal(result.stoppedBy, 'end');

  const diags = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Mistake Lens trace');
  assert.deepEqual(diags.map((d) => `${codeOf(d)}@${d.range.start.line}`).sort(), want.map((m) => `${m.code}@${m.line}`).sort());

  for (const m of want) {
    const d = diags.find((x) => codeOf(x) === m.code)!;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, d.range.start.translate(0, 1));
    const shown = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(shown, new RegExp(`Mistake Lens trace ${m.code}`), shown);
    for (const s of m.shapes ?? []) assert.ok(shown.includes(s), `${m.code} hover shows ${s}:\n${shown}`);
  }
  await vscode.workspace.getConfiguration('mistakeLens').update('pythonPath', undefined, vscode.ConfigurationTarget.Global);
}, { timeoutMs: 120_000 });

test('Trace Shapes in This Script with mistakeLens.trace.command: runs the configured module; the bug lands in the package file', async () => {
  const config = () => vscode.workspace.getConfiguration('mistakeLens');
  await config().update('pythonPath', '/usr/bin/python3', vscode.ConfigurationTarget.Global);
  const ws = vscode.workspace.workspaceFolders![0].uri;
  const pkg = vscode.Uri.joinPath(ws, 'cmdpkg', 'mlpkg');
  for (const name of ['__init__.py', 'losses.py', 'train.py']) {
    const text = readFileSync(join(root, 'test/fixtures/trace/pkg_planted/mlpkg', name));
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(pkg, name), text);
  }
  const losses = vscode.Uri.joinPath(pkg, 'losses.py');
  const want = markers(readFileSync(losses.fsPath, 'utf8'));
  assert.equal(want.length, 1);
  try {
    // A bad value: an error naming the setting, nothing runs.
    await config().update('trace.command', { module: 'cmdpkg/mlpkg/train.py' }, vscode.ConfigurationTarget.Global);
    assert.equal(await vscode.commands.executeCommand('mistakeLens.traceScript'), undefined);

    // Like a launch.json configuration; the active editor is not a Python file (nothing open).
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await config().update('trace.command', { module: 'mlpkg.train', args: ['--epochs', '2'], cwd: '${workspaceFolder}/cmdpkg' }, vscode.ConfigurationTarget.Global);
    const result = await vscode.commands.executeCommand<{ stoppedBy: string; module?: string; script: string; steps: number } | undefined>('mistakeLens.traceScript');
    assert.ok(result, 'the command returned a result');
    assert.deepEqual([result.stoppedBy, result.module, result.script, result.steps], ['end', 'mlpkg.train', vscode.Uri.joinPath(pkg, 'train.py').fsPath, 2]);
    const diags = vscode.languages.getDiagnostics(losses).filter((d) => d.source === 'Mistake Lens trace');
    assert.deepEqual(diags.map((d) => `${codeOf(d)}@${d.range.start.line}`), want.map((m) => `${m.code}@${m.line}`));
    assert.deepEqual(vscode.languages.getDiagnostics(vscode.Uri.joinPath(pkg, 'train.py')).filter((d) => d.source === 'Mistake Lens trace'), []);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', losses, diags[0].range.start.translate(0, 1));
    const shown = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    for (const s of want[0].shapes ?? []) assert.ok(shown.includes(s), `hover shows ${s}:\n${shown}`);
  } finally {
    await config().update('trace.command', undefined, vscode.ConfigurationTarget.Global);
    await config().update('pythonPath', undefined, vscode.ConfigurationTarget.Global);
  }
}, { timeoutMs: 120_000 });

test('Trace Shapes in This Script with {"launch": name}: runs that launch.json configuration (module, args, cwd)', async () => {
  const config = () => vscode.workspace.getConfiguration('mistakeLens');
  await config().update('pythonPath', '/usr/bin/python3', vscode.ConfigurationTarget.Global);
  const ws = vscode.workspace.workspaceFolders![0].uri;
  const pkg = vscode.Uri.joinPath(ws, 'launchpkg', 'mlpkg');
  for (const name of ['__init__.py', 'losses.py', 'train.py']) {
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(pkg, name), readFileSync(join(root, 'test/fixtures/trace/pkg_planted/mlpkg', name)));
  }
  const losses = vscode.Uri.joinPath(pkg, 'losses.py');
  const want = markers(readFileSync(losses.fsPath, 'utf8'));
  // launch.json as users keep it: JSON with comments, a Node configuration beside the Python ones
  const launchJson = `{
  // Use IntelliSense to learn about possible attributes.
  "version": "0.2.0",
  "configurations": [
    { "name": "Server", "type": "node", "request": "launch", "program": "\${workspaceFolder}/server.js" },
    {
      "name": "Train (3 epochs)",
      "type": "debugpy",
      "request": "launch",
      "module": "mlpkg.train",
      "args": ["--epochs", "3"],
      "cwd": "\${workspaceFolder}/launchpkg",
      "env": { "PYTHONHASHSEED": "0" },
      "justMyCode": false
    }
  ]
}
`;
  await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(ws, '.vscode', 'launch.json'), new TextEncoder().encode(launchJson));
  await eventually(() => (vscode.workspace.getConfiguration('launch', ws).get<{ name: string }[]>('configurations') ?? []).some((c) => c.name === 'Train (3 epochs)'), 20_000, 'launch.json read');
  try {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // a name that is not there: nothing runs
    await config().update('trace.command', { launch: 'Train (2 epochs)' }, vscode.ConfigurationTarget.Global);
    assert.equal(await vscode.commands.executeCommand('mistakeLens.traceScript'), undefined);

    await config().update('trace.command', { launch: 'Train (3 epochs)' }, vscode.ConfigurationTarget.Global);
    const result = await vscode.commands.executeCommand<{ stoppedBy: string; module?: string; script: string; steps: number } | undefined>('mistakeLens.traceScript');
    assert.ok(result, 'the command returned a result');
    assert.deepEqual([result.stoppedBy, result.module, result.script, result.steps], ['end', 'mlpkg.train', vscode.Uri.joinPath(pkg, 'train.py').fsPath, 3]);
    const diags = vscode.languages.getDiagnostics(losses).filter((d) => d.source === 'Mistake Lens trace');
    assert.deepEqual(diags.map((d) => `${codeOf(d)}@${d.range.start.line}`), want.map((m) => `${m.code}@${m.line}`));
  } finally {
    await config().update('trace.command', undefined, vscode.ConfigurationTarget.Global);
    await config().update('pythonPath', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(ws, '.vscode', 'launch.json'));
  }
}, { timeoutMs: 120_000 });
