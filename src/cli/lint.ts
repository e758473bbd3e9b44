/**
 * mistake-lens lint <file-or-dir>… [--json] [--select ML001,…] [--ignore ML013,…]
 * Static checks of Python training scripts and notebooks (see docs/lint-rules.md).
 * Exit codes: 0 no warnings or errors (information findings do not count), 1 findings or an
 * unreadable file, 2 usage.
 */
import { parseArgs } from 'node:util';
import { ALL_RULES, type FileFindings, lintFiles } from '../core/lint/index';
import type { Finding } from '../core/lint/types';

export const LINT_USAGE = `Usage: mistake-lens lint <file-or-dir>… [options]

Checks Python training scripts (.py) and notebooks (.ipynb) for bugs that make models fail silently.
Folders are searched recursively (hidden folders, virtualenvs and node_modules are skipped).

Options:
  --json                 print {version, files, findings, errors} as JSON on stdout
  --select <codes>       only these rules, e.g. ML001,ML002
  --ignore <codes>       skip these rules, e.g. ML013,ML014
  -h, --help             this help

Suppress one finding with a comment on its line or the line above:
  # mistake-lens: ignore[ML001]      (or "# mistake-lens: ignore" for every rule on that line)

Exit codes: 0 no warnings or errors, 1 warnings/errors found or a file could not be read, 2 usage.`;

/** JSON output: the contract (keep field names stable). Lines and columns are 1-based; columns count UTF-16 code units. */
export interface LintJsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  code: string;
  severity: Finding['severity'];
  message: string;
  rule: string;
  /** Notebooks: index of the cell in the notebook's `cells` array (0-based); line/column are within that cell. */
  cell?: number;
  /** A safe edit, when there is one (same coordinates as the finding). */
  fix?: { title: string; line: number; column: number; endLine: number; endColumn: number; newText: string; cell?: number };
}

export interface LintJson {
  version: 1;
  files: number;
  findings: LintJsonFinding[];
  /** Files that could not be read or parsed, and internal rule errors (the file's other findings are kept). */
  errors: { file: string; message: string }[];
}

class LintUsageError extends Error {}

function parseCodes(flag: string, v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const known = new Set(ALL_RULES.map((r) => r.code));
  const codes = v.split(',').map((c) => c.trim().toUpperCase()).filter(Boolean);
  const bad = codes.filter((c) => !known.has(c));
  if (codes.length === 0 || bad.length) throw new LintUsageError(`--${flag} ${v}: unknown rule code${bad.length > 1 ? 's' : ''} ${bad.join(', ') || '(none given)'}; known: ${[...known].join(', ')}`);
  return codes;
}

export function toJson(results: readonly FileFindings[]): LintJson {
  const out: LintJson = { version: 1, files: 0, findings: [], errors: [] };
  for (const r of results) {
    if (r.error !== undefined) {
      out.errors.push({ file: r.file, message: r.error });
      continue;
    }
    for (const m of r.internalErrors ?? []) out.errors.push({ file: r.file, message: m });
    out.files++;
    for (const f of r.findings) {
      const j: LintJsonFinding = {
        file: r.file,
        line: f.range.start.line + 1,
        column: f.range.start.character + 1,
        endLine: f.range.end.line + 1,
        endColumn: f.range.end.character + 1,
        code: f.code,
        severity: f.severity,
        message: f.message,
        rule: f.rule,
      };
      if (f.cell !== undefined) j.cell = f.cell;
      if (f.fix) {
        j.fix = { title: f.fix.title, line: f.fix.range.start.line + 1, column: f.fix.range.start.character + 1, endLine: f.fix.range.end.line + 1, endColumn: f.fix.range.end.character + 1, newText: f.fix.newText };
        if (f.fix.cell !== undefined) j.fix.cell = f.fix.cell;
      }
      out.findings.push(j);
    }
  }
  return out;
}

function formatHuman(json: LintJson): string {
  const lines: string[] = [];
  for (const f of json.findings) {
    const where = f.cell !== undefined ? `${f.file} (cell ${f.cell + 1}):${f.line}:${f.column}` : `${f.file}:${f.line}:${f.column}`;
    lines.push(`${where} ${f.severity} ${f.code} ${f.message}`);
  }
  const count = (s: string) => json.findings.filter((f) => f.severity === s).length;
  const [e, w, i] = [count('error'), count('warning'), count('information')];
  const n = json.findings.length;
  const plural = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
  lines.push(n === 0 ? `No problems found in ${plural(json.files, 'file')}.` : `${plural(n, 'problem')} (${plural(e, 'error')}, ${plural(w, 'warning')}, ${i} information) in ${plural(json.files, 'file')}.`);
  return lines.join('\n');
}

export interface LintIo {
  out(text: string): void;
  err(text: string): void;
}
const STDIO: LintIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** Runs `mistake-lens lint …` (argv without the command name) and returns the exit code. */
export async function runLint(argv: string[], io: LintIo = STDIO): Promise<number> {
  let values: { json?: boolean; select?: string; ignore?: string; help?: boolean };
  let positionals: string[];
  let select: string[] | undefined;
  let ignore: string[] | undefined;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        select: { type: 'string' },
        ignore: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
    if (values.help) {
      io.out(LINT_USAGE + '\n');
      return 0;
    }
    if (positionals.length === 0) throw new LintUsageError('lint needs at least one file or folder: mistake-lens lint <file-or-dir>… [--json]');
    select = parseCodes('select', values.select);
    ignore = parseCodes('ignore', values.ignore);
  } catch (e) {
    if (e instanceof LintUsageError || (e as { code?: string }).code?.startsWith?.('ERR_PARSE_ARGS')) {
      io.err(`mistake-lens: ${(e as Error).message}\nRun 'mistake-lens lint --help' for usage.\n`);
      return 2;
    }
    throw e;
  }
  const results = await lintFiles(positionals, { select, ignore });
  const json = toJson(results);
  for (const err of json.errors) io.err(`mistake-lens: cannot lint ${err.file}: ${err.message}\n`);
  if (values.json) io.out(JSON.stringify(json, null, 2) + '\n');
  else io.out(formatHuman(json) + '\n');
  const problems = json.findings.some((f) => f.severity === 'error' || f.severity === 'warning');
  return problems || json.errors.length > 0 ? 1 : 0;
}
