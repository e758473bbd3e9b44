/**
 * The model checks. Each takes what it measures (graph facts, a ModelRunner, a sample of
 * examples) and returns one finding; none touches ONNX Runtime directly, so each is tested
 * with small fake runners as well as on the planted-bug models.
 */
import { EqualWidthBins } from '../analysis/histogram';
import type { Dim } from '../model/graph';
import type { Histogram, OutputKind, PreprocessConfig } from '../protocol';
import type { BroadcastHazard } from './broadcast';
import { finding, num, pct, plural, skipped } from './codes';
import { shapeText, type GraphFacts } from './graphFacts';
import type { ModelRunner } from './ortRunner';
import type { Finding } from './types';

/** Examples the sample-based checks share: inputs preprocessed with the configured scaling. */
export interface SampleSet {
  n: number;
  perExample: number;
  inputs: Float32Array;
  /** Class index, -1 when unlabelled. */
  labels: Int32Array;
  sources: string[];
}

type Location = Finding['location'];

const argmaxRows = (values: Float32Array, n: number, cols: number): Int32Array => {
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (values[r * cols + c] > values[r * cols + best]) best = c;
    // a single sigmoid logit: class 1 when positive
    out[r] = cols === 1 ? (values[r] > 0 ? 1 : 0) : best;
  }
  return out;
};

/**
 * Accuracy over the labelled rows whose outputs are finite: rows with NaN/Inf have no prediction
 * (argmax would call them class 0), and the report and the other checks leave them out too.
 */
export function accuracyOf(values: Float32Array, n: number, cols: number, labels: Int32Array): { accuracy: number; labelled: number; nonFinite: number } {
  const pred = argmaxRows(values, n, cols);
  let ok = 0, labelled = 0, nonFinite = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] < 0) continue;
    let finite = true;
    for (let c = 0; c < cols && finite; c++) finite = Number.isFinite(values[i * cols + c]);
    if (!finite) {
      nonFinite++;
      continue;
    }
    labelled++;
    if (pred[i] === labels[i]) ok++;
  }
  return { accuracy: labelled ? ok / labelled : 0, labelled, nonFinite };
}

// ------------------------------------------------------------------------------- ML-M001

export function graphFinding(facts: GraphFacts, modelProblem: string | undefined, location: Location): Finding {
  const info = facts.info;
  const io = (v: { name: string; elemType: string; shape: Dim[] | null }) => `'${v.name}' ${shapeText(v.shape)} ${v.elemType}`;
  const dynamic: { value: string; axis: number; dim: Dim }[] = [];
  for (const v of [...info.inputs, ...info.outputs]) (v.shape ?? []).forEach((d, axis) => typeof d !== 'number' && dynamic.push({ value: v.name, axis, dim: d }));
  const counts = new Map<string, number>();
  for (const n of facts.nodes) counts.set(n.opType, (counts.get(n.opType) ?? 0) + 1);
  const ops = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([op, k]) => `${op}${k > 1 ? ` x${k}` : ''}`);
  const batch = info.inputs[0]?.shape?.[0];
  const batchText = info.inputs.length === 1 ? (typeof batch === 'number' ? `fixed batch size ${batch}` : `dynamic batch axis${batch ? ` '${batch}'` : ''}`) : '';
  const message =
    `Opset ${info.opset ?? 'unknown'}, IR ${info.irVersion}${info.producer ? ` (${info.producer})` : ''}: ` +
    `input${info.inputs.length === 1 ? '' : 's'} ${info.inputs.map(io).join(', ')}; output${info.outputs.length === 1 ? '' : 's'} ${info.outputs.map(io).join(', ')}` +
    `${batchText ? `; ${batchText}` : ''}; ${plural(facts.nodes.length, 'node')} (${ops.slice(0, 8).join(', ')}${ops.length > 8 ? ', …' : ''}).` +
    (modelProblem ? ` Checks that run the model are skipped: ${modelProblem}.` : '');
  return finding('ML-M001', 'info', message, modelProblem ? 'Give the model one float input, or name the class-score output with --output.' : '', {
    location,
    details: {
      opset: info.opset,
      irVersion: info.irVersion,
      producer: info.producer,
      inputs: info.inputs,
      outputs: info.outputs,
      dynamicAxes: dynamic,
      nodes: facts.nodes.length,
      opTypes: Object.fromEntries(counts),
      hasValueInfo: facts.hasValueInfo,
      externalData: facts.externalData,
      metadata: info.metadata,
    },
  });
}

