/**
 * "Labels out of order" (Tobin): class names taken from an unsorted glob, or an index file
 * in a different order than the model's outputs, give a model that looks bad while its
 * predictions agree with the labels up to a relabelling. Find the relabelling of predicted
 * classes that maximises agreement (the trace of the permuted confusion matrix) with the
 * Hungarian algorithm, and flag the run when it helps sharply.
 *
 * Rule (suspected): accuracyAfter - accuracy >= 0.10 AND the remapping removes at least a
 * quarter of the errors ((accuracyAfter - accuracy) / (1 - accuracy) >= 0.25) AND there are
 * at least 5 labelled examples per class on average. The absolute gain rejects the small
 * lift any confusion matrix gets from being optimised over; the error-reduction term keeps a
 * weak model at 10% -> 21% from tripping it; the size floor stops a handful of examples from
 * matching some permutation by chance. A plain ratio rule (after >= 1.5 x before) would miss
 * a good model with 3 of 10 classes rotated (67% -> 95%), which is exactly the bug.
 */
import type { LabelPermutation } from '../protocol';
import { maxWeightAssignment } from './hungarian';

export const PERMUTATION_MIN_GAIN = 0.1;
export const PERMUTATION_MIN_ERROR_REDUCTION = 0.25;
export const PERMUTATION_MIN_EXAMPLES_PER_CLASS = 5;

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** confusion[true * C + predicted]. Returns labelOfPredicted[p] = the label predicted class p seems to mean. */
export function bestRelabelling(confusion: ArrayLike<number>, C: number): Int32Array {
  // Shortcut, O(C^2): when every column's largest entry is on the diagonal, the identity
  // reaches the upper bound sum_p max_l confusion[l][p], so it is optimal. This is the usual
  // case for a working model and skips the O(C^3) solve.
  let identityOptimal = true;
  for (let p = 0; p < C && identityOptimal; p++) {
    const d = confusion[p * C + p];
    for (let l = 0; l < C; l++) {
      if (confusion[l * C + p] > d) {
        identityOptimal = false;
        break;
      }
    }
  }
  const labelOfPredicted = new Int32Array(C);
  if (identityOptimal) {
    for (let p = 0; p < C; p++) labelOfPredicted[p] = p;
    return labelOfPredicted;
  }
  // Weight = count * (C + 1) + [label == predicted]: the bonus totals at most C < C + 1, so
  // it never outweighs one example, and among optimal relabellings it picks the one moving
  // the fewest classes (empty columns stay put instead of moving arbitrarily). Integers up to
  // ~1e6 * 1e3 stay exact in doubles.
  const weight = new Float64Array(C * C);
  for (let l = 0; l < C; l++) {
    for (let p = 0; p < C; p++) weight[l * C + p] = confusion[l * C + p] * (C + 1) + (l === p ? 1 : 0);
  }
  const predictedOfLabel = maxWeightAssignment(weight, C);
  for (let l = 0; l < C; l++) labelOfPredicted[predictedOfLabel[l]] = l;
  return labelOfPredicted;
}

export function labelPermutation(confusion: ArrayLike<number>, classes: string[]): LabelPermutation {
  const C = classes.length;
  let total = 0;
  let trace = 0;
  for (let l = 0; l < C; l++) {
    for (let p = 0; p < C; p++) total += confusion[l * C + p];
    trace += confusion[l * C + l];
  }
  if (total === 0) {
    return { suspected: false, accuracy: 0, accuracyAfter: 0, mapping: [], message: 'No labelled examples with finite outputs: label order could not be checked.' };
  }
  const labelOfPredicted = bestRelabelling(confusion, C);
  let matched = 0;
  const mapping: LabelPermutation['mapping'] = [];
  for (let p = 0; p < C; p++) {
    const l = labelOfPredicted[p];
    matched += confusion[l * C + p];
    if (l !== p) mapping.push({ predicted: classes[p], label: classes[l] });
  }
  const accuracy = trace / total;
  const accuracyAfter = matched / total;
  const gain = accuracyAfter - accuracy;
  const errorReduction = accuracy < 1 ? gain / (1 - accuracy) : 0;
  const suspected =
    gain >= PERMUTATION_MIN_GAIN && errorReduction >= PERMUTATION_MIN_ERROR_REDUCTION && total >= PERMUTATION_MIN_EXAMPLES_PER_CLASS * C;
  const message = suspected
    ? `Predictions match the labels far better after re-mapping ${mapping.length} classes (accuracy ${pct(accuracy)} -> ${pct(accuracyAfter)}): the labels may be out of order (e.g. an unsorted glob).`
    : mapping.length === 0
      ? `Labels look consistent with the predictions: no re-mapping of classes beats the current order (accuracy ${pct(accuracy)}).`
      : `Labels look consistent with the predictions: the best re-mapping of classes only moves accuracy from ${pct(accuracy)} to ${pct(accuracyAfter)}.`;
  return { suspected, accuracy, accuracyAfter, mapping, message };
}
