/**
 * The small JSON saved next to the data so a run can be repeated exactly: for each model
 * (by file name), the preprocessing and output that were used.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { UserError } from '../errors';
import type { PreprocessConfig } from '../protocol';

export interface ModelRunConfig {
  preprocess: PreprocessConfig;
  output?: string;
}

export interface RunConfigFile {
  version: 1;
  models: Record<string, ModelRunConfig>;
}

export const CONFIG_NAME = '.mistake-lens.json';

/** A folder keeps it inside (`<folder>/.mistake-lens.json`); a file beside it (`<file>.mistake-lens.json`). */
export async function configPathFor(dataPath: string): Promise<string> {
  const s = await stat(dataPath).catch(() => undefined);
  return s?.isDirectory() ? join(dataPath, CONFIG_NAME) : `${dataPath}${CONFIG_NAME}`;
}

export async function loadRunConfig(dataPath: string, modelPath: string): Promise<{ path: string; config: ModelRunConfig | undefined }> {
  const path = await configPathFor(dataPath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { path, config: undefined };
  }
  let parsed: RunConfigFile;
  try {
    parsed = JSON.parse(text) as RunConfigFile;
  } catch (e) {
    throw new UserError(`${path}: not valid JSON (${(e as Error).message}); fix or delete it`);
  }
  return { path, config: parsed?.models?.[basename(modelPath)] };
}

/** Saves the choice; keeps other models' entries. Returns an error message instead of throwing (read-only data is fine). */
export async function saveRunConfig(dataPath: string, modelPath: string, config: ModelRunConfig): Promise<string | undefined> {
  const path = await configPathFor(dataPath);
  let file: RunConfigFile = { version: 1, models: {} };
  try {
    const old = JSON.parse(await readFile(path, 'utf8')) as RunConfigFile;
    if (old && typeof old === 'object' && old.models) file = old;
  } catch {
    // none yet, or unreadable: only our entry changes below, so start fresh.
  }
  file.models[basename(modelPath)] = config;
  try {
    await writeFile(path, JSON.stringify(file, null, 2) + '\n');
    return undefined;
  } catch (e) {
    return `could not save ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
}
