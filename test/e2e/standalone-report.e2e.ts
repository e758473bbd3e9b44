/**
 * The CLI's standalone HTML report (`mistake-lens inspect … --out report.html`), opened from disk
 * in Debian's Chromium: the page decodes its packed lists and shows the mistakes PyTorch found for
 * the fixture, in the light and dark color schemes; a page whose data was damaged says so instead
 * of showing a broken grid. Screenshots: test-results/e2e/standalone-*.png.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { launchBrowser, REPO_ROOT, RESULTS_DIR } from './harness';

const expected = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/expected.json'), 'utf8'));

/** What PyTorch computed on the fixture: the top mistakes as (true, predicted, confidence) in model class names. */
function expectedTop(n: number): { label: string; predicted: string; confidence: number }[] {
  const e = expected.datasets.images;
  const names = e.modelSpace.classes as string[];
  const toModel = e.folderToModel as number[];
  return (e.topMistakes as { label: number; predicted: number; confidence: number }[])
    .slice(0, n)
    .map((m) => ({ label: names[toModel[m.label]]!, predicted: names[toModel[m.predicted]]!, confidence: m.confidence }));
}

test('the standalone HTML report shows the mistakes PyTorch found; damaged data gives a clear message', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ml-standalone-'));
  const html = join(dir, 'report.html');
  execFileSync(process.execPath, [join(REPO_ROOT, 'bin/mistake-lens.js'), 'inspect', join(REPO_ROOT, 'test/fixtures/models/fmnist-cnn.onnx'),
    '--data', join(REPO_ROOT, 'test/fixtures/data/images'), '--out', html, '--no-save-config', '--ep', 'cpu'], { stdio: 'ignore' });
  const page = readFileSync(html, 'utf8');
  // a copy whose packed lists were damaged (one base64 character made invalid)
  const damaged = join(dir, 'damaged.html');
  writeFileSync(damaged, page.replace(/("base64":")([A-Za-z0-9+/])/, '$1!'));

  const browser = await launchBrowser();
  mkdirSync(RESULTS_DIR, { recursive: true });
  try {
    for (const scheme of ['light', 'dark'] as const) {
      const context = await browser.browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: scheme });
      const tab = await context.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(e.message));
      await tab.goto(pathToFileURL(html).href);
      await tab.locator('.card[data-index="7"]').waitFor({ timeout: 30_000 });
      const want = expectedTop(8);
      for (let i = 0; i < want.length; i++) {
        const card = tab.locator(`.card[data-index="${i}"]`);
        assert.equal(await card.locator('.card-label').textContent(), want[i]!.label, `card ${i + 1} true label`);
        assert.equal(await card.locator('.card-predicted').textContent(), want[i]!.predicted, `card ${i + 1} prediction`);
        assert.equal(await card.locator('.card-confidence').textContent(), `${(want[i]!.confidence * 100).toFixed(1)}%`, `card ${i + 1} confidence`);
      }
      assert.equal(await tab.locator('body').evaluate((b, s) => b.classList.contains(`vscode-${s}`), scheme), true, `follows the ${scheme} scheme`);
      assert.deepEqual(errors, []);
      await tab.screenshot({ path: join(RESULTS_DIR, `standalone-${scheme}.png`) });
      await context.close();
    }

    const context = await browser.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const tab = await context.newPage();
    await tab.goto(pathToFileURL(damaged).href);
    await tab.locator('.fatal').waitFor({ timeout: 30_000 });
    assert.match((await tab.locator('.fatal').textContent()) ?? '', /no readable Mistake Lens report/);
    assert.equal(await tab.locator('.card').count(), 0);
    await context.close();
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
