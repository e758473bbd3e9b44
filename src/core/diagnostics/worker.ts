/**
 * The diagnostics child process: opens the model and data, runs every check, and streams
 * each finding to the parent as soon as it is known. ONNX Runtime and the image decoders
 * live here only. A check that throws becomes a `skipped` finding with the reason; only bad
 * input (a model or data that cannot be opened) ends the run with an error.
 *
 * One pass over the data does the reading, the data features (hashes, thumbnails, stats)
 * and the inference with the configured pre-processing; a seeded reservoir keeps a sample
 * (--sample, default 1000) for the checks that re-run the model (sweep, baselines, batch
 * mixing, activations, broadcast shapes).
 */
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { RunAccumulator } from '../analysis/accumulator';
import { analyze } from '../analysis/analyze';
import { batchDims, exampleSize, fitImage, scaleCoefficients, writeImage, writeTensor } from '../data/preprocess';
import type { RawImage, Sample } from '../data/types';
import { isUserError, UserError } from '../errors';
import { toFloat32, toProbabilities, looksLikeProbabilities } from '../model/outputs';
import { DEFAULT_PROVIDERS } from '../model/providers';
import { openSession } from '../model/session';
import type { OutputKind, PreprocessConfig } from '../protocol';
import { ELEMENTWISE_OPS, runHazards, staticHazards } from './broadcast';
import { skipped, type CheckCode } from './codes';
import { duplicateFindings, duplicateGroups, constantFinding, imbalanceFinding, inputStatsFinding, unreadableFinding, type DataContext } from './dataChecks';
import { DataFeatures } from './dataFeatures';
import { errorBreakdownFinding, labelIssuesFinding, permutationFinding } from './labelChecks';
import {
  accuracyOf,
  ACTIVATION_OPS,
  activationFinding,
  baselineCheck,
  batchMixingCheck,
  broadcastFinding,
  determinismFinding,
  graphFinding,
  LayerAccumulator,
  lossFinding,
  nonFiniteFinding,
  outputKindFinding,
  probabilityRows,
  staticRandomness,
  sweepCandidates,
  sweepFinding,
  type SampleSet,
  type SweepCandidate,
} from './modelChecks';
import { DEFAULT_NEAR_COSINE } from './nearDuplicates';
import { openExposed, OrtRunner, type ModelRunner } from './ortRunner';
import { planDiagnose, resolveLabel, type DiagnosePlan } from './plan';
import { mulberry32 } from './random';
import type { DiagnoseOptions, Finding } from './types';
import type { FromDiagnosticsWorker, ReportHeader, ToDiagnosticsWorker } from './workerProtocol';

function send(msg: FromDiagnosticsWorker): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(msg, undefined, undefined, () => resolve());
  });
}

const firstLine = (e: unknown): string => {
  const s = (e as Error)?.message ?? String(e);
  const line = s.split('\n').find((l) => l.trim()) ?? s;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
};

/** Memory the sample may take (raw pixels and preprocessed floats). */
const SAMPLE_BUDGET_BYTES = 256 * 1024 * 1024;


interface SampleItem {
  id: number;
  input: Float32Array;
  raw: RawImage | undefined;
  label: number;
  source: string;
}

interface SplitStats {
  labelled: number;
  correct: number;
  lossSum: number;
}

interface PassResult {
  features: DataFeatures;
  acc: RunAccumulator | undefined;
  splitStats: SplitStats[];
  outputKind: OutputKind | undefined;
  cols: number;
  rows: number;
  rowsProbabilities: { all: boolean; maxSumError: number; n: number };
  nonFinite: { count: number; examples: { source: string }[]; firstInput: Float32Array | undefined };
  sample: SampleItem[];
  /** Why inference stopped (or never started); undefined when it ran on everything. */
  modelProblem: string | undefined;
  rawSources: string[];
}

