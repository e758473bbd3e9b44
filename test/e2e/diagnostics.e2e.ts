/**
 * Run Diagnostics as a user meets it: the packaged .vsix in code-server, driven in Debian's
 * Chromium. Right-click a planted-bug model (test/fixtures/diagnostics, built by
 * scripts/fixtures/planted_bugs.py: softmax.onnx returns probabilities), Run Diagnostics, pick
 * the data; the Problems panel lists the finding on the model file and the panel's Diagnostics
 * tab lists it with its severity; the clean model shows no warning anywhere. Screenshots in
 * the dark and the light theme: test-results/e2e/diagnostics-*.png.
 * Needs the .vsix: `npm run package` first (npm run test:e2e does it).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Frame } from 'playwright-core';
import { filesUnder, packagedVsix, withWorkbench, type Workbench } from './harness';

const ROOT = join(__dirname, '../..');
const FIX = join(ROOT, 'test/fixtures/diagnostics');
const expected = JSON.parse(readFileSync(join(FIX, 'expected.json'), 'utf8')) as { models: Record<string, { bug: string | null }> };

/** The two models (they share weights.bin, ONNX external data) and the clean data with its manifest (a split column). */
function workspaceFiles(): Record<string, Uint8Array> {
  const files = filesUnder(join(FIX, 'data/clean'), 'data/');
  for (const f of ['softmax.onnx', 'clean.onnx', 'weights.bin']) files[`models/${f}`] = readFileSync(join(FIX, 'models', f));
  return files;
}

/** Right-click → Run Diagnostics → the manifest; resolves with the panel's frame once the report is shown. */
async function runDiagnostics(wb: Workbench, model: string): Promise<Frame> {
  await wb.explorerContextMenu(model, 'Run Diagnostics');
  await wb.pickQuickInputItem(/manifest\.csv/, 30_000);
  const frame = await wb.webviewFrame({ title: /Mistakes/, timeoutMs: 60_000 });
  await frame.locator('#diagnostics[data-state="done"]').waitFor({ timeout: 120_000 });
  return frame;
}

/** The Problems view's text (markers of every file, grouped by file), opened from the run's own notification. */
async function problemsText(wb: Workbench, model: string): Promise<string> {
  await wb.clickNotificationButton(new RegExp(`Mistake Lens: ${model.replace('.', '\\.')}:`), 'Show Problems');
  const view = wb.page.locator('.markers-panel');
  await view.waitFor({ state: 'visible', timeout: 15_000 });
  await wb.page.waitForTimeout(500);
  return view.innerText();
}

test('softmax model: Run Diagnostics → the Problems panel and the Diagnostics tab show ML-M002 as a warning', { timeout: 300_000 }, async () => {
  assert.match(String(expected.models.softmax!.bug), /already probabilities/);
  await withWorkbench({ name: 'diagnostics', vsix: packagedVsix(), files: workspaceFiles(), trust: 'trusted' }, async (wb) => {
    const frame = await runDiagnostics(wb, 'models/softmax.onnx');
    // Run Diagnostics brings its tab to the front.
    assert.equal(await frame.locator('#tab-diagnostics').getAttribute('aria-selected'), 'true');
    await frame.locator('#view-diagnostics').waitFor({ state: 'visible' });

    // (b) the checklist: the planted problem first in the Model group, as a warning, in words as well as colour.
    const model = frame.locator('.diag-group[data-target="model"]');
    const first = model.locator('.diag-row').first();
    assert.equal(await first.getAttribute('data-code'), 'ML-M002');
    assert.equal(await first.getAttribute('data-severity'), 'warning');
    assert.equal((await first.locator('.diag-symbol').textContent())?.replace('\uFE0E', ''), '⚠');
    assert.equal(await first.locator('.diag-sev-text').textContent(), 'Warning');
    assert.match(await first.locator('.diag-message').innerText(), /Softmax/);
    assert.match(await first.locator('.diag-advice').innerText(), /CrossEntropyLoss/);
    assert.equal(await frame.locator('.diag-row[data-severity="warning"], .diag-row[data-severity="error"]').count(), 1, 'nothing else fires');
    assert.equal(await frame.locator('.diag-row').count(), 21);
    assert.match(await frame.locator('#diag-summary').innerText(), /0 errors\s+⚠\uFE0E?\s*1 warning\s+✓ 20 passed\s+– 0 skipped/);
    // Goodfellow's activation histograms (3 ReLUs: two charts each) and Tobin's breakdown (train/test splits).
    assert.equal(await frame.locator('#diag-activations .diag-layer').count(), 3);
    assert.equal(await frame.locator('#diag-activations canvas').count(), 6);
    await frame.locator('#diag-breakdown').scrollIntoViewIfNeeded();
    assert.match(await frame.locator('#diag-breakdown').innerText(), /train[\s\S]*test[\s\S]*variance/);

    // Keyboard: the first finding is in the tab order; arrows move between findings.
    assert.equal(await first.getAttribute('tabindex'), '0');
    assert.equal(await frame.locator('.diag-row[tabindex="0"]').count(), 1, 'one finding in the tab order (roving focus)');
    await first.focus();
    await wb.page.keyboard.press('ArrowDown');
    assert.equal(await frame.locator('.diag-row:focus').getAttribute('data-code'), 'ML-M001');
    await wb.page.keyboard.press('End');
    assert.equal(await frame.locator('.diag-row:focus').getAttribute('data-code'), 'ML-D010');
    await wb.page.keyboard.press('Home');
    assert.equal(await frame.locator('.diag-row:focus').getAttribute('data-code'), 'ML-M002');
    await wb.screenshot('softmax-dark');
    await frame.locator('#diag-activations').scrollIntoViewIfNeeded();
    await wb.page.waitForTimeout(300);
    await wb.screenshot('activations-dark');

    // (a) the Problems panel: the warning on the model file, with its code.
    const problems = await problemsText(wb, 'softmax.onnx');
    assert.match(problems, /softmax\.onnx/);
    assert.match(problems, /ML-M002/);
    assert.match(problems, /Outputs already probabilities/);
    await wb.screenshot('problems-dark');

    // The code links to its entry in docs/diagnostics.md.
    await first.locator('.diag-code').click();
    await wb.editorTab(/diagnostics\.md/).waitFor({ timeout: 15_000 });
  });
});

