/** The rule table: stable codes, slugs, default severities. docs/lint-rules.md explains each. */
import type { RuleMeta } from './types';

const m = (code: string, rule: string, severity: RuleMeta['severity'], summary: string): RuleMeta => ({ code, rule, severity, summary });

export const ML001 = m('ML001', 'unsorted-file-listing', 'warning', 'A file listing (glob, os.listdir, os.scandir, Path.glob/rglob/iterdir) is paired by position with labels without being sorted');
export const ML002 = m('ML002', 'softmax-into-cross-entropy', 'error', 'A softmax output is passed to a loss that expects logits (CrossEntropyLoss, F.cross_entropy, from_logits=True)');
export const ML003 = m('ML003', 'nll-loss-input', 'warning', 'nll_loss/NLLLoss gets probabilities or raw logits instead of log-probabilities');
export const ML004 = m('ML004', 'sigmoid-into-bce-with-logits', 'error', 'A sigmoid output is passed to BCEWithLogitsLoss / binary_cross_entropy_with_logits');
export const ML005 = m('ML005', 'logits-into-probability-loss', 'warning', 'Raw logits are passed to a loss that expects probabilities (BCELoss, Keras losses without from_logits=True)');
export const ML006 = m('ML006', 'regression-shape-broadcast', 'warning', 'A regression loss compares a [N, 1] prediction with a [N] target (broadcasts to [N, N])');
export const ML007 = m('ML007', 'eval-in-train-mode', 'warning', 'An evaluation loop runs the model without model.eval() (dropout and batch norm stay in training mode)');
export const ML008 = m('ML008', 'train-in-eval-mode', 'warning', 'Training resumes after model.eval() without model.train()');
export const ML009 = m('ML009', 'missing-zero-grad', 'warning', 'loss.backward() and optimizer.step() in a loop that never clears the gradients');
export const ML010 = m('ML010', 'reshape-mixes-dims', 'warning', 'view/reshape used to reorder dimensions, or right after a transpose/permute that moved the batch dimension');
export const ML011 = m('ML011', 'unstable-log-exp', 'warning', 'log/exp written out where a numerically stable form exists (log_softmax, logsigmoid, logsumexp, softmax)');
export const ML012 = m('ML012', 'double-normalization', 'warning', 'Inputs already scaled to [0, 1] by ToTensor() are divided by 255 again (or normalized with 0–255 statistics)');
export const ML013 = m('ML013', 'no-random-seed', 'information', 'A training script never fixes a random seed');
export const ML014 = m('ML014', 'eval-with-grad', 'information', 'An evaluation loop runs the model with gradients on (no torch.no_grad()/inference_mode())');
export const ML015 = m('ML015', 'redundant-log-softmax', 'information', 'A log_softmax output is passed to cross_entropy, which applies log_softmax itself (harmless but redundant)');
export const ML016 = m('ML016', 'log1p-expm1', 'information', 'log(1 + x) / exp(x) - 1 lose precision for small x; log1p/expm1 do not');

export const ALL_RULES: readonly RuleMeta[] = [ML001, ML002, ML003, ML004, ML005, ML006, ML007, ML008, ML009, ML010, ML011, ML012, ML013, ML014, ML015, ML016];

/** Anchor of a rule's section in docs/lint-rules.md, e.g. "ml001-unsorted-file-listing". */
export function docsAnchor(meta: RuleMeta): string {
  return `${meta.code.toLowerCase()}-${meta.rule}`;
}

export function ruleByCode(code: string): RuleMeta | undefined {
  return ALL_RULES.find((r) => r.code === code);
}
