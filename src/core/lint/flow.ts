/**
 * Training-loop facts shared by several rules: which loops train (call backward) and which
 * evaluate, which models they call, the train/eval mode a model is in at a point (following
 * loops around and calls into functions of the same file), and whether gradients are off.
 */
import { argFor, argsOf, type FunctionInfo, Semantics } from './scope';
import { child, memoOf, type PyNode } from './syntax';
import { type ModuleVal, Values } from './values';

export type ModeState = 'train' | 'eval' | 'unknown';

export interface ModeEvent {
  pos: number;
  mode: ModeState;
  node: PyNode;
}

export interface ModeResult {
  modes: Set<ModeState>;
  /** The event that produced each definite mode. */
  because: Map<ModeState, ModeEvent>;
  /** For modes reached by going around a loop: that loop. */
  wrapLoop?: PyNode;
}

export interface ModelCall {
  call: PyNode;
  key: string;
  module: ModuleVal;
}

/** Callee names of backward calls (see isBackwardCall). */
export const BACKWARD_NAMES = new Set(['backward', 'manual_backward']);
const LOOPS = new Set(['for_statement', 'while_statement']);
export const VAL_RE = /(?:^|[^a-zA-Z])(val|valid|validation|test|testing|eval|evaluation|dev|holdout)(?:_?(?:loader|dataloader|dl|set|data|dataset|ds|batches|iter|iterator|gen|generator|samples|examples))?(?:[^a-zA-Z]|$)/i;
export const EVAL_FN_RE = /^(evaluate|eval|validate|validation|valid|val|predict|inference|infer)(_|$)|evaluat|validat/i;

export class Flow {
  private readonly backwardFns = new Map<FunctionInfo, boolean>();
  private readonly summaries = new Map<string, ModeState | null>();
  private readonly busy = new Set<string | FunctionInfo>();
  // Several rules ask the same questions about the same calls and loops.
  private readonly events = new Map<string, ModeEvent[]>();
  private fnNames: Set<string> | null = null;

  constructor(
    readonly sem: Semantics,
    readonly values: Values,
  ) {}

  private text(n: PyNode): string {
    return this.sem.text(n);
  }

  /** A node's text without whitespace (computed once: mode events compare it for every model key). */
  private compact(n: PyNode): string {
    const memo = memoOf(n, this.sem);
    let t = memo.compact;
    if (t === undefined) memo.compact = t = this.text(n).replace(/\s+/g, '');
    return t;
  }

  /** `loss.backward()`, `scaler.scale(loss).backward()`, `accelerator.backward(loss)`, `self.manual_backward(loss)`. */
  isBackwardCall(call: PyNode): boolean {
    const memo = memoOf(call, this.sem);
    let r = memo.backwardCall;
    if (r === undefined) {
      const name = this.sem.calleeName(call);
      r = !!name && BACKWARD_NAMES.has(name) && child(call, 'function')?.type === 'attribute';
      memo.backwardCall = r;
    }
    return r;
  }

  /** The function of this file a call runs (plain functions and `self.method(...)`). */
  localCallee(call: PyNode): FunctionInfo | null {
    const memo = memoOf(call, this.sem);
    let r = memo.callee as FunctionInfo | null | undefined;
    if (r === undefined) memo.callee = r = this.findCallee(call);
    return r;
  }

  private findCallee(call: PyNode): FunctionInfo | null {
    const f = child(call, 'function');
    if (!f) return null;
    if (f.type === 'identifier') {
      const d = this.sem.lookup(f);
      return d?.kind === 'def' ? (d.fn ?? null) : null;
    }
    if (f.type === 'attribute') {
      const obj = child(f, 'object');
      const fn = this.sem.enclosingFunction(call);
      if (obj?.type === 'identifier' && fn?.cls && fn.params[0] === this.text(obj)) return this.sem.methodOf(fn.cls, this.text(child(f, 'attribute')!));
    }
    return null;
  }

  functionHasBackward(fn: FunctionInfo): boolean {
    const c = this.backwardFns.get(fn);
    if (c !== undefined) return c;
    if (this.busy.has(fn) || !fn.body) return false;
    this.busy.add(fn);
    const r = this.regionHasBackward(fn.body);
    this.busy.delete(fn);
    this.backwardFns.set(fn, r);
    return r;
  }

