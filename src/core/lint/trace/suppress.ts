/**
 * The lint's suppression comments apply to traced findings too, read from the source lines:
 *   y = a - b  # mistake-lens: ignore[ML101]   (this line)   or a comment-only line just above.
 */
import { readFileSync } from 'node:fs';

const RE = /#\s*mistake-lens:\s*ignore(-file)?\b(?:\[([^\]]*)\])?/i;

function codesOf(m: RegExpExecArray): Set<string> | 'all' {
  return m[2] === undefined ? 'all' : new Set(m[2].split(/[\s,]+/).filter(Boolean).map((c) => c.toUpperCase()));
}

const hits = (codes: Set<string> | 'all', code: string) => codes === 'all' || codes.has(code);

/** True when a comment on `line` (1-based), on a comment-only line above, or an ignore-file comment suppresses `code`. */
export function makeSuppressed(): (file: string, line: number, code: string) => boolean {
  const cache = new Map<string, string[] | null>();
  const linesOf = (file: string) => {
    if (!cache.has(file)) {
      try {
        cache.set(file, readFileSync(file, 'utf8').split(/\r?\n/));
      } catch {
        cache.set(file, null);
      }
    }
    return cache.get(file) ?? null;
  };
  return (file, line, code) => {
    const lines = linesOf(file);
    if (!lines) return false;
    for (const l of lines) {
      const m = RE.exec(l);
      if (m?.[1] && hits(codesOf(m), code)) return true;
    }
    const own = RE.exec(lines[line - 1] ?? '');
    if (own && !own[1] && hits(codesOf(own), code)) return true;
    const above = lines[line - 2] ?? '';
    const m = /^\s*#/.test(above) ? RE.exec(above) : null;
    return !!m && !m[1] && hits(codesOf(m), code);
  };
}
