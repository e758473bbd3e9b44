// One esbuild script for every bundle. Native and heavy packages stay external: they are
// loaded from node_modules at run time (onnxruntime-node and sharp ship platform binaries).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const watch = process.argv.includes('--watch');
const external = ['onnxruntime-node', 'sharp', 'vscode'];

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const node = {
  define: { __TOOL_VERSION__: JSON.stringify(version) },
  bundle: true, platform: 'node', target: 'node20', format: 'cjs',
  sourcemap: true, external, logLevel: 'warning',
};
const builds = [
  {
    ...node,
    entryPoints: { cli: 'src/cli/main.ts', worker: 'src/core/model/worker.ts', 'diagnostics-worker': 'src/core/diagnostics/worker.ts', 'lint-worker': 'src/core/lint/parseWorker.ts', extension: 'src/extension/extension.ts' },
    outdir: 'dist',
  },
  // The panel UI: a browser bundle (also inlined into the CLI's standalone HTML report).
  {
    bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: false, minify: true,
    entryPoints: { webview: 'webview/main.ts' }, outdir: 'dist', logLevel: 'warning',
    loader: { '.css': 'text' },
  },
  // The benchmark sits beside the worker it measures; .vscodeignore keeps it out of the .vsix.
  { ...node, entryPoints: { bench: 'bench/inspect.bench.ts', 'bench-host': 'bench/hostLoop.bench.ts', 'bench-lint': 'bench/lint.bench.ts' }, outdir: 'dist' },
];

// The Python grammar and tree-sitter runtime (WebAssembly) sit beside the bundles that load
// them, so a packaged extension needs no node_modules for linting.
const require = createRequire(import.meta.url);
mkdirSync('dist', { recursive: true });
for (const wasm of ['web-tree-sitter/tree-sitter.wasm', 'tree-sitter-python/tree-sitter-python.wasm']) {
  copyFileSync(require.resolve(wasm), `dist/${wasm.split('/').pop()}`);
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
