/**
 * Tracing a module as `python -m` runs it (`--module`), with the real Debian python3 + torch: a
 * bug planted in another file of the package is found at its `# BUG:` line, relative imports and
 * arguments work, a package runs its __main__, and a missing module is a clear error.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runTrace } from '../../../src/core/lint/trace/runner';
import { fixture, markers, PYTHON } from './helpers';

const PLANTED_ROOT = fixture('pkg_planted');
const CLEAN_ROOT = fixture('pkg_clean');

describe('tracer: --module', () => {
  test('a bug in a module file of the package is placed at its line, not at the entry module', async () => {
    const losses = join(PLANTED_ROOT, 'mlpkg', 'losses.py');
    const want = markers(losses);
    assert.equal(want.length, 1);
    const r = await runTrace({ module: 'mlpkg.train', cwd: PLANTED_ROOT, args: ['--epochs', '2'], python: PYTHON });
    assert.equal(r.stoppedBy, 'end', r.summary + '\n' + r.outputTail);
    assert.equal(r.module, 'mlpkg.train');
    assert.equal(r.script, join(PLANTED_ROOT, 'mlpkg', 'train.py'), 'the module file that ran');
    assert.match(r.outputTail, /epochs 2 /, 'arguments reach argparse; relative imports resolved');
    assert.deepEqual(r.findings.map((f) => `${f.file}:${f.code}@${f.line}`), [`${losses}:${want[0].code}@${want[0].line}`]);
    assert.deepEqual(r.findings[0].shapes, want[0].shapes);
    assert.deepEqual(r.findings[0].resultShape, want[0].result);
    assert.equal(r.findings[0].count, 2, 'one per epoch');
  });

  test('a clean package runs its __main__ with its arguments: no findings', async () => {
    const r = await runTrace({ module: 'mlpkg', cwd: CLEAN_ROOT, args: ['4'], python: PYTHON });
    assert.equal(r.stoppedBy, 'end', r.summary + '\n' + r.outputTail);
    assert.equal(r.script, join(CLEAN_ROOT, 'mlpkg', '__main__.py'));
    assert.equal(r.steps, 4);
    assert.match(r.outputTail, /argv \['4'\]/);
    assert.deepEqual(r.findings.map((f) => `${f.code}@${f.file}:${f.line}: ${f.message}`), []);
  });

  test('env from a launch configuration reaches the script, on top of the environment', async () => {
    const r = await runTrace({ module: 'mlpkg', cwd: CLEAN_ROOT, args: ['1'], python: PYTHON, env: { MISTAKE_LENS_TEST_DATA: '/srv/data dir', PYTHONWARNINGS: 'ignore' } });
    assert.equal(r.stoppedBy, 'end', r.summary + '\n' + r.outputTail);
    assert.match(r.outputTail, /data from env: \/srv\/data dir\b/);
    assert.deepEqual(r.findings, []);
  });

  test('the step bound applies to a module run too', async () => {
    const r = await runTrace({ module: 'mlpkg.train', cwd: PLANTED_ROOT, args: ['--epochs', '50'], python: PYTHON, steps: 3 });
    assert.equal(r.stoppedBy, 'steps');
    assert.equal(r.steps, 3);
  });

  test('a module that is not there, a bad name, a missing folder: clear errors naming them', async () => {
    await assert.rejects(runTrace({ module: 'mlpkg.nope', cwd: PLANTED_ROOT, python: PYTHON }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'not-found');
      assert.match(e.message, /no module named mlpkg\.nope .*pkg_planted/);
      return true;
    });
    await assert.rejects(runTrace({ module: 'nothere', cwd: PLANTED_ROOT, python: PYTHON }), /no module named nothere/);
    await assert.rejects(runTrace({ module: 'mlpkg/train.py', cwd: PLANTED_ROOT, python: PYTHON }), /module 'mlpkg\/train\.py': expected a dotted module name/);
    await assert.rejects(runTrace({ module: 'mlpkg.train', cwd: join(PLANTED_ROOT, 'missing'), python: PYTHON }), /working directory .*missing: no such folder/);
  });
});
