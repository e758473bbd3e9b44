/**
 * The same integration tests through the standard path, @vscode/test-electron: it
 * downloads a VS Code build (update.code.visualstudio.com), starts it with
 * --extensionDevelopmentPath / --extensionTestsPath, and the tests run in its extension
 * host exactly as under run.ts (same bundle, same in-host runner, same result file).
 *
 * NOT RUNNABLE ON THE PROJECT'S CI MACHINES: only the npm registry and Debian apt are
 * reachable there, so the download fails. Use test/integration/run.ts (code-server)
 * there. On a developer machine or a CI with internet:
 *
 *   node --import tsx test/integration/runElectron.ts [--version 1.100.3] [--workspace DIR] [--filter REGEX]
 *
 * On a Linux machine without a display, run it under `xvfb-run -a`.
 * VSCODE_EXECUTABLE=/path/to/code uses an installed VS Code instead of downloading one.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runTests } from '@vscode/test-electron';
import { bundleIntegrationTests, checkExtensionBuilt, DEFAULT_RESULT, readResult, REPO_ROOT, reportResult } from './common';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'extension-development-path': { type: 'string', default: REPO_ROOT },
      workspace: { type: 'string' },
      filter: { type: 'string' },
      // The VS Code version code-server 4.100.3 embeds, so both paths test the same API.
      version: { type: 'string', default: '1.100.3' },
      result: { type: 'string', default: DEFAULT_RESULT },
    },
  });
  const devPath = resolve(values['extension-development-path']!);
  const resultPath = resolve(values.result!);
  checkExtensionBuilt(devPath);
  const testsPath = await bundleIntegrationTests();
  rmSync(resultPath, { force: true });
  mkdirSync(dirname(resultPath), { recursive: true });

  const tmp = mkdtempSync(join(tmpdir(), 'ml-integration-electron-'));
  const workspace = values.workspace ? resolve(values.workspace) : join(tmp, 'workspace');
  mkdirSync(workspace, { recursive: true });
  let code: number;
  try {
    code = await runTests({
      version: values.version,
      // Downloads land in the gitignored cache, not in ./.vscode-test.
      cachePath: join(REPO_ROOT, '.cache/vscode-test'),
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE,
      extensionDevelopmentPath: devPath,
      extensionTestsPath: testsPath,
      extensionTestsEnv: {
        ML_INTEGRATION_RESULT: resultPath,
        ML_REPO_ROOT: REPO_ROOT,
        ...(values.filter ? { ML_INTEGRATION_FILTER: values.filter } : {}),
      },
      launchArgs: [
        workspace,
        '--disable-extensions', // other installed extensions; the one under development still loads
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--user-data-dir', join(tmp, 'user-data'),
        '--extensions-dir', join(tmp, 'extensions'),
      ],
    });
  } catch (e) {
    // runTests rejects on a non-zero exit (TestRunFailedError) and on a failed download.
    console.error(e instanceof Error ? e.message : e);
    code = 1;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const ok = reportResult(readResult(resultPath), resultPath);
  return ok && code === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
