/**
 * Name resolution for one Python module: scopes, the definitions of each name (with the
 * offset from which each is visible), imports as qualified names, classes and their
 * `self.x` attributes, functions and the places they are called from.
 * Flow-insensitive on purpose: a reference sees the textually last definition before it.
 */
import { child, memoOf, type PyNode, unparen, walk } from './syntax';

export type DefKind = 'assign' | 'for' | 'comp' | 'param' | 'import' | 'def' | 'class' | 'with' | 'aug' | 'other';

export interface Def {
  name: string;
  kind: DefKind;
  /** Visible to references that start at or after this offset. */
  pos: number;
  /** The target (identifier) or the def/class node. */
  node: PyNode;
  /** Right-hand side (assign), iterable (for/comp), default value (param). */
  value: PyNode | null;
  /** Index path into a tuple-unpacking target (`a, (b, c) = ...` -> b has [1, 0]). */
  path: number[];
  qname?: string;
  fn?: FunctionInfo;
  paramIndex?: number;
  cls?: ClassInfo;
}

export interface Scope {
  node: PyNode;
  kind: 'module' | 'function' | 'class' | 'lambda';
  parent: Scope | null;
  defs: Map<string, Def[]>;
  fn?: FunctionInfo;
}

export interface FunctionInfo {
  node: PyNode;
  name: string;
  params: string[];
  /** Default value nodes by parameter name. */
  defaults: Map<string, PyNode>;
  decorators: PyNode[];
  body: PyNode | null;
  cls: ClassInfo | null;
  scope: Scope;
  callSites: CallSite[];
}

export interface CallSite {
  call: PyNode;
  /** Offset of the first parameter the arguments map onto (1 for methods called on an instance and for constructors). */
  skip: number;
}

export interface ClassInfo {
  node: PyNode;
  name: string;
  bases: PyNode[];
  methods: Map<string, FunctionInfo>;
  /** `self.<name> = value` in any method. */
  attrs: Map<string, Def[]>;
}

const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

/** Names that are conventionally bound to a module even when the import is not visible (notebooks, snippets). */
const CONVENTIONAL: Record<string, string> = {
  F: 'torch.nn.functional',
  nn: 'torch.nn',
  torch: 'torch',
  np: 'numpy',
  tf: 'tensorflow',
  optim: 'torch.optim',
  pd: 'pandas',
  glob: 'glob',
  os: 'os',
};
const BUILTINS = new Set([
  'sorted', 'zip', 'list', 'tuple', 'enumerate', 'range', 'len', 'map', 'filter', 'iter', 'next', 'print', 'set', 'dict', 'open',
  'isinstance', 'super', 'min', 'max', 'sum', 'abs', 'round', 'int', 'float', 'str', 'bool', 'reversed', 'any', 'all', 'getattr', 'setattr',
]);

const PREFIXES: [string, string][] = [
  ['tensorflow.keras.', 'keras.'],
  ['tensorflow.python.keras.', 'keras.'],
  ['tf_keras.', 'keras.'],
  ['pytorch_lightning.', 'lightning.'],
  ['lightning.pytorch.', 'lightning.'],
  ['torchvision.transforms.v2.', 'torchvision.transforms.'],
  ['torch.nn.modules.loss.', 'torch.nn.'],
  ['torch.nn.modules.', 'torch.nn.'],
  ['jax.numpy.', 'jnp.'],
];
export function normalizeQ(q: string): string {
  for (const [from, to] of PREFIXES) if (q.startsWith(from)) return to + q.slice(from.length);
  if (q === 'tensorflow.keras') return 'keras';
  if (q === 'pytorch_lightning' || q === 'lightning.pytorch') return 'lightning';
  return q;
}

export class Semantics {
  readonly module: Scope;
  readonly functions: FunctionInfo[] = [];
  readonly classes: ClassInfo[] = [];
  readonly calls: PyNode[] = [];
  readonly loops: PyNode[] = [];
  readonly binops: PyNode[] = [];
  readonly augs: PyNode[] = [];
  readonly subscripts: PyNode[] = [];
  readonly imports: PyNode[] = [];
  private readonly scopeByNode = new Map<PyNode, Scope>();
  private readonly fnByNode = new Map<PyNode, FunctionInfo>();
  private readonly classByNode = new Map<PyNode, ClassInfo>();
  /** Names bound by an import in any scope: a call through one can have any qualified name. */
  private readonly importNames = new Set<string>();
  /** Indexes into `calls` by callee name (NO_NAME: callees that are not a name or an attribute). */
  private readonly byCallee = new Map<string, number[]>();

