/**
 * The report: one versioned JSON document, the contract between the engine, the CLI
 * (`inspect --json`, `--out report.json`) and the webview. Field names are stable once
 * shipped: add fields, never rename them; bump REPORT_VERSION on a breaking change.
 * Labels and predictions are class names, not indices.
 */
import type { DatasetKind } from './data/types';
import type { DiagnoseProgress, DiagnoseReport } from './diagnostics/types';

export const REPORT_VERSION = 1;

export type ScaleName = 'unit' | 'symmetric' | 'imagenet' | 'raw' | 'none' | 'custom';

/** How examples become model inputs. Saved next to the data so a run can be repeated exactly. */
export interface PreprocessConfig {
  layout: 'NCHW' | 'NHWC' | 'flat';
  channels: number;
  height: number;
  width: number;
  /** unit: x/255; symmetric: x/127.5-1; imagenet: (x/255-mean)/std with ImageNet stats;
   *  raw: 0..255 as floats; none: values passed through (float arrays); custom: (x/255-mean)/std. */
  scale: ScaleName;
  mean?: number[];
  std?: number[];
}

export type OutputKind = 'logits' | 'probabilities' | 'sigmoid';

export interface TopClass {
  class: string;
  p: number;
}

export interface RankedExample {
  index: number;
  source: string;
  label: string;
  predicted: string;
  /** p(predicted) */
  confidence: number;
  /** p(label) */
  pLabel: number;
  /** cross-entropy: -ln p(label) */
  loss: number;
  /** p(label) - max over other classes of p */
  margin: number;
  top: TopClass[];
}

export interface LabelIssue {
  index: number;
  source: string;
  label: string;
  /** The class confident learning would assign instead. */
  suggested: string;
  /** How likely the given label is wrong, 0..1, higher first: 1 - label quality
   *  (self-confidence: 1 - p(label); normalized margin: (1 - margin) / 2). */
  score: number;
  pLabel: number;
  pSuggested: number;
}

export interface PerClassMetrics {
  class: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
  averagePrecision: number;
}

export interface AveragedMetrics {
  precision: number;
  recall: number;
  f1: number;
}

export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  meanConfidence: number;
  accuracy: number;
}

export interface Histogram {
  /** bin edges, length = counts.length + 1 */
  edges: number[];
  counts: number[];
}

export interface PrCurve {
  class: string;
  averagePrecision: number;
  /** Down-sampled (recall, precision) points, recall ascending. */
  points: { recall: number; precision: number }[];
}

export interface CoverageCurve {
  /** Sorted by coverage ascending: answer only when confidence >= threshold. */
  points: { coverage: number; accuracy: number; threshold: number }[];
  targetAccuracy: number;
  /** Largest fraction of examples that can be answered at >= targetAccuracy (0 if none). */
  coverageAtTarget: number;
  thresholdAtTarget: number | null;
}

export interface LabelPermutation {
  /** True when re-mapping predicted classes to labels would raise accuracy sharply. */
  suspected: boolean;
  accuracy: number;
  accuracyAfter: number;
  /** Only the classes that move: predicted class -> label it seems to mean. */
  mapping: { predicted: string; label: string }[];
  message: string;
}

export interface SkippedExample {
  index: number;
  source: string;
  reason: string;
}

export type LabelIssueRanking = 'self-confidence' | 'normalized-margin';

export interface Report {
  version: typeof REPORT_VERSION;
  tool: { name: 'mistake-lens'; version: string };
  createdAt: string;
  model: {
    path: string;
    inputName: string;
    outputName: string;
    outputKind: OutputKind;
    opset: number | null;
  };
  data: {
    path: string;
    kind: DatasetKind;
    preprocess: PreprocessConfig;
  };
  /** The execution provider that really ran. */
  executionProvider: string;
  /** Why an earlier provider in the list was not used (e.g. CUDA could not load). */
  executionProviderNotes: string[];
  classes: string[];
  /** Examples the model ran on (unreadable ones are in `skipped`, not counted here). */
  numExamples: number;
  numLabelled: number;
  accuracy: number;
  /** Wrong predictions, most confident first (capped by --top). */
  mistakes: RankedExample[];
  /** Lowest p(label) first (capped by --top). */
  hardest: RankedExample[];
  labelIssueRanking: LabelIssueRanking;
  /** Likely label errors by confident learning, most likely first (capped by --top). */
  labelIssues: LabelIssue[];
  /** Confident-learning estimate of how many labels in the data are wrong. */
  estimatedLabelErrors: number;
  /** confusion[true][predicted], in `classes` order. */
  confusion: number[][];
  perClass: PerClassMetrics[];
  macro: AveragedMetrics;
  micro: AveragedMetrics;
  /** Expected calibration error over `reliability` bins (15 equal-width bins). */
  ece: number;
  reliability: ReliabilityBin[];
  prCurves: PrCurve[];
  coverage: CoverageCurve;
  histograms: { loss: Histogram; confidence: Histogram };
  labelPermutation: LabelPermutation;
  /** Unreadable or undecodable inputs: counted and listed, the run went on without them. */
  skipped: SkippedExample[];
  numSkipped: number;
  /** Examples whose model output held NaN or Inf: excluded from rankings and metrics. */
  nonFinite: { count: number; examples: { index: number; source: string }[] };
  timing: { seconds: number; examplesPerSecond: number };
}

