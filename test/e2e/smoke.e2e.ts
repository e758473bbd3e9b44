/**
 * Proves the e2e harness on a plain code-server (no extension installed): the workbench
 * opens a workspace, the Explorer shows its files, the command palette runs built-in
 * commands, an Explorer context-menu entry opens a webview (the built-in Markdown
 * preview) whose text the harness reads through the nested iframes, restricted mode is
 * reachable through the trust dialog, and everything started is gone after close().
 * Screenshots: test-results/e2e/smoke-*.png, restricted-*.png.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openWorkbench, withWorkbench } from './harness';

const files = {
  'hello.txt': 'hello from the smoke test\n',
  'README.md': '# Smoke test\n\nThe Markdown preview is a *webview*: <b>two iframes deep</b>.\n',
  'models/tiny.onnx': new Uint8Array([8, 7, 18, 4, 116, 101, 115, 116]),
};

function processGone(pid: number, group: boolean): boolean {
  try {
    process.kill(group ? -pid : pid, 0);
    return false;
  } catch {
    return true;
  }
}

test('workbench, Explorer, palette, context menu and a webview in code-server', { timeout: 240_000 }, async () => {
  await withWorkbench({ name: 'smoke', files, trust: 'trusted' }, async (wb) => {
    console.log(`timings: ${JSON.stringify(wb.timings)}`);
    // Trusted: the dialog was answered "Yes" and the Restricted Mode entry is gone.
    assert.equal(await wb.isRestricted(), false);

    // The Explorer lists the workspace, including a file inside a folder.
    for (const f of ['hello.txt', 'README.md', 'models']) {
      await wb.explorerItem(f).first().waitFor({ state: 'visible', timeout: 10_000 });
    }
    await wb.revealInExplorer('models/tiny.onnx');

    // Open a file by clicking it; the editor shows its text.
    await (await wb.revealInExplorer('hello.txt')).click();
    await wb.editorTab('hello.txt').waitFor({ state: 'visible', timeout: 10_000 });
    await wb.page.locator('.editor-instance .view-lines', { hasText: 'hello from the smoke test' }).waitFor({ timeout: 10_000 });

    // A built-in command from the palette: the terminal panel opens (pty host works).
    await wb.runCommand('View: Toggle Terminal');
    await wb.page.locator('.part.panel .terminal-wrapper .xterm').first().waitFor({ state: 'visible', timeout: 20_000 });
    // Keyboard input reaches the shell, and its output comes back (42 proves the shell ran it).
    await wb.terminalRun('echo ML_E2E_$((6*7))', 'ML_E2E_42');
    await wb.screenshot('terminal');

    // Right-click in the Explorer -> "Open Preview": a webview panel; read its text.
    await wb.explorerContextMenu('README.md', 'Open Preview');
    await wb.editorTab(/Preview README\.md/).waitFor({ state: 'visible', timeout: 15_000 });
    const text = await wb.webviewText({ title: /Preview README\.md/, hasText: 'Smoke test' });
    assert.match(text, /Smoke test/);
    assert.match(text, /two iframes deep/);
    assert.doesNotMatch(text, /<b>/, 'markup renders as markup, not as text');

    // Quick Open (Ctrl+P) reaches files by path.
    await wb.openFile('models/tiny.onnx');
    await wb.screenshot('workbench');
  });
});

test('restricted mode through the trust dialog, and nothing left running after close()', { timeout: 240_000 }, async () => {
  const wb = await openWorkbench({ name: 'restricted', files, trust: 'prompt' });
  const serverPid = wb.server.pid;
  const browserPid = wb.browserHandle.pid;
  try {
    // A fresh user-data-dir with trust enabled asks first; until answered, the window is restricted.
    await wb.trustButton('restrict').waitFor({ state: 'visible', timeout: 30_000 });
    await wb.screenshot('trust-dialog');
    await wb.answerTrustDialog('restrict');
    await wb.restrictedModeIndicator().waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await wb.isRestricted(), true);

    // The trust editor states it too.
    await wb.runCommand('Workspaces: Manage Workspace Trust');
    await wb.page.locator('.workspace-trust-editor', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 15_000 });
    await wb.screenshot('restricted');
  } catch (e) {
    await wb.screenshot('failure').catch(() => {});
    wb.saveLogs('failure');
    throw e;
  } finally {
    await wb.close();
  }
  assert.ok(processGone(serverPid, true), `code-server process group ${serverPid} still running`);
  assert.ok(processGone(browserPid, false), `chromium ${browserPid} still running`);
});