  constructor(readonly root: PyNode, readonly src: string) {
    this.module = { node: root, kind: 'module', parent: null, defs: new Map() };
    this.scopeByNode.set(root, this.module);
    this.visitBlock(root, this.module);
    this.indexCallSites();
  }

  text(n: PyNode): string {
    return this.src.slice(n.start, n.end);
  }

  // -------------------------------------------------------------------------------------
  // Building

  private addDef(scope: Scope, def: Def): void {
    if (def.kind === 'import') this.importNames.add(def.name);
    const list = scope.defs.get(def.name);
    if (list) list.push(def);
    else scope.defs.set(def.name, [def]);
  }

  private visitBlock(block: PyNode, scope: Scope): void {
    for (const s of block.children) this.visit(s, scope);
  }

  /** Visits any node: records bindings, creates scopes and indexes nodes for the rules. */
  private visit(n: PyNode, scope: Scope): void {
    switch (n.type) {
      case 'function_definition':
        this.visitFunction(n, scope, []);
        return;
      case 'decorated_definition': {
        const decorators = n.children.filter((c) => c.type === 'decorator');
        for (const d of decorators) this.visitChildren(d, scope);
        const def = child(n, 'definition');
        if (def?.type === 'function_definition') this.visitFunction(def, scope, decorators);
        else if (def?.type === 'class_definition') this.visitClass(def, scope);
        return;
      }
      case 'class_definition':
        this.visitClass(n, scope);
        return;
      case 'lambda': {
        const ls: Scope = { node: n, kind: 'lambda', parent: scope, defs: new Map() };
        this.scopeByNode.set(n, ls);
        const params = child(n, 'parameters');
        if (params) for (const p of params.children) {
          const id = p.type === 'identifier' ? p : child(p, 'name') ?? p.children.find((c) => c.type === 'identifier');
          if (id && id.type === 'identifier') this.addDef(ls, { name: this.text(id), kind: 'param', pos: n.start, node: id, value: null, path: [] });
        }
        const body = child(n, 'body');
        if (body) this.visit(body, ls);
        return;
      }
      case 'assignment':
        this.visitAssignment(n, scope);
        return;
      case 'augmented_assignment': {
        this.augs.push(n);
        const left = child(n, 'left');
        if (left?.type === 'identifier') this.addDef(scope, { name: this.text(left), kind: 'aug', pos: n.end, node: left, value: n, path: [] });
        this.visitChildren(n, scope);
        return;
      }
      case 'for_statement':
      case 'while_statement':
        this.loops.push(n);
        if (n.type === 'for_statement') {
          const left = child(n, 'left');
          const right = child(n, 'right');
          if (left && right) this.bindTarget(left, scope, 'for', right, right.end, []);
        }
        this.visitChildren(n, scope);
        return;
      case 'with_statement':
        walk(n, (c) => {
          if (c.type === 'as_pattern') {
            const target = child(c, 'alias');
            const t = target?.type === 'as_pattern_target' ? target.children[0] : target;
            if (t) this.bindTarget(t, scope, 'with', c.children[0] ?? null, c.end, []);
            return false;
          }
          return c.type !== 'block';
        });
        this.visitChildren(n, scope);
        return;
      case 'import_statement':
      case 'import_from_statement':
        this.imports.push(n);
        this.visitImport(n, scope);
        return;
      case 'named_expression': {
        const name = child(n, 'name');
        if (name) this.addDef(scope, { name: this.text(name), kind: 'assign', pos: n.end, node: name, value: child(n, 'value'), path: [] });
        this.visitChildren(n, scope);
        return;
      }
      case 'call': {
        // index by callee name now, while the node is at hand (see callsWhere)
        const name = this.calleeName(n) ?? NO_NAME;
        const list = this.byCallee.get(name);
        if (list) list.push(this.calls.length);
        else this.byCallee.set(name, [this.calls.length]);
        this.calls.push(n);
        break;
      }
      case 'attribute': {
        const obj = child(n, 'object');
        if (obj) this.visit(obj, scope);
        return;
      }
      case 'keyword_argument': {
        const v = child(n, 'value');
        if (v) this.visit(v, scope);
        return;
      }
      case 'binary_operator':
        this.binops.push(n);
        break;
      case 'subscript':
        this.subscripts.push(n);
        break;
      case 'identifier':
      case 'string':
      case 'integer':
      case 'float':
        return;
      default:
        if (COMPREHENSIONS.has(n.type)) {
          // Comprehension variables are resolved by walking up from the reference.
          break;
        }
    }
    this.visitChildren(n, scope);
  }

