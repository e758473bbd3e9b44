/**
 * Lazy, cached loading of web-tree-sitter and the Python grammar (both WebAssembly: no
 * native build, no Python needed). The .wasm files are resolved from node_modules at run
 * time, so this works from the sources (tsx) and from the esbuild bundle in dist/.
 */
// `import = require` (not `import {}`): bundlers then take the package's CommonJS build, whose
// WebAssembly loader works from a CommonJS bundle (the ESM build needs import.meta.url).
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import TreeSitter = require('web-tree-sitter');
type Language = TreeSitter.Language;
type Parser = TreeSitter.Parser;
const { Language, Parser } = TreeSitter;

let loading: Promise<Language> | null = null;
let language: Language | null = null;
let parser: Parser | null = null;

/**
 * A .wasm file: next to this module first (a packaged build may copy them into dist/), else
 * from node_modules (a checkout, where dist/ sits next to node_modules).
 */
function resolveWasm(spec: string): string {
  const local = join(__dirname, basename(spec));
  if (existsSync(local)) return local;
  try {
    return require.resolve(spec);
  } catch (e) {
    throw new Error(`cannot find ${spec} (is the package installed next to the CLI?): ${(e as Error).message}`);
  }
}

/** Loads the parser once; later calls return the same promise. */
export function loadPython(): Promise<Language> {
  if (!loading) {
    loading = (async () => {
      const runtime = resolveWasm('web-tree-sitter/tree-sitter.wasm');
      await Parser.init({ locateFile: () => runtime });
      const lang = await Language.load(resolveWasm('tree-sitter-python/tree-sitter-python.wasm'));
      language = lang;
      return lang;
    })();
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

export function isPythonLoaded(): boolean {
  return language !== null;
}

/** The shared parser; throws if `loadPython()` has not finished. */
export function pythonParser(): Parser {
  if (!language) throw new Error('mistake-lens lint: call `await loadPython()` (or `initLint()`) before linting synchronously');
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(language);
  }
  return parser;
}