// ------------------------------------------------------------------------------- ML-M002

/** Rows all in [0,1] summing to 1 (finite rows); the largest deviation of a row sum from 1. */
export function probabilityRows(values: Float32Array, n: number, cols: number): { all: boolean; maxSumError: number } {
  let maxSumError = 0;
  let all = cols >= 2 && n > 0;
  for (let r = 0; r < n && all; r++) {
    let s = 0, finite = true;
    for (let c = 0; c < cols; c++) {
      const v = values[r * cols + c];
      if (!Number.isFinite(v)) finite = false;
      else if (v < 0 || v > 1) all = false;
      s += v;
    }
    if (!finite) continue;
    maxSumError = Math.max(maxSumError, Math.abs(s - 1));
    if (Math.abs(s - 1) > 1e-3) all = false;
  }
  return { all, maxSumError };
}

export function outputKindFinding(
  facts: GraphFacts,
  outputName: string | undefined,
  /** Rows measured over the data (see probabilityRows). */
  measured: { n: number; cols: number; all: boolean; maxSumError: number } | undefined,
  location: Location,
): Finding {
  if (!outputName) return skipped('ML-M002', 'No class-score output was chosen (see ML-M001).', location);
  const producer = facts.info.producers[outputName] ?? 'unknown';
  const rows = measured && measured.n > 0 ? measured : undefined;
  const details = { output: outputName, finalOp: producer, rowsSumToOne: rows?.all ?? null, maxRowSumError: rows?.maxSumError ?? null, rowsChecked: measured?.n ?? 0 };
  const logitsAdvice =
    'Train on the scores before the final activation with a loss that expects logits (PyTorch CrossEntropyLoss / BCEWithLogitsLoss, Keras from_logits=True), ' +
    'or use NLLLoss on log(probabilities); never pass these probabilities to a loss that applies softmax or sigmoid itself: the gradients shrink and training stalls.';
  if (producer === 'Softmax' || producer === 'Sigmoid') {
    const cols = measured?.cols;
    const what = producer === 'Softmax' ? 'probabilities (each row sums to 1)' : cols === 1 ? 'a probability (0..1) per example' : 'independent probabilities (0..1)';
    return finding('ML-M002', 'warning', `The output '${outputName}' comes from a ${producer} node, so the model returns ${what}, not logits${rows?.all ? ` (measured on ${plural(measured!.n, 'example')}: largest row-sum error ${num(rows.maxSumError, 2)})` : ''}.`, logitsAdvice, { location, details });
  }
  if (rows?.all) {
    return finding('ML-M002', 'warning', `Every output row of '${outputName}' lies in [0,1] and sums to 1 (largest error ${num(rows.maxSumError, 2)} over ${plural(measured!.n, 'example')}): the model already returns probabilities, though the final op is ${producer}.`, logitsAdvice, { location, details });
  }
  if (producer === 'LogSoftmax') {
    return finding('ML-M002', 'info', `The output '${outputName}' comes from LogSoftmax (log-probabilities): fine for NLLLoss, and harmless for CrossEntropyLoss (log-softmax of log-probabilities changes nothing).`, '', { location, details });
  }
  return finding('ML-M002', 'info', `The output '${outputName}' holds logits (final op ${producer}${rows ? '; rows do not sum to 1' : ''}).`, '', { location, details });
}

// ------------------------------------------------------------------------------- ML-M003

const RANDOM_OPS = new Set(['RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli']);

export interface StaticRandomness {
  node: string;
  opType: string;
  why: string;
}

/** Dropout with training_mode = true, random ops, BatchNormalization in training mode. */
export function staticRandomness(facts: GraphFacts): StaticRandomness[] {
  const out: StaticRandomness[] = [];
  for (const n of facts.nodes) {
    if (n.opType === 'Dropout') {
      const tm = n.inputs[2];
      const v = tm ? facts.smallValues.get(tm) : undefined;
      if (v && v[0]) out.push({ node: n.name, opType: n.opType, why: 'training_mode = true (the dropout is active at inference)' });
      else if (tm && !facts.constants.has(tm)) out.push({ node: n.name, opType: n.opType, why: `training_mode comes from '${tm}', which is computed at run time` });
    } else if (RANDOM_OPS.has(n.opType)) {
      out.push({ node: n.name, opType: n.opType, why: 'draws random numbers on every run' });
    } else if (n.opType === 'BatchNormalization' && (n.attrs.training_mode === 1 || n.outputs.filter((o) => o !== '').length > 1)) {
      out.push({ node: n.name, opType: n.opType, why: 'is in training mode (normalises with the batch statistics)' });
    }
  }
  return out;
}

