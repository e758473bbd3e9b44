/**
 * The Diagnostics tab's view model and message validation, on real DiagnoseReports: the
 * engine run on the planted-bug fixtures (test/fixtures/diagnostics). Expected values come
 * from outside the view model: which check each planted model trips and the accuracies
 * PyTorch measured (expected.json), and the layer sizes of the CNN the fixtures were built
 * from (scripts/fixtures/cnn.py: conv 1->16 at 28x28, conv 16->32 at 14x14, fc 1568->64, each
 * followed by a ReLU).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DiagnoseReport } from '../../../src/core/diagnostics/types';
import { activationLayers, errorBreakdown, groupFindings, histogramBars, summaryLine } from '../../../webview/diagnostics/viewModel';
import { parseHostMessage } from '../../../webview/protocol/validate';
import { readViewState } from '../../../webview/state/viewState';
import { CLEAN, diagnose, MODELS, truth } from '../diagnostics/helpers';

const run = (name: string) => diagnose({ model: `${MODELS}/${name}.onnx`, data: CLEAN });
const numExamples = truth.data.clean.files.length;

describe('Diagnostics view model on real reports', () => {
  it('groups Model then Data, problems first, the rest in checklist order; counts per group', async () => {
    const r = await run('softmax');
    const groups = groupFindings(r.findings);
    assert.deepEqual(groups.map((g) => g.title), ['Model', 'Data']);
    const [model, data] = groups;
    // The planted bug (expected.json: softmax -> "outputs are already probabilities") leads the model group.
    assert.equal(truth.models.softmax.bug, 'outputs are already probabilities (final Softmax)');
    assert.deepEqual([model!.rows[0]!.code, model!.rows[0]!.severity, model!.rows[0]!.symbol, model!.rows[0]!.severityLabel], ['ML-M002', 'warning', '⚠\uFE0E', 'Warning']);
    assert.deepEqual(model!.rows.slice(1).map((x) => x.code), ['ML-M001', 'ML-M003', 'ML-M004', 'ML-M005', 'ML-M006', 'ML-M007', 'ML-M008', 'ML-M009', 'ML-M010', 'ML-M011']);
    assert.deepEqual(model!.counts, { error: 0, warning: 1, info: 10, skipped: 0 });
    assert.ok(data!.rows.every((x) => x.code.startsWith('ML-D') && x.severity === 'info'), data!.rows.map((x) => `${x.code} ${x.severity}`).join(', '));
    assert.equal(data!.rows.length, 10);
    assert.equal(model!.rows[0]!.anchor, 'ml-m002');
    assert.match(model!.rows[0]!.advice, /CrossEntropyLoss/);
  });

  it('orders errors before warnings before passed before skipped', () => {
    const f = (code: string, severity: 'error' | 'warning' | 'info' | 'skipped') => ({ code, severity, title: code, message: 'm', advice: '', target: 'model' as const });
    const g = groupFindings([f('ML-M001', 'info'), f('ML-M002', 'skipped'), f('ML-M003', 'warning'), f('ML-M004', 'error'), f('ML-M005', 'warning')]);
    assert.deepEqual(g[0]!.rows.map((x) => x.code), ['ML-M004', 'ML-M003', 'ML-M005', 'ML-M001', 'ML-M002']);
    assert.deepEqual(g[0]!.rows.map((x) => x.symbol), ['✗', '⚠\uFE0E', '⚠\uFE0E', '✓', '–']);
  });

  it('summary line of the clean model on clean data: nothing to fix', async () => {
    const r = await run('clean');
    assert.equal(truth.models.clean.bug, null);
    assert.equal(summaryLine(r.findings).text, `0 errors, 0 warnings, ${r.findings.length} passed, 0 skipped in ${r.findings.length} checks`);
    assert.equal(r.findings.length, 21);
  });

  it('activation histograms: one per ReLU of the CNN, bins that add up to every value and every unit', async () => {
    const r = await run('clean');
    const a = activationLayers(r);
    assert.ok(a, 'ML-M009 measured layers');
    assert.equal(a.examples, Math.min(256, numExamples), 'all 160 examples (the check samples up to 256)');
    assert.deepEqual(a.layers.map((l) => l.opType), ['Relu', 'Relu', 'Relu']);
    const perExample = [16 * 28 * 28, 32 * 14 * 14, 64];
    assert.deepEqual(a.layers.map((l) => l.units), [16, 32, 64]);
    a.layers.forEach((l, i) => {
      assert.equal(l.values, a.examples * perExample[i]!, `${l.node}: values`);
      assert.equal(l.bars.length, 20);
      assert.equal(l.bars.reduce((s, b) => s + b.count, 0), l.values, `${l.node}: value bins`);
      assert.ok(Math.abs(l.bars.reduce((s, b) => s + b.share, 0) - 1) < 1e-9);
      assert.equal(l.bars[0]!.lo, 0);
      for (let k = 1; k < l.bars.length; k++) assert.equal(l.bars[k]!.lo, l.bars[k - 1]!.hi, 'contiguous bins');
      // ReLU zeros all land in the first bin, so it holds at least the inactive share.
      assert.ok(l.bars[0]!.share >= l.inactiveShare - 1e-12, `${l.node}: first bin ${l.bars[0]!.share} vs zeros ${l.inactiveShare}`);
      assert.ok(l.unitBars, 'unit activity histogram');
      assert.equal(l.unitBars.length, 10);
      assert.equal(l.unitBars.reduce((s, b) => s + b.count, 0), l.units, `${l.node}: unit bins`);
      assert.ok(l.unitBars[0]!.count >= l.offUnits, 'dead units sit in the first bin');
      assert.equal(l.offWord, 'dead');
      assert.equal(l.flagged, false, 'a trained CNN has no half-dead layer');
      assert.match(l.caption, new RegExp(`^${l.units} units, ${l.offUnits} dead`));
    });
  });

  it("error breakdown: train and test error as PyTorch measured them, and Tobin's variance term", async () => {
    const r = await run('clean');
    const b = errorBreakdown(r);
    assert.ok(b);
    assert.equal(b.goalError, null);
    assert.deepEqual(b.splits.map((s) => [s.name, s.role, s.labelled]), [['train', 'train', 100], ['test', 'test', 60]]);
    const pctOf = (t: string) => Number(t.replace('−', '-').replace('%', '')) / 100;
    const acc = truth.models.clean.onClean!;
    // One example either way: ONNX Runtime and PyTorch may round a near tie differently.
    assert.ok(Math.abs(pctOf(b.splits[0]!.error) - (1 - acc.train.accuracy)) <= 1 / 100 + 1e-9, b.splits[0]!.error);
    assert.ok(Math.abs(pctOf(b.splits[1]!.error) - (1 - acc.test.accuracy)) <= 1 / 60 + 1e-9, b.splits[1]!.error);
    assert.equal(b.terms.length, 1);
    assert.equal(b.terms[0]!.label, 'variance');
    assert.ok(Math.abs(pctOf(b.terms[0]!.value) - (pctOf(b.splits[1]!.error) - pctOf(b.splits[0]!.error))) < 1e-3, b.terms[0]!.value);
    assert.match(b.terms[0]!.formula, /^test .* - train /);
  });

  it('no breakdown and no histograms when the checks did not measure them', () => {
    const r = { findings: [{ code: 'ML-M011', severity: 'skipped', title: '', message: 'Needs 2 splits', advice: '', target: 'model' }] } as unknown as DiagnoseReport;
    assert.equal(errorBreakdown(r), null);
    assert.equal(activationLayers(r), null);
  });

  it('histogramBars rejects what it cannot draw', () => {
    assert.deepEqual(histogramBars({ edges: [0, 0.5, 1], counts: [1, 3] })!.map((b) => [b.label, b.count, b.share]), [['0–0.5', 1, 0.25], ['0.5–1', 3, 0.75]]);
    assert.equal(histogramBars({ edges: [0, 1], counts: [1, 2] }), null, 'edges must be counts + 1');
    assert.equal(histogramBars({ edges: [0, NaN, 1], counts: [1, 2] }), null);
    assert.equal(histogramBars({ edges: [0, 1, 2], counts: [1, -2] }), null);
    assert.equal(histogramBars({ edges: [], counts: [] }), null);
    assert.equal(histogramBars('0,1'), null);
  });
});

describe('diagnostics host message validation', () => {
  it('accepts a real report, as postMessage delivers it (JSON)', async () => {
    const report = JSON.parse(JSON.stringify(await run('softmax'))) as unknown;
    const p = parseHostMessage({ type: 'diagnostics', diagnostics: { state: 'done', report }, reveal: true });
    assert.ok(p.ok, p.ok ? '' : p.reason);
    assert.equal(p.message.type, 'diagnostics');
  });

  it('accepts the other states', () => {
    for (const diagnostics of [
      { state: 'none', target: null },
      { state: 'none', target: { modelName: 'm.onnx', dataName: 'data' } },
      { state: 'running', modelName: 'm.onnx', dataName: 'data', progress: { phase: 'pass', done: 3, total: 160 }, findings: 2 },
      { state: 'running', modelName: 'm.onnx', dataName: 'data', progress: { phase: 'starting', done: 0 }, findings: 0 },
      { state: 'failed', modelName: 'm.onnx', dataName: 'data', message: 'no such file' },
      { state: 'cancelled', modelName: 'm.onnx', dataName: 'data', message: 'Cancelled' },
    ]) {
      const p = parseHostMessage({ type: 'diagnostics', diagnostics, reveal: false });
      assert.ok(p.ok, `${JSON.stringify(diagnostics)}: ${p.ok ? '' : p.reason}`);
    }
  });

  it('rejects malformed diagnostics messages, saying why', async () => {
    const good = JSON.parse(JSON.stringify(await run('clean'))) as Record<string, unknown> & { findings: Record<string, unknown>[] };
    const withFinding = (patch: Record<string, unknown>) => ({ ...good, findings: [{ ...good.findings[0], ...patch }, ...good.findings.slice(1)] });
    const cases: [string, unknown][] = [
      ['no reveal', { type: 'diagnostics', diagnostics: { state: 'none', target: null } }],
      ['no status', { type: 'diagnostics', reveal: false }],
      ['unknown state', { type: 'diagnostics', diagnostics: { state: 'exploded' }, reveal: false }],
      ['done without report', { type: 'diagnostics', diagnostics: { state: 'done' }, reveal: false }],
      ['report of another version', { type: 'diagnostics', diagnostics: { state: 'done', report: { ...good, version: 2 } }, reveal: false }],
      ['findings not a list', { type: 'diagnostics', diagnostics: { state: 'done', report: { ...good, findings: {} } }, reveal: false }],
      ['unknown severity', { type: 'diagnostics', diagnostics: { state: 'done', report: withFinding({ severity: 'fatal' }) }, reveal: false }],
      ['markup as a code', { type: 'diagnostics', diagnostics: { state: 'done', report: withFinding({ code: '<img src=x onerror=alert(1)>' }) }, reveal: false }],
      ['message not a string', { type: 'diagnostics', diagnostics: { state: 'done', report: withFinding({ message: 42 }) }, reveal: false }],
      ['details not an object', { type: 'diagnostics', diagnostics: { state: 'done', report: withFinding({ details: 'x' }) }, reveal: false }],
      ['summary missing', { type: 'diagnostics', diagnostics: { state: 'done', report: { ...good, summary: undefined } }, reveal: false }],
      ['running without progress', { type: 'diagnostics', diagnostics: { state: 'running', modelName: 'm', dataName: 'd', findings: 0 }, reveal: false }],
      ['failed without message', { type: 'diagnostics', diagnostics: { state: 'failed', modelName: 'm', dataName: 'd' }, reveal: false }],
      ['target without names', { type: 'diagnostics', diagnostics: { state: 'none', target: {} }, reveal: false }],
    ];
    for (const [why, msg] of cases) {
      const p = parseHostMessage(msg);
      assert.equal(p.ok, false, why);
      if (!p.ok) assert.match(p.reason, /^diagnostics/, why);
    }
  });

  it('the Diagnostics tab is restored from view state', () => {
    assert.equal(readViewState({ tab: 'diagnostics' }).tab, 'diagnostics');
  });
});