  private visitChildren(n: PyNode, scope: Scope): void {
    for (const c of n.children) this.visit(c, scope);
  }

  private visitAssignment(n: PyNode, scope: Scope): void {
    // a = b = value parses as assignment(left a, right assignment(left b, right value))
    const targets: PyNode[] = [];
    let value: PyNode | null = null;
    for (let cur: PyNode | null = n; cur; ) {
      const left = child(cur, 'left');
      const right = child(cur, 'right');
      if (left) targets.push(left);
      if (right?.type === 'assignment') cur = right;
      else {
        value = right;
        cur = null;
      }
    }
    for (const t of targets) this.bindTarget(t, scope, 'assign', value, n.end, []);
    this.visitChildren(n, scope);
  }

  /** Binds the identifiers of a target pattern; `self.x` targets become class attributes. */
  private bindTarget(t: PyNode, scope: Scope, kind: DefKind, value: PyNode | null, pos: number, path: number[]): void {
    switch (t.type) {
      case 'identifier':
        this.addDef(scope, { name: this.text(t), kind, pos, node: t, value, path });
        return;
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'expression_list':
      case 'tuple':
      case 'list':
      case 'parenthesized_expression': {
        const kids = t.children;
        if (t.type === 'parenthesized_expression' && kids.length === 1) {
          this.bindTarget(kids[0]!, scope, kind, value, pos, path);
          return;
        }
        kids.forEach((k, i) => this.bindTarget(k.type === 'list_splat_pattern' ? (k.children[0] ?? k) : k, scope, kind, value, pos, [...path, i]));
        return;
      }
      case 'attribute': {
        const obj = child(t, 'object');
        const attr = child(t, 'attribute');
        const fn = scope.fn;
        if (obj?.type === 'identifier' && attr && fn?.cls && fn.params[0] === this.text(obj)) {
          const name = this.text(attr);
          const def: Def = { name, kind, pos, node: t, value, path, fn };
          const list = fn.cls.attrs.get(name);
          if (list) list.push(def);
          else fn.cls.attrs.set(name, [def]);
        }
        return;
      }
      default:
        return;
    }
  }

  private visitImport(n: PyNode, scope: Scope): void {
    if (n.type === 'import_statement') {
      for (const c of n.children) {
        if (c.type === 'dotted_name') {
          const full = this.text(c);
          const first = full.split('.')[0]!;
          this.addDef(scope, { name: first, kind: 'import', pos: n.end, node: c, value: null, path: [], qname: normalizeQ(first) });
        } else if (c.type === 'aliased_import') {
          const name = child(c, 'name');
          const alias = child(c, 'alias');
          if (name && alias) this.addDef(scope, { name: this.text(alias), kind: 'import', pos: n.end, node: alias, value: null, path: [], qname: normalizeQ(this.text(name)) });
        }
      }
      return;
    }
    const mod = child(n, 'module_name');
    const base = mod ? this.text(mod) : '';
    for (const c of n.children) {
      if (c === mod) continue;
      if (c.type === 'dotted_name') {
        const name = this.text(c);
        this.addDef(scope, { name, kind: 'import', pos: n.end, node: c, value: null, path: [], qname: normalizeQ(`${base}.${name}`) });
      } else if (c.type === 'aliased_import') {
        const name = child(c, 'name');
        const alias = child(c, 'alias');
        if (name && alias) this.addDef(scope, { name: this.text(alias), kind: 'import', pos: n.end, node: alias, value: null, path: [], qname: normalizeQ(`${base}.${this.text(name)}`) });
      }
    }
  }

