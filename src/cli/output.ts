/** --out: the report as JSON, or as a standalone HTML page rendered by the panel's own bundle. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../core/errors';
import type { Report } from '../core/protocol';
import { renderReportHtml } from '../core/report/html';

export async function writeReport(path: string, report: Report): Promise<void> {
  let text: string;
  if (/\.html?$/i.test(path)) {
    // dist/webview.js sits beside dist/cli.js: one UI for the panel and the report.
    const js = await readFile(join(__dirname, 'webview.js'), 'utf8');
    text = renderReportHtml(report, js);
  } else {
    text = JSON.stringify(report, null, 2) + '\n';
  }
  try {
    await writeFile(path, text);
  } catch (e) {
    throw new UserError(`${path}: cannot write the report (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