  /** Backward calls in a region, directly or through functions of this file. */
  regionHasBackward(region: PyNode): boolean {
    const memo = memoOf(region, this.sem);
    let r = memo.regionBackward;
    if (r === undefined) {
      r = this.searchBackward(region);
      // a function still being searched (recursion) may answer false too early: keep only what is final
      if (r || this.busy.size === 0) memo.regionBackward = r;
    }
    return r;
  }

  private searchBackward(region: PyNode): boolean {
    let found = false;
    const visit = (n: PyNode) => {
      if (found || n.type !== 'call') return;
      if (this.isBackwardCall(n)) found = true;
      else {
        const fn = this.localCallee(n);
        if (fn && this.functionHasBackward(fn)) found = true;
      }
    };
    visit(region);
    this.sem.forLocal(region, visit);
    return found;
  }

  /** Calls of torch models (values known to be nn.Module instances) in a region. Do not modify the result (it is shared). */
  modelCalls(region: PyNode): ModelCall[] {
    const memo = memoOf(region, this.sem);
    const cached = memo.models as ModelCall[] | undefined;
    if (cached) return cached;
    const out: ModelCall[] = [];
    memo.models = out;
    this.sem.forLocal(region, (n) => {
      if (n.type !== 'call') return;
      const f = child(n, 'function');
      if (!f || (f.type !== 'identifier' && f.type !== 'attribute')) return;
      let target = f;
      if (f.type === 'attribute' && this.text(child(f, 'attribute')!) === 'forward') target = child(f, 'object')!;
      if (target.type !== 'identifier' && target.type !== 'attribute') return;
      const v = this.values.valueOf(target);
      const m = v.module;
      if (!m || !m.torch || m.kind === 'activation' || m.kind === 'layer' || m.kind === 'linear') return;
      out.push({ call: n, key: this.text(target).replace(/\s+/g, ''), module: m });
    });
    return out;
  }

  /** Innermost loops (per backward site) that train. */
  trainingLoops(): PyNode[] {
    const out = new Set<PyNode>();
    // a call trains if it is a backward call or runs a function of this file (whose name it spells)
    if (!this.fnNames) this.fnNames = new Set(this.sem.functions.map((f) => f.name));
    const names = this.fnNames;
    for (const call of this.sem.callsWhere((n) => BACKWARD_NAMES.has(n) || names.has(n))) {
      let trains = this.isBackwardCall(call);
      if (!trains) {
        const fn = this.localCallee(call);
        trains = !!fn && this.functionHasBackward(fn);
      }
      if (!trains) continue;
      const loop = this.enclosingLoop(call);
      if (loop) out.add(loop);
    }
    return [...out].sort((a, b) => a.start - b.start);
  }

  /** The innermost loop around `n` within its function. */
  enclosingLoop(n: PyNode): PyNode | null {
    for (let p = n.parent; p; p = p.parent) {
      if (LOOPS.has(p.type)) return p;
      if (p.type === 'function_definition' || p.type === 'class_definition' || p.type === 'lambda') return null;
    }
    return null;
  }

  loopsAround(n: PyNode, container: PyNode): PyNode[] {
    const out: PyNode[] = [];
    for (let p = n.parent; p && p !== container; p = p.parent) {
      if (LOOPS.has(p.type)) out.push(p);
      if (p.type === 'function_definition' || p.type === 'class_definition') break;
    }
    return out;
  }

  /** Models a training loop trains: the models it calls, and models passed to functions that call backward. */
  trainedModels(loop: PyNode): ModelCall[] {
    const out = [...this.modelCalls(loop)];
    this.sem.forLocal(loop, (n) => {
      if (n.type !== 'call') return;
      const fn = this.localCallee(n);
      if (!fn || !this.functionHasBackward(fn)) return;
      const args = argsOf(n, this.sem);
      for (const a of [...args.positional, ...args.keywords.values()]) {
        if (a.type !== 'identifier' && a.type !== 'attribute') continue;
        const v = this.values.valueOf(a);
        if (v.module?.torch && v.module.kind !== 'activation' && v.module.kind !== 'layer') out.push({ call: n, key: this.text(a), module: v.module });
      }
    });
    return out;
  }

