/** ML009: backward() and an optimizer step in a loop that never clears gradients. */
import type { RuleContext } from '../context';
import { BACKWARD_NAMES } from '../flow';
import { ML009 } from '../meta';
import { argsOf } from '../scope';
import { child, type PyNode, walk } from '../syntax';

const SCHEDULER = /sched|lr_|warmup|plateau|swa/i;

export function checkZeroGrad(ctx: RuleContext): void {
  const flow = ctx.flow;
  const memo = new Map<PyNode, boolean>();
  /** Whether a region (nested defs included: closures passed to step) does `pred`, directly or via local functions. */
  const has = (region: PyNode, pred: (call: PyNode) => boolean, seen = new Set<PyNode>()): boolean => {
    let found = false;
    walk(region, (n) => {
      if (found) return false;
      if (n.type === 'assignment' && pred === isZero) {
        const left = child(n, 'left');
        const right = child(n, 'right');
        if (left && right && /\.grad$/.test(ctx.text(left)) && right.type === 'none') found = true;
      }
      if (n.type !== 'call') return;
      if (pred(n)) found = true;
      else {
        const fn = flow.localCallee(n);
        if (fn?.body && !seen.has(fn.node)) {
          seen.add(fn.node);
          if (has(fn.body, pred, seen)) found = true;
        }
      }
    });
    return found;
  };
  const isZero = (call: PyNode): boolean => {
    const name = ctx.sem.calleeName(call);
    if (name === 'zero_grad' || name === 'clear_grad') return true;
    if (name === 'zero_') {
      const r = ctx.sem.receiver(call);
      return !!r && /\.grad(\.data)?$/.test(ctx.text(r));
    }
    return false;
  };
  const isStep = (call: PyNode): boolean => {
    const name = ctx.sem.calleeName(call);
    if (name === 'optimizer_step') return true;
    if (name !== 'step') return false;
    const r = ctx.sem.receiver(call);
    return !!r && !SCHEDULER.test(ctx.text(r));
  };
  const reported = new Set<PyNode>();
  for (const call of ctx.sem.callsWhere((n) => BACKWARD_NAMES.has(n))) {
    if (!flow.isBackwardCall(call)) continue;
    // the innermost loop around the backward that also steps the optimizer
    let loop: PyNode | null = flow.enclosingLoop(call);
    while (loop && !has(loop, isStep)) loop = flow.enclosingLoop(loop);
    if (!loop || reported.has(loop)) continue;
    if (memo.get(loop) ?? has(loop, isZero)) {
      memo.set(loop, true);
      continue;
    }
    memo.set(loop, false);
    reported.add(loop);
    // the optimizer, for the message and the fix
    let step: PyNode | null = null;
    walk(loop, (n) => {
      if (!step && n.type === 'call' && isStep(n)) step = n;
      return !step;
    });
    let opt: string | null = null;
    let conditional = false;
    if (step) {
      const s: PyNode = step;
      const recv = ctx.sem.receiver(s);
      const recvText = recv ? ctx.text(recv) : '';
      if (/scaler/i.test(recvText)) {
        const a = argsOf(s, ctx.sem).positional[0];
        opt = a ? ctx.text(a) : null;
      } else opt = recvText || null;
      for (let p = s.parent; p && p !== loop; p = p.parent) if (p.type === 'if_statement' || p.type === 'try_statement') conditional = true;
    }
    const bw = ctx.short(call, 40);
    ctx.report({
      meta: ML009,
      node: call,
      message: `\`${bw}\` runs in a loop that calls ${opt ? `${opt}.step()` : 'the optimizer step'} but never zero_grad(): gradients add up across iterations, so each step uses the sum of all gradients so far. Call ${opt ?? 'optimizer'}.zero_grad() once per iteration.`,
      fix: opt && !conditional && /^[\w.]+$/.test(opt) ? ctx.insertBefore(call, `${opt}.zero_grad()`, `Insert ${opt}.zero_grad() before the backward pass`) : undefined,
      related: step ? [{ node: step, message: 'the optimizer steps here' }] : undefined,
    });
  }
}
