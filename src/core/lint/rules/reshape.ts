/**
 * ML010: view/reshape used where a permute was meant. Two visible forms:
 *  - `B, H, W, C = x.shape` then `x.view(B, C, H, W)`: the sizes are listed in another order;
 *  - `x.transpose(0, 1).reshape(x.size(0), -1)`: dim 0 was moved, then the result is cut
 *    into rows of the old dim-0 size, which mixes examples across the batch.
 */
import type { RuleContext } from '../context';
import { ML010 } from '../meta';
import { argsOf } from '../scope';
import { child, type PyNode, unparen, walk } from '../syntax';

const IGNORE_NAMES = new Set(['_', '__']);

function dimsOf(ctx: RuleContext, call: PyNode, skipFirst: boolean): PyNode[] {
  const args = argsOf(call, ctx.sem).positional.slice(skipFirst ? 1 : 0);
  if (args.length === 1 && (args[0]!.type === 'tuple' || args[0]!.type === 'list')) return args[0]!.children;
  return args;
}

/** `B, C, H, W = x.shape` / `x.size()` -> { receiver: 'x', names: [...] }. */
function shapeUnpack(ctx: RuleContext, n: PyNode): { recv: PyNode; names: string[]; rhs: string } | null {
  if (n.type !== 'assignment') return null;
  const left = child(n, 'left');
  const right = child(n, 'right');
  if (!left || !right || (left.type !== 'pattern_list' && left.type !== 'tuple_pattern')) return null;
  const r = unparen(right);
  let recv: PyNode | null = null;
  if (r.type === 'attribute' && ctx.text(child(r, 'attribute')!) === 'shape') recv = child(r, 'object');
  else if (r.type === 'call') {
    const f = child(r, 'function');
    if (f?.type === 'attribute' && ctx.text(child(f, 'attribute')!) === 'size' && argsOf(r, ctx.sem).positional.length === 0) recv = child(f, 'object');
  }
  if (!recv || recv.type !== 'identifier') return null;
  const names = left.children.map((c) => (c.type === 'identifier' ? ctx.text(c) : '?'));
  return { recv, names, rhs: ctx.text(r) };
}

