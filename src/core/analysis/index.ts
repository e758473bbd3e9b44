/** Public surface of the analysis engine: stream model outputs in, get the report's analysis fields out. */
export { RunAccumulator, NON_FINITE_EXAMPLE_LIMIT } from './accumulator';
export type { ProbBatch, RunAccumulatorOptions } from './accumulator';
export { analyze } from './analyze';
export type { AnalyzeOptions, AnalysisResult } from './analyze';
