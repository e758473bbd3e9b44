/**
 * A small abstract interpreter over the syntax tree: what kind of value an expression
 * holds, as far as the code in this file shows. It knows activations (softmax, sigmoid,
 * raw logits from a Linear), visible shapes ([N] vs [N,1]), torch modules and models
 * defined in the file, losses, transforms that scale to [0,1], datasets and loaders and
 * what their batches hold, and file listings with whether they were sorted.
 * Every property is optional: absent means "not known", and the rules only fire on what is known.
 */
import { argFor, argsOf, type Args, type ClassInfo, type Def, type FunctionInfo, Semantics } from './scope';
import { child, childrenOf, memoOf, type PyNode, unparen } from './syntax';

export type Act = 'softmax' | 'log_softmax' | 'sigmoid' | 'logits' | 'log_probs';
export type Shape = 'N1' | 'N';
export type LossKind = 'ce' | 'nll' | 'bce' | 'bce_logits' | 'reg';
export type Mode = 'train' | 'eval';

export interface ModuleVal {
  kind: 'linear' | 'activation' | 'sequential' | 'class' | 'zoo' | 'pretrained' | 'layer';
  name: string;
  node: PyNode;
  /** What calling it returns (linear, zoo, class). */
  out?: Val;
  /** Activation modules: the activation applied to the input (shape passes through). */
  applyAct?: Act;
  layers?: Val[];
  cls?: ClassInfo;
  /** Dropout/BatchNorm-like layers found in it; null when it cannot be seen. */
  modeDeps: string[] | null;
  initialMode: Mode | 'unknown';
  torch: boolean;
  lightning?: boolean;
  passThrough?: boolean;
}

export interface LossVal {
  kind: LossKind;
  node: PyNode;
  name: string;
}

export interface ListingVal {
  /** Listing calls this sequence's order comes from. */
  roots: PyNode[];
  /** The subset of roots whose order was never sorted on the way. */
  unsorted: PyNode[];
}

export interface Val {
  act?: Act;
  actAt?: PyNode;
  shape?: Shape;
  shapeAt?: PyNode;
  qname?: string;
  tuple?: Val[];
  /** A sequence whose elements all hold this value (random_split's result). */
  same?: Val;
  module?: ModuleVal;
  loss?: LossVal;
  /** A transform that scales images to [0,1]; the node is the ToTensor call. */
  transform?: PyNode;
  dataset?: Val[];
  loader?: Val[];
  /** A tensor already scaled to [0,1] by this ToTensor. */
  scaled01?: PyNode;
  listing?: ListingVal;
  fn?: FunctionInfo;
  cls?: ClassInfo;
  instance?: ClassInfo;
  zip?: Val[];
  enumerate?: Val;
  /** range()/count(): an index sequence, not data. */
  indexSeq?: boolean;
  /** Mode a model was left in by the function that returned it. */
  mode?: Mode;
}

const EMPTY: Val = Object.freeze({}) as Val;

const ACT_FNS: Record<string, Act> = {};
for (const q of ['torch.softmax', 'torch.nn.functional.softmax', 'torch.special.softmax', 'tensorflow.nn.softmax', 'tensorflow.math.softmax', 'jax.nn.softmax', 'flax.linen.softmax', 'keras.activations.softmax', 'keras.ops.softmax'])
  ACT_FNS[q] = 'softmax';
for (const q of ['torch.log_softmax', 'torch.nn.functional.log_softmax', 'torch.special.log_softmax', 'tensorflow.nn.log_softmax', 'jax.nn.log_softmax', 'flax.linen.log_softmax', 'keras.ops.log_softmax'])
  ACT_FNS[q] = 'log_softmax';
for (const q of ['torch.sigmoid', 'torch.nn.functional.sigmoid', 'torch.special.expit', 'tensorflow.sigmoid', 'tensorflow.nn.sigmoid', 'tensorflow.math.sigmoid', 'jax.nn.sigmoid', 'flax.linen.sigmoid', 'keras.activations.sigmoid'])
  ACT_FNS[q] = 'sigmoid';
const ACT_METHODS: Record<string, Act> = { softmax: 'softmax', log_softmax: 'log_softmax', sigmoid: 'sigmoid' };
const ACT_MODULES: Record<string, Act> = { 'torch.nn.Softmax': 'softmax', 'torch.nn.LogSoftmax': 'log_softmax', 'torch.nn.Sigmoid': 'sigmoid' };

