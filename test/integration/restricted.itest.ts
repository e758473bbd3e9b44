/** Run with `--trust restricted`: in Restricted Mode nothing runs (the launcher filters on the prefix). */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './host/runner';
import type { MistakeLensApi } from '../../src/extension/extension';

test('[restricted] commands explain and run nothing', async () => {
  assert.equal(vscode.workspace.isTrusted, false, 'the workspace is in Restricted Mode');
  const ext = vscode.extensions.all.find((e) => e.extensionPath === process.env.ML_REPO_ROOT);
  const api = (await ext!.activate()) as MistakeLensApi;
  // The command returns at once: the warning is not waited for.
  await vscode.commands.executeCommand('mistakeLens.openSample');
  // A run would have opened the panel at once and finished the sample within seconds.
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
  assert.ok(!tabs.some((l) => l.startsWith('Mistakes')), `no Mistakes panel; tabs: ${tabs.join(', ')}`);
  await new Promise((r) => setTimeout(r, 5000));
  assert.equal(api.shownReport(), undefined);
  assert.equal(await api.inspect(process.env.ML_REPO_ROOT + '/media/sample/model.onnx', process.env.ML_REPO_ROOT + '/media/sample/data'), undefined);
});

test('[restricted] Trace Shapes in This Script runs no Python', async () => {
  const folder = vscode.workspace.workspaceFolders![0].uri;
  const script = vscode.Uri.joinPath(folder, 'would_run.py');
  const marker = vscode.Uri.joinPath(folder, 'it-ran.txt');
  // The first statement of the script leaves a file: its absence shows the script never started.
  await vscode.workspace.fs.writeFile(script, new TextEncoder().encode(`open(${JSON.stringify(marker.fsPath)}, "w").write("ran")\n`));
  const result = await vscode.commands.executeCommand('mistakeLens.traceScript', script);
  assert.equal(result, undefined);
  await new Promise((r) => setTimeout(r, 3000));
  await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(marker)), 'the script did not run');
});

test('[restricted] a workspace mistakeLens.trace.command is not read (restricted configuration)', async () => {
  const folder = vscode.workspace.workspaceFolders![0].uri;
  const settings = { 'mistakeLens.trace.steps': 7, 'mistakeLens.trace.command': { module: 'evil.train' } };
  await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, '.vscode', 'settings.json'), new TextEncoder().encode(JSON.stringify(settings)));
  const config = () => vscode.workspace.getConfiguration('mistakeLens', folder);
  // The unrestricted setting from the same file shows the file was read.
  for (let i = 0; i < 50 && config().get('trace.steps') !== 7; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(config().get('trace.steps'), 7, 'the workspace settings file was loaded');
  assert.equal(config().get('trace.command'), null, 'the untrusted workspace value is ignored');
  await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder, '.vscode'), { recursive: true });
});
