#!/usr/bin/env node
// Runs the end-to-end tests (test/e2e/**/*.e2e.ts, found by glob) in a real VS Code
// (code-server) driven by Debian's Chromium:
//
//   node test/e2e/run.mjs [filter-substring...]
//
// 1. scripts/code-server/setup.sh (cached; about a second when warm; E2E_SKIP_SETUP=1 skips it)
// 2. node --import tsx --test --test-concurrency=1 <files>, in its own process group
// 3. a hard limit for the whole run (E2E_TIMEOUT_S, default 900): past it, the test
//    process group and every code-server group / Chromium the harness recorded in
//    $E2E_PID_DIR are killed by id; after a normal exit anything still recorded there
//    is killed too and reported as a leak.
// Screenshots and logs: test-results/e2e/.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = join(root, 'test/e2e');
const filters = process.argv.slice(2);
const files = readdirSync(dir, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.e2e.ts'))
  .map((f) => join(dir, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`no e2e tests found under ${relative(root, dir)}${filters.length ? ` matching ${filters.join(', ')}` : ''}`);
  process.exit(1);
}

if (process.env.E2E_SKIP_SETUP !== '1') {
  const setup = spawnSync('bash', [join(root, 'scripts/code-server/setup.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (setup.status !== 0) {
    console.error('scripts/code-server/setup.sh failed');
    process.exit(1);
  }
}

const pidDir = mkdtempSync(join(tmpdir(), 'ml-e2e-pids-'));
const limitS = Number(process.env.E2E_TIMEOUT_S ?? 900);
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', `--test-timeout=${limitS * 1000}`, ...files.map((f) => relative(root, f))],
  { cwd: root, stdio: 'inherit', detached: true, env: { ...process.env, E2E_PID_DIR: pidDir } },
);

function kill(pid, signal) {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Kills what the harness recorded (group-PGID / pid-PID files), removes its temp dirs
 * (tmp-NAME files holding the path), and returns the processes that were still alive.
 */
function killRecorded() {
  const alive = [];
  for (const name of readdirSync(pidDir)) {
    const m = /^(group|pid)-(\d+)$/.exec(name);
    if (!m) continue;
    const id = Number(m[2]);
    if (kill(m[1] === 'group' ? -id : id, 'SIGKILL')) alive.push(name);
  }
  for (const name of readdirSync(pidDir)) {
    if (!name.startsWith('tmp-')) continue;
    const dir = readFileSync(join(pidDir, name), 'utf8');
    if (dir.startsWith(tmpdir())) rmSync(dir, { recursive: true, force: true });
  }
  return alive;
}

let timedOut = false;
const timer = setTimeout(() => {
  timedOut = true;
  console.error(`\n[e2e] hard limit of ${limitS} s reached: killing the test run (pgid ${child.pid}) and what it started`);
  kill(-child.pid, 'SIGKILL');
  killRecorded();
}, limitS * 1000);

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    kill(-child.pid, 'SIGKILL');
    killRecorded();
    process.exit(130);
  });
}

child.on('exit', (code, signal) => {
  clearTimeout(timer);
  const leaked = killRecorded();
  rmSync(pidDir, { recursive: true, force: true });
  if (leaked.length) console.error(`[e2e] killed processes the tests left running: ${leaked.join(', ')}`);
  console.error(`[e2e] screenshots and logs: ${relative(process.cwd(), join(root, 'test-results/e2e')) || '.'}`);
  process.exit(timedOut ? 124 : (code ?? (signal ? 1 : 0)) || (leaked.length ? 1 : 0));
});
