/**
 * What the graph checks need beyond model/graph.ts's summary: every node with its
 * attributes, the shapes the file declares (graph inputs/outputs, value_info, initializers),
 * the values of small constants (a Dropout's training_mode, a Constant node), and the
 * external-data files the weights live in. Parsed with protobufjs against the official
 * onnx.proto schema; weights are not copied (protobufjs gives views into the file's bytes).
 * Nested graphs (If/Loop bodies) are not walked.
 */
import protobuf from 'protobufjs';
import { UserError } from '../errors';
import { parseModel, readModelBytes, type Dim, type ModelInfo } from '../model/graph';
import { onnxSchema } from '../model/schema/onnxSchema.generated';

export interface GraphNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  /** INT, FLOAT, STRING attributes and INTS/FLOATS lists; tensors as their small value when known. */
  attrs: Record<string, number | string | number[] | null>;
  /** The node's position in the file (ONNX requires topological order). */
  index: number;
}

export interface GraphFacts {
  info: ModelInfo;
  nodes: GraphNode[];
  /** Declared shapes: graph inputs, outputs, value_info and initializers. */
  shapes: Map<string, Dim[]>;
  /** Names whose values are fixed in the file: initializers and Constant outputs. */
  constants: Set<string>;
  /** Values of small constants (at most 64 elements), flattened, as numbers. */
  smallValues: Map<string, number[]>;
  /** Initializer names (weights). */
  initializers: Set<string>;
  /** Relative paths of external-data files the weights are in (resolved from the model's folder). */
  externalData: string[];
  /** Whether the file lists shapes for intermediate values (value_info). */
  hasValueInfo: boolean;
}

let modelType: protobuf.Type | undefined;
export function onnxModelType(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(onnxSchema as unknown as protobuf.INamespace).lookupType('onnx.ModelProto');
  return modelType;
}

type Long = number | { toNumber(): number };
const n = (v: Long | undefined | null): number => (v === undefined || v === null ? 0 : typeof v === 'number' ? v : v.toNumber());

interface RawTensor {
  name?: string;
  dims?: Long[];
  data_type?: number;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: Long[];
  double_data?: number[];
  raw_data?: Uint8Array;
  external_data?: { key?: string; value?: string }[];
  data_location?: number;
}
interface RawAttr { name?: string; type?: number; f?: number; i?: Long; s?: Uint8Array; t?: RawTensor; floats?: number[]; ints?: Long[] }
interface RawNode { name?: string; op_type?: string; domain?: string; input?: string[]; output?: string[]; attribute?: RawAttr[] }
interface RawDim { dim_value?: Long; dim_param?: string }
interface RawValueInfo { name?: string; type?: { tensor_type?: { shape?: { dim?: RawDim[] } } } }
interface RawModel {
  graph?: { node?: RawNode[]; input?: RawValueInfo[]; output?: RawValueInfo[]; value_info?: RawValueInfo[]; initializer?: RawTensor[] };
}

const SMALL = 64;

/** A small tensor's values as numbers (FLOAT, DOUBLE, INT8-64, UINT8-32, BOOL); null when too big or stored elsewhere. */
export function tensorValues(t: RawTensor): number[] | null {
  const count = (t.dims ?? []).reduce<number>((a, d) => a * n(d), 1);
  if (count > SMALL || t.data_location === 1) return null;
  if (t.float_data?.length) return [...t.float_data];
  if (t.double_data?.length) return [...t.double_data];
  if (t.int32_data?.length) return [...t.int32_data];
  if (t.int64_data?.length) return t.int64_data.map(n);
  const raw = t.raw_data;
  if (!raw || raw.length === 0) return count === 0 ? [] : null;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out: number[] = [];
  const read = (size: number, get: (o: number) => number) => {
    for (let o = 0; o + size <= raw.length && out.length < count; o += size) out.push(get(o));
    return out;
  };
  switch (t.data_type) {
    case 1: return read(4, (o) => view.getFloat32(o, true));
    case 11: return read(8, (o) => view.getFloat64(o, true));
    case 2: case 9: return read(1, (o) => view.getUint8(o));
    case 3: return read(1, (o) => view.getInt8(o));
    case 4: return read(2, (o) => view.getUint16(o, true));
    case 5: return read(2, (o) => view.getInt16(o, true));
    case 6: return read(4, (o) => view.getInt32(o, true));
    case 12: return read(4, (o) => view.getUint32(o, true));
    case 7: return read(8, (o) => Number(view.getBigInt64(o, true)));
    default: return null;
  }
}

