/**
 * A plain-JavaScript copy of the tree-sitter syntax tree. Reading nodes through the
 * WebAssembly boundary costs a call per property, so the tree is walked once with a
 * cursor and the rules then run on plain objects. After an edit only the statements it
 * touched are parsed and copied again (regionParse.ts).
 */
import type { Language, Tree } from 'web-tree-sitter';
import { openCursor, pythonParser, type RawCursor } from './parser';
import type { DecodedStatement } from './syntaxCodec';
import type { Position, Range } from './types';

export interface PyNode {
  type: string;
  /** UTF-16 offsets into the source. */
  start: number;
  end: number;
  /** Field name in the parent (`function`, `arguments`, `left`, ...), or null. Only recorded for children of FIELD_PARENTS. */
  field: string | null;
  parent: PyNode | null;
  /** Named children, comments excluded. */
  children: PyNode[];
  /** First operator token for operator nodes (`/`, `+`, `/=`, `and`, ...). */
  op: string | null;
  /** What the current analysis cached about this node (see memoOf). */
  memo: NodeMemo | null;
}

/**
 * Facts one analysis (one Semantics and its Values) caches on a node. A field on the node is
 * found much faster than an entry in a Map keyed by node, and these are asked for tens of
 * thousands of times per lint. A memo belongs to one analysis: another analysis of the same
 * tree (after an edit, trees are partly reused) starts a fresh one. Each node holds at most
 * one memo, so what an older analysis left behind stays bounded.
 */
export class NodeMemo {
  /** Semantics.lookup; undefined: not computed yet. */
  def: unknown = undefined;
  /** Semantics.qname. */
  qname: string | null | undefined = undefined;
  /** argsOf. */
  args: unknown = undefined;
  /** Semantics.localNodes. */
  local: PyNode[] | undefined = undefined;
  /** Values.valueOf. */
  value: unknown = undefined;
  /** Flow: the node's text without whitespace, isBackwardCall, localCallee, regionHasBackward, modelCalls. */
  compact: string | undefined = undefined;
  backwardCall: boolean | undefined = undefined;
  callee: unknown = undefined;
  regionBackward: boolean | undefined = undefined;
  models: unknown = undefined;
  constructor(readonly owner: object) {}
}

/** The memo of `n` for the analysis `owner`. */
export function memoOf(n: PyNode, owner: object): NodeMemo {
  let m = n.memo;
  if (m === null || m.owner !== owner) n.memo = m = new NodeMemo(owner);
  return m;
}

/** Node types whose children the rules never need. */
const LEAVES = new Set(['identifier', 'string', 'concatenated_string', 'integer', 'float', 'true', 'false', 'none', 'comment', 'escape_sequence', 'ellipsis', 'type', 'keyword_separator', 'positional_separator']);
/**
 * Parents whose children get their field name. Reading a field costs a call into WebAssembly
 * per node, so only these keep it; a rule that needs `child(n, 'x')` on another type must add it here.
 */
const FIELD_PARENTS = new Set([
  'call', 'attribute', 'assignment', 'augmented_assignment', 'for_statement', 'while_statement', 'with_statement', 'for_in_clause',
  'binary_operator', 'function_definition', 'class_definition', 'decorated_definition', 'lambda', 'keyword_argument', 'default_parameter',
  'typed_default_parameter', 'named_expression', 'aliased_import', 'as_pattern', 'import_from_statement', 'subscript', 'pair',
]);
const OP_PARENTS = new Set(['binary_operator', 'augmented_assignment', 'unary_operator', 'boolean_operator', 'comparison_operator', 'not_operator']);

interface LangInfo {
  types: string[];
  named: boolean[];
  fields: (string | null)[];
}
const langInfo = new WeakMap<Language, LangInfo>();
function infoOf(lang: Language): LangInfo {
  let info = langInfo.get(lang);
  if (!info) {
    // The names come out of WebAssembly as fresh strings; internalize them (as V8 does for property
    // keys) so the rules' `n.type === 'call'` comparisons are pointer comparisons.
    const intern = (x: string) => Object.keys({ [x]: 0 })[0]!;
    const types = lang.types.map((t) => (t ? intern(t) : t));
    info = { types, named: types.map((_, i) => lang.nodeTypeIsNamed(i)), fields: lang.fields.map((f) => (f ? intern(f) : f)) };
    langInfo.set(lang, info);
  }
  return info;
}

