/**
 * Integration tests inside a real VS Code extension host, here, offline: code-server
 * (prepared by scripts/code-server/setup.sh) with this repository as the extension under
 * development, and a headless Chromium to open the workbench (the remote extension host
 * only starts when a window connects).
 *
 *   node --import tsx test/integration/run.ts [options]
 *     --extension-development-path DIR  extension under test (default: the repo root)
 *     --workspace DIR                    folder to open (default: a fresh empty temp folder)
 *     --filter REGEX                     run only tests whose name matches
 *     --trust disabled|trusted|restricted  workspace trust (default: disabled = trusted, no dialog)
 *     --timeout SECONDS                  hard limit for the whole run (default 300)
 *     --result FILE                      where the in-host runner writes its JSON
 *                                        (default test-results/integration/result.json)
 *
 * Runs scripts/code-server/setup.sh first (about a second when its cache is warm).
 *
 * How: code-server's own CLI rejects --extensionDevelopmentPath/--extensionTestsPath
 * ("Unknown option"), but its web workbench reads them from the page URL's `payload`
 * query parameter, as VS Code web does; the server then loads the development extension
 * ("Loading development extension at ...") and runs `run()` from extensionTestsPath in
 * the extension host, which exits with 0 or 1 when done; the workbench reports that
 * code through window.codeAutomationExit (what @vscode/test-web listens to).
 * Exit code: 0 when every test passed, 1 otherwise.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureCodeServer, openWorkbench, type TrustMode } from '../e2e/harness';
import { bundleIntegrationTests, checkExtensionBuilt, DEFAULT_RESULT, readResult, REPO_ROOT, reportResult } from './common';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'extension-development-path': { type: 'string', default: REPO_ROOT },
      workspace: { type: 'string' },
      filter: { type: 'string' },
      trust: { type: 'string', default: 'disabled' },
      timeout: { type: 'string', default: '300' },
      result: { type: 'string', default: DEFAULT_RESULT },
    },
  });
  const devPath = resolve(values['extension-development-path']!);
  const resultPath = resolve(values.result!);
  const trust = values.trust as TrustMode;
  if (!['disabled', 'trusted', 'restricted'].includes(trust)) throw new Error(`--trust must be disabled, trusted or restricted`);
  const timeoutMs = Number(values.timeout) * 1000;

  const t0 = Date.now();
  ensureCodeServer();
  checkExtensionBuilt(devPath);
  const testsPath = await bundleIntegrationTests();
  console.log(`[integration] bundled ${testsPath} in ${Date.now() - t0} ms`);
  rmSync(resultPath, { force: true });
  mkdirSync(dirname(resultPath), { recursive: true });

  const wb = await openWorkbench({
    name: 'integration',
    workspace: values.workspace,
    trust,
    extensionDevelopmentPath: devPath,
    extensionTestsPath: testsPath,
    env: {
      ML_INTEGRATION_RESULT: resultPath,
      ML_REPO_ROOT: REPO_ROOT,
      ...(values.filter ? { ML_INTEGRATION_FILTER: values.filter } : {}),
    },
    hardTimeoutMs: timeoutMs + 30_000,
    resultsDir: join(dirname(resultPath)),
    // The extension host's console output is forwarded to the page: echo the runner's lines.
    onConsole: (line) => {
      const at = line.indexOf('[integration]');
      if (at >= 0) console.log(`  host: ${line.slice(at)}`);
    },
  });
  try {
    console.log(`[integration] workbench ready in ${Date.now() - t0} ms (${JSON.stringify(wb.timings)})`);
    const remaining = Math.max(1000, timeoutMs - (Date.now() - t0));
    const outcome = await Promise.race([
      wb.extensionTestsDone,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), remaining).unref()),
    ]);
    if (outcome === 'timeout') {
      console.error(`[integration] the extension host did not finish within ${values.timeout} s`);
      await wb.screenshot('timeout').catch(() => {});
      wb.saveLogs('timeout');
      return 1;
    }
    const ok = reportResult(readResult(resultPath), resultPath);
    console.log(`[integration] extension host exited with ${outcome.code}; total ${Date.now() - t0} ms`);
    if (!ok || outcome.code !== 0) {
      wb.saveLogs('failure');
      return 1;
    }
    return 0;
  } finally {
    await wb.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
