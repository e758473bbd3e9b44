/**
 * The `mistakeLens.trace.command` setting: what "Trace Shapes in This Script" runs instead of the
 * active file, shaped like a launch.json Python configuration (`program` or `module`, `args`,
 * `cwd`, `env`, with `${workspaceFolder}`, `${file}`, `${fileDirname}`), or `{"launch": name}`:
 * those fields of the workspace's launch.json configuration of that name. No `vscode` import, so
 * the parsing is unit-tested in plain Node; the caller reads the setting and launch.json only in
 * a trusted workspace.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { MODULE_NAME } from '../../core/lint/trace/runner';
import type { TraceEntry } from '../../core/lint/trace/types';

export const TRACE_COMMAND_SETTING = 'mistakeLens.trace.command';

export type TraceCommand = TraceEntry & { args?: string[]; cwd?: string; env?: Record<string, string> };

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

/** Launch configuration types that run Python (the Python extension's debugger, old and new). */
const PYTHON_LAUNCH_TYPES = ['debugpy', 'python'];
/** What is taken from a launch configuration; the rest (console, justMyCode, …) is about debugging. */
const LAUNCH_FIELDS = ['program', 'module', 'args', 'cwd', 'env'];

/**
 * The setting's value as a command: an object `{program | module, args?, cwd?, env?}`, or
 * `{launch: name}` (looked up in `launchConfigurations`, launch.json's `configurations`), or a
 * string that is a script (`train.py`) or a module name (`pkg.train`). Unset, null, "" or {} → none.
 */
export function parseTraceCommand(value: unknown, vars: CommandVariables, launchConfigurations: readonly unknown[] = []): ParsedCommand {
  if (value === undefined || value === null || value === '') return { kind: 'none' };
  let raw: Record<string, unknown>;
  if (typeof value === 'string') raw = value.trim().endsWith('.py') ? { program: value.trim() } : { module: value.trim() };
  else if (typeof value === 'object' && !Array.isArray(value)) raw = value as Record<string, unknown>;
  else return bad(`expected an object like {"module": "pkg.train", "args": [], "cwd": "\${workspaceFolder}"}, got ${JSON.stringify(value)}`);
  if (Object.keys(raw).length === 0) return { kind: 'none' };
  let from = '';
  if ('launch' in raw) {
    const found = fromLaunch(raw, launchConfigurations);
    if (typeof found === 'string') return bad(found);
    from = ` (launch configuration "${String(raw.launch)}")`;
    raw = found;
  }
  const unknown = Object.keys(raw).filter((k) => !LAUNCH_FIELDS.includes(k));
  if (unknown.length) return bad(`unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (expected program or module, args, cwd, env, or launch)`);
  const parsed = parseFields(raw, vars);
  return parsed.kind === 'invalid' && from ? { kind: 'invalid', message: parsed.message + from } : parsed;
}

/** The Python fields of the launch configuration `raw.launch` names, or what is wrong. */
function fromLaunch(raw: Record<string, unknown>, configurations: readonly unknown[]): Record<string, unknown> | string {
  const name = raw.launch;
  if (Object.keys(raw).length > 1) return 'launch names a launch.json configuration and takes no other fields';
  if (typeof name !== 'string' || name.trim() === '') return `launch must be the name of a launch.json configuration, got ${JSON.stringify(name)}`;
  const configs = configurations.filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null && !Array.isArray(c));
  const config = configs.find((c) => c.name === name);
  if (!config) {
    const names = configs.map((c) => c.name).filter((n): n is string => typeof n === 'string');
    return `launch "${name}": no configuration of that name in launch.json${names.length ? ` (it has: ${names.map((n) => `"${n}"`).join(', ')})` : ' (it has none)'}`;
  }
  if (!PYTHON_LAUNCH_TYPES.includes(String(config.type))) return `launch "${name}" is a ${JSON.stringify(config.type)} configuration, not a Python one (type "debugpy" or "python")`;
  const picked: Record<string, unknown> = {};
  for (const k of LAUNCH_FIELDS) if (config[k] !== undefined) picked[k] = config[k];
  // the Python extension's "with arguments" template asks for them in a prompt: nothing to ask here
  if (typeof picked.args === 'string') return `launch "${name}": args is the string ${JSON.stringify(picked.args)}; give them as an array of strings to trace it`;
  return picked;
}

function parseFields(raw: Record<string, unknown>, vars: CommandVariables): ParsedCommand {
  const program = raw.program;
  for (const [k, v] of Object.entries({ program, module: raw.module, cwd: raw.cwd })) {
    if (v !== undefined && (typeof v !== 'string' || v.trim() === '')) return bad(`${k} must be a non-empty string, got ${JSON.stringify(v)}`);
  }
  if (raw.args !== undefined && !(Array.isArray(raw.args) && raw.args.every((a) => typeof a === 'string'))) return bad(`args must be an array of strings, got ${JSON.stringify(raw.args)}`);
  const envIn = raw.env;
  if (envIn !== undefined && !(typeof envIn === 'object' && envIn !== null && !Array.isArray(envIn) && Object.values(envIn).every((v) => typeof v === 'string'))) {
    return bad(`env must be an object of strings, got ${JSON.stringify(envIn)}`);
  }
  if ((program === undefined) === (raw.module === undefined)) return bad('name exactly one of program (a script) or module (run as python -m)');
  try {
    const base = vars.workspaceFolder ?? process.cwd();
    const cwd = raw.cwd !== undefined ? resolve(base, substitute('cwd', raw.cwd as string, vars)) : vars.workspaceFolder;
    const args = (raw.args as string[] | undefined)?.map((a) => substitute('args', a, vars));
    const env = envIn === undefined ? undefined : Object.fromEntries(Object.entries(envIn as Record<string, string>).map(([k, v]) => [k, substitute(`env.${k}`, v, vars)]));
    const extra = { args, cwd, ...(env ? { env } : {}) };
    if (raw.module !== undefined) {
      const module = substitute('module', (raw.module as string).trim(), vars);
      if (!MODULE_NAME.test(module)) return bad(`module "${module}" is not a dotted module name such as pkg.train (for a file, use program)`);
      return { kind: 'command', command: { module, ...extra } };
    }
    const p = substitute('program', program as string, vars);
    return { kind: 'command', command: { script: isAbsolute(p) ? p : resolve(cwd ?? base, p), ...extra } };
  } catch (e) {
    return bad((e as Error).message);
  }
}
