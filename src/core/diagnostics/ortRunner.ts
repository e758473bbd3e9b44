/**
 * ONNX Runtime glue for the diagnostics child process (never loaded in the parent):
 * - OrtRunner: runs the model on any number of examples, in chunks of its batch size (a
 *   fixed-batch model gets zero padding whose rows are dropped, as inspect does);
 * - openExposed: the same model with intermediate values added as graph outputs, to read
 *   activations, intermediate shapes or the first NaN. The outputs are appended to the file's
 *   bytes as a second serialised ModelProto holding only `graph.output` entries: protobuf
 *   merges repeated fields of a message that appears twice, so the weights are never decoded
 *   or re-encoded, and no file is written.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { batchDims, type InputLayout } from '../data/preprocess';
import type { PreprocessConfig } from '../protocol';
import { UserError } from '../errors';
import { toFloat32 } from '../model/outputs';
import { onnxModelType, type GraphFacts } from './graphFacts';

export interface ModelRunner {
  /** Fixed batch size of the model, or 'dynamic'. */
  readonly batch: number | 'dynamic';
  /** Floats per example. */
  readonly perExample: number;
  /** Runs n examples (n * perExample floats); returns the output rows (n * cols). */
  run(input: Float32Array, n: number): Promise<{ values: Float32Array; cols: number }>;
}

export class OrtRunner implements ModelRunner {
  readonly batch: number | 'dynamic';
  readonly perExample: number;
  constructor(
    private readonly session: InferenceSession,
    private readonly inputName: string,
    private readonly outputName: string,
    private readonly layout: InputLayout,
    private readonly cfg: PreprocessConfig,
    perExample: number,
    private readonly maxBatch = 256,
  ) {
    this.batch = layout.batch;
    this.perExample = perExample;
  }

  async run(input: Float32Array, n: number): Promise<{ values: Float32Array; cols: number }> {
    const ort = await import('onnxruntime-node');
    const per = this.perExample;
    const chunk = this.batch === 'dynamic' ? this.maxBatch : this.batch;
    const parts: Float32Array[] = [];
    let cols = 0;
    for (let start = 0; start < n; start += chunk) {
      const k = Math.min(chunk, n - start);
      const rows = this.batch === 'dynamic' ? k : this.batch;
      let data = input.subarray(start * per, (start + k) * per);
      if (rows !== k) {
        const padded = new Float32Array(rows * per);
        padded.set(data);
        data = padded;
      }
      const tensor = new ort.Tensor('float32', data, batchDims(this.layout, this.cfg, rows));
      const out = (await this.session.run({ [this.inputName]: tensor }, [this.outputName]))[this.outputName] as Tensor;
      const values = toFloat32(out, this.outputName);
      const c = values.length / rows;
      if (!Number.isInteger(c) || c < 1) throw new UserError(`model output '${this.outputName}' has shape [${out.dims.join(', ')}]; expected one row of class scores per example`, 'incompatible');
      cols = c;
      parts.push(values.subarray(0, k * c));
    }
    const values = new Float32Array(n * cols);
    let o = 0;
    for (const p of parts) {
      values.set(p, o);
      o += p.length;
    }
    return { values, cols };
  }
}

export interface ExposedSession {
  session: InferenceSession;
  /** The names that were added as outputs (those already outputs are not repeated). */
  exposed: string[];
}

/**
 * Opens `modelPath` with `names` as extra outputs, on `provider`, with the given optimisation
 * level. The session is created from bytes; ONNX Runtime then resolves external-data files
 * against the working directory, so it is set to the model's folder while the session loads
 * (this child process runs one check at a time and uses absolute paths everywhere else).
 */
export async function openExposed(
  modelPath: string,
  facts: GraphFacts,
  names: string[],
  provider: string,
  graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all' = 'disabled',
): Promise<ExposedSession> {
  const ort = await import('onnxruntime-node');
  const existing = new Set([...facts.info.outputs.map((o) => o.name), ...facts.info.inputs.map((i) => i.name)]);
  const exposed = [...new Set(names)].filter((n) => n && !existing.has(n) && !facts.initializers.has(n));
  const Model = onnxModelType();
  const extra = Model.encode(Model.fromObject({ graph: { output: exposed.map((name) => ({ name })) } })).finish();
  const bytes = Buffer.concat([await readFile(modelPath), Buffer.from(extra)]);
  const cwd = process.cwd();
  process.chdir(dirname(resolve(modelPath)));
  try {
    const session = await ort.InferenceSession.create(bytes, { executionProviders: [provider], graphOptimizationLevel, logSeverityLevel: 3 });
    return { session, exposed };
  } finally {
    process.chdir(cwd);
  }
}
