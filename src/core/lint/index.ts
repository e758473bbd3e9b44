/** Public API of the Python lint engine (no `vscode`; plain Node). */
export { collectFiles, initLint, lintFiles, lintNotebook, lintNotebookCells, lintSource, lintSourceDetailed, LintDocument, type FileFindings } from './engine';
export { ALL_RULES, docsAnchor, ruleByCode } from './meta';
export { combineCells, combineNotebook, NotebookError, type CellSpan, type CombinedNotebook } from './notebook';
export type { Finding, Fix, LintOptions, NotebookFinding, Position, Range, RelatedLocation, RuleMeta, Severity } from './types';
