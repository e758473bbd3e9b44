/**
 * Every diagnostic, by stable code. One code per check: its finding is `info` when the check
 * passed (with the numbers), `warning`/`error` when it found the problem, `skipped` when it
 * could not run (with the reason). docs/diagnostics.md explains each one.
 */
import type { Finding, Severity } from './types';

export interface CheckInfo {
  code: string;
  title: string;
  target: Finding['target'];
  /** Where the idea comes from (docs cite these). */
  source: string;
}

export const CHECKS = [
  { code: 'ML-M001', title: 'Model graph', target: 'model', source: 'Goodfellow 11' },
  { code: 'ML-M002', title: 'Outputs already probabilities', target: 'model', source: 'Tobin: wrong input to the loss' },
  { code: 'ML-M003', title: 'Non-determinism (train/eval mode)', target: 'model', source: 'Tobin: train/eval mode; Karpathy: fix random seed' },
  { code: 'ML-M004', title: 'Batch mixing', target: 'model', source: 'Karpathy: use backprop to chart dependencies' },
  { code: 'ML-M005', title: 'Input-independent baseline', target: 'model', source: 'Karpathy: input-independent baseline' },
  { code: 'ML-M006', title: 'Loss vs chance', target: 'model', source: 'Karpathy: verify loss @ init' },
  { code: 'ML-M007', title: 'Pre-processing sweep', target: 'model', source: 'Tobin: incorrect input pre-processing; Karpathy: visualize just before the net' },
  { code: 'ML-M008', title: 'Non-finite outputs', target: 'model', source: 'Tobin: numerical instability (inf/NaN)' },
  { code: 'ML-M009', title: 'Activation statistics', target: 'model', source: 'Goodfellow 11.5: monitor histograms of activations' },
  { code: 'ML-M010', title: 'Broadcast hazards', target: 'model', source: 'Tobin: incorrect tensor shapes (silent broadcasting)' },
  { code: 'ML-M011', title: 'Error breakdown (bias / variance / shift)', target: 'model', source: 'Tobin: bias-variance decomposition; Goodfellow 11.3' },
  { code: 'ML-D001', title: 'Exact duplicates', target: 'data', source: 'Karpathy: does it contain duplicate examples?' },
  { code: 'ML-D002', title: 'Near duplicates', target: 'data', source: 'Karpathy: duplicates' },
  { code: 'ML-D003', title: 'Duplicates across splits (leakage)', target: 'data', source: 'Karpathy: duplicates; Tobin: train/test from the same distribution' },
  { code: 'ML-D004', title: 'Conflicting labels', target: 'data', source: 'Karpathy: corrupted input/label pairs, label noise' },
  { code: 'ML-D005', title: 'Class imbalance', target: 'data', source: 'Karpathy: is the data balanced?' },
  { code: 'ML-D006', title: 'Unreadable files', target: 'data', source: 'Karpathy: corrupted input/label pairs' },
  { code: 'ML-D007', title: 'Constant inputs', target: 'data', source: 'Karpathy: outliers uncover data bugs' },
  { code: 'ML-D008', title: 'Input statistics vs pre-processing', target: 'data', source: 'Tobin: forgot to normalize, or normalized twice' },
  { code: 'ML-D009', title: 'Likely label errors', target: 'data', source: 'Goodfellow 11.5: visualize the worst mistakes; Karpathy: how noisy are the labels?' },
  { code: 'ML-D010', title: 'Label permutation', target: 'data', source: 'Tobin: labels out of order (unsorted glob)' },
] as const satisfies readonly CheckInfo[];

export type CheckCode = (typeof CHECKS)[number]['code'];

const byCode = new Map<string, CheckInfo>(CHECKS.map((c) => [c.code, c]));

export function checkInfo(code: CheckCode): CheckInfo {
  return byCode.get(code)!;
}

export const checkOrder = (code: string): number => {
  const i = CHECKS.findIndex((c) => c.code === code);
  return i < 0 ? CHECKS.length : i;
};

/** Builds a finding with the check's title and target. */
export function finding(
  code: CheckCode,
  severity: Severity,
  message: string,
  advice = '',
  extra: { location?: Finding['location']; details?: Record<string, unknown>; title?: string } = {},
): Finding {
  const info = checkInfo(code);
  const f: Finding = { code, severity, title: extra.title ?? info.title, message, advice, target: info.target };
  if (extra.location) f.location = extra.location;
  if (extra.details) f.details = extra.details;
  return f;
}

export const skipped = (code: CheckCode, reason: string, location?: Finding['location']): Finding =>
  finding(code, 'skipped', reason, '', location ? { location } : {});

/** Numbers in messages: 3 significant digits, percentages with one decimal. */
export const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
export const num = (x: number, digits = 3): string => (Number.isFinite(x) ? Number(x.toPrecision(digits)).toString() : String(x));
export const plural = (n: number, word: string, many = `${word}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`;
