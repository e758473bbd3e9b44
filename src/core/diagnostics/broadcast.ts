/**
 * Broadcast hazards (Tobin's silent broadcasting: x of shape (N,) + y of shape (N,1) gives
 * (N,N), and training still runs). An elementwise node is
 * - 'batch-square' (error) when its result has the batch axis twice but no input has: every
 *   example is combined with every other one;
 * - 'outer' (warning) when both inputs are computed (not weights or constants) and each is
 *   stretched along an axis where the other is not, so the result is larger than both
 *   (an outer product: sometimes meant, often a missing or extra unsqueeze).
 * Broadcasting a weight or constant against data (a bias of shape (C,1,1)) is not a hazard.
 *
 * Shapes come from the file's value_info when it has them (static, with the batch as a
 * symbol), else from two runs at different batch sizes (an axis is the batch axis when its
 * size follows the batch size).
 */
import type { Dim } from '../model/graph';

export const ELEMENTWISE_OPS = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'Equal', 'Less', 'Greater',
  'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor', 'Where', 'Mod', 'BitShift', 'PRelu',
]);

export type HazardKind = 'batch-square' | 'outer';

export interface BroadcastHazard {
  node: string;
  opType: string;
  kind: HazardKind;
  inputs: { name: string; shape: Dim[] }[];
  output: { name: string; shape: Dim[] };
  /** 'value_info' (declared in the file) or 'run' (measured at two batch sizes). */
  from: 'value_info' | 'run';
}

export interface ElementwiseNode {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
}

/** numpy broadcasting with symbolic dims; null where the result cannot be told. */
export function broadcastShape(shapes: readonly Dim[][]): Dim[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let k = 0; k < rank; k++) {
    const ds = shapes.map((s) => s[s.length - rank + k]).filter((d) => d !== undefined && d !== 1);
    const distinct = [...new Set(ds.map((d) => String(d)))];
    out.push(ds.length === 0 ? 1 : distinct.length === 1 ? ds[0] : null);
  }
  return out;
}

const sameShape = (a: readonly Dim[], b: readonly Dim[]) => a.length === b.length && a.every((d, i) => String(d) === String(b[i]));
const count = <T>(xs: readonly T[], want: T) => xs.filter((x) => x === want).length;

/**
 * Static hazards from declared shapes. `batch` is the batch symbol of the model input
 * (e.g. 'N'); `constants` are initializers and Constant outputs.
 */
export function staticHazards(nodes: readonly ElementwiseNode[], shapes: ReadonlyMap<string, Dim[]>, constants: ReadonlySet<string>, batch: Dim): BroadcastHazard[] {
  const out: BroadcastHazard[] = [];
  for (const node of nodes) {
    if (!ELEMENTWISE_OPS.has(node.opType)) continue;
    const ins = node.inputs.filter((x) => x !== '');
    const inShapes = ins.map((x) => shapes.get(x));
    if (inShapes.some((s) => s === undefined)) continue;
    const known = inShapes as Dim[][];
    const result = shapes.get(node.outputs[0]) ?? broadcastShape(known);
    const hazard = classify(ins, known, result, constants, (s) => (typeof batch === 'string' ? count(s, batch) : 0));
    if (hazard) out.push({ node: node.name, opType: node.opType, kind: hazard, inputs: ins.map((name, i) => ({ name, shape: known[i] })), output: { name: node.outputs[0], shape: result }, from: 'value_info' });
  }
  return out;
}

/**
 * Hazards from two runs: `run1`/`run2` map value names to their concrete shapes at batch
 * sizes b1 and b2 (b1 != b2); constants (weights) keep their declared shapes.
 */
export function runHazards(
  nodes: readonly ElementwiseNode[],
  run1: ReadonlyMap<string, number[]>,
  run2: ReadonlyMap<string, number[]>,
  b1: number,
  b2: number,
  constants: ReadonlySet<string>,
  constShapes: ReadonlyMap<string, Dim[]>,
): BroadcastHazard[] {
  const out: BroadcastHazard[] = [];
  const batchAxes = (name: string): number => {
    const s1 = run1.get(name), s2 = run2.get(name);
    if (!s1 || !s2 || s1.length !== s2.length) return 0;
    return s1.filter((d, i) => d === b1 && s2[i] === b2).length;
  };
  // Shapes as shown in messages: the batch axis as 'N'.
  const shown = (name: string): Dim[] => {
    const s1 = run1.get(name), s2 = run2.get(name);
    if (!s1 || !s2) return constShapes.get(name) ?? [];
    return s2.map((d, i) => (d === b2 && s1[i] === b1 ? 'N' : d));
  };
  for (const node of nodes) {
    if (!ELEMENTWISE_OPS.has(node.opType)) continue;
    const ins = node.inputs.filter((x) => x !== '');
    const o = node.outputs[0];
    if (!run2.has(o) || ins.some((x) => !run2.has(x) && !constants.has(x))) continue;
    const inShapes: Dim[][] = ins.map((x) => run2.get(x) ?? constShapes.get(x) ?? []);
    const result = run2.get(o)!;
    const hazard = classify(ins, inShapes, result, constants, (_s, name) => (name === undefined ? 0 : batchAxes(name)), o);
    if (hazard) out.push({ node: node.name, opType: node.opType, kind: hazard, inputs: ins.map((name) => ({ name, shape: shown(name) })), output: { name: o, shape: shown(o) }, from: 'run' });
  }
  return out;
}

function classify(
  names: string[],
  inShapes: Dim[][],
  result: Dim[],
  constants: ReadonlySet<string>,
  batchCount: (shape: Dim[], name?: string) => number,
  resultName?: string,
): HazardKind | undefined {
  const resultBatch = batchCount(result, resultName);
  const inputBatch = Math.max(0, ...inShapes.map((s, i) => batchCount(s, names[i])));
  if (resultBatch >= 2 && inputBatch < 2) return 'batch-square';
  const computed = inShapes.filter((_, i) => !constants.has(names[i]));
  if (computed.length >= 2 && computed.every((s) => !sameShape(s, result)) && !inShapes.some((s) => sameShape(s, result))) {
    const size = (s: Dim[]) => s.reduce<number>((a, d) => a * (typeof d === 'number' ? d : 2), 1);
    if (computed.every((s) => size(s) < size(result))) return 'outer';
  }
  return undefined;
}
