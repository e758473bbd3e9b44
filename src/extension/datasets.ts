/** Choosing the data for a model: a quick pick of recent datasets, a folder, a file, or the sample. */
import * as vscode from 'vscode';
import { basename, dirname } from 'node:path';

const KEY = 'mistakeLens.datasetsByModel';
const MAX_RECENT = 8;

export class DatasetMemory {
  constructor(private readonly state: vscode.Memento) {}

  recent(model: vscode.Uri): string[] {
    return this.state.get<Record<string, string[]>>(KEY, {})[model.fsPath] ?? [];
  }

  async remember(model: vscode.Uri, data: string): Promise<void> {
    const all = this.state.get<Record<string, string[]>>(KEY, {});
    const list = [data, ...(all[model.fsPath] ?? []).filter((d) => d !== data)].slice(0, MAX_RECENT);
    await this.state.update(KEY, { ...all, [model.fsPath]: list });
  }
}

interface Item extends vscode.QuickPickItem {
  pick: () => Promise<string | undefined>;
}

/**
 * Data the workspace seems to hold: manifests, IDX and NumPy files, and image folders (the
 * folder above the class sub-folders). A guess to save browsing; the user still chooses.
 */
export async function workspaceCandidates(limit = 10): Promise<string[]> {
  const exclude = '{**/node_modules/**,**/.git/**,**/.venv/**}';
  const [files, images] = await Promise.all([
    vscode.workspace.findFiles('**/{*.csv,*.jsonl,*.npz,x*.npy,*idx3*}', exclude, 200),
    vscode.workspace.findFiles('**/*.{png,jpg,jpeg,bmp,webp,PNG,JPG,JPEG}', exclude, 5000),
  ]);
  const folders = new Map<string, number>();
  for (const f of images) {
    const root = dirname(dirname(f.fsPath));
    folders.set(root, (folders.get(root) ?? 0) + 1);
  }
  const byCount = [...folders.entries()].sort((a, b) => b[1] - a[1]).map(([f]) => f);
  return [...byCount, ...files.map((f) => f.fsPath).sort()].slice(0, limit);
}

export async function pickDataset(model: vscode.Uri, memory: DatasetMemory, samplePath: string): Promise<string | undefined> {
  const items: Item[] = [];
  const recent = memory.recent(model);
  for (const d of recent) items.push({ label: `$(history) ${basename(d)}`, description: d, pick: async () => d });
  for (const d of await workspaceCandidates()) {
    if (!recent.includes(d)) items.push({ label: `$(database) ${basename(d)}`, description: vscode.workspace.asRelativePath(d), pick: async () => d });
  }
  items.push(
    { label: '$(folder) Choose a folder…', detail: 'An image folder (one sub-folder per class), or a folder with IDX or x.npy/y.npy files', pick: () => browse(true) },
    { label: '$(file) Choose a file…', detail: 'A manifest (.csv, .jsonl), IDX images, .npy inputs or an .npz archive', pick: () => browse(false) },
    { label: '$(beaker) Bundled sample data', detail: '2,000 Fashion-MNIST test images', pick: async () => samplePath },
  );
  const choice = await vscode.window.showQuickPick(items, {
    title: `Data for ${basename(model.fsPath)}`,
    placeHolder: 'Labelled data to run the model on',
    ignoreFocusOut: true,
  });
  return choice?.pick();
}

async function browse(folders: boolean): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: folders,
    canSelectFiles: !folders,
    canSelectMany: false,
    openLabel: 'Use this data',
    filters: folders ? undefined : { Data: ['csv', 'jsonl', 'npy', 'npz', 'gz', 'ubyte'], 'All files': ['*'] },
  });
  return picked?.[0]?.fsPath;
}
