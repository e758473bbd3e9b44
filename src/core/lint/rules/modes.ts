/**
 * ML007 evaluation in training mode, ML008 training in evaluation mode, ML014 evaluation
 * with gradients on. Loops are classified by what they do: a loop that calls backward
 * trains; a loop that calls a model without backward, over a validation/test loader, in an
 * evaluate()-like function, or with gradients off, evaluates. The mode of the model at that
 * point follows model.eval()/model.train() calls, loops going around, and functions of
 * this file that change the mode of a model passed to them.
 */
import type { RuleContext } from '../context';
import { BACKWARD_NAMES, EVAL_FN_RE, type ModelCall, VAL_RE } from '../flow';
import { ML007, ML008, ML014 } from '../meta';
import { child, type PyNode, statementOf } from '../syntax';

/** The statement of `loop`'s body that contains `n`. */
function stmtIn(loop: PyNode, n: PyNode): PyNode {
  let p = n;
  while (p.parent && !(p.parent.type === 'block' && p.parent.parent === loop)) p = p.parent;
  return p.parent ? p : statementOf(n);
}

function dedupe(calls: ModelCall[]): ModelCall[] {
  const out: ModelCall[] = [];
  for (const c of calls) if (!out.some((o) => o.key === c.key)) out.push(c);
  return out;
}

export function checkModes(ctx: RuleContext): void {
  const { sem, flow } = ctx;
  if (!sem.importsAny(['torch', 'lightning']) && !sem.calls.some((c) => sem.calleeQ(c)?.startsWith('torch.'))) return;

  // ---- training sites (ML008): the model calls in the loop (or function) around each backward()
  const training = flow.trainingLoops();
  const trainingSet = new Set(training);
  const regions = new Set<PyNode>();
  for (const call of sem.callsWhere((n) => BACKWARD_NAMES.has(n))) {
    if (!flow.isBackwardCall(call)) continue;
    const fn = sem.enclosingFunction(call);
    regions.add(flow.enclosingLoop(call) ?? (fn?.body ?? sem.root));
  }
  for (const region of regions) {
    const isLoop = region.type === 'for_statement' || region.type === 'while_statement';
    for (const mc of dedupe(flow.modelCalls(region))) {
      if (mc.module.lightning) continue;
      const r = flow.modeAt(mc.call, mc.key);
      if (!r.modes.has('eval')) continue;
      const ev = r.because.get('eval')!;
      // where model.train() belongs: before the statement that leads to the training, in the loop that goes around
      const around = r.wrapLoop && ev.pos >= r.wrapLoop.start && ev.pos < r.wrapLoop.end ? r.wrapLoop : isLoop && ev.pos >= region.start && ev.pos < region.end ? region : null;
      const anchor = around ? stmtIn(around, mc.call) : isLoop ? region : statementOf(mc.call);
      const at = isLoop ? ctx.headerOf(region) : { start: statementOf(mc.call).start, end: statementOf(mc.call).end };
      const later = r.wrapLoop && ev.pos > mc.call.start;
      ctx.report({
        meta: ML008,
        start: at.start,
        end: at.end,
        message: `${isLoop ? 'This loop trains' : 'This trains'} \`${mc.key}\`, but \`${mc.key}\` can still be in eval mode here: ${ctx.short(ev.node, 40)} (${ctx.where(ev.node)}) ${later ? 'runs later in the enclosing loop' : 'runs before it'} and no ${mc.key}.train() follows. Dropout stays off and batch norm stops updating its statistics. Call ${mc.key}.train() before training.`,
        fix: /^[\w.]+$/.test(mc.key) ? ctx.insertBefore(anchor, `${mc.key}.train()`, `Insert ${mc.key}.train()`) : undefined,
        related: [{ node: ev.node, message: 'the model is put in eval mode here' }],
      });
      break;
    }
  }

  // ---- evaluation loops (ML007, ML014)
  const candidates: { loop: PyNode; calls: ModelCall[] }[] = [];
  for (const loop of sem.loops) {
    if (trainingSet.has(loop) || flow.regionHasBackward(loop)) continue;
    const calls = flow.modelCalls(loop).filter((c) => !c.module.lightning);
    if (!calls.length) continue;
    candidates.push({ loop, calls: dedupe(calls) });
  }
  const outer = candidates.filter((c) => !candidates.some((o) => o !== c && o.loop.start <= c.loop.start && o.loop.end >= c.loop.end && o.loop !== c.loop));
  for (const { loop, calls } of outer) {
    const iter = loop.type === 'for_statement' ? child(loop, 'right') : null;
    const fn = sem.enclosingFunction(loop);
    const named = (!!iter && VAL_RE.test(ctx.text(iter))) || (!!fn && EVAL_FN_RE.test(fn.name));
    const header = ctx.headerOf(loop);
    for (const mc of calls) {
      const noGrad = flow.inNoGrad(mc.call);
      const r = flow.modeAt(mc.call, mc.key);
      const evaluating = named || noGrad === true;
      if (evaluating && r.modes.has('train') && mc.module.modeDeps?.length !== 0) {
        const ev = r.because.get('train');
        const deps = mc.module.modeDeps?.length ? ` (it has ${mc.module.modeDeps.slice(0, 3).join(', ')})` : '';
        ctx.report({
          meta: ML007,
          start: header.start,
          end: header.end,
          message: `This loop evaluates \`${mc.key}\`${deps} but \`${mc.key}\` is in training mode here${ev ? ` (${ctx.short(ev.node, 30)}, ${ctx.where(ev.node)})` : ''}: dropout stays on and batch norm uses and updates batch statistics, so the metrics are wrong. Call ${mc.key}.eval() before the loop (and ${mc.key}.train() before training resumes).`,
          related: ev ? [{ node: ev.node, message: 'the model is in training mode from here' }] : undefined,
        });
      }
      const evalMode = r.modes.size === 1 && r.modes.has('eval');
      if ((named || evalMode) && noGrad === false) {
        let fix;
        if (fn && !flow.regionHasBackward(fn.node) && !/requires_grad|autograd|\.grad\b/.test(ctx.text(fn.node))) {
          const defNode = fn.node.parent?.type === 'decorated_definition' ? fn.node.parent : fn.node;
          const ls = ctx.lines.lineStart(ctx.lines.position(defNode.start).line);
          fix = { title: 'Decorate the function with @torch.no_grad()', start: ls, end: ls, newText: `${ctx.lines.indentAt(defNode.start)}@torch.no_grad()\n` };
        }
        ctx.report({
          meta: ML014,
          start: header.start,
          end: header.end,
          message: `This loop evaluates \`${mc.key}\` with gradients on: every forward pass keeps its activations for a backward pass that never comes (memory and time). Wrap it in \`with torch.no_grad():\` or \`torch.inference_mode()\`.`,
          fix,
        });
      }
      break;
    }
  }
}