async function dataPass(
  plan: DiagnosePlan,
  opts: DiagnoseOptions,
  runner: ModelRunner | undefined,
  progress: (done: number, total: number | undefined) => void,
): Promise<PassResult> {
  const features = new DataFeatures();
  const C = plan.classes.length;
  const cfg = plan.preprocess;
  const per = cfg ? exampleSize(cfg) : 0;
  const coef = cfg ? scaleCoefficients(cfg) : undefined;
  const B = runner ? (runner.batch === 'dynamic' ? Math.max(1, opts.batchSize ?? 256) : runner.batch) : 0;
  const staticKind: OutputKind | undefined = plan.output && plan.facts.info.producers[plan.output.name] === 'Softmax' ? 'probabilities' : undefined;
  const sigmoidApplied = plan.output ? plan.facts.info.producers[plan.output.name] === 'Sigmoid' : false;
  const res: PassResult = {
    features,
    acc: undefined,
    splitStats: plan.splits.map(() => ({ labelled: 0, correct: 0, lossSum: 0 })),
    outputKind: undefined,
    cols: 0,
    rows: 0,
    rowsProbabilities: { all: true, maxSumError: 0, n: 0 },
    nonFinite: { count: 0, examples: [], firstInput: undefined },
    sample: [],
    modelProblem: runner ? undefined : plan.modelProblem,
    rawSources: [],
  };
  let canRun = runner !== undefined && cfg !== undefined;
  const sampleWanted = Math.max(0, opts.sample ?? 1000);
  let sampleCap = sampleWanted;
  const rand = mulberry32(opts.seed ?? 0);
  let seenForSample = 0;

  let pending = { ids: new Int32Array(B), labels: new Int32Array(B), splits: new Int32Array(B), sources: [] as string[], input: new Float32Array(B * per), count: 0 };
  const flush = async () => {
    const p = pending;
    pending = { ids: new Int32Array(B), labels: new Int32Array(B), splits: new Int32Array(B), sources: [], input: new Float32Array(B * per), count: 0 };
    if (!canRun || p.count === 0) return;
    try {
      const n = p.count;
      const { values, cols } = await runner!.run(p.input, n);
      if (res.outputKind === undefined) {
        res.outputKind = staticKind ?? (cols === 1 ? 'sigmoid' : looksLikeProbabilities(values, n, cols) ? 'probabilities' : 'logits');
        res.cols = cols;
        const k = res.outputKind === 'sigmoid' ? 2 : cols;
        if (k !== C) throw new UserError(`the model's output '${plan.output!.name}' has ${cols} score${cols === 1 ? '' : 's'} per example but there are ${C} classes`, 'incompatible');
        res.acc = new RunAccumulator(C);
      }
      const rowsInfo = probabilityRows(values, n, cols);
      res.rowsProbabilities.all &&= rowsInfo.all;
      res.rowsProbabilities.maxSumError = Math.max(res.rowsProbabilities.maxSumError, rowsInfo.maxSumError);
      res.rowsProbabilities.n += n;
      const probs = toProbabilities(values, n, cols, res.outputKind, sigmoidApplied);
      const k = C;
      for (let r = 0; r < n; r++) {
        const label = p.labels[r];
        let finite = true;
        for (let c = 0; c < k; c++) if (!Number.isFinite(probs[r * k + c])) finite = false;
        if (!finite) {
          res.nonFinite.count++;
          if (res.nonFinite.examples.length < 1000) res.nonFinite.examples.push({ source: p.sources[r] });
          res.nonFinite.firstInput ??= p.input.slice(r * per, (r + 1) * per);
          continue;
        }
        if (label < 0) continue;
        let best = 0;
        for (let c = 1; c < k; c++) if (probs[r * k + c] > probs[r * k + best]) best = c;
        const s = res.splitStats[p.splits[r]];
        s.labelled++;
        if (best === label) s.correct++;
        s.lossSum -= Math.log(Math.max(probs[r * k + label], 1e-12));
      }
      res.acc!.add({ indices: p.ids.subarray(0, n), sources: p.sources, labels: p.labels.subarray(0, n), probs });
      res.rows += n;
    } catch (e) {
      canRun = false;
      res.modelProblem = `inference failed: ${firstLine(e)}`;
    }
  };

  let done = 0;
  const total = plan.splits.every((s) => s.dataset.size !== undefined) ? plan.splits.reduce((a, s) => a + (s.dataset.size ?? 0), 0) : undefined;
  let lastProgress = 0;
  for (let si = 0; si < plan.splits.length; si++) {
    const split = plan.splits[si];
    let seen = 0;
    for await (const s of split.dataset.samples() as AsyncIterable<Sample>) {
      if (opts.limit !== undefined && seen >= opts.limit) break;
      seen++;
      done++;
      const now = performance.now();
      if (now - lastProgress > 250) {
        lastProgress = now;
        progress(done, total);
      }
      const source = split.prefix + s.source;
      if (s.error !== undefined) {
        features.addUnreadable(si, source, s.error.startsWith(s.source) ? split.prefix + s.error : s.error);
        continue;
      }
      const label = resolveLabel(s.label, split.dataset, plan.classes, source);
      const id = features.add(si, source, label, s.image, s.tensor);
      res.rawSources.push(s.source);
      if (!canRun || !cfg) continue;
      const off = pending.count * per;
      let fitted: RawImage | undefined;
      try {
        if (s.image && cfg.layout !== 'flat') {
          fitted = await fitImage(s.image, cfg, source);
          writeImage(fitted, cfg, coef!, pending.input, off);
        } else {
          const data = s.image?.data ?? s.tensor?.data;
          writeTensor(data!, per, coef!, pending.input, off, source);
        }
      } catch (e) {
        canRun = false;
        res.modelProblem = firstLine(e);
        continue;
      }
      // Reservoir sample (seeded): every example has the same chance to be kept.
      if (sampleCap > 0) {
        if (seenForSample === 0) {
          const bytes = per * 4 + (fitted && fitted.data instanceof Uint8Array ? fitted.data.length : 0);
          sampleCap = Math.max(1, Math.min(sampleWanted, Math.floor(SAMPLE_BUDGET_BYTES / Math.max(1, bytes))));
        }
        const keep = seenForSample < sampleCap ? seenForSample : Math.floor(rand() * (seenForSample + 1));
        seenForSample++;
        if (keep < sampleCap) {
          const raw = fitted && fitted.data instanceof Uint8Array ? { ...fitted, data: fitted.data.slice() } : undefined;
          res.sample[keep] = { id, input: pending.input.slice(off, off + per), raw, label, source };
        }
      }
      pending.ids[pending.count] = id;
      pending.labels[pending.count] = label;
      pending.splits[pending.count] = si;
      pending.sources.push(source);
      pending.count++;
      if (pending.count === B) await flush();
    }
  }
  await flush();
  progress(done, total);
  res.sample = res.sample.filter(Boolean).sort((a, b) => a.id - b.id);
  return res;
}

