/**
 * The diagnostics document: one versioned JSON object, the contract between the engine, the
 * CLI (`diagnose --json`) and the editor (Problems panel, Diagnostics view). Field names and
 * finding codes are stable once shipped: add, never rename; bump DIAGNOSE_VERSION on a
 * breaking change.
 */
import type { Dim } from '../model/dim';
import type { DatasetKind } from '../data/types';
import type { OutputKind, PreprocessConfig, ScaleName } from '../protocol';

export const DIAGNOSE_VERSION = 1;

/** error ✗ (a bug), warning ⚠ (probably a problem), info ✓ (checked: fine, or facts), skipped – (could not run, with the reason). */
export type Severity = 'error' | 'warning' | 'info' | 'skipped';

export interface Finding {
  /** Stable code, e.g. 'ML-M004' (see CHECKS in codes.ts and docs/diagnostics.md). */
  code: string;
  severity: Severity;
  title: string;
  /** One plain sentence of what was seen, with the numbers. */
  message: string;
  /** What to do about it (empty for a passed check). */
  advice: string;
  target: 'model' | 'data';
  /** Where the editor attaches it: the model file, the manifest (with its line) or a data file. */
  location?: { file: string; line?: number };
  /** Check-specific numbers (histograms, pairs, tables), JSON-serialisable. */
  details?: Record<string, unknown>;
}

export interface ValueInfoJson {
  name: string;
  elemType: string;
  shape: Dim[] | null;
}

export interface DiagnoseSplit {
  name: string;
  path: string;
  numExamples: number;
  numUnreadable: number;
}

export interface DiagnoseReport {
  version: typeof DIAGNOSE_VERSION;
  tool: { name: 'mistake-lens'; version: string };
  createdAt: string;
  model: {
    path: string;
    opset: number | null;
    irVersion: number;
    producer: string;
    inputs: ValueInfoJson[];
    outputs: ValueInfoJson[];
    /** The output read as class scores, and how it was read. */
    outputName: string | null;
    outputKind: OutputKind | null;
    executionProvider: string | null;
    executionProviderNotes: string[];
  };
  data: {
    path: string;
    kind: DatasetKind | 'unlabelled-folder' | 'splits' | null;
    splits: DiagnoseSplit[];
    classes: string[];
    numExamples: number;
    numLabelled: number;
    preprocess: PreprocessConfig | null;
    /** Examples the sample-based checks ran on (sweep, baselines, batch mixing, activations). */
    sampleSize: number;
  };
  /** Counts by severity. */
  summary: Record<Severity, number>;
  /** In checklist order: model checks, then data checks (see CHECKS). */
  findings: Finding[];
  timing: {
    seconds: number;
    /** Seconds per phase, e.g. pass (reading + inference over all data), sweep, activations. */
    phases: Record<string, number>;
    /** Peak resident memory of the diagnostics process, when it finished normally. */
    peakRssBytes?: number;
  };
}

/** A split given on the command line (`--data train=path`). */
export interface DataSpecEntry {
  split: string;
  path: string;
}

export interface DiagnoseOptions {
  model: string;
  /** One path (a folder of split folders, a manifest with a split column, any dataset), or named splits. */
  data: string | DataSpecEntry[];
  labels?: string;
  scale?: ScaleName;
  mean?: number[];
  std?: number[];
  output?: string;
  executionProviders?: string[];
  batchSize?: number;
  /** Examples for the sample-based checks (default 1000). */
  sample?: number;
  /** Cap on examples read per split. */
  limit?: number;
  /** Goal error rate (0..1) for Tobin's error breakdown. */
  goalError?: number;
  inputsKey?: string;
  labelsKey?: string;
  /** Largest / smallest class count at which imbalance is reported (default 5). */
  imbalanceRatio?: number;
  /** Cosine of mean-centred 16x16 thumbnails at which two images are near duplicates (default 0.998). */
  nearDuplicateCosine?: number;
  /** Seed for the sample (default 0): the same seed picks the same examples. */
  seed?: number;
}

export interface DiagnoseProgress {
  phase: string;
  done: number;
  total: number | undefined;
}