function dims(v: RawValueInfo): Dim[] | undefined {
  const d = v.type?.tensor_type?.shape?.dim;
  if (!d) return undefined;
  return d.map((x) => (x.dim_value !== undefined && n(x.dim_value) > 0 ? n(x.dim_value) : x.dim_param ? x.dim_param : null));
}

export function parseGraphFacts(bytes: Uint8Array, path: string): GraphFacts {
  const info = parseModel(bytes, path); // validates and throws the engine's usual UserErrors
  const raw = onnxModelType().decode(bytes) as unknown as RawModel;
  const g = raw.graph ?? {};
  const shapes = new Map<string, Dim[]>();
  const constants = new Set<string>();
  const initializers = new Set<string>();
  const smallValues = new Map<string, number[]>();
  const external = new Set<string>();
  for (const t of g.initializer ?? []) {
    const name = t.name ?? '';
    initializers.add(name);
    constants.add(name);
    shapes.set(name, (t.dims ?? []).map(n));
    const v = tensorValues(t);
    if (v) smallValues.set(name, v);
    if (t.data_location === 1) {
      const loc = t.external_data?.find((e) => e.key === 'location')?.value;
      if (loc) external.add(loc);
    }
  }
  for (const list of [g.input, g.output, g.value_info]) {
    for (const v of list ?? []) {
      const d = dims(v);
      if (d && v.name && !shapes.has(v.name)) shapes.set(v.name, d);
    }
  }
  const nodes: GraphNode[] = (g.node ?? []).map((node, index) => {
    const attrs: GraphNode['attrs'] = {};
    for (const a of node.attribute ?? []) {
      if (!a.name) continue;
      switch (a.type) {
        case 1: attrs[a.name] = a.f ?? 0; break;
        case 2: attrs[a.name] = n(a.i); break;
        case 3: attrs[a.name] = a.s ? Buffer.from(a.s).toString('utf8') : ''; break;
        case 4: attrs[a.name] = a.t ? tensorValues(a.t) : null; break;
        case 6: attrs[a.name] = [...(a.floats ?? [])]; break;
        case 7: attrs[a.name] = (a.ints ?? []).map(n); break;
        default: break;
      }
    }
    const out: GraphNode = {
      name: node.name || `${node.op_type ?? 'node'}_${index}`,
      opType: node.op_type ?? '',
      domain: node.domain ?? '',
      inputs: [...(node.input ?? [])],
      outputs: [...(node.output ?? [])],
      attrs,
      index,
    };
    if (out.opType === 'Constant' && out.outputs[0]) {
      constants.add(out.outputs[0]);
      const valueAttr = (node.attribute ?? []).find((a) => a.name === 'value');
      if (valueAttr?.t) {
        shapes.set(out.outputs[0], (valueAttr.t.dims ?? []).map(n));
        const v = tensorValues(valueAttr.t);
        if (v) smallValues.set(out.outputs[0], v);
      }
    }
    return out;
  });
  return {
    info,
    nodes,
    shapes,
    constants,
    smallValues,
    initializers,
    externalData: [...external],
    hasValueInfo: (g.value_info ?? []).length > 0,
  };
}

export async function readGraphFacts(path: string): Promise<GraphFacts> {
  return parseGraphFacts(await readModelBytes(path), path);
}

/** Formats a shape for messages: [N, 1, 28, 28]. */
export const shapeText = (shape: readonly Dim[] | null | undefined): string =>
  shape ? `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]` : '[?]';
