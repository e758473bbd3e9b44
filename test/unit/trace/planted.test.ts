/**
 * The tracer on small runnable scripts with planted bugs, run by the real Debian python3 + torch:
 * each bug is found at the line its `# BUG:` marker names, with the shapes the planted code builds
 * (written in the marker by hand); clean scripts in the usual styles give no findings.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { runTrace } from '../../../src/core/lint/trace/runner';
import { fixture, markers, PYTHON, relatedLine } from './helpers';

const PLANTED = ['broadcast_regression.py', 'softmax_cross_entropy.py', 'nan_log.py', 'nan_diverge.py', 'eval_train_mode.py', 'functional_dropout.py', 'functional_train_mode.py', 'accuracy_keepdim.py'];
const CLEAN = ['clean_classifier.py', 'clean_regression.py', 'suppressed.py', 'clean_functional_dropout.py', 'clean_outer_ops.py'];

describe('tracer: planted bugs', () => {
  for (const name of PLANTED) {
    test(`${name}: exactly the marked findings, at their lines, with the planted shapes`, async () => {
      const file = fixture(name);
      const want = markers(file);
      assert.ok(want.length > 0, 'fixture has markers');
      const r = await runTrace({ script: file, python: PYTHON });
      assert.equal(r.stoppedBy, 'end', r.summary + '\n' + r.outputTail);
      assert.deepEqual(r.findings.map((f) => `${f.code}@${f.line}`).sort(), want.map((m) => `${m.code}@${m.line}`).sort());
      for (const m of want) {
        const f = r.findings.find((x) => x.code === m.code && x.line === m.line)!;
        assert.equal(f.file, file);
        if (m.shapes) assert.deepEqual(f.shapes, m.shapes, `${m.code} operand shapes`);
        if (m.result) assert.deepEqual(f.resultShape, m.result, `${m.code} result shape`);
        assert.ok(f.column >= 1 && f.endColumn > f.column, `${m.code} has a column range`);
        assert.ok(f.count >= 1);
      }
    });
  }

  test('ML101 points at the expression, counts every step, and the message names the shapes', async () => {
    const file = fixture('broadcast_regression.py');
    const r = await runTrace({ script: file, python: PYTHON });
    const f = r.findings.find((x) => x.code === 'ML101')!;
    const lineText = readFileSync(file, 'utf8').split('\n')[f.line - 1];
    const col = lineText.indexOf('pred - y') + 1; // where the subtraction is written
    assert.deepEqual([f.column, f.endColumn], [col, col + 'pred - y'.length]);
    assert.equal(f.count, 3, 'the loop runs three epochs');
    assert.match(f.message, /\(16, 1\) with \(16,\) into \(16, 16\)/);
    assert.equal(f.severity, 'warning');
    assert.equal(f.rule, 'broadcast-to-larger-shape');
  });

  test('ML103 and ML105 point to where the softmax / the layer is applied', async () => {
    for (const name of ['softmax_cross_entropy.py', 'eval_train_mode.py', 'functional_train_mode.py']) {
      const file = fixture(name);
      const r = await runTrace({ script: file, python: PYTHON });
      const f = r.findings[0];
      assert.equal(f.related?.[0]?.line, relatedLine(file), `${name} related line`);
    }
  });

  test('ML105 names the layer and counts the evaluation forward calls', async () => {
    const r = await runTrace({ script: fixture('eval_train_mode.py'), python: PYTHON });
    const f = r.findings.find((x) => x.code === 'ML105')!;
    assert.equal(f.count, 2, 'two evaluation batches under no_grad');
    assert.equal(f.module, 'bn', 'the first train-mode layer the evaluation runs');
  });

  test('functional dropout / batch norm with training=True under no_grad: ML105 on that line, once per call', async () => {
    const file = fixture('functional_dropout.py');
    const r = await runTrace({ script: file, python: PYTHON });
    const [inForward, dropout, batchNorm] = markers(file);
    const at = (line: number) => r.findings.find((f) => f.code === 'ML105' && f.line === line)!;
    assert.equal(at(inForward.line).count, 2, 'two evaluation batches call forward');
    assert.match(at(inForward.line).message, /dropout\(training=True\).*Net is in eval mode.*training=self\.training/);
    assert.equal(at(dropout.line).op, 'dropout');
    assert.match(at(batchNorm.line).message, /batch_norm\(training=True\).*running mean\/var/);
    assert.equal(at(batchNorm.line).op, 'batch_norm');
  });

  test('the step bound stops a training loop after N optimizer steps', async () => {
    const r = await runTrace({ script: fixture('softmax_cross_entropy.py'), python: PYTHON, steps: 2 });
    assert.equal(r.stoppedBy, 'steps');
    assert.equal(r.steps, 2);
    assert.equal(r.findings[0].count, 2, 'the loss ran twice before the stop');
    assert.doesNotMatch(r.outputTail, /done/, 'the script did not reach its last line');
  });
});

describe('tracer: clean scripts', () => {
  for (const name of CLEAN) {
    test(`${name}: no findings`, async () => {
      const r = await runTrace({ script: fixture(name), python: PYTHON });
      assert.equal(r.stoppedBy, 'end', r.summary + '\n' + r.outputTail);
      assert.deepEqual(r.findings.map((f) => `${f.code}@${f.line}: ${f.message}`), []);
    });
  }
});
