/**
 * ML002 softmax into a loss that expects logits, ML003 nll_loss without log-probabilities,
 * ML004 sigmoid into BCEWithLogits, ML005 logits into BCELoss, ML015 log_softmax into
 * cross_entropy. One pass over the loss call sites; the prediction's value says what it is.
 */
import type { RuleContext } from '../context';
import { ML002, ML003, ML004, ML005, ML015 } from '../meta';
import { unparen } from '../syntax';
import { activationInput, describe } from './common';

export function checkLosses(ctx: RuleContext): void {
  for (const lc of ctx.lossCalls) {
    if (!lc || !lc.input) continue;
    const input = unparen(lc.input);
    const v = ctx.values.valueOf(input);
    if (!v.act) continue;
    const lossName = lc.lossAt ? ctx.short(lc.lossAt, 40) : lc.name;
    const related = v.actAt && !(v.actAt.start >= input.start && v.actAt.end <= input.end) ? [{ node: v.actAt, message: 'the activation is applied here' }] : undefined;
    const strip = (title: string) => {
      const inner = activationInput(ctx, input, v);
      return inner ? { title, start: input.start, end: input.end, newText: inner } : undefined;
    };
    switch (lc.kind) {
      case 'ce':
        if (v.act === 'softmax')
          ctx.report({
            meta: ML002,
            node: input,
            message: `${describe(ctx, input, v)} and is passed to ${lossName}, which applies log_softmax itself: the loss sees softmax twice, its gradients vanish as predictions grow confident, and training stalls. Pass the logits.`,
            fix: strip('Pass the logits (remove the softmax)'),
            related,
          });
        else if (v.act === 'log_softmax' || v.act === 'log_probs')
          ctx.report({
            meta: ML015,
            node: input,
            message: `${describe(ctx, input, v)} and is passed to ${lossName}, which applies log_softmax again. The result is the same (log_softmax is idempotent) but the intent is unclear: pass logits to cross_entropy, or use nll_loss on log-probabilities.`,
            fix: v.act === 'log_softmax' ? strip('Pass the logits (remove the log_softmax)') : undefined,
            related,
          });
        else if (v.act === 'sigmoid')
          ctx.report({
            meta: ML002,
            node: input,
            message: `${describe(ctx, input, v)} and is passed to ${lossName}, which expects logits: squashing them to (0, 1) first leaves the loss almost flat. Pass the logits.`,
            fix: strip('Pass the logits (remove the sigmoid)'),
            related,
          });
        break;
      case 'nll': {
        if (v.act === 'softmax' || v.act === 'sigmoid') {
          const inline = v.actAt === input && v.act === 'softmax' ? input : null;
          const f = inline ? inline.children.find((c) => c.field === 'function') : null;
          const ft = f ? ctx.text(f) : '';
          ctx.report({
            meta: ML003,
            node: input,
            message: `${describe(ctx, input, v)} and is passed to ${lossName}, which expects log-probabilities: the loss becomes -p instead of -log p and barely trains. Use log_softmax.`,
            fix: f && /softmax$/.test(ft) ? { title: 'Use log_softmax', start: f.start, end: f.end, newText: ft.replace(/softmax$/, 'log_softmax') } : undefined,
            related,
          });
        } else if (v.act === 'logits') {
          const F = ctx.sem.aliasFor('torch.nn.functional');
          const fn = F ? `${F}.log_softmax` : 'torch.log_softmax';
          ctx.report({
            meta: ML003,
            node: input,
            message: `${describe(ctx, input, v)} and is passed to ${lossName}, which expects log-probabilities: without log_softmax the loss is unbounded below and the model learns nothing useful. Apply log_softmax, or use cross_entropy on the logits.`,
            fix: { title: `Wrap in ${fn}(…, dim=1)`, start: input.start, end: input.end, newText: `${fn}(${ctx.text(input)}, dim=1)` },
            related,
          });
        }
        break;
      }
      case 'bce_logits':
        if (v.act === 'sigmoid' || v.act === 'softmax')
          ctx.report({
            meta: ML004,
            node: input,
            message: `${describe(ctx, input, v)} and is passed to ${lossName}, which applies the sigmoid itself: the loss sees sigmoid twice and gradients all but vanish. Pass the logits.`,
            fix: strip(`Pass the logits (remove the ${v.act})`),
            related,
          });
        break;
      case 'bce':
        if (v.act === 'logits')
          ctx.report({
            meta: ML005,
            node: input,
            message: `${describe(ctx, input, v)} and is passed to ${lossName}, which expects probabilities in [0, 1]. Use BCEWithLogitsLoss / binary_cross_entropy_with_logits on the logits (stable), or apply a sigmoid first.`,
            related,
          });
        break;
      default:
        break;
    }
  }
}