export const LOSS_CTORS: Record<string, LossKind> = {
  'torch.nn.CrossEntropyLoss': 'ce',
  'torch.nn.NLLLoss': 'nll',
  'torch.nn.BCELoss': 'bce',
  'torch.nn.BCEWithLogitsLoss': 'bce_logits',
  'torch.nn.MSELoss': 'reg',
  'torch.nn.L1Loss': 'reg',
  'torch.nn.SmoothL1Loss': 'reg',
  'torch.nn.HuberLoss': 'reg',
};
/** Functional losses: kind, and where the prediction argument is. */
export const LOSS_FNS: Record<string, { kind: LossKind; pos: number | null; kw: string; targetPos: number | null; targetKw: string }> = {
  'torch.nn.functional.cross_entropy': { kind: 'ce', pos: 0, kw: 'input', targetPos: 1, targetKw: 'target' },
  'torch.nn.functional.nll_loss': { kind: 'nll', pos: 0, kw: 'input', targetPos: 1, targetKw: 'target' },
  'torch.nn.functional.binary_cross_entropy': { kind: 'bce', pos: 0, kw: 'input', targetPos: 1, targetKw: 'target' },
  'torch.nn.functional.binary_cross_entropy_with_logits': { kind: 'bce_logits', pos: 0, kw: 'input', targetPos: 1, targetKw: 'target' },
  'torch.nn.functional.mse_loss': { kind: 'reg', pos: 0, kw: 'input', targetPos: 1, targetKw: 'target' },
  'torch.nn.functional.l1_loss': { kind: 'reg', pos: 0, kw: 'input', targetPos: 1, targetKw: 'target' },
  'torch.nn.functional.smooth_l1_loss': { kind: 'reg', pos: 0, kw: 'input', targetPos: 1, targetKw: 'target' },
  'torch.nn.functional.huber_loss': { kind: 'reg', pos: 0, kw: 'input', targetPos: 1, targetKw: 'target' },
  'optax.softmax_cross_entropy': { kind: 'ce', pos: 0, kw: 'logits', targetPos: 1, targetKw: 'labels' },
  'optax.softmax_cross_entropy_with_integer_labels': { kind: 'ce', pos: 0, kw: 'logits', targetPos: 1, targetKw: 'labels' },
  'optax.sigmoid_binary_cross_entropy': { kind: 'bce_logits', pos: 0, kw: 'logits', targetPos: 1, targetKw: 'labels' },
  'tensorflow.nn.softmax_cross_entropy_with_logits': { kind: 'ce', pos: null, kw: 'logits', targetPos: null, targetKw: 'labels' },
  'tensorflow.nn.sparse_softmax_cross_entropy_with_logits': { kind: 'ce', pos: null, kw: 'logits', targetPos: null, targetKw: 'labels' },
  'tensorflow.nn.sigmoid_cross_entropy_with_logits': { kind: 'bce_logits', pos: null, kw: 'logits', targetPos: null, targetKw: 'labels' },
};

/** Layers whose behaviour does not depend on train/eval mode. */
const MODE_FREE = new Set([
  'Linear', 'LazyLinear', 'Bilinear', 'Conv1d', 'Conv2d', 'Conv3d', 'ConvTranspose1d', 'ConvTranspose2d', 'ConvTranspose3d', 'LazyConv2d',
  'ReLU', 'ReLU6', 'LeakyReLU', 'PReLU', 'ELU', 'SELU', 'CELU', 'GELU', 'SiLU', 'Mish', 'Tanh', 'Sigmoid', 'Softmax', 'LogSoftmax', 'Softplus',
  'Hardswish', 'Hardsigmoid', 'Hardtanh', 'Softsign', 'Tanhshrink', 'Threshold', 'GLU',
  'MaxPool1d', 'MaxPool2d', 'MaxPool3d', 'AvgPool1d', 'AvgPool2d', 'AvgPool3d', 'AdaptiveAvgPool1d', 'AdaptiveAvgPool2d', 'AdaptiveAvgPool3d',
  'AdaptiveMaxPool1d', 'AdaptiveMaxPool2d', 'LPPool2d', 'Flatten', 'Unflatten', 'Identity', 'Embedding', 'EmbeddingBag', 'LayerNorm', 'GroupNorm',
  'RMSNorm', 'LocalResponseNorm', 'Upsample', 'UpsamplingNearest2d', 'UpsamplingBilinear2d', 'PixelShuffle', 'PixelUnshuffle', 'ZeroPad2d',
  'ConstantPad2d', 'ReflectionPad2d', 'ReplicationPad2d', 'CosineSimilarity', 'PairwiseDistance', 'Fold', 'Unfold', 'ChannelShuffle',
]);
const RNNS = new Set(['LSTM', 'GRU', 'RNN']);
const CLASSIFIER_ZOO = /^(resnet|resnext|wide_resnet|vgg|efficientnet|mobilenet|densenet|convnext|vit_|swin_|regnet|alexnet|squeezenet|shufflenet|mnasnet|maxvit)/;

