/**
 * The standalone HTML report (`mistake-lens inspect … --out report.html`): one self-contained file
 * that runs the panel's own bundle (dist/webview.js) on the report, so there is one UI, not two.
 * Everything is inline; the CSP allows exactly that one script, by its SHA-256 hash. The data is
 * what the panel gets from the extension: the report's summary, and its ranked lists packed in
 * columns, the typed arrays as base64 (typedJson.ts) — far faster to load than the report's JSON.
 */
import { createHash } from 'node:crypto';
import type { Report } from '../protocol';
import { packReport } from './packed';
import { toTypedJson } from './typedJson';

/** Text for an HTML element body or a double-quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * JSON that is safe inside `<script type="application/json">`: every `<` becomes \u003c, so no
 * `</script>` or `<!--` can appear; U+2028/2029 escaped as well. JSON.parse gives back the same value.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * JavaScript that is safe inside an inline `<script>`: as the HTML standard advises, `<!--`,
 * `<script` and `</script` (any case) become `\x3C!--`, `\x3Cscript`, `\x3C/script`, so nothing
 * can end the element early or switch the parser into its escaped states. In a bundle these only
 * occur in string, template, regex literals or comments, where `\x3C` means the same `<`.
 */
export function scriptForInline(js: string): string {
  return js.replace(/<(!--|\/?script)/gi, '\\x3C$1');
}

export function cspSha256(script: string): string {
  return `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;
}

/** What #report-data holds: `{ report: ReportSummary, lists: PackedLists with base64 typed arrays }`. */
export function reportData(report: Report): unknown {
  const packed = packReport(report);
  return { report: packed.report, lists: toTypedJson(packed.lists, { toBase64: (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64') }) };
}

export function renderReportHtml(report: Report, webviewJs: string): string {
  const script = scriptForInline(webviewJs);
  const csp = [
    "default-src 'none'",
    'img-src data:',
    "style-src 'unsafe-inline'",
    `script-src ${cspSha256(script)}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const model = report.model.path.split(/[\\/]/).filter(Boolean).pop() ?? report.model.path;
  const title = `Mistake Lens — ${model}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Fixed directives and a base64 hash: nothing in it needs escaping in a double-quoted attribute.
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>${escapeHtml(title)}</title>`,
    '</head>',
    '<body>',
    '<div id="app"></div>',
    `<script type="application/json" id="report-data">${jsonForScript(reportData(report))}</script>`,
    `<script>${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
