/**
 * A Mocha-less test runner that runs INSIDE the VS Code extension host.
 *
 * Test files (`test/integration/**\/*.itest.ts`) call `test(name, fn)` at load time; the
 * launcher (run.ts for code-server, runElectron.ts for @vscode/test-electron) bundles
 * them with this file into one CommonJS module whose exported `run()` VS Code calls
 * as `extensionTestsPath`. `run()` runs the tests one after another, writes a JSON
 * result to $ML_INTEGRATION_RESULT, logs one line per test, and rejects when any test
 * failed, so the extension host exits non-zero.
 *
 * Use `node:assert` for checks. `vscode` is external to the bundle: `require('vscode')`
 * (or `import * as vscode from 'vscode'` once @types/vscode is a devDependency).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { findSourceMap } from 'node:module';
import { dirname } from 'node:path';

export interface TestOptions {
  /** Per-test timeout. Default 30 s. */
  timeoutMs?: number;
}

interface Registered {
  name: string;
  fn: () => unknown | Promise<unknown>;
  options: TestOptions;
}

export interface TestOutcome {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  error?: string;
}

export interface RunResult {
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
  vscodeVersion?: string;
  tests: TestOutcome[];
}

const registry: Registered[] = [];

export function test(name: string, fn: () => unknown | Promise<unknown>, options: TestOptions = {}): void {
  registry.push({ name, fn, options });
}

/** Waits until `check` returns a truthy value (polling), for things that settle asynchronously. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Rewrites `bundle.js:LINE:COL` frames to the .ts sources. The extension host installs
 * its own Error.prepareStackTrace, which bypasses Node's source-map support, so this
 * asks node:module's findSourceMap (the launcher's entry enabled source maps before
 * loading the bundle) directly.
 */
function mapStack(stack: string): string {
  return stack.replace(/((?:\/|file:\/\/)[^\s()]+\.js):(\d+):(\d+)/g, (whole, file: string, line: string, col: string) => {
    try {
      const map = findSourceMap(file.replace(/^file:\/\//, ''));
      const entry = map?.findEntry(Number(line) - 1, Number(col) - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
      if (!entry?.originalSource) return whole;
      const src = entry.originalSource.replace(/^file:\/\//, '');
      return `${src}:${entry.originalLine! + 1}:${entry.originalColumn! + 1}`;
    } catch {
      return whole;
    }
  });
}

function withTimeout(p: Promise<unknown>, ms: number, name: string): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`test "${name}" timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Called by VS Code (extensionTestsPath). */
export async function run(): Promise<void> {
  const t0 = Date.now();
  const filter = process.env.ML_INTEGRATION_FILTER ? new RegExp(process.env.ML_INTEGRATION_FILTER) : undefined;
  const result: RunResult = { passed: 0, failed: 0, skipped: 0, durationMs: 0, tests: [] };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    result.vscodeVersion = (require('vscode') as { version: string }).version;
  } catch {
    /* not in an extension host: the outcome says so below */
  }
  for (const t of registry) {
    // Tests another invocation runs (e.g. the Restricted Mode ones) are not part of this run.
    if (filter && !filter.test(t.name)) continue;
    const start = Date.now();
    try {
      await withTimeout(Promise.resolve().then(t.fn), t.options.timeoutMs ?? 30_000, t.name);
      result.passed++;
      result.tests.push({ name: t.name, status: 'passed', durationMs: Date.now() - start });
      console.log(`[integration] ok   ${t.name} (${Date.now() - start} ms)`);
    } catch (e) {
      result.failed++;
      const error = e instanceof Error ? mapStack(e.stack ?? e.message) : String(e);
      result.tests.push({ name: t.name, status: 'failed', durationMs: Date.now() - start, error });
      console.error(`[integration] FAIL ${t.name}\n${error}`);
    }
  }
  result.durationMs = Date.now() - t0;
  const out = process.env.ML_INTEGRATION_RESULT;
  if (out) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(result, null, 2));
  }
  console.log(`[integration] ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped in ${result.durationMs} ms`);
  if (result.passed + result.failed === 0) throw new Error('no integration test ran (none registered, or the filter matched none)');
  if (result.failed > 0) throw new Error(`${result.failed} integration test(s) failed`);
}
