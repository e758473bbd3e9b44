/** The CLI contract: flags, the JSON fields scripts rely on, exit codes, one-line errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expected, near } from '../../helpers/expected';
import { tempDir } from '../../helpers/files';

const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/mistake-lens.js', ...args], { encoding: 'utf8' });

test('inspect --json prints the documented fields, with class names, agreeing with PyTorch', () => {
  const e = expected.datasets.sample;
  const r = cli('inspect', 'media/sample/model.onnx', '--data', 'media/sample/data', '--json', '--no-save-config', '--ep', 'cpu', '--top', '20');
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  for (const k of ['accuracy', 'numExamples', 'executionProvider', 'classes', 'mistakes', 'labelIssues', 'estimatedLabelErrors', 'confusion', 'perClass', 'ece']) {
    assert.ok(k in j, `missing ${k}`);
  }
  assert.equal(j.version, 1);
  assert.equal(j.executionProvider, 'cpu');
  assert.equal(j.numExamples, e.numExamples);
  near(j.accuracy, e.accuracy, 1e-9, 'accuracy');
  assert.equal(j.mistakes.length, 20);
  assert.equal(j.labelIssues.length, 20);
  const m = j.mistakes[0];
  assert.deepEqual(Object.keys(m).filter((k) => ['index', 'source', 'label', 'predicted', 'confidence'].includes(k)).sort(), ['confidence', 'index', 'label', 'predicted', 'source']);
  assert.equal(m.index, e.topMistakes[0].index);
  assert.equal(m.label, e.classes[e.topMistakes[0].label]);
  assert.equal(m.predicted, e.classes[e.topMistakes[0].predicted]);
  for (const k of ['index', 'source', 'label', 'suggested', 'score']) assert.ok(k in j.labelIssues[0], `labelIssues[0] lacks ${k}`);
  assert.ok(e.classes.includes(j.labelIssues[0].suggested));
  for (let i = 1; i < j.labelIssues.length; i++) assert.ok(j.labelIssues[i - 1].score >= j.labelIssues[i].score, 'label issues ranked by score');
});

test('--out writes the same report to a file; the summary names the worst mistake', () => {
  const out = join(tempDir('cli-out'), 'report.json');
  const r = cli('inspect', 'media/sample/model.onnx', '--data', 'media/sample/data', '--no-save-config', '--ep', 'cpu', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(j.numExamples, 2000);
  assert.match(r.stdout, new RegExp(`Accuracy\\s+${(expected.datasets.sample.accuracy * 100).toFixed(1)}%`));
  assert.match(r.stdout, /\[722\]\s+Sandal\s+Sneaker\s+0\.997/);
  assert.match(r.stdout, new RegExp(`Report written to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
});

test('usage errors exit 2 and say what is wrong', () => {
  const noData = cli('inspect', 'media/sample/model.onnx');
  assert.equal(noData.status, 2);
  assert.match(noData.stderr, /inspect needs --data/);
  const badScale = cli('inspect', 'media/sample/model.onnx', '--data', 'x', '--scale', 'bogus');
  assert.equal(badScale.status, 2);
  assert.match(badScale.stderr, /--scale bogus: use one of unit, symmetric, imagenet, raw, none, custom/);
  const unknown = cli('frobnicate');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);
});

test('a missing data path exits 1 with one line naming it', () => {
  const r = cli('inspect', 'media/sample/model.onnx', '--data', 'no/such/folder', '--no-save-config');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^mistake-lens: error: .*no\/such\/folder: not found\n$/);
});