export function determinismFinding(
  issues: StaticRandomness[],
  twoRuns: { n: number; cols: number; a: Float32Array; b: Float32Array } | undefined,
  location: Location,
): Finding {
  let rowsDiffer = 0, maxDiff = 0;
  if (twoRuns) {
    for (let r = 0; r < twoRuns.n; r++) {
      let d = 0;
      for (let c = 0; c < twoRuns.cols; c++) {
        const x = twoRuns.a[r * twoRuns.cols + c], y = twoRuns.b[r * twoRuns.cols + c];
        const diff = Number.isNaN(x) && Number.isNaN(y) ? 0 : Math.abs(x - y);
        if (!(diff <= d)) d = diff;
      }
      if (!(d <= 1e-6)) rowsDiffer++;
      if (!(d <= maxDiff)) maxDiff = d;
    }
  }
  const details = { graph: issues, runs: twoRuns ? { examples: twoRuns.n, rowsThatDiffer: rowsDiffer, maxDifference: maxDiff, optimisation: 'disabled (the graph as written)' } : null };
  const advice =
    'Export in inference mode: call model.eval() before torch.onnx.export (training=TrainingMode.EVAL), or call a Keras model with training=False. ' +
    'A model exported in training mode also normalises with batch statistics in BatchNorm. (ONNX Runtime removes a training-mode Dropout at its default optimisation level, so an optimised session can look stable while the graph is not.)';
  if (issues.length || rowsDiffer > 0) {
    const parts: string[] = [];
    if (issues.length) parts.push(issues.slice(0, 3).map((i) => `${i.opType} '${i.node}' ${i.why}`).join('; ') + (issues.length > 3 ? `; and ${issues.length - 3} more` : ''));
    if (twoRuns) parts.push(rowsDiffer > 0 ? `two runs of the same ${plural(twoRuns.n, 'example')} differ in ${rowsDiffer} of ${twoRuns.n} output rows (by up to ${num(maxDiff)})` : `two runs of the same ${plural(twoRuns.n, 'example')} happened to agree`);
    const text = parts.join(', and ');
    return finding('ML-M003', 'error', `${text.charAt(0).toUpperCase()}${text.slice(1)}.`, advice, { location, details });
  }
  if (!twoRuns) return finding('ML-M003', 'info', 'No Dropout in training mode, random ops or training-mode BatchNorm in the graph (not run twice: no examples).', '', { location, details });
  return finding('ML-M003', 'info', `No Dropout in training mode, random ops or training-mode BatchNorm in the graph, and two runs of the same ${plural(twoRuns.n, 'example')} gave identical outputs.`, '', { location, details });
}

// ------------------------------------------------------------------------------- ML-M004

/** An input that surely differs from example i: another example from the sample, or example i reversed. */
function replacement(sample: SampleSet, i: number, batch: number): Float32Array {
  const per = sample.perExample;
  const other = batch + i < sample.n ? batch + i : -1;
  if (other >= 0) return sample.inputs.slice(other * per, (other + 1) * per);
  return sample.inputs.slice(i * per, (i + 1) * per).reverse();
}