export function checkReshape(ctx: RuleContext): void {
  const { sem } = ctx;
  const viewCalls = sem.callsWhere((n) => n === 'view' || n === 'reshape');
  if (!viewCalls.length) return;
  // Form 1: reordered sizes (only where some tensor's shape is unpacked into names).
  const hasUnpack = /^[ \t]*[\w ,()]+,[\w ,()]*=\s*[\w.]+\.(shape|size\(\))/m.test(ctx.src);
  for (const call of hasUnpack ? viewCalls : []) {
    const name = sem.calleeName(call);
    const q = sem.calleeQ(call);
    let recv: PyNode | null = null;
    let viaTorch = false;
    if ((name === 'view' || name === 'reshape') && !q) recv = sem.receiver(call);
    else if (q === 'torch.reshape') {
      recv = argsOf(call, sem).positional[0] ?? null;
      viaTorch = true;
    }
    if (!recv || unparen(recv).type !== 'identifier') continue;
    recv = unparen(recv);
    const def = sem.lookup(recv);
    if (!def || def.kind !== 'assign' && def.kind !== 'param' && def.kind !== 'for') continue;
    const recvName = ctx.text(recv);
    // the unpacking of this same tensor's shape, seeing the same definition of it
    let unpack: { names: string[]; node: PyNode; rhs: string } | null = null;
    const fnScope = sem.scopeOf(call);
    for (const [n, defs] of fnScope.defs) {
      void n;
      for (const d of defs) {
        if (d.kind !== 'assign' || d.pos > call.start || !d.node.parent) continue;
        const stmt = d.node.parent.parent;
        if (!stmt || stmt.type !== 'assignment') continue;
        const u = shapeUnpack(ctx, stmt);
        if (!u || ctx.text(u.recv) !== recvName || sem.lookup(u.recv) !== def) continue;
        if (!unpack || stmt.start > unpack.node.start) unpack = { names: u.names, node: stmt, rhs: u.rhs };
      }
    }
    if (!unpack) continue;
    const names = unpack.names;
    const dims = dimsOf(ctx, call, viaTorch);
    const groups: number[][] = [];
    const seq: number[] = [];
    let pureGroups = true;
    for (const d of dims) {
      const g: number[] = [];
      walk(d, (n) => {
        if (n.type === 'identifier') {
          const i = names.indexOf(ctx.text(n));
          if (i >= 0 && !IGNORE_NAMES.has(names[i]!)) {
            // a size must refer to the unpacked variable, not something redefined since
            const dd = sem.lookup(n);
            if (dd && dd.node.parent?.parent === unpack!.node) g.push(i);
          }
        }
      });
      if (!(d.type === 'identifier' || (d.type === 'binary_operator' && d.op === '*')) || g.length === 0) pureGroups = false;
      groups.push(g);
      seq.push(...g);
    }
    if (seq.length < 2) continue;
    let ordered = true;
    for (let i = 1; i < seq.length; i++) if (seq[i]! <= seq[i - 1]!) ordered = false;
    if (ordered) continue;
    const unpackText = `${names.join(', ')} = ${unpack.rhs}`;
    let fix;
    const isPerm = seq.length === names.length && [...seq].sort((a, b) => a - b).every((v, i) => v === i);
    if (pureGroups && isPerm && !viaTorch) {
      const perm = seq.join(', ');
      const allSingle = groups.every((g) => g.length === 1);
      const newText = allSingle ? `${recvName}.permute(${perm})` : `${recvName}.permute(${perm}).reshape(${dims.map((d) => ctx.text(d)).join(', ')})`;
      fix = { title: `Use ${recvName}.permute(${perm})`, start: call.start, end: call.end, newText };
    }
    ctx.report({
      meta: ML010,
      node: call,
      message: `\`${ctx.short(call, 50)}\` lists the sizes from \`${unpackText}\` (${ctx.where(unpack.node)}) in a different order. view/reshape keep the memory order, so this scrambles values across positions (and examples) instead of moving axes; use permute${fix ? `: ${fix.newText}` : ''}.`,
      fix,
      related: [{ node: unpack.node, message: 'the sizes are unpacked here' }],
    });
  }

  // Form 2: reshape right after a transpose/permute that moved dim 0, cut by the old dim-0 size.
  for (const call of viewCalls) {
    const name = sem.calleeName(call);
    if ((name !== 'view' && name !== 'reshape') || sem.calleeQ(call)) continue;
    let inner = sem.receiver(call);
    if (inner && inner.type === 'call' && sem.calleeName(inner) === 'contiguous') inner = sem.receiver(inner);
    if (!inner || inner.type !== 'call') continue;
    const op = sem.calleeName(inner);
    if (op !== 'transpose' && op !== 'permute' && op !== 'swapaxes') continue;
    const base = sem.receiver(inner);
    if (!base) continue;
    const ints = dimsOf(ctx, inner, false).map((d) => (/^-?\d+$/.test(ctx.text(d)) ? Number(ctx.text(d)) : NaN));
    if (ints.some((x) => Number.isNaN(x))) continue;
    const movesZero = op === 'permute' ? ints[0] !== 0 : ints.length === 2 && ints.includes(0) && ints[0] !== ints[1];
    if (!movesZero) continue;
    const first = dimsOf(ctx, call, false)[0];
    if (!first) continue;
    const baseText = ctx.text(base);
    const isDim0 = (e: PyNode): boolean => {
      e = unparen(e);
      const t = ctx.text(e).replace(/\s+/g, '');
      if (t === `${baseText}.size(0)` || t === `${baseText}.shape[0]` || t === `len(${baseText})`) return true;
      if (e.type === 'identifier') {
        const d = sem.lookup(e);
        if (!d || d.kind !== 'assign' || !d.value) return false;
        if (d.path.length === 0) {
          const vt = ctx.text(d.value).replace(/\s+/g, '');
          return vt === `${baseText}.size(0)` || vt === `${baseText}.shape[0]`;
        }
        if (d.path.length === 1 && d.path[0] === 0) {
          const vt = ctx.text(d.value).replace(/\s+/g, '');
          return vt === `${baseText}.shape` || vt === `${baseText}.size()`;
        }
      }
      return false;
    };
    if (!isDim0(first)) continue;
    ctx.report({
      meta: ML010,
      node: call,
      message: `\`${ctx.short(inner, 40)}\` moves dimension 0 of \`${baseText}\`, then \`.${name}(${ctx.short(first, 20)}, …)\` cuts the result into rows of the old dim-0 size: each row now mixes values from different examples. Reshape before moving the axis, or move the batch axis back first.`,
      related: [{ node: inner, message: 'dimension 0 is moved here' }],
    });
  }
}
