/**
 * The tracer's process handling, with the real interpreter: the private channel cannot be
 * forged from the script, hangs end at the time limit with no process left, cancel kills the
 * tree, and a missing interpreter or torch is one clear error.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { isUserError } from '../../../src/core/errors';
import { ChannelReader, type TracerMessage } from '../../../src/core/lint/trace/channel';
import { runTrace } from '../../../src/core/lint/trace/runner';
import { alive, fixture, PYTHON } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'ml-trace-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const childPid = (output: string) => Number(/child (\d+)/.exec(output)?.[1]);

async function gone(pid: number, ms = 3000): Promise<boolean> {
  const until = Date.now() + ms;
  while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

describe('tracer: private channel', () => {
  test('look-alike lines on stdout, stderr and fd 3 (without the nonce) inject nothing', async () => {
    const r = await runTrace({ script: fixture('lookalike_output.py'), python: PYTHON });
    assert.deepEqual(r.findings, []);
    assert.equal(r.stoppedBy, 'end');
    assert.equal(r.steps, 0, 'the forged done message (steps 99) was ignored');
    assert.match(r.outputTail, /env-nonce=<none>/, 'no nonce in the script environment, nor in the one it started with');
    assert.match(r.outputTail, /fd4=closed/, 'the pipe that carried the nonce is closed before the script runs');
    assert.match(r.outputTail, /"message": "injected"/, 'the script output is kept as output');
  });

  test('only whole lines that carry the nonce are messages', () => {
    const nonce = 'f'.repeat(32);
    const got: TracerMessage[] = [];
    const reader = new ChannelReader(nonce, (m) => got.push(m));
    const done = JSON.stringify({ type: 'fatal', reason: 'internal', message: 'x' });
    reader.push(`${'0'.repeat(32)} ${done}\n${done}\nnoise${nonce} ${done.slice(0, 10)}`);
    reader.push(`${done.slice(10)}\n${nonce} {"type":"other"}\n${nonce} not json\n`);
    assert.equal(got.length, 1, 'the nonce-prefixed line split over two chunks');
    assert.equal(reader.rejected, 4);
  });
});

describe('tracer: limits and cancel', () => {
  test('a hanging script with a child process stops at the time limit; nothing of the group survives', async () => {
    const r = await runTrace({ script: fixture('hang_with_child.py'), python: PYTHON, timeLimitSeconds: 2 });
    assert.equal(r.stoppedBy, 'time');
    assert.equal(r.killed, undefined, 'the tracer stopped the script itself');
    assert.match(r.summary, /time limit of 2 s/);
    const pid = childPid(r.outputTail);
    assert.ok(pid > 0, r.outputTail);
    assert.ok(await gone(pid), `sleep child ${pid} still running`);
  });

  test('a script that swallows the stop is killed with its group, and says so', async () => {
    const r = await runTrace({ script: fixture('ignores_stop.py'), python: PYTHON, timeLimitSeconds: 1 });
    assert.equal(r.stoppedBy, 'time');
    assert.equal(r.killed, true);
    assert.match(r.summary, /did not stop when asked, so its whole process group was killed/);
    const pid = childPid(r.outputTail);
    assert.ok(await gone(pid), `sleep child ${pid} still running`);
  });

  test('cancel kills the whole process tree and rejects as cancelled', async () => {
    const controller = new AbortController();
    let output = '';
    const run = runTrace({ script: fixture('hang_with_child.py'), python: PYTHON, timeLimitSeconds: 120 }, {
      signal: controller.signal,
      onOutput: (t) => {
        output += t;
        if (/child \d+/.test(output)) controller.abort();
      },
    });
    const t0 = Date.now();
    await assert.rejects(run, (e: unknown) => isUserError(e) && e.code === 'cancelled' && /cancelled/.test(e.message));
    assert.ok(Date.now() - t0 < 60_000);
    const pid = childPid(output);
    assert.ok(await gone(pid), `sleep child ${pid} still running`);
  });
});

describe('tracer: interpreter problems', () => {
  test('a missing interpreter is a clear error naming it', async () => {
    await assert.rejects(runTrace({ script: fixture('nan_log.py'), python: '/nonexistent/bin/python3' }), (e: unknown) =>
      isUserError(e) && e.code === 'not-found' && e.message.includes("'/nonexistent/bin/python3' not found"));
  });

  test('an interpreter without torch is a clear error that says how to fix it', async () => {
    // The same Debian python3 without its site-packages: torch cannot be imported.
    const noTorch = join(dir, 'python-no-torch');
    writeFileSync(noTorch, `#!/bin/sh\nexec ${PYTHON} -S "$@"\n`);
    chmodSync(noTorch, 0o755);
    await assert.rejects(runTrace({ script: fixture('nan_log.py'), python: noTorch }), (e: unknown) =>
      isUserError(e) && e.code === 'incompatible' && /cannot import torch/.test(e.message) && /install PyTorch/.test(e.message));
  });

  test('a script that raises: stoppedBy error, its exception and user line, findings before it kept', async () => {
    const script = join(dir, 'raises.py');
    writeFileSync(script, ['import torch', 'a = torch.zeros(4)', 'b = torch.ones(4, 1)', 'c = a * b', 'raise ValueError("bad row 7")', ''].join('\n'));
    const r = await runTrace({ script, python: PYTHON });
    assert.equal(r.stoppedBy, 'error');
    assert.deepEqual([r.error?.type, r.error?.message, r.error?.line], ['ValueError', 'bad row 7', 5]);
    assert.deepEqual(r.findings.map((f) => `${f.code}@${f.line}`), ['ML101@4']);
  });

  test('the suppression comment is what hides suppressed.py\'s broadcast', async () => {
    const copy = join(dir, 'unsuppressed.py');
    writeFileSync(copy, readFileSync(fixture('suppressed.py'), 'utf8').replace(/\s*# mistake-lens: ignore\[ML101\]/, ''));
    const r = await runTrace({ script: copy, python: PYTHON });
    assert.deepEqual(r.findings.map((f) => [f.code, f.shapes]), [['ML101', [[5], [5, 1]]]]);
  });
});
