/** The mistakeLens.trace.command setting (a launch.json-like program/module, args, cwd) read into what the tracer runs. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseTraceCommand } from '../../../src/extension/trace/traceCommand';

const vars = { workspaceFolder: '/ws', file: '/ws/src/train.py' };

describe('mistakeLens.trace.command', () => {
  test('unset, null, "" and {} mean: trace the active file', () => {
    for (const v of [undefined, null, '', {}]) assert.deepEqual(parseTraceCommand(v, vars), { kind: 'none' });
  });

  test('module with args and ${workspaceFolder} in cwd; cwd defaults to the workspace folder', () => {
    assert.deepEqual(parseTraceCommand({ module: 'pkg.train', args: ['--data', '${workspaceFolder}/data'], cwd: '${workspaceFolder}/src' }, vars), {
      kind: 'command',
      command: { module: 'pkg.train', args: ['--data', '/ws/data'], cwd: '/ws/src' },
    });
    assert.deepEqual(parseTraceCommand({ module: 'pkg.train' }, vars), { kind: 'command', command: { module: 'pkg.train', args: undefined, cwd: '/ws' } });
  });

  test('program: ${file}, relative to cwd, and the string shorthands', () => {
    assert.deepEqual(parseTraceCommand({ program: '${file}' }, vars), { kind: 'command', command: { script: '/ws/src/train.py', args: undefined, cwd: '/ws' } });
    assert.deepEqual(parseTraceCommand({ program: 'train.py', cwd: '${fileDirname}' }, vars), { kind: 'command', command: { script: '/ws/src/train.py', args: undefined, cwd: '/ws/src' } });
    assert.deepEqual(parseTraceCommand('scripts/train.py', vars), { kind: 'command', command: { script: '/ws/scripts/train.py', args: undefined, cwd: '/ws' } });
    assert.deepEqual(parseTraceCommand('pkg.train', vars), { kind: 'command', command: { module: 'pkg.train', args: undefined, cwd: '/ws' } });
  });

  test('bad values name the setting and the field', () => {
    const msg = (v: unknown, v2 = vars) => {
      const r = parseTraceCommand(v, v2);
      assert.equal(r.kind, 'invalid', JSON.stringify(v));
      return (r as { message: string }).message;
    };
    assert.match(msg({ program: 'a.py', module: 'a' }), /^mistakeLens\.trace\.command: name exactly one of program/);
    assert.match(msg({ args: ['x'] }), /exactly one of program .* or module/);
    assert.match(msg({ module: 'pkg/train.py' }), /module "pkg\/train\.py" is not a dotted module name/);
    assert.match(msg({ module: 'm', args: '--epochs 1' }), /args must be an array of strings, got "--epochs 1"/);
    assert.match(msg({ module: 'm', args: [1] }), /args must be an array of strings/);
    assert.match(msg({ module: 'm', request: 'launch' }), /unknown field request/);
    assert.match(msg({ module: '' }), /module must be a non-empty string/);
    assert.match(msg({ program: '${env:HOME}/t.py' }), /\$\{env:HOME\} is not supported/);
    assert.match(msg({ program: '${file}' }, { workspaceFolder: '/ws', file: undefined as unknown as string }), /\$\{file\} has no value here/);
    assert.match(msg(['train.py']), /expected an object like/);
  });
});
