/**
 * Planning a run: which output, which classes, which preprocessing. Runs inside the
 * inference child process (it decodes a first example, which needs native image code that
 * has no place in the extension host).
 */
import { basename, resolve } from 'node:path';
import { indexOfClass, readLabelsFile } from './classes';
import { openDataset } from './data/open';
import { defaultPreprocess, inputLayout, validatePreprocess } from './data/preprocess';
import { loadRunConfig, saveRunConfig } from './data/runConfig';
import type { Dataset, Sample } from './data/types';
import { UserError } from './errors';
import { classesFromMetadata, readModel, type ModelInfo, type ValueInfo } from './model/graph';
import { DEFAULT_PROVIDERS } from './model/providers';
import type { InferenceJob } from './model/workerProtocol';
import type { InspectOptions } from './options';
import type { OutputKind, PreprocessConfig } from './protocol';

export interface RunPlan {
  model: ModelInfo;
  input: ValueInfo;
  output: ValueInfo;
  dataset: Dataset;
  classes: string[];
  preprocess: PreprocessConfig;
  configPath: string;
  job: InferenceJob;
}

export function pickOutput(model: ModelInfo, requested: string | undefined): ValueInfo {
  const name = basename(model.path);
  if (requested !== undefined) {
    const o = model.outputs.find((x) => x.name === requested);
    if (!o) throw new UserError(`${name}: has no output '${requested}'; its outputs are ${model.outputs.map((x) => x.name).join(', ')}`, 'incompatible');
    return o;
  }
  if (model.outputs.length > 1) {
    const list = model.outputs.map((o) => `${o.name} [${(o.shape ?? []).map((d) => d ?? '?').join(', ')}]`).join(', ');
    throw new UserError(`${name}: has ${model.outputs.length} outputs (${list}); choose the class scores with --output`, 'incompatible');
  }
  return model.outputs[0];
}

function outputClasses(output: ValueInfo): number | undefined {
  const last = output.shape?.[output.shape.length - 1];
  return typeof last === 'number' ? (last === 1 ? 2 : last) : undefined;
}

async function firstSample(ds: Dataset): Promise<Sample | undefined> {
  for await (const s of ds.samples()) if (!s.error) return s;
  return undefined;
}

export async function planRun(opts: InspectOptions, warn: (m: string) => void = () => undefined): Promise<RunPlan> {
  const modelPath = resolve(opts.model);
  const dataPath = resolve(opts.data);
  const model = await readModel(modelPath);
  if (model.inputs.length !== 1) {
    throw new UserError(`${basename(modelPath)}: has ${model.inputs.length} inputs (${model.inputs.map((i) => i.name).join(', ')}); Mistake Lens feeds models with one input`, 'incompatible');
  }
  const input = model.inputs[0];
  const output = pickOutput(model, opts.output);
  const layout = inputLayout(input);
  const dataset = await openDataset(dataPath, { split: opts.split, inputsKey: opts.inputsKey, labelsKey: opts.labelsKey });

  // Class names: an explicit labels file, then the model's own metadata, then the data.
  const numOut = outputClasses(output);
  const labelNames = (dataset as Dataset & { labelNames?: string[] }).labelNames;
  let classes =
    (opts.labels ? await readLabelsFile(resolve(opts.labels)) : undefined) ??
    classesFromMetadata(model.metadata) ??
    dataset.classes ??
    (labelNames && labelNames.some((n) => !/^\d+$/.test(n)) ? labelNames : undefined);
  if (!classes) {
    if (numOut === undefined) throw new UserError(`${basename(modelPath)}: the number of classes is not fixed in the model; give class names with --labels`, 'incompatible');
    classes = Array.from({ length: numOut }, (_, i) => String(i));
  }
  if (numOut !== undefined && classes.length !== numOut) {
    const from = opts.labels ? opts.labels : classesFromMetadata(model.metadata) ? 'the model metadata' : 'the data';
    throw new UserError(`${from} names ${classes.length} classes but the model's output '${output.name}' has ${numOut}`, 'incompatible');
  }

  const saved = await loadRunConfig(dataPath, modelPath);
  const first = await firstSample(dataset);
  if (!first) throw new UserError(`${dataPath}: the dataset has no readable examples`, 'empty-dataset');
  let preprocess: PreprocessConfig = saved.config?.preprocess ?? defaultPreprocess(layout, first);
  if (opts.scale) {
    preprocess = { ...preprocess, scale: opts.scale };
    if (opts.scale === 'custom') preprocess = { ...preprocess, mean: opts.mean, std: opts.std };
    else delete preprocess.mean, delete preprocess.std;
  }
  validatePreprocess(preprocess);
  if (opts.saveConfig !== false) {
    const problem = await saveRunConfig(dataPath, modelPath, { preprocess, output: output.name });
    if (problem) warn(problem);
  }

  const kind: OutputKind | undefined =
    numOut === 2 && output.shape?.[output.shape.length - 1] === 1 ? 'sigmoid' : model.producers[output.name] === 'Softmax' ? 'probabilities' : undefined;
  const job: InferenceJob = {
    modelPath,
    data: { path: dataPath, split: opts.split, inputsKey: opts.inputsKey, labelsKey: opts.labelsKey },
    preprocess,
    inputName: input.name,
    outputName: output.name,
    outputKind: kind,
    sigmoidApplied: kind === 'sigmoid' && model.producers[output.name] === 'Sigmoid',
    numClasses: classes.length,
    classes,
    datasetClasses: dataset.classes,
    executionProviders: opts.executionProviders ?? DEFAULT_PROVIDERS,
    batchSize: opts.batchSize ?? 256,
    modelBatch: layout.batch,
    inputDims: layout.dims,
    limit: opts.limit,
  };
  return { model, input, output, dataset, classes, preprocess, configPath: saved.path, job };
}

/** Label names of the data that match no class: caught before the run, not after minutes of it. */
export function checkFolderClasses(plan: RunPlan): void {
  const names = plan.dataset.classes;
  if (!names) return;
  const unknown = names.filter((n) => indexOfClass(plan.classes, n) < 0);
  if (unknown.length) {
    throw new UserError(
      `${plan.dataset.root}: folder${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')} match${unknown.length > 1 ? '' : 'es'} none of the model's classes (${plan.classes.join(', ')})`,
    );
  }
}

