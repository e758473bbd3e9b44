/**
 * Suppression comments:
 *   x = glob.glob(p)  # mistake-lens: ignore[ML001]     this line, one code (or several: [ML001, ML013])
 *   # mistake-lens: ignore                               on its own line: the next line, every code
 *   # mistake-lens: ignore-file[ML013]                   anywhere: the whole file
 */
import type { LineIndex, PyNode } from './syntax';
import type { Finding } from './types';

const RE = /#\s*mistake-lens:\s*ignore(-file)?\b(?:\[([^\]]*)\])?/i;

type Codes = Set<string> | 'all';

export interface Suppressions {
  lines: Map<number, Codes>;
  file: Codes | null;
}

function add(map: Map<number, Codes>, line: number, codes: Codes): void {
  const cur = map.get(line);
  if (cur === 'all' || codes === 'all') map.set(line, 'all');
  else if (cur) for (const c of codes) cur.add(c);
  else map.set(line, new Set(codes));
}

export function parseSuppressions(comments: readonly PyNode[], src: string, lines: LineIndex): Suppressions {
  const out: Suppressions = { lines: new Map(), file: null };
  for (const c of comments) {
    const m = RE.exec(src.slice(c.start, c.end));
    if (!m) continue;
    const codes: Codes = m[2] === undefined ? 'all' : new Set(m[2].split(/[\s,]+/).filter(Boolean).map((x) => x.toUpperCase()));
    if (m[1]) {
      if (out.file === 'all' || codes === 'all') out.file = 'all';
      else out.file = new Set([...(out.file ?? []), ...codes]);
      continue;
    }
    const pos = lines.position(c.start);
    add(out.lines, pos.line, codes);
    const before = src.slice(lines.lineStart(pos.line), c.start);
    if (/^\s*$/.test(before)) add(out.lines, pos.line + 1, codes);
  }
  return out;
}

export function isSuppressed(f: Finding, s: Suppressions): boolean {
  const hit = (codes: Codes | null | undefined) => !!codes && (codes === 'all' || codes.has(f.code));
  return hit(s.file) || hit(s.lines.get(f.range.start.line));
}
