/**
 * Findings from the main job's analyses (confident learning, label permutation, non-finite
 * outputs) and Tobin's error breakdown over splits. `findingsFromReport` turns an inspect()
 * Report into the same findings, so the panel can show them without a second run.
 */
import type { Report } from '../protocol';
import { finding, pct, plural, skipped } from './codes';
import { nonFiniteFinding } from './modelChecks';
import type { Finding } from './types';

type Location = Finding['location'];

export const LABEL_ERROR_WARN_SHARE = 0.1;

export function labelIssuesFinding(
  r: Pick<Report, 'labelIssues' | 'estimatedLabelErrors' | 'numLabelled'>,
  locate: (source: string) => Location | undefined = () => undefined,
  dataLocation?: Location,
): Finding {
  if (r.numLabelled === 0) return skipped('ML-D009', 'No labelled examples with finite outputs.', dataLocation);
  const share = r.estimatedLabelErrors / r.numLabelled;
  const top = r.labelIssues.slice(0, 20);
  const details = { estimated: r.estimatedLabelErrors, labelled: r.numLabelled, share, top };
  const eg = top.slice(0, 3).map((i) => `${i.source} (labelled ${i.label}, looks like ${i.suggested}, p(label) ${i.pLabel.toFixed(2)})`).join('; ');
  const message = `Confident learning estimates ${r.estimatedLabelErrors.toLocaleString('en-US')} of ${r.numLabelled.toLocaleString('en-US')} labels (${pct(share)}) are wrong${eg ? `; most likely: ${eg}` : ''}.`;
  const location = (top[0] && locate(top[0].source)) ?? dataLocation;
  if (share >= LABEL_ERROR_WARN_SHARE) {
    return finding('ML-D009', 'warning', message, 'Review the listed examples (most confident mistakes first) and fix wrong labels; a high share can also mean the model or its pre-processing is wrong (see the model checks).', { location, details });
  }
  return finding('ML-D009', 'info', message, r.estimatedLabelErrors > 0 ? 'Review the listed examples; fix the labels that are wrong.' : '', { location, details });
}

export function permutationFinding(r: Pick<Report, 'labelPermutation' | 'numLabelled'>, location?: Location): Finding {
  if (r.numLabelled === 0) return skipped('ML-D010', 'No labelled examples with finite outputs.', location);
  const p = r.labelPermutation;
  const details = { ...p };
  if (p.suspected) {
    return finding('ML-D010', 'error', p.message || `Re-mapping predicted classes raises accuracy from ${pct(p.accuracy)} to ${pct(p.accuracyAfter)}: the labels are probably in another order than the model's outputs.`,
      `Use the class order the model was trained with (${p.mapping.slice(0, 5).map((m) => `${m.predicted} -> ${m.label}`).join(', ')}${p.mapping.length > 5 ? ', …' : ''}): sort the class list (glob order is not sorted), or give --labels in the training order.`, { location, details });
  }
  return finding('ML-D010', 'info', `No re-mapping of classes helps: accuracy ${pct(p.accuracy)} is already the best over class orders.`, '', { location, details });
}

/** The findings an inspect() report supports: non-finite outputs, likely label errors, label permutation. */
export function findingsFromReport(report: Report, locate?: (source: string) => Location | undefined): Finding[] {
  const model = { file: report.model.path };
  const data = { file: report.data.path };
  return [
    nonFiniteFinding(report.nonFinite.count, report.numExamples, report.nonFinite.examples, undefined, model),
    labelIssuesFinding(report, locate, data),
    permutationFinding(report, data),
  ];
}

// ------------------------------------------------------------------------------- ML-M011

export type SplitRole = 'train' | 'trainDev' | 'val' | 'test';

export function splitRole(name: string): SplitRole | undefined {
  const n = name.toLowerCase();
  if (/^(train|training)$/.test(n)) return 'train';
  if (/^(train[-_]?dev|train[-_]?val|trainval)$/.test(n)) return 'trainDev';
  if (/^(val|valid|validation|dev)$/.test(n)) return 'val';
  if (/^(test|testing|holdout|eval)$/.test(n)) return 'test';
  return undefined;
}

