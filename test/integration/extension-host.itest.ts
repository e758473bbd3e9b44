/**
 * Proves the integration harness: these run inside a real VS Code extension host with
 * this repository loaded as the extension under development.
 */
import assert from 'node:assert/strict';
import { test } from './host/runner';

// A narrow view of the `vscode` API, so this file type-checks without @types/vscode;
// extension tests can `import * as vscode from 'vscode'` once that is a devDependency.
interface Uri {
  fsPath: string;
  toString(): string;
}
interface VscodeApi {
  version: string;
  Uri: { joinPath(base: Uri, ...parts: string[]): Uri };
  ExtensionMode: { Test: number };
  workspace: {
    workspaceFolders: readonly { uri: Uri }[] | undefined;
    isTrusted: boolean;
    fs: { writeFile(uri: Uri, content: Uint8Array): PromiseLike<void> };
    openTextDocument(uri: Uri): PromiseLike<{ getText(): string; uri: Uri }>;
  };
  window: {
    showTextDocument(doc: unknown): PromiseLike<unknown>;
    activeTextEditor: { document: { uri: Uri; getText(): string } } | undefined;
  };
  commands: { executeCommand<T>(id: string, ...args: unknown[]): PromiseLike<T>; getCommands(filter?: boolean): PromiseLike<string[]> };
  extensions: { all: readonly { id: string; extensionPath: string; packageJSON: { name: string; publisher: string } }[] };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const vscode = require('vscode') as VscodeApi;

test('runs inside a VS Code extension host', () => {
  assert.match(vscode.version, /^1\.\d+\.\d+/);
  // The extension host is a Node process (the remote one, in code-server).
  assert.ok(process.versions.node);
});

test('the extension under development is loaded from this checkout', () => {
  const root = process.env.ML_REPO_ROOT;
  assert.ok(root, 'ML_REPO_ROOT is set by the launcher');
  const ext = vscode.extensions.all.find((e) => e.extensionPath === root);
  assert.ok(ext, `no extension loaded from ${root}; loaded: ${vscode.extensions.all.filter((e) => !e.id.startsWith('vscode.')).map((e) => e.id).join(', ')}`);
  assert.equal(ext.id, `${ext.packageJSON.publisher}.${ext.packageJSON.name}`);
});

test('a workspace folder is open and trusted', () => {
  const folders = vscode.workspace.workspaceFolders ?? [];
  assert.equal(folders.length, 1);
  assert.equal(vscode.workspace.isTrusted, true);
});

test('files written through the API open in an editor', async () => {
  const folder = vscode.workspace.workspaceFolders![0]!.uri;
  const uri = vscode.Uri.joinPath(folder, 'integration-hello.txt');
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('hello from the extension host\n'));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  assert.equal(vscode.window.activeTextEditor?.document.getText(), 'hello from the extension host\n');
});

test('built-in commands are registered and run', async () => {
  const commands = await vscode.commands.getCommands(true);
  assert.ok(commands.includes('workbench.action.closeActiveEditor'));
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  assert.equal(vscode.window.activeTextEditor, undefined);
});
