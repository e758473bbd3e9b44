/**
 * The inference child process: reads the data, preprocesses, runs ONNX Runtime in batches
 * and streams class probabilities to the parent. Runs apart from the extension host so a
 * blocking run() or a native crash cannot hang or take down the editor.
 */
import type { Tensor as OrtTensor } from 'onnxruntime-node';
import { indexOfClass } from '../classes';
import { isUserError, UserError } from '../errors';
import { batchDims, exampleSize, fitImage, scaleCoefficients, writeImage, writeTensor, type InputLayout } from '../data/preprocess';
import type { Sample } from '../data/types';
import type { OutputKind, PackedLists } from '../protocol';
import { looksLikeProbabilities, toFloat32, toProbabilities } from './outputs';
import { openSession } from './session';
import type { AnalysisSummary, FromWorker, InferenceJob, Reporting, ToWorker } from './workerProtocol';
import { RunAccumulator } from '../analysis/accumulator';
import { analyze, type AnalysisResult } from '../analysis/analyze';
import { packLists } from '../report/packed';
import { checkFolderClasses, planRun } from '../plan';
import type { InspectOptions } from '../options';
import { renderExamples } from './examples';

function send(msg: FromWorker): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(msg, undefined, undefined, () => resolve());
  });
}

/** A label as the reader gave it -> class index in the model's order (-1: unlabelled). */
export function resolveLabel(label: Sample['label'], job: InferenceJob, source: string): number {
  if (label === null) return -1;
  if (typeof label === 'string') return resolveName(label, job, source);
  if (job.datasetClasses) {
    const name = job.datasetClasses[label];
    if (name === undefined) throw new Error(`reader gave ${source} label ${label}, outside its own ${job.datasetClasses.length} classes`);
    return resolveName(name, job, source);
  }
  const c = job.numClasses;
  if (!Number.isInteger(label) || label < 0 || label >= c) {
    throw new UserError(`label ${label} of ${source} is out of range: the model has ${c} classes (0-${c - 1})`);
  }
  return label;
}

const nameCache = new Map<string, number>();

function resolveName(name: string, job: InferenceJob, source: string): number {
  let i = nameCache.get(name);
  if (i === undefined) {
    i = indexOfClass(job.classes, name);
    if (i >= 0) nameCache.set(name, i);
  }
  if (i >= 0) return i;
  if (/^\d+$/.test(name)) return resolveLabel(Number(name), { ...job, datasetClasses: undefined }, source);
  const shown = job.classes.slice(0, 12).join(', ') + (job.classes.length > 12 ? ', …' : '');
  throw new UserError(`label "${name}" of ${source} is not one of the model's classes (${shown})`);
}

interface Pending {
  indices: Int32Array;
  labels: Int32Array;
  sources: string[];
  count: number;
  input: Float32Array;
}

