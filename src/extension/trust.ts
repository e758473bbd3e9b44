/** Running a model or tracing a script executes code from the workspace's files: only in a trusted workspace. */
import * as vscode from 'vscode';

/** False in Restricted Mode, after saying why; the answer to the warning is not waited for. */
export async function requireTrust(action: string, runs = 'runs a model'): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  void vscode.window
    .showWarningMessage(`Mistake Lens: ${action} ${runs}, which needs a trusted workspace. This workspace is in Restricted Mode, so nothing was run.`, manage)
    .then((pick) => (pick === manage ? vscode.commands.executeCommand('workbench.trust.manage') : undefined));
  return false;
}