export interface SplitError {
  name: string;
  error: number;
  labelled: number;
}

const ADVICE = {
  bias: 'Under-fitting (Tobin, try first): make the model bigger, reduce regularisation, do error analysis, move to a closer-to-state-of-the-art architecture, tune hyper-parameters (learning rate); later: add features.',
  variance: 'Over-fitting (Tobin, try first): add training data, add normalisation (batch norm, layer norm), add data augmentation, increase regularisation (dropout, L2, weight decay), error analysis; later: early stopping, remove features, reduce model size.',
  shift: 'Distribution shift (Tobin): analyse the test-distribution validation errors and collect or synthesise training data like them; consider domain adaptation.',
  valOverfit: 'Validation over-fitting (Tobin): the validation set was tuned on too much or is too small; re-collect it.',
} as const;

export function errorBreakdownFinding(splits: SplitError[], goalError: number | undefined, location: Location): Finding {
  const labelled = splits.filter((s) => s.labelled > 0);
  if (labelled.length < 2) return skipped('ML-M011', `Needs labelled data in 2 or more splits (train / train-dev / val / test); found ${labelled.length === 1 ? `only '${labelled[0].name}'` : 'none'}.`, location);
  const role = new Map<SplitRole, SplitError>();
  for (const s of labelled) {
    const r = splitRole(s.name);
    if (r && !role.has(r)) role.set(r, s);
  }
  const train = role.get('train');
  if (!train || role.size < 2) return skipped('ML-M011', `Split names ${labelled.map((s) => `'${s.name}'`).join(', ')} are not train plus one of train-dev, val, test.`, location);
  const trainDev = role.get('trainDev'), val = role.get('val'), test = role.get('test');
  const terms: { term: keyof typeof ADVICE; label: string; value: number; formula: string }[] = [];
  if (goalError !== undefined) terms.push({ term: 'bias', label: 'avoidable bias', value: train.error - goalError, formula: `train ${pct(train.error)} - goal ${pct(goalError)}` });
  const afterTrain = trainDev ?? val ?? test!;
  terms.push({ term: 'variance', label: 'variance', value: afterTrain.error - train.error, formula: `${afterTrain.name} ${pct(afterTrain.error)} - train ${pct(train.error)}` });
  if (trainDev && val) terms.push({ term: 'shift', label: 'distribution shift', value: val.error - trainDev.error, formula: `${val.name} ${pct(val.error)} - ${trainDev.name} ${pct(trainDev.error)}` });
  if (val && test) terms.push({ term: 'valOverfit', label: 'validation over-fitting', value: test.error - val.error, formula: `${test.name} ${pct(test.error)} - ${val.name} ${pct(val.error)}` });
  const largest = terms.reduce((a, b) => (b.value > a.value ? b : a));
  const final = test ?? val ?? trainDev ?? train;
  const details = { goalError: goalError ?? null, splits: labelled.map((s) => ({ ...s, role: splitRole(s.name) ?? null })), terms, largest: largest.value > 0 ? largest.term : null };
  // A negative term is no problem of that kind (test error below train error): say so rather than print "-3.0%".
  const termText = (t: (typeof terms)[number]) => (t.value >= 0 ? `${t.label} ${pct(t.value)}` : `no ${t.label} (${t.formula} = -${pct(-t.value)})`);
  const table = `${labelled.map((s) => `${s.name} ${pct(s.error)}`).join(', ')}; ${terms.map(termText).join(', ')}`;
  if (goalError === undefined) {
    return finding('ML-M011', 'info', `Error by split: ${table}${largest.value > 0 ? `; the largest term is ${largest.label}` : ''} (give --goal-error for the avoidable bias).`, largest.value > 0 ? ADVICE[largest.term] : '', { location, details });
  }
  if (final.error <= goalError) return finding('ML-M011', 'info', `The ${final.name} error ${pct(final.error)} meets the goal ${pct(goalError)} (${table}).`, '', { location, details });
  return finding('ML-M011', 'warning', `The ${final.name} error ${pct(final.error)} misses the goal ${pct(goalError)}; largest term: ${largest.label} ${pct(largest.value)} (${largest.formula}); ${table}.`, ADVICE[largest.term], { location, details });
}
