/** `mistake-lens trace`: the documented JSON, readable lines, exit codes like lint. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runTraceCli } from '../../../src/cli/trace';
import { fixture, markers, PYTHON } from './helpers';

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runTraceCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join(''), err: err.join('') };
}

describe('mistake-lens trace', () => {
  test('--json: the documented fields; a planted bug exits 1', async () => {
    const file = fixture('softmax_cross_entropy.py');
    const r = await capture([file, '--python', PYTHON, '--json', '--steps', '3']);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.out);
    for (const k of ['version', 'script', 'python', 'pythonVersion', 'torch', 'steps', 'maxSteps', 'timeLimitSeconds', 'stoppedBy', 'summary', 'findings', 'outputTail']) assert.ok(k in j, k);
    assert.deepEqual([j.version, j.script, j.python, j.steps, j.maxSteps, j.stoppedBy], [1, file, PYTHON, 3, 3, 'steps']);
    const [m] = markers(file);
    const f = j.findings[0];
    assert.deepEqual([f.file, f.line, f.code, f.severity, f.rule, f.count], [file, m.line, 'ML103', 'error', 'probabilities-into-logits-loss', 3]);
    for (const k of ['column', 'endLine', 'endColumn', 'message']) assert.ok(k in f, k);
    assert.doesNotMatch(r.out, /^done/m, 'script output is not mixed into the JSON');
  });

  test('human output: file:line:col severity CODE message; a clean script exits 0', async () => {
    const buggy = await capture([fixture('nan_log.py'), '--python', PYTHON]);
    assert.equal(buggy.code, 1);
    const [m] = markers(fixture('nan_log.py'));
    assert.match(buggy.out, new RegExp(`nan_log\\.py:${m.line}:\\d+ warning ML104 `));
    assert.match(buggy.err, /entropy tensor/, "the script's own output streams to stderr");
    const clean = await capture([fixture('clean_regression.py'), '--python', PYTHON]);
    assert.equal(clean.code, 0, clean.out);
    assert.match(clean.out, /No problems found\./);
  });

  test('script arguments after --; usage errors exit 2', async () => {
    const r = await capture([fixture('lookalike_output.py'), '--python', PYTHON, '--json', '--', '--epochs', '3']);
    assert.equal(JSON.parse(r.out).stoppedBy, 'end');
    assert.equal((await capture([])).code, 2);
    const bad = await capture([fixture('nan_log.py'), '--steps', '0']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--steps 0: expected a positive integer/);
  });
});

describe('mistake-lens trace: how a script ends', () => {
  test('sys.exit("message"): the message reaches stderr, as with plain Python, and the summary (once); exit 1', async () => {
    const r = await capture([fixture('exit_message.py'), '--python', PYTHON]);
    assert.equal(r.code, 1);
    assert.match(r.err, /^fatal: config missing$/m);
    assert.match(r.out, /The script failed: SystemExit: fatal: config missing/);
    assert.doesNotMatch(r.err, /mistake-lens: The script failed/, 'the summary is not repeated on stderr');
  });

  test('os._exit(5) (no tracer summary) exits 1 and says how the script ended', async () => {
    const r = await capture([fixture('os_exit.py'), '--python', PYTHON, '--json']);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.out);
    assert.deepEqual([j.stoppedBy, j.exitCode], ['exited', 5]);
    assert.match(j.summary, /exit code 5/);
  });

  test("torch's own warnings point at the user's line, not into the tracer", async () => {
    const file = fixture('broadcast_regression.py');
    const r = await capture([file, '--python', PYTHON]);
    const [, ml102] = markers(file);
    assert.match(r.err, new RegExp(`broadcast_regression\\.py:${ml102.line}: UserWarning: Using a target size`));
    assert.doesNotMatch(r.err, /mistake_lens_tracer\.py/);
  });

  test('a folder is not a script: the error says what to do', async () => {
    // A UserError: main.ts prints it on one line and exits 1.
    await assert.rejects(capture([fixture('pkg_clean'), '--python', PYTHON]), /pkg_clean: it is a folder; give the script inside it, or run a package with --module/);
  });

  test('the step limit says that code after it (evaluation) was not traced', async () => {
    const r = await capture([fixture('clean_classifier.py'), '--python', PYTHON, '--steps', '1']);
    assert.match(r.out, /Stopped after 1 optimizer step \(the step limit\): code after that point \(e\.g\. an evaluation loop after training\) did not run/);
  });
});

describe('mistake-lens trace --module', () => {
  test('--module with --cwd and args after --: JSON with the module, findings in the package file', async () => {
    const root = fixture('pkg_planted');
    const r = await capture(['--module', 'mlpkg.train', '--cwd', root, '--python', PYTHON, '--json', '--', '--epochs', '1']);
    assert.equal(r.code, 1, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.module, 'mlpkg.train');
    assert.equal(j.script, `${root}/mlpkg/train.py`);
    const [m] = markers(`${root}/mlpkg/losses.py`);
    assert.deepEqual(j.findings.map((f: { file: string; line: number; code: string }) => `${f.file}:${f.line} ${f.code}`), [`${root}/mlpkg/losses.py:${m.line} ${m.code}`]);
  });

  test('usage errors exit 2 and say what is wrong', async () => {
    const both = await capture([fixture('nan_log.py'), '--module', 'mlpkg.train']);
    assert.equal(both.code, 2);
    assert.match(both.err, /a script or --module, not both/);
    const path = await capture(['--module', 'mlpkg/train.py']);
    assert.equal(path.code, 2);
    assert.match(path.err, /--module 'mlpkg\/train\.py': expected a dotted module name/);
    const none = await capture(['--cwd', fixture('pkg_planted')]);
    assert.equal(none.code, 2);
    assert.match(none.err, /one script or --module/);
    const noValue = await capture(['--module']);
    assert.equal(noValue.code, 2);
  });

  test('a module that cannot be found: a user error naming it (main prints it, exit 1)', async () => {
    await assert.rejects(capture(['--module', 'mlpkg.nope', '--cwd', fixture('pkg_planted'), '--python', PYTHON]), /no module named mlpkg\.nope/);
  });
});
