/**
 * ML001: "labels out of order" (Tobin). glob/listdir/scandir/Path.glob return files in an
 * order that depends on the file system. That is harmless when each file is handled on its
 * own, and a silent label shuffle when the listing is paired by position with another
 * sequence: zip()ped with labels, indexed in parallel with a label list, split together with
 * labels, two listings passed side by side, or turned into class indices.
 * Reported at the listing call; the fix wraps it in sorted().
 */
import type { RuleContext } from '../context';
import { ML001 } from '../meta';
import { argsOf } from '../scope';
import { child, type PyNode, unparen } from '../syntax';
import { SORT_Q, type Val } from '../values';

const LISTING_NAMES = new Set(['glob', 'iglob', 'listdir', 'scandir', 'rglob', 'iterdir']);
const COMPREHENSIONS = new Set(['list_comprehension', 'generator_expression', 'set_comprehension']);

/** `sorted(glob(...))`, `sorted(list(p.iterdir()))`, `sorted(f for f in os.listdir(d))`. */
function immediatelySorted(ctx: RuleContext, call: PyNode): boolean {
  let n = call;
  for (;;) {
    const p = n.parent;
    if (!p) return false;
    if (p.type === 'argument_list' || p.type === 'parenthesized_expression') {
      n = p;
      continue;
    }
    if (p.type === 'for_in_clause' && child(p, 'right') === n && p.parent && COMPREHENSIONS.has(p.parent.type)) {
      n = p.parent;
      continue;
    }
    if (p.type === 'call' && child(p, 'arguments') === n) {
      const q = ctx.sem.calleeQ(p);
      if (q && SORT_Q.has(q)) return true;
      if (q === 'builtins.list' || q === 'builtins.tuple' || q === 'builtins.filter' || q === 'builtins.map') {
        n = p;
        continue;
      }
    }
    return false;
  }
}

const PAIR_Q = new Set(['sklearn.model_selection.train_test_split', 'tensorflow.data.Dataset.from_tensor_slices', 'pandas.DataFrame', 'builtins.dict']);
const LABELISH = /(^|_|\.)(labels?|targets?|masks?|annotations?|anns?|gts?|ground_truths?|y|ys|classes|segmentations?|seg|depths?|captions?)$/i;

interface Pairing {
  /** The sequence whose order is arbitrary (as written at the sink). */
  expr: PyNode;
  /** What it is paired with. */
  with: PyNode | null;
  how: string;
  at: PyNode;
}

