/**
 * Model and code together: when Run Diagnostics found that a model already returns
 * probabilities (ML-M002), the loss calls in a Python script that feed *that model's* outputs
 * to a loss that applies softmax/sigmoid itself (ML201).
 *
 * Precision first, so a script is linked to the model only through code that names the model
 * file: `torch.onnx.export(model, x, "<file>")` (then the loss inputs computed by calling the
 * exported model object: the same variable, a parameter it is passed to, `self.<attr>` holding
 * it, or an instance of the same user-defined class) or `onnxruntime.InferenceSession("<file>")`
 * (then what its `run()` returns). The file name must match the end of the model's path
 * (`os.path.join("out", "m.onnx")` and `Path("out") / "m.onnx"` are read too). Loss inputs whose
 * activation the static rules already see (ML002 and friends) are left to them.
 */
import { RuleContext } from './context';
import { pythonParser } from './parser';
import { argFor, argsOf, type Def } from './scope';
import { isSuppressed, parseSuppressions } from './suppress';
import { child, convertTree, LineIndex, type PyNode, unparen } from './syntax';
import type { Finding, RuleMeta } from './types';
import type { LossKind } from './values';

export const ML201: RuleMeta = {
  code: 'ML201',
  rule: 'model-outputs-probabilities',
  severity: 'warning',
  summary: 'A loss that expects logits gets the outputs of a model that Run Diagnostics found to return probabilities',
};

export type ModelOutputs = 'probabilities' | 'sigmoid';

/** What diagnostics measured about a model's outputs, for linking it to scripts. */
export interface ModelOutputFacts {
  /** The model file (absolute path). */
  path: string;
  outputs: ModelOutputs;
  /** Why, for messages: "its output 'y' comes from a Softmax node, and every row sums to 1 over 160 examples". */
  evidence: string;
}

/** The part of a diagnose report this needs (DiagnoseReport fits). */
export interface DiagnoseReportLike {
  model: { path: string };
  findings: readonly { code: string; severity: string; details?: Record<string, unknown> }[];
}

/** The model's outputs according to ML-M002; null when they are logits, log-probabilities or not known (no links). */
export function modelOutputFacts(report: DiagnoseReportLike): ModelOutputFacts | null {
  const f = report.findings.find((x) => x.code === 'ML-M002');
  if (!f || f.severity !== 'warning') return null;
  const d = f.details ?? {};
  const op = typeof d.finalOp === 'string' ? d.finalOp : 'unknown';
  const output = typeof d.output === 'string' ? d.output : 'output';
  const rows = d.rowsSumToOne === true && typeof d.rowsChecked === 'number' ? d.rowsChecked : 0;
  const measured = rows ? `every row sums to 1 over ${rows.toLocaleString('en-US')} examples` : '';
  if (op === 'Sigmoid') return { path: report.model.path, outputs: 'sigmoid', evidence: `its output '${output}' comes from a Sigmoid node` };
  if (op === 'Softmax') return { path: report.model.path, outputs: 'probabilities', evidence: `its output '${output}' comes from a Softmax node${measured ? `, and ${measured}` : ''}` };
  if (rows) return { path: report.model.path, outputs: 'probabilities', evidence: `${measured} of its output '${output}' (final op ${op})` };
  return null;
}

/** Losses that apply the activation themselves, by what the model returns. */
const WRONG: Record<ModelOutputs, ReadonlySet<LossKind>> = {
  probabilities: new Set(['ce', 'nll', 'bce_logits']),
  sigmoid: new Set(['ce', 'bce_logits']),
};