function sampleSet(items: SampleItem[], per: number): SampleSet {
  const inputs = new Float32Array(items.length * per);
  items.forEach((it, i) => inputs.set(it.input, i * per));
  return { n: items.length, perExample: per, inputs, labels: Int32Array.from(items.map((i) => i.label)), sources: items.map((i) => i.source) };
}

/** The first node (in graph order) whose output holds NaN/Inf on `input`. */
async function firstNonFiniteNode(plan: DiagnosePlan, provider: string, input: Float32Array, cfg: PreprocessConfig) {
  const names = plan.facts.nodes.flatMap((n) => n.outputs.filter((o) => o !== ''));
  const exposed = await openExposed(plan.modelPath, plan.facts, names, provider, 'disabled');
  try {
    const ort = await import('onnxruntime-node');
    const rows = plan.layout!.batch === 'dynamic' ? 1 : plan.layout!.batch;
    const data = new Float32Array(rows * input.length);
    data.set(input);
    const out = await exposed.session.run({ [plan.input!.name]: new ort.Tensor('float32', data, batchDims(plan.layout!, cfg, rows)) });
    const bad = (name: string): boolean | undefined => {
      const t = out[name] as Tensor | undefined;
      if (!t || typeof t.data === 'string' || t.type === 'string' || t.type === 'bool') return undefined;
      const d = t.data as ArrayLike<number | bigint>;
      const n = Math.min(d.length, (d.length / rows) | 0 || d.length);
      for (let i = 0; i < n; i++) if (typeof d[i] === 'number' && !Number.isFinite(d[i] as number)) return true;
      return false;
    };
    for (const node of plan.facts.nodes) {
      const o = node.outputs.find((x) => x !== '' && bad(x));
      if (!o) continue;
      const inputsFinite = node.inputs.filter((x) => x !== '').every((x) => plan.facts.constants.has(x) || bad(x) !== true);
      return { node: node.name, opType: node.opType, output: o, inputsFinite };
    }
    return undefined;
  } finally {
    await exposed.session.release().catch(() => undefined);
  }
}

