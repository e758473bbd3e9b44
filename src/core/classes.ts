/** Deciding the class list and matching the data's label names to it. */
import { readFile } from 'node:fs/promises';
import { UserError } from './errors';

/** Case and punctuation are ignored when matching names: a folder can't be called "T-shirt/top". */
export function normalizeName(s: string): string {
  return s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

export function indexOfClass(classes: string[], name: string): number {
  const exact = classes.indexOf(name);
  if (exact >= 0) return exact;
  const n = normalizeName(name);
  const matches = classes.flatMap((c, i) => (normalizeName(c) === n ? [i] : []));
  return matches.length === 1 ? matches[0] : -1;
}

export async function readLabelsFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UserError(`${path}: cannot read the labels file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'not-found');
  }
  const names = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (names.length === 0) throw new UserError(`${path}: the labels file is empty; expected one class name per line`);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new UserError(`${path}: class name "${dup}" appears twice`);
  return names;
}
