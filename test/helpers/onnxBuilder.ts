/**
 * Builds tiny ONNX models for bad-input tests (an INT64 input, two inputs, a NaN source),
 * encoded with protobufjs against the official schema and loaded by the real ONNX Runtime.
 */
import protobuf from 'protobufjs';
import { onnxSchema } from '../../src/core/model/schema/onnxSchema.generated';

const FLOAT = 1;
export const INT64 = 7;

interface IO { name: string; elemType?: number; shape: (number | string)[] }
interface Node { op: string; inputs: string[]; outputs: string[]; attrs?: { name: string; ints?: number[]; i?: number }[] }

export function buildModel(spec: { inputs: IO[]; outputs: IO[]; nodes: Node[]; metadata?: Record<string, string>; opset?: number }): Uint8Array {
  const root = protobuf.Root.fromJSON(onnxSchema as unknown as protobuf.INamespace);
  const Model = root.lookupType('onnx.ModelProto');
  const vi = (io: IO) => ({
    name: io.name,
    type: {
      tensor_type: {
        elem_type: io.elemType ?? FLOAT,
        shape: { dim: io.shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  });
  const msg = Model.fromObject({
    ir_version: 8,
    producer_name: 'mistake-lens-tests',
    opset_import: [{ domain: '', version: spec.opset ?? 13 }],
    metadata_props: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: 'g',
      node: spec.nodes.map((n, i) => ({
        name: `n${i}`,
        op_type: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: (n.attrs ?? []).map((a) => (a.ints ? { name: a.name, type: 7, ints: a.ints } : { name: a.name, type: 2, i: a.i })),
      })),
      input: spec.inputs.map(vi),
      output: spec.outputs.map(vi),
    },
  });
  return Model.encode(msg).finish();
}