async function run(options: InspectOptions, reporting: Reporting): Promise<InferenceJob> {
  const started = performance.now();
  const warnings: string[] = [];
  const plan = await planRun(options, (m) => warnings.push(m));
  checkFolderClasses(plan);
  const job = plan.job;
  const { session, provider, notes } = await openSession(job.modelPath, job.executionProviders);
  const dataset = plan.dataset;
  const total = job.limit !== undefined && dataset.size !== undefined ? Math.min(job.limit, dataset.size) : dataset.size;
  await send({
    type: 'ready',
    summary: {
      model: { path: plan.model.path, inputName: plan.input.name, outputName: plan.output.name, opset: plan.model.opset },
      data: { path: dataset.root, kind: dataset.kind, preprocess: plan.preprocess },
      classes: plan.classes,
      executionProvider: provider,
      notes,
      warnings,
      total,
    },
  });

  const cfg = job.preprocess;
  const layout: InputLayout = { dims: job.inputDims, batch: job.modelBatch };
  const per = exampleSize(cfg);
  const coef = scaleCoefficients(cfg);
  const batch = job.modelBatch === 'dynamic' ? Math.max(1, job.batchSize) : job.modelBatch;
  let kind: OutputKind | undefined = job.outputKind;
  const acc = new RunAccumulator(job.numClasses);
  const analyzeOptions = { classes: plan.classes, top: reporting.top, targetAccuracy: reporting.targetAccuracy, labelIssueRanking: reporting.labelIssueRanking };
  let done = 0;
  let nextPartial = reporting.partialEveryMs > 0 ? 0 : Infinity;
  let firstSkip: string | undefined;

  const newPending = (): Pending => ({
    indices: new Int32Array(batch),
    labels: new Int32Array(batch),
    sources: [],
    count: 0,
    input: new Float32Array(batch * per),
  });

  // Run batch k while batch k+1 is being decoded and preprocessed.
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async (p: Pending) => {
    const n = p.count;
    // A fixed-batch model gets zero padding for the last batch; the padding's outputs are dropped.
    const rows = job.modelBatch === 'dynamic' ? n : batch;
    const ort = await import('onnxruntime-node');
    const tensor = new ort.Tensor('float32', rows === batch ? p.input : p.input.subarray(0, rows * per), batchDims(layout, cfg, rows));
    const prev = inFlight;
    const result = session.run({ [job.inputName]: tensor }, [job.outputName]);
    inFlight = (async () => {
      await prev;
      const out = (await result)[job.outputName] as OrtTensor;
      const values = toFloat32(out, job.outputName);
      const cols = values.length / rows;
      if (!Number.isInteger(cols) || cols < 1) {
        throw new UserError(`model output '${job.outputName}' has shape [${out.dims.join(', ')}]; expected one row of class scores per example`, 'incompatible');
      }
      kind ??= cols === 1 ? 'sigmoid' : looksLikeProbabilities(values, n, cols) ? 'probabilities' : 'logits';
      const probs = toProbabilities(values.subarray(0, n * cols), n, cols, kind, job.sigmoidApplied ?? false);
      if (probs.length !== n * job.numClasses) {
        throw new UserError(`model output '${job.outputName}' gives ${probs.length / n} scores per example but there are ${job.numClasses} classes (${plan.classes.slice(0, 5).join(', ')}…)`, 'incompatible');
      }
      acc.add({ indices: p.indices.subarray(0, n), labels: p.labels.subarray(0, n), sources: p.sources, probs });
      done += n;
      await send({ type: 'progress', done });
      const now = performance.now();
      if (now >= nextPartial) {
        await send({ type: 'partial', ...packed(analyze(acc, analyzeOptions), plan.classes), outputKind: kind, seconds: (now - started) / 1000 });
        // Spaced by 20x the analysis's cost, so partial results never slow the run by more than ~5%.
        nextPartial = performance.now() + Math.max(reporting.partialEveryMs, 20 * (performance.now() - now));
      }
    })();
    // Surface a failed run promptly rather than only at the next flush.
    inFlight.catch(() => undefined);
  };

  let pending = newPending();
  let seen = 0;
  for await (const s of dataset.samples()) {
    if (job.limit !== undefined && seen >= job.limit) break;
    seen++;
    if (s.error !== undefined) {
      firstSkip ??= s.error;
      await send({ type: 'skipped', index: s.index, source: s.source, reason: s.error });
      continue;
    }
    const label = resolveLabel(s.label, job, s.source);
    const offset = pending.count * per;
    if (s.image && cfg.layout !== 'flat') {
      const img = await fitImage(s.image, cfg, s.source);
      writeImage(img, cfg, coef, pending.input, offset);
    } else {
      const data = s.image?.data ?? s.tensor?.data;
      if (!data) throw new Error(`reader yielded ${s.source} with neither pixels nor an error`);
      writeTensor(data, per, coef, pending.input, offset, s.source);
    }
    pending.indices[pending.count] = s.index;
    pending.labels[pending.count] = label;
    pending.sources.push(s.source);
    pending.count++;
    if (pending.count === batch) {
      await flush(pending);
      pending = newPending();
    }
  }
  if (pending.count > 0) await flush(pending);
  await inFlight;
  if (seen === 0) throw new UserError(`${job.data.path}: the dataset has no examples`, 'empty-dataset');
  if (acc.count === 0) throw new UserError(`${job.data.path}: none of the ${seen} examples could be read (first: ${firstSkip})`, 'empty-dataset');
  await session.release();
  await send({
    type: 'done',
    seconds: (performance.now() - started) / 1000,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    ...packed(analyze(acc, analyzeOptions), plan.classes),
    outputKind: kind ?? 'logits',
  });
  return job;
}

/** The ranked lists leave the child in columns (see PackedLists). */
function packed(r: AnalysisResult, classes: string[]): { result: AnalysisSummary; lists: PackedLists } {
  const { mistakes, hardest, labelIssues, ...result } = r;
  return { result, lists: packLists({ mistakes, hardest, labelIssues }, classes) };
}

let planned: Promise<InferenceJob> | undefined;

process.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'start':
      planned = msg.serveOnly ? planRun({ ...msg.options, saveConfig: false }).then((p) => p.job) : run(msg.options, msg.reporting);
      planned.then(
        () => {
          if (!msg.keepAlive) process.exit(0);
        },
        async (e: unknown) => {
          const err = e as Error;
          await send({ type: 'error', message: err.message ?? String(e), code: isUserError(e) ? e.code : 'internal' });
          process.exit(1);
        },
      );
      break;
    case 'examples': {
      const { requestId, ids } = msg;
      (planned ?? Promise.reject(new Error('no run has started')))
        .then((job) => renderExamples(job, ids))
        .then(
          (examples) => send({ type: 'examples', requestId, examples }),
          (e: unknown) => send({ type: 'examplesFailed', requestId, message: (e as Error).message ?? String(e) }),
        );
      break;
    }
    default: {
      const never: never = msg;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
});
