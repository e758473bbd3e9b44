/** Shared by the diagnostics tests: the fixtures' ground truth, cached runs, tiny ONNX models with weights. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { runDiagnostics } from '../../../src/core/diagnostics/index';
import type { DiagnoseOptions, DiagnoseReport, Finding } from '../../../src/core/diagnostics/types';
import { onnxSchema } from '../../../src/core/model/schema/onnxSchema.generated';

export const FIX = 'test/fixtures/diagnostics';
export const MODELS = `${FIX}/models`;
export const CLEAN = `${FIX}/data/clean`;
export const PLANTED = `${FIX}/data/planted`;

interface ModelTruth {
  file: string;
  bug: string | null;
  onClean?: Record<'train' | 'test' | 'all', { accuracy: number; meanLoss: number; numFinite: number; numNonFinite: number }>;
  [k: string]: unknown;
}

export const truth = JSON.parse(readFileSync(`${FIX}/expected.json`, 'utf8')) as {
  classes: string[];
  models: Record<string, ModelTruth>;
  data: {
    clean: { files: string[]; classCounts: Record<string, Record<string, number>> };
    planted: {
      exactDuplicates: { files: string[] }[];
      nearDuplicates: { files: string[] }[];
      conflictingLabels: { files: string[]; labels: string[] }[];
      leakage: { train: string; test: string; how: string }[];
      corrupt: string[];
      constant: string[];
      classCounts: Record<string, Record<string, number>>;
      imbalance: { split: string; largest: number; smallest: number; smallestClass: string; ratio: number };
    };
  };
};

const cache = new Map<string, Promise<DiagnoseReport>>();

/** One diagnostics run per distinct options (tests in a file share it). */
export function diagnose(options: Partial<DiagnoseOptions> & Pick<DiagnoseOptions, 'model' | 'data'>): Promise<DiagnoseReport> {
  const key = JSON.stringify(options);
  let p = cache.get(key);
  if (!p) cache.set(key, (p = runDiagnostics({ executionProviders: ['cpu'], ...options })));
  return p;
}

export function get(r: DiagnoseReport, code: string): Finding {
  const f = r.findings.filter((x) => x.code === code);
  assert.equal(f.length, 1, `expected exactly one ${code} finding, got ${f.length}`);
  return f[0];
}

export const problems = (r: DiagnoseReport, target?: Finding['target']) =>
  r.findings.filter((f) => (f.severity === 'warning' || f.severity === 'error') && (!target || f.target === target)).map((f) => `${f.code} ${f.severity}: ${f.message}`);

/** Groups of example sources as sorted lists, the list of groups sorted: compare as sets. */
export const asSets = (groups: string[][]) => groups.map((g) => [...g].sort()).sort((a, b) => (a.join('|') < b.join('|') ? -1 : 1));

// ------------------------------------------------------------------ tiny ONNX models with weights

const FLOAT = 1;
interface IO { name: string; shape: (number | string)[] }
interface Init { name: string; dims: number[]; values: number[] }
interface Node { op: string; inputs: string[]; outputs: string[]; attrs?: { name: string; i?: number; ints?: number[] }[] }

export function buildModel(spec: { inputs: IO[]; outputs: IO[]; nodes: Node[]; initializers?: Init[]; valueInfo?: IO[]; metadata?: Record<string, string> }): Uint8Array {
  const root = protobuf.Root.fromJSON(onnxSchema as unknown as protobuf.INamespace);
  const Model = root.lookupType('onnx.ModelProto');
  const vi = (io: IO) => ({ name: io.name, type: { tensor_type: { elem_type: FLOAT, shape: { dim: io.shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } } });
  const msg = Model.fromObject({
    ir_version: 8,
    producer_name: 'mistake-lens-tests',
    opset_import: [{ domain: '', version: 13 }],
    metadata_props: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: 'g',
      node: spec.nodes.map((n, i) => ({
        name: `${n.op.toLowerCase()}${i}`,
        op_type: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: (n.attrs ?? []).map((a) => (a.ints ? { name: a.name, type: 7, ints: a.ints } : { name: a.name, type: 2, i: a.i })),
      })),
      initializer: (spec.initializers ?? []).map((t) => ({ name: t.name, dims: t.dims, data_type: FLOAT, float_data: t.values })),
      input: spec.inputs.map(vi),
      output: spec.outputs.map(vi),
      value_info: (spec.valueInfo ?? []).map(vi),
    },
  });
  return Model.encode(msg).finish();
}