export async function batchMixingCheck(runner: ModelRunner, sample: SampleSet, options: { batch?: number; nonDeterministic?: boolean; location?: Location } = {}): Promise<Finding> {
  const location = options.location;
  if (runner.batch === 1) return skipped('ML-M004', 'The model has a fixed batch size of 1: each run sees a single example, so there is no batch to mix.', location);
  if (options.nonDeterministic) return skipped('ML-M004', 'Outputs differ between identical runs (ML-M003), so a change in one output cannot be traced to another example.', location);
  const B = runner.batch === 'dynamic' ? Math.min(options.batch ?? 8, sample.n) : runner.batch;
  if (sample.n < 2 || sample.n < Math.min(B, 2)) return skipped('ML-M004', `Needs at least 2 examples; the sample has ${sample.n}.`, location);
  const per = sample.perExample;
  const batch = new Float32Array(B * per);
  for (let i = 0; i < B; i++) batch.set(sample.inputs.subarray((i % sample.n) * per, ((i % sample.n) + 1) * per), i * per);
  const base = await runner.run(batch, B);
  const cols = base.cols;
  let scale = 1e-3;
  for (const v of base.values) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  const tol = 1e-4 * scale;
  const moved: Record<string, number[]> = {};
  let ownMoved = 0, largest = 0;
  const mixing: number[] = [];
  for (let i = 0; i < B; i++) {
    const changed = batch.slice();
    changed.set(replacement(sample, i, B), i * per);
    const out = await runner.run(changed, B);
    const rows: number[] = [];
    for (let j = 0; j < B; j++) {
      let d = 0;
      for (let c = 0; c < cols; c++) {
        const x = out.values[j * cols + c], y = base.values[j * cols + c];
        const diff = Number.isNaN(x) && Number.isNaN(y) ? 0 : Math.abs(x - y);
        if (!(diff <= d)) d = diff;
      }
      if (!(d <= tol)) {
        rows.push(j);
        if (j !== i && !(d <= largest)) largest = d;
      }
    }
    moved[String(i)] = rows;
    if (rows.includes(i)) ownMoved++;
    if (rows.some((j) => j !== i)) mixing.push(i);
  }
  const details = { batch: B, tolerance: tol, outputsThatMoved: moved };
  if (mixing.length) {
    const i = mixing[0];
    const others = moved[String(i)].filter((j) => j !== i);
    return finding(
      'ML-M004',
      'error',
      `Changing example ${i} of a batch of ${B} also changed the outputs of example${others.length > 1 ? 's' : ''} ${others.join(', ')} (largest change ${num(largest)}); ${mixing.length} of ${B} examples affect other examples' outputs.`,
      "Each example's output must depend on its own input only. Look for a view/reshape that moves the batch axis (view instead of permute/transpose), a reduction or normalisation over the batch axis (BatchNorm in training mode), or a broadcast that combines examples (ML-M010).",
      { location, details },
    );
  }
  if (ownMoved === 0) return skipped('ML-M004', `The outputs did not change when the inputs changed (${B} tries), so dependencies cannot be charted (see ML-M005).`, location);
  return finding('ML-M004', 'info', `Changing any one of ${B} examples in a batch changed only its own output.`, '', { location, details });
}

// ------------------------------------------------------------------------------- ML-M005

