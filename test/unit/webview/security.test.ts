/**
 * A guard over the panel's own source: no HTML-from-string APIs and no code-from-string APIs.
 * Data reaches the DOM only through webview/dom/h.ts (textContent / setAttribute).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const FORBIDDEN = /\.(innerHTML|outerHTML)\b|insertAdjacentHTML|createContextualFragment|\beval\s*\(|new\s+Function\b|document\.write|setTimeout\(\s*['"`]/;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true }).map(String)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(ROOT, dir, f));
}

describe('panel source', () => {
  const files = [...sources('webview'), join(ROOT, 'src/core/report/html.ts')];

  it('finds the panel sources', () => {
    assert.ok(files.length > 20, `only ${files.length} files`);
    assert.ok(files.some((f) => f.endsWith(join('webview', 'main.ts'))));
  });

  it('never builds HTML or code from strings', () => {
    const offenders = files.flatMap((f) => readFileSync(f, 'utf8').split('\n')
      .map((line, i) => ({ f, i: i + 1, line }))
      .filter(({ line }) => FORBIDDEN.test(line)));
    assert.deepEqual(offenders.map((o) => `${o.f}:${o.i}: ${o.line.trim()}`), []);
  });

  it('imports the toolkit only inside webview/toolkit/', () => {
    const outside = files.filter((f) => !f.includes(join('webview', 'toolkit')) && /@vscode\/webview-ui-toolkit/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(outside, []);
  });

  it('creates toolkit elements only inside webview/toolkit/', () => {
    const outside = files.filter((f) => !f.includes(join('webview', 'toolkit')) && /createElement\(\s*['"]vscode-/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(outside, []);
  });
});
