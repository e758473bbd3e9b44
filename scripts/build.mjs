// One esbuild script for every bundle. Native and heavy packages stay external: they are
// loaded from node_modules at run time (onnxruntime-node and sharp ship platform binaries).
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const external = ['onnxruntime-node', 'sharp', 'vscode'];

const node = {
  bundle: true, platform: 'node', target: 'node20', format: 'cjs',
  sourcemap: true, external, logLevel: 'warning',
};
const builds = [
  { ...node, entryPoints: { cli: 'src/cli/main.ts', worker: 'src/core/model/worker.ts' }, outdir: 'dist' },
];

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