const TENSOR_PASS = new Set([
  'to', 'cuda', 'cpu', 'float', 'double', 'half', 'bfloat16', 'detach', 'clone', 'contiguous', 'type', 'type_as', 'requires_grad_',
  'numpy', 'astype', 'to_numpy', 'tolist', 'copy', 'pin_memory', 'to_dense',
]);
const MODULE_PASS = new Set(['to', 'cuda', 'cpu', 'float', 'double', 'half', 'train', 'eval', 'requires_grad_', 'type', 'share_memory', 'to_empty']);
const PASS_Q = new Set(['tqdm.tqdm', 'tqdm.auto.tqdm', 'tqdm.notebook.tqdm', 'torch.compile', 'torch.nn.DataParallel', 'torch.nn.parallel.DistributedDataParallel', 'copy.deepcopy']);
const SEQ_PASS_Q = new Set(['builtins.list', 'builtins.tuple', 'builtins.iter', 'numpy.array', 'numpy.asarray']);
const TENSOR_FROM_Q = new Set([
  'torch.tensor', 'torch.as_tensor', 'torch.from_numpy', 'torch.Tensor', 'torch.FloatTensor', 'torch.LongTensor', 'torch.DoubleTensor',
  'numpy.array', 'numpy.asarray', 'numpy.float32', 'jnp.array', 'jnp.asarray',
]);
const SHAPE_CTOR_Q = new Set([
  'torch.randn', 'torch.rand', 'torch.zeros', 'torch.ones', 'torch.empty', 'numpy.random.randn', 'numpy.random.rand', 'numpy.zeros', 'numpy.ones',
  'numpy.empty', 'numpy.random.random', 'numpy.random.normal', 'numpy.random.uniform',
]);
const LISTING_Q: Record<string, string> = {
  'glob.glob': 'glob.glob',
  'glob.iglob': 'glob.iglob',
  'os.listdir': 'os.listdir',
  'os.scandir': 'os.scandir',
  'tensorflow.io.gfile.glob': 'tf.io.gfile.glob',
  'tensorflow.io.gfile.listdir': 'tf.io.gfile.listdir',
};
export const SORT_Q = new Set(['builtins.sorted', 'natsort.natsorted', 'natsort.os_sorted', 'natsort.humansorted', 'natsort.realsorted', 'numpy.sort']);

function isLiteral(n: PyNode | null, sem: Semantics, value: string): boolean {
  if (!n) return false;
  n = unparen(n);
  return (n.type === 'integer' || n.type === 'float') && Number(sem.text(n)) === Number(value);
}
function intValue(n: PyNode | null, sem: Semantics): number | null {
  if (!n) return null;
  n = unparen(n);
  if (n.type === 'integer') return Number(sem.text(n));
  if (n.type === 'unary_operator' && n.op === '-' && n.children[0]?.type === 'integer') return -Number(sem.text(n.children[0]));
  return null;
}

export interface LossCall {
  call: PyNode;
  kind: LossKind;
  /** Text naming the loss for messages: `nn.CrossEntropyLoss()` or `F.cross_entropy`. */
  name: string;
  input: PyNode | null;
  target: PyNode | null;
  /** Where the loss object was created (for loss objects). */
  lossAt?: PyNode;
}

export class Values {
  private readonly busy = new Set<PyNode | object>();
  private readonly fnReturn = new Map<FunctionInfo, Val>();
  private readonly classModule = new Map<ClassInfo, ModuleVal | null>();
  private readonly classDeps = new Map<ClassInfo, string[] | null>();
  private depth = 0;

  constructor(readonly sem: Semantics) {}

  private text(n: PyNode): string {
    return this.sem.text(n);
  }

  valueOf(e: PyNode | null): Val {
    if (!e) return EMPTY;
    e = unparen(e);
    // cached on the node for this.sem (RuleContext makes one Values per Semantics)
    const memo = memoOf(e, this.sem);
    const m = memo.value as Val | undefined;
    if (m) return m;
    if (this.busy.has(e) || this.depth > 80) return EMPTY;
    this.busy.add(e);
    this.depth++;
    let v: Val;
    try {
      v = this.compute(e);
    } finally {
      this.depth--;
      this.busy.delete(e);
    }
    memo.value = v;
    return v;
  }

  private compute(e: PyNode): Val {
    switch (e.type) {
      case 'identifier': {
        const d = this.sem.lookup(e);
        if (d) return this.valueOfDef(d);
        const q = this.sem.qname(e);
        return q ? { qname: q } : EMPTY;
      }
      case 'attribute':
        return this.attrValue(e);
      case 'call':
        return this.callValue(e);
      case 'subscript':
        return this.subscriptValue(e);
      case 'list':
      case 'tuple':
      case 'expression_list':
        return { tuple: e.children.map((c) => this.valueOf(c)) };
      case 'list_comprehension':
      case 'generator_expression':
      case 'set_comprehension': {
        const fc = e.children.find((c) => c.type === 'for_in_clause');
        const it = this.valueOf(child(fc ?? null, 'right'));
        return it.listing ? { listing: it.listing } : EMPTY;
      }
      case 'conditional_expression':
        return merge([this.valueOf(e.children[0] ?? null), this.valueOf(e.children[2] ?? null)]);
      case 'binary_operator': {
        if (e.op === '+') {
          const l = this.valueOf(child(e, 'left'));
          const r = this.valueOf(child(e, 'right'));
          if (l.listing || r.listing) return { listing: unionListing([l.listing, r.listing]) };
        }
        return EMPTY;
      }
      case 'await':
        return this.valueOf(e.children[0] ?? null);
      default:
        return EMPTY;
    }
  }

  valueOfDef(d: Def): Val {
    switch (d.kind) {
      case 'import':
        return d.qname ? { qname: d.qname } : EMPTY;
      case 'def':
        return d.fn ? { fn: d.fn } : EMPTY;
      case 'class':
        return d.cls ? { cls: d.cls } : EMPTY;
      case 'assign': {
        const value = d.value ? unparen(d.value) : null;
        if (value && d.path.length > 0 && (value.type === 'expression_list' || value.type === 'tuple') && value.children.length > d.path[0]!) {
          return unpack(this.valueOf(value.children[d.path[0]!]!), d.path.slice(1));
        }
        return unpack(this.valueOf(value), d.path);
      }
      case 'for':
      case 'comp':
        return unpack(this.elementOf(this.valueOf(d.value)), d.path);
      case 'param':
        return this.paramValue(d);
      default:
        return EMPTY;
    }
  }

