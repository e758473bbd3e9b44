/** Helpers several rules share: describing where a value came from, and safe edits. */
import type { RuleContext } from '../context';
import { argsOf } from '../scope';
import { child, type PyNode, unparen } from '../syntax';
import type { Act, Val } from '../values';

export const ACT_PHRASE: Record<Act, string> = {
  softmax: 'a softmax output (probabilities)',
  log_softmax: 'a log_softmax output (log-probabilities)',
  sigmoid: 'a sigmoid output (probabilities)',
  logits: 'raw logits',
  log_probs: 'log(softmax(...)) (log-probabilities)',
};

/** "`probs` is a softmax output (F.softmax(logits, dim=1), line 12)". */
export function describe(ctx: RuleContext, expr: PyNode, v: Val): string {
  const what = v.act ? ACT_PHRASE[v.act] : 'this value';
  if (!v.actAt) return `\`${ctx.short(expr)}\` is ${what}`;
  if (v.actAt.start >= expr.start && v.actAt.end <= expr.end) return `\`${ctx.short(expr)}\` is ${what}`;
  return `\`${ctx.short(expr)}\` is ${what} (${ctx.short(v.actAt, 50)}, ${ctx.where(v.actAt)})`;
}

const ATOMS = new Set(['identifier', 'attribute', 'call', 'subscript', 'parenthesized_expression', 'list', 'tuple']);
/** Text of `n`, parenthesized when needed before a `.method()` suffix. */
export function atomText(ctx: RuleContext, n: PyNode): string {
  return ATOMS.has(n.type) ? ctx.text(n) : `(${ctx.text(n)})`;
}

/**
 * If `expr` is (or is a variable directly assigned from) an activation call whose input is
 * a plain expression still visible at `expr`, returns the input's text: the edit that
 * removes the activation.
 */
export function activationInput(ctx: RuleContext, expr: PyNode, v: Val): string | null {
  const e = unparen(expr);
  const at = v.actAt;
  if (!at || at.type !== 'call') return null;
  const inputOf = (call: PyNode): PyNode | null => {
    const f = child(call, 'function');
    if (f?.type === 'attribute' && !ctx.sem.qname(f)) return child(f, 'object'); // x.softmax(dim=1)
    const args = argsOf(call, ctx.sem);
    return args.positional[0] ?? args.keywords.get('input') ?? null;
  };
  if (at === e) {
    const inp = inputOf(at);
    return inp ? ctx.text(inp) : null;
  }
  if (e.type === 'identifier') {
    const d = ctx.sem.lookup(e);
    if (!d || d.kind !== 'assign' || d.path.length || !d.value || unparen(d.value) !== at) return null;
    const inp = inputOf(at);
    if (!inp || inp.type !== 'identifier') return null;
    // the input variable must still mean the same thing where the loss is computed
    const atDef = ctx.sem.lookup(inp);
    const here = ctx.sem.lookupName(ctx.text(inp), e);
    return atDef && atDef === here ? ctx.text(inp) : null;
  }
  return null;
}

export function isNumber(ctx: RuleContext, n: PyNode | null, value: number): boolean {
  if (!n) return false;
  n = unparen(n);
  return (n.type === 'integer' || n.type === 'float') && Number(ctx.text(n).replace(/[jJ]$/, '')) === value;
}