export interface Syntax {
  root: PyNode;
  /** All comments, in source order. */
  comments: PyNode[];
  hasError: boolean;
}

/** Moves a subtree's offsets (its comments are not under it: move them too). */
export function shift(n: PyNode, delta: number): void {
  n.start += delta;
  n.end += delta;
  for (const c of n.children) shift(c, delta);
}

export function convertTree(tree: Tree, src: string): Syntax {
  const info = infoOf(tree.language);
  const c = openCursor(tree, directMatchesPublic);
  let s: Omit<Syntax, 'hasError'>;
  try {
    s = convertWith(c, info, src);
  } finally {
    c.close();
  }
  // only now: any other tree-sitter call would overwrite the direct cursor's state
  return { ...s, hasError: tree.rootNode.hasError };
}

/** Parses `text` with the shared parser and copies the tree (the tree-sitter tree is freed). */
export function parseSyntax(text: string): Syntax {
  const tree = pythonParser().parse(text);
  if (!tree) throw new Error('mistake-lens lint: the parser returned no tree');
  try {
    return convertTree(tree, text);
  } finally {
    tree.delete();
  }
}

/** Makes no tree-sitter call other than through `c` (see DirectCursor). */
function convertWith(c: RawCursor, { types, named, fields }: LangInfo, src: string): Omit<Syntax, 'hasError'> {
  const root: PyNode = { type: 'module', start: 0, end: src.length, field: null, parent: null, children: [], op: null, memo: null };
  const comments: PyNode[] = [];
  if (c.firstChild()) {
    do {
      const tid = c.typeId();
      if (!named[tid]) continue;
      const type = types[tid] ?? 'ERROR';
      const start = c.start();
      const end = c.end();
      const node: PyNode = { type, start, end, field: null, parent: root, children: [], op: null, memo: null };
      if (type === 'comment') {
        comments.push(node);
        continue;
      }
      root.children.push(node);
      if (!LEAVES.has(type)) convertChildren(c, node, comments, types, named, fields);
    } while (c.nextSibling());
  }
  comments.sort((a, b) => a.start - b.start);
  return { root, comments };
}

/**
 * Extends a conversion of the start of `src` with the statements of the rest (parsed on another
 * thread, already at their offsets in `src`), as if the whole file had been converted at once.
 */
export function appendStatements(s: Syntax, src: string, rest: { statements: DecodedStatement[]; comments: PyNode[] }): void {
  const { root, comments } = s;
  root.end = src.length;
  for (const entry of rest.statements) {
    entry.node.parent = root;
    root.children.push(entry.node);
    for (const cm of entry.comments) comments.push(cm);
  }
  for (const cm of rest.comments) comments.push(cm);
  comments.sort((a, b) => a.start - b.start);
}

/** The parser's own copy of a type, field or operator name (see infoOf), for names that come from another thread. */
export function internerFor(lang: Language): (s: string) => string {
  const info = infoOf(lang);
  const known = new Map<string, string>();
  for (const t of info.types) if (t) known.set(t, t);
  for (const f of info.fields) if (f) known.set(f, f);
  return (x) => known.get(x) ?? x;
}

