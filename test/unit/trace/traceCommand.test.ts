/** The mistakeLens.trace.command setting (a launch.json-like program/module, args, cwd, env, or a launch.json configuration by name) read into what the tracer runs. */
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
    assert.match(msg({ module: 'm', env: { N: 1 } }), /env must be an object of strings, got \{"N":1\}/);
  });

  test('env: strings with variables replaced', () => {
    assert.deepEqual(parseTraceCommand({ module: 'm', env: { DATA: '${workspaceFolder}/data', CUDA_VISIBLE_DEVICES: '' } }, vars), {
      kind: 'command',
      command: { module: 'm', args: undefined, cwd: '/ws', env: { DATA: '/ws/data', CUDA_VISIBLE_DEVICES: '' } },
    });
  });

  // configurations as the Python extension writes them into .vscode/launch.json
  const launch = [
    { name: 'Python Debugger: Current File', type: 'debugpy', request: 'launch', program: '${file}', console: 'integratedTerminal' },
    { name: 'Train', type: 'debugpy', request: 'launch', module: 'pkg.train', args: ['--epochs', '1'], cwd: '${workspaceFolder}/src', env: { DATA: '${workspaceFolder}/data' }, justMyCode: false },
    { name: 'Old style', type: 'python', request: 'launch', program: 'scripts/train.py' },
    { name: 'With Arguments', type: 'debugpy', request: 'launch', program: '${file}', args: '${command:pickArgs}' },
    { name: 'Server', type: 'node', request: 'launch', program: '${workspaceFolder}/server.js' },
  ];

  test('launch: program, module, args, cwd and env of the named launch.json configuration', () => {
    assert.deepEqual(parseTraceCommand({ launch: 'Train' }, vars, launch), {
      kind: 'command',
      command: { module: 'pkg.train', args: ['--epochs', '1'], cwd: '/ws/src', env: { DATA: '/ws/data' } },
    });
    assert.deepEqual(parseTraceCommand({ launch: 'Python Debugger: Current File' }, vars, launch), { kind: 'command', command: { script: '/ws/src/train.py', args: undefined, cwd: '/ws' } });
    assert.deepEqual(parseTraceCommand({ launch: 'Old style' }, vars, launch), { kind: 'command', command: { script: '/ws/scripts/train.py', args: undefined, cwd: '/ws' } });
  });

  test('launch: a missing name, another language, prompted args and extra fields are explained', () => {
    const msg = (v: unknown, configs: unknown[] = launch) => {
      const r = parseTraceCommand(v, vars, configs);
      assert.equal(r.kind, 'invalid', JSON.stringify(v));
      return (r as { message: string }).message;
    };
    assert.match(msg({ launch: 'Tain' }), /^mistakeLens\.trace\.command: launch "Tain": no configuration of that name in launch\.json \(it has: "Python Debugger: Current File", "Train", "Old style", "With Arguments", "Server"\)/);
    assert.match(msg({ launch: 'Train' }, []), /no configuration of that name in launch\.json \(it has none\)/);
    assert.match(msg({ launch: 'Server' }), /launch "Server" is a "node" configuration, not a Python one/);
    assert.match(msg({ launch: 'With Arguments' }), /args is the string "\$\{command:pickArgs\}"; give them as an array/);
    assert.match(msg({ launch: 'Train', args: [] }), /takes no other fields/);
    assert.match(msg({ launch: 3 }), /launch must be the name of a launch\.json configuration, got 3/);
    // a field of the configuration that cannot be used names the configuration
    assert.match(msg({ launch: 'Bad' }, [{ name: 'Bad', type: 'debugpy', program: '${env:HOME}/t.py' }]), /\$\{env:HOME\} is not supported.*\(launch configuration "Bad"\)$/);
  });
});
