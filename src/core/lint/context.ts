/** What a rule sees: the parsed module, name resolution, values, flow facts, and `report`. */
import { Flow } from './flow';
import { Semantics } from './scope';
import { LineIndex, type PyNode, statementOf } from './syntax';
import type { Finding, Fix, RelatedLocation, RuleMeta } from './types';
import { TaintIndex } from './taint';
import { LOSS_CTORS, type LossCall, LOSS_FNS, Values } from './values';

const lastParts = (qs: string[]) => new Set(qs.map((q) => q.slice(q.lastIndexOf('.') + 1)));
const LOSS_CTOR_NAMES = lastParts(Object.keys(LOSS_CTORS));
const LOSS_FN_NAMES = lastParts(Object.keys(LOSS_FNS));

export interface Report {
  meta: RuleMeta;
  node?: PyNode;
  start?: number;
  end?: number;
  message: string;
  fix?: { title: string; start: number; end: number; newText: string };
  related?: { node: PyNode; message: string }[];
}

export class RuleContext {
  readonly sem: Semantics;
  readonly values: Values;
  readonly lines: LineIndex;
  private flowCache: Flow | null = null;
  readonly findings: Finding[] = [];

  constructor(
    readonly root: PyNode,
    readonly src: string,
    lines?: LineIndex,
    private readonly describeLine?: (line: number) => string,
  ) {
    this.sem = new Semantics(root, src);
    this.values = new Values(this.sem);
    this.lines = lines ?? new LineIndex(src);
  }

  private taintIndex: TaintIndex | null = null;
  private lossCache: LossCall[] | null = null;

  /** See TaintIndex.reach. */
  taint(seeds: readonly PyNode[]): (n: PyNode) => boolean {
    if (!this.taintIndex) this.taintIndex = new TaintIndex(this.sem);
    return this.taintIndex.reach(seeds);
  }

  /** Every call to a loss (functional, or a loss object created in this file), with its prediction argument. */
  get lossCalls(): LossCall[] {
    if (this.lossCache) return this.lossCache;
    const ctors = this.sem.callsWhere((n) => LOSS_CTOR_NAMES.has(n), true).filter((c) => {
      const q = this.sem.calleeQ(c);
      return !!q && q in LOSS_CTORS;
    });
    const reach = this.taint(ctors);
    const out: LossCall[] = [];
    // without loss objects only functional losses count: skip the other calls
    for (const call of ctors.length ? this.sem.calls : this.sem.callsWhere((n) => LOSS_FN_NAMES.has(n), true)) {
      const f = call.children.find((c) => c.field === 'function');
      if (!f) continue;
      const q = this.sem.qname(f);
      if (q ? !(q in LOSS_FNS) : !(ctors.length && reach(f))) continue;
      const lc = this.values.lossCall(call);
      if (lc) out.push(lc);
    }
    this.lossCache = out;
    return out;
  }

  get flow(): Flow {
    if (!this.flowCache) this.flowCache = new Flow(this.sem, this.values);
    return this.flowCache;
  }

  text(n: PyNode): string {
    return this.src.slice(n.start, n.end);
  }

  /** Short text for messages: one line, at most 60 characters. */
  short(n: PyNode, max = 60): string {
    const t = this.text(n).replace(/\s+/g, ' ');
    return t.length > max ? t.slice(0, max - 1) + '…' : t;
  }

  line(n: PyNode): number {
    return this.lines.position(n.start).line + 1;
  }

  /** "line 12", or "cell 3, line 2" in a notebook: for messages that point elsewhere. */
  where(n: PyNode): string {
    const line = this.lines.position(n.start).line;
    return this.describeLine ? this.describeLine(line) : `line ${line + 1}`;
  }

  report(r: Report): void {
    const start = r.start ?? r.node!.start;
    const end = r.end ?? r.node!.end;
    const f: Finding = {
      code: r.meta.code,
      rule: r.meta.rule,
      severity: r.meta.severity,
      message: r.message,
      range: this.lines.range(start, end),
    };
    if (r.fix) {
      const fix: Fix = { title: r.fix.title, range: this.lines.range(r.fix.start, r.fix.end), newText: r.fix.newText };
      f.fix = fix;
    }
    if (r.related?.length) f.related = r.related.map((x): RelatedLocation => ({ range: this.lines.range(x.node.start, x.node.end), message: x.message }));
    this.findings.push(f);
  }

  /** A fix that inserts `code` as a new line before the statement containing `n`, at its indentation. */
  insertBefore(n: PyNode, code: string, title: string): Report['fix'] {
    const stmt = statementOf(n);
    const lineStart = this.lines.lineStart(this.lines.position(stmt.start).line);
    const indent = this.lines.indentAt(stmt.start);
    return { title, start: lineStart, end: lineStart, newText: `${indent}${code}\n` };
  }

  /** The header of a compound statement (`for x in y:`), for reporting without underlining the body. */
  headerOf(n: PyNode): { start: number; end: number } {
    const body = n.children.find((c) => c.field === 'body');
    if (!body) return { start: n.start, end: n.end };
    const head = this.src.slice(n.start, body.start);
    const colon = head.lastIndexOf(':');
    return { start: n.start, end: colon >= 0 ? n.start + colon + 1 : body.start };
  }
}
