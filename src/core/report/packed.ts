/**
 * The ranked lists in columns (PackedLists in protocol.ts): packed where they are made (the
 * inference child), carried as typed arrays to the extension host and on to the webview, and
 * read back one row at a time where a row is shown. Shared by the engine and the webview, so
 * it imports nothing from Node or the DOM (TextEncoder / TextDecoder exist in both).
 */
import type {
  HostToWebview, LabelIssue, PackedLabelIssues, PackedLists, PackedRanked, PackedReport, PackedStrings,
  RankedExample, Report, ReportSummary, TopClass,
} from '../protocol';

type Lists = Pick<Report, 'mistakes' | 'hardest' | 'labelIssues'>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Class names to codes: the report's classes keep their index, any other name is appended. */
class Names {
  readonly list: string[];
  private readonly codes = new Map<string, number>();
  constructor(classes: readonly string[]) {
    this.list = [];
    for (const c of classes) this.code(c);
  }
  code(name: string): number {
    let c = this.codes.get(name);
    if (c === undefined) {
      c = this.list.push(name) - 1;
      this.codes.set(name, c);
    }
    return c;
  }
}

function packStrings(get: (i: number) => string, n: number): PackedStrings {
  let chars = 0;
  for (let i = 0; i < n; i++) chars += get(i).length;
  // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
  const buf = new Uint8Array(chars * 3);
  const offsets = new Uint32Array(n + 1);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    pos += encoder.encodeInto(get(i), buf.subarray(pos)).written;
    offsets[i + 1] = pos;
  }
  return { utf8: buf.slice(0, pos), offsets };
}

export function stringAt(s: PackedStrings, i: number): string {
  return decoder.decode(s.utf8.subarray(s.offsets[i], s.offsets[i + 1]));
}

function packRanked(list: readonly RankedExample[], names: Names): PackedRanked {
  const n = list.length;
  let tops = 0;
  for (const e of list) tops += e.top.length;
  const p: PackedRanked = {
    count: n,
    index: new Float64Array(n),
    source: packStrings((i) => list[i]!.source, n),
    label: new Uint32Array(n),
    predicted: new Uint32Array(n),
    confidence: new Float64Array(n),
    pLabel: new Float64Array(n),
    loss: new Float64Array(n),
    margin: new Float64Array(n),
    topOffsets: new Uint32Array(n + 1),
    topClass: new Uint32Array(tops),
    topP: new Float64Array(tops),
  };
  let t = 0;
  for (let i = 0; i < n; i++) {
    const e = list[i]!;
    p.index[i] = e.index;
    p.label[i] = names.code(e.label);
    p.predicted[i] = names.code(e.predicted);
    p.confidence[i] = e.confidence;
    p.pLabel[i] = e.pLabel;
    p.loss[i] = e.loss;
    p.margin[i] = e.margin;
    for (const c of e.top) {
      p.topClass[t] = names.code(c.class);
      p.topP[t++] = c.p;
    }
    p.topOffsets[i + 1] = t;
  }
  return p;
}

function packIssues(list: readonly LabelIssue[], names: Names): PackedLabelIssues {
  const n = list.length;
  const p: PackedLabelIssues = {
    count: n,
    index: new Float64Array(n),
    source: packStrings((i) => list[i]!.source, n),
    label: new Uint32Array(n),
    suggested: new Uint32Array(n),
    score: new Float64Array(n),
    pLabel: new Float64Array(n),
    pSuggested: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const e = list[i]!;
    p.index[i] = e.index;
    p.label[i] = names.code(e.label);
    p.suggested[i] = names.code(e.suggested);
    p.score[i] = e.score;
    p.pLabel[i] = e.pLabel;
    p.pSuggested[i] = e.pSuggested;
  }
  return p;
}

export function packLists(lists: Lists, classes: readonly string[]): PackedLists {
  const names = new Names(classes);
  const mistakes = packRanked(lists.mistakes, names);
  const hardest = packRanked(lists.hardest, names);
  const labelIssues = packIssues(lists.labelIssues, names);
  return { names: names.list, mistakes, hardest, labelIssues };
}