async function diagnose(opts: DiagnoseOptions): Promise<void> {
  const started = performance.now();
  const phases: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await f();
    } finally {
      phases[name] = (phases[name] ?? 0) + (performance.now() - t) / 1000;
    }
  };
  const emit = (f: Finding) => send({ type: 'finding', finding: f });
  /** Runs one check (or several that share work); a throw becomes a skipped finding for each code. */
  const check = async (codes: CheckCode | CheckCode[], location: Finding['location'], f: () => Finding | Finding[] | Promise<Finding | Finding[]>) => {
    let out: Finding | Finding[];
    try {
      out = await f();
    } catch (e) {
      out = (Array.isArray(codes) ? codes : [codes]).map((code) => skipped(code, `The check could not run: ${firstLine(e)}`, location));
    }
    for (const x of Array.isArray(out) ? out : [out]) await emit(x);
  };
  const progress = (phase: string) => (done: number, total: number | undefined) => void send({ type: 'progress', progress: { phase, done, total } });

  const plan = await timed('open', () => planDiagnose(opts));
  const modelLoc = { file: plan.modelPath };
  const dataLoc = { file: plan.dataRoot };
  const info = plan.facts.info;
  const header: ReportHeader = {
    model: {
      path: plan.modelPath,
      opset: info.opset,
      irVersion: info.irVersion,
      producer: info.producer,
      inputs: info.inputs,
      outputs: info.outputs,
      outputName: plan.output?.name ?? null,
      outputKind: null,
      executionProvider: null,
      executionProviderNotes: [],
    },
    data: {
      path: plan.dataRoot,
      kind: plan.dataKind as ReportHeader['data']['kind'],
      splits: plan.splits.map((s) => ({ name: s.name, path: s.path, numExamples: 0, numUnreadable: 0 })),
      classes: plan.classes,
      numExamples: 0,
      numLabelled: 0,
      preprocess: plan.preprocess ?? null,
      sampleSize: 0,
    },
  };
  await send({ type: 'ready', header });

  // -- graph-only checks
  await check('ML-M001', modelLoc, () => graphFinding(plan.facts, plan.modelProblem, modelLoc));
  const randomness = staticRandomness(plan.facts);

  // -- the model session
  let modelProblem = plan.modelProblem;
  let session: InferenceSession | undefined;
  let provider = 'cpu';
  let runner: OrtRunner | undefined;
  const cfg = plan.preprocess;
  if (!modelProblem && cfg && plan.input && plan.output && plan.layout) {
    try {
      const opened = await timed('load', () => openSession(plan.modelPath, opts.executionProviders ?? DEFAULT_PROVIDERS));
      session = opened.session;
      provider = opened.provider;
      header.model.executionProvider = provider;
      header.model.executionProviderNotes = opened.notes;
      runner = new OrtRunner(session, plan.input.name, plan.output.name, plan.layout, cfg, exampleSize(cfg), opts.batchSize ?? 256);
    } catch (e) {
      modelProblem = firstLine(e);
    }
  } else if (!modelProblem && !cfg) modelProblem = 'the input pre-processing could not be determined';

  // -- one pass over the data
  const pass = await timed('pass', () => dataPass(plan, opts, runner, progress('reading and running')));
  modelProblem ??= pass.modelProblem;
  const f = pass.features;
  header.model.outputKind = pass.outputKind ?? null;
  header.data.numExamples = f.n;
  header.data.numLabelled = f.labels.subarray(0, f.n).filter((l) => l >= 0).length;
  header.data.splits.forEach((s, i) => {
    s.numExamples = f.splits.subarray(0, f.n).filter((x) => x === i).length;
    s.numUnreadable = f.unreadable.filter((u) => u.split === i).length;
  });
  const canModel = !modelProblem && runner !== undefined && pass.rows > 0;
  const why = modelProblem ?? 'the model produced no outputs';
  const skipModel = (code: CheckCode) => skipped(code, `The model could not be run on this data: ${why}.`, modelLoc);

  // -- data checks
  const splitNames = plan.splits.map((s) => s.name);
  const splitOfSource = (id: number) => plan.splits[f.splits[id]];
  const locateRaw = (split: number, raw: string): Finding['location'] => {
    const s = plan.splits[split];
    if (s.lines) return { file: s.path, line: s.lines.get(raw) };
    if (s.dataset.kind === 'image-folder') return { file: `${s.dataset.root}/${raw}` };
    return { file: s.path };
  };
  const ctx: DataContext = {
    features: f,
    splitNames,
    classes: plan.classes,
    locate: (id) => locateRaw(f.splits[id], pass.rawSources[id] ?? f.sources[id].slice(splitOfSource(id).prefix.length)),
    dataLocation: dataLoc,
  };
  const threshold = opts.nearDuplicateCosine ?? DEFAULT_NEAR_COSINE;
  await check(['ML-D001', 'ML-D002', 'ML-D003', 'ML-D004'], dataLoc, async () => {
    const groups = await timed('duplicates', async () => duplicateGroups(f, { threshold }));
    return duplicateFindings(ctx, groups, threshold);
  });
  await check('ML-D005', dataLoc, () => imbalanceFinding(ctx, opts.imbalanceRatio ?? 5));
  await check('ML-D006', dataLoc, () => unreadableFinding(ctx, (split, source) => locateRaw(split, source.slice(plan.splits[split].prefix.length))));
  await check('ML-D007', dataLoc, () => constantFinding(ctx));
  await check('ML-D008', dataLoc, () => inputStatsFinding(ctx, cfg));

  // -- label findings from the analyses (confident learning, permutation)
  if (canModel && pass.acc) {
    const analysis = await timed('analysis', async () => analyze(pass.acc!, { classes: plan.classes, top: 20, targetAccuracy: 0.95, labelIssueRanking: 'self-confidence' }));
    const idOfSource = new Map<string, number>();
    const locateSource = (source: string) => {
      if (idOfSource.size === 0) f.sources.forEach((s, i) => idOfSource.set(s, i));
      const id = idOfSource.get(source);
      return id === undefined ? undefined : ctx.locate(id);
    };
    await check('ML-D009', dataLoc, () => labelIssuesFinding(analysis, locateSource, dataLoc));
    await check('ML-D010', dataLoc, () => permutationFinding(analysis, dataLoc));
  } else {
    await emit(skipped('ML-D009', `Needs the model's predictions: ${why}.`, dataLoc));
    await emit(skipped('ML-D010', `Needs the model's predictions: ${why}.`, dataLoc));
  }

  // -- model checks from the pass
  const totals = pass.splitStats.reduce((a, s) => ({ labelled: a.labelled + s.labelled, correct: a.correct + s.correct, lossSum: a.lossSum + s.lossSum }), { labelled: 0, correct: 0, lossSum: 0 });
  if (canModel) {
    await check('ML-M006', modelLoc, () => lossFinding({ meanLoss: totals.labelled ? totals.lossSum / totals.labelled : 0, accuracy: totals.labelled ? totals.correct / totals.labelled : 0, labelled: totals.labelled }, plan.classes.length, modelLoc));
    await check('ML-M008', modelLoc, async () => {
      const origin = pass.nonFinite.firstInput ? await timed('non-finite', () => firstNonFiniteNode(plan, provider, pass.nonFinite.firstInput!, cfg!)).catch(() => undefined) : undefined;
      return nonFiniteFinding(pass.nonFinite.count, pass.rows, pass.nonFinite.examples, origin, modelLoc);
    });
    await check('ML-M011', modelLoc, () =>
      errorBreakdownFinding(plan.splits.map((s, i) => ({ name: s.name, labelled: pass.splitStats[i].labelled, error: pass.splitStats[i].labelled ? 1 - pass.splitStats[i].correct / pass.splitStats[i].labelled : 0 })), opts.goalError, modelLoc));
  } else {
    for (const code of ['ML-M006', 'ML-M008', 'ML-M011'] as const) await emit(skipModel(code));
  }

  // -- checks that re-run the model on the sample
  const per = cfg ? exampleSize(cfg) : 0;
  const sample = sampleSet(pass.sample, per);
  header.data.sampleSize = sample.n;
  await check('ML-M002', modelLoc, () =>
    outputKindFinding(plan.facts, plan.output?.name, canModel ? { n: pass.rowsProbabilities.n, cols: pass.cols, all: pass.rowsProbabilities.all, maxSumError: pass.rowsProbabilities.maxSumError } : undefined, modelLoc));
  let nonDeterministic = false;
  await check('ML-M003', modelLoc, async () => {
    if (!canModel || sample.n === 0) return determinismFinding(randomness, undefined, modelLoc);
    return timed('determinism', async () => {
      const ort = await import('onnxruntime-node');
      const plain = await ort.InferenceSession.create(plan.modelPath, { executionProviders: [provider], graphOptimizationLevel: 'disabled', logSeverityLevel: 3 });
      try {
        const r = new OrtRunner(plain, plan.input!.name, plan.output!.name, plan.layout!, cfg!, per);
        const n = Math.min(8, sample.n);
        const input = sample.inputs.subarray(0, n * per);
        const a = await r.run(input, n);
        const b = await r.run(input, n);
        const result = determinismFinding(randomness, { n, cols: a.cols, a: a.values, b: b.values }, modelLoc);
        nonDeterministic = result.severity === 'error' && (result.details?.runs as { rowsThatDiffer: number } | null)?.rowsThatDiffer !== 0;
        return result;
      } finally {
        await plain.release().catch(() => undefined);
      }
    });
  });
  if (!canModel || sample.n === 0) {
    const reason = canModel ? `The sample for the checks that re-run the model is empty (--sample ${opts.sample ?? 1000}).` : `The model could not be run on this data: ${why}.`;
    for (const code of ['ML-M004', 'ML-M005', 'ML-M007', 'ML-M009'] as const) await emit(skipped(code, reason, modelLoc));
  } else {
    const real = await timed('sample', () => runner!.run(sample.inputs, sample.n));
    await check('ML-M004', modelLoc, () => timed('batch mixing', () => batchMixingCheck(runner!, sample, { nonDeterministic, location: modelLoc })));
    await check('ML-M005', modelLoc, () => timed('baselines', () => baselineCheck(runner!, sample, real, modelLoc)));
    await check('ML-M007', modelLoc, () => timed('sweep', () => sweep(plan, runner!, pass.sample, sample, real, modelLoc)));
    await check('ML-M009', modelLoc, () => timed('activations', () => activations(plan, provider, sample, modelLoc)));
  }
  await check('ML-M010', modelLoc, () => timed('broadcast', () => broadcast(plan, provider, canModel ? sample : undefined, modelLoc)));

  if (session) await session.release().catch(() => undefined);
  await send({ type: 'done', header, seconds: (performance.now() - started) / 1000, phases, peakRssBytes: process.resourceUsage().maxRSS * 1024 });
}

