/** Run Diagnostics in a real extension host: planted bugs reach the Problems panel; a clean model stays quiet. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { test } from './host/runner';
import type { MistakeLensApi } from '../../src/extension/extension';

const root = process.env.ML_REPO_ROOT!;
const fixture = (p: string) => join(root, 'test/fixtures/diagnostics', p);

async function api(): Promise<MistakeLensApi> {
  const ext = vscode.extensions.all.find((e) => e.extensionPath === root);
  return (await ext!.activate()) as MistakeLensApi;
}

const problems = (file: string) =>
  vscode.languages.getDiagnostics(vscode.Uri.file(file)).filter((d) => d.source === 'Mistake Lens').map((d) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code)));

test('a model that outputs probabilities gets ML-M002 in the Problems panel, on the model file', async () => {
  const model = fixture('models/softmax.onnx');
  const report = await (await api()).diagnose(model, fixture('data/clean'));
  assert.ok(report, 'diagnostics ran');
  assert.ok(problems(model).includes('ML-M002'), `problems on the model: ${problems(model).join(', ')}`);
}, { timeoutMs: 120_000 });

test('the clean model on clean data puts no errors or warnings in the Problems panel', async () => {
  const model = fixture('models/clean.onnx');
  const report = await (await api()).diagnose(model, fixture('data/clean'));
  assert.ok(report);
  assert.deepEqual(problems(model), []);
  assert.equal((report.summary.error ?? 0) + (report.summary.warning ?? 0), 0, JSON.stringify(report.summary));
}, { timeoutMs: 120_000 });

test('after diagnose, the Mistake Lens panel is open and its Diagnostics tab got the finished report', async () => {
  const model = fixture('models/softmax.onnx');
  const ml = await api();
  const report = await ml.diagnose(model, fixture('data/clean'));
  assert.ok(report);
  const shown = ml.shownDiagnostics();
  assert.equal(shown?.state, 'done');
  assert.equal(shown.state === 'done' && shown.report.model.path, model);
  assert.deepEqual(shown.state === 'done' && shown.report.findings.filter((f) => f.severity === 'warning').map((f) => f.code), ['ML-M002']);
  const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('mistakeLens.panel'));
  assert.ok(tab, `panel tab among ${vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label).join(', ')}`);
  assert.equal(tab.isActive, true, 'the panel is the active tab of its group');
  assert.match(tab.label, /^Mistakes: /);
}, { timeoutMs: 120_000 });

test('while diagnostics run, the Diagnostics tab is sent their progress, then the report', async () => {
  const ml = await api();
  const seen: { state: string; findings?: number; phase?: string }[] = [];
  let finished = false;
  const run = ml.diagnose(fixture('models/clean.onnx'), fixture('data/clean')).finally(() => (finished = true));
  while (!finished) {
    const s = ml.shownDiagnostics();
    if (s) seen.push(s.state === 'running' ? { state: s.state, findings: s.findings, phase: s.progress.phase } : { state: s.state });
    await new Promise((r) => setTimeout(r, 5));
  }
  const report = await run;
  assert.ok(report);
  const running = seen.filter((s) => s.state === 'running');
  assert.ok(running.length > 0, `states seen: ${[...new Set(seen.map((s) => s.state))].join(', ')}`);
  assert.ok(running.some((s) => s.phase !== 'starting') || running.some((s) => (s.findings ?? 0) > 0), JSON.stringify(running.slice(-3)));
  const counts = running.map((s) => s.findings ?? 0);
  assert.deepEqual(counts, [...counts].sort((a, b) => a - b), 'the count of reported checks only grows');
  const last = ml.shownDiagnostics();
  assert.equal(last?.state, 'done');
  assert.equal(last.state === 'done' && last.report.findings.length, 21);
}, { timeoutMs: 120_000 });
