/** `mistake-lens diagnose`: the checklist, the JSON contract, exit codes 0/1/2, one-line errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDiagnose } from '../../../src/cli/diagnose';
import { CHECKS } from '../../../src/core/diagnostics/codes';
import type { DiagnoseReport } from '../../../src/core/diagnostics/types';
import { tempDir } from '../../helpers/files';
import { CLEAN, MODELS } from './helpers';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await runDiagnose(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

test('clean model and data: a checklist of passed checks, exit 0', async () => {
  const r = await cli(`${MODELS}/clean.onnx`, '--data', CLEAN, '--ep', 'cpu');
  assert.equal(r.code, 0, r.err);
  for (const c of CHECKS) assert.match(r.out, new RegExp(`✓ ${c.code}  ${c.title.replace(/[()/]/g, '\\$&')}: `), c.code);
  assert.match(r.out, /^0 errors, 0 warnings, 21 passed, 0 skipped/m);
  assert.match(r.out, /^Model checks$/m);
  assert.match(r.out, /^Data checks$/m);
});

test('an error finding exits 1 and shows ✗ with the advice; a warning alone exits 0 with ⚠', async () => {
  const nan = await cli(`${MODELS}/nan.onnx`, '--data', CLEAN, '--ep', 'cpu');
  assert.equal(nan.code, 1);
  assert.match(nan.out, /✗ ML-M008  Non-finite outputs: 48 examples of 160/);
  assert.match(nan.out, /→ Guard the operation/);
  const soft = await cli(`${MODELS}/softmax.onnx`, '--data', CLEAN, '--ep', 'cpu', '--sample', '50');
  assert.equal(soft.code, 0);
  assert.match(soft.out, /⚠ ML-M002/);
  assert.match(soft.out, /sample 50\)/);
});

test('--json: the versioned document with every check once, in order; --out writes the same', async () => {
  const out = join(tempDir('diag-cli'), 'report.json');
  const r = await cli(`${MODELS}/clean.onnx`, '--data', `train=${CLEAN}/train`, '--data', `test=${CLEAN}/test`, '--json', '--out', out, '--ep', 'cpu', '--goal-error', '0.05');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out) as DiagnoseReport;
  assert.equal(doc.version, 1);
  assert.equal(doc.tool.name, 'mistake-lens');
  assert.deepEqual(doc.findings.map((f) => f.code), CHECKS.map((c) => c.code));
  for (const f of doc.findings) {
    assert.ok(['error', 'warning', 'info', 'skipped'].includes(f.severity));
    assert.ok(['model', 'data'].includes(f.target));
    for (const k of ['code', 'title', 'message', 'advice'] as const) assert.equal(typeof f[k], 'string', `${f.code}.${k}`);
    assert.equal(typeof f.location?.file, 'string', `${f.code} location`);
  }
  const count = (s: string) => doc.findings.filter((f) => f.severity === s).length;
  assert.deepEqual(doc.summary, { error: count('error'), warning: count('warning'), info: count('info'), skipped: count('skipped') });
  assert.deepEqual(doc.data.splits.map((s) => [s.name, s.numExamples]), [['train', 100], ['test', 60]]);
  assert.equal(doc.model.outputKind, 'logits');
  assert.equal(doc.model.executionProvider, 'cpu');
  assert.ok(doc.timing.seconds > 0 && typeof doc.timing.phases.pass === 'number');
  assert.equal(doc.findings.find((f) => f.code === 'ML-M011')!.severity, 'warning', 'the 5% goal is missed');
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), doc);
});

test('usage errors exit 2 and name the problem', async () => {
  for (const argv of [
    [],
    [`${MODELS}/clean.onnx`],
    [`${MODELS}/clean.onnx`, '--data', CLEAN, '--sample', '-1'],
    [`${MODELS}/clean.onnx`, '--data', CLEAN, '--sample=-1'],
    [`${MODELS}/clean.onnx`, '--data', 'a', '--data', 'b'],
    [`${MODELS}/clean.onnx`, '--data', 'train=a', '--data', 'train=b'],
    [`${MODELS}/clean.onnx`, '--data', CLEAN, '--goal-error', '5'],
    [`${MODELS}/clean.onnx`, '--data', CLEAN, '--scale', 'huge'],
    [`${MODELS}/clean.onnx`, '--data', CLEAN, '--no-such-flag'],
  ]) {
    const r = await cli(...argv);
    assert.equal(r.code, 2, `${argv.join(' ')}: ${r.err}`);
    assert.match(r.err, /^mistake-lens: .+\nRun 'mistake-lens diagnose --help' for usage\.\n$/);
    assert.equal(r.out, '');
  }
  const help = await cli('--help');
  assert.equal(help.code, 0);
  assert.match(help.out, /Usage: mistake-lens diagnose/);
});

test('bad input exits 1 with one line naming the file', async () => {
  const missing = await cli(`${MODELS}/missing.onnx`, '--data', CLEAN);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /^mistake-lens: error: .*missing\.onnx: model file not found\n$/);
  const notOnnx = await cli('README.md', '--data', CLEAN);
  assert.equal(notOnnx.code, 1);
  assert.match(notOnnx.err, /^mistake-lens: error: .*README\.md: not a valid ONNX model[^\n]*\n$/);
  const noData = await cli(`${MODELS}/clean.onnx`, '--data', 'no/such/folder');
  assert.equal(noData.code, 1);
  assert.match(noData.err, /^mistake-lens: error: .*no\/such\/folder: not found\n$/);
});
