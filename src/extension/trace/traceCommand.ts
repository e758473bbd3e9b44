/**
 * The `mistakeLens.trace.command` setting: what "Trace Shapes in This Script" runs instead of the
 * active file, shaped like a launch.json Python configuration (`program` or `module`, `args`,
 * `cwd`, with `${workspaceFolder}`, `${file}`, `${fileDirname}`). No `vscode` import, so the
 * parsing is unit-tested in plain Node; the caller reads the setting only in a trusted workspace.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { MODULE_NAME } from '../../core/lint/trace/runner';
import type { TraceEntry } from '../../core/lint/trace/types';

export const TRACE_COMMAND_SETTING = 'mistakeLens.trace.command';

export type TraceCommand = TraceEntry & { args?: string[]; cwd?: string };

export interface CommandVariables {
  workspaceFolder?: string;
  /** The active editor's file, for `${file}` and `${fileDirname}`. */
  file?: string;
}

export type ParsedCommand = { kind: 'none' } | { kind: 'command'; command: TraceCommand } | { kind: 'invalid'; message: string };

const bad = (message: string): ParsedCommand => ({ kind: 'invalid', message: `${TRACE_COMMAND_SETTING}: ${message}` });

/** Replaces the launch.json variables this setting supports; an unknown one or one without a value is an error. */
function substitute(field: string, value: string, vars: CommandVariables): string {
  return value.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    const v = name === 'workspaceFolder' ? vars.workspaceFolder : name === 'file' ? vars.file : name === 'fileDirname' && vars.file ? dirname(vars.file) : undefined;
    if (v === undefined) {
      const known = ['workspaceFolder', 'file', 'fileDirname'].includes(name);
      throw new Error(`${field} "${value}": \${${name}} ${known ? 'has no value here (no workspace folder or no active file)' : 'is not supported (use ${workspaceFolder}, ${file} or ${fileDirname})'}`);
    }
    return v;
  });
}

/**
 * The setting's value as a command: an object `{program | module, args?, cwd?}`, or a string that
 * is a script (`train.py`) or a module name (`pkg.train`). Unset, null, "" or {} → none.
 */
export function parseTraceCommand(value: unknown, vars: CommandVariables): ParsedCommand {
  if (value === undefined || value === null || value === '') return { kind: 'none' };
  let raw: Record<string, unknown>;
  if (typeof value === 'string') raw = value.trim().endsWith('.py') ? { program: value.trim() } : { module: value.trim() };
  else if (typeof value === 'object' && !Array.isArray(value)) raw = value as Record<string, unknown>;
  else return bad(`expected an object like {"module": "pkg.train", "args": [], "cwd": "\${workspaceFolder}"}, got ${JSON.stringify(value)}`);
  if (Object.keys(raw).length === 0) return { kind: 'none' };
  const unknown = Object.keys(raw).filter((k) => !['program', 'module', 'args', 'cwd'].includes(k));
  if (unknown.length) return bad(`unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (expected program or module, args, cwd)`);
  const program = raw.program;
  for (const [k, v] of Object.entries({ program, module: raw.module, cwd: raw.cwd })) {
    if (v !== undefined && (typeof v !== 'string' || v.trim() === '')) return bad(`${k} must be a non-empty string, got ${JSON.stringify(v)}`);
  }
  if (raw.args !== undefined && !(Array.isArray(raw.args) && raw.args.every((a) => typeof a === 'string'))) return bad(`args must be an array of strings, got ${JSON.stringify(raw.args)}`);
  if ((program === undefined) === (raw.module === undefined)) return bad('name exactly one of program (a script) or module (run as python -m)');
  try {
    const base = vars.workspaceFolder ?? process.cwd();
    const cwd = raw.cwd !== undefined ? resolve(base, substitute('cwd', raw.cwd as string, vars)) : vars.workspaceFolder;
    const args = (raw.args as string[] | undefined)?.map((a) => substitute('args', a, vars));
    if (raw.module !== undefined) {
      const module = substitute('module', (raw.module as string).trim(), vars);
      if (!MODULE_NAME.test(module)) return bad(`module "${module}" is not a dotted module name such as pkg.train (for a file, use program)`);
      return { kind: 'command', command: { module, args, cwd } };
    }
    const p = substitute('program', program as string, vars);
    return { kind: 'command', command: { script: isAbsolute(p) ? p : resolve(cwd ?? base, p), args, cwd } };
  } catch (e) {
    return bad((e as Error).message);
  }
}
