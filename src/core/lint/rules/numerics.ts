/**
 * ML011: log/exp written out where a stable form exists: log(softmax) -> log_softmax,
 * log(sigmoid) -> logsigmoid, log(sum(exp(x))) -> logsumexp, exp(x)/sum(exp(x)) -> softmax.
 * ML016 (information): log(1 + x) -> log1p, exp(x) - 1 -> expm1.
 */
import type { RuleContext } from '../context';
import { ML011, ML016 } from '../meta';
import { argsOf } from '../scope';
import { child, type PyNode, unparen, walk } from '../syntax';
import { atomText, isNumber } from './common';

const LOG_Q = new Set(['torch.log', 'numpy.log', 'math.log', 'jnp.log', 'tensorflow.math.log', 'jax.numpy.log']);
const EXP_Q = new Set(['torch.exp', 'numpy.exp', 'math.exp', 'jnp.exp', 'tensorflow.math.exp', 'tensorflow.exp']);
const SUM_Q = new Set(['torch.sum', 'numpy.sum', 'jnp.sum', 'tensorflow.reduce_sum', 'tensorflow.math.reduce_sum']);

export function checkNumerics(ctx: RuleContext): void {
  const { sem } = ctx;
  /** The argument of a log/exp call: `torch.log(x)` or `x.log()`; null if `call` is not one. */
  const unary = (call: PyNode, qs: Set<string>, method: string): { arg: PyNode; q: string | null } | null => {
    if (call.type !== 'call' || sem.calleeName(call) !== method) return null;
    const q = sem.calleeQ(call);
    if (q && qs.has(q)) {
      const a = argsOf(call, sem).positional;
      return a.length === 1 ? { arg: unparen(a[0]!), q } : null;
    }
    if (!q && sem.calleeName(call) === method && argsOf(call, sem).positional.length === 0) {
      const r = sem.receiver(call);
      return r ? { arg: unparen(r), q: null } : null;
    }
    return null;
  };
  const torchy = (q: string | null) => q === null || q.startsWith('torch.');
  const F = sem.aliasFor('torch.nn.functional');
  const fPrefix = F ?? 'torch.nn.functional';

  /** exp(x).sum(dim) / torch.sum(torch.exp(x), dim): returns the exp's argument and the reduction's dim arguments. */
  const sumOfExp = (n: PyNode): { x: PyNode; dimText: string | null; keepdim: boolean; torch: boolean } | null => {
    n = unparen(n);
    if (n.type !== 'call') return null;
    const q = sem.calleeQ(n);
    const args = argsOf(n, sem);
    let inner: PyNode | null = null;
    let dim: PyNode | null = null;
    if (q && SUM_Q.has(q)) {
      inner = args.positional[0] ?? null;
      dim = args.positional[1] ?? args.keywords.get('dim') ?? args.keywords.get('axis') ?? null;
    } else if (!q && sem.calleeName(n) === 'sum') {
      inner = sem.receiver(n);
      dim = args.positional[0] ?? args.keywords.get('dim') ?? args.keywords.get('axis') ?? null;
    }
    if (!inner) return null;
    inner = unparen(inner);
    let e = unary(inner, EXP_Q, 'exp');
    if (!e && inner.type === 'identifier') {
      const d = sem.lookup(inner);
      if (d?.kind === 'assign' && !d.path.length && d.value) e = unary(unparen(d.value), EXP_Q, 'exp');
    }
    if (!e) return null;
    const kd = args.keywords.get('keepdim') ?? args.keywords.get('keepdims');
    const kwDim = !!dim && dim.parent?.type === 'keyword_argument';
    return { x: e.arg, dimText: dim ? (kwDim ? `dim=${ctx.text(dim)}` : ctx.text(dim)) : null, keepdim: !!kd && ctx.text(kd) === 'True', torch: torchy(e.q) && (q === null || q.startsWith('torch.')) };
  };
  /** exp of an already-shifted argument (x - max) is the stable form. */
  /**
   * exp arguments that cannot overflow or are already stabilized: shifted by a max (x - m), negative
   * by construction (-x, -0.5 * d ** 2: Gaussian kernels), or constants.
   */
  const shifted = (x: PyNode): boolean => {
    x = unparen(x);
    if (x.type === 'identifier') {
      const d = sem.lookup(x);
      if (d?.kind === 'assign' && !d.path.length && d.value) x = unparen(d.value);
    }
    const t = ctx.text(x).trim();
    return (x.type === 'binary_operator' && x.op === '-') || t.startsWith('-') || t.includes('**') || isConstant(x);
  };
  const isConstant = (x: PyNode): boolean => {
    let ids = 0;
    walk(x, (n) => {
      if (n.type === 'identifier') ids++;
    });
    return ids === 0;
  };

  for (const call of sem.callsWhere((n) => n === 'log')) {
    const lg = unary(call, LOG_Q, 'log');
    if (!lg) continue;
    const arg = lg.arg;
    const v = ctx.values.valueOf(arg);
    if (v.act === 'softmax' && torchy(lg.q)) {
      let fix;
      if (v.actAt === arg) {
        const f = child(arg, 'function')!;
        fix = { title: 'Use log_softmax', start: call.start, end: call.end, newText: `${ctx.text(f).replace(/softmax$/, 'log_softmax')}${ctx.text(child(arg, 'arguments')!)}` };
      }
      ctx.report({
        meta: ML011,
        node: call,
        message: `\`${ctx.short(call, 50)}\` takes the log of a softmax: probabilities that underflow to 0 give -inf and NaN gradients. Use log_softmax, which computes the same thing stably.`,
        fix,
        related: v.actAt && v.actAt !== arg ? [{ node: v.actAt, message: 'the softmax is applied here' }] : undefined,
      });
      continue;
    }
    if (v.act === 'sigmoid' && torchy(lg.q)) {
      let fix;
      if (v.actAt === arg) {
        const f = child(arg, 'function')!;
        const inner = f.type === 'attribute' && !sem.qname(f) ? child(f, 'object') : argsOf(arg, sem).positional[0];
        if (inner) fix = { title: `Use ${fPrefix}.logsigmoid`, start: call.start, end: call.end, newText: `${fPrefix}.logsigmoid(${ctx.text(inner)})` };
      }
      ctx.report({
        meta: ML011,
        node: call,
        message: `\`${ctx.short(call, 50)}\` takes the log of a sigmoid: for large negative inputs the sigmoid underflows to 0 and the log gives -inf. Use ${fPrefix}.logsigmoid.`,
        fix,
        related: v.actAt && v.actAt !== arg ? [{ node: v.actAt, message: 'the sigmoid is applied here' }] : undefined,
      });
      continue;
    }
    const soe = sumOfExp(arg);
    if (soe && !shifted(unparen(soe.x))) {
      const fix = soe.torch && soe.dimText
        ? { title: 'Use torch.logsumexp', start: call.start, end: call.end, newText: `torch.logsumexp(${ctx.text(soe.x)}, ${soe.dimText}${soe.keepdim ? ', keepdim=True' : ''})` }
        : undefined;
      ctx.report({
        meta: ML011,
        node: call,
        message: `\`${ctx.short(call, 50)}\` is log-sum-exp written out: exp overflows to inf for inputs above ~88 (float32). Use ${soe.torch ? 'torch.logsumexp' : 'scipy.special.logsumexp / jax.nn.logsumexp'}, which subtracts the max first.`,
        fix,
      });
      continue;
    }
    if (arg.type === 'binary_operator' && arg.op === '+') {
      const l = unparen(child(arg, 'left')!);
      const r = unparen(child(arg, 'right')!);
      const other = isNumber(ctx, l, 1) ? r : isNumber(ctx, r, 1) ? l : null;
      if (other && !isConstant(other)) {
        const f = child(call, 'function')!;
        const newText = lg.q ? `${ctx.text(f)}1p(${ctx.text(other)})` : `${atomText(ctx, other)}.log1p()`;
        ctx.report({
          meta: ML016,
          node: call,
          message: `\`${ctx.short(call, 50)}\` loses precision when ${ctx.short(other, 20)} is small (1 + x rounds to 1); log1p computes log(1 + x) exactly.`,
          fix: { title: 'Use log1p', start: call.start, end: call.end, newText },
        });
      }
    }
  }

  for (const b of sem.binops) {
    const l = child(b, 'left');
    const r = child(b, 'right');
    if (!l || !r) continue;
    if (b.op === '/') {
      // manual softmax: exp(x) / exp(x).sum(dim, keepdim=True)
      const lu = unparen(l);
      let num = unary(lu, EXP_Q, 'exp');
      if (!num && lu.type === 'identifier') {
        const d = sem.lookup(lu);
        if (d?.kind === 'assign' && !d.path.length && d.value) num = unary(unparen(d.value), EXP_Q, 'exp');
      }
      const den = sumOfExp(r);
      if (!num || !den || shifted(num.arg) || ctx.text(num.arg) !== ctx.text(den.x)) continue;
      const fix = den.torch && den.dimText && den.keepdim
        ? { title: 'Use torch.softmax', start: b.start, end: b.end, newText: `torch.softmax(${ctx.text(num.arg)}, dim=${den.dimText.replace(/^dim\s*=\s*/, '')})` }
        : undefined;
      ctx.report({
        meta: ML011,
        node: b,
        message: `\`${ctx.short(b, 50)}\` is a softmax written out: exp overflows to inf (and the ratio to NaN) for inputs above ~88 in float32. Use ${den.torch ? 'torch.softmax' : 'a softmax that subtracts the max (scipy.special.softmax, jax.nn.softmax)'}.`,
        fix,
      });
    } else if (b.op === '-' && isNumber(ctx, r, 1)) {
      const e = unary(unparen(l), EXP_Q, 'exp');
      if (!e || isConstant(e.arg)) continue;
      const call = unparen(l);
      const f = child(call, 'function')!;
      const newText = e.q ? `${ctx.text(f)}m1(${ctx.text(e.arg)})` : `${atomText(ctx, e.arg)}.expm1()`;
      ctx.report({
        meta: ML016,
        node: b,
        message: `\`${ctx.short(b, 50)}\` loses precision when ${ctx.short(e.arg, 20)} is near 0; expm1 computes exp(x) - 1 exactly.`,
        fix: { title: 'Use expm1', start: b.start, end: b.end, newText },
      });
    }
  }
}
