/** Shared by the tracer tests: the real Debian interpreter with torch, and the planted scripts. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PYTHON = '/usr/bin/python3';
export const FIXTURES = join(__dirname, '../../fixtures/trace');
export const fixture = (name: string) => join(FIXTURES, name);

export interface Marker {
  code: string;
  /** 1-based. */
  line: number;
  shapes?: number[][];
  result?: number[];
  text: string;
}

const shapeList = (s: string) => [...s.matchAll(/\(([^)]*)\)/g)].map((m) => m[1].split(',').map((x) => x.trim()).filter(Boolean).map(Number));

/** Ground truth written with each planted bug: `# BUG: ML101 shapes=(16,1),(16,) result=(16,16)`. */
export function markers(file: string): Marker[] {
  return readFileSync(file, 'utf8').split('\n').flatMap((text, i) => {
    const m = /# BUG: (ML\d{3})(?: shapes=(\S+))?(?: result=(\S+))?/.exec(text);
    if (!m) return [];
    return [{ code: m[1], line: i + 1, shapes: m[2] ? shapeList(m[2]) : undefined, result: m[3] ? shapeList(m[3])[0] : undefined, text }];
  });
}

/** Lines marked `# RELATED: what` (where the softmax was applied, where the dropout runs). */
export function relatedLine(file: string): number | undefined {
  const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('# RELATED:'));
  return i < 0 ? undefined : i + 1;
}

/** True while a process exists and is not a zombie (a zombie is dead, only not yet reaped). */
export function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
