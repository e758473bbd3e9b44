/**
 * The flow the product's e2e test will follow, on a tiny fixture extension
 * (fixtures/hello-extension, zipped into a .vsix here): install the .vsix, right-click
 * an .onnx file in the Explorer, pick the extension's entry, see its notification and
 * its webview panel (scripted, CSP with a nonce, data sent by postMessage), check a
 * hostile class name renders as text, run its command from the palette; then in
 * restricted mode the same entry explains and runs nothing.
 * Screenshots: test-results/e2e/fixture-ext-*.png.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { packVsix, withWorkbench } from './harness';

const files = { 'models/tiny.onnx': new Uint8Array([8, 7]), 'notes.txt': 'not a model\n' };
let tmp = '';
let vsix = '';

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ml-e2e-vsix-'));
  vsix = packVsix(join(__dirname, 'fixtures/hello-extension'), join(tmp, 'hello-e2e-0.0.1.vsix'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('installed .vsix: Explorer context menu -> notification -> webview panel; palette command', { timeout: 240_000 }, async () => {
  await withWorkbench({ name: 'fixture-ext', vsix, files, trust: 'trusted' }, async (wb) => {
    console.log(`timings: ${JSON.stringify(wb.timings)}`);
    const dialogs: string[] = [];
    wb.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });

    await wb.explorerContextMenu('models/tiny.onnx', 'Inspect File');
    await wb.waitForNotification('Hello E2E inspected tiny.onnx');

    const frame = await wb.webviewFrame({ title: 'Hello Panel', hasText: 'file: tiny.onnx' });
    const text = await wb.webviewText({ title: 'Hello Panel', hasText: 'file: tiny.onnx' });
    assert.match(text, /Hello Panel/);
    // The hostile class name is text, not markup: visible verbatim, and no <img> was created.
    assert.ok(text.includes('<img src=x onerror=alert(1)>'), text);
    assert.equal(await frame.locator('img').count(), 0);
    assert.deepEqual(dialogs, []);
    await wb.screenshot('panel');

    // The entry is only offered on .onnx files (its `when` clause).
    await (await wb.revealInExplorer('notes.txt')).click({ button: 'right' });
    await wb.page.locator('.context-view .monaco-menu .action-label', { hasText: 'Copy Path' }).first().waitFor();
    assert.equal(await wb.page.locator('.context-view .monaco-menu .action-label', { hasText: /^Inspect File$/ }).count(), 0);
    await wb.page.keyboard.press('Escape');

    // The same extension from the command palette.
    await wb.runCommand('Hello E2E: Show Panel');
    await wb.webviewFrame({ title: 'Hello Panel', hasText: 'file: (palette)' });
    await wb.screenshot('palette');
  });
});

test('installed .vsix in restricted mode: the command explains and runs nothing', { timeout: 240_000 }, async () => {
  await withWorkbench({ name: 'fixture-ext-restricted', vsix, files, trust: 'restricted' }, async (wb) => {
    assert.equal(await wb.isRestricted(), true);
    await wb.explorerContextMenu('models/tiny.onnx', 'Inspect File');
    await wb.waitForNotification('needs a trusted workspace');
    assert.equal(await wb.page.locator('iframe.webview').count(), 0, 'no panel opened');
    await wb.screenshot('restricted');
  });
});
