/**
 * Trace Shapes in This Script as a user meets it: the packaged .vsix in code-server, driven in
 * Debian's Chromium. Open a training script with a planted [N,1]-vs-[N] bug
 * (test/fixtures/trace/broadcast_regression.py, each bug on a `# BUG:` line), right-click in the
 * editor → Trace Shapes in This Script; the Problems panel lists ML101 and ML102 at the marked
 * lines, and the hover over the first prints the operand shapes the planted code builds.
 * Screenshots: test-results/e2e/trace-*.png. Needs the .vsix: `npm run package` first.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { packagedVsix, withWorkbench } from './harness';

const ROOT = join(__dirname, '../..');
const SCRIPT = readFileSync(join(ROOT, 'test/fixtures/trace/broadcast_regression.py'), 'utf8');

/** The planted lines (1-based) and shapes, from the fixture's `# BUG: CODE shapes=(…),(…)` markers. */
const planted = SCRIPT.split('\n').flatMap((l, i) => {
  const m = /# BUG: (ML\d{3}) shapes=(\S+)/.exec(l);
  return m ? [{ code: m[1]!, line: i + 1, column: l.search(/\S/) + 1, shapes: m[2]!.match(/\([^)]*\)/g)!.map((s) => s.replace(/,(?=\d)/g, ', ')) }] : [];
});

test('editor context menu → Trace Shapes in This Script → the planted bugs in the Problems panel, shapes in the hover', { timeout: 300_000 }, async () => {
  assert.deepEqual(planted.map((p) => p.code), ['ML101', 'ML102']);
  // The PATH's python3 may lack torch; a user points the extension at an interpreter that has it.
  const settings = { 'mistakeLens.pythonPath': '/usr/bin/python3' };
  await withWorkbench({ name: 'trace', vsix: packagedVsix(), files: { 'train_regression.py': new TextEncoder().encode(SCRIPT) }, trust: 'trusted', settings }, async (wb) => {
    await wb.openFile('train_regression.py');
    await wb.page.locator('.monaco-editor .view-lines').first().click({ button: 'right' });
    await wb.pickContextMenu('Trace Shapes in This Script');
    await wb.waitForNotification(/Mistake Lens: 2 problems found in train_regression\.py/, 120_000);

    await wb.runCommand('Problems: Focus on Problems View');
    const view = wb.page.locator('.markers-panel');
    await view.waitFor({ state: 'visible', timeout: 15_000 });
    await wb.page.waitForTimeout(500);
    const problems = await view.innerText();
    for (const p of planted) assert.match(problems, new RegExp(`${p.code}[\\s\\S]*?\\[Ln ${p.line}, Col \\d+\\]`), `${p.code} at line ${p.line}:\n${problems}`);
    await wb.screenshot('problems');

    // The hover at the first finding, as a user gets it: the mouse over its squiggle (the topmost one).
    const first = planted[0]!;
    const squiggles = wb.page.locator('.monaco-editor .squiggly-warning');
    assert.equal(await squiggles.count(), 2, 'one squiggle per finding');
    const boxes = await squiggles.evaluateAll((els) => els.map((e) => {
      const r = e.getBoundingClientRect();
      return { top: r.top, left: r.left, width: r.width, height: r.height };
    }));
    const top = boxes.sort((a, b) => a.top - b.top)[0]!;
    await wb.page.mouse.move(top.left + top.width / 2, top.top + top.height / 2 - 4);
    const hover = wb.page.locator('.monaco-hover:not(.hidden)', { hasText: 'Mistake Lens trace' }).first();
    await hover.waitFor({ state: 'visible', timeout: 15_000 });
    const text = await hover.innerText();
    assert.match(text, /Mistake Lens trace ML101/);
    for (const s of first.shapes) assert.ok(text.includes(s), `hover shows ${s}:\n${text}`);
    assert.match(text, /result: \(16, 16\)/);
    await wb.page.waitForTimeout(400); // the hover fades in
    await wb.screenshot('hover');
  });
});