async function sweep(plan: DiagnosePlan, runner: ModelRunner, items: SampleItem[], sample: SampleSet, real: { values: Float32Array; cols: number }, location: Finding['location']): Promise<Finding> {
  const cfg = plan.preprocess!;
  const labelled = sample.labels.filter((l) => l >= 0).length;
  if (labelled === 0) return skipped('ML-M007', 'The sample has no labels, so scalings cannot be compared by accuracy.', location);
  if (cfg.scale === 'none') return skipped('ML-M007', "The data are float arrays passed as stored (scale 'none'); the sweep re-scales 8-bit pixels only.", location);
  if (items.some((i) => !i.raw)) return skipped('ML-M007', 'The examples are not 8-bit images, so they cannot be re-scaled.', location);
  const C = cfg.channels;
  const per = sample.perExample;
  // Data mean/std per model channel on the 0..1 scale, from the sample as the model would see
  // it with x/255 (so grey-to-RGB and RGB-to-grey conversions are accounted for).
  const unit: PreprocessConfig = { ...cfg, scale: 'unit' };
  delete unit.mean, delete unit.std;
  const unitCoef = scaleCoefficients(unit);
  const one = new Float32Array(per);
  const sum = new Float64Array(C), sumSq = new Float64Array(C), count = new Float64Array(C);
  const plane = cfg.height * cfg.width;
  for (const it of items) {
    writeImage(it.raw!, unit, unitCoef, one, 0);
    for (let k = 0; k < per; k++) {
      const c = C === 1 ? 0 : cfg.layout === 'NCHW' ? Math.floor(k / plane) : k % C;
      const v = one[k];
      sum[c] += v;
      sumSq[c] += v * v;
      count[c]++;
    }
  }
  const mean = Array.from(sum, (s, c) => s / Math.max(1, count[c]));
  const std = Array.from(sumSq, (s, c) => Math.sqrt(Math.max(0, s / Math.max(1, count[c]) - mean[c] * mean[c])));
  const candidates = sweepCandidates(cfg, mean, std);
  let configured = candidates.find((c) => c.cfg.scale === cfg.scale && cfg.scale !== 'custom');
  if (!configured) {
    configured = { name: 'configured', cfg, bgr: false };
    candidates.unshift(configured);
  }
  if (C === 3) for (const c of [...candidates]) candidates.push({ name: `${c.name}+BGR`, cfg: c.cfg, bgr: true });
  const results: { candidate: SweepCandidate; accuracy: number }[] = [];
  for (const cand of candidates) {
    if (cand === configured) {
      results.push({ candidate: cand, accuracy: accuracyOf(real.values, sample.n, real.cols, sample.labels).accuracy });
      continue;
    }
    const coef = scaleCoefficients(cand.cfg);
    const input = new Float32Array(sample.n * per);
    items.forEach((it, i) => {
      let img = it.raw!;
      if (cand.bgr && img.channels >= 3) {
        const d = new Uint8Array(img.data.length);
        for (let p = 0; p < d.length; p += img.channels) {
          d[p] = img.data[p + 2];
          d[p + 1] = img.data[p + 1];
          d[p + 2] = img.data[p];
          for (let k = 3; k < img.channels; k++) d[p + k] = img.data[p + k];
        }
        img = { ...img, data: d };
      }
      writeImage(img, cand.cfg, coef, input, i * per);
    });
    const out = await runner.run(input, sample.n);
    results.push({ candidate: cand, accuracy: accuracyOf(out.values, sample.n, out.cols, sample.labels).accuracy });
  }
  return sweepFinding(configured, results, labelled, location);
}