  // -------------------------------------------------------------------------------------
  // train/eval mode

  /** Do not modify the result (it is shared). */
  private modeEvents(fn: FunctionInfo | null, key: string): ModeEvent[] {
    const id = `${fn ? fn.node.start : -1}:${key}`;
    const cached = this.events.get(id);
    if (cached) return cached;
    // while a summary is being computed (recursion) a callee's summary can be missing: keep only complete answers
    const complete = this.busy.size === 0;
    const events = this.findModeEvents(fn, key);
    if (complete) this.events.set(id, events);
    return events;
  }

  private findModeEvents(fn: FunctionInfo | null, key: string): ModeEvent[] {
    const body = fn ? fn.body : this.sem.root;
    if (!body) return [];
    const events: ModeEvent[] = [];
    const evalText = `${key}.eval`;
    const trainText = `${key}.train`;
    this.sem.forLocal(body, (n) => {
      if (n.type === 'call') {
        const f = child(n, 'function');
        if (!f) return;
        const ft = this.compact(f);
        if (ft === evalText) events.push({ pos: n.start, mode: 'eval', node: n });
        else if (ft === trainText) {
          const a = argFor(argsOf(n, this.sem), 0, 'mode');
          const t = a ? this.text(a) : 'True';
          events.push({ pos: n.start, mode: t === 'True' ? 'train' : t === 'False' ? 'eval' : 'unknown', node: n });
        } else {
          const callee = this.localCallee(n);
          if (!callee) return;
          if (key.startsWith('self.') && f.type === 'attribute') {
            const s = this.summary(callee, key);
            if (s) events.push({ pos: n.start, mode: s, node: n });
            return;
          }
          const args = argsOf(n, this.sem);
          const skip = f.type === 'attribute' ? 1 : 0;
          callee.params.forEach((p, i) => {
            if (i < skip) return;
            const a = argFor(args, i - skip, p);
            if (!a) return;
            const at = this.compact(a);
            let pk: string | null = null;
            if (at === key) pk = p;
            else if (key.startsWith(at + '.')) pk = p + key.slice(at.length);
            if (!pk) return;
            const s = this.summary(callee, pk);
            if (s) events.push({ pos: n.start, mode: s, node: n });
          });
        }
      } else if (n.type === 'assignment') {
        const left = child(n, 'left');
        const right = child(n, 'right');
        if (!left || !right || this.compact(left) !== key) return;
        const rt = this.compact(right);
        if (rt.startsWith(key + '.') || rt.startsWith(key + '(')) return; // model = model.to(device)
        if (/^(torch\.compile|nn\.DataParallel|torch\.nn\.DataParallel|DDP|DistributedDataParallel)\(/.test(rt) && rt.includes(key)) return;
        const v = this.values.valueOf(right);
        const mode: ModeState = v.module ? (v.mode ?? v.module.initialMode) : 'unknown';
        events.push({ pos: n.end, mode, node: n });
      }
    });
    return events.sort((a, b) => a.pos - b.pos);
  }

  /** The mode a function leaves `key` in (its last mode event), or null if it does not touch it. */
  private summary(fn: FunctionInfo, key: string): ModeState | null {
    const id = `${fn.node.start}:${key}`;
    if (this.summaries.has(id)) return this.summaries.get(id)!;
    if (this.busy.has(id)) return null;
    this.busy.add(id);
    const ev = this.modeEvents(fn, key);
    this.busy.delete(id);
    const r = ev.length ? ev[ev.length - 1]!.mode : null;
    this.summaries.set(id, r);
    return r;
  }

  /** The modes `key` can be in when `site` runs. */
  modeAt(site: PyNode, key: string, depth = 0): ModeResult {
    const res: ModeResult = { modes: new Set(), because: new Map() };
    const add = (m: ModeState, e?: ModeEvent) => {
      res.modes.add(m);
      if (e && !res.because.has(m)) res.because.set(m, e);
    };
    if (depth > 4) {
      add('unknown');
      return res;
    }
    const fn = this.sem.enclosingFunction(site);
    const container = fn ? fn.body! : this.sem.root;
    const events = this.modeEvents(fn, key);
    /**
     * An event in one branch of an if/else (or a ternary, a try) that does not contain the site,
     * where another branch sets another mode: `if phase == 'train': model.train() else: model.eval()`.
     * Which branch ran is usually correlated with the site, so the mode is not known.
     */
    const ambiguous = (e: ModeEvent): boolean => {
      for (let p = e.node.parent; p && p !== container; p = p.parent) {
        if (p.start <= site.start && site.end <= p.end) return false;
        if (p.type === 'if_statement' || p.type === 'conditional_expression' || p.type === 'try_statement' || p.type === 'match_statement') {
          const q = p;
          if (events.some((o) => o !== e && o.mode !== e.mode && o.pos >= q.start && o.pos < q.end)) return true;
        }
      }
      return false;
    };
    const addEvent = (e: ModeEvent) => (ambiguous(e) ? add('unknown') : add(e.mode, e));
    let prior: ModeEvent | null = null;
    for (const e of events) if (e.pos < site.start) prior = e;
    for (const lp of this.loopsAround(site, container)) {
      const inBody = events.filter((e) => e.pos >= lp.start && e.pos < lp.end);
      if (inBody.some((e) => e.pos < site.start)) break;
      const after = inBody.filter((e) => e.pos > site.start);
      if (after.length) {
        addEvent(after[after.length - 1]!);
        res.wrapLoop = lp;
        break;
      }
    }
    if (prior) {
      addEvent(prior);
      return res;
    }
    if (!fn) {
      add('unknown');
      return res;
    }
    // entry state: from the callers
    const root = key.split('.')[0]!;
    const pi = fn.params.indexOf(root);
    const isLocal = pi < 0 && fn.scope.defs.has(root);
    if (isLocal || fn.callSites.length === 0) {
      add('unknown');
      return res;
    }
    for (const site2 of fn.callSites) {
      let k2: string | null = key;
      if (pi >= 0 && !(pi === 0 && fn.cls)) {
        const a = argFor(argsOf(site2.call, this.sem), pi - site2.skip, root);
        const at = a && (a.type === 'identifier' || a.type === 'attribute') ? this.text(a).replace(/\s+/g, '') : null;
        k2 = at ? at + key.slice(root.length) : null;
      }
      if (!k2) {
        add('unknown');
        continue;
      }
      const r = this.modeAt(site2.call, k2, depth + 1);
      for (const m of r.modes) add(m, r.because.get(m));
    }
    return res;
  }

  // -------------------------------------------------------------------------------------
  // gradients off

  /** true: gradients are off at n; false: on; null: cannot tell. */
  inNoGrad(n: PyNode, depth = 0): boolean | null {
    for (let p = n.parent; p; p = p.parent) {
      if (p.type === 'with_statement') {
        const head = this.text(p).slice(0, (child(p, 'body')?.start ?? p.end) - p.start);
        if (/\b(no_grad|inference_mode)\s*\(/.test(head) || /set_grad_enabled\(\s*False\s*\)/.test(head)) return true;
        if (/set_grad_enabled\(/.test(head)) return null;
      }
      if (p.type === 'function_definition') {
        const fn = this.sem.functionOf(p);
        if (!fn) return null;
        if (fn.decorators.some((d) => /(no_grad|inference_mode)/.test(this.text(d)))) return true;
        if (fn.callSites.length === 0 || depth > 3) return null;
        let all: boolean | null = true;
        for (const s of fn.callSites) {
          const r = this.inNoGrad(s.call, depth + 1);
          if (r === false) return false;
          if (r === null) all = null;
        }
        return all;
      }
      if (p.type === 'class_definition') return null;
    }
    for (const call of this.sem.callsWhere((x) => x.endsWith('set_grad_enabled'), true)) {
      if (call.start >= n.start) continue;
      if (/set_grad_enabled$/.test(this.sem.calleeQ(call) ?? '') && /\(\s*False\s*\)/.test(this.text(call))) return true;
    }
    return false;
  }
}
