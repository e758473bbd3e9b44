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
type Tree = TreeSitter.Tree;
type TreeCursor = TreeSitter.TreeCursor;
const { Language, Parser } = TreeSitter;

let loading: Promise<Language> | null = null;
let language: Language | null = null;
let parser: Parser | null = null;
let binding: Binding | null = null;

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
      const options = { locateFile: () => runtime };
      await Parser.init(options);
      binding = bindingOf(options);
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

// ---------------------------------------------------------------------------------------
// A cursor straight on the WebAssembly exports. The public TreeCursor copies its state
// into the transfer buffer and back (a dozen typed-array writes through Emscripten's
// setValue/getValue) on every call, which was most of the time spent copying the tree.
// The C side keeps the cursor in that buffer between calls, so a walk that makes no
// other tree-sitter call in between can leave it there.

/** The exports of web-tree-sitter's Emscripten module that the direct cursor calls (the module fills the object given to Parser.init). */
interface Binding {
  HEAP32: Int32Array;
  transfer: number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
}

const BINDING_FUNCTIONS = [
  '_ts_tree_cursor_current_node_type_id_wasm', '_ts_tree_cursor_start_index_wasm', '_ts_tree_cursor_end_index_wasm', '_ts_tree_cursor_current_field_id_wasm',
  '_ts_tree_cursor_goto_first_child_wasm', '_ts_tree_cursor_goto_next_sibling_wasm', '_ts_tree_cursor_goto_parent_wasm',
] as const;

function bindingOf(m: Record<string, unknown>): Binding | null {
  if (!(m.HEAP32 instanceof Int32Array) || typeof m._ts_init !== 'function') return null;
  if (!BINDING_FUNCTIONS.every((f) => typeof m[f] === 'function')) return null;
  // _ts_init only writes the ABI versions into the buffer and returns its address
  const transfer = (m._ts_init as () => number)();
  const b = m as unknown as Binding;
  b.transfer = transfer;
  return b;
}

/** The few cursor operations the tree copy needs, all returning numbers. */
export interface RawCursor {
  typeId(): number;
  /** UTF-16 offsets. */
  start(): number;
  end(): number;
  fieldId(): number;
  firstChild(): boolean;
  nextSibling(): boolean;
  parent(): boolean;
  /** Frees the cursor; call once, after the walk. */
  close(): void;
}

class PublicCursor implements RawCursor {
  constructor(private readonly c: TreeCursor) {}
  typeId(): number { return this.c.nodeTypeId; }
  start(): number { return this.c.startIndex; }
  end(): number { return this.c.endIndex; }
  fieldId(): number { return this.c.currentFieldId; }
  firstChild(): boolean { return this.c.gotoFirstChild(); }
  nextSibling(): boolean { return this.c.gotoNextSibling(); }
  parent(): boolean { return this.c.gotoParent(); }
  close(): void { this.c.delete(); }
}

type Handles = Record<0 | 1 | 2 | 3, number>;

/** Valid while no other web-tree-sitter call runs: it keeps its state in the shared transfer buffer. */
class DirectCursor implements RawCursor {
  private readonly tree: number;
  constructor(
    private readonly b: Binding,
    tree: Tree,
    private readonly c: TreeCursor,
  ) {
    this.tree = (tree as unknown as Handles)[0];
    const h = c as unknown as Handles;
    const heap = b.HEAP32;
    const at = b.transfer >> 2;
    for (let i = 0; i < 4; i++) heap[at + i] = h[i as 0];
  }
  typeId(): number { return this.b._ts_tree_cursor_current_node_type_id_wasm(this.tree); }
  start(): number { return this.b._ts_tree_cursor_start_index_wasm(this.tree) >>> 0; }
  end(): number { return this.b._ts_tree_cursor_end_index_wasm(this.tree) >>> 0; }
  fieldId(): number { return this.b._ts_tree_cursor_current_field_id_wasm(this.tree); }
  firstChild(): boolean { return this.b._ts_tree_cursor_goto_first_child_wasm(this.tree) !== 0; }
  nextSibling(): boolean { return this.b._ts_tree_cursor_goto_next_sibling_wasm(this.tree) !== 0; }
  parent(): boolean { return this.b._ts_tree_cursor_goto_parent_wasm(this.tree) !== 0; }
  close(): void {
    // hand the (possibly reallocated) cursor state back to the public object, which frees it
    const heap = this.b.HEAP32; // a fresh view: the walk may have grown the memory
    const at = this.b.transfer >> 2;
    const h = this.c as unknown as Handles;
    for (let i = 0; i < 4; i++) h[i as 0] = heap[at + i]!;
    this.c.delete();
  }
}

/** null: not checked yet. */
let directOk: boolean | null = null;
let publicOnly = false;

/** A cursor at the root of `tree`: the direct one when this web-tree-sitter build has the exports it needs and it passed its self-check. */
export function openCursor(tree: Tree, check: (direct: (t: Tree) => RawCursor, pub: (t: Tree) => RawCursor) => boolean): RawCursor {
  const b = binding;
  const pub = (t: Tree) => new PublicCursor(t.walk());
  if (!b || publicOnly) return pub(tree);
  const direct = (t: Tree) => new DirectCursor(b, t, t.walk());
  if (directOk === null) {
    try {
      directOk = check(direct, pub);
    } catch {
      directOk = false;
    }
  }
  return directOk ? direct(tree) : pub(tree);
}

/** For tests: whether trees are copied through the direct cursor. */
export function usesDirectCursor(): boolean {
  return directOk === true && !publicOnly;
}

/** For tests: copy trees through the public TreeCursor only (the reference the direct one is compared with). */
export function setPublicCursorOnly(on: boolean): void {
  publicOnly = on;
}