const EXPORT_Q = new Set(['torch.onnx.export', 'torch.onnx.dynamo_export']);
const SESSION_Q = new Set(['onnxruntime.InferenceSession', 'onnxruntime.capi.onnxruntime_inference_collection.InferenceSession']);
const PATH_JOIN_Q = new Set(['os.path.join', 'pathlib.Path', 'pathlib.PurePath', 'pathlib.PosixPath', 'pathlib.WindowsPath', 'builtins.str', 'os.fspath', 'os.path.abspath', 'os.path.realpath', 'os.path.expanduser', 'posixpath.join']);
/** Module methods and wrappers that return the same model. */
const MODEL_PASS = new Set(['to', 'cuda', 'cpu', 'float', 'double', 'half', 'train', 'eval', 'requires_grad_', 'type', 'to_empty']);
const MODEL_WRAP_Q = new Set(['torch.compile', 'torch.nn.DataParallel', 'torch.nn.parallel.DistributedDataParallel', 'copy.deepcopy']);
/** Tensor methods and conversions that keep the values (what the loss sees is still the model's output). */
const TENSOR_PASS = new Set(['to', 'cuda', 'cpu', 'float', 'double', 'half', 'detach', 'clone', 'contiguous', 'type', 'type_as', 'squeeze', 'view', 'reshape', 'flatten']);
const TENSOR_FROM_Q = new Set(['torch.from_numpy', 'torch.tensor', 'torch.as_tensor', 'torch.Tensor', 'torch.FloatTensor', 'numpy.asarray', 'numpy.array']);
const MAX_DEPTH = 6;

