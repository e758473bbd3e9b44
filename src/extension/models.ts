/** Which model a command is about: the clicked file, the active editor's, or one the user picks. */
import * as vscode from 'vscode';

export async function resolveModel(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri && arg.fsPath.toLowerCase().endsWith('.onnx')) return arg;
  const active = vscode.window.activeTextEditor?.document.uri ?? activeTabUri();
  if (active?.fsPath.toLowerCase().endsWith('.onnx')) return active;
  const found = await vscode.workspace.findFiles('**/*.onnx', '**/node_modules/**', 50);
  if (found.length > 0) {
    const pick = await vscode.window.showQuickPick(
      found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
      { title: 'Mistake Lens: which model?', placeHolder: 'An ONNX classifier' },
    );
    return pick?.uri;
  }
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'ONNX model': ['onnx'] }, openLabel: 'Inspect this model' });
  return chosen?.[0];
}

function activeTabUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input && typeof input === 'object' && 'uri' in input && input.uri instanceof vscode.Uri ? input.uri : undefined;
}