const ACTIVATION_EXAMPLES = 256;
const ACTIVATION_BUDGET_FLOATS = 16 * 1024 * 1024;

async function activations(plan: DiagnosePlan, provider: string, sample: SampleSet, location: Finding['location']): Promise<Finding> {
  const nodes = plan.facts.nodes.filter((n) => ACTIVATION_OPS.has(n.opType) && n.outputs[0]);
  if (nodes.length === 0) return activationFinding([], 0, location);
  const exposed = await openExposed(plan.modelPath, plan.facts, nodes.map((n) => n.outputs[0]), provider, 'disabled');
  try {
    const ort = await import('onnxruntime-node');
    const cfg = plan.preprocess!;
    const layout = plan.layout!;
    const per = sample.perExample;
    const total = Math.min(ACTIVATION_EXAMPLES, sample.n);
    const accs = nodes.map((n) => new LayerAccumulator(n.name, n.opType, n.outputs[0]));
    let chunk = layout.batch === 'dynamic' ? 1 : layout.batch;
    let done = 0;
    while (done < total) {
      const k = Math.min(chunk, total - done);
      const rows = layout.batch === 'dynamic' ? k : layout.batch;
      const data = new Float32Array(rows * per);
      data.set(sample.inputs.subarray(done * per, (done + k) * per));
      const out = await exposed.session.run({ [plan.input!.name]: new ort.Tensor('float32', data, batchDims(layout, cfg, rows)) }, nodes.map((n) => n.outputs[0]));
      let floats = 0;
      nodes.forEach((n, i) => {
        const t = out[n.outputs[0]] as Tensor;
        const values = toFloat32(t, n.outputs[0]);
        const dims = t.dims.map(Number);
        const keep = Math.round((values.length * k) / rows);
        accs[i].add(values.subarray(0, keep), [k, ...dims.slice(1)]);
        floats += values.length / rows;
      });
      done += k;
      if (layout.batch === 'dynamic' && done === k) chunk = Math.max(1, Math.min(64, Math.floor(ACTIVATION_BUDGET_FLOATS / Math.max(1, floats))));
    }
    return activationFinding(accs.map((a) => a.stats()), total, location);
  } finally {
    await exposed.session.release().catch(() => undefined);
  }
}