  private visitFunction(n: PyNode, scope: Scope, decorators: PyNode[]): void {
    const nameNode = child(n, 'name');
    const name = nameNode ? this.text(nameNode) : '<lambda>';
    const cls = scope.kind === 'class' ? (this.classByNode.get(scope.node) ?? null) : null;
    const fs: Scope = { node: n, kind: 'function', parent: scope, defs: new Map() };
    const info: FunctionInfo = { node: n, name, params: [], defaults: new Map(), decorators, body: child(n, 'body'), cls, scope: fs, callSites: [] };
    fs.fn = info;
    this.scopeByNode.set(n, fs);
    this.fnByNode.set(n, info);
    this.functions.push(info);
    if (cls && !decorators.some((d) => /staticmethod/.test(this.text(d)))) cls.methods.set(name, info);
    if (nameNode) this.addDef(scope, { name, kind: 'def', pos: n.start, node: n, value: null, path: [], fn: info });
    const params = child(n, 'parameters');
    if (params) {
      let i = 0;
      for (const p of params.children) {
        let id: PyNode | null = null;
        let dflt: PyNode | null = null;
        if (p.type === 'identifier') id = p;
        else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
          id = child(p, 'name');
          dflt = child(p, 'value');
        } else if (p.type === 'typed_parameter') id = p.children.find((c) => c.type === 'identifier') ?? null;
        else if (p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern') {
          i++;
          continue;
        }
        if (!id) continue;
        const pname = this.text(id);
        info.params.push(pname);
        if (dflt) info.defaults.set(pname, dflt);
        this.addDef(fs, { name: pname, kind: 'param', pos: n.start, node: id, value: dflt, path: [], fn: info, paramIndex: i });
        i++;
      }
      // default values are evaluated in the enclosing scope
      for (const p of params.children) {
        const v = child(p, 'value');
        if (v) this.visit(v, scope);
      }
    }
    if (info.body) this.visitBlock(info.body, fs);
  }

  private visitClass(n: PyNode, scope: Scope): void {
    const nameNode = child(n, 'name');
    const name = nameNode ? this.text(nameNode) : '?';
    const supers = child(n, 'superclasses');
    const bases = supers ? supers.children.filter((c) => c.type !== 'keyword_argument') : [];
    const info: ClassInfo = { node: n, name, bases, methods: new Map(), attrs: new Map() };
    this.classes.push(info);
    this.classByNode.set(n, info);
    if (supers) this.visitChildren(supers, scope);
    const cs: Scope = { node: n, kind: 'class', parent: scope, defs: new Map() };
    this.scopeByNode.set(n, cs);
    this.addDef(scope, { name, kind: 'class', pos: n.start, node: n, value: null, path: [], cls: info });
    const body = child(n, 'body');
    if (body) this.visitBlock(body, cs);
  }

  private indexCallSites(): void {
    // a call site of a function or class of this file spells its name
    const names = new Set<string>();
    for (const f of this.functions) names.add(f.name);
    for (const c of this.classes) names.add(c.name);
    for (const call of this.callsWhere((n) => names.has(n))) {
      const f = child(call, 'function');
      if (!f) continue;
      if (f.type === 'identifier') {
        const d = this.lookup(f);
        if (d?.kind === 'def' && d.fn) d.fn.callSites.push({ call, skip: 0 });
        else if (d?.kind === 'class' && d.cls) {
          const init = this.methodOf(d.cls, '__init__');
          if (init) init.callSites.push({ call, skip: 1 });
        }
      } else if (f.type === 'attribute') {
        const obj = child(f, 'object');
        const attr = child(f, 'attribute');
        if (obj?.type !== 'identifier' || !attr) continue;
        const fn = this.enclosingFunction(call);
        if (fn?.cls && fn.params[0] === this.text(obj)) {
          const m = this.methodOf(fn.cls, this.text(attr));
          if (m) m.callSites.push({ call, skip: 1 });
        }
      }
    }
  }

  // -------------------------------------------------------------------------------------
  // Queries

  /** The scope a node is evaluated in (for a def or class node: the scope it is defined in). */
  scopeOf(n: PyNode): Scope {
    for (let p: PyNode | null = n.parent; p; p = p.parent) {
      const t = p.type;
      // only these open a scope: skip the map for the others
      if (t !== 'function_definition' && t !== 'class_definition' && t !== 'lambda' && t !== 'module') continue;
      const s = this.scopeByNode.get(p);
      if (s) return s;
    }
    return this.module;
  }

  /** The innermost function (def) containing `n`, or null at module level. */
  enclosingFunction(n: PyNode): FunctionInfo | null {
    for (let p = n.parent; p; p = p.parent) {
      if (p.type === 'function_definition') return this.fnByNode.get(p) ?? null;
      if (p.type === 'class_definition') return null;
    }
    return null;
  }

  functionOf(n: PyNode): FunctionInfo | undefined {
    return this.fnByNode.get(n);
  }

  classOf(n: PyNode): ClassInfo | undefined {
    return this.classByNode.get(n);
  }

  methodOf(cls: ClassInfo, name: string, seen = new Set<ClassInfo>()): FunctionInfo | null {
    const m = cls.methods.get(name);
    if (m) return m;
    seen.add(cls);
    for (const b of cls.bases) {
      const bc = this.classFromExpr(b);
      if (bc && !seen.has(bc)) {
        const r = this.methodOf(bc, name, seen);
        if (r) return r;
      }
    }
    return null;
  }

  /** `self.<name>` definitions of a class and its in-file base classes. */
  attrDefs(cls: ClassInfo, name: string, seen = new Set<ClassInfo>()): Def[] {
    const own = cls.attrs.get(name);
    if (own?.length) return own;
    seen.add(cls);
    for (const b of cls.bases) {
      const bc = this.classFromExpr(b);
      if (bc && !seen.has(bc)) {
        const r = this.attrDefs(bc, name, seen);
        if (r.length) return r;
      }
    }
    return [];
  }

  classFromExpr(e: PyNode): ClassInfo | null {
    if (e.type !== 'identifier') return null;
    const d = this.lookup(e);
    return d?.kind === 'class' ? (d.cls ?? null) : null;
  }

  /** Qualified names of a class's bases, following in-file base classes. */
  baseNames(cls: ClassInfo, seen = new Set<ClassInfo>()): string[] {
    seen.add(cls);
    const out: string[] = [];
    for (const b of cls.bases) {
      const bc = this.classFromExpr(b);
      if (bc) {
        if (!seen.has(bc)) out.push(...this.baseNames(bc, seen));
      } else out.push(this.qname(b) ?? this.text(b));
    }
    return out;
  }

  /** The definition that a name reference sees. */
  lookup(ref: PyNode): Def | null {
    const memo = memoOf(ref, this);
    if (memo.def !== undefined) return memo.def as Def | null;
    const r = this.lookupName(this.text(ref), ref);
    memo.def = r;
    return r;
  }

  lookupName(name: string, ref: PyNode): Def | null {
    // comprehension variables, up to the node that opens the reference's scope
    let prev = ref;
    let n = ref.parent;
    for (; n; prev = n, n = n.parent) {
      if (n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'lambda' || n.type === 'module') break;
      if (COMPREHENSIONS.has(n.type)) {
        for (const fc of n.children) {
          if (fc.type !== 'for_in_clause') continue;
          const right = child(fc, 'right');
          if (right && (prev === right || (prev.start >= right.start && prev.end <= right.end))) continue;
          const left = child(fc, 'left');
          if (!left) continue;
          const path = findInPattern(left, name, this.src, []);
          if (path) return { name, kind: 'comp', pos: fc.start, node: left, value: right, path };
        }
      }
    }
    // the nodes between ref and n open no scope, so this is scopeOf(ref) without a second walk
    let scope: Scope | null = n ? (this.scopeByNode.get(n) ?? this.scopeOf(n)) : this.module;
    let first = true;
    while (scope) {
      if (scope.kind === 'class' && !first) {
        scope = scope.parent;
        continue;
      }
      const defs = scope.defs.get(name);
      if (defs?.length) {
        if (first) {
          for (let i = defs.length - 1; i >= 0; i--) if (defs[i]!.pos <= ref.start) return defs[i]!;
          if (scope.kind !== 'module') return null;
        }
        return defs[defs.length - 1]!;
      }
      first = false;
      scope = scope.parent;
    }
    return null;
  }

  /** The last definition of `name` visible at offset `pos` in `scope` (no enclosing scopes). */
  defAt(scope: Scope, name: string, pos: number): Def | null {
    const defs = scope.defs.get(name);
    if (!defs) return null;
    for (let i = defs.length - 1; i >= 0; i--) if (defs[i]!.pos <= pos) return defs[i]!;
    return null;
  }

  /** Fully qualified dotted name of a module-level path (`F.softmax` -> torch.nn.functional.softmax), or null for local values. */
  qname(e: PyNode): string | null {
    const memo = memoOf(e, this);
    if (memo.qname !== undefined) return memo.qname;
    let r: string | null = null;
    const n = unparen(e);
    if (n.type === 'identifier') {
      const name = this.text(n);
      const d = this.lookup(n);
      if (d) r = d.kind === 'import' ? (d.qname ?? null) : null;
      else if (BUILTINS.has(name)) r = `builtins.${name}`;
      else r = CONVENTIONAL[name] ?? null;
    } else if (n.type === 'attribute') {
      const obj = child(n, 'object');
      const attr = child(n, 'attribute');
      const q = obj ? this.qname(obj) : null;
      r = q && attr ? normalizeQ(`${q}.${this.text(attr)}`) : null;
    }
    memo.qname = r;
    return r;
  }

  /** Qualified name of a call's callee. */
  calleeQ(call: PyNode): string | null {
    const f = child(call, 'function');
    return f ? this.qname(f) : null;
  }

  /** For `recv.name(...)` returns name; for `name(...)` returns name. (Not cached: a cache lookup costs as much.) */
  calleeName(call: PyNode): string | null {
    const f = child(call, 'function');
    if (!f) return null;
    if (f.type === 'identifier') return this.text(f);
    if (f.type === 'attribute') {
      const a = child(f, 'attribute');
      return a ? this.text(a) : null;
    }
    return null;
  }

  /**
   * The calls whose callee `test` may select, in `calls` order: rules that look for a few callees
   * skip the others without touching them (each rule still checks its exact condition). `test`
   * gets the callee's last name part (`backward` for `loss.backward()`, see calleeName). With
   * `qualified`, `test` is meant for the last part of the qualified name (calleeQ), which can
   * differ from what the call spells: then calls through imported or conventional names
   * (`import torch.nn.functional as F; F(...)`, `from torch import div as d; d(...)`) and callees
   * that are neither a name nor an attribute (`(F.softmax)(x)`) are included too.
   */
  callsWhere(test: (lastPart: string) => boolean, qualified = false): PyNode[] {
    const picked: number[][] = [];
    for (const [name, idx] of this.byCallee) {
      if (
        test(name) ||
        (qualified &&
          (name === NO_NAME ||
            this.importNames.has(name) ||
            (name in CONVENTIONAL && (!Object.prototype.hasOwnProperty.call(CONVENTIONAL, name) || test(lastPart(CONVENTIONAL[name]!)))) ||
            // normalizeQ turns `lightning.pytorch` into `lightning`
            (name === 'pytorch' && test('lightning'))))
      )
        picked.push(idx);
    }
    if (picked.length === 0) return [];
    const all = picked.length === 1 ? picked[0]! : picked.flat().sort((a, b) => a - b);
    return all.map((i) => this.calls[i]!);
  }

  /**
   * The calls, assignments and return statements in `region` outside nested functions, classes
   * and lambdas, in pre-order. Several analyses scan the same loops and function bodies for
   * these: each scope is walked once, and a loop's share is cut out of its scope's list. Do not
   * modify the result (it is shared).
   */
  localNodes(region: PyNode): PyNode[] {
    const memo = memoOf(region, this);
    let out = memo.local;
    if (!out) {
      const owner = OPENS_SCOPE.has(region.type) ? null : scopeOwner(region);
      if (owner) out = within(this.localNodes(owner), region);
      else collectLocal(region, (out = []));
      memo.local = out;
    }
    return out;
  }

  /** Visits the calls, assignments and return statements of `region` (see localNodes). */
  forLocal(region: PyNode, visit: (n: PyNode) => void): void {
    for (const n of this.localNodes(region)) visit(n);
  }

  /** The receiver of a method call `recv.m(...)`. */
  receiver(call: PyNode): PyNode | null {
    const f = child(call, 'function');
    return f?.type === 'attribute' ? child(f, 'object') : null;
  }

  /** Whether any module-level import has a qualified name starting with one of the prefixes. */
  importsAny(prefixes: string[]): boolean {
    for (const defs of this.module.defs.values())
      for (const d of defs) if (d.kind === 'import' && d.qname && prefixes.some((p) => d.qname === p || d.qname!.startsWith(p + '.'))) return true;
    for (const imp of this.imports) {
      const t = this.text(imp);
      if (prefixes.some((p) => new RegExp(`\\b(import|from)\\s+${p.replace(/\./g, '\\.')}\\b`).test(t))) return true;
    }
    return false;
  }

  /** The local name bound to a module (e.g. 'F' for torch.nn.functional), if any. */
  aliasFor(qname: string): string | null {
    for (const [name, defs] of this.module.defs) for (const d of defs) if (d.kind === 'import' && d.qname === qname) return name;
    return null;
  }
}