export function packReport(report: Report): PackedReport {
  const { mistakes, hardest, labelIssues, ...summary } = report;
  return { report: summary, lists: packLists({ mistakes, hardest, labelIssues }, report.classes) };
}

export function rankedAt(p: PackedRanked, names: readonly string[], i: number): RankedExample {
  const top: TopClass[] = [];
  for (let t = p.topOffsets[i]!, end = p.topOffsets[i + 1]!; t < end; t++) top.push({ class: names[p.topClass[t]!]!, p: p.topP[t]! });
  return {
    index: p.index[i]!,
    source: stringAt(p.source, i),
    label: names[p.label[i]!]!,
    predicted: names[p.predicted[i]!]!,
    confidence: p.confidence[i]!,
    pLabel: p.pLabel[i]!,
    loss: p.loss[i]!,
    margin: p.margin[i]!,
    top,
  };
}

export function issueAt(p: PackedLabelIssues, names: readonly string[], i: number): LabelIssue {
  return {
    index: p.index[i]!,
    source: stringAt(p.source, i),
    label: names[p.label[i]!]!,
    suggested: names[p.suggested[i]!]!,
    score: p.score[i]!,
    pLabel: p.pLabel[i]!,
    pSuggested: p.pSuggested[i]!,
  };
}

export function unpackLists(l: PackedLists): Lists {
  const all = <T>(n: number, at: (i: number) => T) => Array.from({ length: n }, (_, i) => at(i));
  return {
    mistakes: all(l.mistakes.count, (i) => rankedAt(l.mistakes, l.names, i)),
    hardest: all(l.hardest.count, (i) => rankedAt(l.hardest, l.names, i)),
    labelIssues: all(l.labelIssues.count, (i) => issueAt(l.labelIssues, l.names, i)),
  };
}

/** The Report again, its fields in the engine's order (the lists after `accuracy` / `labelIssueRanking`). */
export function unpackReport(p: PackedReport): Report {
  const lists = unpackLists(p.lists);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p.report)) {
    out[k] = v;
    if (k === 'accuracy') {
      out.mistakes = lists.mistakes;
      out.hardest = lists.hardest;
    } else if (k === 'labelIssueRanking') {
      out.labelIssues = lists.labelIssues;
    }
  }
  return { ...out, ...lists } as Report;
}

/**
 * The lists with every column in a buffer of its own. Columns read from a child's IPC message are
 * views into that whole message (and whatever else was read with it); VS Code's postMessage sends
 * a view's entire buffer, so without this each column would carry all the others along.
 */
export function ownBuffers(l: PackedLists): PackedLists {
  const own = <T extends Float64Array | Uint32Array | Uint8Array>(a: T): T => (a.byteOffset === 0 && a.buffer.byteLength === a.byteLength ? a : (a.slice() as T));
  const strings = (s: PackedStrings): PackedStrings => ({ utf8: own(s.utf8), offsets: own(s.offsets) });
  const ranked = (p: PackedRanked): PackedRanked => ({
    count: p.count, index: own(p.index), source: strings(p.source), label: own(p.label), predicted: own(p.predicted),
    confidence: own(p.confidence), pLabel: own(p.pLabel), loss: own(p.loss), margin: own(p.margin),
    topOffsets: own(p.topOffsets), topClass: own(p.topClass), topP: own(p.topP),
  });
  const i = l.labelIssues;
  return {
    names: l.names, mistakes: ranked(l.mistakes), hardest: ranked(l.hardest),
    labelIssues: {
      count: i.count, index: own(i.index), source: strings(i.source), label: own(i.label), suggested: own(i.suggested),
      score: own(i.score), pLabel: own(i.pLabel), pSuggested: own(i.pSuggested),
    },
  };
}