export async function baselineCheck(
  runner: ModelRunner,
  sample: SampleSet,
  real: { values: Float32Array; cols: number },
  location: Location,
): Promise<Finding> {
  if (sample.n < 2) return skipped('ML-M005', `Needs at least 2 examples; the sample has ${sample.n}.`, location);
  const { values, cols } = real;
  let spread = 0, scale = 1e-6;
  for (let i = 0; i < sample.n; i++) {
    for (let c = 0; c < cols; c++) {
      const v = values[i * cols + c];
      if (!Number.isFinite(v)) continue;
      scale = Math.max(scale, Math.abs(v));
      const d = Math.abs(v - values[c]);
      if (d > spread) spread = d;
    }
  }
  const constant = spread <= 1e-6 * scale;
  const per = sample.perExample;
  const B = runner.batch === 'dynamic' ? Math.min(8, sample.n) : runner.batch;
  const classOf = async (input: Float32Array): Promise<number> => {
    const batch = new Float32Array(B * per);
    for (let i = 0; i < B; i++) batch.set(input, i * per);
    const out = await runner.run(batch, B);
    const votes = new Map<number, number>();
    for (const c of argmaxRows(out.values, B, out.cols)) votes.set(c, (votes.get(c) ?? 0) + 1);
    return [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
  };
  const mean = new Float32Array(per);
  for (let i = 0; i < sample.n; i++) for (let k = 0; k < per; k++) mean[k] += sample.inputs[i * per + k] / sample.n;
  const zeroClass = await classOf(new Float32Array(per));
  const meanClass = await classOf(mean);
  const { accuracy, labelled, nonFinite } = accuracyOf(values, sample.n, cols, sample.labels);
  const rate = (c: number) => {
    let k = 0, all = 0;
    for (let i = 0; i < sample.n; i++) {
      if (sample.labels[i] < 0) continue;
      all++;
      if (sample.labels[i] === c) k++;
    }
    return all ? k / all : 0;
  };
  const zeroAcc = rate(zeroClass), meanAcc = rate(meanClass);
  const details = { examples: sample.n, labelled, accuracy, zeroInput: { predicted: zeroClass, accuracy: zeroAcc }, meanInput: { predicted: meanClass, accuracy: meanAcc }, outputsConstant: constant, largestOutputSpread: spread };
  const advice =
    'Check that the input reaches the network: the right input tensor is wired to the first layer, nothing multiplies it by zero or replaces it by a constant, and the data really reach the model (visualise just before the net).';
  if (constant) return finding('ML-M005', 'error', `The outputs are identical for all ${plural(sample.n, 'sampled example')}: the model does not use its input${labelled ? ` (accuracy ${pct(accuracy)}, the same as a constant guess)` : ''}.`, advice, { location, details });
  if (!labelled) return finding('ML-M005', 'info', `The outputs vary with the input over ${plural(sample.n, 'sampled example')} (no labels, so accuracy against the zero-input baseline was not measured).`, '', { location, details });
  const best = Math.max(zeroAcc, meanAcc);
  const margin = Math.max(0.02, 2 * Math.sqrt((accuracy * (1 - accuracy)) / labelled));
  if (accuracy <= best + margin) {
    return finding('ML-M005', 'error', `Accuracy on real inputs (${pct(accuracy)}) is no better than on all-zero inputs (${pct(zeroAcc)}) or the mean input (${pct(meanAcc)}) over ${plural(labelled, 'labelled example')}: the model does not extract information from its input.`, advice, { location, details });
  }
  const leftOut = nonFinite ? ` (${plural(nonFinite, 'example')} with NaN/Inf outputs left out, as everywhere in the report)` : '';
  return finding('ML-M005', 'info', `Accuracy on real inputs is ${pct(accuracy)}${leftOut}, against ${pct(zeroAcc)} on all-zero inputs and ${pct(meanAcc)} on the mean input.`, '', { location, details });
}

// ------------------------------------------------------------------------------- ML-M006

export function lossFinding(stats: { meanLoss: number; accuracy: number; labelled: number }, numClasses: number, location: Location): Finding {
  if (numClasses < 2) return skipped('ML-M006', 'Needs at least 2 classes.', location);
  if (stats.labelled === 0) return skipped('ML-M006', 'No labelled examples with finite outputs: the loss cannot be measured.', location);
  const chance = Math.log(numClasses);
  const { meanLoss: L, accuracy } = stats;
  const details = { meanCrossEntropy: L, chance, numClasses, accuracy, chanceAccuracy: 1 / numClasses, labelled: stats.labelled };
  const head = `Mean cross-entropy is ${num(L)} over ${plural(stats.labelled, 'labelled example')}; chance level -log(1/${numClasses}) = ${num(chance)}`;
  if (L > chance * 1.05) {
    return finding('ML-M006', 'warning', `${head}: the model is worse than a uniform guess (accuracy ${pct(accuracy)}), so it is confidently wrong.`,
      'Look for labels in another order than the outputs (ML-D010), the wrong pre-processing (ML-M007), or a model that ignores its input (ML-M005); for a model at initialisation, the final layer is initialised badly (its loss should start at -log(1/C)).', { location, details });
  }
  if (L > chance * 0.9 && accuracy < 1.5 / numClasses) {
    return finding('ML-M006', 'warning', `${head}, and accuracy is ${pct(accuracy)}: the model predicts no better than chance, like a freshly initialised network.`,
      'If this is a trained model, the weights may not have been saved or loaded (an untrained checkpoint), or the inputs do not reach it; if it is untrained, this is the expected loss at initialisation.', { location, details });
  }
  return finding('ML-M006', 'info', `${head}.`, '', { location, details });
}

// ------------------------------------------------------------------------------- ML-M007

export interface SweepCandidate {
  /** unit | symmetric | imagenet | raw | standardized | configured, with '+BGR' for reversed channels */
  name: string;
  cfg: PreprocessConfig;
  bgr: boolean;
}

/** The scalings to try, besides the configured one. `dataMean`/`dataStd` per channel on the 0..1 scale. */
export function sweepCandidates(configured: PreprocessConfig, dataMean: number[], dataStd: number[]): SweepCandidate[] {
  const base = { ...configured };
  delete base.mean;
  delete base.std;
  const out: SweepCandidate[] = (['unit', 'symmetric', 'imagenet', 'raw'] as const).map((scale) => ({ name: scale, cfg: { ...base, scale }, bgr: false }));
  if (dataStd.every((s) => s > 1e-6)) out.push({ name: 'standardized', cfg: { ...base, scale: 'custom', mean: dataMean, std: dataStd }, bgr: false });
  return out;
}

export const describeScale = (c: SweepCandidate): string => {
  const s = c.cfg;
  const what =
    s.scale === 'unit' ? 'x/255 ([0,1])' :
    s.scale === 'symmetric' ? 'x/127.5 - 1 ([-1,1])' :
    s.scale === 'imagenet' ? 'ImageNet mean/std' :
    s.scale === 'raw' ? 'raw 0..255' :
    s.scale === 'custom' ? `(x/255 - ${s.mean!.map((m) => num(m)).join(',')}) / ${s.std!.map((m) => num(m)).join(',')}` : s.scale;
  return `${c.name} (${what}${c.bgr ? ', channels reversed' : ''})`;
};

export function sweepFinding(configured: SweepCandidate, results: { candidate: SweepCandidate; accuracy: number }[], labelled: number, location: Location): Finding {
  const conf = results.find((r) => r.candidate === configured)!;
  const others = results.filter((r) => r.candidate !== configured);
  const best = others.reduce((a, b) => (b.accuracy > a.accuracy ? b : a), others[0]);
  const table = results.map((r) => ({ name: r.candidate.name, scale: r.candidate.cfg.scale, mean: r.candidate.cfg.mean, std: r.candidate.cfg.std, channelsReversed: r.candidate.bgr, accuracy: r.accuracy, configured: r.candidate === configured }));
  const details = { labelled, configured: configured.name, results: table };
  const p1 = conf.accuracy, p2 = best?.accuracy ?? 0;
  const se = Math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / Math.max(1, labelled));
  if (best && p2 - p1 >= Math.max(0.05, 3 * se)) {
    const c = best.candidate.cfg;
    const flag = c.scale === 'custom' ? `--scale custom --mean ${c.mean!.map((m) => num(m, 4)).join(',')} --std ${c.std!.map((m) => num(m, 4)).join(',')}` : `--scale ${c.scale}`;
    return finding(
      'ML-M007',
      'warning',
      `Accuracy is ${pct(p1)} with the configured pre-processing ${describeScale(configured)} but ${pct(p2)} with ${describeScale(best.candidate)} on ${plural(labelled, 'labelled example')}: the model was probably trained with the other one${configured.cfg.scale === 'unit' && c.scale !== 'raw' ? ' (inputs not normalised the way training did)' : ''}.`,
      `Feed the model what it was trained on: re-run with ${flag}${best.candidate.bgr ? ' and the channels reversed (BGR)' : ''}, and use the same transform in your own inference code (forgot to normalise, or normalised twice).`,
      { location, details },
    );
  }
  const alternative = !best ? 'there is no alternative to compare'
    : p2 > p1 ? `the best alternative, ${best.candidate.name}, gives ${pct(p2)}: higher, but within what ${plural(labelled, 'labelled example')} can tell apart`
      : `no other scaling does better (best alternative ${best.candidate.name}: ${pct(p2)})`;
  return finding('ML-M007', 'info', `The configured pre-processing ${describeScale(configured)} gives ${pct(p1)} accuracy; ${alternative}.`, '', { location, details });
}

