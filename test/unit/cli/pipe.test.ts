/** The built CLI when the program reading its output stops early (`mistake-lens lint --json | head`). */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';

const CLI = resolve(__dirname, '../../../dist/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'ml-cli-pipe-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a reader that closes the pipe early: no stack trace, exit 0', async () => {
  assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first (npm test does)`);
  // enough findings that the JSON is far larger than a pipe's buffer
  const file = join(dir, 'train.py');
  writeFileSync(file, 'import torch\nimport torch.nn.functional as F\n' + Array.from({ length: 800 }, (_, i) => `\ndef f${i}(model, x, y):\n    return F.cross_entropy(F.softmax(model(x), dim=1), y)\n`).join(''));
  const child = spawn(process.execPath, [CLI, 'lint', '--json', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const first = await new Promise<string>((res) => child.stdout.once('data', (d: Buffer) => res(d.toString())));
  assert.match(first, /^\{\n {2}"version": 1/);
  child.stdout.destroy(); // what `head` does after its first lines
  const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
  assert.equal(err, '');
  assert.equal(code, 0);
});
