/**
 * ML012: normalizing twice. ToTensor() already scales images to [0, 1]; dividing its output
 * by 255 again (in a Lambda after it, in __getitem__, or on the batches of a loader over
 * that dataset) shrinks inputs to [0, 0.004]. Also Normalize() with 0–255 statistics after ToTensor().
 */
import type { RuleContext } from '../context';
import { ML012 } from '../meta';
import { argsOf } from '../scope';
import { child, type PyNode, unparen, walk } from '../syntax';
import { isNumber } from './common';

export function checkDoubleNormalization(ctx: RuleContext): void {
  const { sem, values } = ctx;
  const seen = new Set<PyNode>();
  const is255 = (n: PyNode | null): boolean => {
    if (!n) return false;
    n = unparen(n);
    if (isNumber(ctx, n, 255)) return true;
    return false;
  };
  /** `* (1 / 255)` */
  const isInv255 = (n: PyNode | null): boolean => {
    if (!n) return false;
    n = unparen(n);
    return n.type === 'binary_operator' && n.op === '/' && isNumber(ctx, child(n, 'left'), 1) && is255(child(n, 'right'));
  };
  const report = (node: PyNode, tensor: PyNode, toTensor: PyNode, fix?: { title: string; start: number; end: number; newText: string }) => {
    if (seen.has(node)) return;
    seen.add(node);
    ctx.report({
      meta: ML012,
      node,
      message: `\`${ctx.short(tensor, 40)}\` was already scaled to [0, 1] by ${ctx.short(toTensor, 40)} (${ctx.where(toTensor)}); dividing by 255 again leaves inputs in [0, 0.004], which trains slowly or not at all. Remove one of the two scalings.`,
      fix,
      related: [{ node: toTensor, message: 'ToTensor() scales to [0, 1] here' }],
    });
  };

  // x / 255, x * (1 / 255)
  for (const b of sem.binops) {
    const l = child(b, 'left');
    const r = child(b, 'right');
    if (!l || !r) continue;
    if (!((b.op === '/' && is255(r)) || (b.op === '*' && isInv255(r)))) continue;
    const v = values.valueOf(l);
    if (v.scaled01) report(b, l, v.scaled01, { title: 'Remove the second scaling', start: b.start, end: b.end, newText: ctx.text(l) });
  }
  // x /= 255
  for (const a of sem.augs) {
    const l = child(a, 'left');
    if (a.op !== '/=' || !l || !is255(child(a, 'right'))) continue;
    const v = values.valueOf(l);
    if (v.scaled01) report(a, l, v.scaled01);
  }
  // div, div_, torch.div, Compose: the other calls do nothing here
  for (const call of sem.callsWhere((n) => n === 'div' || n === 'div_' || n === 'Compose', true)) {
    const name = sem.calleeName(call);
    const q = sem.calleeQ(call);
    // x.div(255), torch.div(x, 255)
    if ((name === 'div' || name === 'div_') && !q) {
      const recv = sem.receiver(call);
      const a = argsOf(call, sem).positional[0] ?? null;
      if (recv && is255(a)) {
        const v = values.valueOf(recv);
        if (v.scaled01) report(call, recv, v.scaled01, name === 'div' ? { title: 'Remove the second scaling', start: call.start, end: call.end, newText: ctx.text(recv) } : undefined);
      }
      continue;
    }
    if (q === 'torch.div') {
      const [x, d] = argsOf(call, sem).positional;
      if (x && is255(d ?? null)) {
        const v = values.valueOf(x);
        if (v.scaled01) report(call, x, v.scaled01, { title: 'Remove the second scaling', start: call.start, end: call.end, newText: ctx.text(x) });
      }
      continue;
    }
    // Compose([..., ToTensor(), ..., Lambda(lambda t: t / 255), Normalize(mean=[123.7, ...])])
    if (q === 'torchvision.transforms.Compose') {
      const list = argsOf(call, sem).positional[0];
      if (!list || (list.type !== 'list' && list.type !== 'tuple')) continue;
      let toTensor: PyNode | null = null;
      for (const el of list.children) {
        const ev = values.valueOf(el);
        if (ev.transform) {
          toTensor = ev.transform;
          continue;
        }
        if (!toTensor || el.type !== 'call') continue;
        const eq = sem.calleeQ(el);
        if (eq === 'torchvision.transforms.Lambda') {
          walk(el, (n) => {
            if (n.type === 'binary_operator' && ((n.op === '/' && is255(child(n, 'right'))) || (n.op === '*' && isInv255(child(n, 'right'))))) report(n, child(n, 'left')!, toTensor!);
          });
        } else if (eq === 'torchvision.transforms.Normalize') {
          const args = argsOf(el, sem);
          const mean = args.keywords.get('mean') ?? args.positional[0];
          if (!mean || (mean.type !== 'list' && mean.type !== 'tuple')) continue;
          const nums = mean.children.map((c) => Number(ctx.text(c)));
          if (nums.length && nums.every((x) => Number.isFinite(x)) && nums.some((x) => x > 1.5)) {
            if (seen.has(el)) continue;
            seen.add(el);
            ctx.report({
              meta: ML012,
              node: el,
              message: `${ctx.short(el, 50)} uses statistics on the 0–255 scale, but ${ctx.short(toTensor, 30)} (${ctx.where(toTensor)}) already scaled the image to [0, 1]: subtracting a 0–255 mean pushes every input far below zero. Divide the mean and std by 255.`,
              related: [{ node: toTensor, message: 'ToTensor() scales to [0, 1] here' }],
            });
          }
        }
      }
    }
  }
}
