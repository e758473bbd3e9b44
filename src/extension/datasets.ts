/** Choosing the data for a model: a quick pick of recent datasets, a folder, a file, or the sample. */
import * as vscode from 'vscode';
import { basename } from 'node:path';

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

export async function pickDataset(model: vscode.Uri, memory: DatasetMemory, samplePath: string): Promise<string | undefined> {
  const items: Item[] = [];
  for (const d of memory.recent(model)) items.push({ label: `$(history) ${basename(d)}`, description: d, pick: async () => d });
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
