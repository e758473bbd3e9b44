/** ML006: a regression loss between a [N, 1] prediction and a [N] target broadcasts to [N, N]. */
import type { RuleContext } from '../context';
import { ML006 } from '../meta';
import { type PyNode, unparen } from '../syntax';
import type { Val } from '../values';
import { atomText } from './common';

const SHAPE_TEXT = { N1: '[N, 1]', N: '[N]' } as const;

function evidence(ctx: RuleContext, expr: PyNode, v: Val): string {
  const s = `\`${ctx.short(expr, 40)}\` has shape ${SHAPE_TEXT[v.shape!]}`;
  if (!v.shapeAt || (v.shapeAt.start >= expr.start && v.shapeAt.end <= expr.end)) return s;
  return `${s} (${ctx.short(v.shapeAt, 40)}, ${ctx.where(v.shapeAt)})`;
}

export function checkRegressionShapes(ctx: RuleContext): void {
  for (const lc of ctx.lossCalls) {
    if (!lc || lc.kind !== 'reg' || !lc.input || !lc.target) continue;
    const pred = unparen(lc.input);
    const target = unparen(lc.target);
    const pv = ctx.values.valueOf(pred);
    const tv = ctx.values.valueOf(target);
    if (!pv.shape || !tv.shape || pv.shape === tv.shape) continue;
    const col = pv.shape === 'N1' ? pred : target;
    const lossName = lc.lossAt ? ctx.short(lc.lossAt, 30) : lc.name;
    const related = [pv, tv].filter((v) => v.shapeAt).map((v) => ({ node: v.shapeAt!, message: `shape ${SHAPE_TEXT[v.shape!]} comes from here` }));
    ctx.report({
      meta: ML006,
      node: lc.call,
      message: `${evidence(ctx, pred, pv)} and ${evidence(ctx, target, tv)}: ${lossName} broadcasts them to [N, N] and averages N² wrong differences (PyTorch only warns). Squeeze the [N, 1] side: ${atomText(ctx, col)}.squeeze(-1).`,
      fix: { title: `Squeeze ${ctx.short(col, 30)} to [N]`, start: col.start, end: col.end, newText: `${atomText(ctx, col)}.squeeze(-1)` },
      related,
    });
  }
}
