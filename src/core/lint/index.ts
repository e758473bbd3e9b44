/** Public API of the Python lint engine (no `vscode`; plain Node). */
export { collectFiles, initLint, lintFiles, lintNotebook, lintSource, LintDocument, type FileFindings } from './engine';
export { ALL_RULES } from './meta';
export { combineNotebook, type CellSpan, type CombinedNotebook } from './notebook';
export type { Finding, Fix, LintOptions, NotebookFinding, Position, Range, RelatedLocation, RuleMeta, Severity } from './types';
