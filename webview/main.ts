/**
 * Entry of the panel bundle (dist/webview.js).
 * - Inside VS Code (acquireVsCodeApi exists): say `ready`, then render what the host sends;
 *   view state goes through getState/setState.
 * - Otherwise it is the CLI's standalone HTML report: the report (summary and packed lists, see
 *   reportData in src/core/report/html.ts) is the JSON in <script type="application/json"
 *   id="report-data">; cards show the source name, no images.
 * Styles are injected as <style> text (the CSP allows inline styles, not inline scripts).
 */
import type { PackedReport } from '../src/core/protocol';
import { decodeBase64, fromTypedJson } from '../src/core/report/typedJson';
import { App } from './app';
import { h } from './dom/h';
import { ProtocolClient } from './protocol/client';
import { parseHostMessage } from './protocol/validate';
import panelCss from './styles/panel.css';
import standaloneThemeCss from './styles/standalone-theme.css';
import { registerToolkit } from './toolkit';
import { acquireVsCode } from './vscodeApi';

function injectStyle(id: string, css: string): void {
  const style = document.createElement('style');
  style.id = id;
  style.textContent = css;
  document.head.appendChild(style);
}

function root(): HTMLElement {
  let el = document.getElementById('app');
  if (!el) {
    el = h('div', { id: 'app' });
    document.body.appendChild(el);
  }
  return el;
}

function startPanel(vscode: NonNullable<ReturnType<typeof acquireVsCode>>): void {
  let app: App | null = null;
  const pending: { status?: Parameters<App['setStatus']>[0]; report?: { report: PackedReport; partial: boolean }; diagnostics?: Parameters<App['setDiagnostics']> } = {};
  const client = new ProtocolClient((msg) => vscode.postMessage(msg), {
    onStatus: (s) => (app ? app.setStatus(s) : (pending.status = s)),
    onReport: (report, partial) => (app ? app.setReport(report, partial) : (pending.report = { report, partial })),
    onDiagnostics: (status, reveal) => (app ? app.setDiagnostics(status, reveal) : (pending.diagnostics = [status, reveal])),
    onInvalid: (reason) => console.warn(`[mistake-lens] ignored host message: ${reason}`),
  });
  window.addEventListener('message', (ev: MessageEvent<unknown>) => client.handle(ev.data));
  app = new App(root(), { client, savedState: vscode.getState(), saveState: (s) => vscode.setState(s) });
  if (pending.status) app.setStatus(pending.status);
  if (pending.report) app.setReport(pending.report.report, pending.report.partial);
  if (pending.diagnostics) app.setDiagnostics(...pending.diagnostics);
  client.send({ type: 'ready' });
}

function startStandalone(): void {
  injectStyle('mistake-lens-standalone-theme', standaloneThemeCss);
  // The toolkit and the charts follow body classes, as inside VS Code.
  const dark = matchMedia('(prefers-color-scheme: dark)');
  const applyScheme = () => {
    document.body.classList.toggle('vscode-dark', dark.matches);
    document.body.classList.toggle('vscode-light', !dark.matches);
    document.body.dataset.vscodeThemeKind = dark.matches ? 'vscode-dark' : 'vscode-light';
  };
  applyScheme();
  dark.addEventListener('change', applyScheme);

  const el = root();
  // the same report message the extension sends the panel (see reportData in report/html.ts)
  let parsed: ReturnType<typeof parseHostMessage>;
  try {
    const data = JSON.parse(document.getElementById('report-data')?.textContent ?? 'null') as { report?: unknown; lists?: unknown } | null;
    parsed = parseHostMessage({ type: 'report', report: data?.report, lists: fromTypedJson(data?.lists, { fromBase64: decodeBase64 }), partial: false });
  } catch (err) {
    parsed = { ok: false, reason: (err as Error).message };
  }
  if (!parsed.ok || parsed.message.type !== 'report') {
    console.error(`[mistake-lens] report-data: ${parsed.ok ? 'not a report' : parsed.reason}`);
    el.replaceChildren(h('p', { class: 'fatal', text: 'This page has no readable Mistake Lens report (expected a version-1 report in #report-data).' }));
    return;
  }
  const app = new App(el, { client: null, savedState: null, saveState: () => {} });
  app.setReport({ report: parsed.message.report, lists: parsed.message.lists }, false);
}

registerToolkit();
injectStyle('mistake-lens-panel', panelCss);
const vscode = acquireVsCode();
if (vscode) startPanel(vscode);
else startStandalone();
