/** Running a model executes code from the workspace's files: only in a trusted workspace. */
import * as vscode from 'vscode';

export async function requireTrust(action: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  const pick = await vscode.window.showWarningMessage(
    `Mistake Lens: ${action} runs a model, which needs a trusted workspace. This workspace is in Restricted Mode, so nothing was run.`,
    manage,
  );
  if (pick === manage) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}
