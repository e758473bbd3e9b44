/**
 * A flat encoding of the top-level statements of a converted syntax tree, so the parse worker
 * can hand its part of a file to the main thread as one transferable buffer (structured-cloning
 * tens of thousands of linked objects would cost more than parsing them).
 */
import type { PyNode } from './syntax';

/** Six ints per node, in pre-order: type, start, end, field, op (string-table indexes, -1 for null), child count. */
const WIDTH = 6;

export interface EncodedStatements {
  /** The top-level statements and everything under them. */
  nodes: Int32Array;
  /** Three ints per comment: start, end, index of its parent's record (-1: the module). */
  comments: Int32Array;
  /** Every type, field and operator name the records refer to. */
  strings: string[];
}

export function encodeStatements(top: readonly PyNode[], comments: readonly PyNode[]): EncodedStatements {
  let count = 0;
  const countUnder = (n: PyNode): void => {
    count++;
    for (const c of n.children) countUnder(c);
  };
  for (const n of top) countUnder(n);

  const nodes = new Int32Array(count * WIDTH);
  const strings: string[] = [];
  const index = new Map<string, number>();
  const str = (s: string | null): number => {
    if (s === null) return -1;
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  const recordOf = new Map<PyNode, number>();
  let at = 0;
  const put = (n: PyNode): void => {
    recordOf.set(n, at / WIDTH);
    nodes[at] = str(n.type);
    nodes[at + 1] = n.start;
    nodes[at + 2] = n.end;
    nodes[at + 3] = str(n.field);
    nodes[at + 4] = str(n.op);
    nodes[at + 5] = n.children.length;
    at += WIDTH;
    for (const c of n.children) put(c);
  };
  for (const n of top) put(n);

  const enc = new Int32Array(comments.length * 3);
  comments.forEach((c, i) => {
    enc[i * 3] = c.start;
    enc[i * 3 + 1] = c.end;
    enc[i * 3 + 2] = c.parent ? (recordOf.get(c.parent) ?? -1) : -1;
  });
  return { nodes, comments: enc, strings };
}

/** A decoded top-level statement and the comments inside it. */
export interface DecodedStatement {
  node: PyNode;
  comments: PyNode[];
}

/**
 * Rebuilds the statements as children-to-be of `root` (the caller adds them), every offset moved
 * by `base`. `intern` maps each string to the caller's copy, so the rules' type comparisons stay
 * pointer comparisons. `comments` are the top-level comments (outside every statement).
 */
export function decodeStatements(enc: EncodedStatements, base: number, root: PyNode, intern: (s: string) => string): { statements: DecodedStatement[]; comments: PyNode[] } {
  const strings = enc.strings.map(intern);
  const { nodes } = enc;
  const records: PyNode[] = new Array(nodes.length / WIDTH);
  const statements: DecodedStatement[] = [];
  const topOf: number[] = new Array(records.length);
  // the nodes still being filled, and how many children each still expects
  const parents: PyNode[] = [root];
  const left: number[] = [Infinity];
  for (let at = 0, r = 0; at < nodes.length; at += WIDTH, r++) {
    while (left[left.length - 1] === 0) {
      parents.pop();
      left.pop();
    }
    const parent = parents[parents.length - 1]!;
    left[left.length - 1]!--;
    const f = nodes[at + 3]!;
    const o = nodes[at + 4]!;
    const node: PyNode = { type: strings[nodes[at]!]!, start: nodes[at + 1]! + base, end: nodes[at + 2]! + base, field: f < 0 ? null : strings[f]!, parent, children: [], op: o < 0 ? null : strings[o]!, memo: null };
    records[r] = node;
    if (parent === root) statements.push({ node, comments: [] });
    else parent.children.push(node);
    topOf[r] = statements.length - 1;
    const kids = nodes[at + 5]!;
    if (kids > 0) {
      parents.push(node);
      left.push(kids);
    }
  }
  const top: PyNode[] = [];
  const cs = enc.comments;
  for (let i = 0; i < cs.length; i += 3) {
    const p = cs[i + 2]!;
    const c: PyNode = { type: 'comment', start: cs[i]! + base, end: cs[i + 1]! + base, field: null, parent: p < 0 ? root : records[p]!, children: [], op: null, memo: null };
    if (p < 0) top.push(c);
    else statements[topOf[p]!]!.comments.push(c);
  }
  return { statements, comments: top };
}