/** The value of a Python string literal node, or null (f-strings keep what follows their last `}`). */
function stringValue(ctx: RuleContext, n: PyNode): string | null {
  if (n.type !== 'string') return null;
  const m = /^([rRbBuUfF]*)('''|"""|'|")([\s\S]*)\2$/.exec(ctx.text(n));
  if (!m) return null;
  let body = m[3]!;
  if (/f/i.test(m[1]!)) {
    const close = body.lastIndexOf('}');
    if (close >= 0) body = body.slice(close + 1);
  }
  return /r/i.test(m[1]!) ? body : body.replace(/\\\\/g, '\\');
}

const components = (p: string): string[] => p.split(/[\\/]+/).filter((c) => c && c !== '.');

/**
 * The trailing path components an expression certainly ends with (`os.path.join(d, "a", "m.onnx")`
 * -> ["a", "m.onnx"]), or null when its end is not a literal.
 */
function pathTail(ctx: RuleContext, e: PyNode | null, depth = 0): string[] | null {
  if (!e || depth > MAX_DEPTH) return null;
  e = unparen(e);
  const { sem } = ctx;
  switch (e.type) {
    case 'string': {
      const v = stringValue(ctx, e);
      if (v === null) return null;
      const parts = components(v);
      const up = parts.lastIndexOf('..');
      return up >= 0 ? parts.slice(up + 1) : parts;
    }
    case 'identifier': {
      const d = sem.lookup(e);
      if (!d || d.path.length) return null;
      if (d.kind === 'assign' || d.kind === 'param') return pathTail(ctx, d.value, depth + 1);
      return null;
    }
    case 'binary_operator': {
      if (e.op !== '/') return null;
      const right = pathTail(ctx, child(e, 'right'), depth + 1);
      if (!right) return null;
      const left = pathTail(ctx, child(e, 'left'), depth + 1);
      return left ? [...left, ...right] : right;
    }
    case 'call': {
      const f = child(e, 'function');
      const q = f ? sem.qname(f) : null;
      if (!q || !PATH_JOIN_Q.has(q)) return null;
      const args = argsOf(e, sem);
      if (args.hasSplat || !args.positional.length) return null;
      const out: string[] = [];
      for (let i = args.positional.length - 1; i >= 0; i--) {
        const t = pathTail(ctx, args.positional[i]!, depth + 1);
        if (!t) return i === args.positional.length - 1 ? null : out;
        out.unshift(...t);
      }
      return out;
    }
    default:
      return null;
  }
}

/** Does a literal path ending in `tail` name the file at `modelPath`? (The script's working folder is unknown, so the literal's components must end the model's path.) */
function namesModel(tail: string[] | null, modelParts: string[], caseless: boolean): boolean {
  if (!tail?.length || tail.length > modelParts.length) return false;
  const eq = (a: string, b: string) => (caseless ? a.toLowerCase() === b.toLowerCase() : a === b);
  return tail.every((c, i) => eq(c, modelParts[modelParts.length - tail.length + i]!));
}

/** What identifies a model object: its definition(s), the user class it instantiates, a session on the model file. */
class Identity {
  private readonly memo = new Map<PyNode, Set<string>>();
  constructor(
    private readonly ctx: RuleContext,
    private readonly isModelPath: (e: PyNode | null) => boolean,
  ) {}

  keys(e: PyNode | null, depth = 0): Set<string> {
    const out = new Set<string>();
    if (!e || depth > MAX_DEPTH) return out;
    e = unparen(e);
    const cached = this.memo.get(e);
    if (cached) return cached;
    this.memo.set(e, out); // cycles see an empty set
    const { sem } = this.ctx;
    const add = (s: Set<string>) => s.forEach((k) => out.add(k));
    if (e.type === 'identifier') {
      const d = sem.lookup(e);
      if (d) this.defKeys(d, depth, out);
    } else if (e.type === 'attribute') {
      const obj = child(e, 'object');
      const attr = child(e, 'attribute');
      const fn = sem.enclosingFunction(e);
      if (obj?.type === 'identifier' && attr && fn?.cls && fn.params[0] === sem.text(obj)) {
        const name = sem.text(attr);
        out.add(`attr:${fn.cls.node.start}.${name}`);
        for (const d of sem.attrDefs(fn.cls, name)) if (!d.path.length) add(this.keys(d.value, depth + 1));
      }
    } else if (e.type === 'call') {
      const f = child(e, 'function');
      if (!f) return out;
      const q = sem.qname(f);
      const args = argsOf(e, sem);
      if (q && SESSION_Q.has(q)) {
        if (this.isModelPath(argFor(args, 0, 'path_or_bytes'))) out.add('session:model');
      } else if (q && MODEL_WRAP_Q.has(q)) add(this.keys(argFor(args, 0, 'model'), depth + 1));
      else if (f.type === 'attribute' && MODEL_PASS.has(sem.text(child(f, 'attribute')!))) add(this.keys(child(f, 'object'), depth + 1));
      else if (f.type === 'identifier' || f.type === 'attribute') {
        // an instance of a class: a user class (defined here or imported from the project), never a library's
        const d = f.type === 'identifier' ? sem.lookup(f) : null;
        if (d?.kind === 'class') out.add(`class:${d.node.start}`);
        else if (q && !/^(torch|torchvision|timm|transformers|keras|tensorflow|sklearn|numpy|builtins|onnx|onnxruntime)\./.test(q) && /^[A-Z]/.test(q.slice(q.lastIndexOf('.') + 1))) out.add(`class:${q}`);
      }
    }
    return out;
  }

  private defKeys(d: Def, depth: number, out: Set<string>): void {
    out.add(`def:${d.node.start}`);
    if (d.path.length) return;
    if (d.kind === 'assign' || d.kind === 'with') this.keys(d.value, depth + 1).forEach((k) => out.add(k));
    else if (d.kind === 'param' && d.fn && d.paramIndex !== undefined) {
      for (const site of d.fn.callSites) {
        const a = argFor(argsOf(site.call, this.ctx.sem), d.paramIndex - site.skip, d.name);
        this.keys(a, depth + 1).forEach((k) => out.add(k));
      }
    }
  }
}

/** The model call a loss input comes from (`model(x)`, `out = model(x)`, `sess.run(...)[0]`), if its model has one of `keys`. */
function modelCallFeeding(ctx: RuleContext, ids: Identity, keys: Set<string>, e: PyNode | null, depth = 0): PyNode | null {
  if (!e || depth > MAX_DEPTH) return null;
  e = unparen(e);
  const { sem } = ctx;
  const hit = (model: PyNode | null) => [...ids.keys(model)].some((k) => keys.has(k));
  switch (e.type) {
    case 'call': {
      const f = child(e, 'function');
      if (!f) return null;
      const q = sem.qname(f);
      if (q && TENSOR_FROM_Q.has(q)) return modelCallFeeding(ctx, ids, keys, argsOf(e, sem).positional[0] ?? null, depth + 1);
      if (f.type === 'attribute') {
        const m = sem.text(child(f, 'attribute')!);
        const recv = child(f, 'object');
        if (m === 'forward' || m === 'run') return hit(recv) ? e : null;
        if (TENSOR_PASS.has(m)) return modelCallFeeding(ctx, ids, keys, recv, depth + 1);
      }
      return hit(f) ? e : null;
    }
    case 'subscript':
      return modelCallFeeding(ctx, ids, keys, child(e, 'value'), depth + 1);
    case 'attribute': {
      const a = child(e, 'attribute');
      return a && (sem.text(a) === 'logits' || sem.text(a) === 'data') ? modelCallFeeding(ctx, ids, keys, child(e, 'object'), depth + 1) : null;
    }
    case 'identifier': {
      const d = sem.lookup(e);
      if (!d) return null;
      if (d.kind === 'assign') return modelCallFeeding(ctx, ids, keys, d.value, depth + 1);
      if (d.kind === 'param' && d.fn && d.paramIndex !== undefined) {
        for (const site of d.fn.callSites) {
          const r = modelCallFeeding(ctx, ids, keys, argFor(argsOf(site.call, sem), d.paramIndex - site.skip, d.name), depth + 1);
          if (r) return r;
        }
      }
      return null;
    }
    default:
      return null;
  }
}

const LOSS_WORDS: Record<LossKind, string> = {
  ce: 'applies log_softmax itself, so the loss sees softmax twice: its gradients shrink as predictions grow confident and training stalls',
  nll: 'expects log-probabilities: on probabilities the loss becomes -p instead of -log p and barely trains',
  bce_logits: 'applies a sigmoid itself, so the loss sees the activation twice and its gradients all but vanish',
  bce: '',
  reg: '',
};

/**
 * ML201 findings for one script and one model (empty when the script does not name the model
 * file, or no loss there gets its outputs). Needs `await initLint()` first.
 */
export function linkModelToScript(source: string, model: ModelOutputFacts): Finding[] {
  const modelParts = components(model.path);
  const file = modelParts[modelParts.length - 1];
  // most scripts never mention the file: skip parsing them
  if (!file || !source.toLowerCase().includes(file.toLowerCase().replace(/\.[^.]*$/, ''))) return [];
  const tree = pythonParser().parse(source);
  if (!tree) return [];
  try {
    const syntax = convertTree(tree, source);
    const lines = new LineIndex(source);
    const ctx = new RuleContext(syntax.root, source, lines);
    const caseless = /^[A-Za-z]:[\\/]/.test(model.path);
    const isModelPath = (e: PyNode | null) => namesModel(pathTail(ctx, e), modelParts, caseless);
    const ids = new Identity(ctx, isModelPath);
    const keys = new Set<string>(['session:model']);
    const mentions: PyNode[] = [];
    for (const call of ctx.sem.calls) {
      const q = ctx.sem.calleeQ(call);
      if (!q) continue;
      const args = argsOf(call, ctx.sem);
      if (EXPORT_Q.has(q) && isModelPath(argFor(args, 2, 'f'))) {
        mentions.push(call);
        ids.keys(argFor(args, 0, 'model')).forEach((k) => keys.add(k));
      } else if (SESSION_Q.has(q) && isModelPath(argFor(args, 0, 'path_or_bytes'))) mentions.push(call);
    }
    if (!mentions.length) return [];
    const name = modelParts.slice(-1)[0]!;
    for (const lc of ctx.lossCalls) {
      if (!lc.input || !WRONG[model.outputs].has(lc.kind)) continue;
      // the static rules already say what this input is (and a contradiction means the link is wrong)
      if (ctx.values.valueOf(unparen(lc.input)).act) continue;
      const at = modelCallFeeding(ctx, ids, keys, lc.input);
      if (!at) continue;
      const lossName = lc.lossAt ? ctx.short(lc.lossAt, 40) : lc.name;
      const what = model.outputs === 'sigmoid' ? 'probabilities (a sigmoid)' : 'probabilities (a softmax)';
      const mention = mentions[0]!;
      ctx.report({
        meta: ML201,
        node: lc.input,
        message:
          `\`${ctx.short(lc.input, 40)}\` is the output of the model in ${name} (${ctx.short(mention, 50)}, ${ctx.where(mention)}), and Run Diagnostics found that ${name} returns ${what}: ${model.evidence}. ` +
          `${lossName} ${LOSS_WORDS[lc.kind]}. Pass the scores before the final activation (logits), or move the activation out of the model's forward.`,
        related: [
          { node: mention, message: `the model is ${EXPORT_Q.has(ctx.sem.calleeQ(mention) ?? '') ? 'exported to' : 'loaded from'} ${name} here` },
          ...(at !== lc.input ? [{ node: at, message: 'the model is called here' }] : []),
        ],
      });
    }
    const supp = parseSuppressions(syntax.comments, source, lines);
    return ctx.findings.filter((f) => !isSuppressed(f, supp));
  } finally {
    tree.delete();
  }
}
