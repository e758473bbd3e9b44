/**
 * The runtime tracer's finding codes: their own range (ML101…) beside the static rules
 * (ML001…), documented in docs/tracer.md under `## <code> <rule>`.
 */
import type { RuleMeta } from '../types';

const m = (code: string, rule: string, severity: RuleMeta['severity'], summary: string): RuleMeta => ({ code, rule, severity, summary });

export const ML101 = m('ML101', 'broadcast-to-larger-shape', 'warning', 'An elementwise operation broadcasts the same values held in two shapes ((N,) with (N,1)) into a larger result ((N,N))');
export const ML102 = m('ML102', 'loss-shape-mismatch', 'warning', 'A loss gets input and target of different shapes (PyTorch broadcasts them)');
export const ML103 = m('ML103', 'probabilities-into-logits-loss', 'error', 'A softmax (or sigmoid) output reaches a loss that applies it itself (cross_entropy, nll_loss, binary_cross_entropy_with_logits)');
export const ML104 = m('ML104', 'first-non-finite', 'warning', 'The first operation of the run that produced NaN or Inf from finite inputs');
export const ML105 = m('ML105', 'train-mode-without-grad', 'warning', 'Dropout or batch norm in training mode while gradients are off (evaluation in train mode)');

export const TRACE_CODES: readonly RuleMeta[] = [ML101, ML102, ML103, ML104, ML105];

export function traceCode(code: string): RuleMeta | undefined {
  return TRACE_CODES.find((c) => c.code === code);
}

/** Anchor of a code's section in docs/tracer.md, e.g. "ml101-broadcast-to-larger-shape". */
export function traceDocsAnchor(meta: RuleMeta): string {
  return `${meta.code.toLowerCase()}-${meta.rule}`;
}