  elementOf(v: Val): Val {
    if (v.loader) return { tuple: v.loader };
    if (v.dataset) return { tuple: v.dataset };
    if (v.zip) return { tuple: v.zip.map((z) => this.elementOf(z)) };
    if (v.enumerate) return { tuple: [EMPTY, this.elementOf(v.enumerate)] };
    if (v.same) return v.same;
    if (v.tuple) return merge(v.tuple);
    return EMPTY;
  }

  private paramValue(d: Def): Val {
    const fn = d.fn;
    if (!fn || d.paramIndex === undefined) return EMPTY;
    const decorated = fn.decorators.map((x) => this.text(x)).join(' ');
    if (fn.cls && d.paramIndex === 0 && !/staticmethod/.test(decorated)) return /classmethod/.test(decorated) ? { cls: fn.cls } : { instance: fn.cls };
    if (fn.callSites.length === 0) return d.value ? this.valueOf(d.value) : EMPTY;
    const vals: Val[] = [];
    for (const site of fn.callSites) {
      const args = argsOf(site.call, this.sem);
      const a = argFor(args, d.paramIndex - site.skip, d.name) ?? (args.hasSplat ? null : d.value);
      vals.push(a ? this.valueOf(a) : EMPTY);
    }
    return merge(vals);
  }

  private attrValue(e: PyNode): Val {
    const q = this.sem.qname(e);
    if (q) return { qname: q };
    const obj = child(e, 'object');
    const attr = child(e, 'attribute');
    if (!obj || !attr) return EMPTY;
    const name = this.text(attr);
    const ov = this.valueOf(obj);
    if (ov.instance) {
      const defs = this.sem.attrDefs(ov.instance, name);
      if (defs.length) {
        const pick = defs.find((d) => d.fn && /^(__init__|setup|build|_build.*|configure_model)$/.test(d.fn.name)) ?? defs[defs.length - 1]!;
        return this.valueOfDef({ ...pick, kind: 'assign' });
      }
      const m = this.sem.methodOf(ov.instance, name);
      if (m) return { fn: m };
      return EMPTY;
    }
    if (name === 'data' || name === 'values') return passTensor(ov);
    if (name === 'dataset' && ov.loader) return { dataset: ov.loader };
    if (name === 'module' && ov.module) return ov;
    return EMPTY;
  }

  private subscriptValue(e: PyNode): Val {
    const base = child(e, 'value');
    const subs = childrenOf(e, 'subscript');
    const v = this.valueOf(base);
    if (subs.length === 1) {
      const s = unparen(subs[0]!);
      const i = intValue(s, this.sem);
      if (v.tuple && i !== null) return v.tuple[i < 0 ? v.tuple.length + i : i] ?? EMPTY;
      if (v.same && i !== null) return v.same;
      if (s.type === 'slice' && v.listing) return { listing: v.listing };
      if (s.type === 'string') return { shape: 'N', shapeAt: e };
      if (s.type === 'list' && s.children.length === 1 && s.children[0]!.type === 'string') return { shape: 'N1', shapeAt: e };
    } else if (subs.length === 2 && this.text(subs[0]!) === ':') {
      const s = unparen(subs[1]!);
      if (intValue(s, this.sem) !== null) return { shape: 'N', shapeAt: e };
      if (s.type === 'none' && v.shape === 'N') return { ...passTensor(v), shape: 'N1', shapeAt: e };
      if (s.type === 'slice' && /^-1:$/.test(this.text(s).replace(/\s/g, ''))) return { shape: 'N1', shapeAt: e };
    } else if (subs.length === 2 && subs[0]!.type === 'ellipsis' && subs[1]!.type === 'none' && v.shape === 'N') {
      return { ...passTensor(v), shape: 'N1', shapeAt: e };
    }
    return EMPTY;
  }

  private callValue(call: PyNode): Val {
    const v = this.callValueInner(call);
    if (v.listing || v.tuple || v.module || v.loader || v.dataset || v.indexSeq || v.zip || v.enumerate) return v;
    // Whatever a call computes from a file listing is in the listing's order (np.stack([...]), extract(paths)).
    const args = argsOf(call, this.sem);
    const recv = this.sem.receiver(call);
    const from = [...args.positional, ...args.keywords.values(), ...(recv && !this.sem.qname(recv) ? [recv] : [])];
    const ls = from.map((a) => this.valueOf(a).listing).filter((l): l is ListingVal => !!l);
    return ls.length ? { ...v, listing: unionListing(ls) } : v;
  }

  private callValueInner(call: PyNode): Val {
    const f = child(call, 'function');
    if (!f) return EMPTY;
    const args = argsOf(call, this.sem);
    const q = this.sem.qname(f);
    if (q) return this.qnameCall(q, call, args);
    if (f.type === 'attribute') {
      const recv = child(f, 'object')!;
      const m = this.text(child(f, 'attribute')!);
      const rv = this.valueOf(recv);
      const r = this.methodCall(rv, m, call, args, recv);
      if (r) return r;
    }
    const fv = this.valueOf(f);
    if (fv.module) return this.applyModule(fv.module, this.valueOf(args.positional[0] ?? null));
    if (fv.cls) return this.instantiate(fv.cls);
    if (fv.fn) return this.returnValue(fv.fn);
    if (fv.transform) return { scaled01: fv.transform };
    if (fv.instance) {
      const mod = this.moduleOfClass(fv.instance);
      if (mod) return this.applyModule(mod, this.valueOf(args.positional[0] ?? null));
    }
    return EMPTY;
  }