async function broadcast(plan: DiagnosePlan, provider: string, sample: SampleSet | undefined, location: Finding['location']): Promise<Finding> {
  const facts = plan.facts;
  const nodes = facts.nodes.filter((n) => ELEMENTWISE_OPS.has(n.opType) && n.outputs[0]);
  if (nodes.length === 0) return broadcastFinding([], 0, 'value_info', location);
  const known = (x: string) => x === '' || facts.shapes.has(x);
  const batchSymbol = facts.info.inputs[0]?.shape?.[0] ?? null;
  if (nodes.every((n) => n.inputs.every(known) && known(n.outputs[0]))) {
    return broadcastFinding(staticHazards(nodes, facts.shapes, facts.constants, batchSymbol), nodes.length, 'value_info', location);
  }
  if (!sample || sample.n === 0 || !plan.layout || !plan.preprocess || !plan.input) {
    return skipped('ML-M010', 'The file declares no shapes for the intermediate values (no value_info) and the model could not be run to measure them.', location);
  }
  const names = nodes.flatMap((n) => [...n.inputs, n.outputs[0]]).filter((x) => x !== '' && !facts.constants.has(x));
  const exposed = await openExposed(plan.modelPath, facts, names, provider, 'disabled');
  try {
    const ort = await import('onnxruntime-node');
    const per = sample.perExample;
    const shapesAt = async (b: number): Promise<Map<string, number[]>> => {
      const data = new Float32Array(b * per);
      for (let i = 0; i < b; i++) data.set(sample.inputs.subarray((i % sample.n) * per, ((i % sample.n) + 1) * per), i * per);
      const out = await exposed.session.run({ [plan.input!.name]: new ort.Tensor('float32', data, batchDims(plan.layout!, plan.preprocess!, b)) });
      const m = new Map<string, number[]>();
      for (const [k, t] of Object.entries(out)) m.set(k, (t as Tensor).dims.map(Number));
      return m;
    };
    const dynamic = plan.layout.batch === 'dynamic';
    const b1 = dynamic ? 3 : plan.layout.batch as number;
    const run1 = await shapesAt(b1);
    const run2 = dynamic ? await shapesAt(5) : run1;
    const hazards = runHazards(nodes, run1, run2, dynamic ? 3 : -1, dynamic ? 5 : -1, facts.constants, facts.shapes);
    return broadcastFinding(hazards, nodes.length, 'run', location);
  } finally {
    await exposed.session.release().catch(() => undefined);
  }
}

process.on('message', (msg: ToDiagnosticsWorker) => {
  if (msg.type !== 'start') return;
  diagnose(msg.options).then(
    () => process.exit(0),
    async (e: unknown) => {
      await send({ type: 'error', message: firstLine(e), code: isUserError(e) ? e.code : 'internal' });
      process.exit(1);
    },
  );
});