// ------------------------------------------------------------------------------- ML-M008

export function nonFiniteFinding(
  count: number,
  total: number,
  examples: { source: string }[],
  origin: { node: string; opType: string; output: string; inputsFinite: boolean } | undefined,
  location: Location,
): Finding {
  if (total === 0) return skipped('ML-M008', 'The model produced no outputs (no readable examples, or it could not run).', location);
  const details = { count, total, examples: examples.slice(0, 50).map((e) => e.source), firstNonFiniteNode: origin ?? null };
  if (count === 0) return finding('ML-M008', 'info', `All ${plural(total, 'output row')} are finite (no NaN or Inf).`, '', { location, details });
  const where = origin ? ` The first node producing them is ${origin.opType} '${origin.node}' (output '${origin.output}')${origin.inputsFinite ? ', whose inputs are finite' : ''}.` : '';
  return finding(
    'ML-M008',
    'error',
    `${plural(count, 'example')} of ${total.toLocaleString('en-US')} (${pct(count / total)}) give NaN or Inf outputs, e.g. ${examples.slice(0, 3).map((e) => e.source).join(', ')}.${where}`,
    'Guard the operation that overflows or leaves its domain (log or sqrt of values that can be zero or negative: add an epsilon or clamp; exp of large values: use log-sum-exp), and check the inputs of those examples for NaN/Inf.',
    { location, details },
  );
}