  private qnameCall(q: string, call: PyNode, args: Args): Val {
    const a0 = args.positional[0] ?? null;
    const last = q.slice(q.lastIndexOf('.') + 1);
    const act = ACT_FNS[q];
    if (act) {
      const x = this.valueOf(a0 ?? args.keywords.get('input') ?? args.keywords.get('x') ?? null);
      return { act, actAt: call, shape: x.shape, shapeAt: x.shapeAt };
    }
    if (q === 'torch.log' || q === 'torch.special.log') {
      const x = this.valueOf(a0);
      return x.act === 'softmax' ? { act: 'log_probs', actAt: x.actAt, shape: x.shape } : EMPTY;
    }
    if (q === 'torch.nn.Linear' || q === 'torch.nn.LazyLinear') {
      const out = q === 'torch.nn.Linear' ? argFor(args, 1, 'out_features') : argFor(args, 0, 'out_features');
      const shape: Shape | undefined = isLiteral(out, this.sem, '1') ? 'N1' : undefined;
      return { module: { kind: 'linear', name: this.text(call), node: call, out: { act: 'logits', actAt: call, shape, shapeAt: shape ? call : undefined }, modeDeps: [], initialMode: 'train', torch: true } };
    }
    const am = ACT_MODULES[q];
    if (am) return { module: { kind: 'activation', name: this.text(call), node: call, applyAct: am, modeDeps: [], initialMode: 'train', torch: true } };
    if (q === 'torch.nn.Sequential' || q === 'torch.nn.ModuleList') {
      const layers = args.hasSplat || (args.positional.length === 1 && q === 'torch.nn.Sequential' && /OrderedDict/.test(this.text(a0!)))
        ? undefined
        : q === 'torch.nn.ModuleList'
          ? (this.valueOf(a0).tuple ?? undefined)
          : args.positional.map((p) => this.valueOf(p));
      const deps = layers ? unionDeps(layers.map((l) => (l.module ? l.module.modeDeps : null))) : null;
      const mod: ModuleVal = { kind: 'sequential', name: q === 'torch.nn.Sequential' ? 'nn.Sequential' : 'nn.ModuleList', node: call, layers: q === 'torch.nn.Sequential' ? layers : undefined, modeDeps: deps, initialMode: 'train', torch: true };
      return { module: mod };
    }
    const lossKind = LOSS_CTORS[q];
    if (lossKind) return { loss: { kind: lossKind, node: call, name: this.text(call) } };
    if (q.startsWith('torch.nn.') && /^[A-Z]/.test(last) && q.split('.').length === 3) {
      let deps: string[];
      if (MODE_FREE.has(last)) deps = [];
      else if (RNNS.has(last)) {
        const dr = args.keywords.get('dropout');
        deps = dr && !isLiteral(dr, this.sem, '0') ? [`nn.${last}(dropout)`] : [];
      } else deps = [`nn.${last}`];
      return { module: { kind: 'layer', name: `nn.${last}`, node: call, modeDeps: deps, initialMode: 'train', torch: true, passThrough: last === 'Identity' || last.startsWith('Dropout') } };
    }
    if (q.startsWith('torchvision.models.') || q === 'timm.create_model' || q === 'torch.hub.load') {
      const name = q === 'timm.create_model' ? (a0 ? this.text(a0).replace(/['"]/g, '') : 'timm model') : last;
      const out: Val = CLASSIFIER_ZOO.test(name) ? { act: 'logits', actAt: call } : EMPTY;
      return { module: { kind: 'zoo', name, node: call, out, modeDeps: null, initialMode: 'train', torch: true } };
    }
    if (q.startsWith('transformers.') && q.endsWith('.from_pretrained') && /Model|For/.test(q)) {
      return { module: { kind: 'pretrained', name: q.split('.').slice(-2, -1)[0] ?? 'model', node: call, out: EMPTY, modeDeps: null, initialMode: 'eval', torch: !/^transformers\.(TF|Flax)/.test(q) } };
    }
    if (q === 'torchvision.transforms.ToTensor') return { transform: call };
    if (q === 'torchvision.transforms.ToDtype' && args.keywords.get('scale') && this.text(args.keywords.get('scale')!) === 'True') return { transform: call };
    if (q === 'torchvision.transforms.Compose') {
      const items = this.valueOf(a0).tuple ?? [];
      const t = items.find((i) => i.transform);
      return t ? { transform: t.transform } : EMPTY;
    }
    if (q === 'torchvision.transforms.functional.to_tensor') return { scaled01: call };
    if (q.startsWith('torchvision.datasets.')) {
      const tf = args.keywords.get('transform') ?? (last === 'ImageFolder' || last === 'DatasetFolder' ? (args.positional[1] ?? null) : null);
      const tv = this.valueOf(tf);
      return { dataset: [tv.transform ? { scaled01: tv.transform } : EMPTY, EMPTY] };
    }
    if (q === 'torch.utils.data.TensorDataset') return { dataset: args.positional.map((p) => passTensor(this.valueOf(p))) };
    if (q === 'torch.utils.data.DataLoader') {
      const ds = this.valueOf(a0 ?? args.keywords.get('dataset') ?? null);
      return { loader: ds.dataset ?? [] };
    }
    if (q === 'torch.utils.data.random_split') {
      const ds = this.valueOf(a0);
      return ds.dataset ? { same: ds } : EMPTY;
    }
    if (q === 'torch.utils.data.Subset') return this.valueOf(a0);
    const api = LISTING_Q[q];
    if (api) return { listing: { roots: [call], unsorted: [call] } };
    if (SORT_Q.has(q)) {
      const v = this.valueOf(a0);
      return v.listing ? { listing: { roots: v.listing.roots, unsorted: [] } } : EMPTY;
    }
    if (SEQ_PASS_Q.has(q)) {
      const v = this.valueOf(a0);
      if (v.listing) return { listing: v.listing };
      if (TENSOR_FROM_Q.has(q)) return { shape: v.shape, shapeAt: v.shapeAt };
      return v.tuple ? { tuple: v.tuple } : EMPTY;
    }
    if (TENSOR_FROM_Q.has(q)) {
      const v = this.valueOf(a0 ?? args.keywords.get('data') ?? null);
      return { shape: v.shape, shapeAt: v.shapeAt };
    }
    if (q === 'builtins.filter' || q === 'builtins.map') {
      const v = this.valueOf(args.positional[1] ?? null);
      return v.listing ? { listing: v.listing } : EMPTY;
    }
    if (q === 'builtins.zip') return { zip: args.positional.map((p) => this.valueOf(p)) };
    if (q === 'builtins.enumerate') return { enumerate: this.valueOf(a0) };
    if (q === 'builtins.range' || q === 'itertools.count' || q === 'itertools.repeat') return { indexSeq: true };
    if (PASS_Q.has(q)) return this.valueOf(a0);
    if (SHAPE_CTOR_Q.has(q)) return shapeFromDims(call, args, this.sem);
    if (q === 'torch.linspace' || q === 'torch.arange' || q === 'numpy.linspace' || q === 'numpy.arange') return { shape: 'N', shapeAt: call };
    if (/^sklearn\.datasets\.(make_regression|load_diabetes|fetch_california_housing|load_linnerud)$/.test(q)) {
      if (last === 'make_regression' || args.keywords.has('return_X_y')) return { tuple: [EMPTY, { shape: last === 'load_linnerud' ? undefined : 'N', shapeAt: call }] };
      return EMPTY;
    }
    if (q === 'sklearn.model_selection.train_test_split') return { tuple: args.positional.flatMap((p) => { const v = this.valueOf(p); return [v, v]; }) };
    return EMPTY;
  }

  private methodCall(rv: Val, m: string, call: PyNode, args: Args, recv: PyNode): Val | null {
    if (rv.instance) {
      const meth = this.sem.methodOf(rv.instance, m);
      if (meth && m !== 'forward') return this.returnValue(meth);
    }
    if (rv.module) {
      if (MODULE_PASS.has(m)) return rv;
      if (m === 'forward') return this.applyModule(rv.module, this.valueOf(args.positional[0] ?? null));
      return null;
    }
    if (rv.instance) {
      const mod = this.moduleOfClass(rv.instance);
      if (mod && MODULE_PASS.has(m)) return { module: mod, instance: rv.instance };
      return null;
    }
    if (TENSOR_PASS.has(m)) {
      if (m === 'copy' && rv.listing) return { listing: rv.listing };
      return passTensor(rv);
    }
    const act = ACT_METHODS[m];
    if (act) return { act, actAt: call, shape: rv.shape, shapeAt: rv.shapeAt };
    if (m === 'log' && rv.act === 'softmax') return { act: 'log_probs', actAt: rv.actAt, shape: rv.shape };
    const a0 = args.positional[0] ?? null;
    switch (m) {
      case 'squeeze': {
        const d = intValue(a0 ?? args.keywords.get('dim') ?? null, this.sem);
        if (d === 0) return passTensor(rv);
        return { ...passTensor(rv), shape: 'N', shapeAt: call };
      }
      case 'flatten':
      case 'ravel':
        return { ...passTensor(rv), shape: 'N', shapeAt: call };
      case 'unsqueeze':
        return { ...passTensor(rv), shape: 'N1', shapeAt: call };
      case 'view':
      case 'reshape': {
        const dims = args.positional.length === 1 && (a0!.type === 'tuple' || a0!.type === 'list') ? a0!.children : args.positional;
        if (dims.length === 1 && intValue(dims[0]!, this.sem) === -1) return { ...passTensor(rv), shape: 'N', shapeAt: call };
        if (dims.length === 2 && intValue(dims[1]!, this.sem) === 1) return { ...passTensor(rv), shape: 'N1', shapeAt: call };
        return { act: rv.act, actAt: rv.actAt };
      }
      case 'glob':
      case 'rglob':
      case 'iterdir':
        if (!this.sem.qname(recv)) return { listing: { roots: [call], unsorted: [call] } };
        return EMPTY;
      case 'pop':
        return a0?.type === 'string' ? { shape: 'N', shapeAt: call } : EMPTY;
      case 'fit_transform':
      case 'transform':
      case 'inverse_transform': {
        const v = this.valueOf(a0);
        return v.shape ? { shape: v.shape, shapeAt: v.shapeAt } : EMPTY;
      }
      default:
        return null;
    }
  }

  applyModule(mod: ModuleVal, input: Val): Val {
    switch (mod.kind) {
      case 'activation':
        return { act: mod.applyAct, actAt: mod.node, shape: input.shape, shapeAt: input.shapeAt };
      case 'sequential': {
        if (!mod.layers) return EMPTY;
        let v = input;
        for (const l of mod.layers) v = l.module ? this.applyModule(l.module, v) : EMPTY;
        return v;
      }
      case 'layer':
        return mod.passThrough ? input : EMPTY;
      default:
        return mod.out ?? EMPTY;
    }
  }

  private instantiate(cls: ClassInfo): Val {
    const mod = this.moduleOfClass(cls);
    if (mod) return { module: mod, instance: cls };
    const gi = this.sem.methodOf(cls, '__getitem__');
    if (gi) {
      const r = this.returnValue(gi);
      return { dataset: r.tuple ?? [r], instance: cls };
    }
    return { instance: cls };
  }

  returnValue(fn: FunctionInfo): Val {
    const cached = this.fnReturn.get(fn);
    if (cached) return cached;
    if (this.busy.has(fn) || !fn.body) return EMPTY;
    this.busy.add(fn);
    let v: Val;
    try {
      const rets: PyNode[] = [];
      this.sem.forLocal(fn.body, (n) => {
        if (n.type === 'return_statement' && n.children[0]) rets.push(n.children[0]);
      });
      v = merge(rets.map((r) => this.valueOf(r)));
      if (v.module && rets.length === 1 && rets[0]!.type === 'identifier') {
        const name = this.text(rets[0]!);
        let mode: Mode | undefined;
        this.sem.forLocal(fn.body, (n) => {
          if (n.type !== 'call' || n.start > rets[0]!.start) return;
          const fnode = child(n, 'function');
          const t = fnode ? this.text(fnode) : '';
          if (t === `${name}.eval`) mode = 'eval';
          else if (t === `${name}.train`) mode = 'train';
        });
        if (mode) v = { ...v, mode };
      }
    } finally {
      this.busy.delete(fn);
    }
    this.fnReturn.set(fn, v);
    return v;
  }

  /** The module a torch nn.Module subclass defined in the file stands for, or null for other classes. */
  moduleOfClass(cls: ClassInfo): ModuleVal | null {
    if (this.classModule.has(cls)) return this.classModule.get(cls)!;
    const bases = this.sem.baseNames(cls);
    const lightning = bases.some((b) => b.startsWith('lightning.'));
    const torch = lightning || bases.some((b) => b === 'torch.nn.Module' || (b.startsWith('torch.nn.') && /^[A-Z]/.test(b.slice(9))));
    if (!torch) {
      this.classModule.set(cls, null);
      return null;
    }
    const mod: ModuleVal = { kind: 'class', name: cls.name, node: cls.node, cls, modeDeps: null, initialMode: 'train', torch: true, lightning };
    this.classModule.set(cls, mod);
    const fwd = this.sem.methodOf(cls, 'forward');
    mod.out = fwd ? this.returnValue(fwd) : EMPTY;
    mod.modeDeps = this.classModeDeps(cls);
    return mod;
  }

  private classModeDeps(cls: ClassInfo): string[] | null {
    if (this.classDeps.has(cls)) return this.classDeps.get(cls)!;
    this.classDeps.set(cls, null);
    const parts: (string[] | null)[] = [];
    const seen = new Set<ClassInfo>();
    const visit = (c: ClassInfo) => {
      if (seen.has(c)) return;
      seen.add(c);
      for (const defs of c.attrs.values())
        for (const d of defs) {
          const value = d.value ? unparen(d.value) : null;
          if (!value) continue;
          const v = this.valueOfDef({ ...d, kind: 'assign' });
          if (v.module) parts.push(v.module.modeDeps);
          else if (v.tuple && v.tuple.some((t) => t.module)) parts.push(unionDeps(v.tuple.map((t) => (t.module ? t.module.modeDeps : null))));
          else if (value.type === 'call' && !v.loss && !v.transform && !v.act && !v.shape) parts.push(null);
        }
      for (const b of c.bases) {
        const bc = this.sem.classFromExpr(b);
        if (bc) visit(bc);
      }
      for (const m of c.methods.values())
        if (m.body)
          this.sem.forLocal(m.body, (n) => {
            if (n.type !== 'call') return;
            const q = this.sem.calleeQ(n);
            if (q === 'torch.nn.functional.dropout' || q === 'torch.nn.functional.dropout2d' || q === 'torch.nn.functional.batch_norm' || q === 'torch.nn.functional.alpha_dropout')
              parts.push([q.replace('torch.nn.functional.', 'F.')]);
          });
    };
    visit(cls);
    const r = unionDeps(parts);
    this.classDeps.set(cls, r);
    return r;
  }

  /** A call to a loss: a loss object (nn.CrossEntropyLoss()) or a functional loss, with its prediction argument. */
  lossCall(call: PyNode): LossCall | null {
    const f = child(call, 'function');
    if (!f) return null;
    const args = argsOf(call, this.sem);
    const q = this.sem.qname(f);
    if (q) {
      const spec = LOSS_FNS[q];
      if (!spec) return null;
      const input = spec.pos === null ? (args.keywords.get(spec.kw) ?? null) : argFor(args, spec.pos, spec.kw);
      const target = spec.targetPos === null ? (args.keywords.get(spec.targetKw) ?? null) : argFor(args, spec.targetPos, spec.targetKw);
      return { call, kind: spec.kind, name: this.text(f), input, target };
    }
    const v = this.valueOf(f);
    if (!v.loss) return null;
    return { call, kind: v.loss.kind, name: this.text(f), input: argFor(args, 0, 'input'), target: argFor(args, 1, 'target'), lossAt: v.loss.node };
  }
}

export function passTensor(v: Val): Val {
  if (v === EMPTY) return EMPTY;
  const r: Val = {};
  if (v.act) {
    r.act = v.act;
    r.actAt = v.actAt;
  }
  if (v.shape) {
    r.shape = v.shape;
    r.shapeAt = v.shapeAt;
  }
  if (v.scaled01) r.scaled01 = v.scaled01;
  if (v.listing) r.listing = v.listing;
  return r;
}

function unpack(v: Val, path: number[]): Val {
  for (const i of path) {
    if (v.tuple) v = v.tuple[i] ?? EMPTY;
    else if (v.same) v = v.same;
    else return EMPTY;
  }
  return v;
}

function unionDeps(parts: (string[] | null)[]): string[] | null {
  const out: string[] = [];
  for (const p of parts) {
    if (p === null) return null;
    for (const x of p) if (!out.includes(x)) out.push(x);
  }
  return out;
}

function unionListing(ls: (ListingVal | undefined)[]): ListingVal {
  const roots: PyNode[] = [];
  const unsorted: PyNode[] = [];
  for (const l of ls) {
    if (!l) continue;
    for (const r of l.roots) if (!roots.includes(r)) roots.push(r);
    for (const r of l.unsorted) if (!unsorted.includes(r)) unsorted.push(r);
  }
  return { roots, unsorted };
}

function shapeFromDims(call: PyNode, args: Args, sem: Semantics): Val {
  let dims = args.positional;
  const size = args.keywords.get('size');
  if (size) dims = [size];
  if (dims.length === 1 && (dims[0]!.type === 'tuple' || dims[0]!.type === 'list')) dims = dims[0]!.children;
  const q = sem.calleeQ(call) ?? '';
  if (/numpy\.random\.(normal|uniform)$/.test(q) && !size) return EMPTY;
  if (dims.length === 1) return { shape: 'N', shapeAt: call };
  if (dims.length === 2 && isLiteral(dims[1]!, sem, '1')) return { shape: 'N1', shapeAt: call };
  return EMPTY;
}

/** Keeps what all values agree on. */
export function merge(vals: Val[]): Val {
  if (vals.length === 0) return EMPTY;
  if (vals.length === 1) return vals[0]!;
  const [a, ...rest] = vals as [Val, ...Val[]];
  const r: Val = {};
  if (a.act && rest.every((v) => v.act === a.act)) {
    r.act = a.act;
    r.actAt = a.actAt;
  }
  if (a.shape && rest.every((v) => v.shape === a.shape)) {
    r.shape = a.shape;
    r.shapeAt = a.shapeAt;
  }
  if (a.module && rest.every((v) => v.module && (v.module === a.module || (v.module.cls && v.module.cls === a.module!.cls)))) r.module = a.module;
  if (a.mode && rest.every((v) => v.mode === a.mode)) r.mode = a.mode;
  if (a.loss && rest.every((v) => v.loss?.kind === a.loss!.kind)) r.loss = a.loss;
  if (a.transform && rest.every((v) => v.transform)) r.transform = a.transform;
  if (a.scaled01 && rest.every((v) => v.scaled01)) r.scaled01 = a.scaled01;
  if (vals.every((v) => v.listing)) r.listing = unionListing(vals.map((v) => v.listing));
  if (a.tuple && rest.every((v) => v.tuple && v.tuple.length === a.tuple!.length)) r.tuple = a.tuple.map((_, i) => merge(vals.map((v) => v.tuple![i]!)));
  if (a.dataset && rest.every((v) => v.dataset && v.dataset.length === a.dataset!.length)) r.dataset = a.dataset.map((_, i) => merge(vals.map((v) => v.dataset![i]!)));
  if (a.loader && rest.every((v) => v.loader && v.loader.length === a.loader!.length)) r.loader = a.loader.map((_, i) => merge(vals.map((v) => v.loader![i]!)));
  if (a.fn && rest.every((v) => v.fn === a.fn)) r.fn = a.fn;
  if (a.cls && rest.every((v) => v.cls === a.cls)) r.cls = a.cls;
  if (a.instance && rest.every((v) => v.instance === a.instance)) r.instance = a.instance;
  if (a.qname && rest.every((v) => v.qname === a.qname)) r.qname = a.qname;
  return r;
}