export function checkListings(ctx: RuleContext): void {
  const { sem, values } = ctx;
  const roots = sem.callsWhere((n) => LISTING_NAMES.has(n)).filter((c) => !immediatelySorted(ctx, c));
  if (!roots.length) return;
  const mentions = ctx.taint(roots);
  const found = new Map<PyNode, Pairing>();

  /** Unsorted roots of a sequence as seen at `at` (a later `x.sort()` sorts it). */
  const unsortedRoots = (expr: PyNode, v: Val, at: PyNode): PyNode[] => {
    if (!v.listing || v.listing.unsorted.length === 0) return [];
    const e = unparen(expr);
    const et = ctx.text(e);
    if (e.type === 'identifier' || e.type === 'attribute') {
      const d = e.type === 'identifier' ? sem.lookup(e) : null;
      const from = d ? d.pos : 0;
      const sortedLater = sem.callsWhere((n) => n === 'sort').some((c) => {
        if (sem.calleeName(c) !== 'sort' || c.start < from || c.start > at.start) return false;
        const r = sem.receiver(c);
        return !!r && ctx.text(r) === et && (e.type !== 'identifier' || sem.lookup(r) === d);
      });
      if (sortedLater) return [];
    }
    return v.listing.unsorted;
  };
  const shares = (a: Val, b: Val) => !!a.listing && !!b.listing && a.listing.roots.some((r) => b.listing!.roots.includes(r));

  /** Among sequences paired by position, flag the unsorted ones that are paired with something independent. */
  const pairUp = (items: PyNode[], how: string, at: PyNode, companionFilter?: (e: PyNode, v: Val) => boolean) => {
    const vals = items.map((e) => values.valueOf(e));
    items.forEach((e, i) => {
      const roots = unsortedRoots(e, vals[i]!, at);
      if (!roots.length) return;
      const partner = items.findIndex((o, j) => j !== i && !vals[j]!.indexSeq && !shares(vals[i]!, vals[j]!) && (!companionFilter || companionFilter(o, vals[j]!)));
      if (partner < 0) return;
      for (const r of roots) if (!found.has(r)) found.set(r, { expr: e, with: items[partner]!, how, at });
    });
  };

  for (const call of sem.calls) {
    const al = child(call, 'arguments');
    if (!al || !mentions(al)) continue;
    const q = sem.calleeQ(call);
    const args = argsOf(call, sem);
    if (args.hasSplat) continue;
    if (q === 'builtins.zip') {
      pairUp(args.positional, 'zip()', call);
      // dict(zip(classes, range(n))): class indices from listing order
      const parentCall = call.parent?.parent;
      if (parentCall?.type === 'call' && sem.calleeQ(parentCall) === 'builtins.dict' && args.positional.length === 2) {
        const [a, b] = args.positional.map((p) => values.valueOf(p));
        const roots = unsortedRoots(args.positional[0]!, a!, call);
        if (b!.indexSeq) for (const r of roots) if (!found.has(r)) found.set(r, { expr: args.positional[0]!, with: null, how: 'class indices', at: call });
      }
      continue;
    }
    if (q && PAIR_Q.has(q)) {
      let items = args.positional;
      const first = items[0] ? unparen(items[0]) : null;
      if (first && (first.type === 'tuple' || first.type === 'list') && q !== 'sklearn.model_selection.train_test_split') items = first.children;
      else if (first && first.type === 'dictionary') items = first.children.map((p) => child(p, 'value')).filter((x): x is PyNode => !!x);
      if (q === 'builtins.dict' && first?.type !== 'dictionary') continue;
      pairUp(items, q.split('.').pop()!, call);
      continue;
    }
    if (q && (q.startsWith('builtins.') || q.startsWith('os.') || q.startsWith('numpy.') || q.startsWith('random.'))) continue;
    // a call to a function or class of this file: its parameters carry the listing inside
    const f = child(call, 'function');
    if (!f) continue;
    if (f.type === 'identifier') {
      const d = sem.lookup(f);
      if (d && (d.kind === 'def' || d.kind === 'class')) continue;
    }
    if (f.type === 'attribute' && values.valueOf(child(f, 'object')).listing) continue; // files.extend(...)
    const all = [...args.positional, ...args.keywords.values()];
    if (all.length < 2) continue;
    // another listing, or a label-like sequence, passed alongside (Tobin: train(features, labels))
    pairUp(all, `${ctx.short(f, 30)}()`, call, (o, v) => !!v.listing || LABELISH.test(ctx.text(unparen(o))));
  }

  // Parallel indexing: files[i] and labels[i] with the same index variable.
  const groups = new Map<object, { seqs: PyNode[]; at: PyNode }>();
  const indexKey = (idx: PyNode): object | null => {
    if (idx.type !== 'identifier') return null;
    const d = sem.lookup(idx);
    if (!d) return null;
    if (d.kind === 'param' && d.fn && d.fn.name === '__getitem__') return d;
    if ((d.kind === 'for' || d.kind === 'comp') && d.value) {
      const it = values.valueOf(d.value);
      if (it.indexSeq && d.path.length === 0) return d;
      if (it.enumerate && d.path.length === 1 && d.path[0] === 0) return d;
    }
    return null;
  };
  for (const s of sem.subscripts) {
    const p = s.parent;
    if (p && (p.type === 'assignment' || p.type === 'augmented_assignment') && child(p, 'left') === s) continue;
    if (p?.type === 'pattern_list' || p?.type === 'delete_statement') continue;
    const subs = s.children.filter((c) => c.field === 'subscript');
    if (subs.length !== 1) continue;
    const key = indexKey(unparen(subs[0]!));
    const base = child(s, 'value');
    if (!key || !base) continue;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { seqs: [], at: s }));
    if (!g.seqs.some((x) => ctx.text(x) === ctx.text(base))) g.seqs.push(base);
  }
  // enumerate(files) counts as indexing files with the enumerate counter
  for (const [key, g] of groups) {
    const d = key as { kind?: string; value?: PyNode | null };
    if (d.kind === 'for' || d.kind === 'comp') {
      const it = d.value ? unparen(d.value) : null;
      if (it?.type === 'call' && sem.calleeQ(it) === 'builtins.enumerate') {
        const a = argsOf(it, sem).positional[0];
        if (a && !g.seqs.some((x) => ctx.text(x) === ctx.text(a))) g.seqs.unshift(a);
      }
    }
    if (g.seqs.length >= 2 && g.seqs.some(mentions)) pairUp(g.seqs, 'the same index', g.at);
  }
  // {name: i for i, name in enumerate(listing)}: class indices from listing order
  for (const call of sem.calls) {
    if (sem.calleeQ(call) !== 'builtins.enumerate') continue;
    const fc = call.parent;
    if (fc?.type !== 'for_in_clause' || fc.parent?.type !== 'dictionary_comprehension') continue;
    const a = argsOf(call, sem).positional[0];
    if (!a || !mentions(a)) continue;
    const body = fc.parent.children.find((c) => c.type === 'pair');
    const left = child(fc, 'left');
    if (!body || !left || left.children.length !== 2) continue;
    const idxName = ctx.text(left.children[0]!);
    if (ctx.text(child(body, 'value') ?? body) !== idxName) continue;
    for (const r of unsortedRoots(a, values.valueOf(a), call)) if (!found.has(r)) found.set(r, { expr: a, with: null, how: 'class indices', at: call });
  }

  for (const [root, p] of found) {
    const api = ctx.short(child(root, 'function')!, 30);
    const isScandir = sem.calleeQ(root) === 'os.scandir';
    const newText = isScandir ? `sorted(${ctx.text(root)}, key=lambda e: e.name)` : `sorted(${ctx.text(root)})`;
    const what = unparen(p.expr) === root ? `its result` : `\`${ctx.short(p.expr, 30)}\``;
    const pairing = p.how === 'class indices'
      ? `${what} is turned into class indices (${ctx.where(p.at)}), so the label numbering can differ between machines and runs`
      : `${what} is paired by position with \`${ctx.short(p.with!, 30)}\` (${p.how}, ${ctx.where(p.at)}), so inputs and labels can silently mismatch`;
    ctx.report({
      meta: ML001,
      node: root,
      message: `${api}() returns files in arbitrary, file-system-dependent order, and ${pairing}. Sort the listing.`,
      fix: { title: 'Sort the listing', start: root.start, end: root.end, newText },
      related: [{ node: p.at, message: p.how === 'class indices' ? 'class indices are assigned here' : 'the order matters here' }],
    });
  }
}