// ------------------------------------------------------------------------------- ML-M009

export const ACTIVATION_OPS = new Set(['Relu', 'Sigmoid', 'Tanh']);
export const HISTOGRAM_BINS = 20;
/** A unit is saturated when at least this share of its values is saturated. */
export const SATURATED_UNIT_SHARE = 0.99;
/** Warn when at least this share of a layer's units is dead (ReLU) or saturated (Sigmoid/Tanh). */
export const LAYER_WARN_SHARE = 0.5;
/** Bins of the per-unit activity histogram (share of a unit's values that are active, 0..1). */
export const UNIT_ACTIVITY_BINS = 10;

export interface LayerStats {
  node: string;
  opType: string;
  output: string;
  /** Units: channels of an (N, C, …) output, features of an (N, F) one. */
  units: number;
  values: number;
  /** ReLU: units that were never positive on the sample. */
  deadUnits: number;
  /** Sigmoid/Tanh: units saturated on >= 99% of their values. */
  saturatedUnits: number;
  /** ReLU: share of values exactly 0; Sigmoid/Tanh: share of values saturated. */
  inactiveShare: number;
  mean: number;
  std: number;
  histogram: Histogram;
  /** Units by the share of their values that are active (ReLU > 0; Sigmoid in (0.01, 0.99); |Tanh| < 0.99), 10 bins over [0,1]: dead and saturated units sit in the first bin. */
  unitActivity: Histogram;
}

/** Accumulates one activation layer over batches (histogram range fixed by the op, or from the first batch for ReLU). */
export class LayerAccumulator {
  private active: Float64Array | undefined;
  private totalPerUnit: Float64Array | undefined;
  private bins: EqualWidthBins | undefined;
  private counts = new Float64Array(HISTOGRAM_BINS);
  private n = 0;
  private sum = 0;
  private sumSq = 0;
  private inactive = 0;
  constructor(readonly node: string, readonly opType: string, readonly output: string) {}

  /** `dims` = [N, units, …] or [N, units]. */
  add(values: Float32Array, dims: readonly number[]): void {
    const units = dims.length >= 2 ? dims[1] : 1;
    const inner = dims.slice(2).reduce((a, b) => a * b, 1);
    const N = dims[0] ?? 1;
    this.active ??= new Float64Array(units);
    this.totalPerUnit ??= new Float64Array(units);
    if (!this.bins) {
      let hi = 0;
      for (const v of values) if (v > hi) hi = v;
      this.bins = this.opType === 'Sigmoid' ? new EqualWidthBins(0, 1, HISTOGRAM_BINS) : this.opType === 'Tanh' ? new EqualWidthBins(-1, 1, HISTOGRAM_BINS) : new EqualWidthBins(0, hi > 0 ? hi * 1.25 : 1, HISTOGRAM_BINS);
    }
    const relu = this.opType === 'Relu';
    const sig = this.opType === 'Sigmoid';
    for (let b = 0; b < N; b++) {
      for (let u = 0; u < units; u++) {
        const base = (b * units + u) * inner;
        let act = 0;
        for (let k = 0; k < inner; k++) {
          const v = values[base + k];
          if (!Number.isFinite(v)) continue;
          this.counts[this.bins.bin(v)]++;
          this.sum += v;
          this.sumSq += v * v;
          this.n++;
          const on = relu ? v > 0 : sig ? v > 0.01 && v < 0.99 : Math.abs(v) < 0.99;
          if (on) act++;
          else this.inactive++;
        }
        this.active[u] += act;
        this.totalPerUnit[u] += inner;
      }
    }
  }