const NO_NAME = '\u0000';

const OPENS_SCOPE = new Set(['function_definition', 'class_definition', 'lambda', 'module']);

/** The nearest ancestor that opens a scope (its local nodes include the region's). */
function scopeOwner(n: PyNode): PyNode | null {
  for (let p = n.parent; p; p = p.parent) if (OPENS_SCOPE.has(p.type)) return p;
  return null;
}

/**
 * The entries of `list` (an enclosing scope's local nodes, in pre-order, so sorted by start)
 * that lie under `region`: a contiguous run, found by binary search instead of walking the
 * region again. Nested loops and function bodies are asked about by several analyses.
 */
function within(list: PyNode[], region: PyNode): PyNode[] {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.start < region.start) lo = mid + 1;
    else hi = mid;
  }
  const out: PyNode[] = [];
  for (let i = lo; i < list.length; i++) {
    const n = list[i]!;
    if (n.start >= region.end) break;
    if (n.end > region.end || n === region) continue;
    // same span as the region: a descendant (keep) or an ancestor (skip)
    if (n.start === region.start && n.end === region.end && !isUnder(n, region)) continue;
    out.push(n);
  }
  return out;
}

function isUnder(n: PyNode, region: PyNode): boolean {
  for (let p = n.parent; p; p = p.parent) if (p === region) return true;
  return false;
}