test('clean model, light theme: no warnings in the Diagnostics tab or the Problems panel', { timeout: 300_000 }, async () => {
  assert.equal(expected.models.clean!.bug, null);
  await withWorkbench({ name: 'diagnostics-clean', vsix: packagedVsix(), files: workspaceFiles(), trust: 'trusted', settings: { 'workbench.colorTheme': 'Default Light Modern' } }, async (wb) => {
    const frame = await runDiagnostics(wb, 'models/clean.onnx');
    assert.equal(await frame.locator('#tab-diagnostics').getAttribute('aria-selected'), 'true');
    assert.equal(await frame.locator('.diag-row').count(), 21);
    assert.equal(await frame.locator('.diag-row[data-severity="warning"], .diag-row[data-severity="error"]').count(), 0);
    assert.equal(await frame.locator('.diag-row[data-severity="info"]').count(), 21);
    assert.match(await frame.locator('#diag-summary').innerText(), /0 errors\s+⚠\uFE0E?\s*0 warnings\s+✓ 21 passed/);
    await wb.screenshot('clean-light');

    // A webview reload: the host sends the report again on `ready`, the saved view state brings the tab back.
    await wb.page.waitForTimeout(600); // view state is saved 250 ms after a change
    await frame.evaluate('window.mlBeforeReload = true');
    await wb.runCommand('Developer: Reload Webviews');
    await wb.page.waitForTimeout(1500);
    const again = await wb.webviewFrame({ title: /Mistakes/, timeoutMs: 30_000 });
    await again.locator('#diagnostics[data-state="done"]').waitFor({ timeout: 30_000 });
    assert.equal(await again.evaluate('window.mlBeforeReload === undefined'), true, 'a new webview document');
    assert.equal(await again.locator('#tab-diagnostics').getAttribute('aria-selected'), 'true');
    assert.equal(await again.locator('.diag-row[data-severity="info"]').count(), 21);
    await again.locator('#diag-activations').scrollIntoViewIfNeeded();
    await wb.page.waitForTimeout(300);
    await wb.screenshot('activations-light');
    const problems = await problemsText(wb, 'clean.onnx');
    assert.doesNotMatch(problems, /ML-[MD]\d{3}/);
    assert.match(problems, /No problems have been detected/);
  });
});

test("before any run the tab says how to start one, and its button diagnoses the panel's model and data", { timeout: 300_000 }, async () => {
  await withWorkbench({ name: 'diagnostics-button', vsix: packagedVsix(), files: workspaceFiles(), trust: 'trusted' }, async (wb) => {
    await wb.explorerContextMenu('models/clean.onnx', 'Inspect Mistakes…');
    await wb.pickQuickInputItem(/manifest\.csv/, 30_000);
    const frame = await wb.webviewFrame({ title: /Mistakes/, timeoutMs: 60_000 });
    await frame.locator('#status[data-state="done"]').waitFor({ timeout: 120_000 });
    await frame.locator('#tab-diagnostics').click();
    await frame.locator('#diagnostics[data-state="none"]').waitFor({ state: 'visible' });
    assert.match(await frame.locator('#diagnostics').innerText(), /right-click an \.onnx model → Run Diagnostics/);
    const run = frame.locator('#diag-run');
    assert.equal((await run.textContent())?.trim(), 'Run Diagnostics on clean.onnx with manifest.csv');
    await wb.screenshot('empty-dark');
    await run.click();
    await frame.locator('#diagnostics[data-state="done"]').waitFor({ timeout: 120_000 });
    assert.equal(await frame.locator('.diag-header h2').textContent(), 'clean.onnx on manifest.csv');
    assert.equal(await frame.locator('.diag-row[data-severity="info"]').count(), 21);
  });
});
