/** The extension's settings, read where they are used (they can change at any time). */
import * as vscode from 'vscode';
import type { ScaleName } from '../core/protocol';

export interface Settings {
  executionProviders: string[];
  batchSize: number;
  maxMistakes: number;
  defaultScale: ScaleName | 'auto';
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('mistakeLens');
  return {
    executionProviders: c.get<string[]>('executionProviders', ['cuda', 'cpu']),
    batchSize: c.get<number>('batchSize', 256),
    maxMistakes: c.get<number>('maxMistakes', 1000),
    defaultScale: c.get<ScaleName | 'auto'>('defaultScale', 'auto'),
  };
}