/** Pre-order, skipping nested functions, classes and lambdas. */
function collectLocal(n: PyNode, out: PyNode[]): void {
  for (const c of n.children) {
    const t = c.type;
    if (t === 'function_definition' || t === 'class_definition' || t === 'lambda') continue;
    if (t === 'call' || t === 'assignment' || t === 'return_statement') out.push(c);
    if (c.children.length) collectLocal(c, out);
  }
}

function lastPart(q: string): string {
  return q.slice(q.lastIndexOf('.') + 1);
}

export interface Args {
  positional: PyNode[];
  keywords: Map<string, PyNode>;
  hasSplat: boolean;
}

/** The arguments of a call (computed once per call: several rules and the value analysis ask). Do not modify the result. */
export function argsOf(call: PyNode, sem: Semantics): Args {
  const memo = memoOf(call, sem);
  let a = memo.args as Args | undefined;
  if (!a) memo.args = a = computeArgs(call, sem);
  return a;
}

function computeArgs(call: PyNode, sem: Semantics): Args {
  const positional: PyNode[] = [];
  const keywords = new Map<string, PyNode>();
  let hasSplat = false;
  const al = child(call, 'arguments');
  if (al?.type === 'generator_expression') positional.push(al);
  else if (al)
    for (const a of al.children) {
      if (a.type === 'keyword_argument') {
        const k = child(a, 'name');
        const v = child(a, 'value');
        if (k && v) keywords.set(sem.text(k), v);
      } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') hasSplat = true;
      else positional.push(a);
    }
  return { positional, keywords, hasSplat };
}

/** The argument bound to parameter `index`/`name` at a call, or null. */
export function argFor(args: Args, index: number, name: string): PyNode | null {
  return args.keywords.get(name) ?? args.positional[index] ?? null;
}

function findInPattern(p: PyNode, name: string, src: string, path: number[]): number[] | null {
  if (p.type === 'identifier') return src.slice(p.start, p.end) === name ? path : null;
  if (p.type === 'pattern_list' || p.type === 'tuple_pattern' || p.type === 'list_pattern' || p.type === 'parenthesized_expression') {
    if (p.type === 'parenthesized_expression' && p.children.length === 1) return findInPattern(p.children[0]!, name, src, path);
    for (let i = 0; i < p.children.length; i++) {
      const r = findInPattern(p.children[i]!, name, src, [...path, i]);
      if (r) return r;
    }
  }
  return null;
}

