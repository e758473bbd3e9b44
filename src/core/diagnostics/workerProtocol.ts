/** Messages between the engine (parent) and the diagnostics child process. */
import type { UserErrorCode } from '../errors';
import type { DiagnoseOptions, DiagnoseProgress, DiagnoseReport, Finding } from './types';

export type ToDiagnosticsWorker = { type: 'start'; options: DiagnoseOptions };

/** The report's model and data parts, as far as the child knows them. */
export type ReportHeader = Pick<DiagnoseReport, 'model' | 'data'>;

export type FromDiagnosticsWorker =
  /** Once the model and data are opened: the header (numbers filled in later). */
  | { type: 'ready'; header: ReportHeader }
  | { type: 'progress'; progress: DiagnoseProgress }
  /** One finding, as soon as its check is done. */
  | { type: 'finding'; finding: Finding }
  | { type: 'done'; header: ReportHeader; seconds: number; phases: Record<string, number>; peakRssBytes: number }
  | { type: 'error'; message: string; code: UserErrorCode | 'internal' };
