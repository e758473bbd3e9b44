/**
 * Types shared by the Python lint engine, its CLI face and the editor face.
 * Positions are 0-based; `character` counts UTF-16 code units (what VS Code and the LSP use).
 */
export type Severity = 'error' | 'warning' | 'information';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A single text edit that is safe to apply as-is (a quick fix). */
export interface Fix {
  title: string;
  range: Range;
  newText: string;
  /** Notebooks only: the cell the edit applies to, when it is not the finding's cell. */
  cell?: number;
}

export interface RelatedLocation {
  range: Range;
  message: string;
  /** Notebooks only: the cell of `range`. */
  cell?: number;
}

export interface Finding {
  /** Stable code, e.g. ML001. */
  code: string;
  /** Stable slug of the rule, e.g. unsorted-file-listing. */
  rule: string;
  severity: Severity;
  /** Names the values involved (variables, the call, the loss). */
  message: string;
  range: Range;
  fix?: Fix;
  /** Other places that explain the finding (where the softmax was applied, the zip, ...). */
  related?: RelatedLocation[];
}

/** A finding in a notebook: the range is relative to the code cell `cell` (index in the notebook's `cells`). */
export interface NotebookFinding extends Finding {
  cell: number;
}

export interface RuleMeta {
  code: string;
  rule: string;
  severity: Severity;
  /** One line: what the rule looks for. */
  summary: string;
}

export interface LintOptions {
  /** Only run these codes (default: all). */
  select?: readonly string[];
  /** Skip these codes. */
  ignore?: readonly string[];
  /** Keep findings that a `# mistake-lens: ignore` comment suppresses (default false). */
  keepSuppressed?: boolean;
}