// ---------------------------------------------------------------------------------------
// The report as the panel gets it: everything but the three ranked lists as it is, the lists in
// columns of typed arrays. VS Code's postMessage moves typed arrays as binary buffers, so a list
// of 100,000 examples costs the extension host a memcpy instead of a 100 MB JSON.stringify, and
// the webview reads a row only when a card shows it. The Report JSON above stays the contract.
// ---------------------------------------------------------------------------------------

/** Strings as UTF-8: string i is utf8[offsets[i] .. offsets[i + 1]). */
export interface PackedStrings {
  utf8: Uint8Array;
  offsets: Uint32Array;
}

/** RankedExample[] by columns. Class names are codes into PackedLists.names. */
export interface PackedRanked {
  count: number;
  index: Float64Array;
  source: PackedStrings;
  label: Uint32Array;
  predicted: Uint32Array;
  confidence: Float64Array;
  pLabel: Float64Array;
  loss: Float64Array;
  margin: Float64Array;
  /** Row i's top classes are entries topOffsets[i] .. topOffsets[i + 1] of topClass / topP. */
  topOffsets: Uint32Array;
  topClass: Uint32Array;
  topP: Float64Array;
}

/** LabelIssue[] by columns. */
export interface PackedLabelIssues {
  count: number;
  index: Float64Array;
  source: PackedStrings;
  label: Uint32Array;
  suggested: Uint32Array;
  score: Float64Array;
  pLabel: Float64Array;
  pSuggested: Float64Array;
}

export interface PackedLists {
  /** The report's classes first, then any other name a list uses. */
  names: string[];
  mistakes: PackedRanked;
  hardest: PackedRanked;
  labelIssues: PackedLabelIssues;
}

export type ReportSummary = Omit<Report, 'mistakes' | 'hardest' | 'labelIssues'>;

export interface PackedReport {
  report: ReportSummary;
  lists: PackedLists;
}

// ---------------------------------------------------------------------------------------
// Host <-> webview messages. The panel refers to examples by their dataset index (`id`),
// never by path: the host looks the path up itself. Requests carry a `requestId`; the host
// answers each with `response` or `requestFailed`, so a failed request rejects its promise.
// ---------------------------------------------------------------------------------------

/** What the panel knows about the run besides the report. */
export interface RunStatus {
  state: 'idle' | 'running' | 'done' | 'cancelled' | 'failed';
  modelName: string;
  dataName: string;
  done: number;
  total: number | null;
  executionProvider: string | null;
  message: string | null;
}

/** The model's input decoded back to an image (PNG data URL), plus the original file when there is one. */
export interface ExampleView {
  id: number;
  source: string;
  /** The preprocessed tensor as the model saw it, as a PNG data: URL. */
  modelInput: string;
  /** The original file as a PNG data: URL (image files only). */
  original: string | null;
  width: number;
  height: number;
}

export type HostToWebview =
  | { type: 'status'; status: RunStatus }
  /** A full or partial report (lists in columns, see PackedLists). `partial` while the run goes on. */
  | { type: 'report'; report: ReportSummary; lists: PackedLists; partial: boolean }
  | { type: 'response'; requestId: number; body: WebviewResponse }
  | { type: 'requestFailed'; requestId: number; message: string }
  /** The Diagnostics tab's state; `reveal` brings the tab to the front (a run the user just started). */
  | { type: 'diagnostics'; diagnostics: DiagnosticsStatus; reveal: boolean };

/** What the Diagnostics tab shows: nothing yet, a run in progress, its report, or why it stopped. */
export type DiagnosticsStatus =
  /** `target`: what the tab's Run button would diagnose (the panel's model and data), when known. */
  | { state: 'none'; target: { modelName: string; dataName: string } | null }
  | { state: 'running'; modelName: string; dataName: string; progress: DiagnoseProgress; findings: number }
  | { state: 'done'; report: DiagnoseReport }
  | { state: 'failed' | 'cancelled'; modelName: string; dataName: string; message: string };

export type WebviewResponse = { kind: 'examples'; examples: ExampleView[] };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'requestExamples'; requestId: number; ids: number[] }
  | { type: 'openExample'; id: number; how: 'open' | 'reveal' }
  | { type: 'cancelRun' }
  | { type: 'rerun' }
  /** Run the diagnostics checklist on the panel's model and data. */
  | { type: 'runDiagnostics' }
  /** Open docs/diagnostics.md at a finding code's entry. */
  | { type: 'openDiagnosticDocs'; code: string };

/** Persisted with setState so the panel comes back as it was after a reload. */
export interface PanelViewState {
  tab: 'mistakes' | 'metrics' | 'diagnostics';
  sort: 'mistakes' | 'hardest' | 'labelIssues';
  filter: { label: string | null; predicted: string | null; minConfidence: number; maxConfidence: number };
  scrollTop: number;
  selected: number | null;
}
