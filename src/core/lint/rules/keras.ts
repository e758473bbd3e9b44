/**
 * Keras: the activation of a model's last layer against the loss given to compile().
 * A softmax/sigmoid last layer with `from_logits=True` (ML002/ML004), or a Dense layer
 * without activation with a probability loss (ML005).
 */
import type { RuleContext } from '../context';
import { ML002, ML004, ML005 } from '../meta';
import { argFor, argsOf } from '../scope';
import { child, type PyNode, unparen } from '../syntax';

type KAct = 'softmax' | 'sigmoid' | 'logits';

function actFromSpec(ctx: RuleContext, spec: PyNode | null): KAct | null | 'other' {
  if (!spec) return 'logits';
  spec = unparen(spec);
  const t = ctx.text(spec).replace(/['"]/g, '');
  if (spec.type === 'none' || t === 'linear') return 'logits';
  if (/(^|\.)softmax$/.test(t)) return 'softmax';
  if (/(^|\.)sigmoid$/.test(t)) return 'sigmoid';
  return 'other';
}

/** The activation a layer constructor call applies. */
function layerAct(ctx: RuleContext, call: PyNode): { act: KAct; node: PyNode } | null {
  const q = ctx.sem.calleeQ(call);
  if (!q) return null;
  const args = argsOf(call, ctx.sem);
  if (q === 'keras.layers.Dense') {
    const a = actFromSpec(ctx, argFor(args, 1, 'activation'));
    return a && a !== 'other' ? { act: a, node: call } : null;
  }
  if (q === 'keras.layers.Softmax') return { act: 'softmax', node: call };
  if (q === 'keras.layers.Activation') {
    const a = actFromSpec(ctx, argFor(args, 0, 'activation'));
    return a === 'softmax' || a === 'sigmoid' ? { act: a, node: call } : null;
  }
  return null;
}

/** The activation at the output of the Keras model `expr` refers to. */
function modelAct(ctx: RuleContext, expr: PyNode, at: PyNode): { act: KAct; node: PyNode } | null {
  expr = unparen(expr);
  if (expr.type !== 'identifier') return null;
  const d = ctx.sem.lookup(expr);
  if (!d || d.kind !== 'assign' || d.path.length || !d.value) return null;
  const value = unparen(d.value);
  if (value.type !== 'call') return null;
  const q = ctx.sem.calleeQ(value) ?? '';
  const args = argsOf(value, ctx.sem);
  const name = ctx.text(expr);
  if (q === 'keras.Sequential' || q === 'keras.models.Sequential') {
    let last: PyNode | null = null;
    const list = argFor(args, 0, 'layers');
    if (list && (list.type === 'list' || list.type === 'tuple')) last = list.children[list.children.length - 1] ?? null;
    for (const c of ctx.sem.calls) {
      if (c.start < value.end || c.start > at.start) continue;
      const f = child(c, 'function');
      if (f && ctx.text(f) === `${name}.add`) last = argsOf(c, ctx.sem).positional[0] ?? last;
    }
    return last && last.type === 'call' ? layerAct(ctx, last) : null;
  }
  if (q === 'keras.Model' || q === 'keras.models.Model') {
    let out = argFor(args, 1, 'outputs');
    if (out && unparen(out).type === 'identifier') {
      const od = ctx.sem.lookup(unparen(out));
      out = od && od.kind === 'assign' && !od.path.length ? od.value : null;
    }
    if (!out) return null;
    out = unparen(out);
    // layers.Dense(10, activation='softmax')(x)
    const layer = out.type === 'call' ? child(out, 'function') : null;
    return layer && layer.type === 'call' ? layerAct(ctx, layer) : null;
  }
  return null;
}

export function checkKeras(ctx: RuleContext): void {
  for (const call of ctx.sem.callsWhere((n) => n === 'compile')) {
    if (ctx.sem.calleeName(call) !== 'compile') continue;
    const recv = ctx.sem.receiver(call);
    if (!recv) continue;
    const args = argsOf(call, ctx.sem);
    const loss = args.keywords.get('loss') ?? args.positional[1] ?? null;
    if (!loss) continue;
    const out = modelAct(ctx, recv, call);
    if (!out) continue;
    const l = unparen(loss);
    let family: 'categorical' | 'binary' | null = null;
    let fromLogits: PyNode | null = null;
    if (l.type === 'string') {
      const s = ctx.text(l).replace(/['"]/g, '');
      if (s === 'sparse_categorical_crossentropy' || s === 'categorical_crossentropy') family = 'categorical';
      else if (s === 'binary_crossentropy') family = 'binary';
    } else if (l.type === 'call') {
      const q = ctx.sem.calleeQ(l) ?? '';
      if (/^keras\.losses\.(Sparse)?CategoricalCrossentropy$/.test(q)) family = 'categorical';
      else if (/^keras\.losses\.Binary(Focal)?Crossentropy$/.test(q)) family = 'binary';
      fromLogits = argsOf(l, ctx.sem).keywords.get('from_logits') ?? null;
    }
    if (!family) continue;
    const logitsLoss = fromLogits !== null && ctx.text(fromLogits) === 'True';
    const model = ctx.short(recv, 30);
    const layerAt = { node: out.node, message: 'the last layer is defined here' };
    if (logitsLoss && (out.act === 'softmax' || out.act === 'sigmoid')) {
      ctx.report({
        meta: out.act === 'softmax' ? ML002 : ML004,
        node: fromLogits!,
        message: `\`${model}\` ends in ${out.act} (${ctx.short(out.node, 50)}, ${ctx.where(out.node)}) but the loss is told from_logits=True: it applies ${out.act} a second time and training stalls. Set from_logits=False, or drop the activation from the last layer.`,
        fix: { title: 'Set from_logits=False', start: fromLogits!.start, end: fromLogits!.end, newText: 'False' },
        related: [layerAt],
      });
    } else if (!logitsLoss && out.act === 'logits' && fromLogits === null) {
      ctx.report({
        meta: ML005,
        node: loss,
        message: `\`${model}\` ends in a Dense layer without activation (raw logits, ${ctx.short(out.node, 50)}, ${ctx.where(out.node)}) but ${ctx.short(loss, 50)} expects probabilities. Use from_logits=True (e.g. keras.losses.SparseCategoricalCrossentropy(from_logits=True)) or add the activation.`,
        related: [layerAt],
      });
    } else if (!logitsLoss && out.act === 'logits' && fromLogits !== null && ctx.text(fromLogits) === 'False') {
      ctx.report({
        meta: ML005,
        node: fromLogits,
        message: `\`${model}\` ends in a Dense layer without activation (raw logits, ${ctx.where(out.node)}) but the loss has from_logits=False and treats them as probabilities. Set from_logits=True.`,
        fix: { title: 'Set from_logits=True', start: fromLogits.start, end: fromLogits.end, newText: 'True' },
        related: [layerAt],
      });
    }
  }
}
