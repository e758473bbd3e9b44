/**
 * The main job: a model and labelled data in, a report out. Plans the run (classes,
 * preprocessing, output), streams it through the inference child process and analyses the
 * results as they arrive.
 */
import { basename, resolve } from 'node:path';
import { RunAccumulator } from './analysis/accumulator';
import { analyze, type AnalysisResult } from './analysis/analyze';
import { classesFromMetadata, readModel, type ModelInfo, type ValueInfo } from './model/graph';
import { indexOfClass, readLabelsFile } from './classes';
import { openDataset } from './data/open';
import { defaultPreprocess, inputLayout, validatePreprocess } from './data/preprocess';
import { loadRunConfig, saveRunConfig } from './data/runConfig';
import type { Dataset, Sample } from './data/types';
import { UserError } from './errors';
import { DEFAULT_PROVIDERS } from './model/session';
import { startInference, type RunOutcome } from './model/runner';
import type { InferenceJob } from './model/workerProtocol';
import { REPORT_VERSION, type LabelIssueRanking, type OutputKind, type PreprocessConfig, type Report, type ScaleName, type SkippedExample } from './protocol';
import { TOOL_VERSION } from './version';

export interface InspectOptions {
  model: string;
  data: string;
  labels?: string;
  /** Overrides the saved or default scaling. */
  scale?: ScaleName;
  mean?: number[];
  std?: number[];
  /** Model output to read, when it has several. */
  output?: string;
  executionProviders?: string[];
  batchSize?: number;
  top?: number;
  targetAccuracy?: number;
  labelIssueRanking?: LabelIssueRanking;
  split?: string;
  inputsKey?: string;
  labelsKey?: string;
  /** Save the preprocessing next to the data (default true). */
  saveConfig?: boolean;
  limit?: number;
}

export interface InspectProgress {
  done: number;
  total: number | undefined;
  executionProvider?: string;
}

export interface InspectCallbacks {
  onProgress?(p: InspectProgress): void;
  /** Partial results while the run goes on (at most every `partialEveryMs`). */
  onPartial?(r: AnalysisResult): void;
  partialEveryMs?: number;
  onWarning?(message: string): void;
  /** Worker statistics (wall time, peak memory) once the run is over. */
  onWorkerDone?(o: RunOutcome): void;
  signal?: AbortSignal;
}

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

export async function inspect(opts: InspectOptions, cb: InspectCallbacks = {}): Promise<Report> {
  const warn = cb.onWarning ?? (() => undefined);
  const plan = await planRun(opts, warn);
  checkFolderClasses(plan);
  if (cb.signal?.aborted) throw new UserError('cancelled', 'cancelled');

  let acc: RunAccumulator | undefined;
  let outputKind: OutputKind = plan.job.outputKind ?? 'logits';
  let executionProvider = '';
  let notes: string[] = [];
  let total: number | undefined;
  let done = 0;
  const skipped: SkippedExample[] = [];
  let lastPartial = 0;
  const analyzeOptions = {
    classes: plan.classes,
    top: opts.top ?? 100,
    targetAccuracy: opts.targetAccuracy ?? 0.95,
    labelIssueRanking: opts.labelIssueRanking ?? 'self-confidence',
  };

  const handle = startInference(plan.job, {
    onReady(m) {
      executionProvider = m.executionProvider;
      notes = m.notes;
      total = m.total;
      cb.onProgress?.({ done, total, executionProvider });
    },
    onBatch(m) {
      acc ??= new RunAccumulator(plan.classes.length);
      outputKind = m.outputKind;
      acc.add(m);
      done += m.indices.length;
      cb.onProgress?.({ done, total, executionProvider });
      const now = Date.now();
      if (cb.onPartial && now - lastPartial >= (cb.partialEveryMs ?? 500)) {
        lastPartial = now;
        cb.onPartial(analyze(acc, analyzeOptions));
      }
    },
    onSkipped(m) {
      skipped.push({ index: m.index, source: m.source, reason: m.reason });
      done++;
      cb.onProgress?.({ done, total, executionProvider });
    },
  });
  const onAbort = () => handle.cancel();
  cb.signal?.addEventListener('abort', onAbort);
  let outcome;
  try {
    outcome = await handle.done;
  } finally {
    cb.signal?.removeEventListener('abort', onAbort);
  }
  cb.onWorkerDone?.(outcome);
  if (!acc) {
    throw new UserError(`${plan.dataset.root}: none of the ${skipped.length} examples could be read (first: ${skipped[0]?.source}: ${skipped[0]?.reason})`, 'empty-dataset');
  }
  const result = analyze(acc, analyzeOptions);
  return {
    version: REPORT_VERSION,
    tool: { name: 'mistake-lens', version: TOOL_VERSION },
    createdAt: new Date().toISOString(),
    model: { path: plan.model.path, inputName: plan.input.name, outputName: plan.output.name, outputKind, opset: plan.model.opset },
    data: { path: plan.dataset.root, kind: plan.dataset.kind, preprocess: plan.preprocess },
    executionProvider,
    executionProviderNotes: notes,
    classes: plan.classes,
    ...result,
    skipped,
    numSkipped: skipped.length,
    timing: { seconds: outcome.seconds, examplesPerSecond: outcome.seconds > 0 ? result.numExamples / outcome.seconds : 0 },
  };
}
