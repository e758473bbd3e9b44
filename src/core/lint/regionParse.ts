/**
 * Re-parsing only the top-level statements an edit touched. tree-sitter's own incremental
 * reparse does not help with this grammar: almost every parse state of tree-sitter-python
 * allows an external-scanner token (newline, indent, dedent, string start), and tree-sitter
 * does not reuse a token lexed in such a state, so a reparse after a one-character edit reads
 * and parses the whole file again (measured: as long as a fresh parse, whatever the file size).
 *
 * Here the edited text from the start of the statement the edit begins in to the start of the
 * first statement after it is parsed on its own, and spliced between the unchanged statements
 * before and after (shifted). This is the whole-file result under the same condition that makes
 * cutting a file safe (parallelParse.ts): the previous text parsed without errors, and so does
 * the new region; the region then ends where a new top-level statement starts. Otherwise the
 * caller parses the whole file.
 */
import { parseSyntax, type PyNode, shift, type Syntax } from './syntax';

/** Index of the first element of `xs` (sorted by start) with start > `offset`. */
function firstAfter(xs: readonly PyNode[], offset: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]!.start <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The syntax of `next`, which is the text `prev` was made from with [start, end) replaced by
 * `inserted` characters; null when only a whole-file parse can tell. `prev` is reused (its
 * nodes after the edit are moved in place): it must not be used afterwards.
 */
export function reparseEdited(prev: Syntax, next: string, start: number, end: number, inserted: number): Syntax | null {
  if (prev.hasError) return null;
  const tops = prev.root.children;
  const delta = inserted - (end - start);
  // The region: from the statement the edit starts in (or follows) to the first one after it,
  // widened to statements that start a line. (tree-sitter accepts a statement that starts after
  // others on a line or is indented under a string, e.g. `'''...''' / x` then `    if t:`; a cut
  // there is not at a clean boundary.)
  // (offsets before the edit are the same in `next`; those after it are moved by delta)
  const lineStartBefore = (n: PyNode) => n.start === 0 || next.charCodeAt(n.start - 1) === 10;
  const lineStartAfter = (n: PyNode) => next.charCodeAt(n.start - 1 + delta) === 10;
  let first = firstAfter(tops, start) - 1;
  while (first >= 0 && !lineStartBefore(tops[first]!)) first--;
  let after = firstAfter(tops, end);
  while (after < tops.length && !lineStartAfter(tops[after]!)) after++;
  const kept = Math.max(first, 0);
  const from = first >= 0 ? tops[first]!.start : 0;
  const oldTo = after < tops.length ? tops[after]!.start : prev.root.end;
  const to = after < tops.length ? oldTo + delta : next.length;
  const text = next.slice(from, to);
  // a line continued into the next statement (`x = 1 + \`) would join it in a whole-file parse
  if (/\\\s*$/.test(text)) return null;

  const region = parseSyntax(text);
  if (region.hasError) return null;

  const root = prev.root;
  root.end = next.length;
  const moved = tops.slice(after);
  for (const n of moved) shift(n, delta);
  for (const n of region.root.children) {
    shift(n, from);
    n.parent = root;
  }
  root.children = [...tops.slice(0, kept), ...region.root.children, ...moved];

  const comments: PyNode[] = [];
  for (const c of prev.comments) if (c.start < from) comments.push(c);
  for (const c of region.comments) {
    shift(c, from);
    if (c.parent === region.root) c.parent = root;
    comments.push(c);
  }
  for (const c of prev.comments)
    if (c.start >= oldTo) {
      shift(c, delta);
      comments.push(c);
    }
  return { root, comments, hasError: false };
}
