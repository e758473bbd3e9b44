/**
 * Score bins for streaming precision-recall curves and average precision.
 *
 * Exact AP needs every example's score for every class (the N x C matrix we refuse to keep),
 * so each class keeps two histograms (positives, negatives) over fine bins instead. Bins are
 * equal-width in logit(p) clamped to [-LOGIT_LIMIT, LOGIT_LIMIT], which spends resolution
 * where probabilities crowd (near 0 and 1) rather than equally over [0, 1].
 *
 * Approximation: examples that share a bin are treated as tied scores (sklearn also merges
 * exactly-tied scores into one threshold). With 4000 bins a bin is 0.008 logit wide (at most
 * 0.002 in probability), so AP is within ~1e-3 of sklearn's exact average_precision_score on
 * realistic data. Scores below sigmoid(-16) ~ 1.1e-7 share the lowest bin and scores above
 * 1 - 1.1e-7 share the highest.
 */

export const SCORE_BINS = 4000;
export const LOGIT_LIMIT = 16;

const P_LOW = 1 / (1 + Math.exp(LOGIT_LIMIT));
const P_HIGH = 1 / (1 + Math.exp(-LOGIT_LIMIT));
const SCALE = SCORE_BINS / (2 * LOGIT_LIMIT);

/** Bin of probability p, monotonic non-decreasing in p. */
export function scoreBin(p: number): number {
  // Fast paths: most of a wide softmax is tiny, and this skips the log for them.
  if (p <= P_LOW) return 0;
  if (p >= P_HIGH) return SCORE_BINS - 1;
  const b = Math.floor((Math.log(p / (1 - p)) + LOGIT_LIMIT) * SCALE);
  return b < 0 ? 0 : b >= SCORE_BINS ? SCORE_BINS - 1 : b;
}
