/** What a run of the main job is asked to do (CLI flags and extension settings map onto it). */
import type { LabelIssueRanking, ScaleName } from './protocol';

export interface InspectOptions {
  model: string;
  data: string;
  labels?: string;
  /** Overrides the saved or default scaling. */
  scale?: ScaleName;
  mean?: number[];
  std?: number[];
  /** Model output to read, when it has several. */
  output?: string;
  executionProviders?: string[];
  batchSize?: number;
  top?: number;
  targetAccuracy?: number;
  labelIssueRanking?: LabelIssueRanking;
  split?: string;
  inputsKey?: string;
  labelsKey?: string;
  /** Save the preprocessing next to the data (default true). */
  saveConfig?: boolean;
  limit?: number;
}

