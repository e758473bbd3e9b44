/**
 * Turns what the accumulator kept into the analysis part of the report. Cheap enough to call
 * repeatedly while a run streams in (partial results): O(N log N) at worst (the coverage
 * sort), partial selection for the capped rankings, and fixed-size work on the confusion
 * matrix and score histograms. It reads the accumulator and never changes it.
 */
import type { LabelIssueRanking, PerClassMetrics, Report } from '../protocol';
import type { RunAccumulator } from './accumulator';
import { reliability } from './calibration';
import { classThresholds, findLabelIssues, rankLabelIssues } from './confidentLearning';
import { coverageCurve, prCurve } from './curves';
import { confidenceBins, lossHistogram } from './histogram';
import { confusionMetrics, confusionRows } from './metrics';
import { labelPermutation } from './permutation';
import { rankHardest, rankMistakes, rankedExample } from './ranking';

export interface AnalyzeOptions {
  /** Class names, index = class index; length must equal the accumulator's numClasses. */
  classes: string[];
  /** Cap on mistakes, hardest and labelIssues. */
  top: number;
  /** Accuracy the coverage curve is read at (e.g. 0.9). */
  targetAccuracy: number;
  labelIssueRanking: LabelIssueRanking;
}

export type AnalysisResult = Pick<
  Report,
  | 'numExamples'
  | 'numLabelled'
  | 'accuracy'
  | 'mistakes'
  | 'hardest'
  | 'labelIssueRanking'
  | 'labelIssues'
  | 'estimatedLabelErrors'
  | 'confusion'
  | 'perClass'
  | 'macro'
  | 'micro'
  | 'ece'
  | 'reliability'
  | 'prCurves'
  | 'coverage'
  | 'histograms'
  | 'labelPermutation'
  | 'nonFinite'
>;

export function analyze(acc: RunAccumulator, options: AnalyzeOptions): AnalysisResult {
  const C = acc.numClasses;
  const { classes, labelIssueRanking } = options;
  if (classes.length !== C) throw new Error(`analyze: ${classes.length} class names for a model with ${C} classes`);
  const top = Math.max(0, Math.floor(options.top));
  const rows = acc.rows;

  const m = confusionMetrics(acc.confusion, C);
  const prCurves = classes.map((name, c) =>
    acc.exactScores.available ? acc.exactScores.prCurve(name, c) : prCurve(name, acc.positiveScoreCounts, acc.negativeScoreCounts, c),
  );
  const perClass: PerClassMetrics[] = classes.map((name, c) => ({ class: name, ...m.perClass[c], averagePrecision: prCurves[c].averagePrecision }));

  const scan = findLabelIssues(rows, classThresholds(acc.labelProbSums, acc.labelCounts));
  const calibration = reliability(rows);

  return {
    numExamples: acc.count,
    numLabelled: acc.numLabelled,
    accuracy: m.accuracy,
    mistakes: rankMistakes(rows, top).map((r) => rankedExample(rows, r, classes)),
    hardest: rankHardest(rows, top).map((r) => rankedExample(rows, r, classes)),
    labelIssueRanking,
    labelIssues: rankLabelIssues(rows, scan, labelIssueRanking, top, classes),
    estimatedLabelErrors: scan.count,
    confusion: confusionRows(acc.confusion, C),
    perClass,
    macro: m.macro,
    micro: m.micro,
    ece: calibration.ece,
    reliability: calibration.bins,
    prCurves,
    coverage: coverageCurve(rows, options.targetAccuracy),
    histograms: {
      loss: lossHistogram(rows.length, (r) => rows.pLabel(r)),
      confidence: confidenceBins.toHistogram(acc.confidenceCounts),
    },
    labelPermutation: labelPermutation(acc.confusion, classes),
    nonFinite: { count: acc.numNonFinite, examples: acc.nonFiniteExamples.map((e) => ({ ...e })) },
  };
}
