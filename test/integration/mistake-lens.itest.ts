/**
 * Mistake Lens inside a real VS Code extension host (code-server here, @vscode/test-electron
 * where VS Code can be downloaded): contributions, a real run, the panel, Restricted Mode.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { test } from './host/runner';
import type { MistakeLensApi } from '../../src/extension/extension';
import type { Report } from '../../src/core/protocol';

const root = process.env.ML_REPO_ROOT!;
const expected = JSON.parse(readFileSync(join(root, 'test/fixtures/expected.json'), 'utf8'));

async function api(): Promise<MistakeLensApi> {
  const ext = vscode.extensions.all.find((e) => e.extensionPath === root);
  assert.ok(ext, 'Mistake Lens is loaded');
  return (await ext.activate()) as MistakeLensApi;
}

test('the four commands are registered', async () => {
  await api();
  const all = await vscode.commands.getCommands(true);
  for (const c of ['mistakeLens.inspectMistakes', 'mistakeLens.openSample', 'mistakeLens.selectDataset', 'mistakeLens.showLastReport']) {
    assert.ok(all.includes(c), `${c} is registered`);
  }
});

test('a run in the extension host produces the report PyTorch agrees with, and the panel shows it', async () => {
  const e = expected.datasets['idx-raw'];
  const report = (await (await api()).inspect(join(root, e.model), join(root, e.data), { saveConfig: false, executionProviders: ['cuda', 'cpu'] })) as Report;
  assert.ok(report, 'the run finished');
  assert.equal(report.numExamples, e.numExamples);
  assert.ok(Math.abs(report.accuracy - e.accuracy) < 1e-9, `accuracy ${report.accuracy} vs PyTorch ${e.accuracy}`);
  assert.deepEqual(report.mistakes.slice(0, 5).map((m) => m.index), e.topMistakes.slice(0, 5).map((m: { index: number }) => m.index));
  assert.equal(report.executionProvider, 'cpu');
  assert.match(report.executionProviderNotes.join(' '), /cuda: could not load/);
  assert.equal((await api()).shownReport()?.createdAt, report.createdAt);
}, { timeoutMs: 120_000 });

test('Open Sample runs the bundled model and Show Last Report brings it back', async () => {
  const a = await api();
  await vscode.commands.executeCommand('mistakeLens.openSample');
  const shown = a.shownReport();
  assert.ok(shown, 'the panel shows a report');
  assert.equal(shown.numExamples, expected.datasets.sample.numExamples);
  assert.ok(Math.abs(shown.accuracy - expected.datasets.sample.accuracy) < 1e-9);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  assert.equal(a.shownReport(), undefined, 'closing the panel drops it');
  await vscode.commands.executeCommand('mistakeLens.showLastReport');
  assert.equal(a.shownReport()?.createdAt, shown.createdAt);
}, { timeoutMs: 120_000 });
