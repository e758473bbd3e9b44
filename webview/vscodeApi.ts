/** The part of the VS Code webview API the panel uses; absent in the standalone HTML report. */
import type { PanelViewState, WebviewToHost } from '../src/core/protocol';

export interface VsCodeApi {
  postMessage(msg: WebviewToHost): void;
  getState(): unknown;
  setState(state: PanelViewState): void;
}

export function acquireVsCode(): VsCodeApi | null {
  const g = globalThis as { acquireVsCodeApi?: () => VsCodeApi };
  return typeof g.acquireVsCodeApi === 'function' ? g.acquireVsCodeApi() : null;
}
