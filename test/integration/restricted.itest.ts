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
