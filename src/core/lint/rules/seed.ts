/**
 * ML013 (information): a training script that never fixes a random seed. Karpathy: "Always
 * use a fixed random seed to guarantee that when you run the code twice you will get the
 * same outcome." HuggingFace Trainer seeds by default (TrainingArguments.seed); JAX code
 * passes keys explicitly; both are left alone.
 */
import type { RuleContext } from '../context';
import { ML013 } from '../meta';
import type { FunctionInfo } from '../scope';
import { type PyNode } from '../syntax';

/**
 * Whether code at `n` runs when the file is run as a script: it is at module level (a
 * notebook cell, an `if __name__ == "__main__":` block), or in a function called from there.
 * Training loops in library functions and unittest methods are not "a training script".
 */
function reachableFromModule(ctx: RuleContext, n: PyNode): boolean {
  const seen = new Set<FunctionInfo>();
  const reach = (fn: FunctionInfo | null, depth: number): boolean => {
    if (!fn) return true;
    if (seen.has(fn) || depth > 6) return false;
    seen.add(fn);
    return fn.callSites.some((s) => reach(ctx.sem.enclosingFunction(s.call), depth + 1));
  };
  return reach(ctx.sem.enclosingFunction(n), 0);
}

export function checkSeed(ctx: RuleContext): void {
  const { sem, flow } = ctx;
  for (const call of sem.calls) {
    const name = sem.calleeName(call) ?? '';
    if (/seed/i.test(name)) return;
    const q = sem.calleeQ(call) ?? '';
    if (/^jax\.random\.(PRNGKey|key)$/.test(q) || q === 'transformers.Trainer' || q.startsWith('transformers.Seq2SeqTrainer')) return;
    if (q === 'numpy.random.default_rng' && /\(\s*\S/.test(ctx.text(call).slice(ctx.text(call).indexOf('(')))) return;
  }
  if (/\bseed\s*=/.test(ctx.src) && /Trainer|TrainingArguments/.test(ctx.src)) return;
  let at: PyNode | null = null;
  let kind: 'torch' | 'lightning' | 'keras' | null = null;
  const loops = flow.trainingLoops();
  if (loops.length) {
    // the outermost loop around the first training loop
    let l: PyNode = loops[0]!;
    for (let o = flow.enclosingLoop(l); o; o = flow.enclosingLoop(o)) l = o;
    at = l;
    kind = 'torch';
  } else {
    for (const call of sem.callsWhere((n) => n === 'fit')) {
      if (sem.calleeName(call) !== 'fit') continue;
      const recv = sem.receiver(call);
      if (!recv) continue;
      const rq = recv.type === 'call' ? (sem.calleeQ(recv) ?? '') : '';
      const rv = ctx.values.valueOf(recv);
      const recvDef = recv.type === 'identifier' ? sem.lookup(recv) : null;
      const recvCtor = recvDef?.kind === 'assign' && recvDef.value?.type === 'call' ? (sem.calleeQ(recvDef.value) ?? '') : rq;
      if (recvCtor.startsWith('lightning.')) kind = 'lightning';
      else if (sem.importsAny(['keras', 'tensorflow']) && !recvCtor.startsWith('sklearn.') && !rv.instance) kind = 'keras';
      if (kind) {
        at = call;
        break;
      }
    }
  }
  if (!at || !kind || !reachableFromModule(ctx, at)) return;
  const lastImport = sem.imports.filter((i) => i.parent === sem.root).pop();
  let fix;
  const seedCall =
    kind === 'torch' ? (sem.aliasFor('torch') ? `${sem.aliasFor('torch')}.manual_seed(0)` : null)
    : kind === 'lightning' ? (sem.aliasFor('lightning') ? `${sem.aliasFor('lightning')}.seed_everything(0)` : null)
    : sem.aliasFor('keras') ? `${sem.aliasFor('keras')}.utils.set_random_seed(0)` : null;
  if (lastImport && seedCall) {
    const line = ctx.lines.position(lastImport.end).line + 1;
    const off = ctx.lines.lineStart(line);
    fix = { title: `Insert ${seedCall} after the imports`, start: off, end: off, newText: `${seedCall}\n` };
  }
  const header = at.type === 'call' ? { start: at.start, end: at.end } : ctx.headerOf(at);
  ctx.report({
    meta: ML013,
    start: header.start,
    end: header.end,
    message: `This script trains without fixing a random seed (${kind === 'torch' ? 'torch.manual_seed' : kind === 'lightning' ? 'seed_everything' : 'keras.utils.set_random_seed'}, random.seed, np.random.seed): two runs differ in initialization and data order, so a change in results cannot be told apart from noise.`,
    fix,
  });
}
