/**
 * Streams model outputs in and keeps only what the analyses need, so a run over 1,000,000
 * examples with ~1000 classes stays bounded in memory:
 * - per labelled finite row: a compact record (see RowStore: index, label, p(label), top-k,
 *   and a few extra confident-learning candidates);
 * - fixed-size structures: confusion matrix, per-class sums of p(label) (confident-learning
 *   thresholds), per-class positive/negative score histograms (PR curves, AP), and a
 *   confidence histogram over every finite row.
 * Unlabelled rows are only counted (and enter the confidence histogram); rows holding NaN/Inf
 * are counted and listed, and take no part in anything else.
 */
import { ExactScores } from './exactScores';
import { RowStore } from './rowStore';
import { SCORE_BINS, scoreBin } from './scoreBins';
import { CONFIDENCE_HISTOGRAM_BINS, confidenceBins } from './histogram';

export interface ProbBatch {
  /** dataset index of each row */
  indices: ArrayLike<number>;
  /** same length: path or e.g. "x[12]" */
  sources: string[];
  /** class index, -1 = unlabelled */
  labels: ArrayLike<number>;
  /** rows of length numClasses: probabilities (each row sums to ~1); may hold NaN/Inf */
  probs: Float32Array;
}

export interface RunAccumulatorOptions {
  /** Classes kept per example, default min(5, C). At least 2 are kept when C >= 2, so the
   *  margin p(label) - max other is always exact. */
  topK?: number;
  /**
   * Classes outside the top-k kept per example for confident learning only. Default 2 when
   * C > 2 * topK, else 0 (the top-k already holds half the classes, and the per-row record
   * must stay well under C floats).
   *
   * Why: confident learning picks the most probable class among those at or above their
   * class threshold, and thresholds are only known once every example is in. When no top-k
   * class clears its threshold, the winner lies outside the top-k. That is common when
   * classes are calibrated very differently (a few confidently predicted classes with high
   * thresholds fill every row's top-k). So each row also keeps the classes outside the top-k
   * that stand highest relative to the running threshold estimate (p_j / mean p(label) of
   * class j so far, 1/C before class j is seen). On such data (test fixture
   * skewed-calibration, C = 20) this cut disagreement with the exact full-matrix result from
   * 14% of examples to 0.4%, nearly all in the first rows, before the estimates settle.
   */
  extraCandidates?: number;
}

/** Non-finite rows are all counted, but only this many are listed (bounded memory, bounded report). */
export const NON_FINITE_EXAMPLE_LIMIT = 1000;

export class RunAccumulator {
  readonly numClasses: number;
  readonly topK: number;
  readonly extraCandidates: number;
  /** Labelled rows with finite outputs. */
  readonly rows: RowStore;
  /** confusion[true * C + predicted] over labelled finite rows. */
  readonly confusion: Uint32Array;
  /** Per label class: sum of p(label), for confident-learning thresholds (exact means). */
  readonly labelProbSums: Float64Array;
  /** Per label class: labelled finite rows so far. */
  readonly labelCounts: Float64Array;
  /** [class * SCORE_BINS + scoreBin(p_class)]: rows whose label is / is not that class. */
  readonly positiveScoreCounts: Uint32Array;
  readonly negativeScoreCounts: Uint32Array;
  /** Max-probability histogram over every finite row, labelled or not. */
  readonly confidenceCounts: Float64Array;
  readonly nonFiniteExamples: { index: number; source: string }[] = [];
  /** Every labelled row's probabilities while the run is small (exact AP), see ExactScores. */
  readonly exactScores: ExactScores;

  private total = 0;
  private nonFiniteTotal = 0;
  private unlabelledTotal = 0;
  // Scratch for one row's top-k, reused to avoid allocating per row.
  private readonly scratchClass: Int32Array;
  private readonly scratchProb: Float64Array;
  private readonly scratchExtraClass: Int32Array;
  private readonly scratchExtraProb: Float64Array;
  private readonly scratchExtraRatio: Float64Array;
  private readonly inTop: Uint8Array;
  /** 1 / (running mean p(label)) per class, C before a class is seen (threshold prior 1/C). */
  private readonly inverseThresholdEstimate: Float64Array;

