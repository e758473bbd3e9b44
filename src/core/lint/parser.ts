/**
 * Lazy, cached loading of web-tree-sitter and the Python grammar (both WebAssembly: no
 * native build, no Python needed). The .wasm files are resolved from node_modules at run
 * time, so this works from the sources (tsx) and from the esbuild bundle in dist/.
 */
import { Language, Parser } from 'web-tree-sitter';

let loading: Promise<Language> | null = null;
let language: Language | null = null;
let parser: Parser | null = null;

function resolveWasm(spec: string): string {
  try {
    return require.resolve(spec);
  } catch (e) {
    throw new Error(`mistake-lens lint: cannot find ${spec} (is the package installed next to the CLI?): ${(e as Error).message}`);
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