/** The panel's `report` message. */
export function reportMessage(p: PackedReport, partial: boolean): HostToWebview {
  return { type: 'report', report: p.report, lists: p.lists, partial };
}

/** Where a dataset index is in the lists (mistakes, then hardest, then label issues). */
export function sourceOf(l: PackedLists, id: number): string | undefined {
  for (const p of [l.mistakes, l.hardest, l.labelIssues]) {
    const i = p.index.indexOf(id);
    if (i >= 0) return stringAt(p.source, i);
  }
  return undefined;
}

// ---- checks, for lists that come from elsewhere (a message, a saved file) ------------------

type Ctor = Float64ArrayConstructor | Uint32ArrayConstructor | Uint8ArrayConstructor;

/**
 * Throws an Error naming the list, the column and the row when `v` is not well-formed PackedLists:
 * wrong array types or lengths, offsets out of order or past the end, class codes with no name.
 * Linear in the number of rows, over typed arrays only: a few ms for 100,000 rows.
 */
export function checkPackedLists(v: unknown): PackedLists {
  const o = v as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null) throw new Error('lists: not an object');
  if (!Array.isArray(o.names) || !o.names.every((s) => typeof s === 'string')) throw new Error('lists.names: not an array of strings');
  const names = o.names.length;
  checkList(o.mistakes, 'mistakes', names, true);
  checkList(o.hardest, 'hardest', names, true);
  checkList(o.labelIssues, 'labelIssues', names, false);
  return v as PackedLists;
}

function checkList(v: unknown, name: string, names: number, ranked: boolean): void {
  const o = v as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null) throw new Error(`lists.${name}: not an object`);
  const n = o.count;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new Error(`lists.${name}.count: ${String(n)} is not a row count`);
  const col = (key: string, type: Ctor, length: number = n) => {
    const a = o[key];
    if (!(a instanceof type)) throw new Error(`lists.${name}.${key}: not a ${type.name}`);
    if (a.length !== length) throw new Error(`lists.${name}.${key}: ${a.length} values for ${length}`);
    return a;
  };
  const codes = (key: string, length?: number) => {
    const a = col(key, Uint32Array, length);
    for (let i = 0; i < a.length; i++) {
      if (a[i]! >= names) throw new Error(`lists.${name}.${key}[${i}]: class code ${a[i]} but there are ${names} names`);
    }
  };
  const offsets = (key: string, a: Uint32Array, end: number) => {
    if (a[0] !== 0) throw new Error(`lists.${name}.${key}[0]: ${a[0]}, not 0`);
    for (let i = 1; i < a.length; i++) {
      if (a[i]! < a[i - 1]!) throw new Error(`lists.${name}.${key}[${i}]: ${a[i]} is before ${a[i - 1]}`);
    }
    if (a[a.length - 1] !== end) throw new Error(`lists.${name}.${key}[${a.length - 1}]: ${a[a.length - 1]}, not the end (${end})`);
  };
  col('index', Float64Array);
  const src = o.source as Record<string, unknown> | null;
  if (typeof src !== 'object' || src === null || !(src.utf8 instanceof Uint8Array) || !(src.offsets instanceof Uint32Array)) {
    throw new Error(`lists.${name}.source: not UTF-8 bytes with offsets`);
  }
  if (src.offsets.length !== n + 1) throw new Error(`lists.${name}.source.offsets: ${src.offsets.length} values for ${n + 1}`);
  offsets('source.offsets', src.offsets, src.utf8.length);
  codes('label');
  if (ranked) {
    codes('predicted');
    for (const k of ['confidence', 'pLabel', 'loss', 'margin']) col(k, Float64Array);
    const top = col('topOffsets', Uint32Array, n + 1) as Uint32Array;
    const k = (o.topP as Float64Array | undefined)?.length ?? 0;
    col('topP', Float64Array, k);
    codes('topClass', k);
    offsets('topOffsets', top, k);
  } else {
    codes('suggested');
    for (const key of ['score', 'pLabel', 'pSuggested']) col(key, Float64Array);
  }
}
