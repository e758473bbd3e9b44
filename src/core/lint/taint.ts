/**
 * A cheap syntactic over-approximation of where values can flow: names assigned from
 * expressions that mention a seed (or a name already reached), parameters such expressions are
 * passed to, functions that return them. Rules use it to run the (more expensive) value
 * analysis only on expressions that can involve what they look for.
 */
import type { Semantics } from './scope';
import { child, type PyNode, walk } from './syntax';

interface Flow {
  from: PyNode;
  to: () => string[];
}

export class TaintIndex {
  private flows: Flow[] | null = null;
  private readonly tokens = new Map<PyNode, string[]>();

  constructor(private readonly sem: Semantics) {}

  private tok(n: PyNode): string[] {
    let t = this.tokens.get(n);
    if (!t) this.tokens.set(n, (t = this.sem.text(n).match(/[A-Za-z_][\w.]*/g) ?? []));
    return t;
  }

  private allFlows(): Flow[] {
    if (this.flows) return this.flows;
    const sem = this.sem;
    const flows: Flow[] = [];
    const targets = (t: PyNode): string[] => (t.type === 'identifier' || t.type === 'attribute' ? [sem.text(t)] : t.children.flatMap(targets));
    walk(sem.root, (n) => {
      if (n.type === 'assignment' || n.type === 'augmented_assignment' || n.type === 'for_statement' || n.type === 'named_expression') {
        const left = child(n, 'left') ?? child(n, 'name');
        const right = child(n, 'right') ?? child(n, 'value');
        if (left && right) flows.push({ from: right, to: () => targets(left) });
      } else if (n.type === 'return_statement' && n.children[0]) {
        const fn = sem.enclosingFunction(n);
        if (fn) flows.push({ from: n.children[0], to: () => [fn.name, `self.${fn.name}`] });
      } else if (n.type === 'call') {
        const fn = child(n, 'function');
        const al = child(n, 'arguments');
        if (!fn || !al) return;
        const callee = fn.type === 'identifier' ? sem.lookup(fn) : null;
        const info = callee?.kind === 'def' ? callee.fn : callee?.kind === 'class' && callee.cls ? sem.methodOf(callee.cls, '__init__') : null;
        if (info) flows.push({ from: al, to: () => info.params });
        // self.method(args): the method's parameters
        if (fn.type === 'attribute') {
          const encl = sem.enclosingFunction(n);
          const attr = child(fn, 'attribute');
          const m = encl?.cls && attr ? sem.methodOf(encl.cls, sem.text(attr)) : null;
          if (m) flows.push({ from: al, to: () => m.params });
        }
      }
    });
    this.flows = flows;
    return flows;
  }

  /** A predicate: can `n` involve a value that comes from one of `seeds`? */
  reach(seeds: readonly PyNode[]): (n: PyNode) => boolean {
    const tainted = new Set<string>();
    const starts = seeds.map((r) => r.start).sort((a, b) => a - b);
    const ends = new Map<number, number>();
    for (const r of seeds) ends.set(r.start, Math.min(ends.get(r.start) ?? Infinity, r.end));
    /** Is a seed inside n? (the first seed starting in n is the shortest candidate) */
    const hasSeed = (n: PyNode) => {
      let lo = 0;
      let hi = starts.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (starts[mid]! < n.start) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < starts.length && starts[i]! < n.end; i++) if (ends.get(starts[i]!)! <= n.end) return true;
      return false;
    };
    const mentions = (n: PyNode) => hasSeed(n) || this.tok(n).some((t) => tainted.has(t));
    if (!seeds.length) return () => false;
    const flows = this.allFlows();
    for (let round = 0, changed = true; changed && round < 10; round++) {
      changed = false;
      for (const f of flows)
        if (mentions(f.from))
          for (const t of f.to())
            if (!tainted.has(t)) {
              tainted.add(t);
              changed = true;
            }
    }
    return mentions;
  }
}
