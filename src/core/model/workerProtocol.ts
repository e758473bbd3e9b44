/** Messages between the engine (parent) and the inference child process. */
import type { UserErrorCode } from '../errors';
import type { InspectOptions } from '../options';
import type { AnalysisResult } from '../analysis/analyze';
import type { ExampleView, LabelIssueRanking, OutputKind, PackedLists, PreprocessConfig, Report } from '../protocol';

export interface DataSpec {
  path: string;
  split?: string;
  inputsKey?: string;
  labelsKey?: string;
}

/** The planned run, fully resolved (see plan.ts). */
export interface InferenceJob {
  modelPath: string;
  data: DataSpec;
  preprocess: PreprocessConfig;
  inputName: string;
  outputName: string;
  /** From the graph: 'probabilities' (final Softmax), 'sigmoid' (one output unit), or
   *  undefined to decide from the first batch (rows in [0,1] summing to 1 -> probabilities). */
  outputKind?: OutputKind;
  /** Output op is Sigmoid: the single unit is already a probability. */
  sigmoidApplied?: boolean;
  numClasses: number;
  /** For resolving labels given as class names. */
  classes: string[];
  /** Class names the data defines (image folders): its numeric labels index these, and are
   *  matched to `classes` by name, so folder order never decides the class index. */
  datasetClasses?: string[];
  executionProviders: string[];
  batchSize: number;
  /** Fixed batch size of the model, or 'dynamic'. */
  modelBatch: number | 'dynamic';
  /** Per-example input dims as declared by the model (batch axis removed). */
  inputDims: (number | string | null)[];
  /** Cap on examples to run; undefined = all. */
  limit?: number;
}

/** What the parent learns once the child has planned the run and loaded the model. */
export interface RunSummary {
  model: Omit<Report['model'], 'outputKind'>;
  data: Report['data'];
  classes: string[];
  executionProvider: string;
  notes: string[];
  warnings: string[];
  total: number | undefined;
}

/** How the child analyses what it runs (it keeps the accumulator, so the caller's thread
 *  — the extension host — never does the analysis work). */
export interface Reporting {
  top: number;
  targetAccuracy: number;
  labelIssueRanking: LabelIssueRanking;
  /** Send partial results at most this often (0: none). */
  partialEveryMs: number;
}

/** The analysis without its ranked lists: those travel packed beside it (typed arrays cross the
 *  IPC channel as bytes; 100,000 ranked objects took the host's event loop ~0.1 s to rebuild). */
export type AnalysisSummary = Omit<AnalysisResult, 'mistakes' | 'hardest' | 'labelIssues'>;

export type ToWorker =
  /** keepAlive: stay after the run to serve `examples` requests (the panel's thumbnails).
   *  serveOnly: plan but run nothing (a restored panel showing a saved report). */
  | { type: 'start'; options: InspectOptions; reporting: Reporting; keepAlive: boolean; serveOnly?: boolean }
  | { type: 'examples'; requestId: number; ids: number[] };

export type FromWorker =
  | { type: 'ready'; summary: RunSummary }
  | { type: 'progress'; done: number }
  | { type: 'partial'; result: AnalysisSummary; lists: PackedLists; outputKind: OutputKind; seconds: number }
  | { type: 'skipped'; index: number; source: string; reason: string }
  | { type: 'done'; seconds: number; peakRssBytes: number; result: AnalysisSummary; lists: PackedLists; outputKind: OutputKind }
  | { type: 'error'; message: string; code: UserErrorCode | 'internal' }
  | { type: 'examples'; requestId: number; examples: ExampleView[] }
  | { type: 'examplesFailed'; requestId: number; message: string };
