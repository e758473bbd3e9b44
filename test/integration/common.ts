/**
 * Shared by the two integration launchers (run.ts: code-server, here; runElectron.ts:
 * @vscode/test-electron, where VS Code can be downloaded): finds the `*.itest.ts` files,
 * bundles them with the in-host runner into one CommonJS file for `extensionTestsPath`,
 * and reads back the result the runner wrote.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import type { RunResult } from './host/runner';

export const REPO_ROOT = resolve(__dirname, '../..');
export const TESTS_DIR = join(REPO_ROOT, 'test/integration');
/** Where the bundle goes (out/ is gitignored). */
export const DEFAULT_BUNDLE = join(REPO_ROOT, 'out/integration/index.js');
export const DEFAULT_RESULT = join(REPO_ROOT, 'test-results/integration/result.json');

export function findIntegrationTests(dir = TESTS_DIR): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.itest.ts'))
    .map((f) => join(dir, f))
    .sort();
}

/**
 * Bundles host/runner.ts + every test file into `outFile`, exporting `run()`.
 * `vscode` and the native packages stay external (as in scripts/build.mjs).
 */
export async function bundleIntegrationTests(outFile = DEFAULT_BUNDLE, files = findIntegrationTests()): Promise<string> {
  if (files.length === 0) throw new Error(`no *.itest.ts files under ${relative(REPO_ROOT, TESTS_DIR)}`);
  const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const entry = [
    `export { run } from ${JSON.stringify('./' + relative(TESTS_DIR, join(TESTS_DIR, 'host/runner')))};`,
    ...files.map((f) => `import ${JSON.stringify('./' + relative(TESTS_DIR, f).replace(/\.ts$/, ''))};`),
  ].join('\n');
  const bundle = join(dirname(outFile), 'tests.bundle.js');
  await esbuild.build({
    stdin: { contents: entry, resolveDir: TESTS_DIR, sourcefile: 'integration-entry.ts', loader: 'ts' },
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode', 'onnxruntime-node', 'sharp'],
    define: { __TOOL_VERSION__: JSON.stringify(version) },
    logLevel: 'warning',
  });
  // Node applies source maps only to modules compiled after they are enabled, so the
  // entry VS Code loads turns them on and then loads the bundle: stacks name .ts lines.
  writeFileSync(
    outFile,
    `'use strict';\nprocess.setSourceMapsEnabled?.(true);\nmodule.exports = require('./${basename(bundle)}');\n`,
  );
  return outFile;
}

/** Fails early, with the fix, when package.json names a `main` that was not built. */
export function checkExtensionBuilt(extensionDevelopmentPath: string): void {
  const pkg = JSON.parse(readFileSync(join(extensionDevelopmentPath, 'package.json'), 'utf8')) as { main?: string };
  if (!pkg.main) return;
  const main = resolve(extensionDevelopmentPath, pkg.main);
  if (!existsSync(main) && !existsSync(`${main}.js`)) {
    throw new Error(`the extension's main (${pkg.main}) is not built: run \`npm run build\` first`);
  }
}

export function readResult(path: string): RunResult | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as RunResult;
}

/** Prints the per-test outcome; returns true when the run passed (at least one test, none failed). */
export function reportResult(result: RunResult | undefined, resultPath: string): boolean {
  if (!result) {
    console.error(`no result file at ${resultPath}: the tests did not run to the end inside the extension host`);
    return false;
  }
  for (const t of result.tests) {
    const mark = t.status === 'passed' ? 'ok  ' : t.status === 'skipped' ? 'skip' : 'FAIL';
    console.log(`${mark} ${t.name}${t.status === 'passed' ? ` (${t.durationMs} ms)` : ''}`);
    if (t.error) console.log(t.error.replace(/^/gm, '     '));
  }
  console.log(
    `${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped in ${result.durationMs} ms (VS Code ${result.vscodeVersion ?? '?'})`,
  );
  return result.failed === 0 && result.passed > 0;
}
