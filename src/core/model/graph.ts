/**
 * Reads what the engine needs from an ONNX file: inputs/outputs with shapes, opset,
 * metadata (class names) and which operator produces each output. Parsed with protobufjs
 * against the official onnx.proto schema.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import protobuf from 'protobufjs';
import { UserError } from '../errors';
import { onnxSchema } from './schema/onnxSchema.generated';
import type { Dim } from './dim';

export type { Dim };

export interface ValueInfo {
  name: string;
  /** ONNX TensorProto.DataType name, e.g. FLOAT, UINT8; 'UNKNOWN' when not a tensor. */
  elemType: string;
  /** Fixed sizes as numbers, symbolic ones as their name, unknown as null. */
  shape: Dim[] | null;
}

export interface ModelInfo {
  path: string;
  irVersion: number;
  opset: number | null;
  producer: string;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  metadata: Record<string, string>;
  /** For each graph output, the op type that produces it (looking through Identity). */
  producers: Record<string, string>;
  opTypes: string[];
}

let modelType: protobuf.Type | undefined;
function getModelType(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(onnxSchema as unknown as protobuf.INamespace).lookupType('onnx.ModelProto');
  return modelType;
}

const DATA_TYPES = [
  'UNDEFINED', 'FLOAT', 'UINT8', 'INT8', 'UINT16', 'INT16', 'INT32', 'INT64', 'STRING', 'BOOL',
  'FLOAT16', 'DOUBLE', 'UINT32', 'UINT64', 'COMPLEX64', 'COMPLEX128', 'BFLOAT16',
];

interface RawDim { dim_value?: number | { toNumber(): number }; dim_param?: string }
interface RawValueInfo {
  name?: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: RawDim[] } } };
}
interface RawNode { op_type?: string; input?: string[]; output?: string[] }
interface RawModel {
  ir_version?: number | { toNumber(): number };
  producer_name?: string;
  opset_import?: { domain?: string; version?: number | { toNumber(): number } }[];
  metadata_props?: { key?: string; value?: string }[];
  graph?: {
    node?: RawNode[];
    input?: RawValueInfo[];
    output?: RawValueInfo[];
    initializer?: { name?: string }[];
  };
}

const num = (v: number | { toNumber(): number } | undefined): number =>
  v === undefined ? 0 : typeof v === 'number' ? v : v.toNumber();

function toValueInfo(v: RawValueInfo): ValueInfo {
  const t = v.type?.tensor_type;
  const dims = t?.shape?.dim;
  return {
    name: v.name ?? '',
    elemType: t ? DATA_TYPES[t.elem_type ?? 0] ?? 'UNKNOWN' : 'UNKNOWN',
    shape: dims
      ? dims.map((d) => (d.dim_value !== undefined && num(d.dim_value) > 0 ? num(d.dim_value) : d.dim_param ? d.dim_param : null))
      : null,
  };
}

export function parseModel(bytes: Uint8Array, path: string): ModelInfo {
  const name = basename(path);
  if (bytes.length === 0) throw new UserError(`${name}: the file is empty, not an ONNX model`, 'bad-model');
  let raw: RawModel;
  try {
    raw = getModelType().decode(bytes) as unknown as RawModel;
  } catch (e) {
    throw new UserError(`${name}: not a valid ONNX model (${(e as Error).message}); the file may be truncated or not ONNX`, 'bad-model');
  }
  const graph = raw.graph;
  if (!graph || !graph.node?.length || !graph.output?.length || num(raw.ir_version) <= 0) {
    throw new UserError(`${name}: not a valid ONNX model (no graph with nodes and outputs found); the file may be truncated or not ONNX`, 'bad-model');
  }
  // Graph inputs may list initializers too (old exporters); those are weights, not inputs.
  const initializers = new Set((graph.initializer ?? []).map((i) => i.name));
  const inputs = (graph.input ?? []).filter((i) => !initializers.has(i.name)).map(toValueInfo);
  const outputs = graph.output.map(toValueInfo);

  const producerOf = new Map<string, RawNode>();
  for (const n of graph.node) for (const o of n.output ?? []) producerOf.set(o, n);
  const producers: Record<string, string> = {};
  for (const o of outputs) {
    let node = producerOf.get(o.name);
    for (let hops = 0; node?.op_type === 'Identity' && hops < 100; hops++) node = producerOf.get(node.input?.[0] ?? '');
    producers[o.name] = node?.op_type ?? 'unknown';
  }
  const defaultOpset = (raw.opset_import ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  const metadata: Record<string, string> = {};
  for (const p of raw.metadata_props ?? []) if (p.key) metadata[p.key] = p.value ?? '';

  return {
    path,
    irVersion: num(raw.ir_version),
    opset: defaultOpset ? num(defaultOpset.version) : null,
    producer: raw.producer_name ?? '',
    inputs,
    outputs,
    metadata,
    producers,
    opTypes: [...new Set(graph.node.map((n) => n.op_type ?? ''))],
  };
}

/** The model file's bytes, or a UserError naming the path and what is wrong with it. */
export async function readModelBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${path}: model file not found`, 'not-found');
    if (code === 'EISDIR') throw new UserError(`${path}: is a folder, expected an .onnx file`, 'bad-model');
    throw new UserError(`${path}: cannot read the model (${code ?? (e as Error).message})`, 'bad-model');
  }
}

export async function readModel(path: string): Promise<ModelInfo> {
  return parseModel(await readModelBytes(path), path);
}

/** Class names from metadata: a JSON list under `classes`/`labels`/`class_names`, or ONNX-ML style `{0: "a", ...}`. */
export function classesFromMetadata(meta: Record<string, string>): string[] | undefined {
  for (const key of ['classes', 'class_names', 'labels', 'names']) {
    const v = meta[key];
    if (v === undefined) continue;
    try {
      const parsed: unknown = JSON.parse(v);
      if (Array.isArray(parsed) && parsed.every((s) => typeof s === 'string')) return parsed as string[];
      if (parsed && typeof parsed === 'object') {
        const entries = Object.entries(parsed as Record<string, unknown>);
        if (entries.every(([k, s]) => /^\d+$/.test(k) && typeof s === 'string')) {
          const out: string[] = [];
          for (const [k, s] of entries) out[Number(k)] = s as string;
          if (out.every((s) => typeof s === 'string')) return out;
        }
      }
    } catch {
      // A comma-separated list is common too.
      const parts = v.split(',').map((s) => s.trim()).filter(Boolean);
      if (parts.length > 1) return parts;
    }
  }
  return undefined;
}