  constructor(numClasses: number, options: RunAccumulatorOptions = {}) {
    if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`numClasses must be a positive integer, got ${numClasses}`);
    const requested = options.topK ?? Math.min(5, numClasses);
    if (!Number.isInteger(requested) || requested < 1) throw new Error(`topK must be a positive integer, got ${requested}`);
    this.numClasses = numClasses;
    this.topK = Math.min(numClasses, Math.max(requested, 2));
    const extra = options.extraCandidates ?? (numClasses > 2 * this.topK ? 2 : 0);
    if (!Number.isInteger(extra) || extra < 0) throw new Error(`extraCandidates must be a non-negative integer, got ${extra}`);
    this.extraCandidates = Math.min(extra, numClasses - this.topK);
    this.rows = new RowStore(numClasses, this.topK, this.extraCandidates);
    this.confusion = new Uint32Array(numClasses * numClasses);
    this.labelProbSums = new Float64Array(numClasses);
    this.labelCounts = new Float64Array(numClasses);
    this.positiveScoreCounts = new Uint32Array(numClasses * SCORE_BINS);
    this.negativeScoreCounts = new Uint32Array(numClasses * SCORE_BINS);
    this.confidenceCounts = new Float64Array(CONFIDENCE_HISTOGRAM_BINS);
    this.exactScores = new ExactScores(numClasses);
    this.scratchClass = new Int32Array(this.topK);
    this.scratchProb = new Float64Array(this.topK);
    this.scratchExtraClass = new Int32Array(this.extraCandidates);
    this.scratchExtraProb = new Float64Array(this.extraCandidates);
    this.scratchExtraRatio = new Float64Array(this.extraCandidates);
    this.inTop = new Uint8Array(numClasses);
    this.inverseThresholdEstimate = new Float64Array(this.extraCandidates > 0 ? numClasses : 0).fill(numClasses);
  }

  /** Rows added so far: every row, finite or not, labelled or not. */
  get count(): number {
    return this.total;
  }
  get numNonFinite(): number {
    return this.nonFiniteTotal;
  }
  get numUnlabelled(): number {
    return this.unlabelledTotal;
  }
  /** Labelled rows with finite outputs: the population of every metric and ranking. */
  get numLabelled(): number {
    return this.rows.length;
  }

  /** Bytes held in typed arrays (per-row columns at capacity plus the fixed structures). The
   *  source strings and the non-finite list are not counted. */
  get byteSize(): number {
    return (
      this.rows.byteSize +
      this.confusion.byteLength +
      this.labelProbSums.byteLength +
      this.labelCounts.byteLength +
      this.positiveScoreCounts.byteLength +
      this.negativeScoreCounts.byteLength +
      this.confidenceCounts.byteLength +
      this.exactScores.byteSize
    );
  }

  add(batch: ProbBatch): void {
    const C = this.numClasses;
    const n = batch.labels.length;
    // Validate the whole batch first so a bad batch leaves the accumulator untouched.
    if (batch.indices.length !== n || batch.sources.length !== n) {
      throw new Error(`ProbBatch lengths differ: ${batch.indices.length} indices, ${batch.sources.length} sources, ${n} labels`);
    }
    if (batch.probs.length !== n * C) {
      throw new Error(`ProbBatch probs has ${batch.probs.length} values; expected ${n} rows x ${C} classes = ${n * C}`);
    }
    for (let i = 0; i < n; i++) {
      const y = batch.labels[i];
      if (!Number.isInteger(y) || y < -1 || y >= C) {
        throw new Error(`Row with dataset index ${batch.indices[i]} has label ${y}: expected a class index in [0, ${C}) or -1 for unlabelled`);
      }
    }

    const probs = batch.probs;
    for (let i = 0; i < n; i++) {
      this.total++;
      const off = i * C;
      let finite = true;
      for (let c = 0; c < C; c++) {
        if (!Number.isFinite(probs[off + c])) {
          finite = false;
          break;
        }
      }
      if (!finite) {
        this.nonFiniteTotal++;
        if (this.nonFiniteExamples.length < NON_FINITE_EXAMPLE_LIMIT) {
          this.nonFiniteExamples.push({ index: batch.indices[i], source: batch.sources[i] });
        }
        continue;
      }
      const y = batch.labels[i];
      if (y < 0) {
        this.unlabelledTotal++;
        let max = -Infinity;
        for (let c = 0; c < C; c++) if (probs[off + c] > max) max = probs[off + c];
        this.confidenceCounts[confidenceBins.bin(max)]++;
        continue;
      }
      this.addLabelledRow(batch.indices[i], batch.sources[i], y, probs, off);
    }
  }

  private addLabelledRow(index: number, source: string, y: number, probs: Float32Array, off: number): void {
    const C = this.numClasses;
    const k = this.topK;
    const tc = this.scratchClass;
    const tp = this.scratchProb;
    const pos = this.positiveScoreCounts;
    const neg = this.negativeScoreCounts;
    // Imported bindings copied to locals: under a CommonJS transpile (tsx, tests) every use
    // of an import is a getter call, which costs more than the work in this per-class loop.
    const bins = SCORE_BINS;
    const binOf = scoreBin;
    let filled = 0;
    for (let c = 0; c < C; c++) {
      const p = probs[off + c];
      const bin = c * bins + binOf(p);
      if (c === y) pos[bin]++;
      else neg[bin]++;
      // Insertion into the top-k: strictly greater to enter, so on ties the lower class
      // index stays first (numpy.argmax picks the first maximum).
      if (filled < k || p > tp[filled - 1]) {
        let j = filled < k ? filled++ : k - 1;
        while (j > 0 && tp[j - 1] < p) {
          tp[j] = tp[j - 1];
          tc[j] = tc[j - 1];
          j--;
        }
        tp[j] = p;
        tc[j] = c;
      }
    }
    this.selectExtraCandidates(probs, off);
    this.exactScores.add(probs, off, y);
    const pLabel = probs[off + y];
    this.confusion[y * C + tc[0]]++;
    this.labelProbSums[y] += pLabel;
    this.labelCounts[y]++;
    // Multiplying by a stored inverse keeps a division out of the per-class loop.
    if (this.extraCandidates > 0) this.inverseThresholdEstimate[y] = this.labelCounts[y] / Math.max(this.labelProbSums[y], 1e-30);
    this.confidenceCounts[confidenceBins.bin(tp[0])]++;
    this.rows.push(index, source, y, pLabel, tc, tp, this.scratchExtraClass, this.scratchExtraProb);
  }

  /** Fills the extra-candidate scratch: classes outside the top-k with the highest
   *  p_j / (running threshold estimate of j), see RunAccumulatorOptions.extraCandidates. */
  private selectExtraCandidates(probs: Float32Array, off: number): void {
    const e = this.extraCandidates;
    if (e === 0) return;
    const C = this.numClasses;
    const k = this.topK;
    const ec = this.scratchExtraClass;
    const ep = this.scratchExtraProb;
    const er = this.scratchExtraRatio;
    const inv = this.inverseThresholdEstimate;
    const inTop = this.inTop;
    for (let t = 0; t < k; t++) inTop[this.scratchClass[t]] = 1;
    let filled = 0;
    for (let c = 0; c < C; c++) {
      if (inTop[c]) continue;
      const p = probs[off + c];
      const ratio = p * inv[c];
      if (filled < e || ratio > er[filled - 1]) {
        let j = filled < e ? filled++ : e - 1;
        while (j > 0 && er[j - 1] < ratio) {
          er[j] = er[j - 1];
          ec[j] = ec[j - 1];
          ep[j] = ep[j - 1];
          j--;
        }
        er[j] = ratio;
        ec[j] = c;
        ep[j] = p;
      }
    }
    for (let t = 0; t < k; t++) inTop[this.scratchClass[t]] = 0;
  }
}