function convertChildren(c: RawCursor, top: PyNode, comments: PyNode[], types: string[], named: boolean[], fields: (string | null)[]): void {
  if (!c.firstChild()) return;
  const stack: PyNode[] = [top];
  for (;;) {
    const parent = stack[stack.length - 1]!;
    const tid = c.typeId();
    let descended = false;
    if (named[tid]) {
      const type = types[tid] ?? 'ERROR';
      const fid = FIELD_PARENTS.has(parent.type) ? c.fieldId() : 0;
      const node: PyNode = { type, start: c.start(), end: c.end(), field: fid ? (fields[fid] ?? null) : null, parent, children: [], op: null, memo: null };
      if (type === 'comment') comments.push(node);
      else {
        parent.children.push(node);
        if (!LEAVES.has(type) && c.firstChild()) {
          stack.push(node);
          descended = true;
        }
      }
    } else if (parent.op === null && OP_PARENTS.has(parent.type)) {
      const t = types[tid];
      if (t && t !== '(' && t !== ')') parent.op = t;
    }
    if (descended) continue;
    while (!c.nextSibling()) {
      c.parent();
      stack.pop();
      if (stack.length === 0) return;
    }
  }
}

/** Code that exercises every field parent and operator kind, for the direct cursor's self-check. */
const PROBE = `import os.path as p
from a.b import (c as d, e)
@dec(1)
class K(B, metaclass=M):
    def f(self, x: int = 1, *a, y=2, **k) -> "T":
        # note
        for i, (j, k2) in enumerate(x):
            while not i and j or k2 is None:
                x[i:j] += -x ** 2 / (y @ k2) if x > 1 else lambda q, r=3: q
        with open(p) as fh, g() as (u, v):
            return {k3: v3 for k3, v3 in fh if (w := k3)} | {"s": [z * 2 for z in u]}
`;

function shape(n: PyNode): unknown {
  return [n.type, n.start, n.end, n.field, n.op, n.children.map(shape)];
}

/**
 * Whether the direct cursor copies a tree exactly as the public API does (it relies on how
 * web-tree-sitter passes cursors to WebAssembly, which a new release could change).
 */
function directMatchesPublic(direct: (t: Tree) => RawCursor, pub: (t: Tree) => RawCursor): boolean {
  const tree = pythonParser().parse(PROBE);
  if (!tree) return false;
  try {
    const info = infoOf(tree.language);
    const copy = (open: (t: Tree) => RawCursor) => {
      const c = open(tree);
      try {
        const s = convertWith(c, info, PROBE);
        return JSON.stringify([shape(s.root), s.comments.map(shape)]);
      } finally {
        c.close();
      }
    };
    return copy(direct) === copy(pub);
  } finally {
    tree.delete();
  }
}

// ---------------------------------------------------------------------------------------
// Small helpers the rules use on PyNode trees.

export function child(n: PyNode | null | undefined, field: string): PyNode | null {
  if (!n) return null;
  for (const c of n.children) if (c.field === field) return c;
  return null;
}

export function childrenOf(n: PyNode | null | undefined, field: string): PyNode[] {
  return n ? n.children.filter((c) => c.field === field) : [];
}




/** Pre-order walk; return false from `visit` to skip a node's children. */
export function walk(n: PyNode, visit: (n: PyNode) => boolean | void): void {
  if (visit(n) === false) return;
  for (const c of n.children) walk(c, visit);
}

/** Strips parentheses: `((x))` -> `x`. */
export function unparen(n: PyNode): PyNode {
  while (n.type === 'parenthesized_expression' && n.children.length === 1) n = n.children[0]!;
  return n;
}

/** The statement that contains `n` (the ancestor whose parent is a block or the module). */
export function statementOf(n: PyNode): PyNode {
  let s = n;
  while (s.parent && s.parent.type !== 'block' && s.parent.type !== 'module') s = s.parent;
  return s;
}

// ---------------------------------------------------------------------------------------

/** Maps UTF-16 offsets to 0-based line/character positions. */
export class LineIndex {
  readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  position(offset: number): Position {
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - s[lo]! };
  }
  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }
  lineStart(line: number): number {
    return this.starts[Math.min(line, this.starts.length - 1)] ?? 0;
  }
  /** The leading whitespace of the line containing `offset`. */
  indentAt(offset: number): string {
    const ls = this.starts[this.position(offset).line]!;
    const m = /^[ \t]*/.exec(this.text.slice(ls, ls + 200));
    return m ? m[0] : '';
  }
  get lineCount(): number {
    return this.starts.length;
  }
}