  stats(): LayerStats {
    const units = this.active?.length ?? 0;
    let dead = 0, saturated = 0;
    const activityBins = new EqualWidthBins(0, 1, UNIT_ACTIVITY_BINS);
    const activity = new Array<number>(UNIT_ACTIVITY_BINS).fill(0);
    for (let u = 0; u < units; u++) {
      if (this.totalPerUnit![u] > 0) activity[activityBins.bin(this.active![u] / this.totalPerUnit![u])]++;
      if (this.opType === 'Relu') {
        if (this.active![u] === 0) dead++;
      } else if (this.active![u] <= (1 - SATURATED_UNIT_SHARE) * this.totalPerUnit![u]) saturated++;
    }
    const mean = this.n ? this.sum / this.n : 0;
    return {
      node: this.node,
      opType: this.opType,
      output: this.output,
      units,
      values: this.n,
      deadUnits: dead,
      saturatedUnits: saturated,
      inactiveShare: this.n ? this.inactive / this.n : 0,
      mean,
      std: this.n ? Math.sqrt(Math.max(0, this.sumSq / this.n - mean * mean)) : 0,
      histogram: this.bins ? this.bins.toHistogram(this.counts) : { edges: [], counts: [] },
      unitActivity: activityBins.toHistogram(activity),
    };
  }
}

export function activationFinding(layers: LayerStats[], examples: number, location: Location): Finding {
  if (layers.length === 0) return finding('ML-M009', 'info', 'The graph has no ReLU, Sigmoid or Tanh layers to monitor.', '', { location, details: { layers: [] } });
  const bad = layers.filter((l) => (l.opType === 'Relu' ? l.deadUnits : l.saturatedUnits) >= LAYER_WARN_SHARE * l.units && l.units > 0);
  const details = { examples, layers };
  const describe = (l: LayerStats) =>
    l.opType === 'Relu'
      ? `${l.opType} '${l.node}': ${l.deadUnits} of ${l.units} units dead, ${pct(l.inactiveShare)} of values 0`
      : `${l.opType} '${l.node}': ${l.saturatedUnits} of ${l.units} units saturated, ${pct(l.inactiveShare)} of values saturated`;
  if (bad.length) {
    return finding('ML-M009', 'warning', `On ${plural(examples, 'example')}, ${bad.slice(0, 3).map(describe).join('; ')}${bad.length > 3 ? `; and ${bad.length - 3} more layers` : ''}.`,
      'Dead ReLUs stop learning (their gradient is 0): lower the learning rate, check the initialisation and the input scale, or use LeakyReLU; saturated sigmoid/tanh units have vanishing gradients: normalise the inputs or pre-activations (BatchNorm/LayerNorm).', { location, details });
  }
  const worst = layers.reduce((a, b) => (b.inactiveShare > a.inactiveShare ? b : a));
  return finding('ML-M009', 'info', `${plural(layers.length, 'activation layer')} monitored on ${plural(examples, 'example')}: no layer has half its units dead or saturated (most inactive: ${describe(worst)}).`, '', { location, details });
}

// ------------------------------------------------------------------------------- ML-M010

export function broadcastFinding(hazards: BroadcastHazard[], checked: number, from: 'value_info' | 'run', location: Location): Finding {
  const details = { from, elementwiseNodes: checked, hazards };
  const describe = (h: BroadcastHazard) => `${h.opType} '${h.node}': ${h.inputs.map((i) => shapeText(i.shape)).join(' with ')} -> ${shapeText(h.output.shape)}`;
  const square = hazards.filter((h) => h.kind === 'batch-square');
  const outer = hazards.filter((h) => h.kind === 'outer');
  const how = from === 'value_info' ? 'the shapes declared in the file' : 'shapes measured at two batch sizes';
  if (square.length) {
    return finding('ML-M010', 'error', `${describe(square[0])} combines every example with every other one (the batch axis appears twice in the result, from ${how})${square.length > 1 ? `; ${square.length - 1} more such node${square.length > 2 ? 's' : ''}` : ''}.`,
      'Make the shapes agree before the elementwise op: squeeze/unsqueeze so both sides are (N,1) or (N,), or use keepdim=True in the reduction that produced the (N,) tensor. Assert shapes in the training code.', { location, details });
  }
  if (outer.length) {
    return finding('ML-M010', 'warning', `${describe(outer[0])} broadcasts two computed tensors into a larger result (from ${how})${outer.length > 1 ? `; ${outer.length - 1} more` : ''}: check that this outer product is meant.`,
      'If it is not meant, fix the unsqueeze/keepdim that made the shapes differ; if it is, nothing to do.', { location, details });
  }
  if (checked === 0) return finding('ML-M010', 'info', 'The graph has no elementwise ops (Add, Mul, …) that could broadcast.', '', { location, details });
  return finding('ML-M010', 'info', `None of the ${plural(checked, 'elementwise node')} broadcasts computed tensors against each other (from ${how}).`, '', { location, details });
}
